//! The command-line contract, through the real binary.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

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

fn state_hash(dir: &Path) -> String {
    json(outpost(dir).args(["check", "--json"]))["state_hash"]
        .as_str()
        .expect("state_hash")
        .to_string()
}

/// A demo HQ node, shared per test through a fresh temp dir.
fn demo_node() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    outpost(dir.path())
        .args(["init", "--office", "Demo HQ", "--hq", "--demo"])
        .assert()
        .success()
        .stdout(contains("demo articles"));
    dir
}

#[test]
fn search_timber_on_the_demo_finds_the_timber_inspection_article_first() {
    let dir = demo_node();
    let hits = json(outpost(dir.path()).args(["search", "timber", "--json"]));
    let first = &hits[0];
    assert_eq!(first["id"], "timber-inspection-land-border");
    for key in ["id", "title", "category", "status", "score", "snippet"] {
        assert!(first.get(key).is_some(), "search JSON lacks `{key}`");
    }
    outpost(dir.path())
        .args(["search", "timber"])
        .assert()
        .success()
        .stdout(contains("timber"));
}

#[test]
fn search_filters_by_category_and_hs_prefix() {
    let dir = demo_node();
    let hits = json(outpost(dir.path()).args([
        "search",
        "inspection",
        "--category",
        "commodity",
        "--json",
    ]));
    let hits = hits.as_array().expect("array");
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| {
        h["category"]
            .as_str()
            .is_some_and(|c| c.starts_with("commodity"))
    }));
    let hits = json(outpost(dir.path()).args(["search", "timber", "--hs", "4403", "--json"]));
    assert_eq!(hits[0]["id"], "timber-inspection-land-border");
    outpost(dir.path())
        .args(["search", "timber", "--hs", "44x"])
        .assert()
        .failure()
        .stderr(contains("is not an HS prefix"));
}

#[test]
fn add_edit_show_list_retire_work_end_to_end() {
    let dir = demo_node();
    let added = json(
        outpost(dir.path())
            .args([
                "add",
                "--title",
                "Pallet wrap concealment",
                "--category",
                "enforcement/narcotics",
            ])
            .args([
                "--tags",
                "pallets,wrap",
                "--hs",
                "3923.21",
                "--kind",
                "case",
                "--json",
            ])
            .write_stdin("Look for **uneven** wrap layers.\n"),
    );
    let id = added["id"].as_str().expect("id").to_string();

    let body = dir.path().join("body.md");
    std::fs::write(&body, "Look for uneven wrap layers and fresh tape.\n").expect("write");
    outpost(dir.path())
        .args(["edit", &id, "--body-file"])
        .arg(&body)
        .assert()
        .success()
        .stdout(contains("Saved revision"));

    let shown = json(outpost(dir.path()).args(["show", &id, "--json"]));
    assert_eq!(shown["title"], "Pallet wrap concealment");
    assert_eq!(shown["hs_codes"][0], "3923.21");
    assert_eq!(shown["status"], "draft");
    assert_eq!(shown["history"].as_array().map(Vec::len), Some(2));
    assert!(
        shown["body"]
            .as_str()
            .is_some_and(|b| b.contains("fresh tape"))
    );

    let drafts = json(outpost(dir.path()).args(["list", "--status", "draft", "--json"]));
    assert!(
        drafts
            .as_array()
            .expect("array")
            .iter()
            .any(|a| a["id"] == id.as_str())
    );
    let hits = json(outpost(dir.path()).args(["search", "fresh", "tape", "--json"]));
    assert_eq!(
        hits[0]["id"],
        id.as_str(),
        "the author finds their own draft"
    );

    outpost(dir.path()).args(["retire", &id]).assert().success();
    let hits = json(outpost(dir.path()).args(["search", "fresh", "tape", "--json"]));
    assert_eq!(hits.as_array().map(Vec::len), Some(0));
    outpost(dir.path())
        .args(["show", &id])
        .assert()
        .success()
        .stdout(contains("retired"));
}

#[test]
fn categories_lists_the_knowledge_map() {
    let dir = demo_node();
    let cats = json(outpost(dir.path()).args(["categories", "--json"]));
    let cats = cats.as_array().expect("array");
    assert!(cats.len() >= 47);
    let timber = cats
        .iter()
        .find(|c| c["id"] == "commodity/timber-wood")
        .expect("timber");
    assert_eq!(timber["parent"], "commodity");
    assert!(timber["name"].as_str().is_some_and(|n| !n.is_empty()));
}

