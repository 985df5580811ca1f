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
