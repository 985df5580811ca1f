//! Every way of collecting against tantivy's plain collector.

use proptest::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::query::{BoostQuery, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, STRING, Schema, TEXT};
use tantivy::{Index, Term, doc};

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

/// A factor from a fast field, so pruning has to respect the per-segment bound.
struct Boost {
    values: Arc<dyn tantivy::columnar::ColumnValues<u64>>,
}

impl Multiplier for Boost {
    fn of(&self, doc: DocId) -> Score {
        1.0 + self.values.get_val(doc) as Score / 4.0
    }
    fn bound(&self) -> Score {
        1.0 + self.values.max_value() as Score / 4.0
    }
}

struct Fixture {
    index: Index,
    title: Field,
    body: Field,
    tag: Field,
}

const WORDS: [&str; 6] = ["seal", "bolt", "truck", "timber", "log", "wrap"];

/// Documents of random words in two fields, a tag, a boost; a few deleted.
fn fixture(docs: &[(Vec<usize>, Vec<usize>, usize, u64)], deleted: &[usize]) -> Fixture {
    let mut builder = Schema::builder();
    let id = builder.add_u64_field("id", tantivy::schema::INDEXED);
    let title = builder.add_text_field("title", TEXT);
    let body = builder.add_text_field("body", TEXT);
    let tag = builder.add_text_field("tag", STRING);
    let boost = builder.add_u64_field("boost", FAST);
    let index = Index::create_in_ram(builder.build());
    let mut writer = index
        .writer_with_num_threads(1, 15_000_000)
        .expect("writer");
    let text = |words: &Vec<usize>| {
        words
            .iter()
            .map(|&w| WORDS[w % WORDS.len()])
            .collect::<Vec<_>>()
            .join(" ")
    };
    for (i, (t, b, g, f)) in docs.iter().enumerate() {
        let tag_text = if g % 3 == 0 { "commodity" } else { "other" };
        writer
            .add_document(doc!(id => i as u64, title => text(t), body => text(b), tag => tag_text, boost => *f % 3))
            .expect("add");
        // Two segments, so the threshold carries from one to the next.
        if i == docs.len() / 2 {
            writer.commit().expect("commit");
        }
    }
    for d in deleted {
        writer.delete_term(Term::from_field_u64(id, *d as u64));
    }
    writer.commit().expect("commit");
    Fixture {
        index,
        title,
        body,
        tag,
    }
}

/// A clause as the search builds it (`weighted`: walked by `max_score` when there are
/// several groups), or as an opaque boosted query (always left to tantivy).
fn term(field: Field, word: &str, boost: f32, weighted: bool) -> Box<dyn Query> {
    let term = Term::from_field_text(field, word);
    if weighted {
        return Box::new(WeightedTerm { term, boost });
    }
    let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
    Box::new(BoostQuery::new(Box::new(q), boost))
}

/// A plan's groups of clauses: (word, in the title, boost).
type Groups = [Vec<(usize, bool, u8)>];

