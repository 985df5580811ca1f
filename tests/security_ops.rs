//! What a post can send with its own key, and what every node makes of it (issue: no bundle,
//! file or clock from anywhere can harm a node). Forged ops are signed with the post's own key
//! through `Replica::forge_bundle_for_tests`; no check is weakened.

use outpost::Replica;
use outpost::core::{ArticlePatch, MAX_CLOCK_AHEAD_MILLIS};
use outpost::model::{ArticleContent, ArticleId, Hash, Payload, Revision, Status};
use outpost::search::SearchRequest;

use crate::common::{T0, admin, content, new_article, replica};
use crate::sync_flow::{enrolled, send};

/// An article id as a decoded op can carry it: not checked the way a typed one is.
fn raw_id(s: &str) -> ArticleId {
    serde_json::from_value(serde_json::Value::String(s.into())).expect("id")
}

fn forged(post: &Replica, hq: &Replica, payloads: Vec<Payload>, millis: Option<u64>) -> Vec<u8> {
    post.forge_bundle_for_tests(hq.node_id(), "admin", payloads, millis)
        .expect("forged bundle")
}

fn import(into: &mut Replica, bytes: &[u8]) -> outpost::sync::ImportReport {
    into.import_bundle_bytes("forged", bytes, false)
        .expect("the bundle itself is accepted")
}

fn new_revision(id: &ArticleId, title: &str) -> Payload {
    Payload::RevisionAdded {
        article: id.clone(),
        revision: Revision::new(
            id.clone(),
            vec![],
            content(title, "clearance/container-seals", "body"),
        ),
    }
}

#[test]
fn an_op_with_a_path_for_an_id_is_refused_and_reported_and_the_posts_later_ops_still_apply() {
    let mut hq = replica("HQ", true);
    let post = enrolled(&mut hq, "Chiang Khong");
    let before = hq.state_hash().expect("hash");
    let bad = raw_id("../../../../tmp/x/PWNED");
    let good = raw_id("seal-checks");
    let bytes = forged(
        &post,
        &hq,
        vec![
            new_revision(&bad, "Pwned"),
            new_revision(&good, "Seal checks"),
        ],
        None,
    );
    let report = import(&mut hq, &bytes);
    assert_eq!(report.refused.len(), 1, "{report:?}");
    let refusal = &report.refused[0];
    assert_eq!(refusal.node, "Chiang Khong");
    assert!(
        refusal.reason.contains("not a valid article id"),
        "{refusal:?}"
    );
    assert!(
        hq.article("seal-checks").is_ok(),
        "the valid op after it applied"
    );
    assert_ne!(hq.state_hash().expect("hash"), before);
    assert!(
        hq.list_articles(&Default::default())
            .expect("list")
            .iter()
            .all(|a| !a.id.as_str().contains('/'))
    );
    // The refusal is kept, and the same bundle again changes nothing.
    assert_eq!(hq.refused_ops().expect("refused").len(), 1);
    let again = import(&mut hq, &bytes);
    assert_eq!(again.new_ops, 0);
    assert!(hq.check().expect("check").ok());
}

#[test]
fn control_characters_in_a_received_title_are_refused() {
    let mut hq = replica("HQ", true);
    let post = enrolled(&mut hq, "Chiang Khong");
    let id = raw_id("escape-title");
    let bytes = forged(
        &post,
        &hq,
        vec![new_revision(&id, "Seals\u{1b}]0;owned\u{7}")],
        None,
    );
    let report = import(&mut hq, &bytes);
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert!(report.refused[0].reason.contains("control character"));
    assert!(hq.article("escape-title").is_err());
}

/// HQ with a published article, a post that holds it.
fn published_at_hq() -> (Replica, Replica, ArticleId) {
    let mut hq = replica("HQ", true);
    let user = admin(&hq);
    let id = hq
        .add_article(
            &user,
            new_article(
                content(
                    "Seal checks",
                    "clearance/container-seals",
                    "Check every seal.\n",
                ),
                true,
            ),
        )
        .expect("published at HQ");
    let mut post = enrolled(&mut hq, "Chiang Khong");
    send(&hq, &mut post);
    (hq, post, id)
}

#[test]
fn a_posts_edit_of_a_published_article_is_a_proposal_that_hq_publishes_or_not() {
    let (mut hq, mut post, id) = published_at_hq();
    let officer = admin(&post);
    let patch = ArticlePatch {
        title: Some("Seal checks (post version)".into()),
        body: Some("Skip the seals.\n".into()),
        ..Default::default()
    };
    post.edit_article(&officer, id.as_str(), patch)
        .expect("the post may propose");
    // At the post itself, readers still see the published text.
    let at_post = post.article(id.as_str()).expect("article").record;
    assert_eq!(at_post.content.title, "Seal checks");
    assert!(at_post.proposal.is_some());

    let report = send(&post, &mut hq);
    assert!(report.refused.is_empty(), "{report:?}");
    let record = hq.article(id.as_str()).expect("article").record;
    assert_eq!(record.status, Status::Published);
    assert_eq!(
        record.content.body, "Check every seal.\n",
        "the published text stays HQ's"
    );
    let proposal = record.proposal.clone().expect("HQ sees the proposal");
    assert_eq!(proposal.content.title, "Seal checks (post version)");
    let hits = hq
        .search(&SearchRequest {
            text: "skip".into(),
            limit: 10,
            ..Default::default()
        })
        .expect("search");
    assert!(hits.is_empty(), "searches find the published text only");

    // HQ publishes the proposal: it becomes the text everywhere.
    let user = admin(&hq);
    hq.set_status(&user, id.as_str(), Status::Published)
        .expect("publish the proposal");
    let record = hq.article(id.as_str()).expect("article").record;
    assert_eq!(record.content.body, "Skip the seals.\n");
    assert!(record.proposal.is_none());
    send(&hq, &mut post);
    assert_eq!(
        hq.state_hash().expect("hq"),
        post.state_hash().expect("post")
    );
}

