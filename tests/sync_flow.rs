//! Sync through the library: enrolment, exchange, idempotence, conflicts and convergence.

use std::sync::Arc;

use outpost::Replica;
use outpost::core::{ArticlePatch, FixedClock};

use crate::common::{T0, admin, content, new_article, replica};

pub fn enrolled(hq: &mut Replica, office: &str) -> Replica {
    let user = admin(hq);
    let file = hq.enrol(&user, office).expect("enrol");
    Replica::enrolled_in_memory(&file, "admin", Arc::new(FixedClock::new(T0))).expect("post starts")
}

/// Sends everything `to` lacks from `from`; returns the report.
pub fn send(from: &Replica, to: &mut Replica) -> outpost::sync::ImportReport {
    let bytes = from.bundle_for(to.node_id()).expect("bundle");
    to.import_bundle_bytes("bundle", &bytes, false)
        .expect("import")
}

fn hash(r: &Replica) -> String {
    r.state_hash().expect("hash").to_string()
}

#[test]
fn a_post_starts_from_its_enrolment_with_hqs_knowledge() {
    let mut hq = replica("HQ", true);
    let user = admin(&hq);
    let id = hq
        .add_article(
            &user,
            new_article(content("Seals", "clearance/container-seals", "b"), true),
        )
        .expect("add");
    let post = enrolled(&mut hq, "Chiang Khong");
    assert_eq!(
        post.article(id.as_str())
            .expect("HQ's article")
            .record
            .content
            .title,
        "Seals"
    );
    assert_eq!(post.hq_node().expect("root"), hq.node_id());
    assert!(post.check().expect("check").ok());
    assert!(
        !post.categories().expect("map").is_empty(),
        "HQ's Knowledge Map arrived"
    );
}

#[test]
fn an_enrolment_file_of_format_version_0_or_newer_is_refused() {
    let mut hq = replica("HQ", true);
    let user = admin(&hq);
    let file = hq.enrol(&user, "Chiang Khong").expect("enrol");
    let clock = || Arc::new(FixedClock::new(T0));
    for (version, expected) in [(0u16, "format version 0 does not exist"), (999, "newer")] {
        let mut bad = file.clone();
        bad[8..10].copy_from_slice(&version.to_le_bytes());
        let err = Replica::enrolled_in_memory(&bad, "admin", clock())
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains(expected), "version {version}: {err}");
    }
}

#[test]
fn edits_travel_both_ways_and_nodes_converge() {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let mut b = enrolled(&mut hq, "Post B");
    let ua = admin(&a);
    let id = a
        .add_article(
            &ua,
            new_article(
                content("Teak", "commodity/timber-wood", "one\ntwo\nthree\n"),
                false,
            ),
        )
        .expect("add");
    send(&a, &mut hq);
    send(&hq, &mut b);
    send(&b, &mut hq);
    send(&hq, &mut a);
    assert_eq!(
        b.article(id.as_str())
            .expect("relayed")
            .record
            .content
            .title,
        "Teak"
    );
    assert_eq!(hash(&a), hash(&hq));
    assert_eq!(hash(&b), hash(&hq));

    // The same bundle twice changes nothing the second time.
    let bytes = a.bundle_for(hq.node_id()).expect("bundle");
    let before = hash(&hq);
    let again = hq
        .import_bundle_bytes("again", &bytes, false)
        .expect("replay");
    assert_eq!(again.new_ops, 0);
    assert_eq!(hash(&hq), before);
}

