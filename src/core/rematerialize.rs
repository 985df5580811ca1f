//! Rebuilding the materialized tables from the op log. The log is the truth and every table is
//! a function of it, so a store whose records were laid out by an older Outpost (or by older
//! rules) is brought up to date by replaying its log, exactly as `check` replays it, and putting
//! the replay's tables in place of the old ones — in one write transaction, all or nothing.

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};

use super::apply::apply_op;
use super::batch::Batch;
use super::replica::create_tables;
use crate::error::{Error, Result};
use crate::model::SignedOp;
use crate::store::{self, meta_keys};

/// Replays `db`'s log into a scratch database and writes the replay's materialized tables into
/// `txn` (a write transaction of `db`), replacing what was there.
pub(super) fn rematerialize(db: &Database, txn: &WriteTransaction) -> Result<()> {
    let scratch = Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
    replay_into(db, &scratch)?;
    let replayed = scratch.begin_read()?;
    copy(&replayed, txn, store::NODES)?;
    copy(&replayed, txn, store::USERS)?;
    copy(&replayed, txn, store::CATEGORIES)?;
    copy(&replayed, txn, store::ARTICLES)?;
    copy(&replayed, txn, store::REVISIONS)?;
    copy(&replayed, txn, store::ENROLMENTS)?;
    copy(&replayed, txn, store::TRUSTED)?;
    copy(&replayed, txn, store::GLOSSARY)?;
    copy(&replayed, txn, store::REFUSED)?;
    copy(&replayed, txn, store::PUBLISHED_COUNTS)?;
    copy(&replayed, txn, store::DRAFTS)?;
    copy(&replayed, txn, store::LINKS)?;
    Ok(())
}

/// Applies every op of `from`'s log, in its order, to the empty database `to`.
fn replay_into(from: &Database, to: &Database) -> Result<()> {
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
