//! The core's import of received ops (`Replica::apply_remote`), driven with an envelope of the
//! test's own rather than a sync bundle: what sync needs of the core, and nothing of sync.

use std::cell::Cell;

use outpost::Replica;
use outpost::core::{ArticlePatch, Cancel, Envelope};
use outpost::error::{Error, Result};
use outpost::model::{NodeId, SignedOp};

use crate::common::{admin, content, new_article, replica};
use crate::sync_flow::{enrolled, send};

/// The ops a bundle from `from` to `to` would carry, with an authentication the test decides.
struct Ops {
    sender: NodeId,
    vector: Vec<(NodeId, u64)>,
    ops: Vec<SignedOp>,
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
