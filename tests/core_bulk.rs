//! `Replica::bulk`: many commits made durable and searchable together at the end, and a crash
//! inside a bulk leaving the node as it was before it.

use std::process::Command;

use outpost::Replica;
use outpost::core::{DataDir, InitOptions};
use outpost::search::SearchRequest;

use crate::common::{admin, content, new_article, replica};

fn hits(r: &Replica, text: &str) -> usize {
    let request = SearchRequest {
        text: text.into(),
        limit: 100,
        ..Default::default()
    };
    r.search(&request).expect("search").len()
}

fn published(r: &Replica) -> usize {
    r.list_articles(&Default::default()).expect("list").len()
}

#[test]
fn commits_inside_a_bulk_are_stored_at_once_and_searchable_at_its_end() {
    let mut r = replica("HQ", true);
    let user = admin(&r);
    r.bulk(|r| {
        for batch in 0..3 {
            let mut payloads = Vec::new();
            for i in 0..4 {
                let body = format!("Pallet wrap number {batch}-{i}.");
                let new = new_article(content("Pallets", "commodity", &body), true);
                payloads.extend(r.payloads_for_new(new)?.1);
            }
            r.commit(&user.name, payloads)?;
            // The store has every batch so far; the index waits for the end.
            assert_eq!(published(r), 4 * (batch + 1));
            assert_eq!(hits(r, "pallet"), 0);
        }
        Ok(())
    })
    .expect("bulk");
    assert_eq!(hits(&r, "pallet"), 12);
    let report = r.check().expect("check");
    assert!(report.ok(), "{:?}", report.problems);
}

#[test]
fn a_failing_commit_inside_a_bulk_keeps_the_commits_before_it() {
    let mut r = replica("HQ", true);
    let user = admin(&r);
    let failed = r.bulk(|r| {
        let new = new_article(content("Seals", "commodity", "Check the bolt."), true);
        r.add_article(&user, new)?;
        let bad = new_article(content("Nowhere", "no-such-category", "x"), true);
        r.add_article(&user, bad)?;
        Ok(())
    });
    assert!(failed.is_err());
    assert_eq!(published(&r), 1);
    assert_eq!(hits(&r, "bolt"), 1, "what was stored is searchable");
    assert!(r.check().expect("check").ok());
}

/// The child half of the crash test: set up a node with one article, then start a bulk of
/// three commits and abort the process after the second, as a power cut would end it.
#[test]
fn bulk_crash_child() {
    let Some(dir) = std::env::var_os("OUTPOST_BULK_CRASH_DIR") else {
        return;
    };
    let dir = DataDir::new(dir);
    let mut r = Replica::create(&dir, &InitOptions::new("HQ")).expect("create");
    let user = admin(&r);
    let before = new_article(content("Seals", "commodity", "Check the bolt."), false);
    r.add_article(&user, before).expect("before the bulk");
    let outcome = r.bulk(|r| {
        for i in 0..3 {
            let body = format!("Pallet wrap number {i}.");
            r.add_article(
                &user,
                new_article(content("Pallets", "commodity", &body), false),
            )?;
            if i == 1 {
                std::process::abort();
            }
        }
        Ok(())
    });
    panic!("the bulk ended without the abort: {outcome:?}");
}

#[test]
fn a_crash_inside_a_bulk_keeps_its_earlier_commits_and_the_index_catches_up() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let node = tmp.path().join("node");
    let status = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "core_bulk::bulk_crash_child", "--nocapture"])
        .env("OUTPOST_BULK_CRASH_DIR", &node)
        .status()
        .expect("child runs");
    assert!(!status.success(), "the child aborted inside the bulk");

    let r = Replica::open(&DataDir::new(&node)).expect("the node opens after the crash");
    let user = admin(&r);
    let filter = outpost::core::ArticleFilter {
        viewer: Some(r.author(&user)),
        ..Default::default()
    };
    let mut titles: Vec<String> = r
        .list_articles(&filter)
        .expect("list")
        .into_iter()
        .map(|a| a.content.title)
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        ["Pallets", "Pallets", "Seals"],
        "everything committed before the crash, each commit whole"
    );
    let report = r.check().expect("check");
    assert!(report.ok(), "{:?}", report.problems);
}
