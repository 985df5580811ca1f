//! Backups: one file holding everything a node cannot rebuild — its signing and age keys, its
//! op log in apply order, and its node-local tables (metadata, ops held back, what peers hold,
//! passwords and sign-in failures, attachments' files: `backup_local.rs`) — taken from one read transaction, so a backup is consistent while other processes (the
//! interface, an import) write to the node. Materialized tables and the search index are not in
//! it: a restore rebuilds them by replaying the log. Format (docs/backup.md):
//!
//! ```text
//! magic       8 bytes   "OUTPOSTK"
//! version     u16 LE    2 (1: without the passwords and attachments, still read)
//! header_len  u32 LE    at most 1 MiB
//! header      postcard  BackupHeader (node, office, key, time, op count, state hash, lengths)
//! body        body_len bytes: zstd(postcard(BackupBody))
//! digest      32 bytes  BLAKE3("outpost-backup\0" ‖ every byte before it)
//! signature   64 bytes  Ed25519 by the node's key over the digest
//! ```
//!
//! Reading one ([`read_backup`]) checks the frame, the digest, the signature, that the keys
//! inside are the node's, every op's signature and hash chain by replaying the log into a
//! scratch store, and that the replay reproduces the state hash recorded when it was taken.

use std::path::Path;

use redb::{Database, ReadableDatabase, ReadableTable};
use serde::{Deserialize, Serialize};

use super::apply::{Applied, apply_op};
use super::backup_local::LocalTables;
use super::batch::Batch;
use super::check::{state_hash, state_hash_in};
use super::replica::create_tables;
use crate::core::Replica;
use crate::error::{Error, Result};
use crate::model::{Hash, Hlc, NodeId, NodeInfo, SignedOp};
use crate::store::{self, meta_keys};

pub const MAGIC: &[u8; 8] = b"OUTPOSTK";
pub const FORMAT_VERSION: u16 = 2;
const MAX_HEADER: u32 = 1 << 20;
/// The inflated body may be at most this large, and this many times its compressed size.
const MAX_RAW: u64 = 16 << 30;
const MAX_RATIO: u64 = 64;
const ZSTD_LEVEL: i32 = 3;
const TRAILER: usize = 32 + 64;

/// What a backup says of itself, readable before its body is inflated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupHeader {
    pub node: NodeId,
    pub office: String,
    /// The node's Ed25519 public key: the backup's signature and the node's ops verify with it.
    pub public_key: [u8; 32],
    pub created_millis: u64,
    pub op_count: u64,
    /// `Replica::state_hash` of the snapshot the backup was taken from.
    pub state_hash: Hash,
    pub body_len: u64,
    pub raw_len: u64,
}

/// An op's place: (node, seq).
type OpKey = ([u8; 16], u64);

/// Everything a node cannot rebuild.
#[derive(Serialize, Deserialize)]
pub(super) struct BackupBody {
    pub signing_key: [u8; 32],
    pub age_identity: String,
    /// The whole `meta` table as it was (node id, trust root, clock, own-history marks…).
    pub meta: Vec<(String, Vec<u8>)>,
    /// The op log, in the node's apply order.
    pub ops: Vec<SignedOp>,
    /// Ops held back for want of what they build on: (node, seq) → encoded op.
    pub pending: Vec<(OpKey, Vec<u8>)>,
    /// What each peer is known to hold: node → encoded `PeerRecord`.
    pub peers: Vec<([u8; 16], Vec<u8>)>,
    /// Passwords, sign-in failures, attachments' files (format 2).
    pub local: LocalTables,
}

/// The body of a format-1 backup, written before passwords and attachments were kept: read as
/// a body with none.
#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct BackupBodyV1 {
    signing_key: [u8; 32],
    age_identity: String,
    meta: Vec<(String, Vec<u8>)>,
    ops: Vec<SignedOp>,
    pending: Vec<(OpKey, Vec<u8>)>,
    peers: Vec<([u8; 16], Vec<u8>)>,
}

