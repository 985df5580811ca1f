//! The best hits of several words when every word is a union of weighted term clauses.
//!
//! tantivy intersects unions by buffering each union 4,096 documents at a time and scoring every
//! posting of every clause, however few documents hold every word and however low they score.
//! Here each clause is a cursor over its postings, and the walk is MaxScore (Turtle & Flood,
//! 1995): each clause can add at most its best score, so once the hits so far set a bar, a
//! document holding only clauses whose bests add up to no more than the bar cannot enter. The
//! other clauses, the *essential* ones, propose the candidates; a candidate looks the rest up,
//! best first, and stops as soon as what is left cannot lift it above the bar.
//!
//! The bar rises fastest when the strongest clauses (a word in a title) are walked first, so
//! the documents are collected in two passes: first those that hold some *seed* clause (one
//! that can score at least a third of the strongest), then, only if the other clauses together
//! could still beat the bar, the rest. Every document a pass can see is scored exactly as
//! tantivy scores a term query, so the hits are those of the generic path.

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::InvertedIndexReader;
use tantivy::postings::{BlockSegmentPostings, TermInfo};
use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, SegmentReader, TERMINATED, Term};

/// Covers the last bits by which a sum of scores may exceed a sum of bounds added in another
/// order.
const MARGIN: Score = 1.0001;

/// A seed clause can score at least this share of the strongest clause.
const SEED_SHARE: Score = 1.0 / 3.0;

/// A term clause of a word: its BM25 weight, boost included.
pub(super) struct TermClause {
    pub term: Term,
    pub weight: Bm25Weight,
}

/// A clause found in a segment, from which cursors are opened.
struct Found {
    info: TermInfo,
    inverted: Arc<InvertedIndexReader>,
    fieldnorms: FieldNormReader,
    weight: Bm25Weight,
    group: usize,
    /// No document scores more on this clause.
    best: Score,
}

impl Found {
    fn cursor(&self) -> tantivy::Result<Cursor<'_>> {
        let postings = self
            .inverted
            .read_block_postings_from_terminfo(&self.info, IndexRecordOption::WithFreqs)?;
        Ok(Cursor {
            postings,
            at: 0,
            clause: self,
        })
    }
}

/// One clause's postings in a segment, on its current document.
struct Cursor<'a> {
    postings: BlockSegmentPostings,
    /// The current document's place in the loaded block.
    at: usize,
    clause: &'a Found,
}

impl Cursor<'_> {
    #[inline]
    fn doc(&self) -> DocId {
        self.postings.doc(self.at)
    }

    /// Moves to the first document at or after `target` (never back) and returns it.
    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc() < target {
            self.at = self.postings.seek(target);
        }
        self.doc()
    }

    /// The current document's score, as tantivy's term scorer computes it.
    #[inline]
    fn score(&self) -> Score {
        let c = self.clause;
        c.weight.score(
            c.fieldnorms.fieldnorm_id(self.doc()),
            self.postings.freq(self.at),
        )
    }
}

/// Where the documents that may enter the top go.
pub(super) trait Hits {
    /// A document above the threshold and its score; returns the new threshold. Documents come
    /// in increasing order within a pass.
    fn found(&mut self, doc: DocId, score: Score) -> Score;
    /// A new pass starts from the first document.
    fn rewind(&mut self) -> tantivy::Result<()>;
}

