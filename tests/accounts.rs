//! Accounts and sign-in through the binary: passwords, the one refusal message, the growing
//! wait after failures, who may create accounts, and the key files' modes.

use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

const ADMIN_PW: &str = "admin-secret-1";
const MALEE_PW: &str = "malee-secret-1";
const SOMCHAI_PW: &str = "somchai-secret-1";

fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .env_remove("OUTPOST_PASSWORD")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

/// `outpost` signed in as `user` with `password`.
fn as_user(dir: &Path, user: &str, password: &str) -> Command {
    let mut cmd = outpost(dir);
    cmd.env("OUTPOST_USER", user)
        .env("OUTPOST_PASSWORD", password);
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("valid JSON")
}

fn stderr(cmd: &mut Command) -> String {
    let out = cmd.assert().failure().get_output().stderr.clone();
    String::from_utf8(out).expect("UTF-8")
}

/// A post whose administrator has a password, with officer `malee` and disabled `somchai`.
fn node_with_accounts() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    outpost(dir.path())
        .args(["init", "--office", "Chiang Khong", "--password-stdin"])
        .write_stdin(format!("{ADMIN_PW}\n"))
        .assert()
        .success()
        .stdout(contains("Administrator password set"));
    for (name, pw) in [("malee", MALEE_PW), ("somchai", SOMCHAI_PW)] {
        as_user(dir.path(), "admin", ADMIN_PW)
            .args(["user", "add", name, "--password-stdin"])
            .write_stdin(format!("{pw}\n"))
            .assert()
            .success();
    }
    as_user(dir.path(), "admin", ADMIN_PW)
        .args(["user", "disable", "somchai"])
        .assert()
        .success();
    dir
}

fn state(dir: &Path) -> (String, Value) {
    let check = json(as_user(dir, "malee", MALEE_PW).args(["check", "--json"]));
    let list = json(as_user(dir, "malee", MALEE_PW).args(["list", "--json"]));
    (
        check["state_hash"].as_str().expect("hash").to_string(),
        list,
    )
}

#[test]
fn init_with_password_stdin_makes_every_command_sign_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    outpost(dir.path())
        .args(["init", "--office", "Mae Sai", "--password-stdin"])
        .write_stdin(format!("{ADMIN_PW}\n"))
        .assert()
        .success();
    let e = stderr(outpost(dir.path()).args(["search", "timber"]));
    assert!(e.contains("OUTPOST_PASSWORD"), "{e}");
    as_user(dir.path(), "admin", ADMIN_PW)
        .args(["search", "timber"])
        .assert()
        .success();
    // The only account is taken when no name is given.
    outpost(dir.path())
        .env("OUTPOST_PASSWORD", ADMIN_PW)
        .args(["list"])
        .assert()
        .success();
}

#[test]
fn init_without_a_password_says_so_and_needs_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    outpost(dir.path())
        .args(["init", "--office", "Mae Sai"])
        .assert()
        .success()
        .stdout(contains("No password"))
        .stdout(contains("outpost user passwd admin"));
    outpost(dir.path()).args(["list"]).assert().success();
}

#[test]
fn a_too_short_password_at_init_creates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = stderr(
        outpost(dir.path())
            .args(["init", "--office", "Mae Sai", "--password-stdin"])
            .write_stdin("short\n"),
    );
    assert!(e.contains("too short"), "{e}");
    assert!(!dir.path().join("outpost.redb").exists());
}

#[test]
fn wrong_password_unknown_user_and_disabled_user_get_one_message_and_change_nothing() {
    let dir = node_with_accounts();
    let before = state(dir.path());
    let attempts = [
        ("admin", "not-the-password"),
        ("nobody", ADMIN_PW),
        ("somchai", SOMCHAI_PW),
    ];
    let messages: Vec<String> = attempts
        .iter()
        .map(|(user, pw)| {
            stderr(as_user(dir.path(), user, pw).args([
                "add",
                "--title",
                "Wave the truck through",
                "--category",
                "commodity",
            ]))
        })
        .collect();
    assert!(messages[0].contains("sign-in refused"), "{}", messages[0]);
    assert_eq!(messages[0], messages[1]);
    assert_eq!(messages[1], messages[2]);
    assert_eq!(state(dir.path()), before);
    // Each failure is recorded under the name tried, unknown names included.
    let failures =
        json(as_user(dir.path(), "malee", MALEE_PW).args(["user", "failures", "--json"]));
    let names: Vec<&str> = failures
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(names, vec!["admin", "nobody", "somchai"]);
}

