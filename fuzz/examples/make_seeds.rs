//! Writes the seed corpora under fuzz/corpus/<target>/ (gitignored):
//!
//!     cd fuzz && cargo run --example make_seeds
//!
//! bundle_reader: the golden version-1 bundle, and a bundle this build writes.
//! bundle_body:   the inflated bodies (postcard ops) of those two bundles.
//! parts:         the golden bundle split into 2 and 5 parts (in and out of order), plus a
//!                whole file passed through beside parts.
//! decrypt:       the golden bundle age-encrypted to the fuzz identity, binary and armoured.
//! enrolment:     a real enrolment file written by an in-memory HQ.
//! op_decode:     every op of those two bundles, one encoded `SignedOp` per file.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use outpost::Replica;
use outpost::core::{FixedClock, InitOptions};
use outpost::sync::transport;

fn dir(target: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    std::fs::create_dir_all(&d).expect("corpus dir");
    d
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let path = dir(target).join(name);
    std::fs::write(&path, bytes).expect("write seed");
    println!("{} ({} bytes)", path.display(), bytes.len());
}

/// One seed per op, so `op_decode` starts from every payload kind the bundles hold.
fn write_ops(source: &str, ops: &[outpost::model::SignedOp]) {
    for (i, op) in ops.iter().enumerate() {
        write("op_decode", &format!("seed-{source}-op{i}"), &op.encode());
    }
}

fn main() {
    let golden_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/golden-bundle-v1.outpost");
    let golden = std::fs::read(&golden_path).expect("golden bundle");
    write("bundle_reader", "seed-golden-v1", &golden);
    let decoded = outpost::sync::bundle::decode("golden", &golden).expect("golden decodes");
    let raw = postcard::to_stdvec(&decoded.ops).expect("encode ops");
    write("bundle_body", "seed-golden-ops", &raw);
    write_ops("golden", &decoded.ops);

    // An HQ with one post enrolled: the enrolment file, and a bundle HQ writes to that post.
    let options = InitOptions {
        office: "Fuzz HQ".into(),
        hq: true,
        admin: "admin".into(),
    };
    let mut hq = Replica::create_in_memory(&options, Arc::new(FixedClock::new(1_793_491_200_000)))
        .expect("hq");
    let user = hq.resolve_user(Some("admin")).expect("admin");
    let enrolment = hq.enrol(&user, "Fuzz Post").expect("enrol");
    write("enrolment", "seed-enrolment", &enrolment);

    let post = hq.find_node("Fuzz Post").expect("post");
    let ops = hq.ops_missing_at(post.id).expect("ops");
    let bundle = hq.write_bundle(post.id, &ops).expect("bundle");
    write("bundle_reader", "seed-hq-to-post", &bundle);
    let raw = postcard::to_stdvec(&ops).expect("encode ops");
    write("bundle_body", "seed-hq-to-post-ops", &raw);
    write_ops("hq-to-post", &ops);

    let id: [u8; 16] = *b"fuzz-bundle-id!!";
    let two = transport::split(&golden, id, 4096);
    let five = transport::split(&golden, id, 1800);
    write("parts", "seed-2-parts", &outpost_fuzz::join_files(&two));
    let mut reversed = five.clone();
    reversed.reverse();
    write(
        "parts",
        "seed-5-parts-reversed",
        &outpost_fuzz::join_files(&reversed),
    );
    let mut mixed = vec![golden.clone()];
    mixed.extend(two.iter().cloned());
    write(
        "parts",
        "seed-whole-and-parts",
        &outpost_fuzz::join_files(&mixed),
    );
    write(
        "parts",
        "seed-missing-part",
        &outpost_fuzz::join_files(&five[1..]),
    );

    let to = outpost_fuzz::fuzz_identity().to_public();
    for (armor, name) in [
        (false, "seed-golden-age-binary"),
        (true, "seed-golden-age-armoured"),
    ] {
        let sealed =
            transport::encrypt(&golden, std::slice::from_ref(&to), armor).expect("encrypt");
        write("decrypt", name, &sealed);
    }
    let small = transport::encrypt(b"OUTPOSTB", std::slice::from_ref(&to), false).expect("encrypt");
    write("decrypt", "seed-small-age-binary", &small);
}