impl From<BackupBodyV1> for BackupBody {
    fn from(v1: BackupBodyV1) -> Self {
        BackupBody {
            signing_key: v1.signing_key,
            age_identity: v1.age_identity,
            meta: v1.meta,
            ops: v1.ops,
            pending: v1.pending,
            peers: v1.peers,
            local: LocalTables::default(),
        }
    }
}

/// What `outpost backup` wrote.
#[derive(Clone, Debug, Serialize)]
pub struct BackupReport {
    pub node: String,
    pub office: String,
    pub ops: u64,
    pub bytes: u64,
    pub state_hash: String,
    pub created_millis: u64,
}

/// A backup whose frame, digest, signature and keys checked out (the log is checked by
/// replaying it: [`replay`]).
pub(super) struct Backup {
    pub header: BackupHeader,
    pub body: BackupBody,
}

impl Replica {
    /// The bytes of a backup of this node, from one read transaction.
    pub fn backup_bytes(&self) -> Result<(Vec<u8>, BackupHeader)> {
        use age::secrecy::ExposeSecret;
        let txn = self.db.begin_read()?;
        let mut meta = Vec::new();
        for row in txn.open_table(store::META)?.iter()? {
            let (k, v) = row?;
            meta.push((k.value().to_string(), v.value().to_vec()));
        }
        let ops_table = txn.open_table(store::OPS)?;
        let mut ops = Vec::new();
        for row in txn.open_table(store::LOG)?.iter()? {
            let (position, key) = row?;
            let bytes = ops_table.get(key.value())?.ok_or_else(|| {
                Error::corrupt(format!(
                    "log position {} names a missing op; run `outpost check`",
                    position.value()
                ))
            })?;
            ops.push(SignedOp::decode(bytes.value())?);
        }
        let mut pending = Vec::new();
        for row in txn.open_table(store::PENDING)?.iter()? {
            let (k, v) = row?;
            pending.push((k.value(), v.value().to_vec()));
        }
        let mut peers = Vec::new();
        for row in txn.open_table(store::PEERS)?.iter()? {
            let (k, v) = row?;
            peers.push((k.value(), v.value().to_vec()));
        }
        let local = LocalTables::read(&txn)?;
        let info: NodeInfo = store::get(&txn.open_table(store::NODES)?, self.node.0)?
            .ok_or_else(|| Error::corrupt("this node's own first op is not in its log"))?;
        let state = state_hash_in(&txn)?;
        drop(txn);
        let body = BackupBody {
            signing_key: self.key.to_bytes(),
            age_identity: self.age.to_string().expose_secret().to_string(),
            meta,
            ops,
            pending,
            peers,
            local,
        };
        let raw = postcard::to_stdvec(&body)
            .map_err(|e| Error::io("cannot encode the backup", std::io::Error::other(e)))?;
        let compressed = zstd::bulk::compress(&raw, ZSTD_LEVEL)
            .map_err(|e| Error::io("cannot compress the backup", e))?;
        let header = BackupHeader {
            node: self.node,
            office: info.office,
            public_key: info.public_key,
            created_millis: self.now_millis(),
            op_count: body.ops.len() as u64,
            state_hash: state,
            body_len: compressed.len() as u64,
            raw_len: raw.len() as u64,
        };
        let header_bytes = postcard::to_stdvec(&header)
            .map_err(|e| Error::io("cannot encode the backup", std::io::Error::other(e)))?;
        let mut out = Vec::with_capacity(compressed.len() + header_bytes.len() + 110);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(header_bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&header_bytes);
        out.extend_from_slice(&compressed);
        let sum = digest(&out);
        use ed25519_dalek::Signer;
        let signature = self.key.sign(&sum.0);
        out.extend_from_slice(&sum.0);
        out.extend_from_slice(&signature.to_bytes());
        Ok((out, header))
    }