#[test]
fn failures_make_the_next_try_wait_longer_and_the_wait_survives_a_restart() {
    let dir = node_with_accounts();
    let refused = stderr(as_user(dir.path(), "malee", "wrong-password").args(["search", "x"]));
    assert!(refused.contains("sign-in refused"), "{refused}");
    // A new process, and the right password: still too soon.
    let e = stderr(as_user(dir.path(), "malee", MALEE_PW).args(["search", "x"]));
    assert!(e.contains("wait 1 s"), "{e}");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    stderr(as_user(dir.path(), "malee", "wrong-again").args(["search", "x"]));
    let e = stderr(as_user(dir.path(), "malee", MALEE_PW).args(["search", "x"]));
    assert!(e.contains("wait 2 s"), "{e}");
    let users = json(as_user(dir.path(), "admin", ADMIN_PW).args(["user", "list", "--json"]));
    let malee = users
        .as_array()
        .expect("array")
        .iter()
        .find(|u| u["name"] == "malee")
        .expect("malee")
        .clone();
    assert_eq!(malee["sign_in_failures"]["in_a_row"], 2);
    assert_eq!(malee["password"], true);
}

#[test]
fn an_officer_cannot_create_accounts() {
    let dir = node_with_accounts();
    let before = json(as_user(dir.path(), "admin", ADMIN_PW).args(["user", "list", "--json"]));
    let e = stderr(
        as_user(dir.path(), "malee", MALEE_PW)
            .args([
                "user",
                "add",
                "mallory",
                "--role",
                "admin",
                "--password-stdin",
            ])
            .write_stdin("mallory-secret\n"),
    );
    assert!(e.contains("not allowed"), "{e}");
    let after = json(as_user(dir.path(), "admin", ADMIN_PW).args(["user", "list", "--json"]));
    assert_eq!(before, after);
}

#[test]
fn a_second_account_needs_passwords_for_both() {
    let dir = tempfile::tempdir().expect("tempdir");
    outpost(dir.path())
        .args(["init", "--office", "Mae Sai"])
        .assert()
        .success();
    let e = stderr(
        outpost(dir.path())
            .args(["user", "add", "malee", "--password-stdin"])
            .write_stdin(format!("{MALEE_PW}\n")),
    );
    assert!(e.contains("`outpost user passwd admin`"), "{e}");
    outpost(dir.path())
        .args(["user", "passwd", "admin", "--password-stdin"])
        .write_stdin(format!("{ADMIN_PW}\n"))
        .assert()
        .success();
    let e = stderr(as_user(dir.path(), "admin", ADMIN_PW).args(["user", "add", "malee"]));
    assert!(e.contains("--password-stdin"), "{e}");
    as_user(dir.path(), "admin", ADMIN_PW)
        .args(["user", "add", "malee", "--password-stdin"])
        .write_stdin(format!("{MALEE_PW}\n"))
        .assert()
        .success();
    as_user(dir.path(), "malee", MALEE_PW)
        .args(["list"])
        .assert()
        .success();
}

#[cfg(unix)]
#[test]
fn key_files_are_private_and_made_private_again_on_open() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("node");
    outpost(&data)
        .args(["init", "--office", "Mae Sai"])
        .assert()
        .success();
    let (key, age) = (data.join("node.key"), data.join("age.key"));
    assert_eq!((mode(&data), mode(&key), mode(&age)), (0o700, 0o600, 0o600));
    for (p, m) in [(&data, 0o755), (&key, 0o644), (&age, 0o640)] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod");
    }
    outpost(&data)
        .args(["list"])
        .assert()
        .success()
        .stderr(contains("warning"))
        .stderr(contains("node.key"));
    assert_eq!((mode(&data), mode(&key), mode(&age)), (0o700, 0o600, 0o600));
}
