//! `outpost backup` and `outpost restore` through the binary: a round trip gives the same state;
//! a backup taken while another process holds the node open and writes to it is whole; a
//! truncated or damaged backup, or one of another node, is refused and changes nothing;
//! `--as-new-node` keeps another node's history under a new key.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

use crate::common::{admin, content, new_article};

fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(dir)
        .timeout(Duration::from_secs(180));
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("JSON")
}

fn check(dir: &Path) -> Value {
    json(outpost(dir).args(["check", "--json"]))
}

fn node_id(dir: &Path) -> String {
    let nodes = json(outpost(dir).args(["node", "list", "--json"]));
    let this = nodes
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["role"] == "this node")
        .cloned()
        .unwrap_or_else(|| panic!("no node marked as this one: {nodes}"));
    this["node"].as_str().expect("id").to_string()
}

struct Site {
    tmp: tempfile::TempDir,
    hq: PathBuf,
}

impl Site {
    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }
}

/// An HQ node with two articles, one published.
fn site() -> Site {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hq = tmp.path().join("hq");
    outpost(&hq)
        .args(["init", "--office", "HQ", "--hq"])
        .assert()
        .success();
    outpost(&hq)
        .args([
            "add",
            "--id",
            "teak-logs",
            "--title",
            "Teak logs",
            "--publish",
        ])
        .args(["--category", "commodity"])
        .write_stdin("Teak logs need a CITES permit.")
        .assert()
        .success();
    outpost(&hq)
        .args(["add", "--id", "seal-check", "--title", "Seal check"])
        .args(["--category", "commodity"])
        .write_stdin("Compare the seal number with the manifest.")
        .assert()
        .success();
    Site { tmp, hq }
}

/// Every file of a data directory (but the search index, a cache) with the BLAKE3 of its bytes.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| {
                let bytes = std::fs::read(e.path()).expect("read");
                let name = e.file_name().to_string_lossy().to_string();
                (name, blake3::hash(&bytes).to_hex().to_string())
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

#[test]
fn a_backup_restored_gives_the_same_node_and_state() {
    let s = site();
    let file = s.path("hq.backup");
    let report = json(outpost(&s.hq).arg("backup").arg(&file).arg("--json"));
    let before = check(&s.hq);
    assert_eq!(report["state_hash"], before["state_hash"]);
    assert_eq!(report["ops"], before["ops"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a backup holds the node's keys");
    }
    // Into an empty directory: a new laptop for the same node.
    let laptop = s.path("laptop");
    let restored = json(outpost(&laptop).arg("restore").arg(&file).arg("--json"));
    assert_eq!(restored["state_hash"], before["state_hash"]);
    assert_eq!(restored["as_new_node"], false);
    let after = check(&laptop);
    assert_eq!(after["ok"], true, "{after}");
    assert_eq!(after["state_hash"], before["state_hash"]);
    assert_eq!(node_id(&laptop), node_id(&s.hq));
    let key = |dir: &Path| std::fs::read(dir.join("node.key")).expect("key");
    assert!(key(&laptop) == key(&s.hq), "the same node, the same key");
    // The index was rebuilt by replay: search finds the published article.
    let hits = json(outpost(&laptop).args(["search", "teak", "--json"]));
    assert_eq!(hits[0]["id"], "teak-logs", "{hits}");
    // The restored node goes on writing where the old one stopped.
    outpost(&laptop)
        .args(["add", "--title", "After", "--category", "commodity"])
        .write_stdin("x")
        .assert()
        .success();
    assert_eq!(check(&laptop)["ok"], true);

    // Over the same node, its store damaged beyond opening: the backup brings it back.
    std::fs::write(s.hq.join("outpost.redb"), b"not a database").expect("damage");
    outpost(&s.hq).arg("restore").arg(&file).assert().success();
    let back = check(&s.hq);
    assert_eq!(back["ok"], true, "{back}");
    assert_eq!(back["state_hash"], before["state_hash"]);
    // An existing file is not replaced without --force.
    outpost(&s.hq)
        .arg("backup")
        .arg(&file)
        .assert()
        .failure()
        .stderr(contains("--force"));
    outpost(&s.hq)
        .arg("backup")
        .arg(&file)
        .arg("--force")
        .assert()
        .success();
}

#[test]
fn a_backup_taken_while_another_process_writes_to_the_node_is_whole() {
    let s = site();
    let dir = outpost::core::DataDir::new(&s.hq);
    let mut held = outpost::Replica::open(&dir).expect("another process holds the node");
    let user = admin(&held);
    let file = s.path("busy.backup");
    let backup = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            for i in 0..20 {
                let c = content(
                    &format!("Busy {i}"),
                    "commodity",
                    "Written during a backup.",
                );
                held.add_article(&user, new_article(c, false)).expect("add");
            }
        });
        let out = outpost(&s.hq)
            .arg("backup")
            .arg(&file)
            .arg("--json")
            .output();
        writer.join().expect("writer");
        out.expect("backup")
    });
    assert!(backup.status.success(), "{backup:?}");
    let report: Value = serde_json::from_slice(&backup.stdout).expect("JSON");
    // The backup is one consistent snapshot: restored, it reproduces the state it recorded.
    let copy = s.path("copy");
    let restored = json(outpost(&copy).arg("restore").arg(&file).arg("--json"));
    assert_eq!(restored["state_hash"], report["state_hash"]);
    assert_eq!(check(&copy)["ok"], true);
    // Restoring over a node another process has open is refused, and changes nothing.
    let before = files(&s.hq);
    outpost(&s.hq)
        .arg("restore")
        .arg(&file)
        .assert()
        .failure()
        .stderr(contains("open in another Outpost process"));
    assert_eq!(files(&s.hq), before);
    drop(held);
}

