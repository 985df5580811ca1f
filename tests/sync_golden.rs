//! DO NOT EDIT the fixture or the expectations here: a failure means bundles written by an
//! earlier Outpost can no longer be read. Change the format by adding a new version that the
//! reader also accepts, never by changing version 1.

use std::sync::Arc;

use outpost::Replica;
use outpost::core::{FixedClock, NewArticle, NodeKeys};
use outpost::model::{ArticleId, Payload};
use outpost::sync::bundle;

use crate::common::{T0, admin, content, replica};

const GOLDEN: &str = "tests/fixtures/golden-bundle-v1.outpost";

fn golden_bytes() -> Vec<u8> {
    std::fs::read(format!("{}/{GOLDEN}", env!("CARGO_MANIFEST_DIR")))
        .expect("golden bundle present")
}

#[test]
fn the_version_1_golden_bundle_still_decodes_verifies_and_applies() {
    let bytes = golden_bytes();
    let decoded = bundle::decode("golden", &bytes).expect("decodes");
    let h = &decoded.header;
    assert_eq!(h.op_count, 6);
    assert_eq!(decoded.ops.len(), 6);
    let (sender_key, office) = match &decoded.ops[0].op.payload {
        Payload::NodeCreated {
            public_key, office, ..
        } => (*public_key, office.clone()),
        other => panic!("first op is {other:?}"),
    };
    assert_eq!(office, "Golden HQ");
    decoded
        .verify("golden", &sender_key)
        .expect("signature verifies");
    let titles: Vec<&str> = decoded
        .ops
        .iter()
        .filter_map(|o| match &o.op.payload {
            Payload::RevisionAdded { revision, .. } => Some(revision.content.title.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(titles, ["Golden seal check", "Golden seal check, revised"]);

    // A node that trusts the golden HQ applies it, and the article is there.
    let mut keys = NodeKeys::generate();
    keys.node = h.recipient;
    let mut node =
        Replica::in_memory_with(keys, h.sender, Arc::new(FixedClock::new(T0))).expect("node");
    let report = node
        .import_bundle_bytes("golden", &bytes, false)
        .expect("applies");
    assert_eq!(report.new_ops, 6);
    let article = node.article("golden-seal-check").expect("article").record;
    assert_eq!(article.content.title, "Golden seal check, revised");
    assert_eq!(article.revision_count, 2);
}

/// Writes the golden fixture. Run once by hand when a NEW format version is introduced:
/// `cargo test --test main write_golden_bundle -- --ignored`, then add a new fixture file.
#[test]
#[ignore = "writes the fixture; never rerun for version 1"]
fn write_golden_bundle() {
    let mut hq = replica("Golden HQ", true);
    let user = admin(&hq);
    let id = ArticleId::parse("golden-seal-check").expect("id");
    let new = NewArticle {
        id: Some(id.clone()),
        content: content(
            "Golden seal check",
            "clearance/container-seals",
            "Check the bolt seal.\n",
        ),
        publish: true,
    };
    hq.add_article(&user, new).expect("add");
    let patch = outpost::core::ArticlePatch {
        title: Some("Golden seal check, revised".into()),
        ..Default::default()
    };
    hq.edit_article(&user, id.as_str(), patch).expect("edit");
    let recipient = outpost::model::NodeId([0x42; 16]);
    let bytes = hq.bundle_for(recipient).expect("bundle");
    let path = format!("{}/{GOLDEN}", env!("CARGO_MANIFEST_DIR"));
    assert!(
        !std::path::Path::new(&path).exists(),
        "the golden bundle exists: do not overwrite it"
    );
    std::fs::write(path, bytes).expect("write");
}