#[test]
fn markdown_round_trip_through_the_binary_gives_identical_files() {
    let dir = demo_node();
    let out1 = tempfile::tempdir().expect("tempdir");
    outpost(dir.path())
        .arg("export-md")
        .arg(out1.path())
        .assert()
        .success();
    let fresh = tempfile::tempdir().expect("tempdir");
    outpost(fresh.path())
        .args(["init", "--office", "HQ2", "--hq"])
        .assert()
        .success();
    outpost(fresh.path())
        .arg("import-md")
        .arg(out1.path())
        .arg("--publish")
        .assert()
        .success();
    let out2 = tempfile::tempdir().expect("tempdir");
    outpost(fresh.path())
        .arg("export-md")
        .arg(out2.path())
        .assert()
        .success();
    let mut count = 0;
    for entry in std::fs::read_dir(out1.path()).expect("read") {
        let path = entry.expect("entry").path();
        let other = out2.path().join(path.file_name().expect("name"));
        assert_eq!(
            std::fs::read(&path).ok(),
            std::fs::read(&other).ok(),
            "{}",
            path.display()
        );
        count += 1;
    }
    assert!(count >= 40);
}

#[test]
fn import_md_refuses_a_bad_directory_and_changes_nothing() {
    let dir = demo_node();
    let before = state_hash(dir.path());
    let md = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        md.path().join("ok.md"),
        "---\ntitle: Fine\ncategory: commodity\n---\nok\n",
    )
    .expect("write");
    std::fs::write(
        md.path().join("bad.md"),
        "---\ntitle: Bad\ncategory: nowhere\n---\n",
    )
    .expect("write");
    outpost(dir.path())
        .arg("import-md")
        .arg(md.path())
        .assert()
        .failure()
        .stderr(
            contains("bad.md: unknown category `nowhere`").and(contains("nothing was imported")),
        );
    assert_eq!(state_hash(dir.path()), before);
}

#[test]
fn bad_article_input_gets_a_clear_error_and_changes_nothing() {
    let dir = demo_node();
    let before = state_hash(dir.path());
    let cases: &[(&[&str], &str)] = &[
        (
            &["add", "--title", "T", "--category", "nowhere"],
            "unknown category `nowhere`",
        ),
        (
            &["add", "--title", "  ", "--category", "commodity"],
            "the title is empty",
        ),
        (
            &[
                "add",
                "--title",
                "T",
                "--category",
                "commodity",
                "--hs",
                "12345",
            ],
            "`12345` is not an HS code",
        ),
        (
            &["show", "no-such-article"],
            "article `no-such-article` not found",
        ),
        (&["edit", "no-such-article", "--title", "X"], "not found"),
        (&["retire", "no-such-article"], "not found"),
        (
            &[
                "add",
                "--title",
                "T",
                "--category",
                "commodity",
                "--review-by",
                "tomorrow",
            ],
            "is not a date",
        ),
    ];
    for (args, message) in cases {
        outpost(dir.path())
            .args(*args)
            .write_stdin("")
            .assert()
            .failure()
            .stderr(contains(*message));
    }
    let binary = dir.path().join("binary.md");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).expect("write");
    outpost(dir.path())
        .args([
            "add",
            "--title",
            "T",
            "--category",
            "commodity",
            "--body-file",
        ])
        .arg(&binary)
        .assert()
        .failure()
        .stderr(contains("not UTF-8"));
    assert_eq!(state_hash(dir.path()), before);
}

#[test]
fn init_refuses_an_existing_node_and_a_file_as_data_dir() {
    let dir = demo_node();
    let before = state_hash(dir.path());
    outpost(dir.path())
        .args(["init", "--office", "Again"])
        .assert()
        .failure()
        .stderr(contains("already exists"));
    assert_eq!(state_hash(dir.path()), before);

    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    outpost(&file)
        .args(["init", "--office", "X"])
        .assert()
        .failure()
        .stderr(contains("is a file, not a directory"));
    outpost(&file)
        .args(["list"])
        .assert()
        .failure()
        .stderr(contains("is a file"));
    let empty = tempfile::tempdir().expect("tempdir");
    outpost(empty.path())
        .args(["list"])
        .assert()
        .failure()
        .stderr(contains("outpost init"));
}

#[test]
fn a_node_held_open_by_another_process_is_shared_not_refused() {
    let dir = demo_node();
    let _held = outpost::Replica::open(&outpost::core::DataDir::new(dir.path())).expect("open");
    outpost(dir.path()).args(["list"]).assert().success();
    outpost(dir.path())
        .args(["add", "--title", "Beside", "--category", "commodity"])
        .write_stdin("body")
        .assert()
        .success();
}

#[test]
fn the_acting_user_comes_from_flag_env_or_the_only_account() {
    let dir = demo_node();
    outpost(dir.path())
        .args([
            "--user",
            "nobody",
            "add",
            "--title",
            "T",
            "--category",
            "commodity",
        ])
        .write_stdin("")
        .assert()
        .failure()
        .stderr(contains("no account `nobody`"));
    outpost(dir.path())
        .env("OUTPOST_USER", "admin")
        .args(["add", "--title", "T", "--category", "commodity"])
        .write_stdin("")
        .assert()
        .success();
}

