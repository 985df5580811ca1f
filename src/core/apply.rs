//! Applying one op to the materialized tables. Local commits and imported bundles call the same
//! function inside one redb write transaction, which is what makes nodes converge: every
//! materialized record is a function of the *set* of ops applied, never of their order.
//!
//! An op whose predecessors have not arrived (a gap in its node's chain, an unknown node, a
//! parent revision not here yet) fails with `Error::Pending`; import keeps it aside and retries.

use redb::{ReadableTable, WriteTransaction};

use super::apply_article::{add_revision, set_status};
use crate::error::{Error, Result};
use crate::model::{
    ArticleRecord, CategoryRecord, Enrolment, Hash, Hlc, NodeId, NodeInfo, Payload, Role, SignedOp,
    Status, User,
};
use crate::store::{self, encode, get, meta_keys};

/// What applying an op did.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    New,
    /// The op was already in the log; nothing changed.
    Duplicate,
}

/// Appends `op` to the log and updates the materialized tables.
///
/// `verify` checks the signature; a node's own freshly signed ops skip it.
pub fn apply_op(txn: &WriteTransaction, op: &SignedOp, verify: bool) -> Result<Applied> {
    let o = &op.op;
    {
        // Closed again before `materialize`, which reads revisions' content from this table.
        let ops = txn.open_table(store::OPS)?;
        if ops.get((o.node.0, o.seq))?.is_some() {
            return Ok(Applied::Duplicate);
        }
    }
    check_chain(txn, op)?;
    let node = node_of(txn, op, verify)?;
    authorize(txn, op, &node)?;
    materialize(txn, op, &node)?;

    txn.open_table(store::OPS)?
        .insert((o.node.0, o.seq), op.encode().as_slice())?;
    let mut chains = txn.open_table(store::CHAINS)?;
    chains.insert(o.node.0, (o.seq, o.hash().0))?;
    let mut meta = txn.open_table(store::META)?;
    let position = read_u64(&meta, meta_keys::LOG_LEN)? + 1;
    meta.insert(meta_keys::LOG_LEN, position.to_le_bytes().as_slice())?;
    txn.open_table(store::LOG)?
        .insert(position, (o.node.0, o.seq))?;
    // Keep the local clock ahead of every op seen, so later local ops sort after it.
    let local: Hlc = match meta.get(meta_keys::HLC)? {
        Some(v) => store::decode(v.value())?,
        None => Hlc::default(),
    };
    if o.hlc > local {
        meta.insert(meta_keys::HLC, encode(&o.hlc).as_slice())?;
    }
    Ok(Applied::New)
}

pub fn read_u64(table: &impl ReadableTable<&'static str, &'static [u8]>, key: &str) -> Result<u64> {
    match table.get(key)? {
        Some(v) => {
            let bytes: [u8; 8] = v
                .value()
                .try_into()
                .map_err(|_| Error::Corrupt(format!("meta value `{key}` is malformed")))?;
            Ok(u64::from_le_bytes(bytes))
        }
        None => Ok(0),
    }
}

/// The node whose enrolments this node trusts (HQ).
pub fn trust_root(txn: &WriteTransaction) -> Result<NodeId> {
    let meta = txn.open_table(store::META)?;
    let bytes = meta
        .get(meta_keys::TRUST_ROOT)?
        .map(|v| v.value().to_vec())
        .ok_or_else(|| Error::Corrupt("the trust root is not recorded".into()))?;
    let id: [u8; 16] = bytes
        .try_into()
        .map_err(|_| Error::Corrupt("the trust root is malformed".into()))?;
    Ok(NodeId(id))
}

