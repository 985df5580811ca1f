//! Attachments through the binary: a post attaches a photo and a PDF, HQ imports them with the
//! same hashes and finds the PDF's words; blobs travel once, after a text-only bundle, and across
//! parts.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use outpost::core::attachment_samples;
use predicates::str::contains;
use serde_json::Value;

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

fn export(from: &Path, out: &Path, extra: &[&str]) -> Value {
    json(
        outpost(from)
            .args(["sync", "export", "--to", "HQ", "--json", "--out"])
            .arg(out)
            .args(extra),
    )
}

fn files(report: &Value) -> Vec<PathBuf> {
    report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| PathBuf::from(f.as_str().expect("path")))
        .collect()
}

fn import(into: &Path, report: &Value) -> Value {
    json(
        outpost(into)
            .args(["sync", "import", "--json"])
            .args(files(report)),
    )
}

/// An HQ and a post enrolled by it; the post holds the draft `seal-evidence`.
fn setup(tmp: &Path) -> (PathBuf, PathBuf) {
    let (hq, post) = (tmp.join("hq"), tmp.join("post"));
    outpost(&hq)
        .args(["init", "--office", "HQ", "--hq"])
        .assert()
        .success();
    let enrol = tmp.join("post.enrol");
    outpost(&hq)
        .args(["node", "enrol", "--office", "Chiang Khong", "--out"])
        .arg(&enrol)
        .assert()
        .success();
    outpost(&post)
        .arg("init")
        .arg("--from")
        .arg(&enrol)
        .assert()
        .success();
    let body = tmp.join("body.md");
    std::fs::write(&body, "A broken seal found on a truck.\n").expect("body");
    outpost(&post)
        .args([
            "add",
            "--id",
            "seal-evidence",
            "--title",
            "Seal evidence",
            "--category",
            "clearance/border-trade",
            "--body-file",
        ])
        .arg(&body)
        .assert()
        .success();
    (hq, post)
}

fn blob_of(listing: &Value, name: &str) -> (String, bool) {
    let item = listing
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {listing}"));
    (
        item["blob"].as_str().expect("hash").to_string(),
        item["present"].as_bool().expect("present"),
    )
}

#[test]
fn attachments_travel_to_hq_once_with_the_same_hashes_and_the_pdfs_words_searchable() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (hq, post) = setup(tmp.path());
    let photo = tmp.path().join("seal.png");
    std::fs::write(&photo, attachment_samples::png(1, 300_000)).expect("photo");
    let pdf = tmp.path().join("register.pdf");
    std::fs::write(
        &pdf,
        attachment_samples::pdf(&["Seal register of the zygomorphic checkpoint"]),
    )
    .expect("pdf");
    outpost(&post)
        .args(["attach", "seal-evidence"])
        .arg(&photo)
        .arg(&pdf)
        .args(["--caption", "Truck 70-1234"])
        .assert()
        .success()
        .stdout(contains("image/png"))
        .stdout(contains("its text searchable"));

    let first = export(&post, &tmp.path().join("b1"), &[]);
    assert_eq!(first["blobs"], 2, "{first}");
    let report = import(&hq, &first);
    assert_eq!(report["blobs_received"], 2, "{report}");
    assert_eq!(report["blobs_to_come"], 0, "{report}");

    // The same bytes at HQ: the hashes listed agree and the file written out is the original.
    let at_post = json(outpost(&post).args(["attachments", "seal-evidence", "--json"]));
    let at_hq = json(outpost(&hq).args(["attachments", "seal-evidence", "--json"]));
    for name in ["seal.png", "register.pdf"] {
        let (hash, present) = blob_of(&at_hq, name);
        assert!(present, "{at_hq}");
        assert_eq!(hash, blob_of(&at_post, name).0);
    }
    let copy = tmp.path().join("copy.png");
    outpost(&hq)
        .args(["open", "seal-evidence", "seal.png", "--out"])
        .arg(&copy)
        .assert()
        .success();
    let original = std::fs::read(&photo).expect("photo");
    assert_eq!(std::fs::read(&copy).expect("copy"), original);
    assert_eq!(
        blob_of(&at_hq, "seal.png").0,
        blake3::hash(&original).to_hex().to_string()
    );

    // HQ publishes the post's article; the PDF's words find it.
    outpost(&hq)
        .args(["publish", "seal-evidence"])
        .assert()
        .success();
    let hits = json(outpost(&hq).args(["search", "zygomorphic", "--json"]));
    assert_eq!(hits[0]["id"], "seal-evidence", "{hits}");

    // The next bundle to HQ carries no blob again, though HQ has not acknowledged anything.
    let second = export(&post, &tmp.path().join("b2"), &[]);
    assert_eq!(second["blobs"], 0, "{second}");
    assert!(
        second["bytes"].as_u64().expect("bytes") < 100_000,
        "{second}"
    );
}

