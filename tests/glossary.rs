//! The glossary across the three languages: a Thai query finds English and Korean articles
//! through it, after the Thai ones and saying which term found them; `--no-glossary` turns it
//! off; HQ edits entries by signed ops, and a post may not.

use std::path::Path;

use assert_cmd::Command;
use outpost::core::GlossaryChange;
use outpost::model::{Lang, Payload, Role};
use outpost::search::SearchRequest;
use predicates::str::contains;
use serde_json::Value;

use crate::common::{admin, content, new_article, replica};

fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("valid JSON")
}

/// A node with one transshipment article in each language and an unrelated English one.
fn three_languages() -> outpost::Replica {
    let mut node = replica("HQ", true);
    let user = admin(&node);
    for (id, lang, title, body) in [
        (
            "th-transship",
            Lang::Th,
            "การถ่ายลำที่ท่าเรือ",
            "การถ่ายลำต้องมีใบขนสินค้าผ่านแดนและซีลเดิม",
        ),
        (
            "en-transship",
            Lang::En,
            "Transshipment at river ports",
            "Transshipment needs the original seal.",
        ),
        (
            "ko-transship",
            Lang::Ko,
            "항만 환적 절차",
            "환적 화물은 원래 봉인을 확인한다.",
        ),
        (
            "en-other",
            Lang::En,
            "Timber logs",
            "Measure the logs at the gate.",
        ),
    ] {
        let mut c = content(title, "clearance/transit", body);
        c.lang = lang;
        let mut article = new_article(c, true);
        article.id = Some(outpost::model::ArticleId::parse(id).expect("id"));
        node.add_article(&user, article).expect("add");
    }
    node
}

fn search(
    node: &outpost::Replica,
    text: &str,
    no_glossary: bool,
) -> Vec<outpost::search::SearchHit> {
    node.search(&SearchRequest {
        text: text.into(),
        limit: 10,
        no_glossary,
        ..Default::default()
    })
    .expect("search")
}

#[test]
fn a_thai_query_finds_english_and_korean_articles_after_the_thai_one_and_says_why() {
    let node = three_languages();
    let hits = search(&node, "ถ่ายลำ", false);
    let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids.first(), Some(&"th-transship"), "{ids:?}");
    assert_eq!(hits[0].via, None, "found by its own words");
    let via = |id: &str| hits.iter().find(|h| h.id == id).and_then(|h| h.via.clone());
    assert_eq!(via("en-transship").as_deref(), Some("transshipment"));
    assert_eq!(via("ko-transship").as_deref(), Some("환적"));
    assert!(!ids.contains(&"en-other"), "{ids:?}");
    let own: Vec<String> = search(&node, "ถ่ายลำ", true)
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(own, ["th-transship"]);
}

#[test]
fn english_and_korean_queries_find_the_other_languages_and_a_two_word_term_counts_as_one() {
    let node = three_languages();
    let ids = |text: &str| -> Vec<String> {
        search(&node, text, false)
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    let en = ids("transshipment");
    assert_eq!(en[0], "en-transship");
    assert!(en.contains(&"th-transship".to_string()) && en.contains(&"ko-transship".to_string()));
    let ko = ids("환적");
    assert_eq!(ko[0], "ko-transship");
    assert!(ko.contains(&"en-transship".to_string()), "{ko:?}");
    // "bonded warehouse" is one glossary term, though two words.
    let mut node = node;
    let user = admin(&node);
    let mut c = content(
        "คลังสินค้าทัณฑ์บนชายแดน",
        "clearance/bonded-warehouses-free-zones",
        "การตรวจนับของในคลังสินค้าทัณฑ์บนทุกเดือน",
    );
    c.lang = Lang::Th;
    node.add_article(&user, new_article(c, true)).expect("add");
    let hits = search(&node, "bonded warehouse", false);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].via.as_deref(), Some("คลังสินค้าทัณฑ์บน"));
}

