//! Applying one op to the materialized tables. Local commits and (later) imported bundles call
//! the same function inside one redb write transaction, which is what makes nodes converge:
//! every materialized record is a function of the *set* of ops applied, never of their order.

use redb::{ReadableTable, WriteTransaction};

use crate::error::{Error, Result};
use crate::model::{
    ArticleId, ArticleRecord, Author, CategoryRecord, Hash, Hlc, NodeId, NodeInfo, Payload,
    RevisionRecord, Role, SignedOp, Status, User,
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
    let mut ops = txn.open_table(store::OPS)?;
    if ops.get((o.node.0, o.seq))?.is_some() {
        return Ok(Applied::Duplicate);
    }
    check_chain(txn, op)?;
    let node = node_of(txn, op, verify)?;
    authorize(txn, op, &node)?;
    materialize(txn, op, &node)?;

    ops.insert((o.node.0, o.seq), op.encode().as_slice())?;
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

/// Each node's ops form a gapless hash chain: seq n+1 names the hash of seq n.
fn check_chain(txn: &WriteTransaction, op: &SignedOp) -> Result<()> {
    let o = &op.op;
    let chains = txn.open_table(store::CHAINS)?;
    let (tip_seq, tip_hash) = chains
        .get(o.node.0)?
        .map(|v| v.value())
        .unwrap_or((0, [0; 32]));
    if o.seq != tip_seq + 1 {
        return Err(Error::invalid(format!(
            "op {} of node {} arrived before op {} of that node",
            o.seq,
            o.node.short(),
            tip_seq + 1
        )));
    }
    if o.prev != Hash(tip_hash) {
        return Err(Error::Corrupt(format!(
            "op {} of node {} does not follow that node's previous op (hash chain broken)",
            o.seq,
            o.node.short()
        )));
    }
    Ok(())
}

/// The node that signed `op`, with the signature checked. A node's first op introduces it.
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
            },
        ) if o.seq == 1 => NodeInfo {
            id: o.node,
            office: office.clone(),
            hq: *hq,
            public_key: *public_key,
            created: o.hlc,
        },
        (None, _) => {
            return Err(Error::Denied(format!(
                "ops from node {} are refused: that node is not known here",
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

/// The rules every node enforces on every op, wherever it was made.
fn authorize(txn: &WriteTransaction, op: &SignedOp, node: &NodeInfo) -> Result<()> {
    let o = &op.op;
    let user = user_of(txn, o.node, &o.user)?;
    let is_admin = user.as_ref().is_some_and(|u| u.role == Role::Admin);
    match &o.payload {
        Payload::NodeCreated { .. } if o.seq != 1 => {
            return Err(Error::Denied(
                "a node can only be created by its first op".into(),
            ));
        }
        // A node's first account is made by the node itself while it starts up.
        Payload::UserCreated { .. } if o.seq <= 3 && user.is_none() => {}
        Payload::UserCreated { .. } | Payload::KnowledgeMapSet { .. } if !is_admin => {
            return Err(Error::Denied(format!(
                "`{}` is not an administrator on this node",
                o.user
            )));
        }
        Payload::StatusSet { article, status } => {
            if user.is_none() {
                return Err(Error::Denied(format!("there is no account `{}`", o.user)));
            }
            let record: Option<ArticleRecord> =
                get(&txn.open_table(store::ARTICLES)?, article.as_str())?;
            let Some(record) = record else {
                return Err(Error::NoArticle(article.to_string()));
            };
            let is_author = record
                .authors
                .iter()
                .any(|a| a.node == o.node && a.name == o.user);
            let allowed = match status {
                Status::Published => is_admin && node.hq,
                Status::Draft | Status::Retired => is_admin || is_author,
            };
            if !allowed {
                let why = match status {
                    Status::Published => {
                        "only an administrator on the HQ node may publish directly (review comes later)"
                    }
                    _ => "only the article's authors or an administrator may change its status",
                };
                return Err(Error::Denied(why.into()));
            }
        }
        Payload::RevisionAdded { .. } if user.is_none() => {
            return Err(Error::Denied(format!("there is no account `{}`", o.user)));
        }
        _ => {}
    }
    Ok(())
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
        Payload::RevisionAdded { article, revision } => {
            add_revision(txn, op, node, article, revision)?;
        }
        Payload::StatusSet { article, status } => {
            let mut table = txn.open_table(store::ARTICLES)?;
            let mut record: ArticleRecord = get(&table, article.as_str())?
                .ok_or_else(|| Error::NoArticle(article.to_string()))?;
            if (o.hlc, o.node) > (record.status_hlc, record.status_node) {
                record.status = *status;
                record.status_hlc = o.hlc;
                record.status_node = o.node;
            }
            record.updated = record.updated.max(o.hlc);
            table.insert(article.as_str(), encode(&record).as_slice())?;
        }
    }
    Ok(())
}

fn add_revision(
    txn: &WriteTransaction,
    op: &SignedOp,
    node: &NodeInfo,
    article: &ArticleId,
    revision: &crate::model::Revision,
) -> Result<()> {
    let o = &op.op;
    let content = &revision.content;
    content.check_fields()?;
    if txn
        .open_table(store::CATEGORIES)?
        .get(content.category.as_str())?
        .is_none()
    {
        return Err(Error::invalid(format!(
            "unknown category `{}`: run `outpost categories` to see the valid ids",
            content.category
        )));
    }

    let id = revision.id();
    let mut revisions = txn.open_table(store::REVISIONS)?;
    for parent in &revision.parents {
        let parent_record: Option<RevisionRecord> = get(&revisions, parent.0)?;
        match parent_record {
            Some(p) if &p.article == article => {}
            Some(_) => {
                return Err(Error::invalid(format!(
                    "revision {} of `{article}` names a parent from another article",
                    id.short()
                )));
            }
            None => {
                return Err(Error::invalid(format!(
                    "revision {} of `{article}` builds on revision {} which is not here yet",
                    id.short(),
                    parent.short()
                )));
            }
        }
    }

    let author = Author {
        node: o.node,
        name: o.user.clone(),
    };
    let new_record = RevisionRecord {
        article: article.clone(),
        revision: revision.clone(),
        author: o.user.clone(),
        node: o.node,
        hlc: o.hlc,
    };
    let existing: Option<RevisionRecord> = get(&revisions, id.0)?;
    let is_new = existing.is_none();
    // The same revision made twice: keep the earliest maker, whatever the delivery order.
    if existing
        .as_ref()
        .is_none_or(|e| (o.hlc, o.node) < (e.hlc, e.node))
    {
        revisions.insert(id.0, encode(&new_record).as_slice())?;
    }

    let mut articles = txn.open_table(store::ARTICLES)?;
    let record: Option<ArticleRecord> = get(&articles, article.as_str())?;
    let mut record = match record {
        Some(r) => r,
        None => ArticleRecord {
            id: article.clone(),
            heads: vec![],
            current: id,
            content: content.clone(),
            status: Status::Draft,
            status_hlc: Hlc::default(),
            status_node: o.node,
            created: o.hlc,
            updated: o.hlc,
            origin_node: o.node,
            origin_office: node.office.clone(),
            authors: vec![],
            revision_count: 0,
        },
    };
    if is_new {
        record.heads.retain(|h| !revision.parents.contains(h));
        record.heads.push(id);
        record.heads.sort();
        record.revision_count += 1;
    }
    if revision.parents.is_empty() && (o.hlc, o.node) < (record.created, record.origin_node) {
        record.origin_node = o.node;
        record.origin_office = node.office.clone();
    }
    record.created = record.created.min(o.hlc);
    record.updated = record.updated.max(o.hlc);
    if let Err(at) = record.authors.binary_search(&author) {
        record.authors.insert(at, author);
    }
    // Show the latest head: the greatest (hlc, node) of its maker.
    let mut best: Option<(Hlc, NodeId, Hash, crate::model::ArticleContent)> = None;
    for head in &record.heads {
        let r: RevisionRecord = get(&revisions, head.0)?.ok_or_else(|| {
            Error::Corrupt(format!("head {} has no revision record", head.short()))
        })?;
        if best.as_ref().is_none_or(|b| (r.hlc, r.node) > (b.0, b.1)) {
            best = Some((r.hlc, r.node, *head, r.revision.content));
        }
    }
    if let Some((_, _, head, content)) = best {
        record.current = head;
        record.content = content;
    }
    articles.insert(article.as_str(), encode(&record).as_slice())?;
    Ok(())
}