    /// `outpost backup FILE`: writes a backup, verified before it is put in place — read back
    /// from the disk and its log replayed — so a file at `path` is always a whole, good backup.
    /// An existing `path` is replaced only when `overwrite`.
    pub fn backup(&self, path: &Path, overwrite: bool) -> Result<BackupReport> {
        if path.exists() && !overwrite {
            return Err(Error::invalid(format!(
                "{} exists already: give another file name, or add --force to replace it",
                path.display()
            )));
        }
        let (bytes, header) = self.backup_bytes()?;
        let name = path.display().to_string();
        let partial = partial_path(path);
        let written = write_private(&partial, &bytes).and_then(|()| {
            let back = std::fs::read(&partial)
                .map_err(|e| Error::io(format!("cannot read back {}", partial.display()), e))?;
            if back != bytes {
                return Err(Error::corrupt(format!(
                    "{} does not read back as it was written: the disk may be failing",
                    partial.display()
                )));
            }
            let backup = read_backup(&name, &back)?;
            let scratch =
                Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
            replay(&scratch, &name, &backup)?;
            std::fs::rename(&partial, path)
                .map_err(|e| Error::io(format!("cannot move the backup to {name}"), e))
        });
        if let Err(e) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        Ok(BackupReport {
            node: header.node.to_string(),
            office: header.office,
            ops: header.op_count,
            bytes: bytes.len() as u64,
            state_hash: header.state_hash.to_string(),
            created_millis: header.created_millis,
        })
    }
}

/// `FILE.partial` beside `FILE`: where a backup is written before it is verified.
fn partial_path(path: &Path) -> std::path::PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

/// Writes `bytes` to a new file readable by its owner only (a backup holds the node's keys).
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let _ = std::fs::remove_file(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
}

fn digest(bytes: &[u8]) -> Hash {
    let mut h = blake3::Hasher::new();
    h.update(b"outpost-backup\0");
    h.update(bytes);
    Hash(*h.finalize().as_bytes())
}

/// A backup refused: what is wrong, and that nothing was changed.
fn refused(name: &str, why: impl std::fmt::Display) -> Error {
    Error::invalid(format!("{name} is refused: {why}; nothing was changed"))
}

fn truncated(name: &str, before: &str) -> Error {
    refused(
        name,
        format!(
            "it is truncated (it ends before {before}): the copy is incomplete — use another copy of the backup"
        ),
    )
}

fn damaged(name: &str, why: impl std::fmt::Display) -> Error {
    refused(
        name,
        format!("it is damaged ({why}) — use another copy of the backup"),
    )
}

