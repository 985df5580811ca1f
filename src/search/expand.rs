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

use std::collections::HashMap;

use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocSet, Searcher, SearcherGeneration, TERMINATED};

use super::SearchIndex;
use super::query::{Planned, SearchRequest, Tier, union};
use super::query_language::{ParsedQuery, Term as QueryTerm};
use super::snippet::Marker;
use crate::error::Result;
use crate::glossary::Glossary;

/// The most plain words a glossary term spanning several query words may have.
const MAX_SPAN: usize = 4;

/// Scoring clauses, as a plan's groups hold them.
type Clauses = Vec<Box<dyn Query>>;

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
    /// the glossary or the plan could match nothing. Searched by `searcher`, whose term
    /// dictionaries tell which clauses can match (see [`live`]).
    pub(super) fn expanded_plan(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        request: &SearchRequest,
        glossary: &Glossary,
    ) -> Result<Option<Expanded>> {
        self.expand(searcher, parsed, request, glossary, true)
    }

    /// [`expanded_plan`](Self::expanded_plan); with `prune` off, every clause is kept, which
    /// finds the same new hits (the tests hold it to that).
    fn expand(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        request: &SearchRequest,
        glossary: &Glossary,
        prune: bool,
    ) -> Result<Option<Expanded>> {
        let keep = |clauses| {
            if prune {
                live(searcher, clauses)
            } else {
                Ok(clauses)
            }
        };
        let mut marker = Marker::default();
        let mut probes: Vec<(String, Box<dyn Query>)> = Vec::new();
        // Per group: the clauses of the words typed, and those of their glossary terms.
        let mut groups: Vec<(Clauses, Clauses)> = Vec::new();
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
            let mut own = Vec::new();
            let mut expanded = Vec::new();
            // Whether the group has clauses at all, before those that cannot match are left out.
            let mut built = false;
            for term in &terms {
                // The words typed as a phrase: everything the earlier tiers searched but the typo
                // corrections, which they already found (a two-edit walk costs milliseconds).
                let typed = QueryTerm::Phrase(term.text().to_string());
                own.extend(self.clauses(&typed, &mut marker)?);
                for expansion in glossary.expansions(term.text()) {
                    let found = self.clauses(&QueryTerm::Phrase(expansion.clone()), &mut marker)?;
                    built |= !found.is_empty();
                    let found = if prune {
                        self.matching(searcher, &expansion, found)?
                    } else {
                        found
                    };
                    if found.is_empty() {
                        continue;
                    }
                    let probe = union(found.iter().map(|q| q.box_clone()).collect());
                    probes.push((expansion, probe));
                    expanded.extend(found);
                }
            }
            if built || !own.is_empty() {
                groups.push((keep(own)?, expanded));
            }
            i += taken;
        }
        if probes.is_empty() {
            return Ok(None);
        }
        // One group: every document its own words match was found by the earlier tiers (the
        // glossary's tier runs only when they found fewer than asked for, so all they match),
        // and the same filters hold; only the glossary terms can find something new. Several:
        // a new hit may match the words typed in one group and a glossary term in another.
        let single = prune && groups.len() == 1;
        let mut clauses = Vec::with_capacity(groups.len());
        for (own, expanded) in groups {
            let group: Vec<Box<dyn Query>> = if single {
                expanded
            } else {
                own.into_iter().chain(expanded).collect()
            };
            if group.is_empty() {
                // A group none of whose clauses can match: nor can the plan.
                return Ok(None);
            }
            clauses.push(group);
        }
        let planned = self.finish_plan(parsed, request, clauses, marker, true, Vec::new())?;
        Ok(Some(Expanded { planned, probes }))
    }

    /// The clauses of glossary term `term` that match some document of `searcher`. Which do
    /// is found once per term and searcher and kept: a term's phrase of common Thai sub-words
    /// can take a third of a millisecond to find nothing at 100,000 articles, and the glossary
    /// terms searched are few. A new searcher (after a commit) starts afresh.
    fn matching(
        &self,
        searcher: &Searcher,
        term: &str,
        clauses: Vec<Box<dyn Query>>,
    ) -> Result<Vec<Box<dyn Query>>> {
        let generation = searcher.generation();
        let known = self.glossary_matches.lock().ok().and_then(|cache| {
            cache
                .as_ref()
                .filter(|c| c.generation == *generation)
                .and_then(|c| c.by_term.get(term).cloned())
        });
        let matches = match known {
            Some(matches) if matches.len() == clauses.len() => matches,
            _ => {
                let mut matches = Vec::with_capacity(clauses.len());
                for clause in &clauses {
                    matches.push(
                        indexed(searcher, clause.as_ref())? && found(searcher, clause.as_ref())?,
                    );
                }
                // A search that panicked holding the lock leaves it poisoned: then nothing is kept.
                if let Ok(mut cache) = self.glossary_matches.lock() {
                    let current = cache.get_or_insert_with(|| GlossaryMatches {
                        generation: generation.clone(),
                        by_term: HashMap::new(),
                    });
                    if current.generation != *generation {
                        current.generation = generation.clone();
                        current.by_term.clear();
                    }
                    current.by_term.insert(term.to_string(), matches.clone());
                }
                matches
            }
        };
        Ok(clauses
            .into_iter()
            .zip(matches)
            .filter_map(|(clause, matches)| matches.then_some(clause))
            .collect())
    }

    /// Every clause of `term` at the widest tier (a phrase gets no typo corrections).
    fn clauses(&self, term: &QueryTerm, marker: &mut Marker) -> Result<Vec<Box<dyn Query>>> {
        self.term_clauses(term, false, Tier::All, marker, &mut false, &mut Vec::new())
    }
}

