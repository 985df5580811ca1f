//! Export and import of bundles through the Replica: what a peer lacks goes out; what comes in
//! is read, decrypted and decoded here, and handed to the core's `Replica::apply_remote`, which
//! verifies and applies it in one redb transaction through the same `apply_op` as local edits.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rand::RngCore;
use serde::Serialize;

use super::bundle::{self, Bundle, BundleError, BundleHeader};
use super::transport;
use crate::Replica;
use crate::core::{Cancel, Envelope, Progress};
use crate::error::{Error, Result};
use crate::model::{Hash, NodeId, Payload, SignedOp};

/// What `sync import` did: the core's report of the received ops it applied.
pub use crate::core::{RefusedOp, RemoteReport as ImportReport};

#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// A node's office name or id (or id prefix); HQ when `None` on a post.
    pub to: Option<String>,
    pub out: PathBuf,
    /// age recipients (`age1…`) or node names/ids.
    pub encrypt_to: Vec<String>,
    pub armor: bool,
    pub max_part_size: Option<u64>,
    /// Replace files that exist at `out` (or its parts' names); without it they are refused.
    pub overwrite: bool,
    /// Leave the attachments' blobs out (a text-only bundle for email): they go with the next
    /// bundle for the same peer that does not leave them out.
    pub no_attachments: bool,
    /// Only urgent questions and answers, with the earlier ops of their nodes' chains, and no
    /// attachments: a small bundle fit for an email (`sync/urgent.rs`).
    pub urgent_only: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExportReport {
    pub peer: String,
    pub ops: u64,
    pub articles: u64,
    pub bytes: u64,
    pub files: Vec<PathBuf>,
    /// Attachments' blobs carried, and their bytes.
    pub blobs: u64,
    pub blob_bytes: u64,
    /// Blobs the peer lacks that were left out (`--no-attachments`, or past one bundle's limits).
    pub blobs_left: u64,
}

impl Replica {
    /// Signs a bundle of `ops` for `recipient`.
    pub fn write_bundle(&self, recipient: NodeId, ops: &[SignedOp]) -> Result<Vec<u8>> {
        self.write_bundle_with_blobs(recipient, ops, &[], &[])
    }