#[test]
fn hq_changes_an_entry_by_a_signed_op_and_search_follows_while_a_post_user_is_refused() {
    let mut node = three_languages();
    let user = admin(&node);
    let glossary = node.glossary().expect("glossary");
    let mut entry = glossary.get("transshipment").expect("shipped").clone();
    entry.ko = vec!["옮겨싣기".into()];
    node.set_glossary_entry(&user, entry.clone(), GlossaryChange::Edit)
        .expect("HQ edits");
    let hits = search(&node, "ถ่ายลำ", false);
    assert!(
        !hits.iter().any(|h| h.id == "ko-transship"),
        "환적 is no longer its term"
    );
    let err = node
        .set_glossary_entry(&user, entry.clone(), GlossaryChange::Add)
        .expect_err("the id exists");
    assert!(err.to_string().contains("glossary edit"), "{err}");

    node.commit(
        &user.name,
        vec![Payload::UserCreated {
            name: "clerk".into(),
            role: Role::Officer,
        }],
    )
    .expect("user");
    let clerk = node.resolve_user(Some("clerk")).expect("clerk");
    let before = node
        .glossary()
        .expect("glossary")
        .get("transshipment")
        .cloned();
    let err = node
        .set_glossary_entry(&clerk, entry, GlossaryChange::Edit)
        .expect_err("not an administrator");
    assert!(err.to_string().contains("glossary"), "{err}");
    assert_eq!(
        node.glossary()
            .expect("glossary")
            .get("transshipment")
            .cloned(),
        before
    );
}

#[test]
fn through_the_binary_a_thai_glossary_query_finds_an_english_article() {
    let dir = tempfile::tempdir().expect("tempdir");
    outpost(dir.path())
        .args(["init", "--office", "HQ", "--hq"])
        .assert()
        .success();
    outpost(dir.path())
        .args([
            "add",
            "--title",
            "Transshipment at river ports",
            "--category",
            "clearance/transit",
            "--lang",
            "en",
            "--publish",
        ])
        .write_stdin("Transshipment cargo keeps its original seal until it leaves.\n")
        .assert()
        .success();
    let hits = json(outpost(dir.path()).args(["search", "การถ่ายลำ", "--json"]));
    assert_eq!(hits[0]["title"], "Transshipment at river ports", "{hits}");
    assert_eq!(hits[0]["via"], "transshipment");
    outpost(dir.path())
        .args(["search", "การถ่ายลำ"])
        .assert()
        .success()
        .stdout(contains("via glossary: transshipment"));
    let none = json(outpost(dir.path()).args(["search", "การถ่ายลำ", "--no-glossary", "--json"]));
    assert_eq!(none.as_array().map(Vec::len), Some(0), "{none}");

    let found = json(outpost(dir.path()).args(["glossary", "ถ่ายลำ", "--json"]));
    assert_eq!(found[0]["id"], "transshipment");
    assert_eq!(found[0]["ko"][0], "환적");
    outpost(dir.path())
        .args([
            "glossary",
            "add",
            "reefer-container",
            "--category",
            "clearance/container-seals",
        ])
        .args([
            "--en",
            "reefer container; refrigerated container",
            "--th",
            "ตู้คอนเทนเนอร์ห้องเย็น",
            "--ko",
            "냉동 컨테이너",
        ])
        .assert()
        .success()
        .stdout(contains("Added glossary entry reefer-container"));
    outpost(dir.path())
        .args([
            "glossary",
            "add",
            "bad entry",
            "--category",
            "clearance/transit",
            "--en",
            "x",
        ])
        .assert()
        .failure()
        .stderr(contains("is not valid"));
    outpost(dir.path())
        .args(["glossary", "edit", "no-such-entry", "--en", "x"])
        .assert()
        .failure()
        .stderr(contains("glossary add"));
    let found = json(outpost(dir.path()).args(["glossary", "refrigerated", "--json"]));
    assert_eq!(found[0]["th"][0], "ตู้คอนเทนเนอร์ห้องเย็น");
}

/// What the cross-language measure found: over the search fixtures of the three languages on one
/// node, every glossary entry's preferred term in each language searched (limit 50).
#[derive(Debug, Default)]
pub struct CrossLanguage {
    /// Queries whose entry some article of another language names.
    pub queries: usize,
    /// Articles of the other languages that name the entry (in their own language), and of
    /// those, how many the query found.
    pub expected: usize,
    pub found: usize,
    /// Hits in other languages, and of those, how many name the entry.
    pub returned: usize,
    /// Same-language hits naming the entry (by the query, or by another of its terms, as a Thai
    /// article writing `CIF` does), of all same-language hits: glossary on, then off.
    pub same_on: (usize, usize),
    pub same_off: (usize, usize),
}

#[derive(serde::Deserialize)]
struct Fixture {
    doc: Vec<FixtureDoc>,
}

#[derive(serde::Deserialize)]
struct FixtureDoc {
    id: String,
    title: String,
    body: String,
}