#[test]
fn a_truncated_or_damaged_backup_is_refused_and_changes_nothing() {
    let s = site();
    let file = s.path("hq.backup");
    outpost(&s.hq).arg("backup").arg(&file).assert().success();
    let bytes = std::fs::read(&file).expect("backup");
    let before = files(&s.hq);
    let state = check(&s.hq)["state_hash"].clone();
    let empty = s.path("empty");
    for cut in [4, 12, 40, bytes.len() / 2, bytes.len() - 1] {
        let short = s.path("short.backup");
        std::fs::write(&short, &bytes[..cut]).expect("write");
        for dir in [&s.hq, &empty] {
            outpost(dir)
                .arg("restore")
                .arg(&short)
                .assert()
                .failure()
                .stderr(contains("is truncated"))
                .stderr(contains("nothing was changed"));
        }
        assert_eq!(files(&s.hq), before, "cut at {cut}");
        assert!(files(&empty).is_empty(), "cut at {cut}");
    }
    // A byte changed anywhere in the file.
    for at in [9, 20, bytes.len() / 2, bytes.len() - 10] {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x40;
        let bad = s.path("flipped.backup");
        std::fs::write(&bad, &flipped).expect("write");
        outpost(&s.hq)
            .arg("restore")
            .arg(&bad)
            .assert()
            .failure()
            .stderr(contains("is refused"))
            .stderr(contains("nothing was changed"));
        assert_eq!(files(&s.hq), before, "flipped at {at}");
    }
    outpost(&s.hq)
        .arg("restore")
        .arg(s.path("hq.backup").with_extension("missing"))
        .assert()
        .failure()
        .stderr(contains("cannot read"));
    assert_eq!(check(&s.hq)["state_hash"], state);
}

#[test]
fn another_nodes_backup_is_refused_unless_kept_as_a_new_node() {
    let s = site();
    let file = s.path("hq.backup");
    outpost(&s.hq).arg("backup").arg(&file).assert().success();
    let other = s.path("other");
    outpost(&other)
        .args(["init", "--office", "Elsewhere", "--hq"])
        .assert()
        .success();
    let before = files(&other);
    outpost(&other)
        .arg("restore")
        .arg(&file)
        .assert()
        .failure()
        .stderr(contains("is a backup of node"))
        .stderr(contains("--as-new-node"));
    assert_eq!(files(&other), before);
    // --as-new-node wants an empty directory: it never replaces a node.
    outpost(&other)
        .arg("restore")
        .arg(&file)
        .arg("--as-new-node")
        .assert()
        .failure()
        .stderr(contains("empty data directory"));
    assert_eq!(files(&other), before);

    let fresh = s.path("fresh");
    let report = json(
        outpost(&fresh)
            .arg("restore")
            .arg(&file)
            .args(["--as-new-node", "--json"]),
    );
    assert_eq!(report["as_new_node"], true);
    let old_id = node_id(&s.hq);
    let new_id = node_id(&fresh);
    assert_ne!(new_id, old_id);
    assert_eq!(report["node"], new_id.as_str());
    let key = |dir: &Path| std::fs::read(dir.join("node.key")).expect("key");
    assert!(key(&fresh) != key(&s.hq), "a new node, a new key");
    assert_eq!(check(&fresh)["ok"], true);
    // The history is kept: the same published articles, and the old node's ops (a draft
    // stays its author's, on the old node, and is listed to them only).
    let list = |dir: &Path| {
        let mut rows: Vec<(String, String)> =
            json(outpost(dir).args(["list", "--status", "published", "--json"]))
                .as_array()
                .expect("list")
                .iter()
                .map(|a| (a["id"].to_string(), a["status"].to_string()))
                .collect();
        rows.sort();
        rows
    };
    assert_eq!(list(&fresh), list(&s.hq));
    for article in ["teak-logs", "seal-check"] {
        let audit = json(outpost(&fresh).args(["audit", "--json", "--article", article]));
        assert_eq!(audit[0]["node"], old_id.as_str(), "{audit}");
        assert_eq!(audit[0]["who"], "admin@HQ", "{audit}");
    }
    // The new node writes under its own key.
    outpost(&fresh)
        .args([
            "add",
            "--id",
            "new-note",
            "--title",
            "New",
            "--category",
            "commodity",
        ])
        .write_stdin("x")
        .assert()
        .success();
    let mine = json(outpost(&fresh).args(["audit", "--json", "--article", "new-note"]));
    assert_eq!(mine[0]["node"], new_id.as_str(), "{mine}");
}

#[test]
fn an_older_backup_is_not_restored_over_changes_made_since() {
    let s = site();
    let file = s.path("hq.backup");
    outpost(&s.hq).arg("backup").arg(&file).assert().success();
    outpost(&s.hq)
        .args([
            "add",
            "--id",
            "later",
            "--title",
            "Later",
            "--category",
            "commodity",
        ])
        .write_stdin("Written after the backup.")
        .assert()
        .success();
    let before = files(&s.hq);
    outpost(&s.hq)
        .arg("restore")
        .arg(&file)
        .assert()
        .failure()
        .stderr(contains("made after"))
        .stderr(contains("outpost backup FILE"))
        .stderr(contains("nothing was changed"));
    assert_eq!(files(&s.hq), before);
    outpost(&s.hq).args(["show", "later"]).assert().success();
}
