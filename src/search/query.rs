//! Running a search: the query language turned into a tantivy query over the word (with stems) and
//! sub-word fields, filters as exact terms, ranking, and snippets cut from the text in redb.
//!
//! # Ranking
//! ```text
//! score = bm25 × (1 + 0.2 × freshness + 0.3 × helpfulness)
//! bm25  = Σ over matching clauses of BM25(field) × boost
//!         boosts: heading (title and tags) 3, text (summary and body) 1;
//!                 English stem 0.5 (× those of the word fields when the stem is a word itself);
//!                 a typo corrected to an indexed word: half the weights above;
//!                 prefix-while-typing 0.3 (constant score);
//!                 Thai/Korean sub-word bigram phrase 0.1;
//!                 Thai spelling variant (folded bigram phrase, `thai_fold`) 0.05
//! freshness   = 0.5 ^ (days since last update / 180)        in (0, 1]
//! helpfulness = share of readers who found it helpful        in [0, 1] (0 until feedback exists)
//! ```
//! Hits come in two tiers: first every match of the whole words (and their stems), ranked as
//! above; then, when those are fewer than asked for, the further matches that only the Thai and
//! Korean sub-word phrases, Thai spelling variants, a typo's corrections or the prefix being
//! typed find, ranked the same
//! way among themselves. So a whole-word hit always ranks above a sub-word hit, and an exact word
//! above a corrected typo or a completion. `top` collects each tier.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;
use tantivy::columnar::ColumnValues;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, PhrasePrefixQuery,
    PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::{DocAddress, DocId, Score, SegmentReader, TantivyDocument, Term};

use super::SearchIndex;
use super::analyzer::{self, Analyzer};
use super::query_language::{self, ParsedQuery, Term as QueryTerm};
use super::questions::{self, QUESTION_KEY, QUESTION_KIND, SearchKind};
use super::snippet::{self, Marker};
use super::thai_fold;
use super::top::{self, Multiplier, Plan, WeightedTerm};
use super::typo;
use crate::error::{Error, Result};
use crate::glossary::Glossary;
use crate::model::market::QuestionRecord;
use crate::model::{ArticleId, ArticleRecord, Author, Classification, Lang, Status};

/// Reads a question from the store, for the hits that are questions.
pub type QuestionLoader<'a> = &'a dyn Fn(&str) -> Result<Option<QuestionRecord>>;

/// How many indexed words the last word typed may stand for while typing, per field.
const PREFIX_EXPANSIONS: u32 = 64;

/// What to look for, and on whose behalf.
#[derive(Clone, Debug, Default)]
pub struct SearchRequest {
    /// Words in the query language (see `query_language`), filters included.
    pub text: String,
    /// A category id; sub-groups are included. Adds to a `category:` in the text.
    pub category: Option<String>,
    /// An HS prefix, dotted or not (`0901`, `4403.49`).
    pub hs: Option<String>,
    pub status: Option<Status>,
    pub limit: usize,
    /// Drafts are shown only to their authors.
    pub viewer: Option<Author>,
    /// The most classified articles the viewer may see; `None` for all. `Replica::find` sets it
    /// from the reader's clearance.
    pub clearance: Option<Classification>,
    /// Search-as-you-type: the last word, not yet followed by a space, also matches as a prefix.
    pub typing: bool,
    /// Now, for freshness (milliseconds since the epoch); 0 leaves freshness out.
    pub now_millis: u64,
    /// How many of the hits get a snippet, best first; `None` for all. A list that shows no
    /// snippets (the interface's results) saves their cost.
    pub snippets: Option<usize>,
    /// Leave the glossary out: no hits in other languages through it (`--no-glossary`).
    pub no_glossary: bool,
    /// Only this kind of article, every article, or the questions; `None` for everything,
    /// questions included. Adds to a `kind:` in the text.
    pub kind: Option<SearchKind>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SearchHit {
    pub id: String,
    pub title: String,
    pub category: String,
    pub status: Status,
    pub score: f32,
    pub snippet: String,
    /// Byte ranges of `snippet` that matched.
    pub highlights: Vec<(usize, usize)>,
    pub lang: String,
    pub kind: String,
    pub hs_codes: Vec<String>,
    /// The glossary term this hit was found through, when the query's own words did not find
    /// it (a Thai query's English article: `transshipment`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// How many people found it helpful: the article's votes, or those of all the answers to a
    /// question. `Replica::find` counts them; the index alone leaves 0.
    pub helpful: u64,
    /// A question's answers so far; `None` for an article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers: Option<usize>,
}

impl SearchHit {
    /// Whether this hit is a question of the Knowledge Market (`outpost question ID` opens it),
    /// not an article.
    pub fn is_question(&self) -> bool {
        self.kind == QUESTION_KIND
    }
}

/// A query word the knowledge base does not hold, and the indexed word closest to it that was
/// searched in its place (`timbr` → `timber`), so an interface can say so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Correction {
    pub typed: String,
    pub meant: String,
}

