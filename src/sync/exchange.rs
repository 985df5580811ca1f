//! Export and import of bundles through the Replica: what a peer lacks goes out; what comes in
//! is verified and applied in one redb transaction through the same `apply_op` as local edits.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rand::RngCore;
use rayon::prelude::*;
use redb::{ReadableTable, WriteTransaction};
use serde::Serialize;

use super::bundle::{self, Bundle, BundleError, BundleHeader};
use super::transport;
use crate::Replica;
use crate::core::{Applied, Batch, PARALLEL_FROM, Staging, apply_op, read_u64};
use crate::core::{Cancel, Progress, peers};
use crate::error::{Error, Result};
use crate::model::{
    ArticleId, ArticleRecord, Enrolment, Hash, NodeId, NodeInfo, Payload, SignedOp,
};
use crate::store::{self, get, meta_keys};

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

#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    pub bundles: Vec<String>,
    pub senders: Vec<String>,
    pub new_ops: u64,
    pub duplicate_ops: u64,
    pub new_articles: Vec<String>,
    pub updated_articles: Vec<String>,
    pub conflicts: Vec<String>,
    /// Ops waiting for predecessors that have not arrived.
    pub held_back: u64,
    /// Why ops wait (distinct reasons, the first few).
    pub held_reasons: Vec<String>,
    /// Ops refused by the rules: kept in the log (their node's later ops follow them), with no
    /// effect, at every node alike.
    pub refused: Vec<RefusedOp>,
    /// Nodes found holding two different ops at one place, and what was done.
    pub forks: Vec<String>,
    /// Ops skipped because their node's history forked before them.
    pub fork_skipped: u64,
    /// Set when peers hold ops of this node that it lacks: (held, seen).
    pub own_ops_missing: Option<(u64, u64)>,
    /// Attachments' blobs received that were new here.
    pub blobs_received: u64,
    /// Attachments whose blob has not arrived yet: asked for in the next bundle to the sender.
    pub blobs_to_come: u64,
    pub dry_run: bool,
}

/// An op refused on import: who, what and why.
#[derive(Clone, Debug, Serialize)]
pub struct RefusedOp {
    pub node: String,
    pub seq: u64,
    pub user: String,
    pub kind: String,
    pub article: Option<String>,
    pub reason: String,
}

