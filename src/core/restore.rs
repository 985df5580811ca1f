//! `outpost restore FILE`: a backup verified whole — frame, checksum, signature, keys, every
//! op's signature and chain, the state it was taken from — before anything in the data
//! directory is replaced. The node is rebuilt beside the store (`outpost.redb.restoring`) and
//! put in place by a rename; the search index is rebuilt from it.
//!
//! A backup restores the node it was taken from: into an empty data directory (a new laptop),
//! or over that same node (a damaged store). A backup of another node is refused unless
//! `--as-new-node`, which starts a node of its own in an empty data directory — new id, new
//! keys, made as `init` makes them — holding the backup's whole history.

use std::collections::BTreeSet;

use redb::{Database, ReadableDatabase};
use serde::Serialize;

use super::apply::apply_op;
use super::backup::{Backup, read_backup, replay};
use super::batch::Batch;
use super::key;
use super::staging::Staging;
use crate::core::{DataDir, InitOptions, NodeKeys, Replica};
use crate::error::{Error, Result};
use crate::model::{NodeId, NodeInfo, Payload};
use crate::store::{self, meta_keys};

/// What `outpost restore` did.
#[derive(Clone, Debug, Serialize)]
pub struct RestoreReport {
    /// The node now in the data directory.
    pub node: String,
    pub office: String,
    /// The node the backup was taken from (another one with `--as-new-node`).
    pub backup_node: String,
    pub ops: u64,
    pub state_hash: String,
    pub as_new_node: bool,
}

/// The node a data directory holds, as far as it can still be read.
struct Target {
    node: Option<NodeId>,
    public_key: Option<[u8; 32]>,
    /// The highest of its own ops the store holds: an older backup is not restored over newer
    /// ops, which may have left in bundles (numbering new ops again would fork the node).
    own_tip: u64,
    /// Held, locked against every other process, until the restored store is in place.
    _lock: Option<redb::ReadOnlyDatabase>,
}

impl Replica {
    /// Verifies the backup `bytes` (named `name` in messages) and restores it into `dir`.
    pub fn restore(
        dir: &DataDir,
        name: &str,
        bytes: &[u8],
        as_new_node: bool,
    ) -> Result<(Replica, RestoreReport)> {
        let backup = read_backup(name, bytes)?;
        if as_new_node {
            return restore_as_new_node(dir, name, &backup);
        }
        let target = target(dir)?;
        let header = &backup.header;
        let other = target.node.is_some_and(|n| n != header.node)
            || target.public_key.is_some_and(|k| k != header.public_key);
        if other {
            return Err(Error::invalid(format!(
                "{name} is a backup of node {} ({}), not of the node in {}: restore it into an empty data directory (--data-dir NEW) to bring that node back, or add --as-new-node there to keep its history under a new key; nothing was changed",
                header.node.short(),
                header.office,
                dir.path().display()
            )));
        }
        let backup_tip = backup
            .body
            .ops
            .iter()
            .filter(|op| op.op.node == header.node)
            .map(|op| op.op.seq)
            .max()
            .unwrap_or(0);
        if target.own_tip > backup_tip {
            return Err(Error::invalid(format!(
                "the node in {} holds {} change(s) of its own made after {name} was taken (up to its change {}): restoring would lose them, and numbering new changes again would fork its history if they left in bundles. Take a fresh backup instead (`outpost backup FILE`); if its store is damaged, move {} aside and restore again; nothing was changed",
                dir.path().display(),
                target.own_tip - backup_tip,
                target.own_tip,
                dir.database().display()
            )));
        }
        dir.prepare()?;
        let scratch = dir.path().join("outpost.redb.restoring");
        let built = build(&scratch, name, &backup);
        if let Err(e) = built {
            let _ = std::fs::remove_file(&scratch);
            return Err(e);
        }
        put_in_place(dir, &scratch, &backup)?;
        drop(target);
        let replica = Replica::open(dir)?;
        let report = RestoreReport {
            node: header.node.to_string(),
            office: header.office.clone(),
            backup_node: header.node.to_string(),
            ops: header.op_count,
            state_hash: replica.state_hash()?.to_string(),
            as_new_node: false,
        };
        Ok((replica, report))
    }
}

/// What `dir` holds now. An initialized store is opened read-only, which nothing else may
/// have open for writing (the interface must be closed first) and which keeps writers out
/// until the restored store is in place; one too damaged to open is identified by its key.
fn target(dir: &DataDir) -> Result<Target> {
    let public_key = if dir.key().exists() {
        Some(key::read(&dir.key())?.verifying_key().to_bytes())
    } else {
        None
    };
    let unreadable = Target {
        node: None,
        public_key,
        own_tip: 0,
        _lock: None,
    };
    if !dir.is_initialized() {
        return Ok(unreadable);
    }
    let opened =
        crate::contain::contain_panics(|| Database::builder().open_read_only(dir.database()));
    let db = match opened {
        Ok(Ok(db)) => db,
        Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => {
            return Err(Error::invalid(format!(
                "the node in {} is open in another Outpost process (the interface, or a command still running): close it, then restore again; nothing was changed",
                dir.path().display()
            )));
        }
        // A store too damaged to open is what a restore is for: the key file tells the node.
        _ => return Ok(unreadable),
    };
    let read = crate::contain::contain_panics(|| identity(&db)).unwrap_or(Ok((None, 0)));
    let (node, own_tip) = read.unwrap_or((None, 0));
    Ok(Target {
        node,
        public_key,
        own_tip,
        _lock: Some(db),
    })
}