#[test]
fn a_text_only_bundle_leaves_blobs_for_the_next_which_may_span_parts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (hq, post) = setup(tmp.path());
    let photo = tmp.path().join("xray.png");
    let bytes = attachment_samples::png(2, 200_000);
    std::fs::write(&photo, &bytes).expect("photo");
    outpost(&post)
        .args(["attach", "seal-evidence"])
        .arg(&photo)
        .assert()
        .success();

    let text_only = export(&post, &tmp.path().join("t1"), &["--no-attachments"]);
    assert_eq!(text_only["blobs"], 0, "{text_only}");
    assert_eq!(text_only["blobs_left"], 1, "{text_only}");
    assert!(text_only["bytes"].as_u64().expect("bytes") < 100_000);
    let report = import(&hq, &text_only);
    assert_eq!(report["blobs_to_come"], 1, "{report}");
    let listed = json(outpost(&hq).args(["attachments", "seal-evidence", "--json"]));
    assert!(!blob_of(&listed, "xray.png").1, "{listed}");
    outpost(&hq)
        .args(["open", "seal-evidence", "xray.png", "--out"])
        .arg(tmp.path().join("nothing.png"))
        .assert()
        .failure()
        .stderr(contains("has not arrived yet"));

    // The blob follows, in parts smaller than itself.
    let parts = export(&post, &tmp.path().join("t2"), &["--max-part-size", "64K"]);
    assert_eq!(parts["blobs"], 1, "{parts}");
    assert!(files(&parts).len() >= 4, "{parts}");
    let report = import(&hq, &parts);
    assert_eq!(report["blobs_received"], 1, "{report}");
    assert_eq!(report["blobs_to_come"], 0, "{report}");
    let copy = tmp.path().join("copy.png");
    outpost(&hq)
        .args(["open", "seal-evidence", "xray.png", "--out"])
        .arg(&copy)
        .assert()
        .success();
    assert_eq!(std::fs::read(&copy).expect("copy"), bytes);
}

#[test]
fn attach_refuses_what_the_policy_does_not_accept_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (_hq, post) = setup(tmp.path());
    let fake = tmp.path().join("photo.jpg");
    std::fs::write(&fake, b"#!/bin/sh\necho not a photo\n").expect("file");
    outpost(&post)
        .args(["attach", "seal-evidence"])
        .arg(&fake)
        .assert()
        .failure()
        .stderr(contains("read from its bytes"));
    std::fs::write(post.join("attachments.toml"), "max_file_mb = 1\n").expect("policy");
    let big = tmp.path().join("big.png");
    std::fs::write(&big, attachment_samples::png(3, 1_500_000)).expect("big");
    outpost(&post)
        .args(["attach", "seal-evidence"])
        .arg(&big)
        .assert()
        .failure()
        .stderr(contains("max_file_mb"));
    outpost(&post)
        .args(["attachments", "seal-evidence"])
        .assert()
        .success()
        .stdout(contains("no attachments"));
}