fn stems(text: &str) -> std::collections::BTreeSet<String> {
    outpost::search::analyzer::tokens(outpost::search::analyzer::Analyzer::Stem, text)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

/// Whether `text` (in `lang`) holds `term`: as a substring in Thai and Korean, every word's
/// stem in English.
fn holds(lang: &str, text: &str, term: &str) -> bool {
    match lang {
        "en" => stems(text).is_superset(&stems(term)),
        _ => text.contains(term),
    }
}

pub fn cross_language() -> CrossLanguage {
    let mut node = replica("HQ", true);
    let user = admin(&node);
    let mut docs: Vec<(String, &'static str, String)> = Vec::new();
    for lang in ["en", "th", "ko"] {
        let path = format!(
            "{}/tests/fixtures/search/{lang}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).expect("fixture readable");
        let fixture: Fixture = toml::from_str(&text).expect("fixture parses");
        for d in fixture.doc {
            let mut c = content(&d.title, "commodity", &d.body);
            c.lang = lang.parse::<Lang>().expect("lang");
            let mut article = new_article(c, true);
            article.id = Some(outpost::model::ArticleId::parse(&d.id).expect("id"));
            node.add_article(&user, article).expect("add");
            docs.push((d.id, lang, format!("{}\n{}", d.title, d.body)));
        }
    }
    let glossary = node.glossary().expect("glossary");
    let mut m = CrossLanguage::default();
    for entry in glossary.entries() {
        for lang in ["en", "th", "ko"] {
            let Some(query) = entry.terms(lang).first() else {
                continue;
            };
            let names = |doc_lang: &str, text: &str| {
                entry
                    .terms(doc_lang)
                    .iter()
                    .any(|t| holds(doc_lang, text, t))
            };
            let expected: Vec<&str> = docs
                .iter()
                .filter(|(_, l, text)| *l != lang && names(l, text))
                .map(|(id, _, _)| id.as_str())
                .collect();
            let lang_of = |id: &str| docs.iter().find(|d| d.0 == id).map(|d| (d.1, d.2.as_str()));
            for no_glossary in [false, true] {
                let hits = search_limit(&node, query, no_glossary, 50);
                let mut same = (0, 0);
                for h in &hits {
                    let Some((l, text)) = lang_of(&h.id) else {
                        continue;
                    };
                    if l == lang {
                        same.1 += 1;
                        // A Thai or Korean article may name the concept by its English term
                        // (`CIF`, `LPG`): that is a right hit too.
                        let right = holds(lang, text, query)
                            || entry.all_terms().any(|(l, t)| holds(l, text, t));
                        same.0 += usize::from(right);
                    } else if !no_glossary {
                        m.returned += 1;
                    }
                }
                let slot = if no_glossary {
                    &mut m.same_off
                } else {
                    &mut m.same_on
                };
                slot.0 += same.0;
                slot.1 += same.1;
                if !no_glossary && !expected.is_empty() {
                    m.queries += 1;
                    m.expected += expected.len();
                    m.found += expected
                        .iter()
                        .filter(|id| hits.iter().any(|h| h.id == **id))
                        .count();
                }
            }
        }
    }
    m
}

fn search_limit(
    node: &outpost::Replica,
    text: &str,
    no_glossary: bool,
    limit: usize,
) -> Vec<outpost::search::SearchHit> {
    node.search(&SearchRequest {
        text: text.into(),
        limit,
        no_glossary,
        ..Default::default()
    })
    .expect("search")
}

#[test]
fn across_the_three_fixture_sets_the_glossary_finds_other_languages_and_keeps_same_language_precision()
 {
    let m = cross_language();
    let ratio = |(a, b): (usize, usize)| a as f64 / b.max(1) as f64;
    let recall = ratio((m.found, m.expected));
    eprintln!(
        "cross-language: {} queries, recall {}/{} = {recall:.3}, {} other-language hits; \
         same-language precision on {:.3} ({}/{}), off {:.3} ({}/{})",
        m.queries,
        m.found,
        m.expected,
        m.returned,
        ratio(m.same_on),
        m.same_on.0,
        m.same_on.1,
        ratio(m.same_off),
        m.same_off.0,
        m.same_off.1
    );
    assert!(m.queries >= 30, "{m:?}");
    assert!(recall >= 0.6, "{m:?}");
    assert!(ratio(m.same_on) >= ratio(m.same_off) - 1e-9, "{m:?}");
}
