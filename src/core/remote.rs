//! Applying ops received from other nodes: the import algorithm. Sync reads, decrypts and
//! decodes bundles, and hands each one to [`Replica::apply_remote`] as an [`Envelope`]; the
//! core verifies the ops, applies them through the same `apply_op` as local edits, holds back
//! those whose predecessors have not arrived, notes forks and refusals, keeps the attachments'
//! blobs an envelope carries (`remote_blobs`), records the sender's acknowledgement and brings
//! the search index along — every envelope of one call in one write transaction, all or
//! nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use redb::{ReadableTable, WriteTransaction};
use serde::Serialize;

use super::{Applied, Batch, Cancel, PARALLEL_FROM, Progress, Refusal, apply_op, peers};
use crate::Replica;
use crate::error::{Error, Result};
use crate::model::{
    ArticleId, ArticleRecord, Enrolment, Hash, NodeId, NodeInfo, Payload, SignedOp,
};
use crate::store::{self, get, meta_keys};

/// Ops as another node sent them, with what the core needs to trust them: who sent them, what
/// the sender holds, and a check of the envelope against the sender's key.
pub trait Envelope {
    /// A name for messages and the report (a bundle's file name).
    fn name(&self) -> &str;
    fn sender(&self) -> NodeId;
    /// What the sender holds (node → highest contiguous seq): its acknowledgement.
    fn version_vector(&self) -> &[(NodeId, u64)];
    fn ops(&self) -> &[SignedOp];
    /// Attachments' blobs the envelope carries, by BLAKE3 hash: kept with its ops when every one
    /// matches its hash.
    fn blobs(&self) -> &[(Hash, Vec<u8>)] {
        &[]
    }
    /// Blobs the sender lacks though it holds ops naming them: it asks for them again.
    fn wanted(&self) -> &[Hash] {
        &[]
    }
    /// Checks the envelope is meant for `this_node` and sealed by its sender, whose public key
    /// this node knows as `sender_key` (`None`: a sender it does not know).
    fn authenticate(&self, this_node: NodeId, sender_key: Option<&[u8; 32]>) -> Result<()>;
    /// An op of the envelope broke a rule the core enforces: the error to stop the import with.
    fn rejected(&self, error: Error) -> Error {
        error
    }
}

/// What an import of received ops did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RemoteReport {
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

/// Progress is reported, and a cancel looked for, once per this many ops.
const PROGRESS_EVERY: u64 = 1000;