/// At most this many held-back reasons are listed.
const HELD_REASONS: usize = 10;

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
        let articles: BTreeSet<_> = ops.iter().filter_map(|o| o.op.payload.article()).collect();
        let lacking = self.blobs_lacking_at(peer.id)?;
        let chosen = if options.no_attachments || options.urgent_only {
            Vec::new()
        } else {
            super::blobs::choose(&lacking)
        };
        let blobs = self.load_blobs(&chosen)?;
        let blob_refs: Vec<(Hash, &[u8])> = blobs.iter().map(|(h, b)| (*h, b.as_slice())).collect();
        let wanted = self.blobs_wanted()?;
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
        let total: u64 = bundles.iter().map(|(_, b)| b.ops.len() as u64).sum();
        let mut report = ImportReport {
            dry_run,
            ..Default::default()
        };
        let before = self.article_ids()?;
        let txn = self.begin_write()?;
        let log_before = read_u64(&txn.open_table(store::META)?, meta_keys::LOG_LEN)?;
        let mut staging = if dry_run {
            Staging::inactive()
        } else {
            let ops = bundles.iter().flat_map(|(_, b)| &b.ops);
            self.staging(log_before, ops.map(|op| op.op.payload.article()))?
        };
        let mut touched = BTreeSet::new();
        let applied = Batch::open(&txn).and_then(|mut batch| {
            self.apply_in(
                &txn,
                &mut batch,
                &bundles,
                &mut report,
                &mut touched,
                &mut staging,
                &mut |done| {
                    if done.is_multiple_of(1000) {
                        progress(done, total);
                        cancel.check()?;
                    }
                    Ok(())
                },
            )?;
            batch.finish()?;
            // The last safe point: past it the import commits whatever is asked.
            cancel.check()
        });
        if let Err(e) = applied {
            return Err(self.unstage(&staging, e));
        }
        progress(total, total);
        report.held_back = peers::pending_in(&txn)?;
        report.blobs_to_come = super::blobs::note_to_come(&txn, &bundles)?;
        {
            let articles = txn.open_table(store::ARTICLES)?;
            for id in &touched {
                let record: Option<ArticleRecord> = get(&articles, id.as_str())?;
                if record.as_ref().is_some_and(ArticleRecord::in_conflict) {
                    report.conflicts.push(id.to_string());
                }
                if before.contains(id.as_str()) {
                    report.updated_articles.push(id.to_string());
                } else {
                    report.new_articles.push(id.to_string());
                }
            }
        }
        if dry_run {
            txn.abort()?;
            return Ok(report);
        }
        self.commit_indexed(txn, &touched, staging)?;
        Ok(report)
    }

    /// Applies every op of `bundles` in `txn`, op by op and then the ops that waited, noting what
    /// happened in `report` and the articles `touched`. `done` hears the count of ops seen.
    #[allow(clippy::too_many_arguments)]
    fn apply_in(
        &mut self,
        txn: &WriteTransaction,
        batch: &mut Batch,
        bundles: &[(String, Bundle)],
        report: &mut ImportReport,
        touched: &mut BTreeSet<ArticleId>,
        staging: &mut Staging,
        done: &mut dyn FnMut(u64) -> Result<()>,
    ) -> Result<()> {
        let mut at = 0;
        batch.set_wall_clock(self.now_millis());
        for (name, bundle) in bundles {
            self.check_bundle(batch, name, bundle)?;
            report.bundles.push(name.clone());
            report.senders.push(bundle.header.sender.short());
            let verified = verify_known_signers(batch, &bundle.ops)?;
            // Nodes whose history forked in this bundle: the fork's seq.
            let mut forked: BTreeMap<NodeId, u64> = BTreeMap::new();
            for (op, verified) in bundle.ops.iter().zip(verified) {
                at += 1;
                done(at as u64)?;
                if forked.contains_key(&op.op.node) {
                    report.fork_skipped += 1;
                    continue;
                }
                let applied =
                    apply_op(batch, op, !verified, None).map_err(|e| unauthorized(name, e))?;
                match applied {
                    Applied::New => {
                        report.new_ops += 1;
                        let article = op.op.payload.article();
                        touched.extend(article.cloned());
                        self.stage_applied(staging, batch, at - 1, article)?;
                    }
                    Applied::Refused(r) => {
                        report.new_ops += 1;
                        report.refused.push(refused_op(batch, op, r)?);
                    }
                    Applied::Duplicate => report.duplicate_ops += 1,
                    Applied::Waits { reason } => hold(txn, op, report, reason)?,
                    Applied::Forked { node, seq } => {
                        forked.insert(node, seq);
                        self.note_fork(batch, report, node, seq)?;
                    }
                }
            }
            let (applied, ids) =
                drain_pending(txn, batch, report).map_err(|e| unauthorized(name, e))?;
            report.new_ops += applied;
            for id in &ids {
                staging.touched_late(id);
            }
            touched.extend(ids);
            peers::record_ack(
                txn,
                bundle.header.sender,
                &bundle.header.version_vector,
                self.now_millis(),
                &forked,
            )?;
            self.note_own_ops_seen(batch, &bundle.header, report)?;
            report.blobs_received += super::blobs::receive(txn, bundle)?;
        }
        Ok(())
    }

    /// A node's history forked at `seq`: reported, and, when it is this node's own, recorded so
    /// that nothing more is written here.
    fn note_fork(
        &self,
        batch: &mut Batch,
        report: &mut ImportReport,
        node: NodeId,
        seq: u64,
    ) -> Result<()> {
        if node == self.node_id() {
            batch.set_meta_u64(meta_keys::OWN_FORK, seq)?;
            report.forks.push(Error::OwnFork { seq }.to_string());
        } else {
            report.forks.push(format!(
                "{}; its ops from {seq} on are refused here, and the node is told which ops this node holds",
                Error::Fork { node, seq }
            ));
        }
        Ok(())
    }

    /// The sender holds ops of this node beyond this node's own tip: they were lost here (a
    /// restore from an older copy). Writing stops until they are back (`Replica::commit`).
    fn note_own_ops_seen(
        &self,
        batch: &mut Batch,
        header: &BundleHeader,
        report: &mut ImportReport,
    ) -> Result<()> {
        let Some(seen) = header
            .version_vector
            .iter()
            .find(|(node, _)| *node == self.node_id())
            .map(|(_, seq)| *seq)
        else {
            return Ok(());
        };
        let held = batch
            .chains
            .get(self.node_id().0)?
            .map_or(0, |v| v.value().0);
        let before = batch.meta_u64(meta_keys::OWN_SEQ_SEEN)?;
        if seen > before {
            batch.set_meta_u64(meta_keys::OWN_SEQ_SEEN, seen)?;
        }
        let seen = seen.max(before);
        if seen > held {
            report.own_ops_missing = Some((held, seen));
        }
        Ok(())
    }

    /// The bundle is for this node and signed by a node this node trusts.
    fn check_bundle(&self, batch: &Batch, name: &str, bundle: &Bundle) -> Result<()> {
        let h = &bundle.header;
        if h.recipient != self.node_id() {
            return Err(BundleError::NotForThisNode {
                file: name.into(),
                recipient: h.recipient.short(),
                this_node: self.node_id().short(),
            }
            .into());
        }
        let key = sender_key(batch, bundle)?.ok_or_else(|| BundleError::UnknownSender {
            file: name.into(),
            sender: h.sender.short(),
        })?;
        bundle.verify(name, &key)?;
        Ok(())
    }
}

fn unauthorized(name: &str, e: Error) -> Error {
    match e {
        Error::Denied { reason: why }
        | Error::Invalid { reason: why }
        | Error::Corrupt { what: why } => BundleError::Unauthorized {
            file: name.to_string(),
            why,
        }
        .into(),
        other => other,
    }
}

