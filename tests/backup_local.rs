//! What a backup carries beside the log, through the binary: restored on a new laptop, the node
//! signs its people in with their passwords (a wrong one still refused with the one message),
//! remembers the failed sign-ins, and holds its attachments' files byte for byte.

use std::path::Path;

use assert_cmd::Command;
use outpost::core::attachment_samples;
use serde_json::Value;

const ADMIN_PASSWORD: &str = "border-admin-2026";
const SOMCHAI_PASSWORD: &str = "somchai-seal-2026";

fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .env_remove("OUTPOST_PASSWORD")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

/// `outpost` as `user` signing in with `password`.
fn as_user(dir: &Path, user: &str, password: &str) -> Command {
    let mut cmd = outpost(dir);
    cmd.env("OUTPOST_PASSWORD", password).args(["--user", user]);
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("JSON")
}

fn failures_of(dir: &Path, name: &str) -> u64 {
    let all = json(as_user(dir, "admin", ADMIN_PASSWORD).args(["user", "failures", "--json"]));
    all.as_array()
        .expect("names")
        .iter()
        .find(|f| f["name"] == name)
        .and_then(|f| f["failures"]["total"].as_u64())
        .unwrap_or(0)
}

#[test]
fn a_restored_node_signs_its_people_in_and_holds_its_attachments() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let old = tmp.path().join("old-laptop");
    outpost(&old)
        .args(["init", "--office", "Chiang Khong", "--password-stdin"])
        .write_stdin(format!("{ADMIN_PASSWORD}\n"))
        .assert()
        .success();
    as_user(&old, "admin", ADMIN_PASSWORD)
        .args(["user", "add", "somchai", "--password-stdin"])
        .write_stdin(format!("{SOMCHAI_PASSWORD}\n"))
        .assert()
        .success();
    let added = json(
        as_user(&old, "somchai", SOMCHAI_PASSWORD)
            .args(["add", "--title", "Broken seal", "--category", "clearance"])
            .arg("--json")
            .write_stdin("A broken seal on a truck.\n"),
    );
    let id = added["id"].as_str().expect("id").to_string();
    let photo = tmp.path().join("seal.png");
    let bytes = attachment_samples::png(5, 40_000);
    std::fs::write(&photo, &bytes).expect("photo");
    as_user(&old, "somchai", SOMCHAI_PASSWORD)
        .args(["attach", &id])
        .arg(&photo)
        .assert()
        .success();
    // Someone guesses at a name that is no account: the failure is recorded.
    as_user(&old, "ghost", "not-the-password")
        .args(["list"])
        .assert()
        .failure();
    assert_eq!(failures_of(&old, "ghost"), 1);

    let file = tmp.path().join("chiang-khong.backup");
    as_user(&old, "admin", ADMIN_PASSWORD)
        .arg("backup")
        .arg(&file)
        .assert()
        .success();

    let new = tmp.path().join("new-laptop");
    outpost(&new).arg("restore").arg(&file).assert().success();
    // The people sign in as before; a wrong password is refused with the uniform message.
    let listed = json(as_user(&new, "somchai", SOMCHAI_PASSWORD).args(["list", "--json"]));
    assert_eq!(listed[0]["id"], id.as_str(), "{listed}");

    // The attachment's file is there, byte for byte.
    let listing =
        json(as_user(&new, "somchai", SOMCHAI_PASSWORD).args(["attachments", &id, "--json"]));
    assert_eq!(listing[0]["present"], true, "{listing}");
    let copy = tmp.path().join("copy.png");
    as_user(&new, "somchai", SOMCHAI_PASSWORD)
        .args(["open", &id, "seal.png", "--out"])
        .arg(&copy)
        .assert()
        .success();
    assert_eq!(std::fs::read(&copy).expect("copy"), bytes);

    // Last, since a failure makes the name wait a second (somchai's: the administrator reads
    // the failures next).
    let refused = as_user(&new, "somchai", "not-the-password")
        .args(["list"])
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    let unknown = as_user(&new, "nobody", "not-the-password")
        .args(["list"])
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    assert_eq!(refused, unknown, "one message for every refusal");
    assert_eq!(failures_of(&new, "ghost"), 1, "the failures came along");
}

#[test]
fn a_node_kept_as_new_holds_the_attachments_but_not_the_old_passwords() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hq = tmp.path().join("hq");
    outpost(&hq)
        .args(["init", "--office", "HQ", "--hq", "--password-stdin"])
        .write_stdin(format!("{ADMIN_PASSWORD}\n"))
        .assert()
        .success();
    let added = json(
        as_user(&hq, "admin", ADMIN_PASSWORD)
            .args(["add", "--title", "Seal photo", "--category", "clearance"])
            .arg("--json")
            .write_stdin("The seal as found.\n"),
    );
    let id = added["id"].as_str().expect("id").to_string();
    let photo = tmp.path().join("seal.png");
    let bytes = attachment_samples::png(6, 30_000);
    std::fs::write(&photo, &bytes).expect("photo");
    as_user(&hq, "admin", ADMIN_PASSWORD)
        .args(["attach", &id])
        .arg(&photo)
        .assert()
        .success();
    let file = tmp.path().join("hq.backup");
    as_user(&hq, "admin", ADMIN_PASSWORD)
        .arg("backup")
        .arg(&file)
        .assert()
        .success();

    let fresh = tmp.path().join("fresh");
    outpost(&fresh)
        .arg("restore")
        .arg(&file)
        .arg("--as-new-node")
        .assert()
        .success();
    // Its own administrator has no password yet: the old one's is not theirs.
    let users = json(outpost(&fresh).args(["user", "list", "--json"]));
    assert_eq!(users.as_array().map(Vec::len), Some(1), "{users}");
    let copy = tmp.path().join("copy.png");
    outpost(&fresh)
        .args(["open", &id, "seal.png", "--out"])
        .arg(&copy)
        .assert()
        .success();
    assert_eq!(std::fs::read(&copy).expect("copy"), bytes);
}