/// Gives `hits` every document of `reader` that each group of `groups` holds in some clause
/// and that scores above `threshold` (the sum of the scores of the clauses it holds). One to 64
/// groups (a hit's groups are a bit set).
pub(super) fn for_each_pruning(
    reader: &SegmentReader,
    groups: &[Vec<TermClause>],
    threshold: Score,
    hits: &mut dyn Hits,
) -> tantivy::Result<()> {
    assert!((1..=64).contains(&groups.len()), "one to 64 groups");
    let mut clauses = Vec::new();
    for (group, terms) in groups.iter().enumerate() {
        let before = clauses.len();
        for clause in terms {
            let inverted = reader.inverted_index(clause.term.field())?;
            let Some(info) = inverted.get_term_info(&clause.term)? else {
                continue;
            };
            clauses.push(Found {
                info,
                fieldnorms: reader.get_fieldnorms_reader(clause.term.field())?,
                inverted,
                weight: clause.weight.clone(),
                group,
                best: clause.weight.max_score(),
            });
        }
        if clauses.len() == before {
            // A word the segment lacks: nothing here holds every word.
            return Ok(());
        }
    }
    let every_group = u64::MAX >> (64 - groups.len());
    // Weakest first: MaxScore's bounds are sums of prefixes.
    clauses.sort_by(|a, b| a.best.total_cmp(&b.best));
    let strongest = clauses.last().map_or(0.0, |c| c.best);
    let seed = |c: &Found| c.best >= strongest * SEED_SHARE;

    // First pass: the documents holding some seed clause, scored on every clause.
    let mut cursors = clauses
        .iter()
        .map(Found::cursor)
        .collect::<tantivy::Result<Vec<_>>>()?;
    let proposes: Vec<bool> = clauses.iter().map(seed).collect();
    let threshold = max_score(
        &mut cursors,
        &proposes,
        &mut [],
        every_group,
        threshold,
        hits,
    );

    // Second pass: the documents holding no seed clause, so scored on the others alone. Seeds
    // are the strongest clauses, so the others are a prefix.
    let rest = clauses.iter().take_while(|c| !seed(c)).count();
    let rest_best: Score = clauses[..rest].iter().map(|c| c.best).sum();
    let rest_groups = clauses[..rest]
        .iter()
        .fold(0u64, |groups, c| groups | 1u64 << c.group);
    if rest_best * MARGIN <= threshold || rest_groups != every_group {
        return Ok(());
    }
    let mut cursors = clauses[..rest]
        .iter()
        .map(Found::cursor)
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut seen = clauses[rest..]
        .iter()
        .map(Found::cursor)
        .collect::<tantivy::Result<Vec<_>>>()?;
    let proposes = vec![true; rest];
    hits.rewind()?;
    max_score(
        &mut cursors,
        &proposes,
        &mut seen,
        every_group,
        threshold,
        hits,
    );
    Ok(())
}

/// MaxScore over `cursors` (weakest first): the candidates are the documents an essential
/// cursor that `proposes` holds and none of `seen` does; a hit holds some cursor of each group
/// of `every_group`. Returns the last threshold.
fn max_score(
    cursors: &mut [Cursor],
    proposes: &[bool],
    seen: &mut [Cursor],
    every_group: u64,
    mut threshold: Score,
    hits: &mut dyn Hits,
) -> Score {
    // `below[i]`: the most the cursors before `i` can add together.
    let mut below = Vec::with_capacity(cursors.len() + 1);
    let mut sum = 0.0;
    below.push(sum);
    for c in cursors.iter() {
        sum += c.clause.best;
        below.push(sum);
    }
    // The cursors before `essential` cannot lift a document above the threshold on their own.
    let split = |threshold: Score| below[1..].partition_point(|&b| b * MARGIN <= threshold);
    let mut essential = split(threshold);
    let mut target = 0;
    loop {
        let mut doc = TERMINATED;
        for (cursor, _) in cursors[essential..]
            .iter_mut()
            .zip(&proposes[essential..])
            .filter(|(_, proposes)| **proposes)
        {
            doc = doc.min(cursor.seek(target));
        }
        if doc == TERMINATED {
            return threshold;
        }
        target = doc + 1;
        if seen.iter_mut().any(|c| c.seek(doc) == doc) {
            continue;
        }
        // Strongest first, until what is left cannot lift the document above the threshold.
        let mut score = 0.0;
        let mut groups = 0u64;
        let mut short = false;
        for i in (0..cursors.len()).rev() {
            if (score + below[i + 1]) * MARGIN <= threshold {
                short = true;
                break;
            }
            let cursor = &mut cursors[i];
            if cursor.seek(doc) == doc {
                score += cursor.score();
                groups |= 1u64 << cursor.clause.group;
            }
        }
        if !short && groups == every_group && score > threshold {
            threshold = hits.found(doc, score);
            essential = split(threshold);
        }
    }
}