    /// Signs a bundle of `ops` carrying `blobs` and asking for `wanted`, for `recipient`.
    pub fn write_bundle_with_blobs(
        &self,
        recipient: NodeId,
        ops: &[SignedOp],
        blobs: &[(Hash, &[u8])],
        wanted: &[Hash],
    ) -> Result<Vec<u8>> {
        let mut bundle_id = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bundle_id);
        let header = BundleHeader {
            bundle_id,
            sender: self.node_id(),
            recipient,
            created_millis: self.now_millis(),
            op_count: 0,
            body_len: 0,
            raw_len: 0,
            body_hash: Hash::ZERO,
            version_vector: self.version_vector()?.into_iter().collect(),
        };
        bundle::encode_with_blobs(header, ops, blobs, wanted, self.signing_key())
            .map_err(|e| Error::io("cannot encode the bundle", e))
    }

    /// A bundle of everything `peer` is not known to hold (no files, no encryption).
    pub fn bundle_for(&self, peer: NodeId) -> Result<Vec<u8>> {
        let (urgent, rest) = self.missing_urgent_first(peer)?;
        self.write_bundle(peer, &[urgent, rest].concat())
    }

    /// The ops `peer` is not known to hold: the urgent part first, then the rest
    /// (`sync/urgent.rs`).
    pub fn missing_urgent_first(&self, peer: NodeId) -> Result<(Vec<SignedOp>, Vec<SignedOp>)> {
        let ops = self.ops_missing_at(peer)?;
        Ok(super::urgent::split_urgent(ops, &self.urgent_questions()?))
    }

    /// Imports one unencrypted bundle held in memory.
    pub fn import_bundle_bytes(
        &mut self,
        name: &str,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<ImportReport> {
        let decoded = bundle::decode(name, bytes)?;
        self.apply_bundles(vec![(name.to_string(), decoded)], dry_run)
    }

    /// `outpost sync export`.
    pub fn sync_export(&mut self, options: &ExportOptions) -> Result<ExportReport> {
        self.sync_export_cancellable(options, &Cancel::default())
    }

    /// As `sync_export`, stopping with `Error::Cancelled` when `cancel` is set before the bundle
    /// is recorded as sent; files already written are then removed.
    pub fn sync_export_cancellable(
        &mut self,
        options: &ExportOptions,
        cancel: &Cancel,
    ) -> Result<ExportReport> {
        let peer = match &options.to {
            Some(name) => self.find_node(name)?,
            None => {
                let hq = self.hq_node()?;
                if hq == self.node_id() {
                    return Err(Error::invalid(
                        "this is HQ: say which post the bundle is for with --to NODE",
                    ));
                }
                self.node(&hq)?
            }
        };
        if peer.id == self.node_id() {
            return Err(Error::invalid(
                "a bundle for this node itself makes no sense: pick another --to",
            ));
        }
        let (urgent, rest) = self.missing_urgent_first(peer.id)?;
        let ops = if options.urgent_only {
            if urgent.is_empty() {
                return Err(Error::invalid(format!(
                    "nothing urgent waits for {}: export without --urgent-only",
                    peer.office
                )));
            }
            urgent
        } else {
            [urgent, rest].concat()
        };
        if options.encrypt_to.is_empty() {
            self.refuse_plain_restricted(&ops, &peer.office)?;
        }
        let articles: BTreeSet<_> = ops.iter().filter_map(|o| o.op.payload.article()).collect();
        let lacking = self.blobs_lacking_at(peer.id)?;
        let chosen = if options.no_attachments || options.urgent_only {
            Vec::new()
        } else {
            super::blobs::choose(&lacking)
        };
        let blobs = self.load_blobs(&chosen)?;
        let blob_refs: Vec<(Hash, &[u8])> = blobs.iter().map(|(h, b)| (*h, b.as_slice())).collect();
        let wanted = super::blobs::wanted(self)?;
        let mut bytes = self.write_bundle_with_blobs(peer.id, &ops, &blob_refs, &wanted)?;
        let bundle_id: [u8; 16] = bytes_id(&bytes);
        if !options.encrypt_to.is_empty() {
            let recipients = options
                .encrypt_to
                .iter()
                .map(|r| self.age_recipient(r))
                .collect::<Result<Vec<_>>>()?;
            bytes = transport::encrypt(&bytes, &recipients, options.armor)
                .map_err(|e| Error::io("cannot encrypt the bundle", e))?;
        } else if options.armor {
            return Err(Error::invalid(
                "--armor needs --encrypt-to: it armours the encrypted file for email",
            ));
        }
        cancel.check()?;
        let files = write_files(
            &options.out,
            &bytes,
            bundle_id,
            options.max_part_size,
            options.overwrite,
        )?;
        if cancel.is_cancelled() {
            for file in &files {
                let _ = std::fs::remove_file(file);
            }
            return Err(Error::Cancelled);
        }
        self.record_sent(peer.id)?;
        let own = self.node_id();
        if let Some(seq) = ops
            .iter()
            .filter(|o| o.op.node == own)
            .map(|o| o.op.seq)
            .max()
        {
            self.record_own_sent(peer.id, seq)?;
        }
        self.record_blobs_sent(peer.id, &chosen)?;
        Ok(ExportReport {
            peer: format!("{} ({})", peer.office, peer.id.short()),
            ops: ops.len() as u64,
            articles: articles.len() as u64,
            bytes: bytes.len() as u64,
            files,
            blobs: chosen.len() as u64,
            blob_bytes: chosen.iter().map(|(_, len)| len).sum(),
            blobs_left: (lacking.len() - chosen.len()) as u64,
        })
    }

    fn age_recipient(&self, name: &str) -> Result<age::x25519::Recipient> {
        if name.starts_with("age1") {
            return name
                .parse()
                .map_err(|e| Error::invalid(format!("`{name}` is not an age recipient: {e}")));
        }
        let node = self.find_node(name)?;
        node.age_recipient.parse().map_err(|e| Error::Corrupt {
            what: format!("node {} has a malformed age recipient: {e}", node.office),
        })
    }

    /// `outpost sync import`: reads, decrypts, verifies and applies bundles atomically. With
    /// `dry_run`, reports what would change and changes nothing.
    pub fn sync_import(
        &mut self,
        files: &[PathBuf],
        identity: Option<&Path>,
        dry_run: bool,
    ) -> Result<ImportReport> {
        self.sync_import_with_progress(files, identity, dry_run, &mut |_, _| {})
    }

    /// As `sync_import`, reporting (ops done, ops in all bundles) as it applies.
    pub fn sync_import_with_progress(
        &mut self,
        files: &[PathBuf],
        identity: Option<&Path>,
        dry_run: bool,
        progress: Progress,
    ) -> Result<ImportReport> {
        self.sync_import_cancellable(files, identity, dry_run, progress, &Cancel::default())
    }

    /// As `sync_import_with_progress`, stopping with `Error::Cancelled`, nothing applied, when
    /// `cancel` is set before the transaction commits. Progress reaches (total, total) only
    /// once the last chance to cancel has passed: from then on the import runs to its end.
    pub fn sync_import_cancellable(
        &mut self,
        files: &[PathBuf],
        identity: Option<&Path>,
        dry_run: bool,
        progress: Progress,
        cancel: &Cancel,
    ) -> Result<ImportReport> {
        let mut raw = Vec::new();
        for path in files {
            cancel.check()?;
            raw.push(super::read::read_file(path)?);
        }
        let extra_identity = identity.map(crate::core::read_age_identity).transpose()?;
        let mut bundles = Vec::new();
        for (name, bytes) in transport::assemble(raw)? {
            let plain = if transport::is_encrypted(&bytes) {
                let mut ids = vec![self.age_identity()];
                if let Some(id) = &extra_identity {
                    ids.insert(0, id);
                }
                transport::decrypt(&name, &bytes, &ids)?
            } else {
                bytes
            };
            cancel.check()?;
            bundles.push((name.clone(), bundle::decode(&name, &plain)?));
        }
        self.apply_bundles_with_progress(bundles, dry_run, progress, cancel)
    }

    /// Applies decoded bundles in one transaction.
    pub fn apply_bundles(
        &mut self,
        bundles: Vec<(String, Bundle)>,
        dry_run: bool,
    ) -> Result<ImportReport> {
        self.apply_bundles_with_progress(bundles, dry_run, &mut |_, _| {}, &Cancel::default())
    }

    fn apply_bundles_with_progress(
        &mut self,
        bundles: Vec<(String, Bundle)>,
        dry_run: bool,
        progress: Progress,
        cancel: &Cancel,
    ) -> Result<ImportReport> {
        let envelopes: Vec<Received> = bundles
            .into_iter()
            .map(|(name, bundle)| Received { name, bundle })
            .collect();
        self.apply_remote(&envelopes, dry_run, progress, cancel)
    }
}

