//! The best hits of a query, by the ranking in `query` (BM25 × freshness and helpfulness).
//!
//! A plan is groups of scoring clauses (a hit matches some clause of every group and scores the
//! sum of the clauses it matches), unscored requirements (filters, visibility) and exclusions.
//! A query is collected one of two ways, chosen from its terms' document frequencies:
//!
//! - **Pruned** (most searches). The groups are scored by tantivy: one group as a union of term
//!   queries, which it walks with block-max WAND, skipping whole blocks of postings that cannot
//!   beat the current last hit; several groups as its intersection of those unions. The
//!   requirements, exclusions and deletions are checked only for the documents that score high
//!   enough to enter the top, by seeking in their postings; so `status:published`, which nearly
//!   every document carries, is never walked, and a broad filter costs almost nothing.
//! - **Driven** by a selective requirement (`hs:85 data`): its postings supply the candidates,
//!   every group and other requirement is checked by leapfrogging (a part that misses moves the
//!   candidate to the next document it holds), and the score is summed from each clause
//!   positioned on the candidate. Pruning would score thousands of high-scoring documents that
//!   fail the filter before ten pass it.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::query::{
    BooleanWeight, EnableScoring, Explanation, Occur, Query, Scorer, SumCombiner, Weight,
};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

use crate::error::Result;

/// A query split for collection (see the module docs).
pub(super) struct Plan {
    /// Scoring clauses by group: a hit matches at least one clause of each group.
    pub groups: Vec<Vec<Box<dyn Query>>>,
    /// Unscored: a hit matches at least one query of each list (filters, visibility).
    pub required: Vec<Vec<Box<dyn Query>>>,
    /// A hit matches none of these (`-word`).
    pub excluded: Vec<Box<dyn Query>>,
}

/// A segment's ranking factor per document, and its upper bound in the segment (so a pruning
/// threshold on BM25 alone never skips a document the factor would lift into the top).
pub(super) trait Multiplier {
    fn of(&self, doc: DocId) -> Score;
    fn bound(&self) -> Score;
}

/// Turns a segment into its ranking factor.
pub(super) type Ranking<'a> = &'a dyn Fn(&SegmentReader) -> Box<dyn Multiplier>;

/// A requirement at most this share of what the groups match drives the collection.
const DRIVE_BELOW: u64 = 4;

/// The `limit` best documents for `plan`, best first: (score, address).
pub(super) fn collect(
    searcher: &Searcher,
    plan: &Plan,
    limit: usize,
    ranking: Ranking,
) -> Result<Vec<(Score, DocAddress)>> {
    let scored = EnableScoring::enabled_from_searcher(searcher);
    let unscored = EnableScoring::disabled_from_searcher(searcher);
    let mut groups: Vec<Vec<Arc<dyn Weight>>> = Vec::with_capacity(plan.groups.len());
    for group in &plan.groups {
        let weights = group
            .iter()
            .map(|q| q.weight(scored).map(Arc::from))
            .collect::<tantivy::Result<Vec<_>>>()?;
        groups.push(weights);
    }
    let mut required = Vec::with_capacity(plan.required.len());
    for any in &plan.required {
        let weights = any
            .iter()
            .map(|q| q.weight(unscored))
            .collect::<tantivy::Result<Vec<_>>>()?;
        required.push(weights);
    }
    let excluded = plan
        .excluded
        .iter()
        .map(|q| q.weight(unscored))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let driver = driver(searcher, plan)?;
    let pruned = match driver {
        Some(_) => None,
        None => Some(scored_groups(&groups)),
    };

    let mut top = TopK::new(limit.max(1));
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let own_groups = if driver.is_some() { &groups[..] } else { &[] };
        let Some(mut segment) = Segment::open(reader, own_groups, &required, &excluded)? else {
            continue;
        };
        let factor = ranking(reader);
        let at = |doc| DocAddress::new(ord as u32, doc);
        match (driver, &pruned) {
            (Some(r), _) => segment.drive(r, factor.as_ref(), &mut top, at),
            (None, Some(weight)) => {
                let bound = factor.bound().max(f32::MIN_POSITIVE);
                weight.for_each_pruning(top.threshold() / bound, reader, &mut |doc, bm25| {
                    if segment.pass(doc) {
                        top.push(bm25 * factor.of(doc), at(doc));
                    }
                    top.threshold() / bound
                })?;
            }
            (None, None) => {}
        }
    }
    Ok(top.into_sorted())
}

