//! The demo node plain `outpost` makes on an empty data directory: marked as a demo, and
//! replaced by a real node in one confirmed step that keeps its drafts as Markdown.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

use outpost::core::{DataDir, NewArticle};

fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

/// The demo node, as plain `outpost` makes it, with one draft written in it.
fn demo_with_a_draft(dir: &Path) {
    let data = DataDir::new(dir);
    let mut replica = outpost::demo::create(&data).expect("demo");
    let user = replica.resolve_user(None).expect("the demo's account");
    replica
        .add_article(
            &user,
            NewArticle {
                id: None,
                content: crate::common::content(
                    "Fuel tank false bottoms",
                    "enforcement",
                    "Tap the tank.",
                ),
                publish: false,
            },
        )
        .expect("draft");
}

#[test]
fn the_demo_says_it_is_one_and_init_replaces_it_only_when_confirmed_keeping_its_drafts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("outpost");
    demo_with_a_draft(&dir);
    outpost(&dir)
        .args(["sync", "status"])
        .assert()
        .success()
        .stdout(contains("This is the demo knowledge base"));
    let status = outpost(&dir)
        .args(["sync", "status", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let status: serde_json::Value = serde_json::from_slice(&status).expect("JSON");
    assert_eq!(status["demo"], true);

    // Without a terminal to ask on and without the flag: refused, the demo untouched.
    outpost(&dir)
        .args(["init", "--office", "Mae Sai"])
        .assert()
        .failure()
        .stderr(contains(
            "holds the demo knowledge base: add --replace-demo",
        ));
    assert!(outpost::demo::is_demo(&DataDir::new(&dir)));

    // A real HQ elsewhere enrols the post; `init --from` replaces the demo in one step.
    let hq = tmp.path().join("hq");
    outpost(&hq)
        .args(["init", "--office", "HQ", "--hq"])
        .assert()
        .success();
    let enrol = tmp.path().join("mae-sai.enrol");
    outpost(&hq)
        .args(["node", "enrol", "--office", "Mae Sai", "--out"])
        .arg(&enrol)
        .assert()
        .success();
    let drafts = tmp.path().join("outpost-demo-drafts");
    outpost(&dir)
        .args(["init", "--replace-demo", "--from"])
        .arg(&enrol)
        .assert()
        .success()
        .stdout(contains("Replaced the demo. Its 1 draft(s) are in"))
        .stdout(contains(drafts.display().to_string()))
        .stdout(contains("enrolled by HQ"));
    let files: Vec<String> = std::fs::read_dir(&drafts)
        .expect("drafts folder")
        .filter_map(|e| e.ok())
        .map(|e| std::fs::read_to_string(e.path()).expect("markdown"))
        .collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].contains("Fuel tank false bottoms"), "{}", files[0]);
    assert!(!outpost::demo::is_demo(&DataDir::new(&dir)));
    outpost(&dir)
        .args(["sync", "status"])
        .assert()
        .success()
        .stdout(predicates::str::contains("demo").not());
}

#[test]
fn a_real_node_is_never_replaced_by_the_demo_flag() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("outpost");
    outpost(&dir)
        .args(["init", "--office", "HQ", "--hq", "--demo"])
        .assert()
        .success();
    outpost(&dir)
        .args(["init", "--office", "Mae Sai", "--replace-demo"])
        .assert()
        .failure()
        .stderr(contains("already"));
}
