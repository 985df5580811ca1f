//! The bundle file format, version 1 (specified in docs/bundle-format.md):
//!
//! ```text
//! magic       8 bytes   "OUTPOSTB"
//! version     u16 LE    1
//! header_len  u32 LE    at most 1 MiB
//! header      postcard  BundleHeader
//! body        body_len bytes: zstd(postcard(Vec<SignedOp>))
//! signature   64 bytes  Ed25519 by the sender over BLAKE3("outpost-bundle\0" ‖ all bytes before it)
//! ```
//! Every length and count is checked against limits before anything is allocated or inflated.

use serde::{Deserialize, Serialize};

use crate::model::{Hash, NodeId, SignedOp};

pub const MAGIC: &[u8; 8] = b"OUTPOSTB";
pub const FORMAT_VERSION: u16 = 1;
pub const MAX_HEADER: u32 = 1 << 20;
/// At most this many ops in one bundle.
pub const MAX_OPS: u64 = 10_000_000;
/// The inflated body may be at most this large …
pub const MAX_RAW: u64 = 4 << 30;
/// … and at most this many times its compressed size (a decompression bomb is refused unread).
pub const MAX_RATIO: u64 = 64;
const ZSTD_LEVEL: i32 = 3;

/// Why a bundle was refused. Nothing is changed when any of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{0} is not an Outpost bundle (it does not start with the bundle or part marker)")]
    NotABundle(String),
    #[error("{0} is truncated: it ends before the {1}; copy it again from the USB stick or email")]
    Truncated(String, &'static str),
    #[error(
        "{0} was written by a newer Outpost (bundle format {1}; this one reads {FORMAT_VERSION}): upgrade Outpost to import it"
    )]
    NewerFormat(String, u16),
    #[error("{0} is damaged: {1}; ask the sender for a new copy")]
    Damaged(String, String),
    #[error("{0} is refused: {1}")]
    Limit(String, String),
    #[error(
        "{0} is not signed by its sender {1} (the signature does not verify): it was altered after it was written; ask for a new copy"
    )]
    BadSignature(String, String),
    #[error(
        "{0} comes from node {1}, which is not enrolled here: import HQ's bundle that enrols it first, or ask HQ to enrol that post"
    )]
    UnknownSender(String, String),
    #[error("{0} is meant for node {1}, not this one ({2}): give it to the right post")]
    NotForThisNode(String, String, String),
    #[error(
        "{0} is encrypted, and the identity given does not open it (it was encrypted to someone else): use --identity with the right age key"
    )]
    WrongIdentity(String),
    #[error("{0}: {1}")]
    Parts(String, String),
    #[error("{0} holds an op that is not allowed: {1}")]
    Unauthorized(String, String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleHeader {
    pub bundle_id: [u8; 16],
    pub sender: NodeId,
    /// The node this bundle was written for.
    pub recipient: NodeId,
    pub created_millis: u64,
    pub op_count: u64,
    pub body_len: u64,
    pub raw_len: u64,
    /// BLAKE3 of the compressed body.
    pub body_hash: Hash,
    /// Everything the sender holds: node → highest contiguous seq. The receiver records it as
    /// the sender's acknowledgement.
    pub version_vector: Vec<(NodeId, u64)>,
}

/// A decoded bundle whose signature is still to be checked against the sender's key.
#[derive(Debug)]
pub struct Bundle {
    pub header: BundleHeader,
    pub ops: Vec<SignedOp>,
    signed: Hash,
    signature: [u8; 64],
}

fn digest(bytes: &[u8]) -> Hash {
    let mut h = blake3::Hasher::new();
    h.update(b"outpost-bundle\0");
    h.update(bytes);
    Hash(*h.finalize().as_bytes())
}

/// Writes a bundle of `ops`, signed with `key`.
pub fn encode(
    mut header: BundleHeader,
    ops: &[SignedOp],
    key: &ed25519_dalek::SigningKey,
) -> std::io::Result<Vec<u8>> {
    let raw = postcard::to_stdvec(ops).map_err(std::io::Error::other)?;
    let body = zstd::bulk::compress(&raw, ZSTD_LEVEL)?;
    header.op_count = ops.len() as u64;
    header.body_len = body.len() as u64;
    header.raw_len = raw.len() as u64;
    header.body_hash = Hash::of(&body);
    seal(&header, &body, key)
}

/// The bytes of a bundle file: `header` and the compressed `body` framed and signed with `key`.
/// `encode` fills in the header's counts, lengths and hash first; tests and the fuzzers forge
/// headers with it.
pub fn seal(
    header: &BundleHeader,
    body: &[u8],
    key: &ed25519_dalek::SigningKey,
) -> std::io::Result<Vec<u8>> {
    use ed25519_dalek::Signer;
    let header_bytes = postcard::to_stdvec(header).map_err(std::io::Error::other)?;
    let mut out = Vec::with_capacity(body.len() + header_bytes.len() + 80);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(header_bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(&header_bytes);
    out.extend_from_slice(body);
    let signature = key.sign(&digest(&out).0);
    out.extend_from_slice(&signature.to_bytes());
    Ok(out)
}

/// Reads a bundle: structure, limits, body hash and decompression. The signature is checked by
/// `Bundle::verify` once the sender's key is known.
pub fn decode(name: &str, bytes: &[u8]) -> Result<Bundle, BundleError> {
    let n = || name.to_string();
    let take = |at: usize, len: usize, what: &'static str| {
        bytes
            .get(at..at.saturating_add(len))
            .ok_or(BundleError::Truncated(n(), what))
    };
    if !bytes.starts_with(MAGIC) {
        return Err(if MAGIC.starts_with(bytes) && !bytes.is_empty() {
            BundleError::Truncated(n(), "format marker")
        } else {
            BundleError::NotABundle(n())
        });
    }
    let version = u16::from_le_bytes([
        take(8, 2, "format version")?[0],
        take(8, 2, "format version")?[1],
    ]);
    if version > FORMAT_VERSION {
        return Err(BundleError::NewerFormat(n(), version));
    }
    if version == 0 {
        return Err(BundleError::Damaged(
            n(),
            "format version 0 does not exist".into(),
        ));
    }
    let header_len = u32::from_le_bytes(
        take(10, 4, "header length")?
            .try_into()
            .map_err(|_| BundleError::Truncated(n(), "header length"))?,
    );
    if header_len > MAX_HEADER {
        return Err(BundleError::Limit(
            n(),
            format!("its header claims {header_len} bytes (the limit is {MAX_HEADER})"),
        ));
    }
    let header_bytes = take(14, header_len as usize, "header")?;
    let header: BundleHeader = postcard::from_bytes(header_bytes)
        .map_err(|e| BundleError::Damaged(n(), format!("the header does not decode ({e})")))?;
    if header.op_count > MAX_OPS {
        return Err(BundleError::Limit(
            n(),
            format!("it claims {} ops (the limit is {MAX_OPS})", header.op_count),
        ));
    }
    if header.raw_len > MAX_RAW
        || header.raw_len > header.body_len.saturating_mul(MAX_RATIO).max(1 << 16)
    {
        return Err(BundleError::Limit(
            n(),
            format!(
                "its body claims to inflate from {} to {} bytes (more than {MAX_RATIO}× or {MAX_RAW} bytes): a decompression bomb",
                header.body_len, header.raw_len
            ),
        ));
    }
    let body_at = 14 + header_len as usize;
    let body_len = usize::try_from(header.body_len)
        .map_err(|_| BundleError::Limit(n(), "its body is too large".into()))?;
    let body = take(body_at, body_len, "body")?;
    let signed_len = body_at + body_len;
    let signature: [u8; 64] = take(signed_len, 64, "signature")?
        .try_into()
        .map_err(|_| BundleError::Truncated(n(), "signature"))?;
    if bytes.len() != signed_len + 64 {
        return Err(BundleError::Damaged(
            n(),
            format!(
                "{} unexpected bytes after the signature",
                bytes.len() - signed_len - 64
            ),
        ));
    }
    if Hash::of(body) != header.body_hash {
        return Err(BundleError::Damaged(
            n(),
            "the body does not match its hash".into(),
        ));
    }
    let raw_len = usize::try_from(header.raw_len)
        .map_err(|_| BundleError::Limit(n(), "its body is too large".into()))?;
    // Inflate with the declared size as a hard cap: a body that inflates further is refused.
    let raw = zstd::bulk::decompress(body, raw_len)
        .map_err(|e| BundleError::Damaged(n(), format!("the body does not decompress ({e})")))?;
    if raw.len() != raw_len {
        return Err(BundleError::Damaged(
            n(),
            "the body's size differs from its header".into(),
        ));
    }
    let ops: Vec<SignedOp> = postcard::from_bytes(&raw)
        .map_err(|e| BundleError::Damaged(n(), format!("the ops do not decode ({e})")))?;
    if ops.len() as u64 != header.op_count {
        return Err(BundleError::Damaged(
            n(),
            "the op count differs from its header".into(),
        ));
    }
    Ok(Bundle {
        header,
        ops,
        signed: digest(&bytes[..signed_len]),
        signature,
    })
}

impl Bundle {
    /// Checks the sender's signature over the whole bundle.
    pub fn verify(&self, name: &str, sender_key: &[u8; 32]) -> Result<(), BundleError> {
        use ed25519_dalek::{Signature, Verifier, VerifyingKey};
        let bad = || BundleError::BadSignature(name.to_string(), self.header.sender.short());
        let key = VerifyingKey::from_bytes(sender_key).map_err(|_| bad())?;
        key.verify(&self.signed.0, &Signature::from_bytes(&self.signature))
            .map_err(|_| bad())
    }
}

/// A bundle whose header claims `raw_len` inflated bytes from a tiny body (tests only).
#[doc(hidden)]
pub fn forge_bomb_for_tests(raw_len: u64) -> Vec<u8> {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let body = zstd::bulk::compress(&[0u8; 1024], ZSTD_LEVEL).unwrap_or_default();
    let header = BundleHeader {
        bundle_id: [1; 16],
        sender: NodeId([2; 16]),
        recipient: NodeId([3; 16]),
        created_millis: 0,
        op_count: 1,
        body_len: body.len() as u64,
        raw_len,
        body_hash: Hash::of(&body),
        version_vector: vec![],
    };
    seal(&header, &body, &key).unwrap_or_default()
}

/// A correctly signed bundle from `replica` to the node `to` whose last op publishes an article,
/// which only HQ may do (tests of authorization only).
#[doc(hidden)]
pub fn forge_publish_for_tests(replica: &crate::Replica, to: &str) -> crate::Result<Vec<u8>> {
    let target = replica.find_node(to)?;
    let mut ops = replica.ops_missing_at(target.id)?;
    let last = ops
        .iter()
        .rev()
        .find(|o| o.op.node == replica.node_id())
        .cloned()
        .ok_or_else(|| crate::Error::invalid("no op of this node to build on"))?;
    let article = ops
        .iter()
        .find_map(|o| o.op.payload.article().cloned())
        .ok_or_else(|| crate::Error::invalid("no article to publish"))?;
    let op = crate::model::Op {
        format: crate::model::op::OP_FORMAT,
        node: replica.node_id(),
        seq: last.op.seq + 1,
        hlc: last.op.hlc.tick(last.op.hlc.millis),
        user: last.op.user.clone(),
        prev: last.op.hash(),
        payload: crate::model::Payload::StatusSet {
            article,
            status: crate::model::Status::Published,
        },
    }
    .sign(&replica.key);
    ops.push(op);
    replica.write_bundle(target.id, &ops)
}