/// The groups as one weight: a union of one group's clauses, or the intersection of the unions.
fn scored_groups(groups: &[Vec<Arc<dyn Weight>>]) -> Box<dyn Weight> {
    let union = |group: &Vec<Arc<dyn Weight>>| -> Box<dyn Weight> {
        let clauses = group
            .iter()
            .map(|w| {
                (
                    Occur::Should,
                    Box::new(Shared(w.clone())) as Box<dyn Weight>,
                )
            })
            .collect();
        Box::new(BooleanWeight::with_minimum_number_should_match(
            clauses,
            1,
            true,
            Box::new(SumCombiner::default),
        ))
    };
    match groups {
        [one] => union(one),
        _ => Box::new(BooleanWeight::with_minimum_number_should_match(
            groups.iter().map(|g| (Occur::Must, union(g))).collect(),
            0,
            true,
            Box::new(SumCombiner::default),
        )),
    }
}

/// The requirement to drive from: the smallest, when it matches at most `1 / DRIVE_BELOW` of
/// what the groups can (estimated from document frequencies).
fn driver(searcher: &Searcher, plan: &Plan) -> Result<Option<usize>> {
    let docs = searcher.num_docs();
    let estimate = |queries: &[Box<dyn Query>]| -> Result<u64> {
        let mut terms = Vec::new();
        for q in queries {
            q.query_terms(&mut |term, _| terms.push(term.clone()));
        }
        let mut sum = 0;
        for term in &terms {
            sum += searcher.doc_freq(term)?;
        }
        Ok(sum.min(docs))
    };
    let mut groups = docs;
    for group in &plan.groups {
        groups = groups.min(estimate(group)?);
    }
    let mut best: Option<(u64, usize)> = None;
    for (i, any) in plan.required.iter().enumerate() {
        let n = estimate(any)?;
        if n * DRIVE_BELOW < groups && best.is_none_or(|(b, _)| n < b) {
            best = Some((n, i));
        }
    }
    Ok(best.map(|(_, i)| i))
}

/// A weight shared between the union and the driven collection of a plan: both then score a
/// clause alike, and its statistics are looked up once.
struct Shared(Arc<dyn Weight>);

impl Weight for Shared {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.0.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// One segment's scorers: every clause by group, the requirements and the exclusions.
struct Segment<'a> {
    reader: &'a SegmentReader,
    groups: Vec<Vec<Box<dyn Scorer>>>,
    required: Vec<Vec<Box<dyn Scorer>>>,
    excluded: Vec<Box<dyn Scorer>>,
}

impl<'a> Segment<'a> {
    /// `None` when a group or a requirement matches nothing in the segment.
    fn open(
        reader: &'a SegmentReader,
        groups: &[Vec<Arc<dyn Weight>>],
        required: &[Vec<Box<dyn Weight>>],
        excluded: &[Box<dyn Weight>],
    ) -> Result<Option<Self>> {
        let mut segment = Segment {
            reader,
            groups: Vec::with_capacity(groups.len()),
            required: Vec::with_capacity(required.len()),
            excluded: Vec::with_capacity(excluded.len()),
        };
        for group in groups {
            let scorers = group
                .iter()
                .map(|w| w.scorer(reader, 1.0))
                .collect::<tantivy::Result<Vec<_>>>()?;
            if exhausted(&scorers) {
                return Ok(None);
            }
            segment.groups.push(scorers);
        }
        for any in required {
            let scorers = any
                .iter()
                .map(|w| w.scorer(reader, 1.0))
                .collect::<tantivy::Result<Vec<_>>>()?;
            if exhausted(&scorers) {
                return Ok(None);
            }
            segment.required.push(scorers);
        }
        for weight in excluded {
            segment.excluded.push(weight.scorer(reader, 1.0)?);
        }
        Ok(Some(segment))
    }

    /// Collects a segment driven by requirement `driver`: leapfrogs through its candidates,
    /// jumping past the documents some group or other requirement cannot hold.
    fn drive(
        &mut self,
        driver: usize,
        factor: &dyn Multiplier,
        top: &mut TopK,
        at: impl Fn(DocId) -> DocAddress,
    ) {
        let mut target = 0;
        loop {
            let doc = next_at(&mut self.required[driver], target);
            if doc == TERMINATED {
                return;
            }
            match self.next_common(driver, doc) {
                TERMINATED => return,
                next if next > doc => target = next,
                _ => {
                    if self.pass(doc) {
                        top.push(self.score(doc) * factor.of(doc), at(doc));
                    }
                    target = doc + 1;
                }
            }
        }
    }