#[test]
fn concurrent_edits_merge_or_conflict_and_resolve() {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let mut b = enrolled(&mut hq, "Post B");
    let (ua, ub) = (admin(&a), admin(&b));
    let id = a
        .add_article(
            &ua,
            new_article(
                content("Teak", "commodity/timber-wood", "one\ntwo\nthree\n"),
                false,
            ),
        )
        .expect("add");
    send(&a, &mut hq);
    send(&hq, &mut b);
    // Different lines: merges cleanly, the same merge everywhere.
    let edit = |body: &str| ArticlePatch {
        body: Some(body.into()),
        ..Default::default()
    };
    a.edit_article(&ua, id.as_str(), edit("ONE\ntwo\nthree\n"))
        .expect("edit a");
    b.edit_article(&ub, id.as_str(), edit("one\ntwo\nTHREE\n"))
        .expect("edit b");
    send(&a, &mut hq);
    send(&b, &mut hq);
    send(&hq, &mut a);
    send(&hq, &mut b);
    let merged = hq.article(id.as_str()).expect("article").record;
    assert!(!merged.in_conflict());
    assert_eq!(merged.content.body, "ONE\ntwo\nTHREE\n");
    assert_eq!(
        a.article(id.as_str()).expect("a").record.current,
        merged.current,
        "same merge id"
    );
    assert_eq!(hash(&a), hash(&hq));
    assert_eq!(hash(&b), hash(&hq));

    // The same line: a conflict, both versions kept, then resolved by a new revision.
    a.edit_article(&ua, id.as_str(), edit("ONE\ntwo\nthree (a)\n"))
        .expect("edit a");
    b.edit_article(&ub, id.as_str(), edit("ONE\ntwo\nthree (b)\n"))
        .expect("edit b");
    send(&a, &mut hq);
    let report = send(&b, &mut hq);
    assert_eq!(report.conflicts, vec![id.to_string()]);
    let record = hq.article(id.as_str()).expect("article").record;
    assert!(record.in_conflict());
    assert_eq!(record.heads.len(), 2);
    let uh = admin(&hq);
    hq.edit_article(&uh, id.as_str(), edit("ONE\ntwo\nthree (agreed)\n"))
        .expect("resolve");
    send(&hq, &mut a);
    send(&hq, &mut b);
    send(&a, &mut hq);
    send(&b, &mut hq);
    for node in [&a, &b] {
        let r = node.article(id.as_str()).expect("resolved").record;
        assert!(!r.in_conflict());
        assert_eq!(r.content.body, "ONE\ntwo\nthree (agreed)\n");
        assert_eq!(hash(node), hash(&hq));
    }
}

#[test]
fn ops_whose_predecessors_are_missing_wait_and_apply_later() {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let ua = admin(&a);
    let id = a
        .add_article(&ua, new_article(content("T", "commodity", "x"), false))
        .expect("add");
    let edit = ArticlePatch {
        title: Some("T2".into()),
        ..Default::default()
    };
    a.edit_article(&ua, id.as_str(), edit).expect("edit");
    let ops = a.ops_missing_at(hq.node_id()).expect("ops");
    // Only the last op arrives first (the bundle with the earlier ones is still on its way).
    let tail = a
        .write_bundle(hq.node_id(), &ops[ops.len() - 1..])
        .expect("tail");
    let report = hq
        .import_bundle_bytes("tail", &tail, false)
        .expect("tail imports");
    assert_eq!((report.new_ops, report.held_back), (0, 1));
    assert!(
        hq.article(id.as_str()).is_err(),
        "nothing of the article applies yet"
    );
    let full = a
        .write_bundle(hq.node_id(), &ops[..ops.len() - 1])
        .expect("rest");
    let report = hq
        .import_bundle_bytes("rest", &full, false)
        .expect("rest imports");
    assert_eq!(
        report.held_back, 0,
        "the gap is filled and the waiting op applied"
    );
    assert_eq!(report.new_ops as usize, ops.len());
    assert_eq!(
        hq.article(id.as_str())
            .expect("article")
            .record
            .content
            .title,
        "T2"
    );
}

#[test]
fn only_hq_and_nodes_it_trusts_may_publish() {
    use outpost::model::Status;
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Regional office");
    let mut b = enrolled(&mut hq, "Post B");
    let ua = admin(&a);
    let id = a
        .add_article(&ua, new_article(content("Note", "commodity", "x"), false))
        .expect("add");
    let err = a
        .set_status(&ua, id.as_str(), Status::Published)
        .expect_err("not yet trusted");
    assert!(err.to_string().contains("may publish"), "{err}");

    let uh = admin(&hq);
    hq.trust_node(&uh, "Regional office").expect("trust");
    send(&hq, &mut a);
    a.set_status(&ua, id.as_str(), Status::Published)
        .expect("trusted now");
    // B hears of it straight from A: the trust op travels with A's bundle, before the publication.
    let report = send(&a, &mut b);
    assert!(report.new_ops > 0);
    assert_eq!(
        b.article(id.as_str()).expect("article").record.status,
        Status::Published
    );
    let ub = admin(&b);
    let err = b
        .trust_node(&ub, "Regional office")
        .expect_err("a post cannot trust");
    assert!(err.to_string().contains("only HQ"), "{err}");
}

