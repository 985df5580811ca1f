//! Golden search-quality tests for Thai, Korean and English, with documents and queries written
//! for this project (`tests/fixtures/search/*.toml`). The expected hits are computed here, not
//! listed: plain substring match for Thai and Korean, word match (same English stem) for
//! English, with misspelled queries expected to find what the correct word finds.
//! CI asserts recall = 1.0 and precision ≥ 0.95 per language, and that whole-word hits rank
//! above sub-word hits.

use std::collections::BTreeSet;

use outpost::core::NewArticle;
use outpost::model::{ArticleId, Lang};
use outpost::search::SearchRequest;
use outpost::search::analyzer::{Analyzer, tokens};
use serde::Deserialize;

use crate::common::{admin, content, replica};

#[derive(Deserialize)]
struct Fixture {
    doc: Vec<Doc>,
    query: Vec<Query>,
}

#[derive(Deserialize)]
struct Doc {
    id: String,
    title: String,
    body: String,
}

#[derive(Deserialize)]
struct Query {
    text: String,
    /// For misspelled English queries: the word meant.
    word: Option<String>,
}

struct Outcome {
    recall: f64,
    precision: f64,
    rank_violations: Vec<String>,
}

fn load(lang: &str) -> Fixture {
    let path = format!(
        "{}/tests/fixtures/search/{lang}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture readable");
    toml::from_str(&text).expect("fixture parses")
}

fn stems(text: &str) -> BTreeSet<String> {
    tokens(Analyzer::Stem, text)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

fn words(text: &str) -> Vec<String> {
    tokens(Analyzer::Text, text)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

/// Whether `needle`'s word tokens appear as a run of whole words in `text`.
fn has_whole_word(text: &str, needle: &str) -> bool {
    let hay = words(text);
    let needle = words(needle);
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle.as_slice())
}

fn run(lang: &str) -> Outcome {
    let fixture = load(lang);
    let mut node = replica("HQ", true);
    let user = admin(&node);
    for doc in &fixture.doc {
        let mut c = content(&doc.title, "commodity", &doc.body);
        c.lang = lang.parse::<Lang>().expect("lang");
        let id = Some(ArticleId::parse(&doc.id).expect("fixture id"));
        node.add_article(
            &user,
            NewArticle {
                id,
                content: c,
                publish: true,
            },
        )
        .expect("add");
    }
    let (mut found, mut expected_total, mut returned_total) = (0usize, 0usize, 0usize);
    let mut rank_violations = Vec::new();
    for query in &fixture.query {
        let expected: BTreeSet<&str> = fixture
            .doc
            .iter()
            .filter(|d| {
                let text = format!("{}\n{}", d.title, d.body);
                match lang {
                    "en" => {
                        let word = query.word.as_deref().unwrap_or(&query.text);
                        stems(&text).is_superset(&stems(word))
                    }
                    _ => text.contains(&query.text),
                }
            })
            .map(|d| d.id.as_str())
            .collect();
        let request = SearchRequest {
            text: query.text.clone(),
            limit: 1000,
            ..Default::default()
        };
        let hits = node.search(&request).expect("search");
        let returned: BTreeSet<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        let missed: Vec<_> = expected.difference(&returned).collect();
        let extra: Vec<_> = returned.difference(&expected).collect();
        if !missed.is_empty() || !extra.is_empty() {
            eprintln!(
                "[{lang}] `{}`: missed {missed:?}, extra {extra:?}",
                query.text
            );
        }
        found += expected.intersection(&returned).count();
        expected_total += expected.len();
        returned_total += returned.len();

        if lang != "en" {
            // Every whole-word hit must rank above every hit where the query is only part of a word.
            let whole = |id: &str| {
                fixture.doc.iter().find(|d| d.id == id).is_some_and(|d| {
                    has_whole_word(&d.title, &query.text) || has_whole_word(&d.body, &query.text)
                })
            };
            let last_whole = hits.iter().rposition(|h| whole(&h.id));
            let first_sub = hits.iter().position(|h| !whole(&h.id));
            if let (Some(w), Some(s)) = (last_whole, first_sub)
                && w > s
            {
                rank_violations.push(format!(
                    "`{}`: whole-word {} (#{w}) ranks below sub-word {} (#{s})",
                    query.text, hits[w].id, hits[s].id
                ));
            }
        }
    }
    Outcome {
        recall: found as f64 / expected_total.max(1) as f64,
        precision: found as f64 / returned_total.max(1) as f64,
        rank_violations,
    }
}

fn assert_quality(lang: &str) {
    let outcome = run(lang);
    eprintln!(
        "[{lang}] recall {:.3} precision {:.3}",
        outcome.recall, outcome.precision
    );
    assert!(
        outcome.recall >= 1.0,
        "[{lang}] recall {:.3} < 1.0",
        outcome.recall
    );
    assert!(
        outcome.precision >= 0.95,
        "[{lang}] precision {:.3} < 0.95",
        outcome.precision
    );
    assert!(
        outcome.rank_violations.is_empty(),
        "{:#?}",
        outcome.rank_violations
    );
}

#[test]
fn thai_search_finds_every_document_containing_the_word() {
    assert_quality("th");
}

#[test]
fn korean_search_finds_nouns_inside_eojeol() {
    assert_quality("ko");
}

#[test]
fn english_search_matches_words_stems_and_misspellings() {
    assert_quality("en");
}

#[test]
fn the_fixtures_are_big_enough_to_mean_something() {
    for lang in ["th", "ko", "en"] {
        let f = load(lang);
        assert!(
            f.doc.len() >= 40 && f.query.len() >= 20,
            "{lang}: too few docs or queries"
        );
    }
    assert!(load("en").query.iter().filter(|q| q.word.is_some()).count() >= 5);
}
