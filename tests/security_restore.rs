//! A post restored from an older copy of its data dir, through the binary: it notices the ops of
//! its own that peers hold and gets them back before it writes again; one that wrote anyway is
//! reported as a fork at HQ and at the post, instead of breaking every later exchange.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use crate::common::copy_dir;

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

struct Net {
    _tmp: tempfile::TempDir,
    hq: PathBuf,
    post: PathBuf,
    copy: PathBuf,
    usb: PathBuf,
}

impl Net {
    /// HQ, an enrolled post, and a copy of the post's data dir taken before it wrote.
    fn new() -> Net {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().to_path_buf();
        let net = Net {
            hq: root.join("hq"),
            post: root.join("post"),
            copy: root.join("copy"),
            usb: root.join("usb"),
            _tmp: tmp,
        };
        std::fs::create_dir_all(&net.usb).expect("usb");
        outpost(&net.hq)
            .args(["init", "--office", "HQ", "--hq"])
            .assert()
            .success();
        let enrol = net.usb.join("post.enrol");
        outpost(&net.hq)
            .args(["node", "enrol", "--office", "Chiang Khong", "--out"])
            .arg(&enrol)
            .assert()
            .success();
        outpost(&net.post)
            .args(["init", "--from"])
            .arg(&enrol)
            .assert()
            .success();
        copy_dir(&net.post, &net.copy);
        net
    }

    fn add(&self, dir: &Path, title: &str) -> std::process::Output {
        outpost(dir)
            .args([
                "add",
                "--title",
                title,
                "--category",
                "clearance/container-seals",
            ])
            .write_stdin("body")
            .output()
            .expect("run")
    }

    /// `from` exports to `to_office`; `into` imports; returns the import report.
    fn carry(&self, from: &Path, to_office: &str, into: &Path, name: &str) -> Value {
        let file = self.usb.join(name);
        outpost(from)
            .args(["sync", "export", "--to", to_office, "--out"])
            .arg(&file)
            .assert()
            .success();
        json(outpost(into).args(["sync", "import", "--json"]).arg(&file))
    }

    fn restore(&self) {
        std::fs::remove_dir_all(&self.post).expect("remove");
        copy_dir(&self.copy, &self.post);
    }

    /// Articles held at `dir` (drafts included, whoever wrote them).
    fn articles(&self, dir: &Path) -> u64 {
        json(outpost(dir).args(["check", "--json"]))["articles"]
            .as_u64()
            .expect("count")
    }

    fn titles(&self, dir: &Path) -> Vec<String> {
        let list = json(outpost(dir).args(["list", "--json"]));
        list.as_array()
            .expect("array")
            .iter()
            .map(|a| a["title"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

#[test]
fn a_restored_post_gets_its_own_lost_changes_back_before_it_writes_again() {
    let net = Net::new();
    for title in ["Seal one", "Seal two"] {
        assert!(net.add(&net.post, title).status.success());
    }
    net.carry(&net.post, "HQ", &net.hq, "1.bundle");
    net.restore();

    let report = net.carry(&net.hq, "Chiang Khong", &net.post, "2.bundle");
    assert!(report["own_ops_missing"].is_array(), "{report}");
    let refused = net.add(&net.post, "Seal three");
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("lacks its own changes"), "{message}");
    let status = json(outpost(&net.post).args(["sync", "status", "--json"]));
    assert!(status["own_changes_missing"].is_u64(), "{status}");

    // The post's bundle tells HQ what it holds; HQ's reply carries the lost changes.
    net.carry(&net.post, "HQ", &net.hq, "3.bundle");
    net.carry(&net.hq, "Chiang Khong", &net.post, "4.bundle");
    let titles = net.titles(&net.post);
    assert!(titles.contains(&"Seal one".to_string()), "{titles:?}");
    assert!(titles.contains(&"Seal two".to_string()), "{titles:?}");
    assert!(net.add(&net.post, "Seal three").status.success());
    let report = net.carry(&net.post, "HQ", &net.hq, "5.bundle");
    assert_eq!(
        report["forks"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );
    assert_eq!(net.articles(&net.hq), 3);
}

#[test]
fn a_restored_post_that_wrote_again_is_reported_as_a_fork_everywhere() {
    let net = Net::new();
    for title in ["Seal one", "Seal two"] {
        assert!(net.add(&net.post, title).status.success());
    }
    net.carry(&net.post, "HQ", &net.hq, "1.bundle");
    net.restore();
    for title in ["Other one", "Other two", "Other three"] {
        assert!(net.add(&net.post, title).status.success());
    }

    // HQ: the fork is reported, the import itself succeeds, and nothing of HQ's is lost.
    let report = net.carry(&net.post, "HQ", &net.hq, "2.bundle");
    let forks = report["forks"].as_array().expect("forks");
    assert_eq!(forks.len(), 1, "{report}");
    assert_eq!(
        net.articles(&net.hq),
        2,
        "the post's two first articles, not the others"
    );
    outpost(&net.hq).arg("check").assert().success();

    // The post learns it forked from HQ's reply, and stops writing with what to do.
    let report = net.carry(&net.hq, "Chiang Khong", &net.post, "3.bundle");
    let forks = report["forks"].as_array().expect("forks");
    assert!(
        forks.iter().any(|f| f
            .as_str()
            .unwrap_or_default()
            .contains("history has forked")),
        "{report}"
    );
    let refused = net.add(&net.post, "Other four");
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("export-md"), "{message}");
    let status = json(outpost(&net.post).args(["sync", "status", "--json"]));
    assert!(status["own_fork"].is_u64(), "{status}");
}