/// Reads a backup's frame and body: structure, limits, digest, signature, and that the keys it
/// holds are the node's. The log itself is checked by [`replay`].
pub(super) fn read_backup(name: &str, bytes: &[u8]) -> Result<Backup> {
    if !bytes.starts_with(MAGIC) {
        if MAGIC.starts_with(bytes) {
            return Err(truncated(name, "its marker"));
        }
        return Err(refused(
            name,
            "it is not an Outpost backup (it does not start with the backup marker)",
        ));
    }
    let at = |range: std::ops::Range<usize>, before: &str| {
        bytes.get(range).ok_or_else(|| truncated(name, before))
    };
    let version = at(8..10, "its format version")?;
    let version = u16::from_le_bytes([version[0], version[1]]);
    if version > FORMAT_VERSION {
        return Err(refused(
            name,
            format!(
                "it was written by a newer Outpost (backup format {version}; this one reads {FORMAT_VERSION}): upgrade Outpost to restore it"
            ),
        ));
    }
    if version == 0 {
        return Err(damaged(name, "format version 0 does not exist"));
    }
    let len = at(10..14, "its header")?;
    let header_len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]);
    if header_len > MAX_HEADER {
        return Err(damaged(
            name,
            "its header is larger than any Outpost writes",
        ));
    }
    let header_end = 14 + header_len as usize;
    let header: BackupHeader =
        postcard::from_bytes(at(14..header_end, "the end of its header")?)
            .map_err(|e| damaged(name, format!("its header does not decode: {e}")))?;
    let body_end = usize::try_from(header.body_len)
        .ok()
        .and_then(|n| n.checked_add(header_end))
        .ok_or_else(|| damaged(name, "its body length is impossible"))?;
    let end = body_end
        .checked_add(TRAILER)
        .ok_or_else(|| damaged(name, "its body length is impossible"))?;
    let body = at(header_end..body_end, "the end of its body")?;
    let trailer = at(body_end..end, "its checksum and signature")?;
    if bytes.len() > end {
        return Err(damaged(
            name,
            format!("{} bytes follow its signature", bytes.len() - end),
        ));
    }
    let (sum, signature) = trailer.split_at(32);
    if digest(&bytes[..body_end]).0 != sum {
        return Err(damaged(
            name,
            "its BLAKE3 checksum does not match its bytes",
        ));
    }
    verify_signature(&header.public_key, sum, signature)
        .map_err(|()| damaged(name, "its signature does not verify with the node's key"))?;
    if header.raw_len > MAX_RAW || header.raw_len > header.body_len.saturating_mul(MAX_RATIO) {
        return Err(damaged(name, "its body inflates beyond any Outpost writes"));
    }
    let raw = zstd::bulk::decompress(body, header.raw_len as usize)
        .map_err(|e| damaged(name, format!("its body does not inflate: {e}")))?;
    let decoded = if version == 1 {
        postcard::from_bytes::<BackupBodyV1>(&raw).map(BackupBody::from)
    } else {
        postcard::from_bytes::<BackupBody>(&raw)
    };
    let body = decoded.map_err(|e| damaged(name, format!("its body does not decode: {e}")))?;
    if let Some(hash) = body.local.misnamed_blob() {
        return Err(damaged(
            name,
            format!(
                "the attachment file {} inside does not match its hash",
                hash.short()
            ),
        ));
    }
    let signing = ed25519_dalek::SigningKey::from_bytes(&body.signing_key);
    if signing.verifying_key().to_bytes() != header.public_key {
        return Err(damaged(name, "the signing key inside is not the node's"));
    }
    if body.age_identity.parse::<age::x25519::Identity>().is_err() {
        return Err(damaged(name, "the age identity inside is malformed"));
    }
    if body.ops.len() as u64 != header.op_count {
        return Err(damaged(name, "it holds another number of ops than it says"));
    }
    Ok(Backup { header, body })
}

fn verify_signature(key: &[u8; 32], message: &[u8], signature: &[u8]) -> Result<(), ()> {
    use ed25519_dalek::Verifier;
    let key = ed25519_dalek::VerifyingKey::from_bytes(key).map_err(|_| ())?;
    let signature = ed25519_dalek::Signature::from_slice(signature).map_err(|_| ())?;
    key.verify(message, &signature).map_err(|_| ())
}

impl Backup {
    pub fn meta(&self, key: &str) -> Option<&[u8]> {
        self.body
            .meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    }

    pub fn trust_root(&self) -> Option<NodeId> {
        self.meta(meta_keys::TRUST_ROOT)
            .and_then(|v| <[u8; 16]>::try_from(v).ok())
            .map(NodeId)
    }
}