impl Replica {
    /// Applies the ops of `envelopes` in one write transaction: all of them, or none when one
    /// fails to authenticate or breaks a rule the core enforces. With `dry_run`, reports what
    /// would change and changes nothing. `progress` hears (ops seen, ops in all envelopes);
    /// `cancel` stops the import, nothing applied, until (total, total) has been reported —
    /// from then on it runs to its end.
    pub fn apply_remote<E: Envelope>(
        &mut self,
        envelopes: &[E],
        dry_run: bool,
        progress: Progress,
        cancel: &Cancel,
    ) -> Result<RemoteReport> {
        let total: u64 = envelopes.iter().map(|e| e.ops().len() as u64).sum();
        let mut report = RemoteReport {
            dry_run,
            ..Default::default()
        };
        let txn = self.begin_write()?;
        let mut staging = if dry_run {
            super::Staging::inactive()
        } else {
            let log_before = super::read_u64(&txn.open_table(store::META)?, meta_keys::LOG_LEN)?;
            let ops = envelopes.iter().flat_map(|e| e.ops());
            self.staging(log_before, ops.map(|op| op.op.payload.article()))?
        };
        let mut touched = Touched::default();
        let applied = Batch::open(&txn).and_then(|mut batch| {
            self.apply_envelopes(
                &txn,
                &mut batch,
                envelopes,
                &mut report,
                &mut touched,
                &mut staging,
                &mut |done| {
                    if done.is_multiple_of(PROGRESS_EVERY) {
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
        report.blobs_to_come = super::remote_blobs::note_to_come(&txn, envelopes)?;
        touched.report(&txn, &mut report)?;
        if dry_run {
            txn.abort()?;
            return Ok(report);
        }
        self.commit_indexed(txn, &touched.articles, &touched.questions, staging)?;
        Ok(report)
    }

    /// Applies every op of `envelopes` in `txn`, op by op and then the ops that waited, noting
    /// what happened in `report` and the articles `touched`. `done` hears the count of ops seen.
    #[allow(clippy::too_many_arguments)]
    fn apply_envelopes<E: Envelope>(
        &mut self,
        txn: &WriteTransaction,
        batch: &mut Batch,
        envelopes: &[E],
        report: &mut RemoteReport,
        touched: &mut Touched,
        staging: &mut super::Staging,
        done: &mut dyn FnMut(u64) -> Result<()>,
    ) -> Result<()> {
        let mut at = 0;
        batch.set_wall_clock(self.now_millis());
        for envelope in envelopes {
            let key = sender_key(batch, envelope)?;
            envelope.authenticate(self.node_id(), key.as_ref())?;
            report.bundles.push(envelope.name().to_string());
            report.senders.push(envelope.sender().short());
            // The blobs first: an op that names one finds it held.
            report.blobs_received += super::remote_blobs::receive(txn, envelope)?;
            let ops = envelope.ops();
            let verified = verify_known_signers(batch, ops)?;
            // Nodes whose history forked in this envelope: the fork's seq.
            let mut forked: BTreeMap<NodeId, u64> = BTreeMap::new();
            for (op, verified) in ops.iter().zip(verified) {
                at += 1;
                done(at as u64)?;
                if forked.contains_key(&op.op.node) {
                    report.fork_skipped += 1;
                    continue;
                }
                let article = op.op.payload.article();
                touched.meet(batch, article)?;
                let applied =
                    apply_op(batch, op, !verified, None).map_err(|e| rejected(envelope, e))?;
                match applied {
                    Applied::New => {
                        report.new_ops += 1;
                        touched.applied(&op.op.payload);
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
            let applied = drain_pending(txn, batch, report, touched, staging)
                .map_err(|e| rejected(envelope, e))?;
            report.new_ops += applied;
            peers::record_ack(
                txn,
                envelope.sender(),
                envelope.version_vector(),
                self.now_millis(),
                &forked,
            )?;
            self.note_own_ops_seen(batch, envelope.version_vector(), report)?;
        }
        Ok(())
    }

    /// A node's history forked at `seq`: reported, and, when it is this node's own, recorded so
    /// that nothing more is written here.
    fn note_fork(
        &self,
        batch: &mut Batch,
        report: &mut RemoteReport,
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
        version_vector: &[(NodeId, u64)],
        report: &mut RemoteReport,
    ) -> Result<()> {
        let Some(seen) = version_vector
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
}

/// The articles an import touched, and whether each existed before it: looked up when an op
/// touching it is first met, so the report needs no list of every article of the node.
#[derive(Default)]
struct Touched {
    articles: BTreeSet<ArticleId>,
    /// The questions asked or answered, whose search documents change.
    questions: BTreeSet<String>,
    existed: HashMap<ArticleId, bool>,
}

impl Touched {
    /// An op touching `article` is about to apply: the first time, note whether the article
    /// exists (no op of this import has changed it yet).
    fn meet(&mut self, batch: &Batch, article: Option<&ArticleId>) -> Result<()> {
        if let Some(id) = article
            && !self.existed.contains_key(id)
        {
            let exists = batch.has_article(id)?;
            self.existed.insert(id.clone(), exists);
        }
        Ok(())
    }

    /// An op with `payload` applied: note the article or the question it touches.
    fn applied(&mut self, payload: &Payload) {
        if let Some(id) = payload.article() {
            self.articles.insert(id.clone());
        }
        if let Some(id) = payload.indexed_question() {
            self.questions.insert(id.to_string());
        }
    }

    /// Lists the touched articles in `report`: new or updated, and those left in conflict.
    fn report(&self, txn: &WriteTransaction, report: &mut RemoteReport) -> Result<()> {
        let articles = txn.open_table(store::ARTICLES)?;
        for id in &self.articles {
            let record: Option<ArticleRecord> = get(&articles, id.as_str())?;
            if record.as_ref().is_some_and(ArticleRecord::in_conflict) {
                report.conflicts.push(id.to_string());
            }
            if self.existed.get(id).copied().unwrap_or(true) {
                report.updated_articles.push(id.to_string());
            } else {
                report.new_articles.push(id.to_string());
            }
        }
        Ok(())
    }
}

fn rejected<E: Envelope>(envelope: &E, e: Error) -> Error {
    match e {
        Error::Denied { .. } | Error::Invalid { .. } | Error::Corrupt { .. } => {
            envelope.rejected(e)
        }
        other => other,
    }
}

/// The sender's public key: known here, enrolled here, or enrolled by the trust root in an op
/// carried by this very envelope (a post relaying for a post this node has not heard of).
fn sender_key<E: Envelope>(batch: &Batch, envelope: &E) -> Result<Option<[u8; 32]>> {
    let sender = envelope.sender();
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
    let ops = envelope.ops();
    let root_key = match root_node {
        Some(n) => Some(n.public_key),
        // A post starting from its enrolment: HQ's key arrives in HQ's own first op.
        None => ops.iter().find_map(|o| match &o.op.payload {
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
    for o in ops {
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
/// very envelope — are checked one by one as they apply.
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
    report: &mut RemoteReport,
    why: String,
) -> Result<()> {
    peers::hold_pending(txn, op)?;
    if report.held_reasons.len() < HELD_REASONS && !report.held_reasons.contains(&why) {
        report.held_reasons.push(why);
    }
    Ok(())
}

/// The report's line for an op refused by the rules.
fn refused_op(batch: &Batch, op: &SignedOp, r: Refusal) -> Result<RefusedOp> {
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

/// Retries pending ops until none can apply; the articles they touch are noted in `touched`
/// (and, staged already, staged again at commit). Returns how many applied.
fn drain_pending(
    txn: &WriteTransaction,
    batch: &mut Batch,
    report: &mut RemoteReport,
    touched: &mut Touched,
    staging: &mut super::Staging,
) -> Result<u64> {
    let mut applied = 0;
    let mut late = BTreeSet::new();
    loop {
        let waiting = peers::pending_ops(txn)?;
        let mut progress = false;
        for (key, op) in waiting {
            touched.meet(batch, op.op.payload.article())?;
            let result = apply_op(batch, &op, true, None)?;
            if matches!(result, Applied::Waits { .. }) {
                continue;
            }
            peers::release_pending(txn, key)?;
            match result {
                Applied::New => {
                    applied += 1;
                    touched.applied(&op.op.payload);
                    late.extend(op.op.payload.article().cloned());
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
            break;
        }
    }
    for id in &late {
        staging.touched_late(id);
    }
    Ok(applied)
}
