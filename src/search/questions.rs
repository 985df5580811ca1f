//! Questions of the Knowledge Market in the search index, beside the articles: a question is one
//! document of kind `question` holding its title, its body and its answers' text, so a search
//! finds the question already asked as it finds an article. Its document id is the question id
//! behind [`QUESTION_KEY`], which no article id can begin with, so the two never collide.

use std::fmt;
use std::str::FromStr;

use tantivy::schema::Facet;
use tantivy::{TantivyDocument, Term};

use super::SearchIndex;
use super::schema::Fields;
use super::snippet::{self, Marker};
use crate::error::{Error, Result};
use crate::model::market::QuestionRecord;
use crate::model::{Kind, Status};

/// What the id field of a question's document holds before the question id (`:` is never in
/// an article id).
pub const QUESTION_KEY: &str = "question:";

/// The `kind` a question's document is indexed under, and a search hit of a question carries.
pub const QUESTION_KIND: &str = "question";

/// What a search may be limited to (`--kind`, `kind:`): one kind of article, every article
/// (`article`), or the questions (`question`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SearchKind {
    Article(Kind),
    Articles,
    Questions,
}

impl FromStr for SearchKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            QUESTION_KIND => Ok(SearchKind::Questions),
            "article" => Ok(SearchKind::Articles),
            other => other.parse::<Kind>().map(SearchKind::Article).map_err(|_| {
                let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                Error::invalid(format!(
                    "`{s}` is not a kind to search: use one of {}, article (every article) or question",
                    kinds.join(", ")
                ))
            }),
        }
    }
}

impl fmt::Display for SearchKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchKind::Article(kind) => f.write_str(kind.as_str()),
            SearchKind::Articles => f.write_str("article"),
            SearchKind::Questions => f.write_str(QUESTION_KIND),
        }
    }
}

/// A question as the index takes it: the record and the office of the node it was asked on.
#[derive(Clone, Debug)]
pub struct IndexedQuestion {
    pub record: QuestionRecord,
    pub office: String,
}

/// The id field's value for question `id`.
pub fn question_key(id: &str) -> String {
    format!("{QUESTION_KEY}{id}")
}

impl SearchIndex {
    /// Hands the documents of `questions` to the indexing threads, replacing the ones they had;
    /// searchable after `commit`.
    pub fn stage_questions(&mut self, questions: &[IndexedQuestion]) -> Result<()> {
        let fields = self.fields;
        // The writer first: taking it reloads the reader when another process committed.
        self.writer()?;
        let searcher = self.reader.searcher();
        let writer = self.writer()?;
        for q in questions {
            let id = Term::from_field_text(fields.id, &question_key(&q.record.id));
            if searcher.doc_freq(&id)? > 0 {
                writer.delete_term(id);
            }
            writer.add_document(document(&fields, q))?;
        }
        Ok(())
    }
}

/// The language a question is written in, from its title and body.
fn lang_of(q: &QuestionRecord) -> crate::model::Lang {
    crate::markdown::detect_lang(&format!("{}\n{}", q.title, q.body))
}

/// The text a question is found by beyond its title: its body, then each answer.
fn texts(q: &QuestionRecord) -> impl Iterator<Item = &str> {
    std::iter::once(q.body.as_str()).chain(q.answers.iter().map(|a| a.body.as_str()))
}

fn document(f: &Fields, indexed: &IndexedQuestion) -> TantivyDocument {
    let q = &indexed.record;
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, question_key(&q.id));
    doc.add_text(f.heading, &q.title);
    doc.add_text(f.grams, &q.title);
    doc.add_text(f.thai_folded, &q.title);
    for text in texts(q) {
        doc.add_text(f.text, text);
        doc.add_text(f.grams, text);
        doc.add_text(f.thai_folded, text);
    }
    doc.add_facet(f.category, Facet::from(&format!("/{}", q.category)));
    for code in &q.hs_codes {
        for prefix in code.prefixes() {
            doc.add_text(f.hs, prefix);
        }
    }
    // Asked is published: every reader cleared for it sees it (visibility asks for `published`).
    doc.add_text(f.status, Status::Published.as_str());
    doc.add_text(f.lang, lang_of(q).as_str());
    doc.add_text(f.kind, QUESTION_KIND);
    doc.add_text(f.office, indexed.office.to_lowercase());
    doc.add_text(f.classification, q.classification.as_str());
    doc.add_text(f.authors, q.asker.key());
    let updated = q.answers.iter().map(|a| a.hlc).fold(q.hlc, Ord::max);
    doc.add_i64(f.updated, i64::try_from(updated.millis).unwrap_or(i64::MAX));
    doc.add_f64(f.helpfulness, 0.0);
    doc
}

/// A search hit of question `q`: its id, title and category, a snippet of the body or of the
/// answer where the words are (`marker`), or none with `snippet` off.
pub(super) fn hit(
    q: QuestionRecord,
    score: f32,
    marker: &Marker,
    snippet: bool,
    via: Option<String>,
) -> super::SearchHit {
    let cut = if snippet {
        let text: Vec<&str> = texts(&q).collect();
        snippet::make(&text.join("\n"), marker, super::query::SNIPPET_CHARS)
    } else {
        snippet::Snippet::default()
    };
    let lang = lang_of(&q);
    super::SearchHit {
        id: q.id,
        title: q.title,
        category: q.category,
        status: Status::Published,
        score,
        snippet: cut.text,
        highlights: cut.highlights,
        lang: lang.to_string(),
        kind: QUESTION_KIND.to_string(),
        hs_codes: q.hs_codes.iter().map(ToString::to_string).collect(),
        via,
        helpful: 0,
        answers: Some(q.answers.len()),
    }
}