/// Each node's ops form a gapless hash chain: seq n+1 names the hash of seq n.
fn check_chain(txn: &WriteTransaction, op: &SignedOp) -> Result<()> {
    let o = &op.op;
    let chains = txn.open_table(store::CHAINS)?;
    let (tip_seq, tip_hash) = chains
        .get(o.node.0)?
        .map(|v| v.value())
        .unwrap_or((0, [0; 32]));
    if o.seq > tip_seq + 1 {
        return Err(Error::Pending(format!(
            "op {} of node {} waits for op {} of that node",
            o.seq,
            o.node.short(),
            tip_seq + 1
        )));
    }
    if o.seq == 0 || o.prev != Hash(tip_hash) {
        return Err(Error::Corrupt(format!(
            "op {} of node {} does not follow that node's previous op (hash chain broken)",
            o.seq,
            o.node.short()
        )));
    }
    Ok(())
}

/// The node that signed `op`, with the signature checked. A node's first op introduces it, and
/// is accepted from the trust root itself or from a node the trust root has enrolled.
fn node_of(txn: &WriteTransaction, op: &SignedOp, verify: bool) -> Result<NodeInfo> {
    let o = &op.op;
    let known: Option<NodeInfo> = get(&txn.open_table(store::NODES)?, o.node.0)?;
    let node = match (known, &o.payload) {
        (Some(node), _) => node,
        (
            None,
            Payload::NodeCreated {
                office,
                hq,
                public_key,
                age_recipient,
            },
        ) if o.seq == 1 => {
            if o.node != trust_root(txn)? {
                let enrolment: Option<Enrolment> =
                    get(&txn.open_table(store::ENROLMENTS)?, o.node.0)?;
                match enrolment {
                    Some(e) if e.public_key == *public_key => {}
                    Some(_) => {
                        return Err(Error::Denied(format!(
                            "node {} signs with another key than HQ enrolled",
                            o.node.short()
                        )));
                    }
                    None => {
                        return Err(Error::Pending(format!(
                            "node {} is not enrolled by HQ (yet)",
                            o.node.short()
                        )));
                    }
                }
            }
            NodeInfo {
                id: o.node,
                office: office.clone(),
                hq: *hq,
                public_key: *public_key,
                age_recipient: age_recipient.clone(),
                created: o.hlc,
            }
        }
        (None, _) => {
            return Err(Error::Pending(format!(
                "node {} is not known yet",
                o.node.short()
            )));
        }
    };
    if verify {
        op.verify(&node.public_key)?;
    }
    Ok(node)
}

fn user_of(txn: &WriteTransaction, node: NodeId, name: &str) -> Result<Option<User>> {
    get(&txn.open_table(store::USERS)?, (node.0, name))
}

/// The rules every node enforces on every op, wherever it was made. Privileged ops (taxonomy,
/// enrolment, publication) are valid only from an administrator on the trust root (HQ).
fn authorize(txn: &WriteTransaction, op: &SignedOp, node: &NodeInfo) -> Result<()> {
    let o = &op.op;
    let user = user_of(txn, o.node, &o.user)?;
    let is_admin = user.as_ref().is_some_and(|u| u.role == Role::Admin);
    let on_root = o.node == trust_root(txn)?;
    // HQ-authorized signers: HQ itself, and nodes HQ has trusted (`outpost node trust`).
    let trusted = txn.open_table(store::TRUSTED)?.get(o.node.0)?.is_some();
    let authorized = on_root || trusted;
    let denied = |why: &str| Err(Error::Denied(why.to_string()));
    match &o.payload {
        Payload::NodeCreated { .. } if o.seq != 1 => {
            denied("a node can only be created by its first op")
        }
        Payload::NodeCreated { .. } => Ok(()),
        // A node's first account is made by the node itself while it starts up.
        Payload::UserCreated { .. } if o.seq <= 3 && user.is_none() => Ok(()),
        Payload::UserCreated { .. } if !is_admin => denied(&format!(
            "`{}` is not an administrator on this node",
            o.user
        )),
        Payload::NodeTrusted { .. } if !(is_admin && on_root) => {
            denied("only an administrator at HQ may trust a node")
        }
        Payload::KnowledgeMapSet { .. } | Payload::NodeEnrolled { .. }
            if !(is_admin && authorized) =>
        {
            denied(
                "only an administrator at HQ (or a node HQ trusts) may change the Knowledge Map or enrol nodes",
            )
        }
        Payload::StatusSet { article, status } => {
            if user.is_none() {
                return denied(&format!("there is no account `{}`", o.user));
            }
            let record: Option<ArticleRecord> =
                get(&txn.open_table(store::ARTICLES)?, article.as_str())?;
            let Some(record) = record else {
                return Err(Error::Pending(format!(
                    "article `{article}` is not here yet"
                )));
            };
            let is_author = record
                .authors
                .iter()
                .any(|a| a.node == o.node && a.name == o.user);
            match status {
                Status::Published if !(is_admin && ((node.hq && on_root) || trusted)) => denied(
                    "only an administrator on the HQ node (or a node HQ trusts) may publish directly (review comes later)",
                ),
                Status::Draft | Status::Retired if !(is_admin || is_author) => {
                    denied("only the article's authors or an administrator may change its status")
                }
                _ => Ok(()),
            }
        }
        Payload::RevisionAdded { .. } if user.is_none() => {
            denied(&format!("there is no account `{}`", o.user))
        }
        _ => Ok(()),
    }
}

