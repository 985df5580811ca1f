//! `outpost audit` through the binary: who did what, when, from which node and under which
//! key, filtered by article, person and date, with refused ops marked; and a bad date refused
//! with a message that says what to type.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use outpost::core::key_fingerprint;
use predicates::str::contains;
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

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("JSON")
}

fn audit(dir: &Path, args: &[&str]) -> Vec<Value> {
    let value = json(outpost(dir).arg("audit").arg("--json").args(args));
    value.as_array().expect("an array of entries").clone()
}

/// HQ and the post Mae Sai: the post wrote `seal-check` and then tried to publish it (refused
/// at HQ); HQ wrote `timber`.
struct Net {
    _tmp: tempfile::TempDir,
    hq: PathBuf,
    post: PathBuf,
}

fn net() -> Net {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (hq, post) = (tmp.path().join("hq"), tmp.path().join("post"));
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
    outpost(&post)
        .arg("init")
        .arg("--from")
        .arg(&enrol)
        .assert()
        .success();
    outpost(&post)
        .args(["add", "--id", "seal-check", "--title", "Seal check"])
        .args(["--category", "commodity"])
        .write_stdin("Compare the seal number with the manifest.")
        .assert()
        .success();
    let replica = outpost::Replica::open(&outpost::core::DataDir::new(&post)).expect("post");
    let forged = outpost::sync::bundle::forge_publish_for_tests(&replica, "HQ").expect("bundle");
    drop(replica);
    let bundle = tmp.path().join("from-post.bundle");
    std::fs::write(&bundle, forged).expect("write");
    outpost(&hq)
        .args(["sync", "import"])
        .arg(&bundle)
        .assert()
        .success();
    outpost(&hq)
        .args(["add", "--id", "timber", "--title", "Teak logs"])
        .args(["--category", "commodity"])
        .write_stdin("Teak logs need a permit.")
        .assert()
        .success();
    Net {
        _tmp: tmp,
        hq,
        post,
    }
}

fn public_key(dir: &Path, node: &str) -> [u8; 32] {
    let shown = json(outpost(dir).args(["node", "show", "--json", node]));
    let hex = shown["public_key"].as_str().expect("public key");
    outpost::model::ids::from_hex::<32>(hex).expect("hex")
}

#[test]
fn the_audit_says_who_did_what_from_which_node_under_which_key() {
    let n = net();
    let all = audit(&n.hq, &[]);
    // HQ's three first ops, the enrolment, the post's four, the refused publication, timber.
    assert_eq!(all.len(), 9, "{all:#?}");
    let hq_key = key_fingerprint(&public_key(&n.hq, "HQ"));
    let post_key = key_fingerprint(&public_key(&n.hq, "Mae Sai"));
    for (i, e) in all.iter().enumerate() {
        assert_eq!(e["position"], i as u64 + 1, "{e}");
        let who = e["who"].as_str().expect("who");
        let key = e["key"].as_str().expect("key");
        match e["office"].as_str().expect("office") {
            "HQ" => assert_eq!((who, key), ("admin@HQ", hq_key.as_str()), "{e}"),
            "Mae Sai" => assert_eq!((who, key), ("admin@Mae Sai", post_key.as_str()), "{e}"),
            other => panic!("unexpected office {other}: {e}"),
        }
        let time = e["time"].as_str().expect("time");
        assert!(time.len() == 20 && time.ends_with('Z'), "{e}");
        assert_eq!(e["node"].as_str().map(str::len), Some(32), "{e}");
    }
    let created = all
        .iter()
        .find(|e| e["kind"] == "revision" && e["article"] == "seal-check")
        .expect("the post's article");
    assert!(
        created["what"]
            .as_str()
            .is_some_and(|w| w.starts_with("wrote seal-check"))
    );
    assert_eq!(created["who"], "admin@Mae Sai");
    assert!(
        created["what"]
            .as_str()
            .is_some_and(|w| w.contains("Seal check"))
    );
    assert_eq!(created["refused"], Value::Null);
    let refused: Vec<&Value> = all.iter().filter(|e| !e["refused"].is_null()).collect();
    assert_eq!(refused.len(), 1, "{all:#?}");
    assert_eq!(refused[0]["kind"], "status");
    assert_eq!(refused[0]["who"], "admin@Mae Sai");
    assert_eq!(refused[0]["article"], "seal-check");
    assert!(
        refused[0]["refused"]
            .as_str()
            .is_some_and(|r| r.contains("may publish"))
    );

    // The text form marks the refused op and names people as name@office.
    outpost(&n.hq)
        .arg("audit")
        .assert()
        .success()
        .stdout(contains("admin@Mae Sai"))
        .stdout(contains("REFUSED: only an administrator"))
        .stdout(contains(format!("key {hq_key}")));
    // The post's own log has no refused op: the refusal is HQ's verdict on what it received.
    assert!(audit(&n.post, &[]).iter().all(|e| e["refused"].is_null()));
}

#[test]
fn the_audit_filters_by_article_person_and_date() {
    let n = net();
    let timber = audit(&n.hq, &["--article", "timber"]);
    assert_eq!(timber.len(), 1, "{timber:#?}");
    assert_eq!(timber[0]["who"], "admin@HQ");
    let seal = audit(&n.hq, &["--article", "seal-check"]);
    assert_eq!(
        seal.len(),
        2,
        "created, then the refused publication: {seal:#?}"
    );

    let post = audit(&n.hq, &["--user", "admin@Mae Sai"]);
    assert_eq!(post.len(), 4, "{post:#?}");
    assert!(post.iter().all(|e| e["office"] == "Mae Sai"));
    let hq = audit(&n.hq, &["--user", "admin@HQ"]);
    assert_eq!(hq.len(), 5, "{hq:#?}");
    assert!(hq.iter().all(|e| e["office"] == "HQ"));
    // A bare name is that name on every node; an unknown one matches nothing.
    assert_eq!(audit(&n.hq, &["--user", "admin"]).len(), 9);
    assert!(audit(&n.hq, &["--user", "somchai"]).is_empty());
    // Filters combine.
    assert_eq!(
        audit(&n.hq, &["--user", "admin@HQ", "--article", "seal-check"]).len(),
        0
    );

    assert_eq!(audit(&n.hq, &["--since", "2000-01-01"]).len(), 9);
    assert!(audit(&n.hq, &["--since", "2999-01-01"]).is_empty());
    assert!(audit(&n.hq, &["--since", "2999-01-01T00:00:00Z"]).is_empty());
    outpost(&n.hq)
        .args(["audit", "--since", "2999-01-01"])
        .assert()
        .success()
        .stdout(contains("No ops match."));
}

#[test]
fn a_date_the_audit_cannot_read_is_refused_with_what_to_type() {
    let n = net();
    for bad in ["yesterday", "2026-13-01", "05/12/2026"] {
        outpost(&n.hq)
            .args(["audit", "--since", bad])
            .assert()
            .code(1)
            .stdout("")
            .stderr(contains(format!("`{bad}` is not a date")))
            .stderr(contains("YYYY-MM-DD"));
    }
}