/// A bundle that carried a blob is lost: the next carries only what HQ lacks besides it, HQ marks
/// the file "to come" and asks for it, and the post's bundle after that carries it again.
#[test]
fn a_lost_blob_is_asked_for_and_sent_again() {
    use outpost::sync::ExportOptions;

    let tmp = tempfile::tempdir().expect("tempdir");
    let mut hq = crate::common::replica("HQ", true);
    let mut post = crate::sync_flow::enrolled(&mut hq, "Chiang Khong");
    let user = crate::common::admin(&post);
    let id = post
        .add_article(
            &user,
            crate::common::new_article(
                crate::common::content("Seal", "clearance/container-seals", "b"),
                false,
            ),
        )
        .expect("add");
    let photo = attachment_samples::png(9, 50_000);
    post.attach(&user, id.as_str(), "seal.png", &photo, "")
        .expect("attach");
    let export = |from: &mut outpost::Replica, to: &str, name: &str| {
        let out = tmp.path().join(name);
        let options = ExportOptions {
            to: Some(to.into()),
            out: out.clone(),
            ..Default::default()
        };
        (from.sync_export(&options).expect("export"), out)
    };
    let (lost, _) = export(&mut post, "HQ", "lost");
    assert_eq!(lost.blobs, 1);
    let (second, file) = export(&mut post, "HQ", "second");
    assert_eq!(second.blobs, 0, "recorded as sent: not sent twice");
    let report = hq.sync_import(&[file], None, false).expect("import");
    assert_eq!(report.blobs_to_come, 1);
    assert_eq!(hq.blobs_to_come().expect("to come").len(), 1);

    let (back, file) = export(&mut hq, "Chiang Khong", "back");
    assert_eq!(back.blobs, 0, "HQ has nothing to send but the request");
    post.sync_import(&[file], None, false)
        .expect("post imports");
    let (third, file) = export(&mut post, "HQ", "third");
    assert_eq!(third.blobs, 1, "asked for, so sent again");
    let report = hq.sync_import(&[file], None, false).expect("import");
    assert_eq!(report.blobs_received, 1);
    assert!(hq.blobs_to_come().expect("to come").is_empty());
    let (_, held) = hq
        .attachment_bytes(id.as_str(), "seal.png")
        .expect("opened at HQ");
    assert_eq!(held, photo);
    assert_eq!(
        hq.state_hash().expect("hash"),
        post.state_hash().expect("hash")
    );
}

#[test]
fn a_blob_that_does_not_match_its_hash_refuses_the_whole_bundle() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut hq = crate::common::replica("HQ", true);
    let mut post = crate::sync_flow::enrolled(&mut hq, "Chiang Khong");
    let user = crate::common::admin(&post);
    let id = post
        .add_article(
            &user,
            crate::common::new_article(
                crate::common::content("Seal", "clearance/container-seals", "b"),
                false,
            ),
        )
        .expect("add");
    post.attach(
        &user,
        id.as_str(),
        "seal.png",
        &attachment_samples::png(4, 20_000),
        "",
    )
    .expect("attach");
    let out = tmp.path().join("bundle");
    post.sync_export(&outpost::sync::ExportOptions {
        to: Some("HQ".into()),
        out: out.clone(),
        ..Default::default()
    })
    .expect("export");
    let mut bytes = std::fs::read(&out).expect("bundle");
    // The blob is the last thing before the 64-byte signature.
    let at = bytes.len() - 64 - 5_000;
    bytes[at] ^= 0x55;
    let err = hq
        .import_bundle_bytes("bundle", &bytes, false)
        .expect_err("refused");
    assert!(err.to_string().contains("does not match its hash"), "{err}");
    assert!(hq.article(id.as_str()).is_err(), "nothing applied");
    assert_eq!(hq.blob_bytes().expect("bytes"), 0);
}
