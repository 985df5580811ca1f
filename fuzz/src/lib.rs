//! Helpers shared by the fuzz targets and the seed writer (`examples/make_seeds.rs`).

use std::sync::OnceLock;

/// The rule by which the `parts` target cuts one fuzz input into several files: at every
/// occurrence of this marker (at most `MAX_FILES` files).
pub const FILE_SEP: &[u8] = b"\n--8<--\n";
pub const MAX_FILES: usize = 64;

/// A throwaway age identity made for fuzzing only (it protects nothing): the `decrypt` seeds are
/// encrypted to it, so the fuzzer starts from inputs that really open.
pub const FUZZ_AGE_IDENTITY: &str =
    "AGE-SECRET-KEY-1PZ8J8WQE0WZSAUTDFCL6FTXDLTMHW4JA4CWAM76R2TUL25YAZR9Q8GL7NH";

pub fn fuzz_identity() -> &'static age::x25519::Identity {
    static ID: OnceLock<age::x25519::Identity> = OnceLock::new();
    ID.get_or_init(|| {
        FUZZ_AGE_IDENTITY
            .parse()
            .expect("fixed fuzz identity parses")
    })
}

/// A fixed Ed25519 public key (of the secret key [7; 32]) that `bundle_reader` verifies every
/// decoded bundle against.
pub fn fixed_verifying_key() -> [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    *KEY.get_or_init(|| {
        ed25519_dalek::SigningKey::from_bytes(&[7; 32])
            .verifying_key()
            .to_bytes()
    })
}

/// Cuts `data` into named files at every `FILE_SEP` (the last piece takes the rest).
pub fn split_files(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut rest = data;
    while files.len() + 1 < MAX_FILES {
        match rest.windows(FILE_SEP.len()).position(|w| w == FILE_SEP) {
            Some(at) => {
                files.push((format!("f{}", files.len()), rest[..at].to_vec()));
                rest = &rest[at + FILE_SEP.len()..];
            }
            None => break,
        }
    }
    files.push((format!("f{}", files.len()), rest.to_vec()));
    files
}

/// The inverse of `split_files`, for writing seeds.
pub fn join_files(files: &[Vec<u8>]) -> Vec<u8> {
    files.join(FILE_SEP)
}

/// A well-formed, correctly signed (with the key behind `fixed_verifying_key`) version-1 bundle
/// whose inflated body is `raw`, whatever `raw` holds: the body hash, lengths and signature all
/// agree, so `bundle::decode` gets past every check before the ops decoder. The op count is the
/// leading varint of `raw` (postcard's sequence length), as the writer would have put it.
pub fn wrap_raw_body(raw: &[u8]) -> Vec<u8> {
    use outpost::model::{Hash, NodeId};
    use outpost::sync::bundle::{self, BundleHeader};
    let mut op_count = 0u64;
    for (i, b) in raw.iter().take(10).enumerate() {
        op_count |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            break;
        }
    }
    let body = zstd::bulk::compress(raw, 1).unwrap_or_default();
    let header = BundleHeader {
        bundle_id: [1; 16],
        sender: NodeId([2; 16]),
        recipient: NodeId([3; 16]),
        created_millis: 0,
        op_count,
        body_len: body.len() as u64,
        raw_len: raw.len() as u64,
        body_hash: Hash::of(&body),
        version_vector: vec![],
    };
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    bundle::seal(&header, &body, &key).unwrap_or_default()
}
