//! The best hits of a query, by the ranking in `query` (BM25 × freshness and helpfulness).
//!
//! A plan is groups of scoring clauses (a hit matches some clause of every group and scores the
//! sum of the clauses it matches), unscored requirements (filters, visibility) and exclusions.
//! A query is collected one of two ways, chosen from its terms' document frequencies:
//!
//! - **Pruned** (most searches). The groups are scored with pruning: one group as a union of
//!   term queries, which tantivy walks with block-max WAND, skipping whole blocks of postings
//!   that cannot beat the current last hit; several groups whose clauses are all terms by
//!   MaxScore over the postings (`max_score`); any other several groups as tantivy's
//!   intersection of unions. The requirements, exclusions and deletions are checked only for the
//!   documents that score high enough to enter the top, by seeking in their postings; so
//!   `status:published`, which nearly every document carries, is never walked, and a broad
//!   filter costs almost nothing.
//! - **Driven** by a selective requirement (`hs:85 data`): its postings supply the candidates,
//!   every group and other requirement is checked by leapfrogging (a part that misses moves the
//!   candidate to the next document it holds), and the score is summed from each clause
//!   positioned on the candidate. Pruning would score thousands of high-scoring documents that
//!   fail the filter before ten pass it.
//!
//! Both are [`Collector::Fast`]. [`Collector::Plain`] is the named fallback (`plain`): the plan
//! as one boolean query under tantivy's `TopDocs`, which scores every match. It is what the
//! proptests pin every fast path to (same hits, same order), on small corpora and on postings
//! of several blocks; and a search whose ranking factor has no usable bound in some segment
//! (not a number: pruning against it would skip everything) is collected by it.