/// The sender's public key: known here, enrolled here, or enrolled by the trust root in an op
/// carried by this very bundle (a post relaying for a post this node has not heard of).
fn sender_key(batch: &Batch, bundle: &Bundle) -> Result<Option<[u8; 32]>> {
    let sender = bundle.header.sender;
    let node: Option<NodeInfo> = get(&batch.nodes, sender.0)?;
    if let Some(node) = node {
        return Ok(Some(node.public_key));
    }
    let enrolled: Option<Enrolment> = get(&batch.enrolments, sender.0)?;
    if let Some(e) = enrolled {
        return Ok(Some(e.public_key));
    }
    let root = batch.trust_root()?;
    let root_node: Option<NodeInfo> = get(&batch.nodes, root.0)?;
    let root_key = match root_node {
        Some(n) => Some(n.public_key),
        // A post starting from its enrolment: HQ's key arrives in HQ's own first op.
        None => bundle.ops.iter().find_map(|o| match &o.op.payload {
            Payload::NodeCreated { public_key, .. } if o.op.node == root && o.op.seq == 1 => {
                Some(*public_key)
            }
            _ => None,
        }),
    };
    let Some(root_key) = root_key else {
        return Ok(None);
    };
    if sender == root {
        return Ok(Some(root_key));
    }
    for o in &bundle.ops {
        if let Payload::NodeEnrolled {
            node, public_key, ..
        } = &o.op.payload
            && *node == sender
            && o.op.node == root
            && o.verify(&root_key).is_ok()
        {
            return Ok(Some(*public_key));
        }
    }
    Ok(None)
}

/// Which of `ops` carry a valid signature of a node this node already knows or has enrolled,
/// checked on every core before applying (signatures are a sixth of an import). A node's key
/// never changes, and an enrolled node must sign with the key HQ enrolled, so `apply_op` would
/// check against the same key. The others — a bad signature, or a signer introduced by this
/// very bundle — are checked one by one as they apply.
fn verify_known_signers(batch: &Batch, ops: &[SignedOp]) -> Result<Vec<bool>> {
    let (nodes, enrolments) = (&batch.nodes, &batch.enrolments);
    let mut keys: BTreeMap<NodeId, Option<[u8; 32]>> = BTreeMap::new();
    for op in ops {
        if let std::collections::btree_map::Entry::Vacant(slot) = keys.entry(op.op.node) {
            let node: Option<NodeInfo> = get(nodes, op.op.node.0)?;
            slot.insert(match node {
                Some(n) => Some(n.public_key),
                None => get::<_, Enrolment>(enrolments, op.op.node.0)?.map(|e| e.public_key),
            });
        }
    }
    let check = |op: &SignedOp| {
        keys.get(&op.op.node)
            .copied()
            .flatten()
            .is_some_and(|key| op.verify(&key).is_ok())
    };
    Ok(if ops.len() < PARALLEL_FROM {
        ops.iter().map(check).collect()
    } else {
        ops.par_iter().map(check).collect()
    })
}

/// Keeps an op that waits for predecessors in the pending table, its reason noted in `report`.
fn hold(
    txn: &WriteTransaction,
    op: &SignedOp,
    report: &mut ImportReport,
    why: String,
) -> Result<()> {
    peers::hold_pending(txn, op)?;
    note_held(report, why);
    Ok(())
}

fn note_held(report: &mut ImportReport, why: String) {
    if report.held_reasons.len() < HELD_REASONS && !report.held_reasons.contains(&why) {
        report.held_reasons.push(why);
    }
}

/// The report's line for an op refused by the rules.
fn refused_op(batch: &Batch, op: &SignedOp, r: crate::core::Refusal) -> Result<RefusedOp> {
    let office: Option<NodeInfo> = get(&batch.nodes, op.op.node.0)?;
    Ok(RefusedOp {
        node: office.map_or_else(|| op.op.node.short(), |n| n.office),
        seq: op.op.seq,
        user: r.user,
        kind: r.kind,
        article: r.article,
        reason: r.reason,
    })
}

/// Retries pending ops until none can apply. Returns how many applied and the articles touched.
fn drain_pending(
    txn: &WriteTransaction,
    batch: &mut Batch,
    report: &mut ImportReport,
) -> Result<(u64, BTreeSet<ArticleId>)> {
    let mut applied = 0;
    let mut touched = BTreeSet::new();
    loop {
        let waiting = peers::pending_ops(txn)?;
        let mut progress = false;
        for (key, op) in waiting {
            let result = apply_op(batch, &op, true, None)?;
            if matches!(result, Applied::Waits { .. }) {
                continue;
            }
            peers::release_pending(txn, key)?;
            match result {
                Applied::New => {
                    applied += 1;
                    touched.extend(op.op.payload.article().cloned());
                    progress = true;
                }
                Applied::Refused(r) => {
                    applied += 1;
                    report.refused.push(refused_op(batch, &op, r)?);
                    progress = true;
                }
                Applied::Duplicate => progress = true,
                // A held op that turns out to fork its node's history is dropped: the op at its
                // place stands.
                Applied::Forked { node, seq } => {
                    report.forks.push(Error::Fork { node, seq }.to_string());
                }
                Applied::Waits { .. } => {}
            }
        }
        if !progress {
            return Ok((applied, touched));
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