/// The node id a store records and the tip of its own chain, when they can be read.
fn identity(db: &redb::ReadOnlyDatabase) -> Result<(Option<NodeId>, u64)> {
    let txn = db.begin_read()?;
    let node = txn
        .open_table(store::META)?
        .get(meta_keys::NODE_ID)?
        .and_then(|v| <[u8; 16]>::try_from(v.value()).ok())
        .map(NodeId);
    let tip = match node {
        Some(node) => txn
            .open_table(store::CHAINS)?
            .get(node.0)?
            .map_or(0, |v| v.value().0),
        None => 0,
    };
    Ok((node, tip))
}

/// The restored store at `path`, built and verified from the backup.
fn build(path: &std::path::Path, name: &str, backup: &Backup) -> Result<()> {
    let _ = std::fs::remove_file(path);
    let db = Database::builder().create(path)?;
    replay(&db, name, backup)?;
    Ok(())
}

/// Puts the verified store at `scratch` in place of the node's, with the backup's keys where
/// the directory has none. The index goes first: a cache, rebuilt when the node opens.
fn put_in_place(dir: &DataDir, scratch: &std::path::Path, backup: &Backup) -> Result<()> {
    if !dir.key().exists() {
        key::write(
            &dir.key(),
            &ed25519_dalek::SigningKey::from_bytes(&backup.body.signing_key),
        )?;
    }
    if !dir.age_key().exists() {
        let identity = backup
            .body
            .age_identity
            .parse()
            .map_err(|_| Error::corrupt("the backup's age identity is malformed"))?;
        key::write_age(&dir.age_key(), &identity)?;
    }
    let index = dir.index();
    if index.exists() {
        std::fs::remove_dir_all(&index).map_err(|e| {
            Error::io(
                format!("cannot remove the search index {}", index.display()),
                e,
            )
        })?;
    }
    std::fs::rename(scratch, dir.database()).map_err(|e| {
        Error::io(
            format!(
                "cannot put the restored store in place of {}",
                dir.database().display()
            ),
            e,
        )
    })
}

/// `--as-new-node`: a node of its own in the empty `dir` — new id and keys, its own trust root,
/// as `init` makes one — that enrols and trusts the backup's HQ, so the backup's whole history
/// applies as it did where it was made.
fn restore_as_new_node(
    dir: &DataDir,
    name: &str,
    backup: &Backup,
) -> Result<(Replica, RestoreReport)> {
    if dir.is_initialized() || dir.key().exists() || dir.age_key().exists() {
        return Err(Error::invalid(format!(
            "--as-new-node makes a new node, and {} holds one already: give an empty data directory (--data-dir NEW); nothing was changed",
            dir.path().display()
        )));
    }
    // Verify the whole backup before anything is created.
    let scratch = Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
    let old = replay(&scratch, name, backup)?;
    let root_id = backup
        .trust_root()
        .ok_or_else(|| Error::corrupt(format!("{name} records no trust root")))?;
    let root: NodeInfo = store::get(&scratch.begin_read()?.open_table(store::NODES)?, root_id.0)?
        .ok_or_else(|| {
            Error::invalid(format!(
                "{name} holds no op of its HQ, so its history cannot be kept under a new node; nothing was changed"
            ))
        })?;
    drop(scratch);
    let options = InitOptions {
        office: old.office.clone(),
        hq: old.hq,
        admin: "admin".into(),
    };
    let keys = NodeKeys::generate();
    let own_root = keys.node;
    let replica = Replica::create_with(dir, &options, keys, own_root, |replica| {
        let mut payloads = replica.genesis_payloads(&options, false);
        payloads.push(Payload::NodeEnrolled {
            node: root.id,
            office: root.office.clone(),
            public_key: root.public_key,
            age_recipient: root.age_recipient.clone(),
        });
        payloads.push(Payload::NodeTrusted { node: root.id });
        replica.commit(&options.admin, payloads)?;
        replica.apply_history(name, backup)
    })?;
    let report = RestoreReport {
        node: replica.node_id().to_string(),
        office: options.office,
        backup_node: backup.header.node.to_string(),
        ops: backup.header.op_count,
        state_hash: replica.state_hash()?.to_string(),
        as_new_node: true,
    };
    Ok((replica, report))
}

impl Replica {
    /// Applies a verified backup's log after this node's own first ops, in one transaction.
    fn apply_history(&mut self, name: &str, backup: &Backup) -> Result<()> {
        let txn = self.begin_write()?;
        {
            let mut batch = Batch::open(&txn)?;
            for op in &backup.body.ops {
                apply_op(&mut batch, op, false, None)?
                    .replayed()
                    .map_err(|e| {
                        Error::invalid(format!(
                            "{name}: op {} of node {} does not apply under a new node ({e}); nothing was changed",
                            op.op.seq,
                            op.op.node.short()
                        ))
                    })?;
            }
            batch.finish()?;
        }
        // The attachments' files come along; the passwords do not: they are those of the old
        // node's accounts, and this node's accounts are its own (its administrator's first).
        backup.body.local.write_blobs(&txn)?;
        self.commit_indexed(txn, &BTreeSet::new(), &BTreeSet::new(), Staging::inactive())
    }
}