/// A decoded bundle, as the core's import takes it.
struct Received {
    name: String,
    bundle: Bundle,
}

impl Envelope for Received {
    fn name(&self) -> &str {
        &self.name
    }

    fn sender(&self) -> NodeId {
        self.bundle.header.sender
    }

    fn version_vector(&self) -> &[(NodeId, u64)] {
        &self.bundle.header.version_vector
    }

    fn ops(&self) -> &[SignedOp] {
        &self.bundle.ops
    }

    fn blobs(&self) -> &[(Hash, Vec<u8>)] {
        &self.bundle.blobs
    }

    fn wanted(&self) -> &[Hash] {
        &self.bundle.wanted
    }

    /// The bundle is for this node and signed by a node this node trusts.
    fn authenticate(&self, this_node: NodeId, sender_key: Option<&[u8; 32]>) -> Result<()> {
        let h = &self.bundle.header;
        if h.recipient != this_node {
            return Err(BundleError::NotForThisNode {
                file: self.name.clone(),
                recipient: h.recipient.short(),
                this_node: this_node.short(),
            }
            .into());
        }
        let key = sender_key.ok_or_else(|| BundleError::UnknownSender {
            file: self.name.clone(),
            sender: h.sender.short(),
        })?;
        self.bundle.verify(&self.name, key)?;
        Ok(())
    }