mod max_score;
mod plain;

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::query::{
    Bm25Weight, BooleanWeight, BoostQuery, EnableScoring, Explanation, Occur, Query, Scorer,
    SumCombiner, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use self::max_score::{Hits, TermClause};
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

/// A term scored by BM25 × `boost`: the clause `max_score` can walk itself; any other query as
/// a clause sends a plan of several groups to tantivy's intersection.
#[derive(Clone, Debug)]
pub(super) struct WeightedTerm {
    pub term: Term,
    pub boost: Score,
}

impl Query for WeightedTerm {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let term = TermQuery::new(self.term.clone(), IndexRecordOption::WithFreqs);
        BoostQuery::new(Box::new(term), self.boost).weight(scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

/// A segment's ranking factor per document, and its upper bound in the segment (so a pruning
/// threshold on BM25 alone never skips a document the factor would lift into the top).
pub(super) trait Multiplier: Send + Sync {
    fn of(&self, doc: DocId) -> Score;
    fn bound(&self) -> Score;
}

/// Turns a segment into its ranking factor.
pub(super) type Ranking<'a> = &'a dyn Fn(&SegmentReader) -> Box<dyn Multiplier>;

/// A requirement at most this share of what the groups match drives the collection.
const DRIVE_BELOW: u64 = 4;

/// How a plan's hits are collected (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Collector {
    /// Pruned or driven over the postings: what searches use.
    #[default]
    Fast,
    /// tantivy's `TopDocs` over the plan as one boolean query: the reference and fallback.
    Plain,
}

/// The `limit` best documents for `plan`, best first: (score, address), by the fast path.
pub(super) fn collect(
    searcher: &Searcher,
    plan: &Plan,
    limit: usize,
    ranking: Ranking,
) -> Result<Vec<(Score, DocAddress)>> {
    collect_by(Collector::Fast, searcher, plan, limit, ranking)
}

/// The `limit` best documents for `plan`, best first, collected by `collector`.
pub(super) fn collect_by(
    collector: Collector,
    searcher: &Searcher,
    plan: &Plan,
    limit: usize,
    ranking: Ranking,
) -> Result<Vec<(Score, DocAddress)>> {
    match collector {
        Collector::Fast => {
            let driver = driver(searcher, plan)?;
            collect_with(searcher, plan, limit, ranking, driver)
        }
        Collector::Plain => plain::collect(searcher, plan, limit, ranking),
    }
}

/// As `collect`, driven by requirement `driver` (`None`: pruned).
fn collect_with(
    searcher: &Searcher,
    plan: &Plan,
    limit: usize,
    ranking: Ranking,
    driver: Option<usize>,
) -> Result<Vec<(Score, DocAddress)>> {
    let scored = EnableScoring::enabled_from_searcher(searcher);
    let unscored = EnableScoring::disabled_from_searcher(searcher);
    let terms = match driver {
        None => term_groups(searcher, plan)?,
        Some(_) => None,
    };
    let mut groups: Vec<Vec<Arc<dyn Weight>>> = Vec::with_capacity(plan.groups.len());
    if terms.is_none() {
        for group in &plan.groups {
            let weights = group
                .iter()
                .map(|q| q.weight(scored).map(Arc::from))
                .collect::<tantivy::Result<Vec<_>>>()?;
            groups.push(weights);
        }
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
    let pruned = match (driver, &terms) {
        (None, None) => Some(scored_groups(&groups)),
        _ => None,
    };

    let mut top = TopK::new(limit.max(1));
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let own_groups = if driver.is_some() { &groups[..] } else { &[] };
        let Some(mut segment) = Segment::open(reader, own_groups, &required, &excluded)? else {
            continue;
        };
        let factor = ranking(reader);
        if factor.bound().is_nan() {
            return collect_by(Collector::Plain, searcher, plan, limit, ranking);
        }
        let mut hits = SegmentHits {
            segment: &mut segment,
            top: &mut top,
            factor: factor.as_ref(),
            bound: factor.bound().max(f32::MIN_POSITIVE),
            ord: ord as u32,
        };
        let threshold = hits.threshold();
        match (driver, &terms, &pruned) {
            (Some(r), _, _) => hits.drive(r),
            (None, Some(terms), _) => {
                max_score::for_each_pruning(reader, terms, threshold, &mut hits)?;
            }
            (None, None, Some(weight)) => {
                weight
                    .for_each_pruning(threshold, reader, &mut |doc, bm25| hits.found(doc, bm25))?;
            }
            (None, None, None) => {}
        }
    }
    Ok(top.into_sorted())
}

/// The plan's groups as term clauses, when `max_score` can collect them: several groups, every
/// clause a [`WeightedTerm`] in a field with frequencies and lengths (at most 64 groups). A
/// single group is left to tantivy's block-max WAND, which already prunes a union well.
fn term_groups(searcher: &Searcher, plan: &Plan) -> Result<Option<Vec<Vec<TermClause>>>> {
    if !(2..=64).contains(&plan.groups.len()) {
        return Ok(None);
    }
    let schema = searcher.schema();
    let scorable = |field: Field| {
        let entry = schema.get_field_entry(field);
        entry.has_fieldnorms()
            && entry
                .field_type()
                .get_index_record_option()
                .is_some_and(|o| o.has_freq())
    };
    let mut groups = Vec::with_capacity(plan.groups.len());
    for group in &plan.groups {
        let mut clauses = Vec::with_capacity(group.len());
        for query in group {
            let Some(clause) = query.downcast_ref::<WeightedTerm>() else {
                return Ok(None);
            };
            let field = clause.term.field();
            if !scorable(field) {
                return Ok(None);
            }
            let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(&clause.term))?
                .boost_by(clause.boost);
            clauses.push(TermClause {
                term: clause.term.clone(),
                weight,
            });
        }
        groups.push(clauses);
    }
    Ok(Some(groups))
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
    // The smallest requirement that could drive at all; visibility (nearly every document is
    // published) never can, and then the groups need no estimate.
    let mut best: Option<(u64, usize)> = None;
    for (i, any) in plan.required.iter().enumerate() {
        let n = estimate(any)?;
        if n * DRIVE_BELOW < docs && best.is_none_or(|(b, _)| n < b) {
            best = Some((n, i));
        }
    }
    let Some((smallest, i)) = best else {
        return Ok(None);
    };
    for group in &plan.groups {
        if smallest * DRIVE_BELOW >= estimate(group)? {
            return Ok(None);
        }
    }
    Ok(Some(i))
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

/// Where one segment's scored documents go: past the requirements, into the top.
struct SegmentHits<'s, 'a> {
    segment: &'s mut Segment<'a>,
    top: &'s mut TopK,
    factor: &'s dyn Multiplier,
    /// The factor's bound in the segment.
    bound: Score,
    ord: u32,
}

impl SegmentHits<'_, '_> {
    /// What BM25 alone has to beat to enter the top.
    fn threshold(&self) -> Score {
        self.top.threshold() / self.bound
    }

    fn drive(&mut self, driver: usize) {
        let ord = self.ord;
        self.segment.drive(driver, self.factor, self.top, |doc| {
            DocAddress::new(ord, doc)
        });
    }
}

impl Hits for SegmentHits<'_, '_> {
    fn found(&mut self, doc: DocId, bm25: Score) -> Score {
        if self.segment.pass(doc) {
            let score = bm25 * self.factor.of(doc);
            self.top.push(score, DocAddress::new(self.ord, doc));
        }
        self.threshold()
    }

    fn rewind(&mut self) -> tantivy::Result<()> {
        self.segment.rewind()
    }
}

/// One segment's scorers: every clause by group, the requirements and the exclusions.
struct Segment<'a> {
    reader: &'a SegmentReader,
    required_weights: &'a [Vec<Box<dyn Weight>>],
    excluded_weights: &'a [Box<dyn Weight>],
    groups: Vec<Vec<Box<dyn Scorer>>>,
    required: Vec<Vec<Box<dyn Scorer>>>,
    excluded: Vec<Box<dyn Scorer>>,
}

impl<'a> Segment<'a> {
    /// `None` when a group or a requirement matches nothing in the segment.
    fn open(
        reader: &'a SegmentReader,
        groups: &[Vec<Arc<dyn Weight>>],
        required: &'a [Vec<Box<dyn Weight>>],
        excluded: &'a [Box<dyn Weight>],
    ) -> Result<Option<Self>> {
        let mut segment = Segment {
            reader,
            required_weights: required,
            excluded_weights: excluded,
            groups: Vec::with_capacity(groups.len()),
            required: Vec::with_capacity(required.len()),
            excluded: Vec::with_capacity(excluded.len()),
        };
        for group in groups {
            let Some(scorers) = open_any(reader, group.iter().map(|w| w.as_ref()))? else {
                return Ok(None);
            };
            segment.groups.push(scorers);
        }
        for any in required {
            let Some(scorers) = open_any(reader, any.iter().map(|w| w.as_ref()))? else {
                return Ok(None);
            };
            segment.required.push(scorers);
        }
        for weight in excluded {
            segment.excluded.push(weight.scorer(reader, 1.0)?);
        }
        Ok(Some(segment))
    }

    /// Back to the first document for `pass`: the requirements and exclusions reopened.
    fn rewind(&mut self) -> tantivy::Result<()> {
        for (scorers, weights) in self.required.iter_mut().zip(self.required_weights) {
            for (scorer, weight) in scorers.iter_mut().zip(weights) {
                *scorer = weight.scorer(self.reader, 1.0)?;
            }
        }
        for (scorer, weight) in self.excluded.iter_mut().zip(self.excluded_weights) {
            *scorer = weight.scorer(self.reader, 1.0)?;
        }
        Ok(())
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
    /// never decrease until a `rewind`.
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

/// The scorers of a group or requirement in `reader`; `None` when none of them matches anything.
fn open_any<'w>(
    reader: &SegmentReader,
    weights: impl Iterator<Item = &'w dyn Weight>,
) -> Result<Option<Vec<Box<dyn Scorer>>>> {
    let scorers = weights
        .map(|w| w.scorer(reader, 1.0))
        .collect::<tantivy::Result<Vec<_>>>()?;
    Ok((!scorers.iter().all(|s| s.doc() == TERMINATED)).then_some(scorers))
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
mod tests;
