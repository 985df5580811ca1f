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
    ID.get_or_init(|| FUZZ_AGE_IDENTITY.parse().expect("fixed fuzz identity parses"))
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
