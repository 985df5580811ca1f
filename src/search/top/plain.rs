//! The named fallback: a plan as one boolean query, collected by tantivy's own `TopDocs`, which
//! scores every document that matches. Slower than the fast paths (no pruning, no driving), and
//! the reading they are pinned to: the proptests check that each fast path returns the same
//! hits in the same order as this one.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::index::SegmentId;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader};

use super::{Multiplier, Plan, Ranking};
use crate::error::Result;

/// The `limit` best documents for `plan` by tantivy's `TopDocs`, best first.
pub(super) fn collect(
    searcher: &Searcher,
    plan: &Plan,
    limit: usize,
    ranking: Ranking,
) -> Result<Vec<(Score, DocAddress)>> {
    // `TopDocs` wants a factor it can keep ('static): each segment's, made beforehand.
    let factors: HashMap<SegmentId, Arc<dyn Multiplier>> = searcher
        .segment_readers()
        .iter()
        .map(|segment| (segment.segment_id(), Arc::from(ranking(segment))))
        .collect();
    let factors = Arc::new(factors);
    let top = TopDocs::with_limit(limit.max(1)).tweak_score(move |segment: &SegmentReader| {
        let factor = factors.get(&segment.segment_id()).cloned();
        move |doc: DocId, score: Score| factor.as_ref().map_or(score, |f| score * f.of(doc))
    });
    Ok(searcher.search(&as_query(plan), &top)?)
}

/// What a plan means as one boolean query: every group and every requirement must match (the
/// requirements adding nothing to the score), no exclusion may.
pub(super) fn as_query(plan: &Plan) -> BooleanQuery {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for group in &plan.groups {
        let union = BooleanQuery::union(group.iter().map(|q| q.box_clone()).collect());
        clauses.push((Occur::Must, Box::new(union)));
    }
    for any in &plan.required {
        let union = BooleanQuery::union(any.iter().map(|q| q.box_clone()).collect());
        clauses.push((Occur::Must, Box::new(BoostQuery::new(Box::new(union), 0.0))));
    }
    for q in &plan.excluded {
        clauses.push((Occur::MustNot, q.box_clone()));
    }
    BooleanQuery::new(clauses)
}