fn materialize(txn: &WriteTransaction, op: &SignedOp, node: &NodeInfo) -> Result<()> {
    let o = &op.op;
    match &o.payload {
        Payload::NodeCreated { .. } => {
            txn.open_table(store::NODES)?
                .insert(o.node.0, encode(node).as_slice())?;
        }
        Payload::UserCreated { name, role } => {
            crate::model::user::check_user_name(name)?;
            let mut users = txn.open_table(store::USERS)?;
            if users.get((o.node.0, name.as_str()))?.is_some() {
                return Err(Error::invalid(format!(
                    "an account `{name}` already exists"
                )));
            }
            let user = User {
                node: o.node,
                name: name.clone(),
                role: *role,
            };
            users.insert((o.node.0, name.as_str()), encode(&user).as_slice())?;
        }
        Payload::KnowledgeMapSet { map } => {
            let mut table = txn.open_table(store::CATEGORIES)?;
            for category in &map.categories {
                let existing: Option<CategoryRecord> = get(&table, category.id.as_str())?;
                if existing.is_some_and(|e| (e.hlc, e.node) >= (o.hlc, o.node)) {
                    continue;
                }
                let record = CategoryRecord {
                    category: category.clone(),
                    hlc: o.hlc,
                    node: o.node,
                };
                table.insert(category.id.as_str(), encode(&record).as_slice())?;
            }
        }
        Payload::NodeEnrolled {
            node: enrolled,
            office,
            public_key,
            age_recipient,
        } => {
            let mut table = txn.open_table(store::ENROLMENTS)?;
            let existing: Option<Enrolment> = get(&table, enrolled.0)?;
            // Enrolled twice: the earliest enrolment stands, whatever the delivery order.
            if existing.is_none_or(|e| (o.hlc, o.node) < (e.hlc, e.by)) {
                let record = Enrolment {
                    node: *enrolled,
                    office: office.clone(),
                    public_key: *public_key,
                    age_recipient: age_recipient.clone(),
                    by: o.node,
                    hlc: o.hlc,
                };
                table.insert(enrolled.0, encode(&record).as_slice())?;
            }
        }
        Payload::RevisionAdded { article, revision } => {
            add_revision(txn, op, node, article, revision)?;
        }
        Payload::NodeTrusted { node: trusted } => {
            let mut table = txn.open_table(store::TRUSTED)?;
            let earlier: Option<Hlc> = get(&table, trusted.0)?;
            if earlier.is_none_or(|e| o.hlc < e) {
                table.insert(trusted.0, encode(&o.hlc).as_slice())?;
            }
        }
        Payload::StatusSet { article, status } => set_status(txn, op, article, *status)?,
    }
    Ok(())
}