/// Rebuilds the backed-up node in the empty store `db`: its metadata, its log replayed with
/// every signature and chain link checked, its local tables; then checks that the replay
/// reproduces the backup's state hash and identity. Returns the node as the replay made it.
pub(super) fn replay(db: &Database, name: &str, backup: &Backup) -> Result<NodeInfo> {
    let header = &backup.header;
    if backup.meta(meta_keys::NODE_ID) != Some(header.node.0.as_slice()) {
        return Err(damaged(
            name,
            "its metadata names another node than its header",
        ));
    }
    let txn = db.begin_write()?;
    create_tables(&txn)?;
    {
        let mut meta = txn.open_table(store::META)?;
        for (k, v) in &backup.body.meta {
            // The log's length and the clock are the replay's to set.
            if k != meta_keys::LOG_LEN && k != meta_keys::HLC {
                meta.insert(k.as_str(), v.as_slice())?;
            }
        }
    }
    {
        let mut batch = Batch::open(&txn)?;
        for op in &backup.body.ops {
            let o = &op.op;
            let place = || format!("op {} of node {}", o.seq, o.node.short());
            match apply_op(&mut batch, op, true, None) {
                Ok(Applied::New | Applied::Refused(_)) => {}
                Ok(Applied::Duplicate) => {
                    return Err(damaged(name, format!("it holds {} twice", place())));
                }
                Ok(Applied::Waits { reason }) => {
                    return Err(damaged(
                        name,
                        format!("{} cannot apply where it stands: {reason}", place()),
                    ));
                }
                Ok(Applied::Forked { .. }) => {
                    return Err(damaged(
                        name,
                        format!("it holds two versions of {}", place()),
                    ));
                }
                Err(e) => return Err(damaged(name, e)),
            }
        }
        batch.finish()?;
    }
    {
        let mut meta = txn.open_table(store::META)?;
        if let Some(saved) = backup.meta(meta_keys::HLC) {
            let saved: Hlc = store::decode(saved).map_err(|e| damaged(name, e))?;
            let replayed: Hlc = match meta.get(meta_keys::HLC)? {
                Some(v) => store::decode(v.value())?,
                None => Hlc::default(),
            };
            if saved > replayed {
                meta.insert(meta_keys::HLC, store::encode(&saved).as_slice())?;
            }
        }
        let mut pending = txn.open_table(store::PENDING)?;
        for (k, v) in &backup.body.pending {
            pending.insert(*k, v.as_slice())?;
        }
        let mut peers = txn.open_table(store::PEERS)?;
        for (k, v) in &backup.body.peers {
            peers.insert(*k, v.as_slice())?;
        }
    }
    backup.body.local.write_sign_in(&txn)?;
    backup.body.local.write_blobs(&txn)?;
    txn.commit()?;
    // A revocation the log holds after ops it refuses: the node replayed once more, so must this.
    super::rematerialize::replay_if_needed(db)?;
    let state = state_hash(db)?;
    if state != header.state_hash {
        return Err(damaged(
            name,
            "replaying its log does not give the state it was taken from",
        ));
    }
    let info: Option<NodeInfo> =
        store::get(&db.begin_read()?.open_table(store::NODES)?, header.node.0)?;
    match info {
        Some(info) if info.public_key == header.public_key => Ok(info),
        _ => Err(damaged(
            name,
            "its log does not introduce the node with the key it is signed with",
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::core::{FixedClock, InitOptions};

    /// A backup of a fresh node, and where its header ends.
    fn backup() -> (Vec<u8>, BackupHeader, usize) {
        let replica =
            Replica::create_in_memory(&InitOptions::new("Mae Sai"), Arc::new(FixedClock::new(7)))
                .expect("node");
        let (bytes, header) = replica.backup_bytes().expect("backup");
        let len = u32::from_le_bytes([bytes[10], bytes[11], bytes[12], bytes[13]]) as usize;
        (bytes, header, 14 + len)
    }

    /// The backup with its header replaced by `header` (its checksum no longer matches).
    fn with_header(bytes: &[u8], end: usize, header: &BackupHeader) -> Vec<u8> {
        let encoded = postcard::to_stdvec(header).expect("header");
        let mut out = bytes[..10].to_vec();
        out.extend_from_slice(&(encoded.len() as u32).to_le_bytes());
        out.extend_from_slice(&encoded);
        out.extend_from_slice(&bytes[end..]);
        out
    }

    fn refusal(bytes: &[u8]) -> String {
        match read_backup("b", bytes) {
            Ok(_) => panic!("a forged backup was read"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_backup_reads_back_and_replays_to_its_state() {
        let (bytes, header, _) = backup();
        let read = read_backup("b", &bytes).expect("reads");
        assert_eq!(read.header, header);
        let scratch = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .expect("scratch");
        let node = replay(&scratch, "b", &read).expect("replays");
        assert_eq!(node.office, "Mae Sai");
    }

    /// A backup framed and signed as `version` around `raw` (an encoded body), as a node with
    /// `key` would write it.
    fn framed(version: u16, header: &BackupHeader, raw: &[u8], key: &[u8; 32]) -> Vec<u8> {
        use ed25519_dalek::Signer;
        let compressed = zstd::bulk::compress(raw, ZSTD_LEVEL).expect("compress");
        let header = BackupHeader {
            body_len: compressed.len() as u64,
            raw_len: raw.len() as u64,
            ..header.clone()
        };
        let encoded = postcard::to_stdvec(&header).expect("header");
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&version.to_le_bytes());
        out.extend_from_slice(&(encoded.len() as u32).to_le_bytes());
        out.extend_from_slice(&encoded);
        out.extend_from_slice(&compressed);
        let sum = digest(&out);
        let signature = ed25519_dalek::SigningKey::from_bytes(key).sign(&sum.0);
        out.extend_from_slice(&sum.0);
        out.extend_from_slice(&signature.to_bytes());
        out
    }

    #[test]
    fn a_format_1_backup_still_reads_with_no_passwords_or_attachments() {
        let (bytes, header, _) = backup();
        let body = read_backup("b", &bytes).expect("reads").body;
        let v1 = BackupBodyV1 {
            signing_key: body.signing_key,
            age_identity: body.age_identity.clone(),
            meta: body.meta.clone(),
            ops: body.ops.clone(),
            pending: body.pending.clone(),
            peers: body.peers.clone(),
        };
        let raw = postcard::to_stdvec(&v1).expect("body");
        let old = framed(1, &header, &raw, &body.signing_key);
        let read = read_backup("b", &old).expect("a format-1 backup reads");
        assert_eq!(read.body.ops.len(), body.ops.len());
        assert_eq!(read.body.local, LocalTables::default());
        let scratch = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .expect("scratch");
        replay(&scratch, "b", &read).expect("replays");
    }

    #[test]
    fn an_attachment_file_that_does_not_match_its_hash_is_refused() {
        let (bytes, header, _) = backup();
        let mut body = read_backup("b", &bytes).expect("reads").body;
        body.local
            .blobs
            .push((Hash::of(b"the seal photo").0, b"another photo".to_vec()));
        let raw = postcard::to_stdvec(&body).expect("body");
        let forged = framed(FORMAT_VERSION, &header, &raw, &body.signing_key);
        let e = refusal(&forged);
        assert!(e.contains("does not match its hash"), "{e}");
        assert!(e.contains("nothing was changed"), "{e}");
    }

    #[test]
    fn impossible_lengths_are_refused_without_a_panic() {
        let (bytes, header, end) = backup();
        // A body ending where its trailer would end past the last address (every length near
        // u64::MAX encodes in as many bytes, so the header's length is known beforehand).
        let near = BackupHeader {
            body_len: u64::MAX,
            ..header.clone()
        };
        let header_end = 14 + postcard::to_stdvec(&near).expect("header").len() as u64;
        let trailer_past_the_end = u64::MAX - header_end - 50;
        // Past the last address; the trailer past it; one byte more than the file holds.
        for body_len in [u64::MAX, trailer_past_the_end, header.body_len + 1] {
            let forged = with_header(
                &bytes,
                end,
                &BackupHeader {
                    body_len,
                    ..header.clone()
                },
            );
            let e = refusal(&forged);
            assert!(e.contains("nothing was changed"), "{e}");
        }
        let huge = BackupHeader {
            raw_len: u64::MAX,
            ..header.clone()
        };
        let e = refusal(&with_header(&bytes, end, &huge));
        assert!(e.contains("is damaged"), "{e}");
    }
}
