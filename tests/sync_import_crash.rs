//! A `sync import` killed while it applies a large bundle: the node opens with nothing of the
//! bundle visible, `check` passes, and the same bundle then imports whole.

use std::process::Command;
use std::sync::Arc;

use outpost::Replica;
use outpost::core::{DataDir, InitOptions, SystemClock};

use crate::common::{admin, content, new_article};

/// Articles the post makes: enough for the import to report progress (every 1,000 ops) twice
/// before it ends.
const ARTICLES: usize = 2_500;

/// The child half: HQ on disk, a post in memory that writes `ARTICLES` articles, their bundle
/// in a file; then HQ imports it and the process aborts, as `kill -9` would end it, once 1,000
/// of its ops have applied inside the import's transaction.
#[test]
fn import_crash_child() {
    let Some(dir) = std::env::var_os("OUTPOST_IMPORT_CRASH_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let mut options = InitOptions::new("HQ");
    options.hq = true;
    let mut hq = Replica::create(&DataDir::new(dir.join("hq")), &options).expect("create HQ");
    let file = hq.enrol(&admin(&hq), "Post").expect("enrol");
    let mut post =
        Replica::enrolled_in_memory(&file, "admin", Arc::new(SystemClock)).expect("post");
    let user = admin(&post);
    post.bulk(|post| {
        for i in 0..ARTICLES {
            let body = format!("Crate number {i} of the timber consignment.");
            post.add_article(
                &user,
                new_article(content("Timber", "commodity", &body), false),
            )?;
        }
        Ok(())
    })
    .expect("the post's articles");
    let bundle = dir.join("to-hq.outpost");
    std::fs::write(&bundle, post.bundle_for(hq.node_id()).expect("bundle")).expect("write");
    let before = hq.log_len().expect("log");
    std::fs::write(dir.join("log-before"), before.to_string()).expect("write");
    let outcome = hq.sync_import_with_progress(&[bundle], None, false, &mut |done, total| {
        if done >= 1_000 && done < total {
            std::process::abort();
        }
    });
    panic!("the import ended without the abort: {outcome:?}");
}

#[test]
fn an_import_killed_midway_leaves_nothing_and_imports_whole_afterwards() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let status = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "sync_import_crash::import_crash_child",
            "--nocapture",
        ])
        .env("OUTPOST_IMPORT_CRASH_DIR", tmp.path())
        .status()
        .expect("child runs");
    assert!(!status.success(), "the child aborted inside the import");
    let before: u64 = std::fs::read_to_string(tmp.path().join("log-before"))
        .expect("the child got as far as the import")
        .parse()
        .expect("a number");

    let hq_dir = DataDir::new(tmp.path().join("hq"));
    let mut hq = Replica::open(&hq_dir).expect("HQ opens after the crash");
    assert_eq!(
        hq.log_len().expect("log"),
        before,
        "no op of the bundle is kept"
    );
    let report = hq.check().expect("check");
    assert!(report.ok(), "{:?}", report.problems);

    let bundle = tmp.path().join("to-hq.outpost");
    let imported = hq
        .sync_import(&[bundle], None, false)
        .expect("import again");
    assert_eq!(imported.new_articles.len(), ARTICLES, "every article, once");
    let after = hq.check().expect("check");
    assert!(after.ok(), "{:?}", after.problems);
}
