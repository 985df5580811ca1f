//! Cross-language search through the glossary: the last tier of a search (`query`), run only
//! when the query's own words found fewer hits than asked for.
//!
//! Each query word, and each run of up to [`MAX_SPAN`] plain words that is a glossary term
//! (`bonded warehouse`), also stands for the entry's terms in the other two languages: its group
//! of clauses gets, beside its own, the clauses of each such term searched as a phrase with
//! everything a typed phrase gets (sub-words, Thai spelling variants). A Thai `ถ่ายลำ` then also
//! finds `transshipment` and `환적`. What is not in the glossary searches as itself, so the words
//! of a query are still all required. Each term's clauses are kept as a probe, to tell which
//! term found a hit.

use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocSet, Searcher};

use super::SearchIndex;
use super::query::{Planned, SearchRequest, Tier, union};
use super::query_language::{ParsedQuery, Term as QueryTerm};
use super::snippet::Marker;
use crate::error::Result;
use crate::glossary::Glossary;

/// The most plain words a glossary term spanning several query words may have.
const MAX_SPAN: usize = 4;

/// The expanded plan, and per glossary term the query that finds it.
pub(super) struct Expanded {
    pub(super) planned: Planned,
    probes: Vec<(String, Box<dyn Query>)>,
}

impl Expanded {
    /// The first glossary term found in the hit at `address`, if any.
    pub(super) fn term_of(
        &self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> Result<Option<String>> {
        let reader = searcher.segment_reader(address.segment_ord);
        for (term, query) in &self.probes {
            let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
            let mut scorer = weight.scorer(reader, 1.0)?;
            // A new scorer stands on its first document; `seek` only moves forward.
            let at = scorer.doc();
            let target = address.doc_id;
            if at == target || (at < target && scorer.seek(target) == target) {
                return Ok(Some(term.clone()));
            }
        }
        Ok(None)
    }
}

impl SearchIndex {
    /// The request's plan with its glossary terms added, or `None` when no word of it is in
    /// the glossary.
    pub(super) fn expanded_plan(
        &self,
        parsed: &ParsedQuery,
        request: &SearchRequest,
        glossary: &Glossary,
    ) -> Result<Option<Expanded>> {
        let mut marker = Marker::default();
        let mut probes: Vec<(String, Box<dyn Query>)> = Vec::new();
        let mut groups: Vec<Vec<Box<dyn Query>>> = Vec::new();
        let mut i = 0;
        while i < parsed.groups.len() {
            // The longest run of plain words from here that is a glossary term, if any.
            let span = (2..=MAX_SPAN.min(parsed.groups.len() - i))
                .rev()
                .find_map(|n| {
                    let words = plain_words(&parsed.groups[i..i + n])?;
                    let joined = words.join(" ");
                    (!glossary.expansions(&joined).is_empty()).then_some((n, joined))
                });
            let (taken, terms): (usize, Vec<QueryTerm>) = match span {
                Some((n, joined)) => (n, vec![QueryTerm::Phrase(joined)]),
                None => (1, parsed.groups[i].clone()),
            };
            let mut clauses = Vec::new();
            for term in &terms {
                // The words typed as a phrase: everything the earlier tiers searched but the typo
                // corrections, which they already found (a two-edit walk costs milliseconds).
                let own = QueryTerm::Phrase(term.text().to_string());
                clauses.extend(self.clauses(&own, &mut marker)?);
                for expansion in glossary.expansions(term.text()) {
                    let found = self.clauses(&QueryTerm::Phrase(expansion.clone()), &mut marker)?;
                    if found.is_empty() {
                        continue;
                    }
                    let probe = union(found.iter().map(|q| q.box_clone()).collect());
                    probes.push((expansion, probe));
                    clauses.extend(found);
                }
            }
            if !clauses.is_empty() {
                groups.push(clauses);
            }
            i += taken;
        }
        if probes.is_empty() {
            return Ok(None);
        }
        let planned = self.finish_plan(parsed, request, groups, marker, true, Vec::new())?;
        Ok(Some(Expanded { planned, probes }))
    }

    /// Every clause of `term` at the widest tier (a phrase gets no typo corrections).
    fn clauses(&self, term: &QueryTerm, marker: &mut Marker) -> Result<Vec<Box<dyn Query>>> {
        self.term_clauses(term, false, Tier::All, marker, &mut false, &mut Vec::new())
    }
}

/// The words of `groups` when each is one plain word (no `OR`, no phrase).
fn plain_words(groups: &[Vec<QueryTerm>]) -> Option<Vec<&str>> {
    groups
        .iter()
        .map(|g| match g.as_slice() {
            [QueryTerm::Word(w)] => Some(w.as_str()),
            _ => None,
        })
        .collect()
}