#[test]
fn a_post_cannot_unpublish_or_retire_an_hq_article() {
    let (mut hq, post, id) = published_at_hq();
    let status = |status| Payload::StatusSet {
        article: id.clone(),
        status,
    };
    let bytes = forged(
        &post,
        &hq,
        vec![
            status(Status::Draft),
            status(Status::Retired),
            Payload::RevisionPublished {
                article: id.clone(),
                revision: Hash::ZERO,
            },
        ],
        None,
    );
    let report = import(&mut hq, &bytes);
    // Publishing is refused outright; the status ops are the authors' and have no effect on
    // what HQ decided, whichever arrives first.
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert!(
        report.refused[0].reason.contains("may publish"),
        "{report:?}"
    );
    let record = hq.article(id.as_str()).expect("article").record;
    assert_eq!(record.status, Status::Published);
    assert_eq!(record.content.body, "Check every seal.\n");
    let mut post = post;
    send(&hq, &mut post);
    assert_eq!(
        post.article(id.as_str()).expect("article").record.status,
        Status::Published
    );
}

#[test]
fn an_op_dated_far_ahead_is_held_and_does_not_move_hqs_clock() {
    let (mut hq, post, id) = published_at_hq();
    let twenty_years = 20 * 365 * 24 * 3600 * 1000;
    for millis in [T0 + twenty_years, u64::MAX - 1] {
        let bytes = forged(
            &post,
            &hq,
            vec![Payload::StatusSet {
                article: id.clone(),
                status: Status::Retired,
            }],
            Some(millis),
        );
        let report = import(&mut hq, &bytes);
        assert_eq!(report.held_back, 1, "{report:?}");
        assert!(
            report
                .held_reasons
                .iter()
                .any(|r| r.contains("ahead of this machine's clock")),
            "{report:?}"
        );
    }
    // HQ's own next change is dated by HQ's clock, and takes effect.
    let user = admin(&hq);
    hq.edit_article(
        &user,
        id.as_str(),
        ArticlePatch {
            body: Some("Check every seal twice.\n".into()),
            ..Default::default()
        },
    )
    .expect("edit");
    let record = hq.article(id.as_str()).expect("article").record;
    assert!(
        record.updated.millis <= T0 + MAX_CLOCK_AHEAD_MILLIS,
        "{:?}",
        record.updated
    );
    assert_eq!(record.status, Status::Published);
    assert_eq!(record.content.body, "Check every seal twice.\n");
}

#[test]
fn an_op_a_little_ahead_is_taken() {
    let mut hq = replica("HQ", true);
    let post = enrolled(&mut hq, "Chiang Khong");
    let id = raw_id("slightly-ahead");
    let bytes = forged(
        &post,
        &hq,
        vec![new_revision(&id, "Ahead by an hour")],
        Some(T0 + 3_600_000),
    );
    let report = import(&mut hq, &bytes);
    assert_eq!(report.held_back, 0, "{report:?}");
    assert!(hq.article("slightly-ahead").is_ok());
}

#[test]
fn a_different_op_at_a_place_already_held_is_a_fork_not_a_duplicate() {
    let mut hq = replica("HQ", true);
    let post = enrolled(&mut hq, "Chiang Khong");
    let first = forged(
        &post,
        &hq,
        vec![new_revision(&raw_id("first-one"), "First")],
        None,
    );
    import(&mut hq, &first);
    // The same place (the post's next seq) with other content: what a restored copy sends.
    let other = forged(
        &post,
        &hq,
        vec![new_revision(&raw_id("other-one"), "Other")],
        None,
    );
    let report = import(&mut hq, &other);
    assert_eq!(report.forks.len(), 1, "{report:?}");
    assert!(report.forks[0].contains("two different ops"), "{report:?}");
    assert!(hq.article("first-one").is_ok());
    assert!(hq.article("other-one").is_err());
    assert!(hq.check().expect("check").ok());
}

#[test]
fn an_article_content_with_a_nul_byte_cannot_be_written() {
    let mut hq = replica("HQ", true);
    let user = admin(&hq);
    let err = hq
        .add_article(
            &user,
            new_article(
                ArticleContent::new("Nul", "clearance/container-seals", "a\0b"),
                false,
            ),
        )
        .expect_err("refused");
    assert!(err.to_string().contains("control character"), "{err}");
}
