//! A database file changed underneath Outpost: one byte of one stored op flipped in
//! `outpost.redb` itself (not through any API), and `outpost check` names that op — its node
//! and number, its signature, the link the next op holds to it — and nothing else changed.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use outpost::core::DataDir;
use outpost::model::NodeId;
use serde_json::Value;

fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(dir)
        .timeout(Duration::from_secs(120));
    cmd
}

fn add(dir: &Path, id: &str, body: &str) {
    outpost(dir)
        .args(["add", "--id", id, "--title", id, "--category", "commodity"])
        .write_stdin(body)
        .assert()
        .success();
}

fn check(dir: &Path) -> Value {
    let out = outpost(dir)
        .args(["check", "--json"])
        .output()
        .expect("check");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// Every place `needle` occurs in `haystack`.
fn places(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(at, _)| at)
        .collect()
}

#[test]
fn a_byte_flipped_in_a_stored_op_is_reported_as_that_op_and_nothing_else_changes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("hq");
    outpost(&dir)
        .args(["init", "--office", "HQ", "--hq"])
        .assert()
        .success();
    add(
        &dir,
        "bolt-seals",
        "Check the bolt seal number against the manifest.",
    );
    add(&dir, "timber", "Teak logs need a permit.");
    let before = check(&dir);
    assert_eq!(before["ok"], true, "{before}");

    // The op that created `bolt-seals`, exactly as the store holds it.
    let (node, seq, encoded) = {
        let replica = outpost::Replica::open_read_only(&DataDir::new(&dir)).expect("open");
        let op = replica
            .ops_missing_at(NodeId([0; 16]))
            .expect("ops")
            .into_iter()
            .find(|op| {
                op.op
                    .payload
                    .article()
                    .is_some_and(|a| a.as_str() == "bolt-seals")
            })
            .expect("the op creating bolt-seals");
        (op.op.node, op.op.seq, op.encode())
    };
    let file = dir.join("outpost.redb");
    let mut bytes = std::fs::read(&file).expect("database file");
    // Copy-on-write may leave stale copies of the page in free space: flip the byte in each.
    let found = places(&bytes, &encoded);
    assert!(!found.is_empty(), "the op's bytes are in the file");
    // One letter of the body ("bolt" → "colt"), inside the op's encoding.
    let letter = places(&encoded, b"bolt seal")[0];
    for at in &found {
        bytes[at + letter] ^= 0x01;
    }
    std::fs::write(&file, &bytes).expect("write the damaged file");
    let damaged = std::fs::read(&file).expect("read");

    let report = check(&dir);
    assert_eq!(report["ok"], false, "{report}");
    let problems: Vec<&str> = report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let short = node.short();
    // The op whose bytes changed: its signature no longer verifies.
    assert_eq!(
        problems[0],
        format!(
            "the store is damaged or unreadable: op {seq} of node {short} has an invalid signature"
        ),
        "{problems:?}"
    );
    // The next op names the original's hash: the chain breaks there, and a replay stops there.
    assert_eq!(
        problems[1],
        format!("hash chain of node {short} is broken at op {}", seq + 1),
        "{problems:?}"
    );
    assert!(
        problems[2].starts_with(&format!("replaying op {} of node {short} fails", seq + 1))
            && problems[2].ends_with("(hash chain broken)"),
        "{problems:?}"
    );
    // Replaying the altered op gives another body than the one stored.
    assert!(
        problems[3].starts_with("replaying the log does not reproduce the stored articles"),
        "{problems:?}"
    );
    assert_eq!(problems.len(), 4, "{problems:?}");
    // The materialized tables were not touched: the same state, the same ops and articles.
    assert_eq!(report["state_hash"], before["state_hash"]);
    assert_eq!(report["ops"], before["ops"]);
    assert_eq!(report["articles"], before["articles"]);
    // `check` changed nothing in the file, and the text command exits non-zero naming the op.
    outpost(&dir)
        .arg("check")
        .assert()
        .failure()
        .stdout(predicates::str::contains(format!(
            "op {seq} of node {short} has an invalid signature"
        )));
    assert_eq!(std::fs::read(&file).expect("read"), damaged);
    // What was stored is still what readers see: the damage is reported, not spread.
    let shown = outpost(&dir)
        .args(["show", "bolt-seals"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&shown).contains("bolt seal"));
}
