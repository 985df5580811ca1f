//! Stores of other schema versions. `tests/fixtures/schema-2/` is a node written by Outpost at
//! schema 2 (the last commit before schema 3: three articles, one of them edited, all
//! published; its search index left out, being a cache). It must open, migrate to this schema by
//! replaying its log, and keep every article. A store that says it is of a newer schema is
//! refused with a message naming both versions, and not changed.

use std::path::Path;

use redb::{ReadableDatabase, TableDefinition};
use serde_json::Value;

use crate::faults::{articles, checked, ok, run};

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

fn fixture() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/schema-2"
    ))
}

fn schema_of(node: &Path) -> u64 {
    let db = redb::Database::open(node.join("outpost.redb")).expect("open store");
    let txn = db.begin_read().expect("read");
    let meta = txn.open_table(META).expect("meta");
    let bytes = meta
        .get("schema_version")
        .expect("get")
        .expect("schema_version");
    u64::from_le_bytes(bytes.value().try_into().expect("8 bytes"))
}

fn set_schema(node: &Path, version: u64) {
    let db = redb::Database::open(node.join("outpost.redb")).expect("open store");
    let txn = db.begin_write().expect("write");
    txn.open_table(META)
        .expect("meta")
        .insert("schema_version", version.to_le_bytes().as_slice())
        .expect("insert");
    txn.commit().expect("commit");
}

#[test]
fn a_schema_2_node_opens_migrates_and_keeps_every_article() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let node = tmp.path().join("node");
    crate::common::copy_dir(fixture(), &node);
    assert_eq!(schema_of(&node), 2, "the fixture is a schema 2 store");

    let report = checked(&node, "opening a schema 2 store");
    assert_eq!(articles(&report), 3);
    assert_eq!(schema_of(&node), outpost::store::SCHEMA_VERSION);

    let shown: Value =
        serde_json::from_slice(&ok(&node, &["show", "seal-checks", "--json"]).stdout)
            .expect("JSON");
    let text = shown.to_string();
    assert!(text.contains("revised"), "the edit survived: {text}");
    let hits: Value =
        serde_json::from_slice(&ok(&node, &["search", "manifest", "--json"]).stdout).expect("JSON");
    assert_eq!(hits.as_array().map(Vec::len), Some(3), "{hits}");
    // The migrated node takes new writes and still checks out.
    let body = tmp.path().join("body.md");
    std::fs::write(&body, "Written after the upgrade.\n").expect("body");
    let body = body.to_str().expect("path");
    ok(
        &node,
        &[
            "add",
            "--title",
            "After the upgrade",
            "--category",
            "commodity",
            "--body-file",
            body,
        ],
    );
    assert_eq!(articles(&checked(&node, "a write after the upgrade")), 4);
}

#[test]
fn a_newer_schema_is_refused_naming_both_versions_and_changing_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let node = tmp.path().join("node");
    ok(&node, &["init", "--office", "HQ", "--hq"]);
    let newer = outpost::store::SCHEMA_VERSION + 1;
    set_schema(&node, newer);
    let before = std::fs::read(node.join("outpost.redb")).expect("read");
    for args in [
        &["list"][..],
        &["check"],
        &["search", "seal"],
        &["show", "x"],
    ] {
        let out = run(&node, args);
        assert!(!out.status.success(), "{args:?} opened a newer store");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("schema {newer}"))
                && err.contains(&format!("reads {}", outpost::store::SCHEMA_VERSION))
                && err.contains("upgrade Outpost"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    let after = std::fs::read(node.join("outpost.redb")).expect("read");
    assert!(before == after, "refusing a newer store changed its file");
    assert_eq!(schema_of(&node), newer);
}
