//! Rebuilding the materialized tables from the op log. The log is the truth and every table is
//! a function of it, so a store whose records were laid out by an older Outpost (or by older
//! rules) is brought up to date by replaying its log, exactly as `check` replays it, and putting
//! the replay's tables in place of the old ones — in one write transaction, all or nothing.
//!
//! Revocations cut a node's ops (or a person's role) after a seq; a node that applied ops beyond
//! the cut before the revocation arrived replays its log a second time with every revocation
//! foreseen, reaching the verdicts of a node that heard of the revocation first.

use std::collections::HashMap;

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};

use super::apply::apply_op;
use super::batch::Batch;
use super::replica::create_tables;
use crate::error::{Error, Result};
use crate::model::{Author, Grant, NodeId, NodeRevocation, SignedOp};
use crate::store::{self, meta_keys};

/// Replays `db`'s log into a scratch database and writes the replay's materialized tables into
/// `txn` (a write transaction of `db`), replacing what was there.
pub(super) fn rematerialize(db: &Database, txn: &WriteTransaction) -> Result<()> {
    let mut scratch =
        Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
    replay_into(db, &scratch, Foreseen::default())?;
    let foreseen = Foreseen::read(&scratch.begin_read()?)?;
    if foreseen.is_active() {
        scratch = Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
        replay_into(db, &scratch, foreseen)?;
    }
    let replayed = scratch.begin_read()?;
    copy(&replayed, txn, store::NODES)?;
    copy(&replayed, txn, store::USERS)?;
    copy(&replayed, txn, store::CATEGORIES)?;
    copy(&replayed, txn, store::ARTICLES)?;
    copy(&replayed, txn, store::REVISIONS)?;
    copy(&replayed, txn, store::ENROLMENTS)?;
    copy(&replayed, txn, store::TRUSTED)?;
    copy(&replayed, txn, store::GRANTS)?;
    copy(&replayed, txn, store::REVOKED_NODES)?;
    copy(&replayed, txn, store::GLOSSARY)?;
    copy(&replayed, txn, store::EVALUATIONS)?;
    copy(&replayed, txn, store::POLICIES)?;
    copy(&replayed, txn, store::FRESHNESS)?;
    copy(&replayed, txn, store::READING)?;
    copy(&replayed, txn, store::SUPERSESSIONS)?;
    copy(&replayed, txn, store::QUESTIONS)?;
    copy(&replayed, txn, store::ANSWERS)?;
    copy(&replayed, txn, store::COMMENTS)?;
    copy(&replayed, txn, store::HELPFUL)?;
    copy(&replayed, txn, store::REFUSED)?;
    copy(&replayed, txn, store::PUBLISHED_COUNTS)?;
    copy(&replayed, txn, store::DRAFTS)?;
    copy(&replayed, txn, store::LINKS)?;
    // Schema 5 kept counts and drafts without their classification, under these names.
    txn.delete_table(TableDefinition::<&str, u64>::new("published_counts"))?;
    txn.delete_table(TableDefinition::<([u8; 16], &str, &str), &str>::new(
        "drafts",
    ))?;
    copy(&replayed, txn, store::COMMUNITIES)?;
    copy(&replayed, txn, store::MILEAGE_RULES)?;
    copy(&replayed, txn, store::FACTS)?;
    copy(&replayed, txn, store::ARTICLE_SUMMARIES)?;
    Ok(())
}

/// Replays `db`'s tables if a revocation arrived after ops it refuses (`REPLAY_NEEDED`), in a
/// write transaction of its own; says whether it did.
pub(super) fn replay_if_needed(db: &Database) -> Result<bool> {
    let needed = super::read_u64(
        &db.begin_read()?.open_table(store::META)?,
        meta_keys::REPLAY_NEEDED,
    )? != 0;
    if needed {
        let txn = db.begin_write()?;
        rematerialize(db, &txn)?;
        txn.open_table(store::META)?
            .remove(meta_keys::REPLAY_NEEDED)?;
        txn.commit()?;
    }
    Ok(needed)
}

/// Applies every op of `from`'s log, in its order, to the empty database `to`.
fn replay_into(from: &Database, to: &Database, foreseen: Foreseen) -> Result<()> {
    let source = from.begin_read()?;
    let ops = source.open_table(store::OPS)?;
    let log = source.open_table(store::LOG)?;
    let w = to.begin_write()?;
    create_tables(&w)?;
    if let Some(root) = source.open_table(store::META)?.get(meta_keys::TRUST_ROOT)? {
        w.open_table(store::META)?
            .insert(meta_keys::TRUST_ROOT, root.value())?;
    }
    {
        let mut batch = Batch::open(&w)?;
        batch.foreseen = foreseen;
        for entry in log.iter()? {
            let (_, key) = entry?;
            let bytes = ops.get(key.value())?.ok_or_else(|| Error::Corrupt {
                what: "the log names an op that is not stored".into(),
            })?;
            let op = SignedOp::decode(bytes.value())?;
            // The log was accepted once, in this order: every op finds what it builds on.
            apply_op(&mut batch, &op, false, None)?.replayed()?;
        }
        batch.finish()?;
    }
    w.commit()?;
    Ok(())
}

/// Replaces table `def` in `txn` by its contents in `from`.
fn copy<K, V>(
    from: &redb::ReadTransaction,
    txn: &WriteTransaction,
    def: TableDefinition<K, V>,
) -> Result<()>
where
    K: redb::Key + 'static,
    V: redb::Value + 'static,
{
    txn.delete_table(def)?;
    let mut target = txn.open_table(def)?;
    for entry in from.open_table(def)?.iter()? {
        let (k, v) = entry?;
        target.insert(k.value(), v.value())?;
    }
    Ok(())
}

/// The revocations of a whole log, read from a first replay of it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Foreseen {
    nodes: HashMap<NodeId, u64>,
    /// (holder, revoked grant) as the first replay ended.
    roles: Vec<(Author, Grant)>,
}

impl Foreseen {
    pub fn read(txn: &redb::ReadTransaction) -> Result<Self> {
        let mut foreseen = Foreseen::default();
        for entry in txn.open_table(store::REVOKED_NODES)?.iter()? {
            let (k, v) = entry?;
            let r: NodeRevocation = store::decode(v.value())?;
            foreseen.nodes.insert(NodeId(k.value()), r.after_seq);
        }
        for entry in txn.open_table(store::GRANTS)?.iter()? {
            let (k, v) = entry?;
            let (node, name) = k.value();
            let grants: Vec<Grant> = store::decode(v.value())?;
            for g in grants.into_iter().filter(|g| g.revoked_after.is_some()) {
                let holder = Author {
                    node: NodeId(node),
                    name: name.to_string(),
                };
                foreseen.roles.push((holder, g));
            }
        }
        Ok(foreseen)
    }

    /// Whether this replay knows revocations ahead of their place in the log.
    pub fn is_active(&self) -> bool {
        !self.nodes.is_empty() || !self.roles.is_empty()
    }

    pub fn node_cut(&self, node: NodeId) -> Option<u64> {
        self.nodes.get(&node).copied()
    }

    /// Whether `grant` of `holder` is revoked, in the whole log, before their op `seq`.
    pub fn role_revoked(&self, holder: &Author, grant: &Grant, seq: u64) -> bool {
        self.roles.iter().any(|(h, g)| {
            h == holder
                && g.role == grant.role
                && g.category == grant.category
                && (g.hlc, g.by) >= (grant.hlc, grant.by)
                && g.revoked_after.is_some_and(|cut| seq > cut)
        })
    }
}