/// Collects a plan of `groups` every way (pruned, `max_score` when `weighted`, driven by
/// the tag filter when `filter`) and compares with tantivy's own collector.
fn check(
    f: &Fixture,
    groups: &Groups,
    filter: bool,
    exclude: Option<usize>,
    limit: usize,
    weighted: bool,
) -> std::result::Result<(), String> {
    let searcher = f.index.reader().expect("reader").searcher();
    let plan = || Plan {
        groups: groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|&(w, in_title, b)| {
                        let field = if in_title { f.title } else { f.body };
                        term(field, WORDS[w], f32::from(b), weighted)
                    })
                    .collect()
            })
            .collect(),
        required: if filter {
            vec![vec![term(f.tag, "commodity", 1.0, false)]]
        } else {
            vec![]
        },
        excluded: exclude
            .iter()
            .map(|&w| term(f.body, WORDS[w], 1.0, false))
            .collect(),
    };
    let ranking = |segment: &SegmentReader| -> Box<dyn Multiplier> {
        let column = segment.fast_fields().u64("boost").expect("boost column");
        Box::new(Boost {
            values: column.first_or_default_col(0),
        })
    };
    let expected: Vec<(Score, DocAddress)> = {
        let top = TopDocs::with_limit(limit).tweak_score(move |segment: &SegmentReader| {
            let column = segment.fast_fields().u64("boost").expect("boost column");
            let values = column.first_or_default_col(0);
            move |doc: DocId, score: Score| score * (1.0 + values.get_val(doc) as Score / 4.0)
        });
        searcher
            .search(&plain::as_query(&plan()), &top)
            .expect("reference")
    };
    let plan = plan();
    // The named fallback is that very collector.
    let fallback = collect_by(Collector::Plain, &searcher, &plan, limit, &ranking).expect("plain");
    if fallback != expected {
        return Err(format!("plain: {fallback:?} vs {expected:?}"));
    }
    let drivers: Vec<Option<usize>> = if filter {
        vec![None, Some(0)]
    } else {
        vec![None]
    };
    for driver in drivers {
        let got = collect_with(&searcher, &plan, limit, &ranking, driver).expect("collect");
        let auto = collect(&searcher, &plan, limit, &ranking).expect("collect");
        for hits in [&got, &auto] {
            if hits.len() != expected.len() {
                return Err(format!("driver {driver:?}: {hits:?} vs {expected:?}"));
            }
            for (a, b) in hits.iter().zip(&expected) {
                // Scores agree (sums in another order may differ in the last bits);
                // documents with equal scores may come in either order.
                if (a.0 - b.0).abs() > 1e-4 * b.0.abs().max(1.0) {
                    return Err(format!("driver {driver:?}: {a:?} vs {b:?}"));
                }
            }
            // Above the last score no tie can reorder: the same documents.
            let last = expected.last().map_or(0.0, |h| h.0) + 1e-3;
            let above = |h: &[(Score, DocAddress)]| {
                let mut a: Vec<DocAddress> = h.iter().filter(|x| x.0 > last).map(|x| x.1).collect();
                a.sort();
                a
            };
            if above(hits) != above(&expected) {
                return Err(format!("driver {driver:?}: {hits:?} vs {expected:?}"));
            }
        }
    }
    Ok(())
}

/// Postings of many blocks in two segments, with deletions, skewed words (so the clauses'
/// bests differ, and pruning skips) and many plans.
#[test]
fn long_postings_rank_as_tantivy_does() {
    let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
    let (docs, deleted) = corpus(&mut next, 3_000);
    let f = fixture(&docs, &deleted);
    for round in 0..60 {
        let groups: Vec<Vec<(usize, bool, u8)>> = (0..2 + next(3))
            .map(|_| {
                (0..1 + next(4))
                    .map(|_| (next(6), next(2) == 0, 1 + next(3) as u8))
                    .collect()
            })
            .collect();
        let filter = round % 3 == 0;
        let exclude = (round % 4 == 0).then(|| next(6));
        let limit = 1 + next(20);
        if let Err(e) = check(&f, &groups, filter, exclude, limit, true) {
            panic!("plan {groups:?}, filter {filter}, exclude {exclude:?}: {e}");
        }
    }
}

/// A generator of numbers below `n`, the same ones for the same seed.
fn xorshift(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed | 1;
    move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    }
}

type Doc = (Vec<usize>, Vec<usize>, usize, u64);

/// `n` documents of skewed words (so every word's postings span many 128-document blocks, with
/// different block maxima, and pruning skips blocks), a twentieth of them deleted.
fn corpus(next: &mut impl FnMut(usize) -> usize, n: usize) -> (Vec<Doc>, Vec<usize>) {
    let mut docs = Vec::with_capacity(n);
    for _ in 0..n {
        let title: Vec<usize> = (0..next(3)).map(|_| 5 - next(6).min(next(6))).collect();
        let body: Vec<usize> = (0..next(12)).map(|_| next(6).min(next(6))).collect();
        docs.push((title, body, next(3), next(3) as u64));
    }
    let deleted = (0..n / 20).map(|_| next(n)).collect();
    (docs, deleted)
}

/// Plans of up to four groups of up to four clauses: (word, in the title, boost).
fn plans() -> impl Strategy<Value = Vec<Vec<(usize, bool, u8)>>> {
    proptest::collection::vec(
        proptest::collection::vec((0..6usize, any::<bool>(), 1..4u8), 1..5),
        1..5,
    )
}

