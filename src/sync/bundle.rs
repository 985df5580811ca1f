//! The bundle file format, version 2 (specified in docs/bundle-format.md):
//!
//! ```text
//! magic       8 bytes   "OUTPOSTB"
//! version     u16 LE    2 (1 is still read: no blob index, no blobs)
//! header_len  u32 LE    at most 1 MiB
//! header      postcard  BundleHeader, then (version 2) postcard BlobIndex
//! body        body_len bytes: zstd(postcard(Vec<SignedOp>))
//! blobs       (version 2) the blobs the index lists, back to back, as they are
//! signature   64 bytes  Ed25519 by the sender over BLAKE3("outpost-bundle\0" ‖ all bytes before it)
//! ```
//! Every length and count is checked against limits before anything is allocated or inflated.

use serde::{Deserialize, Serialize};

pub use crate::error::BundleError;
use crate::model::{Hash, NodeId, SignedOp};

pub const MAGIC: &[u8; 8] = b"OUTPOSTB";
pub const FORMAT_VERSION: u16 = 2;
/// Blobs in one bundle, and blobs one bundle asks for (the rest go in the next).
pub const MAX_BLOBS: usize = 10_000;
/// All blobs of one bundle together.
pub const MAX_BLOB_SECTION: u64 = 8 << 30;
pub const MAX_HEADER: u32 = 1 << 20;
/// At most this many ops in one bundle.
pub const MAX_OPS: u64 = 10_000_000;
/// The inflated body may be at most this large …
pub const MAX_RAW: u64 = 4 << 30;
/// … and at most this many times its compressed size (a decompression bomb is refused unread).
pub const MAX_RATIO: u64 = 64;
const ZSTD_LEVEL: i32 = 3;

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

/// Version 2: the attachments' blobs a bundle carries, and those its sender still lacks. Encoded
/// after `BundleHeader`, inside the header's bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobIndex {
    /// Each blob's BLAKE3 and length, in the order the blob section holds them.
    pub blobs: Vec<(Hash, u64)>,
    /// Blobs named by attachments the sender holds but whose bytes it has not received: the
    /// receiver sends them again even if it sent them before (a lost bundle).
    pub wanted: Vec<Hash>,
}

impl BlobIndex {
    /// Bytes of the blob section.
    pub fn section_len(&self) -> u64 {
        self.blobs
            .iter()
            .fold(0u64, |sum, (_, len)| sum.saturating_add(*len))
    }
}

/// A decoded bundle whose signature is still to be checked against the sender's key.
#[derive(Debug)]
pub struct Bundle {
    pub header: BundleHeader,
    pub ops: Vec<SignedOp>,
    /// The blobs carried (checked against their hashes), and those the sender lacks.
    pub blobs: Vec<(Hash, Vec<u8>)>,
    pub wanted: Vec<Hash>,
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
    header: BundleHeader,
    ops: &[SignedOp],
    key: &ed25519_dalek::SigningKey,
) -> std::io::Result<Vec<u8>> {
    encode_with_blobs(header, ops, &[], &[], key)
}

/// Writes a bundle of `ops` carrying `blobs` and asking for `wanted`, signed with `key`.
pub fn encode_with_blobs(
    mut header: BundleHeader,
    ops: &[SignedOp],
    blobs: &[(Hash, &[u8])],
    wanted: &[Hash],
    key: &ed25519_dalek::SigningKey,
) -> std::io::Result<Vec<u8>> {
    let raw = postcard::to_stdvec(ops).map_err(std::io::Error::other)?;
    let body = zstd::bulk::compress(&raw, ZSTD_LEVEL)?;
    header.op_count = ops.len() as u64;
    header.body_len = body.len() as u64;
    header.raw_len = raw.len() as u64;
    header.body_hash = Hash::of(&body);
    let index = BlobIndex {
        blobs: blobs.iter().map(|(h, b)| (*h, b.len() as u64)).collect(),
        wanted: wanted.to_vec(),
    };
    seal_with_blobs(&header, &body, &index, blobs, key)
}