/// The clauses that may match something: those every term of which the index holds. A clause
/// of a phrase (a term, a phrase of words or sub-words) needs all its terms, so a clause left out
/// matches nothing and adds nothing to any score: running it only costs a walk of postings.
fn live(searcher: &Searcher, clauses: Vec<Box<dyn Query>>) -> Result<Vec<Box<dyn Query>>> {
    let mut out = Vec::with_capacity(clauses.len());
    for clause in clauses {
        if indexed(searcher, clause.as_ref())? {
            out.push(clause);
        }
    }
    Ok(out)
}

/// Whether the index holds every term of `clause`.
fn indexed(searcher: &Searcher, clause: &dyn Query) -> Result<bool> {
    let mut terms = Vec::new();
    clause.query_terms(&mut |term, _| terms.push(term.clone()));
    for term in &terms {
        if searcher.doc_freq(term)? == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether `clause` matches a document of some segment (deleted ones included: a clause kept
/// that matches only those costs time, never a hit).
fn found(searcher: &Searcher, clause: &dyn Query) -> Result<bool> {
    let weight = clause.weight(EnableScoring::disabled_from_searcher(searcher))?;
    for reader in searcher.segment_readers() {
        // A new scorer stands on its first document.
        if weight.scorer(reader, 1.0)?.doc() != TERMINATED {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Per glossary term, which of its clauses match something in the searcher of `generation`.
pub(super) struct GlossaryMatches {
    generation: SearcherGeneration,
    by_term: HashMap<String, Vec<bool>>,
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use tantivy::{DocId, Score, SegmentReader};

    use super::*;
    use crate::model::ArticleRecord;
    use crate::search::query::tests::record_with_id as record;
    use crate::search::query_language;
    use crate::search::top::{self, Multiplier};

    /// Every document ranks by BM25 alone.
    struct Flat;

    impl Multiplier for Flat {
        fn of(&self, _: DocId) -> Score {
            1.0
        }

        fn bound(&self) -> Score {
            1.0
        }
    }

    const BODIES: [&str; 8] = [
        "transshipment of timber at the port",
        "the trans-shipment of timber logs",
        "การถ่ายลำ สินค้า ที่ท่าเรือ",
        "การถ่ายลำ ไม้ซุง timber",
        "환적 화물 검사",
        "bonded warehouse rules for timber",
        "คลังสินค้าทัณฑ์บน",
        "timber logs inspection",
    ];

    const QUERIES: [&str; 9] = [
        "ถ่ายลำ",
        "transshipment",
        "환적",
        "ถ่ายลำ timber",
        "timber transshipment",
        "bonded warehouse",
        "보세창고 timber",
        "ถ่ายลำ -timber",
        "transshipment zzzz",
    ];

    fn collect(searcher: &Searcher, planned: &Planned) -> Vec<(Score, DocAddress)> {
        let flat = |_: &SegmentReader| -> Box<dyn Multiplier> { Box::new(Flat) };
        top::collect(searcher, &planned.plan, 100, &flat).expect("collected")
    }

    #[test]
    fn leaving_out_what_cannot_match_or_was_found_changes_no_new_hit_of_the_glossary_tier() {
        let mut index = SearchIndex::in_ram().expect("index");
        let records: Vec<ArticleRecord> = BODIES
            .iter()
            .enumerate()
            .map(|(i, body)| record(&format!("doc-{i}"), body))
            .collect();
        index.apply(&records, &[], 1, false).expect("indexed");
        let searcher = index.reader.searcher();
        let glossary = Glossary::shipped();
        let mut found_new = 0;
        let mut pruned_some = 0;
        for query in QUERIES {
            let parsed = query_language::parse(query);
            let request = SearchRequest {
                text: query.into(),
                limit: 100,
                ..Default::default()
            };
            let mut earlier: HashSet<DocAddress> = HashSet::new();
            for tier in [Tier::Words, Tier::All] {
                let planned = index.plan(&parsed, &request, tier).expect("plan");
                earlier.extend(collect(&searcher, &planned).into_iter().map(|(_, a)| a));
            }
            let new_hits = |prune: bool| -> (Vec<(Score, DocAddress)>, usize) {
                let expanded = index
                    .expand(&searcher, &parsed, &request, &glossary, prune)
                    .expect("expanded");
                let Some(expanded) = expanded else {
                    return (Vec::new(), 0);
                };
                let clauses = expanded.planned.plan.groups.iter().map(Vec::len).sum();
                let hits = collect(&searcher, &expanded.planned)
                    .into_iter()
                    .filter(|(_, a)| !earlier.contains(a))
                    .collect();
                (hits, clauses)
            };
            let (full, all_clauses) = new_hits(false);
            let (pruned, kept_clauses) = new_hits(true);
            let addresses = |hits: &[(Score, DocAddress)]| -> Vec<DocAddress> {
                hits.iter().map(|&(_, a)| a).collect()
            };
            assert_eq!(addresses(&pruned), addresses(&full), "{query}");
            for ((a, _), (b, _)) in pruned.iter().zip(&full) {
                assert!((a - b).abs() <= 1e-4 * b.abs(), "{query}: {a} vs {b}");
            }
            found_new += usize::from(!full.is_empty());
            pruned_some += usize::from(kept_clauses < all_clauses);
        }
        assert!(found_new >= 4, "the glossary finds new hits: {found_new}");
        assert!(pruned_some >= 4, "clauses are left out: {pruned_some}");
    }

    #[test]
    fn a_glossary_term_that_found_nothing_is_searched_again_once_the_index_changes() {
        let mut index = SearchIndex::in_ram().expect("index");
        let timber = record("doc-0", "timber logs inspection");
        index.apply(&[timber], &[], 1, false).expect("indexed");
        let glossary = Glossary::shipped();
        let hits = |index: &SearchIndex| -> usize {
            let searcher = index.reader.searcher();
            let request = SearchRequest {
                text: "transshipment".into(),
                limit: 10,
                ..Default::default()
            };
            let parsed = query_language::parse(&request.text);
            let expanded = index
                .expanded_plan(&searcher, &parsed, &request, &glossary)
                .expect("expanded");
            expanded.map_or(0, |e| collect(&searcher, &e.planned).len())
        };
        assert_eq!(hits(&index), 0);
        assert_eq!(hits(&index), 0, "from what was kept");
        let thai = record("doc-1", "การถ่ายลำ สินค้า ที่ท่าเรือ");
        index.apply(&[thai], &[], 2, false).expect("indexed");
        assert_eq!(
            hits(&index),
            1,
            "the new article is found through the glossary"
        );
    }
}