/// The hits of a search and the typo corrections that found some of them.
#[derive(Clone, Debug, Default)]
pub struct Found {
    pub hits: Vec<SearchHit>,
    /// Empty when the whole words alone found enough (corrections were then not searched).
    pub corrections: Vec<Correction>,
}

/// A query at one tier, ready to run, with what it marks in snippets.
pub(super) struct Planned {
    pub(super) plan: Plan,
    pub(super) marker: Marker,
    /// See [`SearchIndex::plan`].
    extra: bool,
    corrections: Vec<Correction>,
}

pub(super) const SNIPPET_CHARS: usize = 180;
const DAY_MILLIS: f64 = 86_400_000.0;

/// The text fields with the weights of whole-word matches in them.
fn word_fields(f: &super::schema::Fields) -> [(Field, f32); 2] {
    [(f.heading, 3.0), (f.text, 1.0)]
}

impl SearchIndex {
    /// Runs `request`; `load` reads an article from the store (for titles and snippets).
    ///
    /// Whole words come first: the query is run on whole words (and their stems) alone, and only
    /// when that finds fewer than `limit` hits is it run again with everything (Thai and Korean
    /// sub-words, typo corrections, the prefix being typed), whose new hits follow.
    pub fn search(
        &self,
        request: &SearchRequest,
        load: &dyn Fn(&ArticleId) -> Result<Option<ArticleRecord>>,
    ) -> Result<Vec<SearchHit>> {
        Ok(self.find(request, load)?.hits)
    }

    /// [`search`](Self::search), also reporting the typo corrections it searched.
    pub fn find(
        &self,
        request: &SearchRequest,
        load: &dyn Fn(&ArticleId) -> Result<Option<ArticleRecord>>,
    ) -> Result<Found> {
        self.find_with(request, None, load, &|_| Ok(None))
    }