/// A corpus of `docs` documents from `seed` and one plan, every way against the plain collector.
fn check_corpus(
    seed: u64,
    docs: usize,
    groups: &Groups,
    filter: bool,
    exclude: Option<usize>,
    limit: usize,
    weighted: bool,
) -> std::result::Result<(), String> {
    let (docs, deleted) = corpus(&mut xorshift(seed), docs);
    let f = fixture(&docs, &deleted);
    check(&f, groups, filter, exclude, limit, weighted)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Postings of several blocks: the pruning (block-max WAND, MaxScore's bar) and the driven
    /// walk's seeks cross block boundaries.
    #[test]
    fn the_fast_paths_rank_as_the_plain_collector_on_postings_of_several_blocks(
        seed in any::<u64>(),
        docs in 300..1_200usize,
        groups in plans(),
        filter in any::<bool>(),
        exclude in proptest::option::of(0..6usize),
        limit in 1..30usize,
        weighted in any::<bool>(),
    ) {
        if let Err(e) = check_corpus(seed, docs, &groups, filter, exclude, limit, weighted) {
            prop_assert!(false, "{}", e);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// The same on corpora of up to 40,000 documents (hundreds of blocks a word).
    #[test]
    #[ignore = "slow: builds an index of up to 40,000 documents per case; run with --ignored"]
    fn the_fast_paths_rank_as_the_plain_collector_on_long_postings(
        seed in any::<u64>(),
        docs in 5_000..40_000usize,
        groups in plans(),
        filter in any::<bool>(),
        exclude in proptest::option::of(0..6usize),
        limit in 1..50usize,
        weighted in any::<bool>(),
    ) {
        if let Err(e) = check_corpus(seed, docs, &groups, filter, exclude, limit, weighted) {
            prop_assert!(false, "{}", e);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn both_ways_of_collecting_rank_as_tantivy_does(
        docs in proptest::collection::vec(
            (proptest::collection::vec(0..6usize, 0..3),
             proptest::collection::vec(0..6usize, 0..6),
             0..3usize,
             0..3u64),
            1..60),
        deleted in proptest::collection::vec(0..60usize, 0..6),
        groups in proptest::collection::vec(proptest::collection::vec((0..6usize, any::<bool>(), 1..4u8), 1..4), 1..4),
        filter in any::<bool>(),
        exclude in proptest::option::of(0..6usize),
        limit in 1..12usize,
        weighted in any::<bool>(),
    ) {
        let f = fixture(&docs, &deleted);
        if let Err(e) = check(&f, &groups, filter, exclude, limit, weighted) {
            prop_assert!(false, "{}", e);
        }
    }
}

/// A factor whose bound is not a number: pruning against it would be unsound.
struct Unbounded(Boost);

impl Multiplier for Unbounded {
    fn of(&self, doc: DocId) -> Score {
        self.0.of(doc)
    }
    fn bound(&self) -> Score {
        Score::NAN
    }
}

#[test]
fn a_factor_without_a_bound_is_collected_by_the_plain_collector() {
    let (docs, deleted) = corpus(&mut xorshift(7), 600);
    let f = fixture(&docs, &deleted);
    let searcher = f.index.reader().expect("reader").searcher();
    let plan = Plan {
        groups: vec![
            vec![term(f.body, "seal", 1.0, true)],
            vec![
                term(f.title, "wrap", 2.0, true),
                term(f.body, "wrap", 1.0, true),
            ],
        ],
        required: vec![],
        excluded: vec![],
    };
    let ranking = |segment: &SegmentReader| -> Box<dyn Multiplier> {
        let column = segment.fast_fields().u64("boost").expect("boost column");
        Box::new(Unbounded(Boost {
            values: column.first_or_default_col(0),
        }))
    };
    let fast = collect(&searcher, &plan, 10, &ranking).expect("collect");
    let plain = collect_by(Collector::Plain, &searcher, &plan, 10, &ranking).expect("plain");
    assert_eq!(fast.len(), 10);
    assert_eq!(fast, plain);
}
