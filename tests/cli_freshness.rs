//! Freshness and required reading through the binary: stale, flag, confirm, supersede (search
//! and show point to the successor), require, ack and ack report, each with `--json`; bad
//! input and refused rules exit non-zero with a message and change nothing.

use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

const PASSWORD: &str = "seal-check-2026";

fn outpost(dir: &Path, user: &str) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .env("OUTPOST_PASSWORD", PASSWORD)
        .arg("--data-dir")
        .arg(dir)
        .args(["--user", user]);
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("valid JSON")
}

fn state_hash(dir: &Path) -> String {
    json(outpost(dir, "admin").args(["check", "--json"]))["state_hash"]
        .as_str()
        .expect("hash")
        .to_string()
}

/// Runs a command that must fail with `message`, and checks nothing changed.
fn refused(dir: &Path, user: &str, args: &[&str], message: &str) {
    let before = state_hash(dir);
    outpost(dir, user)
        .args(args)
        .assert()
        .failure()
        .stderr(contains(message));
    assert_eq!(state_hash(dir), before, "{args:?} changed nothing");
}

fn node() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    Command::cargo_bin("outpost")
        .expect("binary")
        .env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(d)
        .args(["init", "--office", "HQ", "--hq", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    for (name, role) in [("lek", "officer"), ("eva", "evaluator")] {
        outpost(d, "admin")
            .args(["user", "add", name, "--role", role, "--password-stdin"])
            .write_stdin(format!("{PASSWORD}\n"))
            .assert()
            .success();
    }
    outpost(d, "admin")
        .args([
            "role",
            "grant",
            "eva@HQ",
            "evaluator",
            "--category",
            "clearance",
        ])
        .assert()
        .success();
    dir
}

fn published(dir: &Path, title: &str) -> String {
    let added = json(
        outpost(dir, "admin")
            .args([
                "add",
                "--title",
                title,
                "--category",
                "clearance",
                "--kind",
                "procedure",
                "--publish",
                "--json",
            ])
            .write_stdin("Check the seal number.\n"),
    );
    added["id"].as_str().expect("id").to_string()
}

#[test]
fn flag_confirm_and_supersede_through_the_binary() {
    let dir = node();
    let d = dir.path();
    let old = published(d, "Seal checks");
    let new = published(d, "Seal checks, revised");
    assert_eq!(
        json(outpost(d, "lek").args(["stale", "--json"])),
        Value::Array(vec![])
    );

    let f = json(outpost(d, "lek").args(["flag", &old, "--reason", "the form changed", "--json"]));
    assert_eq!(f["owner"], "admin@HQ");
    assert_eq!(f["flags"][0]["reason"], "the form changed");
    let stale = json(outpost(d, "lek").args(["stale", "--json"]));
    assert_eq!(stale[0]["article"], old.as_str());
    assert_eq!(stale[0]["due"], "ok");
    let mine = json(outpost(d, "admin").args(["stale", "--mine", "--json"]));
    assert_eq!(mine.as_array().map(Vec::len), Some(1));
    assert_eq!(
        json(outpost(d, "lek").args(["stale", "--mine", "--json"])),
        Value::Array(vec![])
    );

    refused(d, "lek", &["confirm", &old], "only the owner");
    refused(d, "lek", &["flag", &old, "--reason", " "], "--reason");
    refused(
        d,
        "lek",
        &["flag", "no-such-article", "--reason", "x"],
        "no-such-article",
    );
    let f = json(outpost(d, "eva").args(["confirm", &old, "--json"]));
    assert_eq!(f["flags"], Value::Array(vec![]));
    assert!(
        f["confirmed"]
            .as_str()
            .is_some_and(|c| c.starts_with("eva@HQ"))
    );

    refused(
        d,
        "lek",
        &["supersede", &old, "--by", &new],
        "may not supersede",
    );
    refused(d, "eva", &["supersede", &old, "--by", &old], "itself");
    refused(
        d,
        "eva",
        &["supersede", &old, "--by", "nosuchid9"],
        "nosuchid9",
    );
    let f = json(outpost(d, "eva").args(["supersede", &old, "--by", &new, "--json"]));
    assert_eq!(f["superseded_by"], new.as_str());
    refused(d, "eva", &["supersede", &new, "--by", &old], "cycle");

    let hits = json(outpost(d, "lek").args(["search", "seal", "--json"]));
    let hit = |id: &str| {
        hits.as_array()
            .and_then(|h| h.iter().find(|h| h["id"] == id))
            .cloned()
            .expect("found")
    };
    assert_eq!(hit(&old)["superseded_by"], new.as_str());
    assert_eq!(hit(&new)["superseded_by"], Value::Null);
    outpost(d, "lek")
        .args(["search", "seal"])
        .assert()
        .success()
        .stdout(contains(format!("superseded by {new}")));
    let shown = json(outpost(d, "lek").args(["show", &old, "--json"]));
    assert_eq!(shown["freshness"]["superseded_by"], new.as_str());
    assert_eq!(shown["freshness"]["owner"], "admin@HQ");
    assert!(
        shown["freshness"]["review_by"]
            .as_str()
            .is_some_and(|d| d.len() == 10)
    );
    outpost(d, "lek")
        .args(["show", &old])
        .assert()
        .success()
        .stdout(contains(format!("SUPERSEDED by {new}")));

    refused(
        d,
        "admin",
        &["policy", "set", "freshness.review-months.procedure", "0"],
        "between 1 and 120",
    );
    outpost(d, "admin")
        .args(["policy", "set", "freshness.review-months.procedure", "1"])
        .assert()
        .success();
}

#[test]
fn require_ack_and_the_report_through_the_binary() {
    let dir = node();
    let d = dir.path();
    let circular = published(d, "Code of conduct");

    refused(
        d,
        "admin",
        &[
            "require",
            &circular,
            "--role",
            "officer",
            "--by",
            "2026-13-01",
        ],
        "YYYY-MM-DD",
    );
    refused(
        d,
        "admin",
        &[
            "require",
            &circular,
            "--office",
            "Atlantis",
            "--by",
            "2099-01-01",
        ],
        "no known office",
    );
    refused(
        d,
        "lek",
        &[
            "require",
            &circular,
            "--role",
            "officer",
            "--by",
            "2099-01-01",
        ],
        "administrator at HQ",
    );
    outpost(d, "admin")
        .args([
            "require",
            &circular,
            "--office",
            "HQ",
            "--role",
            "officer",
            "--by",
            "2099-01-01",
        ])
        .assert()
        .failure();
    let r = json(outpost(d, "admin").args([
        "require",
        &circular,
        "--role",
        "officer",
        "--by",
        "2099-01-01",
        "--json",
    ]));
    assert_eq!(r["requirements"][0], "role officer by 2099-01-01");

    let todo = json(outpost(d, "lek").args(["ack", "--json"]));
    assert_eq!(todo[0]["article"], circular.as_str());
    assert_eq!(todo[0]["acknowledged"], Value::Null);
    refused(d, "eva", &["ack", &circular], "not required of eva@HQ");
    let done = json(outpost(d, "lek").args(["ack", &circular, "--json"]));
    assert!(done["required_reading"][0]["acknowledged"].is_string());
    refused(d, "lek", &["ack", &circular], "already acknowledged");

    let report = json(outpost(d, "admin").args(["ack", "report", "--json"]));
    assert_eq!(report[0]["office"], "HQ");
    assert_eq!(
        (
            report[0]["required"].as_u64(),
            report[0]["acknowledged"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(report[0]["people"][0]["person"], "lek@HQ");
    outpost(d, "admin")
        .args(["ack", "report", "--office", "hq"])
        .assert()
        .success()
        .stdout(contains("HQ: 1 of 1 acknowledged"));
    refused(
        d,
        "admin",
        &["ack", "report", "--office", "Atlantis"],
        "no known office",
    );
}
