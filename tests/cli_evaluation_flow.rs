//! Two-step evaluation through the binary as the work really flows: an officer at post A
//! submits; a bundle carries it to HQ; step 1 at HQ; step 2 by evaluators at HQ, at post A and
//! at post B, whose bundles arrive in an order other than the order they voted; one return, a
//! revised resubmission, then published — found by search at all three nodes, with equal
//! `state_hash`.

use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

use crate::cli_market::{PASSWORD, add_user, json, outpost, state_hash, text};

const CATEGORY: &str = "clearance";

fn init(dir: &Path, args: &[&str], from: Option<&Path>) {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(dir)
        .arg("init")
        .args(args)
        .arg("--password-stdin");
    if let Some(file) = from {
        cmd.arg("--from").arg(file);
    }
    cmd.write_stdin(format!("{PASSWORD}\n")).assert().success();
}

/// Carries everything `from` has for `to_office` to `to` by a bundle file.
fn carry(from: &Path, to_office: &str, to: &Path, usb: &Path) {
    crate::cli_market::carry(from, to_office, to, usb, &[]);
}

fn evaluation(dir: &Path, id: &str) -> Value {
    json(outpost(dir, "admin").args(["show", id, "--json"]))["evaluation"].clone()
}

#[test]
fn a_submission_from_post_a_is_evaluated_at_three_nodes_returned_revised_and_published() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (hq, a, b, usb) = (
        tmp.path().join("hq"),
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("usb"),
    );
    std::fs::create_dir_all(&usb).expect("usb");
    init(&hq, &["--office", "HQ", "--hq"], None);
    for (office, dir) in [("Post A", &a), ("Post B", &b)] {
        let file = usb.join(format!("{office}.enrol"));
        outpost(&hq, "admin")
            .args(["node", "enrol", "--office", office, "--out"])
            .arg(&file)
            .assert()
            .success();
        init(dir, &[], Some(&file));
    }
    add_user(&a, "lek");
    add_user(&a, "ea");
    add_user(&b, "eb");
    add_user(&hq, "s1");
    add_user(&hq, "e1");
    carry(&a, "HQ", &hq, &usb);
    carry(&b, "HQ", &hq, &usb);
    // Evaluator rights are HQ's to grant; they travel to the posts (step 2 needs 3 by default).
    for person in ["s1@HQ", "e1@HQ", "ea@Post A", "eb@Post B"] {
        outpost(&hq, "admin")
            .args(["role", "grant", person, "evaluator", "--category", CATEGORY])
            .assert()
            .success();
    }
    carry(&hq, "Post A", &a, &usb);
    carry(&hq, "Post B", &b, &usb);

    // Post A: lek writes and submits.
    let added = json(
        outpost(&a, "lek")
            .args(["add", "--title", "Seal checks at the river crossing"])
            .args(["--category", CATEGORY, "--json"])
            .write_stdin("Check the seal number against the manifest.\n"),
    );
    let id = text(&added["id"]);
    outpost(&a, "lek")
        .args(["submit", &id, "--note", "first draft"])
        .assert()
        .success()
        .stdout(contains("step 1"));
    carry(&a, "HQ", &hq, &usb);

    // Step 1 at HQ, then HQ's bundles reach both posts.
    let queue = json(outpost(&hq, "s1").args(["review", "queue", "--json"]));
    assert_eq!(queue[0]["article"], id.as_str(), "{queue}");
    assert_eq!(queue[0]["submitted_by"], "lek@Post A");
    outpost(&hq, "s1")
        .args(["review", "approve", &id, "--comment", "right place"])
        .assert()
        .success()
        .stdout(contains("step 2"));
    carry(&hq, "Post A", &a, &usb);
    carry(&hq, "Post B", &b, &usb);

    // Step 2, first round: post B approves, HQ returns it with a comment.
    outpost(&b, "eb")
        .args(["review", "approve", &id])
        .assert()
        .success();
    outpost(&hq, "e1")
        .args(["review", "return", &id, "--comment", "name the seal types"])
        .assert()
        .success();
    carry(&b, "HQ", &hq, &usb);
    carry(&hq, "Post A", &a, &usb);
    let at_a = evaluation(&a, &id);
    assert_eq!(at_a["state"], "returned", "{at_a}");
    assert!(at_a.to_string().contains("name the seal types"), "{at_a}");

    // The author revises and resubmits; the votes were for the old text.
    outpost(&a, "lek")
        .args(["edit", &id, "--body-file", "-"])
        .write_stdin(
            "Check the seal number and the seal type (bolt, cable) against the manifest.\n",
        )
        .assert()
        .success();
    outpost(&a, "lek")
        .args(["submit", &id, "--note", "seal types named"])
        .assert()
        .success();
    carry(&a, "HQ", &hq, &usb);
    if evaluation(&hq, &id)["state"] == "step-1" {
        outpost(&hq, "s1")
            .args(["review", "approve", &id])
            .assert()
            .success();
    }
    assert_eq!(evaluation(&hq, &id)["state"], "step-2");
    carry(&hq, "Post A", &a, &usb);
    carry(&hq, "Post B", &b, &usb);

    // Step 2, second round: HQ votes first, then A, then B; HQ hears B before A.
    outpost(&hq, "e1")
        .args(["review", "approve", &id])
        .assert()
        .success();
    outpost(&a, "ea")
        .args(["review", "approve", &id])
        .assert()
        .success();
    outpost(&b, "eb")
        .args(["review", "approve", &id])
        .assert()
        .success();
    carry(&b, "HQ", &hq, &usb);
    assert_eq!(
        evaluation(&hq, &id)["state"],
        "step-2",
        "two of three so far"
    );
    carry(&a, "HQ", &hq, &usb);
    let at_hq = json(outpost(&hq, "admin").args(["show", &id, "--json"]));
    assert_eq!(at_hq["status"], "published", "{at_hq}");
    assert_eq!(at_hq["evaluation"]["state"], "published");

    carry(&hq, "Post A", &a, &usb);
    carry(&hq, "Post B", &b, &usb);
    for dir in [&hq, &a, &b] {
        let hits = json(outpost(dir, "admin").args(["search", "seal", "types", "--json"]));
        assert!(hits.to_string().contains(&id), "{hits}");
        assert_eq!(evaluation(dir, &id)["state"], "published");
    }
    let hashes: Vec<String> = [&hq, &a, &b].iter().map(|d| state_hash(d)).collect();
    assert_eq!(hashes[0], hashes[1]);
    assert_eq!(hashes[0], hashes[2]);
}