    /// [`find`](Self::find) with a glossary: when the query's own words (all tiers) find fewer
    /// than `limit` hits, a last tier also searches the glossary's terms for them in the other
    /// languages, and its new hits follow, each saying which term found it
    /// ([`SearchHit::via`]). The glossary is asked for only then: a search whose own words fill
    /// the page never builds it (a whole `outpost search` process pays for it otherwise).
    /// `question` reads the questions found (a question it does not return is left out).
    pub fn find_with(
        &self,
        request: &SearchRequest,
        glossary: Option<&dyn Fn() -> Result<Arc<Glossary>>>,
        load: &dyn Fn(&ArticleId) -> Result<Option<ArticleRecord>>,
        question: QuestionLoader,
    ) -> Result<Found> {
        let parsed = query_language::parse(&request.text);
        let searcher = self.reader.searcher();
        let limit = request.limit.max(1);
        let ranking = |segment: &SegmentReader| -> Box<dyn Multiplier> {
            Box::new(Freshness::new(self.columns_of(segment), request.now_millis))
        };
        let words = self.plan(&parsed, request, Tier::Words)?;
        let mut marker = words.marker;
        let mut corrections = Vec::new();
        let mut top = top::collect(&searcher, &words.plan, limit, &ranking)?;
        if top.len() < limit
            && words.extra
            && let all @ Planned { extra: true, .. } = self.plan(&parsed, request, Tier::All)?
        {
            marker = all.marker;
            corrections = all.corrections;
            let seen: HashSet<DocAddress> = top.iter().map(|&(_, a)| a).collect();
            let rest = top::collect(&searcher, &all.plan, limit + top.len(), &ranking)?;
            let room = limit - top.len();
            top.extend(
                rest.into_iter()
                    .filter(|(_, a)| !seen.contains(a))
                    .take(room),
            );
        }
        let mut via_of: HashMap<DocAddress, String> = HashMap::new();
        // The hits found through the glossary mark its terms; the others, the words typed.
        let mut via_marker = None;
        if top.len() < limit
            && !request.no_glossary
            && let Some(glossary) = glossary
            && let Some(expanded) =
                self.expanded_plan(&searcher, &parsed, request, glossary()?.as_ref())?
        {
            let seen: HashSet<DocAddress> = top.iter().map(|&(_, a)| a).collect();
            let rest = top::collect(
                &searcher,
                &expanded.planned.plan,
                limit + top.len(),
                &ranking,
            )?;
            let room = limit - top.len();
            for (score, address) in rest
                .into_iter()
                .filter(|(_, a)| !seen.contains(a))
                .take(room)
            {
                if let Some(term) = expanded.term_of(&searcher, address)? {
                    via_of.insert(address, term);
                }
                top.push((score, address));
            }
            via_marker = Some(expanded.planned.marker);
        }

        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(id) = doc.get_first(self.fields.id).and_then(|v| v.as_str()) else {
                continue;
            };
            let via = via_of.remove(&address);
            let marker = match (&via, &via_marker) {
                (Some(_), Some(glossary)) => glossary,
                _ => &marker,
            };
            let wants_snippet = request.snippets.is_none_or(|n| hits.len() < n);
            if let Some(qid) = id.strip_prefix(QUESTION_KEY) {
                if let Some(q) = question(qid)? {
                    hits.push(questions::hit(q, score, marker, wants_snippet, via));
                }
                continue;
            }
            // The index may briefly hold an article the store no longer has; skip it.
            let Some(record) = load(&ArticleId::parse(id)?)? else {
                continue;
            };
            let c = record.content;
            let snippet = if !wants_snippet {
                snippet::Snippet::default()
            } else if parsed.is_empty() && !c.summary.is_empty() {
                snippet::make(&c.summary, marker, SNIPPET_CHARS)
            } else {
                snippet::make_markdown(&c.body, marker, SNIPPET_CHARS)
            };
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
                via,
                helpful: 0,
                answers: None,
            });
        }
        Ok(Found { hits, corrections })
    }

    /// The plan of a parsed request at one tier, what its snippets should mark, and whether
    /// [`Tier::All`] may add clauses to a [`Tier::Words`] plan (at [`Tier::All`]: whether it did).
    pub(super) fn plan(
        &self,
        parsed: &ParsedQuery,
        request: &SearchRequest,
        tier: Tier,
    ) -> Result<Planned> {
        let mut marker = Marker::default();
        let mut extra = false;
        let mut corrections = Vec::new();
        let mut groups: Vec<Vec<Box<dyn Query>>> = Vec::new();
        let last_group = parsed.groups.len().saturating_sub(1);
        for (i, group) in parsed.groups.iter().enumerate() {
            let mut clauses = Vec::new();
            for (j, term) in group.iter().enumerate() {
                let open = request.typing
                    && parsed.open_last_word
                    && i == last_group
                    && j + 1 == group.len();
                let found =
                    self.term_clauses(term, open, tier, &mut marker, &mut extra, &mut corrections)?;
                clauses.extend(found);
            }
            if !clauses.is_empty() {
                groups.push(clauses);
            }
        }
        self.finish_plan(parsed, request, groups, marker, extra, corrections)
    }

    /// A plan of `groups`, with the request's filters, exclusions and visibility added.
    pub(super) fn finish_plan(
        &self,
        parsed: &ParsedQuery,
        request: &SearchRequest,
        mut groups: Vec<Vec<Box<dyn Query>>>,
        marker: Marker,
        extra: bool,
        corrections: Vec<Correction>,
    ) -> Result<Planned> {
        let f = self.fields;
        let mut required: Vec<Vec<Box<dyn Query>>> = Vec::new();
        let filters = self.filters(parsed, request)?;
        if groups.is_empty() {
            // Nothing to rank by: every match scores alike, and freshness orders them.
            let all: Box<dyn Query> = if filters.is_empty() {
                Box::new(AllQuery)
            } else {
                Box::new(BooleanQuery::intersection(filters))
            };
            groups.push(vec![Box::new(ConstScoreQuery::new(all, 1.0))]);
        } else {
            required.extend(filters.into_iter().map(|q| vec![q]));
        }
        let mut excluded = Vec::new();
        for term in &parsed.excluded {
            let clauses = self.term_clauses(
                term,
                false,
                Tier::All,
                &mut Marker::default(),
                &mut false,
                &mut Vec::new(),
            )?;
            if !clauses.is_empty() {
                excluded.push(union(clauses));
            }
        }
        // Visibility: published work for everyone, drafts for their authors; never retired.
        let mut visible = vec![term_query(f.status, Status::Published.as_str())];
        if let Some(viewer) = &request.viewer {
            visible.push(term_query(f.authors, &viewer.key()));
        }
        required.push(visible);
        // Clearance: what is classified above it is left out inside the query, so the top and
        // its count hold only what the viewer may see.
        if let Some(clearance) = request.clearance {
            for &level in Classification::ALL.iter().filter(|&&c| c > clearance) {
                excluded.push(term_query(f.classification, level.as_str()));
            }
        }
        // Every article: what is not a question.
        let typed = parsed.filters.kind.as_deref().map(str::parse::<SearchKind>);
        if request.kind == Some(SearchKind::Articles)
            || matches!(typed, Some(Ok(SearchKind::Articles)))
        {
            excluded.push(term_query(f.kind, QUESTION_KIND));
        }
        let plan = Plan {
            groups,
            required,
            excluded,
        };
        Ok(Planned {
            plan,
            marker,
            extra,
            corrections,
        })
    }

    /// One word or phrase as scoring clauses: whole words in each text field and English stems
    /// (both tiers); typo corrections, a prefix while typing and Thai/Korean sub-word bigrams
    /// ([`Tier::All`] only; `extra` is set when they apply, at [`Tier::Words`] when they may);
    /// HS codes. Empty when it has nothing searchable. A corrected typo is noted in
    /// `corrections` with its closest correction.
    pub(super) fn term_clauses(
        &self,
        term: &QueryTerm,
        open: bool,
        tier: Tier,
        marker: &mut Marker,
        extra: &mut bool,
        corrections: &mut Vec<Correction>,
    ) -> Result<Vec<Box<dyn Query>>> {
        let f = self.fields;
        let text = term.text();
        let words: Vec<String> = analyzer::tokens(Analyzer::Text, text)
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let all = tier == Tier::All;
        let mut should: Vec<Box<dyn Query>> = Vec::new();
        for (field, boost) in word_fields(&f) {
            should.push(boosted(tokens_query(field, &words), boost));
        }
        let is_word = matches!(term, QueryTerm::Word(_));
        let latin = words.len() == 1 && !analyzer::needs_grams(&words[0]);
        if latin {
            let word = &words[0];
            let stem = stem_of(word);
            stem_clauses(&f, word, &stem, 0.5, &mut should);
            let letters = word.chars().count();
            if is_word && word.chars().all(char::is_alphabetic) && letters >= 5 {
                if !all {
                    // Whether the word is a typo is asked only when the whole words find too
                    // few hits, the only time [`Tier::All`]'s clauses are used.
                    *extra = true;
                } else if !self.knows_word(word, &stem)? {
                    // Typo tolerance only for words the knowledge base does not contain: a
                    // correctly spelt word must not drag in its neighbours (`valuation` →
                    // `evaluation`).
                    *extra = true;
                    let fuzzy_distance = if letters >= 9 { 2 } else { 1 };
                    // Correct the typo to the words the index holds, then search those as if
                    // typed (so a corrected word also finds its inflections), ranked lower.
                    let found = self.corrections(word, fuzzy_distance)?;
                    if let Some(closest) = found.first() {
                        corrections.push(Correction {
                            typed: word.clone(),
                            meant: closest.clone(),
                        });
                    }
                    for correction in found {
                        let corrected = [correction.clone()];
                        for (field, boost) in word_fields(&f) {
                            should.push(boosted(tokens_query(field, &corrected), boost * 0.5));
                        }
                        stem_clauses(&f, &correction, &stem_of(&correction), 0.25, &mut should);
                        marker.add(&correction, false);
                    }
                }
            }
            if open && letters >= 2 {
                *extra = true;
                // The prefix being typed is expanded at [`Tier::All`] only.
                if all {
                    for field in [f.heading, f.text] {
                        // The first completions in term order, at most `PREFIX_EXPANSIONS`: a
                        // short prefix (`ca`) would otherwise expand to thousands of words on
                        // every key.
                        let prefix = Term::from_field_text(field, word);
                        let mut q = PhrasePrefixQuery::new(vec![prefix]);
                        q.set_max_expansions(PREFIX_EXPANSIONS);
                        should.push(boosted(Box::new(q), 0.3));
                    }
                }
            }
        }
        if analyzer::needs_grams(text) && !all {
            *extra = true;
        } else if analyzer::needs_grams(text)
            && let Some(q) = grams_query(Analyzer::Grams, f.grams, text)
        {
            *extra = true;
            should.push(boosted(q, 0.1));
            // Thai spelling variants: the folded form as a part of folded text, below the
            // sub-word matches of the spelling typed.
            let folded = thai_fold::fold(text);
            if folded.chars().filter(|c| *c != ' ').count() >= thai_fold::MIN_FOLDED_CHARS
                && let Some(q) = grams_query(Analyzer::ThaiFolded, f.thai_folded, text)
            {
                should.push(boosted(q, 0.05));
            }
        }
        if let Some(digits) = hs_digits(text) {
            should.push(boosted(term_query(f.hs, &digits), 2.0));
        }
        marker.add(text, open);
        Ok(should)
    }

    /// Indexed words within `distance` edits of `word` in headings and texts, closest first
    /// (at most eight). See `typo` for how they are found.
    fn corrections(&self, word: &str, distance: u32) -> Result<Vec<String>> {
        let mut found = BTreeSet::new();
        match typo::one_edit_away(word) {
            Some(mut neighbours) => {
                if distance == 2
                    && let Some(first) = word.chars().next()
                {
                    // The two-edit walk below finds every neighbour that keeps the first letter;
                    // only those whose first letter is the edit are left to look up.
                    neighbours.retain(|n| !n.starts_with(first));
                }
                self.known_words(&neighbours, &mut found)?
            }
            None => self.words_near(word, 1, false, &mut found)?,
        }
        if distance == 2 {
            self.words_near(word, 2, true, &mut found)?;
        }
        let mut ranked: Vec<(u32, String)> = found
            .into_iter()
            .map(|t| (typo::edit_distance(&t, word), t))
            .collect();
        ranked.sort();
        Ok(ranked.into_iter().take(8).map(|(_, t)| t).collect())
    }

    /// Which of `candidates` the titles or bodies hold, added to `found`.
    fn known_words(
        &self,
        candidates: &BTreeSet<String>,
        found: &mut BTreeSet<String>,
    ) -> Result<()> {
        let f = self.fields;
        for segment in self.reader.searcher().segment_readers() {
            for field in [f.heading, f.text] {
                let inverted = segment.inverted_index(field)?;
                let terms = inverted.terms();
                for candidate in candidates {
                    if found.contains(candidate) {
                        continue;
                    }
                    let known = terms.term_ord(candidate).map_err(|e| Error::Index {
                        what: format!("cannot read the term dictionary ({e})"),
                    })?;
                    if known.is_some() {
                        found.insert(candidate.clone());
                    }
                }
            }
        }
        Ok(())
    }

    /// The words of headings and texts within `distance` edits of `word`, by walking the term
    /// dictionaries with a Levenshtein automaton, added to `found`. With `same_start`, only the
    /// words that begin with `word`'s first character: the branches where the first character
    /// is itself an edit are most of a two-edit walk (4.7 ms for a 13-letter word at 100,000
    /// articles), and a typo there alone is one edit, which the neighbour lookup finds.
    fn words_near(
        &self,
        word: &str,
        distance: u8,
        same_start: bool,
        found: &mut BTreeSet<String>,
    ) -> Result<()> {
        let f = self.fields;
        let first: Option<Vec<u8>> = word.chars().next().map(|c| c.to_string().into_bytes());
        // The automaton depends on the word alone (the field is not part of it): built once, as
        // a two-edit automaton of a long word takes longer to build than one dictionary's walk.
        let automaton =
            FuzzyTermQuery::new(Term::from_field_text(f.text, word), distance, true).automaton()?;
        for segment in self.reader.searcher().segment_readers() {
            for field in [f.heading, f.text] {
                let inverted = segment.inverted_index(field)?;
                let mut walk = inverted.terms().search(&automaton);
                if let (true, Some(start)) = (same_start, &first) {
                    let mut end = start.clone();
                    if let Some(last) = end.last_mut() {
                        *last = last.saturating_add(1);
                    }
                    walk = walk.ge(start).lt(end);
                }
                let mut stream = walk.into_stream().map_err(|e| Error::Index {
                    what: e.to_string(),
                })?;
                while stream.advance() {
                    let term = String::from_utf8_lossy(stream.key());
                    if !term.starts_with(analyzer::STEM_MARK) {
                        found.insert(term.into_owned());
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether a title or body holds `word` (a token of [`Analyzer::Text`]) or a word of its
    /// stem: the knowledge base's words are taken as spelt right, so neither the search nor its
    /// HS suggestions correct them.
    pub fn holds_word(&self, word: &str) -> Result<bool> {
        self.knows_word(word, &stem_of(word))
    }

    /// [`holds_word`](Self::holds_word) with the word's stem already found.
    fn knows_word(&self, word: &str, stem: &str) -> Result<bool> {
        let f = self.fields;
        Ok(self.doc_freq(f.text, word)?
            + self.doc_freq(f.heading, word)?
            + self.doc_freq(f.text, &stem_term(stem))?
            + self.doc_freq(f.text, stem)?
            > 0)
    }

    fn doc_freq(&self, field: Field, text: &str) -> Result<u64> {
        Ok(self
            .reader
            .searcher()
            .doc_freq(&Term::from_field_text(field, text))?)
    }

    fn filters(
        &self,
        parsed: &ParsedQuery,
        request: &SearchRequest,
    ) -> Result<Vec<Box<dyn Query>>> {
        let f = self.fields;
        let p = &parsed.filters;
        let mut out = Vec::new();
        for category in [request.category.as_deref(), p.category.as_deref()]
            .into_iter()
            .flatten()
        {
            let facet = Facet::from(&format!("/{}", category.trim_matches('/')));
            out.push(Box::new(TermQuery::new(
                Term::from_facet(f.category, &facet),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>);
        }
        for hs in [request.hs.as_deref(), p.hs.as_deref()]
            .into_iter()
            .flatten()
        {
            out.push(term_query(f.hs, &hs_prefix(hs)?));
        }
        if let Some(status) = request.status {
            out.push(term_query(f.status, status.as_str()));
        }
        if let Some(s) = &p.status {
            out.push(term_query(f.status, s.parse::<Status>()?.as_str()));
        }
        if let Some(l) = &p.lang {
            out.push(term_query(f.lang, l.parse::<Lang>()?.as_str()));
        }
        let kinds = [request.kind, p.kind.as_deref().map(str::parse).transpose()?];
        for kind in kinds.into_iter().flatten() {
            match kind {
                SearchKind::Article(k) => out.push(term_query(f.kind, k.as_str())),
                SearchKind::Questions => out.push(term_query(f.kind, QUESTION_KIND)),
                // Left out in `finish_plan`, by what it is not.
                SearchKind::Articles => {}
            }
        }
        if let Some(tag) = &p.tag {
            out.push(term_query(f.tag, &tag.to_lowercase()));
        }
        if let Some(office) = &p.office {
            out.push(term_query(f.office, &office.to_lowercase()));
        }
        Ok(out)
    }
}

fn term_query(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::WithFreqs,
    ))
}

/// One token as a term, several as a phrase (positions are indexed).
fn tokens_query(field: Field, tokens: &[String]) -> Box<dyn Query> {
    if tokens.len() == 1 {
        return term_query(field, &tokens[0]);
    }
    let terms = tokens
        .iter()
        .map(|t| Term::from_field_text(field, t))
        .collect();
    Box::new(PhraseQuery::new(terms))
}

/// The English stem of one Latin word (the word itself when stemming leaves it alone).
fn stem_of(word: &str) -> String {
    analyzer::tokens(Analyzer::Stem, word)
        .into_iter()
        .next()
        .map_or_else(|| word.to_string(), |(stem, _)| stem)
}

/// How a stem that differs from its word is indexed in the word fields.
fn stem_term(stem: &str) -> String {
    format!("{}{stem}", analyzer::STEM_MARK)
}

/// Clauses that match the articles holding a word whose stem is `stem` (other than `word`
/// itself), weighted `scale` × the word weights. The word fields hold the stems that differ from
/// their words (marked); a word that is its own stem is looked up as itself.
fn stem_clauses(
    f: &super::schema::Fields,
    word: &str,
    stem: &str,
    scale: f32,
    should: &mut Vec<Box<dyn Query>>,
) {
    let marked = stem_term(stem);
    let own = stem != word && stem_of(stem) == stem;
    for (field, boost) in word_fields(f) {
        should.push(boosted(term_query(field, &marked), boost * scale));
        if own {
            should.push(boosted(term_query(field, stem), boost * scale));
        }
    }
}

/// The bigrams of `text` (by `grams_of`, `Grams` or `ThaiFolded`) as one phrase: where `text` occurs as a substring. Within a run only
/// every other bigram and the last are needed (see `analyzer::RUN_GAP`); runs keep their gaps.
fn grams_query(grams_of: Analyzer, field: Field, text: &str) -> Option<Box<dyn Query>> {
    let mut grams: Vec<(String, usize)> = Vec::new();
    analyzer::for_each_token(grams_of, text, |gram, _, position| {
        grams.push((gram.to_string(), position));
    });
    let first = grams.first()?.1;
    let mut terms = Vec::with_capacity(grams.len());
    for (i, (gram, position)) in grams.iter().enumerate() {
        let run_starts = i == 0 || grams[i - 1].1 + 1 != *position;
        let run_ends = grams.get(i + 1).is_none_or(|next| next.1 != position + 1);
        let taken = terms
            .last()
            .map_or(0, |&(offset, _): &(usize, Term)| offset + first);
        // Keep a bigram that starts or ends a run, or lies two past the last one kept.
        if run_starts || run_ends || *position >= taken + 2 {
            terms.push((position - first, Term::from_field_text(field, gram)));
        }
    }
    Some(match terms.len() {
        1 => Box::new(TermQuery::new(
            terms.remove(0).1,
            IndexRecordOption::WithFreqs,
        )),
        _ => Box::new(PhraseQuery::new_with_offset(terms)),
    })
}

/// `query` weighted by `boost`; a term as a [`WeightedTerm`], which `top` can collect itself.
fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    match query.downcast_ref::<TermQuery>() {
        Some(term) => Box::new(WeightedTerm {
            term: term.term().clone(),
            boost,
        }),
        None => Box::new(BoostQuery::new(query, boost)),
    }
}

pub(super) fn union(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::union(clauses))
}

/// Which clauses a plan holds: whole words (and stems) alone, or everything.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Tier {
    Words,
    All,
}

/// The factor BM25 scores are multiplied by in one segment (see the module docs).
struct Freshness {
    columns: Arc<RankingColumns>,
    now: u64,
    bound: Score,
}

/// A segment's fast fields for ranking, opened once per segment (segments never change) and
/// kept by the index: opening them was a few microseconds of every query.
pub(super) struct RankingColumns {
    updated: Option<Arc<dyn ColumnValues<i64>>>,
    helpful: Option<Arc<dyn ColumnValues<f64>>>,
    newest: Option<i64>,
    most_helpful: f64,
}

impl RankingColumns {
    pub(super) fn open(segment: &SegmentReader) -> Self {
        let fast = segment.fast_fields();
        let updated = fast.i64("updated").ok();
        let helpful = fast.f64("helpfulness").ok();
        RankingColumns {
            newest: updated.as_ref().map(|c| c.max_value()),
            most_helpful: helpful.as_ref().map_or(0.0, |c| c.max_value()),
            updated: updated.map(|c| c.first_or_default_col(0)),
            helpful: helpful.map(|c| c.first_or_default_col(0.0)),
        }
    }
}

impl Freshness {
    fn new(columns: Arc<RankingColumns>, now: u64) -> Self {
        let mut ranking = Freshness {
            columns,
            now,
            bound: 0.0,
        };
        ranking.bound = ranking.factor(ranking.columns.newest, ranking.columns.most_helpful);
        ranking
    }

    /// `1 + 0.2 × freshness + 0.3 × helpfulness` for a document updated at `updated`.
    fn factor(&self, updated: Option<i64>, helpful: f64) -> Score {
        let freshness = match updated {
            Some(at) if self.now > 0 => {
                let age_days = (self.now as f64 - at as f64).max(0.0) / DAY_MILLIS;
                (-age_days / 180.0).exp2()
            }
            _ => 0.0,
        };
        1.0 + 0.2 * freshness as f32 + 0.3 * helpful.clamp(0.0, 1.0) as f32
    }
}

impl Multiplier for Freshness {
    fn of(&self, doc: DocId) -> Score {
        let updated = self.columns.updated.as_ref().map(|c| c.get_val(doc));
        let helpful = self
            .columns
            .helpful
            .as_ref()
            .map_or(0.0, |c| c.get_val(doc));
        self.factor(updated, helpful)
    }

    fn bound(&self) -> Score {
        self.bound
    }
}

/// The digits of something typed like an HS code (`0901`, `4403.49`, `4403.49.10`).
fn hs_digits(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let shaped = text.chars().all(|c| c.is_ascii_digit() || c == '.')
        && matches!(digits.len(), 4 | 6 | 8 | 10);
    shaped.then_some(digits)
}

/// Normalises an HS prefix filter: digits only, 2 to 10 of them. Public so that an interface
/// can refuse a prefix before searching, by the same rule.
pub fn hs_prefix(input: &str) -> Result<String> {
    let digits: String = input.chars().filter(|c| *c != '.' && *c != ' ').collect();
    if (2..=10).contains(&digits.len())
        && digits.len().is_multiple_of(2)
        && digits.chars().all(|c| c.is_ascii_digit())
    {
        Ok(digits)
    } else {
        Err(Error::invalid(format!(
            "`{input}` is not an HS prefix: use 2, 4, 6, 8 or 10 digits, e.g. 44 or 4403.49"
        )))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::{ArticleContent, Hash, Hlc, NodeId, Status as ArticleStatus};

    fn record(body: &str) -> ArticleRecord {
        record_with_id("doc-one", body)
    }

    /// A published article of `body` in `commodity`, for search tests.
    pub(in crate::search) fn record_with_id(id: &str, body: &str) -> ArticleRecord {
        ArticleRecord {
            id: ArticleId::parse(id).expect("id"),
            heads: vec![],
            current: Hash::ZERO,
            content: ArticleContent::new("", "commodity", body),
            status: ArticleStatus::Published,
            status_hlc: Hlc::default(),
            created: Hlc::default(),
            updated: Hlc::default(),
            origin_node: NodeId([0; 16]),
            origin_office: "HQ".into(),
            authors: vec![],
            status_node: NodeId([0; 16]),
            conflicted: false,
            revision_count: 1,
            authors_status: ArticleStatus::Published,
            hq_status: None,
            published: None,
            proposal: None,
            attachments: vec![],
            evaluated: None,
        }
    }

    /// An index of one article whose body is `words`.
    fn index_of(words: &[String]) -> SearchIndex {
        let mut index = SearchIndex::in_ram().expect("index");
        index
            .apply(&[record(&words.join(" "))], &[], 1, false)
            .expect("indexed");
        index
    }

    #[test]
    fn a_search_reports_the_typo_it_corrected_and_only_that() {
        let index = index_of(&["inspecting".into(), "timber".into(), "logs".into()]);
        let load = |_: &ArticleId| Ok(Some(record("inspecting timber logs")));
        let find = |text: &str| {
            let request = SearchRequest {
                text: text.into(),
                limit: 10,
                ..Default::default()
            };
            index.find(&request, &load).expect("search")
        };
        let found = find("timbr logs");
        assert_eq!(found.hits.len(), 1);
        assert_eq!(
            found.corrections,
            vec![Correction {
                typed: "timbr".into(),
                meant: "timber".into(),
            }]
        );
        assert!(find("timber").corrections.is_empty(), "nothing to correct");
        assert!(find("zzzzzz").corrections.is_empty(), "nothing near enough");
    }

    proptest! {
        #[test]
        fn looking_up_the_neighbours_finds_what_the_automaton_finds(
            words in proptest::collection::vec("[a-e]{3,8}", 1..40),
            query in "[a-e]{5,8}",
        ) {
            let index = index_of(&words);
            let neighbours = typo::one_edit_away(&query).expect("ascii");
            let mut by_lookup = BTreeSet::new();
            index.known_words(&neighbours, &mut by_lookup).expect("lookup");
            let mut by_walk = BTreeSet::new();
            index.words_near(&query, 1, false, &mut by_walk).expect("walk");
            // The walk also yields the word itself when it is indexed (no edit at all).
            by_walk.remove(&query);
            prop_assert_eq!(by_lookup, by_walk);
        }

        #[test]
        fn a_long_word_is_corrected_as_by_every_neighbour_and_the_walk(
            words in proptest::collection::vec("[a-d]{7,11}", 1..30),
            query in "[a-d]{9,11}",
        ) {
            let index = index_of(&words);
            let mut every = BTreeSet::new();
            let neighbours = typo::one_edit_away(&query).expect("ascii");
            index.known_words(&neighbours, &mut every).expect("lookup");
            index.words_near(&query, 2, true, &mut every).expect("walk");
            let mut ranked: Vec<(u32, String)> =
                every.into_iter().map(|t| (typo::edit_distance(&t, &query), t)).collect();
            ranked.sort();
            let expected: Vec<String> = ranked.into_iter().take(8).map(|(_, t)| t).collect();
            prop_assert_eq!(index.corrections(&query, 2).expect("corrected"), expected);
        }

        #[test]
        fn a_two_edit_walk_from_the_first_letter_finds_the_words_that_keep_it(
            words in proptest::collection::vec("[a-d]{4,10}", 1..30),
            query in "[a-d]{9,11}",
        ) {
            let index = index_of(&words);
            let mut anchored = BTreeSet::new();
            index.words_near(&query, 2, true, &mut anchored).expect("walk");
            let mut all = BTreeSet::new();
            index.words_near(&query, 2, false, &mut all).expect("walk");
            let first = query.chars().next();
            let keeping: BTreeSet<String> =
                all.into_iter().filter(|w| w.chars().next() == first).collect();
            prop_assert_eq!(anchored, keeping);
        }
    }
}