#[test]
fn check_passes_and_reindex_rebuilds_a_deleted_index() {
    let dir = demo_node();
    let report = json(outpost(dir.path()).args(["check", "--json"]));
    assert_eq!(report["ok"], true);
    assert_eq!(report["state_hash"].as_str().map(str::len), Some(64));
    std::fs::remove_dir_all(dir.path().join("index")).expect("remove index");
    let hits = json(outpost(dir.path()).args(["search", "timber", "--json"]));
    assert_eq!(
        hits[0]["id"], "timber-inspection-land-border",
        "a missing index is rebuilt on open"
    );
    outpost(dir.path())
        .arg("reindex")
        .assert()
        .success()
        .stdout(contains("Reindexed"));
    let report = json(outpost(dir.path()).args(["check", "--json"]));
    assert_eq!(report["ok"], true);
}

#[test]
fn without_a_terminal_plain_outpost_prints_a_hint_and_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    outpost(dir.path())
        .assert()
        .code(2)
        .stderr(contains("no terminal"));
    assert!(
        !dir.path().join("outpost.redb").exists(),
        "nothing was created"
    );
}

/// Ids of demo articles whose title or body contains `word`.
fn demo_ids_containing(word: &str) -> std::collections::BTreeSet<String> {
    outpost::demo::files()
        .into_iter()
        .filter_map(|(_, bytes)| {
            let parsed = outpost::markdown::parse(&bytes).ok()?;
            let c = &parsed.content;
            (c.title.contains(word) || c.body.contains(word) || c.summary.contains(word))
                .then(|| parsed.id.map(|id| id.to_string()))
                .flatten()
        })
        .collect()
}

#[test]
fn thai_korean_and_misspelt_searches_find_every_demo_article_with_the_word() {
    let dir = demo_node();
    for word in ["ศุลกากร", "ใบขนสินค้า", "세관", "통관"] {
        let expected = demo_ids_containing(word);
        assert!(!expected.is_empty(), "no demo article contains {word}");
        // The word's own matches: the glossary would add articles in the other languages.
        let hits = json(outpost(dir.path()).args([
            "search",
            word,
            "--limit",
            "100",
            "--json",
            "--no-glossary",
        ]));
        let found: std::collections::BTreeSet<String> = hits
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|h| h["id"].as_str().map(String::from))
            .collect();
        assert_eq!(found, expected, "search {word}");
    }
    let hits = json(outpost(dir.path()).args(["search", "valuaton", "--json"]));
    let ids: Vec<&str> = hits
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect();
    assert!(
        ids.contains(&"used-vehicle-valuation"),
        "typo search found {ids:?}"
    );
}

#[test]
fn hs_looks_up_codes_and_searches_descriptions() {
    let dir = demo_node();
    let found = json(outpost(dir.path()).args(["hs", "0901.21", "--json"]));
    let chain: Vec<&str> = found["chain"]
        .as_array()
        .expect("chain")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert_eq!(chain, ["09", "0901", "0901.21"]);
    let found = json(outpost(dir.path()).args(["hs", "cofee", "--json"]));
    assert!(
        found
            .as_array()
            .expect("array")
            .iter()
            .any(|e| e["code"].as_str().is_some_and(|c| c.starts_with("0901")))
    );
    outpost(dir.path())
        .args(["hs", "4403.92"])
        .assert()
        .failure()
        .stderr(contains("not in the HS 2022 nomenclature").and(contains("4403.91")));
    let out = json(outpost(dir.path()).args(["search", "teak", "--json", "--hs-suggestions"]));
    assert!(out["hits"].is_array());
    assert!(
        out["hs_suggestions"]
            .as_array()
            .expect("suggestions")
            .iter()
            .any(|e| e["code"] == "4403.42")
    );
}

#[test]
fn an_hs_code_missing_from_the_nomenclature_is_refused_with_the_nearest_codes() {
    let dir = demo_node();
    let before = state_hash(dir.path());
    outpost(dir.path())
        .args([
            "add",
            "--title",
            "T",
            "--category",
            "commodity",
            "--hs",
            "4403.92",
        ])
        .write_stdin("")
        .assert()
        .failure()
        .stderr(contains("nearest: 4403.91"));
    assert_eq!(state_hash(dir.path()), before);
    // A national 8-digit extension of a real subheading is fine.
    outpost(dir.path())
        .args([
            "add",
            "--title",
            "T",
            "--category",
            "commodity",
            "--hs",
            "4403.49.10",
        ])
        .write_stdin("")
        .assert()
        .success();
    let shown = json(outpost(dir.path()).args(["show", "timber-inspection-land-border", "--json"]));
    assert!(
        shown["hs"][0]["description"]
            .as_str()
            .is_some_and(|d| d.contains("Wood"))
    );
}
