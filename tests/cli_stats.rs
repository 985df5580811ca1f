//! `outpost stats` through the binary: the figures as JSON and text, `--since`, and the HTML
//! report written as one file.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::PredicateBooleanExt;
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
    serde_json::from_slice(&out).expect("JSON")
}

#[test]
fn stats_count_articles_contributions_and_communities_as_json_text_and_html() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path().join("hq");
    outpost(&d)
        .args(["init", "--office", "HQ", "--hq"])
        .assert()
        .success();
    for (title, category, publish) in [
        ("Seals", "clearance", true),
        ("Teak", "commodity", true),
        ("Draft", "commodity", false),
    ] {
        let mut add = outpost(&d);
        add.args(["add", "--title", title, "--category", category]);
        if publish {
            add.arg("--publish");
        }
        add.write_stdin("Body.\n").assert().success();
    }
    outpost(&d)
        .args(["cop", "create", "Timber"])
        .assert()
        .success();

    let stats = json(outpost(&d).args(["stats", "--json"]));
    assert_eq!(
        stats["articles"]["total"], 3,
        "the admin's own draft counts for the admin"
    );
    assert_eq!(stats["articles"]["by_category"]["commodity"], 2);
    assert_eq!(stats["articles"]["by_status"]["published"], 2);
    assert_eq!(stats["articles"]["by_status"]["draft"], 1);
    assert_eq!(stats["contributions"]["by_person"]["admin@HQ"], 2);
    assert_eq!(stats["communities"]["communities"], 1);
    assert_eq!(stats["communities"]["members"], 1);
    assert_eq!(stats["questions"]["asked"], 0);
    assert!(stats["questions"]["median_hours_to_answer"].is_null());

    let later = json(outpost(&d).args(["stats", "--since", "2999-01-01", "--json"]));
    assert_eq!(later["articles"]["total"], 0);

    outpost(&d)
        .args(["stats"])
        .assert()
        .success()
        .stdout(contains("Articles: 3").and(contains("Communities of practice: 1")));

    let report = tmp.path().join("km-report.html");
    outpost(&d)
        .args(["stats", "--html"])
        .arg(&report)
        .assert()
        .success()
        .stdout(contains("Wrote"));
    let html = std::fs::read_to_string(&report).expect("the report");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.matches("<svg").count() >= 4, "a chart per breakdown");
    assert!(!html.contains("<script"));
}

#[test]
fn a_report_into_a_missing_folder_fails_and_says_where() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path().join("hq");
    outpost(&d)
        .args(["init", "--office", "HQ", "--hq"])
        .assert()
        .success();
    outpost(&d)
        .args(["stats", "--html"])
        .arg(tmp.path().join("no-such-folder").join("r.html"))
        .assert()
        .failure()
        .stderr(contains("no-such-folder"));
}
