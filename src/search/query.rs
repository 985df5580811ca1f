//! Running a search: the user's words through the query parser (same analyzer as indexing),
//! filters as exact terms, and snippets cut from the article text held in redb.

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{TantivyDocument, Term};

use super::SearchIndex;
use crate::error::{Error, Result};
use crate::model::{ArticleId, ArticleRecord, Author, Status};

/// What to look for, and on whose behalf.
#[derive(Clone, Debug, Default)]
pub struct SearchRequest {
    pub text: String,
    /// A category id; sub-groups are included.
    pub category: Option<String>,
    /// An HS prefix, dotted or not (`0901`, `4403.49`).
    pub hs: Option<String>,
    pub status: Option<Status>,
    pub limit: usize,
    /// Drafts are shown only to their authors.
    pub viewer: Option<Author>,
}

/// A fragment of the article with the matched words marked (byte ranges into `text`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SearchHit {
    pub id: String,
    pub title: String,
    pub category: String,
    pub status: Status,
    pub score: f32,
    pub snippet: String,
    pub highlights: Vec<(usize, usize)>,
    pub lang: String,
    pub kind: String,
    pub hs_codes: Vec<String>,
}

const SNIPPET_BYTES: usize = 240;

impl SearchIndex {
    /// Runs `request`; `load` reads an article from the store (for titles and snippets).
    pub fn search(
        &self,
        request: &SearchRequest,
        load: &dyn Fn(&ArticleId) -> Result<Option<ArticleRecord>>,
    ) -> Result<Vec<SearchHit>> {
        let f = self.fields;
        let text_query = self.text_query(&request.text);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(category) = &request.category {
            let facet = Facet::from(&format!("/{}", category.trim_matches('/')));
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_facet(f.category, &facet),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(hs) = &request.hs {
            clauses.push((Occur::Must, term(f.hs, &hs_prefix(hs)?)));
        }
        if let Some(status) = request.status {
            clauses.push((Occur::Must, term(f.status, status.as_str())));
        }
        // Visibility: published and reviewed work for everyone, drafts for their authors.
        let mut visible: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, term(f.status, Status::Published.as_str()))];
        if let Some(viewer) = &request.viewer {
            visible.push((Occur::Should, term(f.authors, &viewer.key())));
        }
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(visible))));

        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let limit = request.limit.max(1);
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut snippets = SnippetGenerator::create(&searcher, &*text_query, f.body)?;
        snippets.set_max_num_chars(SNIPPET_BYTES);

        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(id) = doc.get_first(f.id).and_then(|v| v.as_str()) else {
                continue;
            };
            let id = ArticleId::parse(id)?;
            // The index may briefly hold an article the store no longer shows; skip it.
            let Some(record) = load(&id)? else { continue };
            let snippet = snippet_for(&snippets, &record);
            let c = record.content;
            hits.push(SearchHit {
                id: id.to_string(),
                title: c.title,
                category: c.category,
                status: record.status,
                score,
                snippet: snippet.text,
                highlights: snippet.highlights,
                lang: c.lang.to_string(),
                kind: c.kind.to_string(),
                hs_codes: c.hs_codes.iter().map(ToString::to_string).collect(),
            });
        }
        Ok(hits)
    }

    /// The user's words as a query over the text fields; every word must match. Empty text
    /// matches everything (a filter-only search).
    fn text_query(&self, text: &str) -> Box<dyn Query> {
        let f = self.fields;
        if text.trim().is_empty() {
            return Box::new(AllQuery);
        }
        let mut parser =
            QueryParser::for_index(&self.index, vec![f.title, f.summary, f.tags, f.body]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 3.0);
        parser.set_field_boost(f.tags, 2.0);
        parser.set_field_boost(f.summary, 1.5);
        // Lenient: a stray quote or colon in what an officer typed is not an error.
        let (query, _errors) = parser.parse_query_lenient(text);
        query
    }
}

/// Normalises an HS prefix filter: digits only, 2 to 10 of them.
fn hs_prefix(input: &str) -> Result<String> {
    let digits: String = input.chars().filter(|c| *c != '.' && *c != ' ').collect();
    if digits.len() >= 2
        && digits.len() <= 10
        && digits.len() % 2 == 0
        && digits.chars().all(|c| c.is_ascii_digit())
    {
        Ok(digits)
    } else {
        Err(Error::invalid(format!(
            "`{input}` is not an HS prefix: use 2, 4, 6, 8 or 10 digits, e.g. 44 or 4403.49"
        )))
    }
}

fn snippet_for(generator: &SnippetGenerator, record: &ArticleRecord) -> Snippet {
    let snippet = generator.snippet(&record.content.body);
    if snippet.is_empty() {
        let text = if record.content.summary.is_empty() {
            &record.content.body
        } else {
            &record.content.summary
        };
        return Snippet {
            text: truncate_chars(text, 160),
            highlights: vec![],
        };
    }
    Snippet {
        text: snippet.fragment().to_string(),
        highlights: snippet
            .highlighted()
            .iter()
            .map(|r| (r.start, r.end))
            .collect(),
    }
}

fn truncate_chars(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}