    /// An op the rules refuse outright stops the import as an unauthorized bundle.
    fn rejected(&self, error: Error) -> Error {
        match error {
            Error::Denied { reason: why }
            | Error::Invalid { reason: why }
            | Error::Corrupt { what: why } => BundleError::Unauthorized {
                file: self.name.clone(),
                why,
            }
            .into(),
            other => other,
        }
    }
}

fn bytes_id(bundle: &[u8]) -> [u8; 16] {
    let hash = Hash::of(bundle);
    let mut id = [0u8; 16];
    id.copy_from_slice(&hash.0[..16]);
    id
}

/// Writes the bundle as one file, or as numbered parts `FILE.part1of3` … Every file is written
/// under a temporary name beside it, flushed to the disk and renamed into place, so a full or
/// failing disk never leaves a partial file that looks like a bundle. Existing files are refused
/// (before anything is written) unless `overwrite`.
fn write_files(
    out: &Path,
    bytes: &[u8],
    bundle_id: [u8; 16],
    max_part: Option<u64>,
    overwrite: bool,
) -> Result<Vec<PathBuf>> {
    let files: Vec<(PathBuf, Vec<u8>)> = match max_part {
        Some(max) if (bytes.len() as u64) > max => {
            if max < transport::MIN_PART {
                return Err(Error::invalid(format!(
                    "--max-part-size must be at least {} bytes",
                    transport::MIN_PART
                )));
            }
            let parts = transport::split(bytes, bundle_id, max);
            let count = parts.len();
            parts
                .into_iter()
                .enumerate()
                .map(|(i, part)| {
                    let mut name = out.as_os_str().to_owned();
                    name.push(format!(".part{}of{count}", i + 1));
                    (PathBuf::from(name), part)
                })
                .collect()
        }
        _ => vec![(out.to_path_buf(), bytes.to_vec())],
    };
    if !overwrite && let Some((existing, _)) = files.iter().find(|(path, _)| path.exists()) {
        return Err(Error::invalid(format!(
            "{} already exists (it may be a bundle not delivered yet): choose another name, or pass --force to replace it",
            existing.display()
        )));
    }
    for (path, data) in &files {
        write_atomically(path, data, overwrite)?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

/// Writes `data` to `path` through a temporary file in the same directory: written, synced,
/// then renamed (without replacing an existing file unless `overwrite`).
pub(crate) fn write_atomically(path: &Path, data: &[u8], overwrite: bool) -> Result<()> {
    use std::io::Write;
    let failed = |e: std::io::Error| Error::io(format!("cannot write {}", path.display()), e);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".outpost-")
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(failed)?;
    tmp.write_all(data).map_err(failed)?;
    tmp.as_file().sync_all().map_err(failed)?;
    if overwrite {
        tmp.persist(path).map_err(|e| failed(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| failed(e.error))?;
    }
    Ok(())
}

impl Replica {
    /// A correctly signed bundle from this node to `to`: every op `to` lacks, then `payloads`
    /// as this node's next ops by `user` (dated `millis` when given), which are not applied
    /// here. Only for tests of what a node can send with its own key.
    #[doc(hidden)]
    pub fn forge_bundle_for_tests(
        &self,
        to: NodeId,
        user: &str,
        payloads: Vec<Payload>,
        millis: Option<u64>,
    ) -> Result<Vec<u8>> {
        let mut ops = self.ops_missing_at(to)?;
        let (mut seq, mut prev) = self.chain_tip(self.node_id())?;
        let mut hlc = crate::model::Hlc {
            millis: millis.unwrap_or_else(|| self.now_millis()),
            counter: 0,
        };
        for payload in payloads {
            seq += 1;
            hlc = hlc.tick(hlc.millis);
            let op = crate::model::Op {
                format: crate::model::op::OP_FORMAT,
                node: self.node_id(),
                seq,
                hlc,
                user: user.to_string(),
                prev,
                payload,
            };
            prev = op.hash();
            ops.push(op.sign(self.signing_key()));
        }
        self.write_bundle(to, &ops)
    }
}
