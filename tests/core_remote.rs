//! The core's import of received ops (`Replica::apply_remote`), driven with an envelope of the
//! test's own rather than a sync bundle: what sync needs of the core, and nothing of sync.

use std::cell::Cell;

use outpost::Replica;
use outpost::core::{ArticlePatch, Cancel, Envelope};
use outpost::error::{Error, Result};
use outpost::model::{Hash, NodeId, SignedOp};

use crate::common::{admin, content, new_article, replica};
use crate::sync_flow::{enrolled, send};

/// The ops a bundle from `from` to `to` would carry, with an authentication the test decides.
struct Ops {
    sender: NodeId,
    vector: Vec<(NodeId, u64)>,
    ops: Vec<SignedOp>,
    blobs: Vec<(Hash, Vec<u8>)>,
    accept: bool,
    /// The key the core gave `authenticate`.
    key_seen: Cell<Option<[u8; 32]>>,
}

impl Ops {
    fn from(from: &Replica, to: &Replica, accept: bool) -> Ops {
        let bytes = from.bundle_for(to.node_id()).expect("bundle");
        let bundle = outpost::sync::bundle::decode("test", &bytes).expect("decode");
        Ops {
            sender: bundle.header.sender,
            vector: bundle.header.version_vector,
            ops: bundle.ops,
            blobs: Vec::new(),
            accept,
            key_seen: Cell::new(None),
        }
    }
}

impl Envelope for Ops {
    fn name(&self) -> &str {
        "test ops"
    }

    fn sender(&self) -> NodeId {
        self.sender
    }

    fn version_vector(&self) -> &[(NodeId, u64)] {
        &self.vector
    }

    fn ops(&self) -> &[SignedOp] {
        &self.ops
    }

    fn blobs(&self) -> &[(Hash, Vec<u8>)] {
        &self.blobs
    }

    fn authenticate(&self, _this_node: NodeId, sender_key: Option<&[u8; 32]>) -> Result<()> {
        self.key_seen.set(sender_key.copied());
        if self.accept {
            Ok(())
        } else {
            Err(Error::invalid("the test refuses this envelope"))
        }
    }
}

fn apply(into: &mut Replica, ops: &Ops) -> Result<outpost::core::RemoteReport> {
    into.apply_remote(
        std::slice::from_ref(ops),
        false,
        &mut |_, _| {},
        &Cancel::default(),
    )
}

#[test]
fn received_ops_apply_through_the_core_and_articles_new_here_are_told_from_updated_ones() {
    let mut hq = replica("HQ", true);
    let user = admin(&hq);
    let known = hq
        .add_article(
            &user,
            new_article(content("Seals", "clearance/container-seals", "a"), true),
        )
        .expect("add");
    let mut post = enrolled(&mut hq, "Chiang Khong");
    let post_user = admin(&post);
    let patch = ArticlePatch {
        body: Some("a, checked at the gate".into()),
        ..Default::default()
    };
    post.edit_article(&post_user, known.as_str(), patch)
        .expect("edit");
    let fresh = post
        .add_article(
            &post_user,
            new_article(content("Teak", "commodity/timber-wood", "b"), false),
        )
        .expect("add");

    let ops = Ops::from(&post, &hq, true);
    let report = apply(&mut hq, &ops).expect("apply");

    assert!(ops.key_seen.get().is_some(), "the post is known at HQ");
    assert_eq!(report.new_articles, vec![fresh.to_string()]);
    assert_eq!(report.updated_articles, vec![known.to_string()]);
    assert_eq!(report.new_ops, ops.ops.len() as u64);
    let article = hq.article(known.as_str()).expect("article");
    assert!(
        article.record.proposal.is_some(),
        "a post's edit of a published article is a proposal at HQ"
    );
    // The same ops again: nothing new.
    let again = apply(&mut hq, &ops).expect("again");
    assert_eq!(
        (again.new_ops, again.duplicate_ops),
        (0, ops.ops.len() as u64)
    );
    assert!(again.new_articles.is_empty() && again.updated_articles.is_empty());
}

#[test]
fn an_envelope_that_does_not_authenticate_changes_nothing() {
    let mut hq = replica("HQ", true);
    let mut post = enrolled(&mut hq, "Chiang Khong");
    let post_user = admin(&post);
    post.add_article(
        &post_user,
        new_article(content("Teak", "commodity/timber-wood", "b"), false),
    )
    .expect("add");
    let before = hq.state_hash().expect("hash");

    let ops = Ops::from(&post, &hq, false);
    let refused = apply(&mut hq, &ops);

    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(hq.state_hash().expect("hash"), before);
    // Sync's own envelope still brings the same ops in afterwards.
    let report = send(&post, &mut hq);
    assert_eq!(report.new_articles.len(), 1);
}

/// A post with one article and a photo attached to it: the photo's bytes.
fn post_with_photo(hq: &mut Replica) -> (Replica, String, Vec<u8>) {
    let mut post = enrolled(hq, "Chiang Khong");
    let user = admin(&post);
    let id = post
        .add_article(
            &user,
            new_article(content("Seal", "clearance/container-seals", "b"), false),
        )
        .expect("add");
    let photo = outpost::core::attachment_samples::png(3, 20_000);
    post.attach(&user, id.as_str(), "seal.png", &photo, "")
        .expect("attach");
    (post, id.to_string(), photo)
}

#[test]
fn blobs_an_envelope_carries_are_kept_with_its_ops_and_ops_without_theirs_leave_them_to_come() {
    let mut hq = replica("HQ", true);
    let (post, id, photo) = post_with_photo(&mut hq);
    let hash = Hash::of(&photo);

    let without = Ops::from(&post, &hq, true);
    let report = apply(&mut hq, &without).expect("apply");
    assert_eq!((report.blobs_received, report.blobs_to_come), (0, 1));
    assert_eq!(hq.blobs_to_come().expect("to come"), vec![hash]);

    let mut with = Ops::from(&post, &hq, true);
    with.blobs = vec![(hash, photo.clone())];
    let report = apply(&mut hq, &with).expect("apply");
    assert_eq!((report.blobs_received, report.blobs_to_come), (1, 0));
    let (_, held) = hq.attachment_bytes(&id, "seal.png").expect("held");
    assert_eq!(held, photo);
    assert!(
        hq.blobs_lacking_at(post.node_id())
            .expect("lacking")
            .is_empty(),
        "the sender holds what it sent: nothing to send back"
    );
}

#[test]
fn a_blob_whose_bytes_do_not_match_its_hash_refuses_the_envelope_and_changes_nothing() {
    let mut hq = replica("HQ", true);
    let (post, id, photo) = post_with_photo(&mut hq);
    let before = hq.state_hash().expect("hash");

    let mut ops = Ops::from(&post, &hq, true);
    let mut damaged = photo.clone();
    damaged[100] ^= 0x55;
    ops.blobs = vec![(Hash::of(&photo), damaged)];
    let refused = apply(&mut hq, &ops).expect_err("refused");

    assert!(
        refused.to_string().contains("does not match its hash"),
        "{refused}"
    );
    assert_eq!(hq.state_hash().expect("hash"), before);
    assert!(hq.article(&id).is_err(), "no op applied");
    assert_eq!(hq.blob_bytes().expect("bytes"), 0);
}
