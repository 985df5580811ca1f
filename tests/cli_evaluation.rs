//! Two-step evaluation through the binary: submit, the queue as JSON, votes, a refusal with
//! its message, HQ's policy, and `show --json`'s evaluation.

use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

/// Every account of the test's node has this password: a node of several accounts needs one.
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

#[test]
fn an_article_is_submitted_queued_refused_to_its_author_evaluated_and_published() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mut init = Command::cargo_bin("outpost").expect("binary");
    init.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(d)
        .args(["init", "--office", "HQ", "--hq", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    outpost(d, "admin")
        .args(["user", "add", "lek", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    for evaluator in ["s1", "e1"] {
        outpost(d, "admin")
            .args([
                "user",
                "add",
                evaluator,
                "--role",
                "evaluator",
                "--password-stdin",
            ])
            .write_stdin(format!("{PASSWORD}\n"))
            .assert()
            .success();
    }
    let added = json(
        outpost(d, "lek")
            .args([
                "add",
                "--title",
                "Seal checks",
                "--category",
                "clearance",
                "--json",
            ])
            .write_stdin("Check the seal number.\n"),
    );
    let id = added["id"].as_str().expect("id").to_string();

    outpost(d, "lek")
        .args(["submit", &id, "--note", "please review"])
        .assert()
        .success()
        .stdout(contains("step 1"));
    let queue = json(outpost(d, "s1").args(["review", "queue", "--json"]));
    assert_eq!(queue[0]["article"], id.as_str());
    assert_eq!(queue[0]["step"], 1);
    assert_eq!(queue[0]["submitted_by"], "lek@HQ");
    assert!(queue[0].get("waited_minutes").is_some());

    outpost(d, "lek")
        .args(["review", "approve", &id])
        .assert()
        .failure()
        .stderr(contains("nobody evaluates their own work"));
    outpost(d, "s1")
        .args(["review", "approve", &id, "--comment", "right place"])
        .assert()
        .success()
        .stdout(contains("step 2"));
    outpost(d, "s1")
        .args(["review", "approve", &id])
        .assert()
        .failure()
        .stderr(contains("step-1 evaluator"));
    let queue = json(outpost(d, "s1").args(["review", "queue", "--json"]));
    assert_eq!(queue, Value::Array(vec![]));

    outpost(d, "admin")
        .args([
            "policy",
            "set",
            "evaluation.step2-approvals",
            "1",
            "--category",
            "clearance",
        ])
        .assert()
        .success();
    outpost(d, "e1")
        .args(["review", "approve", &id])
        .assert()
        .success()
        .stdout(contains("published"));
    let shown = json(outpost(d, "admin").args(["show", &id, "--json"]));
    assert_eq!(shown["status"], "published");
    assert_eq!(shown["evaluation"]["state"], "published");
    assert_eq!(shown["evaluation"]["published_by"][0], "e1@HQ");
    assert_eq!(
        shown["evaluation"]["votes"].as_array().map(Vec::len),
        Some(3)
    );
}