/// The bytes of a bundle file: `header` and the compressed `body` framed and signed with `key`.
/// `encode` fills in the header's counts, lengths and hash first; tests and the fuzzers forge
/// headers with it.
pub fn seal(
    header: &BundleHeader,
    body: &[u8],
    key: &ed25519_dalek::SigningKey,
) -> std::io::Result<Vec<u8>> {
    seal_with_blobs(header, body, &BlobIndex::default(), &[], key)
}

/// As `seal`, with a blob index and its blobs (in the index's order).
pub fn seal_with_blobs(
    header: &BundleHeader,
    body: &[u8],
    index: &BlobIndex,
    blobs: &[(Hash, &[u8])],
    key: &ed25519_dalek::SigningKey,
) -> std::io::Result<Vec<u8>> {
    use ed25519_dalek::Signer;
    let mut header_bytes = postcard::to_stdvec(header).map_err(std::io::Error::other)?;
    header_bytes.extend(postcard::to_stdvec(index).map_err(std::io::Error::other)?);
    let section = index.section_len() as usize;
    let mut out = Vec::with_capacity(body.len() + section + header_bytes.len() + 80);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(header_bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(&header_bytes);
    out.extend_from_slice(body);
    for (_, blob) in blobs {
        out.extend_from_slice(blob);
    }
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
            .ok_or(BundleError::Truncated {
                file: n(),
                before: what,
            })
    };
    if !bytes.starts_with(MAGIC) {
        return Err(if MAGIC.starts_with(bytes) && !bytes.is_empty() {
            BundleError::Truncated {
                file: n(),
                before: "format marker",
            }
        } else {
            BundleError::NotABundle { file: n() }
        });
    }
    let version = u16::from_le_bytes([
        take(8, 2, "format version")?[0],
        take(8, 2, "format version")?[1],
    ]);
    if version > FORMAT_VERSION {
        return Err(BundleError::NewerFormat {
            file: n(),
            format: version,
            reads: FORMAT_VERSION,
        });
    }
    if version == 0 {
        return Err(BundleError::Damaged {
            file: n(),
            why: "format version 0 does not exist".into(),
        });
    }
    let header_len =
        u32::from_le_bytes(take(10, 4, "header length")?.try_into().map_err(|_| {
            BundleError::Truncated {
                file: n(),
                before: "header length",
            }
        })?);
    if header_len > MAX_HEADER {
        return Err(BundleError::Limit {
            file: n(),
            why: format!("its header claims {header_len} bytes (the limit is {MAX_HEADER})"),
        });
    }
    let header_bytes = take(14, header_len as usize, "header")?;
    let (header, index) =
        split_header(version, header_bytes).map_err(|e| BundleError::Damaged {
            file: n(),
            why: format!("the header does not decode ({e})"),
        })?;
    check_index(&index).map_err(|why| BundleError::Limit { file: n(), why })?;
    if header.op_count > MAX_OPS {
        return Err(BundleError::Limit {
            file: n(),
            why: format!("it claims {} ops (the limit is {MAX_OPS})", header.op_count),
        });
    }
    if header.raw_len > MAX_RAW
        || header.raw_len > header.body_len.saturating_mul(MAX_RATIO).max(1 << 16)
    {
        return Err(BundleError::Limit {
            file: n(),
            why: format!(
                "its body claims to inflate from {} to {} bytes (more than {MAX_RATIO}× or {MAX_RAW} bytes): a decompression bomb",
                header.body_len, header.raw_len
            ),
        });
    }
    let body_at = 14 + header_len as usize;
    let body_len = usize::try_from(header.body_len).map_err(|_| BundleError::Limit {
        file: n(),
        why: "its body is too large".into(),
    })?;
    let body = take(body_at, body_len, "body")?;
    let mut blobs = Vec::with_capacity(index.blobs.len());
    let mut at = body_at + body_len;
    for (hash, len) in &index.blobs {
        let len = usize::try_from(*len).map_err(|_| BundleError::Limit {
            file: n(),
            why: "a blob is too large".into(),
        })?;
        let blob = take(at, len, "a blob")?;
        if Hash::of(blob) != *hash {
            return Err(BundleError::Damaged {
                file: n(),
                why: format!("the blob {} does not match its hash", hash.short()),
            });
        }
        blobs.push((*hash, blob.to_vec()));
        at += len;
    }
    let signed_len = at;
    let signature: [u8; 64] =
        take(signed_len, 64, "signature")?
            .try_into()
            .map_err(|_| BundleError::Truncated {
                file: n(),
                before: "signature",
            })?;
    if bytes.len() != signed_len + 64 {
        return Err(BundleError::Damaged {
            file: n(),
            why: format!(
                "{} unexpected bytes after the signature",
                bytes.len() - signed_len - 64
            ),
        });
    }
    if Hash::of(body) != header.body_hash {
        return Err(BundleError::Damaged {
            file: n(),
            why: "the body does not match its hash".into(),
        });
    }
    let raw_len = usize::try_from(header.raw_len).map_err(|_| BundleError::Limit {
        file: n(),
        why: "its body is too large".into(),
    })?;
    // Inflate with the declared size as a hard cap: a body that inflates further is refused.
    let raw = zstd::bulk::decompress(body, raw_len).map_err(|e| BundleError::Damaged {
        file: n(),
        why: format!("the body does not decompress ({e})"),
    })?;
    if raw.len() != raw_len {
        return Err(BundleError::Damaged {
            file: n(),
            why: "the body's size differs from its header".into(),
        });
    }
    let ops: Vec<SignedOp> = postcard::from_bytes(&raw).map_err(|e| BundleError::Damaged {
        file: n(),
        why: format!("the ops do not decode ({e})"),
    })?;
    if ops.len() as u64 != header.op_count {
        return Err(BundleError::Damaged {
            file: n(),
            why: "the op count differs from its header".into(),
        });
    }
    Ok(Bundle {
        header,
        ops,
        blobs,
        wanted: index.wanted,
        signed: digest(&bytes[..signed_len]),
        signature,
    })
}

