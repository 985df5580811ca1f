//! Interoperability with the stock `age` command-line tool (Debian package `age`; `.ci/run`
//! installs it): it decrypts what Outpost encrypts, and Outpost imports what it encrypts.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use predicates::str::contains;

fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

fn have_age() -> bool {
    let found = Process::new("age")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipping: the `age` tool is not installed (apt-get install age; .ci/run does)");
    }
    found
}

/// An HQ and an enrolled post; returns (tmp, hq, post, usb).
fn nodes() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    std::path::PathBuf,
) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (hq, post, usb) = (
        tmp.path().join("hq"),
        tmp.path().join("post"),
        tmp.path().join("usb"),
    );
    std::fs::create_dir_all(&usb).expect("usb");
    outpost(&hq)
        .args(["init", "--office", "HQ", "--hq"])
        .assert()
        .success();
    let file = usb.join("post.enrol");
    outpost(&hq)
        .args(["node", "enrol", "--office", "Post", "--out"])
        .arg(&file)
        .assert()
        .success();
    outpost(&post)
        .arg("init")
        .arg("--from")
        .arg(&file)
        .assert()
        .success();
    outpost(&post)
        .args([
            "add",
            "--id",
            "interop-note",
            "--title",
            "Interop note",
            "--category",
            "commodity",
        ])
        .write_stdin("x")
        .assert()
        .success();
    (tmp, hq, post, usb)
}

#[test]
fn stock_age_decrypts_what_outpost_encrypts_binary_and_armoured() {
    if !have_age() {
        return;
    }
    let (_tmp, hq, post, usb) = nodes();
    for (name, armor) in [("sealed.age", false), ("sealed.asc", true)] {
        let out = usb.join(name);
        let mut cmd = outpost(&post);
        cmd.args([
            "sync",
            "export",
            "--to",
            "HQ",
            "--encrypt-to",
            "HQ",
            "--out",
        ])
        .arg(&out);
        if armor {
            cmd.arg("--armor");
        }
        cmd.assert().success();
        if armor {
            let text = std::fs::read_to_string(&out).expect("armoured text");
            assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
        }
        let plain = usb.join(format!("{name}.plain"));
        let status = Process::new("age")
            .arg("-d")
            .arg("-i")
            .arg(hq.join("age.key"))
            .arg("-o")
            .arg(&plain)
            .arg(&out)
            .status()
            .expect("run age");
        assert!(status.success(), "age decrypts {name}");
        let bytes = std::fs::read(&plain).expect("plain");
        assert!(bytes.starts_with(b"OUTPOSTB"), "an Outpost bundle inside");
        outpost(&hq)
            .args(["sync", "import"])
            .arg(&plain)
            .assert()
            .success()
            .stdout(contains("Applied"));
    }
}

#[test]
fn outpost_imports_a_bundle_that_stock_age_encrypted_to_the_node() {
    if !have_age() {
        return;
    }
    let (_tmp, hq, post, usb) = nodes();
    let plain = usb.join("plain.outpost");
    outpost(&post)
        .args(["sync", "export", "--to", "HQ", "--out"])
        .arg(&plain)
        .assert()
        .success();
    let key = std::fs::read_to_string(hq.join("age.key")).expect("identity");
    let recipient = key
        .split("public key: ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("recipient in the identity file")
        .to_string();
    for armor in [false, true] {
        let sealed = usb.join(format!("by-age-{armor}.age"));
        let mut cmd = Process::new("age");
        cmd.arg("-r").arg(&recipient).arg("-o").arg(&sealed);
        if armor {
            cmd.arg("-a");
        }
        assert!(cmd.arg(&plain).status().expect("run age").success());
        outpost(&hq)
            .args(["sync", "import"])
            .arg(&sealed)
            .assert()
            .success();
    }
    outpost(&hq)
        .args(["show", "interop-note"])
        .assert()
        .success()
        .stdout(contains("Interop note"));
}