#[test]
fn an_article_indexed_early_in_an_import_is_indexed_again_when_a_waiting_edit_applies() {
    use outpost::model::Author;
    use outpost::search::SearchRequest;
    use outpost::sync::bundle;

    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let ua = admin(&a);
    let id = a
        .add_article(
            &ua,
            new_article(content("Seal", "commodity", "alpha"), false),
        )
        .expect("add");
    let edit = ArticlePatch {
        body: Some("omega".into()),
        ..Default::default()
    };
    a.edit_article(&ua, id.as_str(), edit).expect("edit");
    let ops = a.ops_missing_at(hq.node_id()).expect("ops");
    let last = ops.len() - 1;
    let tail = a.write_bundle(hq.node_id(), &ops[last..]).expect("tail");
    let rest = a.write_bundle(hq.node_id(), &ops[..last]).expect("rest");
    // One import of both, the edit first: it waits, the creation applies (and is handed to the
    // index as the article's last op in the batch), then the edit applies after all.
    let bundles = vec![
        (
            "tail".to_string(),
            bundle::decode("tail", &tail).expect("tail"),
        ),
        (
            "rest".to_string(),
            bundle::decode("rest", &rest).expect("rest"),
        ),
    ];
    let report = hq.apply_bundles(bundles, false).expect("import");
    assert_eq!((report.new_ops as usize, report.held_back), (ops.len(), 0));

    let author = Author {
        node: a.node_id(),
        name: "admin".into(),
    };
    let found = |text: &str| -> Vec<String> {
        hq.search(&SearchRequest {
            text: text.into(),
            limit: 10,
            viewer: Some(author.clone()),
            ..Default::default()
        })
        .expect("search")
        .into_iter()
        .map(|h| h.id)
        .collect()
    };
    assert_eq!(
        found("omega"),
        [id.to_string()],
        "the edit is indexed, once"
    );
    assert!(found("alpha").is_empty(), "the early document is gone");
    assert_eq!(found("seal"), [id.to_string()]);
}

#[test]
fn a_conflict_shows_both_versions_by_office_and_an_edit_with_markers_left_in_is_refused() {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let (uh, ua) = (admin(&hq), admin(&a));
    let id = hq
        .add_article(
            &uh,
            new_article(
                content("Teak", "commodity/timber-wood", "one\ntwo\nthree\n"),
                false,
            ),
        )
        .expect("add");
    send(&hq, &mut a);
    let edit = |body: &str| ArticlePatch {
        body: Some(body.into()),
        ..Default::default()
    };
    hq.edit_article(&uh, id.as_str(), edit("one\ntwo\nthree (HQ)\n"))
        .expect("edit hq");
    a.edit_article(&ua, id.as_str(), edit("one\ntwo\nthree (post)\n"))
        .expect("edit a");
    send(&hq, &mut a);
    let conflict = a
        .conflict(id.as_str())
        .expect("conflict")
        .expect("in conflict");
    let offices: Vec<&str> = conflict
        .versions
        .iter()
        .map(|v| v.office.as_str())
        .collect();
    assert_eq!(offices.len(), 2);
    assert!(
        offices.contains(&"HQ") && offices.contains(&"Post A"),
        "{offices:?}"
    );
    let marked = &conflict.marked_body;
    assert!(marked.starts_with("one\ntwo\n"), "{marked}");
    assert!(marked.contains("three (HQ)\n") && marked.contains("three (post)\n"));
    assert!(marked.contains("<<<<<<< ") && marked.contains("\n=======\n"));
    assert!(
        marked.contains("<<<<<<< HQ") || marked.contains("<<<<<<< Post A"),
        "{marked}"
    );

    // Saving the markers unchanged is refused and changes nothing.
    let before = a.article(id.as_str()).expect("article").record;
    let err = a
        .edit_article(&ua, id.as_str(), edit(marked))
        .expect_err("markers left in");
    assert!(err.to_string().contains("conflict markers"), "{err}");
    assert_eq!(a.article(id.as_str()).expect("article").record, before);

    // Finishing the text resolves the conflict with both lines kept.
    a.edit_article(
        &ua,
        id.as_str(),
        edit("one\ntwo\nthree (HQ)\nthree (post)\n"),
    )
    .expect("resolved");
    assert!(a.conflict(id.as_str()).expect("read").is_none());
    assert_eq!(
        a.article(id.as_str()).expect("article").record.content.body,
        "one\ntwo\nthree (HQ)\nthree (post)\n"
    );
}