/// The header's bytes as `BundleHeader` and, from version 2 on, the `BlobIndex` after it
/// (version 1 readers ignored what followed the header, and so does this one for version 1).
pub fn split_header(
    version: u16,
    bytes: &[u8],
) -> Result<(BundleHeader, BlobIndex), postcard::Error> {
    let (header, rest) = postcard::take_from_bytes::<BundleHeader>(bytes)?;
    if version < 2 {
        return Ok((header, BlobIndex::default()));
    }
    let (index, rest) = postcard::take_from_bytes::<BlobIndex>(rest)?;
    if !rest.is_empty() {
        return Err(postcard::Error::DeserializeBadEncoding);
    }
    Ok((header, index))
}

/// The blob index within the limits: counts, each blob, the section.
pub fn check_index(index: &BlobIndex) -> Result<(), String> {
    if index.blobs.len() > MAX_BLOBS || index.wanted.len() > MAX_BLOBS {
        return Err(format!(
            "it lists {} blobs and asks for {} (at most {MAX_BLOBS} each)",
            index.blobs.len(),
            index.wanted.len()
        ));
    }
    let limit = crate::model::attachment::limits::BLOB_BYTES;
    if let Some((hash, len)) = index.blobs.iter().find(|(_, len)| *len > limit) {
        return Err(format!(
            "its blob {} claims {len} bytes (at most {limit})",
            hash.short()
        ));
    }
    if index.section_len() > MAX_BLOB_SECTION {
        return Err(format!(
            "its blobs claim {} bytes (at most {MAX_BLOB_SECTION})",
            index.section_len()
        ));
    }
    Ok(())
}

impl Bundle {
    /// Checks the sender's signature over the whole bundle.
    pub fn verify(&self, name: &str, sender_key: &[u8; 32]) -> Result<(), BundleError> {
        use ed25519_dalek::{Signature, Verifier, VerifyingKey};
        let bad = || BundleError::BadSignature {
            file: name.to_string(),
            sender: self.header.sender.short(),
        };
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
