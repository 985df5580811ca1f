//! Commands that only read never write: no fsync, no write lock (checked with strace where it
//! is installed; the test says so and skips elsewhere), and they run while another handle holds
//! the node open for writing.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_outpost");

fn demo_node(dir: &Path) {
    let init = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(["init", "--office", "HQ", "--hq", "--demo"])
        .output()
        .expect("init");
    assert!(init.status.success(), "{init:?}");
    // The HS descriptions' index is a cache built on first use: build it before measuring.
    let hs = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(["search", "timber", "--hs-suggestions"])
        .output()
        .expect("search");
    assert!(hs.status.success(), "{hs:?}");
}

/// A published article titled `title`, written by the node's administrator through `writer`.
fn add_published(writer: &mut outpost::Replica, title: &str) -> outpost::model::ArticleId {
    let user = writer.resolve_user(None).expect("admin");
    writer
        .add_article(
            &user,
            outpost::core::NewArticle {
                id: None,
                content: outpost::model::ArticleContent::new(
                    title,
                    "clearance/container-seals",
                    "body",
                ),
                publish: true,
            },
        )
        .expect("add")
}

const READS: &[&[&str]] = &[
    &["search", "timber"],
    &["show", "timber-inspection-land-border"],
    &["list"],
    &["categories"],
    &["hs", "4403"],
    &["sync", "status"],
    &["node", "list"],
    &["conflicts"],
    &["check"],
    &["comments", "--new"],
];

#[test]
fn reading_commands_run_beside_a_writer_and_see_its_commits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("node");
    demo_node(&data);
    // This process holds the node open for writing, as the interface does.
    let mut writer = outpost::Replica::open(&outpost::core::DataDir::new(&data)).expect("open");
    for args in READS {
        let out = Command::new(BIN)
            .arg("--data-dir")
            .arg(&data)
            .args(*args)
            .output()
            .expect("run");
        assert!(out.status.success(), "{args:?}: {out:?}");
    }
    let id = add_published(&mut writer, "Written by the open handle");
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args(["show", id.as_str()])
        .output()
        .expect("show");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Written by the open handle"),
        "{out:?}"
    );
}

#[test]
fn reading_commands_never_sync_the_disk() {
    if Command::new("strace").arg("-V").output().is_err() {
        eprintln!("skipped: strace is not installed (apt-get install strace)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("node");
    demo_node(&data);
    let trace = dir.path().join("trace");
    for args in READS {
        let out = Command::new("strace")
            .args(["-f", "-e", "trace=fsync,fdatasync,sync_file_range", "-o"])
            .arg(&trace)
            .arg(BIN)
            .arg("--data-dir")
            .arg(&data)
            .args(*args)
            .output()
            .expect("strace runs");
        assert!(out.status.success(), "{args:?}: {out:?}");
        let calls = std::fs::read_to_string(&trace).expect("trace");
        let syncs: Vec<&str> = calls
            .lines()
            .filter(|l| l.contains("sync") && !l.contains("exited"))
            .collect();
        assert!(syncs.is_empty(), "{args:?} synced: {syncs:?}");
    }
}

/// A command that only reads pins one snapshot of the node (`Replica::pin_snapshot`): it
/// answers from one state however long it runs, and `refresh` moves it to the latest.
#[test]
fn a_pinned_reader_sees_one_state_until_it_refreshes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("node");
    demo_node(&data);
    let node = outpost::core::DataDir::new(&data);
    let mut writer = outpost::Replica::open(&node).expect("open");
    let mut reader = outpost::Replica::open_read_only(&node).expect("open read-only");
    reader.pin_snapshot().expect("pin");
    let before = reader.log_len().expect("log length");
    let id = add_published(&mut writer, "Written after the snapshot");
    assert_eq!(reader.log_len().expect("log length"), before);
    assert!(
        reader.article(id.as_str()).is_err(),
        "the snapshot predates it"
    );
    assert!(reader.refresh().expect("refresh"));
    assert!(reader.log_len().expect("log length") > before);
    assert_eq!(
        reader
            .article(id.as_str())
            .expect("seen after refresh")
            .record
            .content
            .title,
        "Written after the snapshot"
    );
}
