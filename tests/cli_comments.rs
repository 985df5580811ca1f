//! `outpost comments --new` through the binary: the author lists the comments others left on
//! their article, `--mark-seen` marks them, and listing alone changes nothing.

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

use crate::cli_market::{PASSWORD, add_user, json, outpost};

#[test]
fn the_author_lists_new_comments_and_marks_them_seen() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let mut init = Command::cargo_bin("outpost").expect("binary");
    init.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(d)
        .args(["init", "--office", "HQ", "--hq", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    add_user(d, "lek");
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
    outpost(d, "admin")
        .args(["comment", &id, "--text", "Add a photo of the seal."])
        .assert()
        .success();

    outpost(d, "lek")
        .args(["comments"])
        .assert()
        .failure()
        .stderr(contains("--new"));
    outpost(d, "lek")
        .args(["comments", "--new"])
        .assert()
        .success()
        .stdout(contains("comment by admin@HQ on Seal checks"))
        .stdout(contains("Add a photo of the seal."));
    let listed = json(outpost(d, "lek").args(["comments", "--new", "--json"]));
    let items = listed.as_array().expect("a list");
    assert_eq!(items.len(), 1, "listing did not mark them: {listed}");
    assert_eq!(items[0]["article"], Value::String(id.clone()));
    assert_eq!(items[0]["by"], "admin@HQ");
    assert_eq!(
        json(outpost(d, "admin").args(["comments", "--new", "--json"])),
        Value::Array(vec![]),
        "the commenter's own comment is not new to them"
    );

    let marked = json(outpost(d, "lek").args(["comments", "--new", "--mark-seen", "--json"]));
    assert_eq!(marked.as_array().map(Vec::len), Some(1), "{marked}");
    outpost(d, "lek")
        .args(["comments", "--new"])
        .assert()
        .success()
        .stdout(contains("No new comments"));
}