    /// `doc` when every group and requirement other than `driver` holds it; else the first
    /// later document the first one that misses may hold.
    fn next_common(&mut self, driver: usize, doc: DocId) -> DocId {
        let required = self
            .required
            .iter_mut()
            .enumerate()
            .filter_map(|(i, r)| (i != driver).then_some(r));
        for part in self.groups.iter_mut().chain(required) {
            let next = next_at(part, doc);
            if next != doc {
                return next;
            }
        }
        doc
    }

    /// Whether `doc` is alive, meets every requirement and no exclusion. Doc ids asked about
    /// never decrease.
    fn pass(&mut self, doc: DocId) -> bool {
        !self.reader.is_deleted(doc)
            && self
                .required
                .iter_mut()
                .all(|any| any.iter_mut().any(|s| holds(s.as_mut(), doc)))
            && !self.excluded.iter_mut().any(|s| holds(s.as_mut(), doc))
    }

    /// The sum of the scores of the clauses `doc` matches.
    fn score(&mut self, doc: DocId) -> Score {
        let mut total = 0.0;
        for scorer in self.groups.iter_mut().flatten() {
            if holds(scorer.as_mut(), doc) {
                total += scorer.score();
            }
        }
        total
    }
}

/// Every scorer of a group or requirement is empty.
fn exhausted(scorers: &[Box<dyn Scorer>]) -> bool {
    scorers.iter().all(|s| s.doc() == TERMINATED)
}

/// The first document at or after `target` that any of `scorers` holds (each moved to its
/// first document at or after `target`); stops early at `target` itself.
fn next_at(scorers: &mut [Box<dyn Scorer>], target: DocId) -> DocId {
    let mut first = TERMINATED;
    for scorer in scorers {
        let doc = match scorer.doc() {
            d if d < target => scorer.seek(target),
            d => d,
        };
        if doc == target {
            return target;
        }
        first = first.min(doc);
    }
    first
}

/// Whether `docset` holds `doc`; `doc` is never below a doc asked for before.
fn holds(docset: &mut dyn Scorer, doc: DocId) -> bool {
    let at = docset.doc();
    if at < doc {
        docset.seek(doc) == doc
    } else {
        at == doc
    }
}

/// A hit in the heap: ordered by score, then by address so that equal scores settle the same
/// way every time (the earlier document first).
#[derive(Clone, Copy, PartialEq)]
struct Ranked(Score, DocAddress);

impl Eq for Ranked {}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .total_cmp(&other.0)
            .then_with(|| other.1.cmp(&self.1))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The best `limit` hits so far; its lowest score is what a new hit has to beat.
struct TopK {
    limit: usize,
    heap: BinaryHeap<Reverse<Ranked>>,
}

impl TopK {
    fn new(limit: usize) -> Self {
        TopK {
            limit,
            heap: BinaryHeap::with_capacity(limit + 1),
        }
    }

    fn threshold(&self) -> Score {
        if self.heap.len() < self.limit {
            Score::MIN
        } else {
            self.heap.peek().map_or(Score::MIN, |Reverse(r)| r.0)
        }
    }

    fn push(&mut self, score: Score, address: DocAddress) {
        let hit = Ranked(score, address);
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(hit));
        } else if self.heap.peek().is_some_and(|Reverse(low)| hit > *low) {
            self.heap.pop();
            self.heap.push(Reverse(hit));
        }
    }

    fn into_sorted(self) -> Vec<(Score, DocAddress)> {
        let mut hits: Vec<Ranked> = self.heap.into_iter().map(|Reverse(r)| r).collect();
        hits.sort_by(|a, b| b.cmp(a));
        hits.into_iter().map(|Ranked(s, a)| (s, a)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heap_keeps_the_best_and_breaks_ties_by_address() {
        let mut top = TopK::new(3);
        assert_eq!(top.threshold(), Score::MIN);
        for (score, doc) in [(1.0, 5), (3.0, 1), (2.0, 7), (2.0, 2), (0.5, 9), (3.0, 0)] {
            top.push(score, DocAddress::new(0, doc));
        }
        let docs: Vec<(Score, u32)> = top
            .into_sorted()
            .into_iter()
            .map(|(s, a)| (s, a.doc_id))
            .collect();
        assert_eq!(docs, [(3.0, 0), (3.0, 1), (2.0, 2)]);
    }
}
