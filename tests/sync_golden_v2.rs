//! DO NOT EDIT the fixture or the expectations here: a failure means bundles written by an
//! earlier Outpost can no longer be read. Version 2 added the blob index and the blob section
//! (attachments); change the format by adding a new version, never by changing this one.

use std::sync::Arc;

use outpost::Replica;
use outpost::core::{FixedClock, NewArticle, NodeKeys, attachment_samples};
use outpost::model::{ArticleId, Hash, Payload};
use outpost::sync::bundle;

use crate::common::{T0, admin, content, replica};

const GOLDEN: &str = "tests/fixtures/golden-bundle-v2.outpost";

fn golden_bytes() -> Vec<u8> {
    std::fs::read(format!("{}/{GOLDEN}", env!("CARGO_MANIFEST_DIR")))
        .expect("golden bundle present")
}

#[test]
fn the_version_2_golden_bundle_still_decodes_verifies_and_applies_with_its_blob() {
    let bytes = golden_bytes();
    assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), 2);
    let decoded = bundle::decode("golden", &bytes).expect("decodes");
    let h = decoded.header.clone();
    assert_eq!(decoded.ops.len(), 5);
    let photo = attachment_samples::png(42, 4_000);
    assert_eq!(decoded.blobs, vec![(Hash::of(&photo), photo.clone())]);
    assert_eq!(decoded.wanted, vec![Hash([9; 32])]);
    let sender_key = match &decoded.ops[0].op.payload {
        Payload::NodeCreated { public_key, .. } => *public_key,
        other => panic!("first op is {other:?}"),
    };
    decoded
        .verify("golden", &sender_key)
        .expect("signature verifies");

    let mut keys = NodeKeys::generate();
    keys.node = h.recipient;
    let mut node =
        Replica::in_memory_with(keys, h.sender, Arc::new(FixedClock::new(T0))).expect("node");
    let report = node
        .import_bundle_bytes("golden", &bytes, false)
        .expect("applies");
    assert_eq!(report.new_ops, 5);
    assert_eq!(report.blobs_received, 1);
    let (a, held) = node
        .attachment_bytes("golden-seal-photo", "seal.png")
        .expect("attachment");
    assert_eq!(
        (a.mime.as_str(), a.caption.as_str()),
        ("image/png", "Golden seal")
    );
    assert_eq!(held, photo);
}

/// Writes the golden fixture. Run once by hand when a NEW format version is introduced:
/// `cargo test --test main write_golden_bundle_v2 -- --ignored`, then add a new fixture file.
#[test]
#[ignore = "writes the fixture; never rerun for version 2"]
fn write_golden_bundle_v2() {
    let mut hq = replica("Golden HQ", true);
    let user = admin(&hq);
    let id = ArticleId::parse("golden-seal-photo").expect("id");
    let new = NewArticle {
        id: Some(id.clone()),
        content: content(
            "Golden seal photo",
            "clearance/container-seals",
            "A seal.\n",
        ),
        publish: true,
    };
    hq.add_article(&user, new).expect("add");
    let photo = attachment_samples::png(42, 4_000);
    hq.attach(&user, id.as_str(), "seal.png", &photo, "Golden seal")
        .expect("attach");
    let recipient = outpost::model::NodeId([0x42; 16]);
    let ops = hq.ops_missing_at(recipient).expect("ops");
    let bytes = hq
        .write_bundle_with_blobs(
            recipient,
            &ops,
            &[(Hash::of(&photo), photo.as_slice())],
            &[Hash([9; 32])],
        )
        .expect("bundle");
    let path = format!("{}/{GOLDEN}", env!("CARGO_MANIFEST_DIR"));
    assert!(
        !std::path::Path::new(&path).exists(),
        "the golden bundle exists: do not overwrite it"
    );
    std::fs::write(path, bytes).expect("write");
}
