//! Cancelling an import or an export through the library: stopped before the commit, nothing
//! changed; an export's files removed and the bundle not recorded as sent.

use outpost::Replica;
use outpost::core::Cancel;
use outpost::error::Error;
use outpost::sync::ExportOptions;

use crate::common::{admin, content, new_article, replica};
use crate::sync_flow::enrolled;

/// A post holding `n` new articles (one op each) that HQ lacks.
pub fn post_with_articles(hq: &mut Replica, n: usize) -> Replica {
    let mut post = enrolled(hq, "Mae Sai");
    add_articles(&mut post, n);
    post
}

/// Adds `n` new articles (one op each) to `post`, 1,000 to a commit.
pub fn add_articles(post: &mut Replica, n: usize) {
    let user = admin(post);
    let mut made = 0;
    while made < n {
        let mut payloads = Vec::new();
        for k in made..(made + 1000).min(n) {
            let body = format!("Raft {k} carried sawn timber under bamboo.");
            let new = new_article(
                content(&format!("Raft {k}"), "commodity/timber-wood", &body),
                false,
            );
            payloads.extend(post.payloads_for_new(new).expect("payloads").1);
        }
        made = (made + 1000).min(n);
        post.commit(&user.name, payloads).expect("commit");
    }
}

fn bundle_file(post: &Replica, hq: &Replica, dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("to-hq.bundle");
    let bytes = post.bundle_for(hq.node_id()).expect("bundle");
    std::fs::write(&path, bytes).expect("write bundle");
    path
}

#[test]
fn an_import_cancelled_while_it_applies_changes_nothing_and_can_run_again() {
    let mut hq = replica("HQ", true);
    let post = post_with_articles(&mut hq, 2_500);
    let dir = tempfile::tempdir().expect("dir");
    let file = bundle_file(&post, &hq, dir.path());
    let before = (hq.log_len().expect("log"), hq.state_hash().expect("hash"));

    // Cancelled from the progress callback, i.e. while ops are being applied.
    let cancel = Cancel::default();
    let mut heard = Vec::new();
    let stopped = hq.sync_import_cancellable(
        std::slice::from_ref(&file),
        None,
        false,
        &mut |done, total| {
            heard.push((done, total));
            cancel.cancel();
        },
        &cancel,
    );
    assert!(matches!(stopped, Err(Error::Cancelled)), "{stopped:?}");
    assert!(
        matches!(heard.as_slice(), [(1000, total)] if *total >= 2_500),
        "stopped at the first safe point: {heard:?}"
    );
    assert_eq!(
        (hq.log_len().expect("log"), hq.state_hash().expect("hash")),
        before,
        "nothing applied"
    );

    let mut last = (0, 0);
    let report = hq
        .sync_import_cancellable(
            &[file],
            None,
            false,
            &mut |done, total| last = (done, total),
            &Cancel::default(),
        )
        .expect("import");
    assert!(
        last.0 == last.1 && last.1 >= 2_500,
        "progress ends at the total: {last:?}"
    );
    assert_eq!(report.new_articles.len(), 2_500);
}

#[test]
fn an_export_cancelled_leaves_no_file_and_is_not_recorded_as_sent() {
    let mut hq = replica("HQ", true);
    let mut post = post_with_articles(&mut hq, 10);
    let dir = tempfile::tempdir().expect("dir");
    let options = ExportOptions {
        to: None,
        out: dir.path().join("out.bundle"),
        encrypt_to: Vec::new(),
        armor: false,
        max_part_size: None,
        overwrite: false,
        no_attachments: false,
        urgent_only: false,
    };
    let cancel = Cancel::default();
    cancel.cancel();
    let stopped = post.sync_export_cancellable(&options, &cancel);
    assert!(matches!(stopped, Err(Error::Cancelled)), "{stopped:?}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(post.peer(hq.node_id()).expect("peer").last_sent_millis, 0);

    post.sync_export_cancellable(&options, &Cancel::default())
        .expect("export");
    assert!(options.out.exists());
    assert!(post.peer(hq.node_id()).expect("peer").last_sent_millis > 0);
}
