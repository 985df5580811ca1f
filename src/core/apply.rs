//! Applying one op to the materialized tables. Local commits and imported bundles call the same
//! function inside one redb write transaction, which is what makes nodes converge: every
//! materialized record is a function of the *set* of ops applied, never of their order.
//!
//! An op whose predecessors have not arrived (a gap in its node's chain, an unknown node, a
//! parent revision not here yet) is not an error: it comes back as `Applied::Waits`, and import
//! keeps it aside and retries. Neither is an op at a place its node already filled with another
//! op (`Applied::Forked`).

use redb::ReadableTable;

use super::apply_article::{add_revision, publish_revision, set_status};
use super::batch::Batch;
use crate::error::{Error, Result};
use crate::model::{
    CategoryRecord, Enrolment, Hash, Hlc, NodeId, NodeInfo, Payload, Role, SignedOp, Status, User,
};
use crate::store::{encode, get};

/// What applying an op did.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    New,
    /// The op was already in the log; nothing changed.
    Duplicate,
    /// The op is well signed and in its node's chain, but breaks a rule (a malformed field, an
    /// action its signer may not take): it is kept in the log, so that its node's later ops
    /// still follow it, and changes nothing. Every node refuses it alike.
    Refused(Refusal),
    /// Something the op builds on has not arrived: nothing was written, and the op can apply
    /// once it has (import keeps it in the pending table).
    Waits {
        reason: String,
    },
    /// Another op holds the op's place in its node's chain: the node's history forked there.
    /// Nothing was written.
    Forked {
        node: NodeId,
        seq: u64,
    },
}

impl Applied {
    /// An op of the log replayed: it applied once, in this order, so it finds what it builds
    /// on and holds its own place. Anything else is the log's damage.
    pub(crate) fn replayed(self) -> Result<()> {
        match self {
            Applied::New | Applied::Duplicate | Applied::Refused(_) => Ok(()),
            Applied::Waits { reason } => Err(Error::corrupt(format!(
                "an op of the log cannot apply where it stands: {reason}"
            ))),
            Applied::Forked { node, seq } => Err(Error::Fork { node, seq }),
        }
    }
}

/// Why applying an op stopped short, inside this module and `apply_article`: it must wait for
/// something (`apply_op` reports that as `Applied::Waits`), or it failed.
pub(crate) enum Halt {
    Waits(String),
    Failed(Error),
}

pub(crate) type Step<T> = std::result::Result<T, Halt>;

macro_rules! halts {
    ($($t:ty),*) => {$(
        impl From<$t> for Halt {
            fn from(e: $t) -> Self { Halt::Failed(e.into()) }
        }
    )*};
}
halts!(Error, redb::StorageError, redb::TableError, postcard::Error);

/// Why an op was refused, as kept in `store::REFUSED` and shown in import reports.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refusal {
    pub kind: String,
    pub user: String,
    pub article: Option<String>,
    pub reason: String,
}

/// How far ahead of this machine's clock a received op may be dated. Further ahead, it is held
/// back (with its node's later ops) until the clock gets there: one laptop set years ahead
/// must not drag every node's clock with it. A day covers clocks set in the wrong time zone.
pub const MAX_CLOCK_AHEAD_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// Appends `op` to the log and updates the materialized tables.
///
/// `verify` checks the signature; a node's own freshly signed ops skip it. `hash` is the op's
/// hash when the caller has it (signing needed it), else it is computed.
pub fn apply_op(b: &mut Batch, op: &SignedOp, verify: bool, hash: Option<Hash>) -> Result<Applied> {
    match apply_step(b, op, verify, hash) {
        Ok(applied) => Ok(applied),
        Err(Halt::Waits(reason)) => Ok(Applied::Waits { reason }),
        Err(Halt::Failed(e)) => Err(e),
    }
}

fn apply_step(b: &mut Batch, op: &SignedOp, verify: bool, hash: Option<Hash>) -> Step<Applied> {
    let o = &op.op;
    let key = (o.node.0, o.seq);
    if let Some(stored) = b.ops.get(key)? {
        // The same place holding other bytes is a fork, not a duplicate: the node was most
        // likely restored from an older copy of its data and numbered new ops again.
        if stored.value() != op.encode().as_slice() {
            return Ok(Applied::Forked {
                node: o.node,
                seq: o.seq,
            });
        }
        return Ok(Applied::Duplicate);
    }
    check_chain(b, op)?;
    let node = node_of(b, op, verify)?;
    check_clock(b, op)?;
    let hash = hash.unwrap_or_else(|| o.hash());
    let verdict = o
        .validate()
        .map_err(Halt::from)
        .and_then(|()| authorize(b, op, &node))
        .and_then(|by_hq| materialize(b, op, &node, by_hq));
    let applied = match verdict {
        Ok(()) => Applied::New,
        // Rules are checked before anything is written, so a refused op changed nothing.
        Err(Halt::Failed(Error::Denied { reason } | Error::Invalid { reason })) => {
            let refusal = Refusal {
                kind: o.payload.kind().to_string(),
                user: o.user.clone(),
                article: o.payload.article().map(|a| a.as_str().to_string()),
                reason,
            };
            b.refused.insert(key, encode(&refusal).as_slice())?;
            Applied::Refused(refusal)
        }
        Err(e) => return Err(e),
    };
    b.ops.insert(key, op.encode().as_slice())?;
    b.chains.insert(o.node.0, (o.seq, hash.0))?;
    b.append_to_log(key)?;
    b.observe(o.hlc);
    Ok(applied)
}

/// An op dated too far ahead of this machine's clock waits (see [`MAX_CLOCK_AHEAD_MILLIS`]).
/// Replays, which have no wall clock, take every op.
fn check_clock(b: &Batch, op: &SignedOp) -> Step<()> {
    let Some(now) = b.wall_clock() else {
        return Ok(());
    };
    let o = &op.op;
    if o.hlc.millis > now.saturating_add(MAX_CLOCK_AHEAD_MILLIS) {
        return Err(Halt::Waits(format!(
            "op {} of node {} is dated {}, ahead of this machine's clock ({}); it waits until then — check the clock of the laptop that made it",
            o.seq,
            o.node.short(),
            o.hlc.display(),
            crate::model::Hlc {
                millis: now,
                counter: 0
            }
            .display()
        )));
    }
    Ok(())
}

pub fn read_u64(table: &impl ReadableTable<&'static str, &'static [u8]>, key: &str) -> Result<u64> {
    match table.get(key)? {
        Some(v) => {
            let bytes: [u8; 8] = v.value().try_into().map_err(|_| Error::Corrupt {
                what: format!("meta value `{key}` is malformed"),
            })?;
            Ok(u64::from_le_bytes(bytes))
        }
        None => Ok(0),
    }
}

/// Each node's ops form a gapless hash chain: seq n+1 names the hash of seq n.
fn check_chain(b: &Batch, op: &SignedOp) -> Step<()> {
    let o = &op.op;
    let (tip_seq, tip_hash) = b
        .chains
        .get(o.node.0)?
        .map(|v| v.value())
        .unwrap_or((0, [0; 32]));
    if o.seq > tip_seq + 1 {
        return Err(Halt::Waits(format!(
            "op {} of node {} waits for op {} of that node",
            o.seq,
            o.node.short(),
            tip_seq + 1
        )));
    }
    if o.seq == 0 || o.prev != Hash(tip_hash) {
        return Err(Halt::Failed(Error::Corrupt {
            what: format!(
                "op {} of node {} does not follow that node's previous op (hash chain broken)",
                o.seq,
                o.node.short()
            ),
        }));
    }
    Ok(())
}

/// The node that signed `op`, with the signature checked. A node's first op introduces it, and
/// is accepted from the trust root itself or from a node the trust root has enrolled.
fn node_of(b: &Batch, op: &SignedOp, verify: bool) -> Step<NodeInfo> {
    let o = &op.op;
    let known: Option<NodeInfo> = get(&b.nodes, o.node.0)?;
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
            if o.node != b.trust_root()? {
                let enrolment: Option<Enrolment> = get(&b.enrolments, o.node.0)?;
                match enrolment {
                    Some(e) if e.public_key == *public_key => {}
                    Some(_) => {
                        return Err(Halt::Failed(Error::Denied {
                            reason: format!(
                                "node {} signs with another key than HQ enrolled",
                                o.node.short()
                            ),
                        }));
                    }
                    None => {
                        return Err(Halt::Waits(format!(
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
            return Err(Halt::Waits(format!(
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

fn user_of(b: &Batch, node: NodeId, name: &str) -> Result<Option<User>> {
    get(&b.users, (node.0, name))
}

/// The rules every node enforces on every op, wherever it was made. Privileged ops (taxonomy,
/// enrolment, publication) are valid only from an administrator on the trust root (HQ) or on a
/// node HQ trusts. Returns whether the op speaks for HQ (its status decisions are HQ's).
fn authorize(b: &mut Batch, op: &SignedOp, node: &NodeInfo) -> Step<bool> {
    let o = &op.op;
    let user = user_of(b, o.node, &o.user)?;
    let is_admin = user.as_ref().is_some_and(|u| u.role == Role::Admin);
    let on_root = o.node == b.trust_root()?;
    // HQ-authorized signers: HQ itself, and nodes HQ has trusted (`outpost node trust`).
    let trusted = b.trusted.get(o.node.0)?.is_some();
    let authorized = on_root || trusted;
    let may_publish = (node.hq && on_root) || trusted;
    let by_hq = is_admin && may_publish;
    let denied = |why: &str| {
        Err(Halt::Failed(Error::Denied {
            reason: why.to_string(),
        }))
    };
    match &o.payload {
        Payload::NodeCreated { .. } if o.seq != 1 => {
            denied("a node can only be created by its first op")
        }
        Payload::NodeCreated { .. } => Ok(false),
        // A node's first account is made by the node itself while it starts up.
        Payload::UserCreated { .. } if o.seq <= 3 && user.is_none() => Ok(false),
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
        Payload::StatusSet { .. }
        | Payload::RevisionAdded { .. }
        | Payload::ArticleCreated { .. }
        | Payload::RevisionPublished { .. }
            if user.is_none() =>
        {
            denied(&format!("there is no account `{}`", o.user))
        }
        Payload::AttachmentAdded { .. } | Payload::AttachmentRemoved { .. } if user.is_none() => {
            denied(&format!("there is no account `{}`", o.user))
        }
        Payload::AttachmentAdded { article, .. } | Payload::AttachmentRemoved { article, .. } => {
            let Some(record) = b.article(article)? else {
                return Err(Halt::Waits(format!("article `{article}` is not here yet")));
            };
            let is_author = record
                .authors
                .iter()
                .any(|a| a.node == o.node && a.name == o.user);
            if is_author || is_admin {
                Ok(by_hq)
            } else {
                denied("only the article's authors or an administrator may attach or remove files")
            }
        }
        Payload::RevisionPublished { .. } if !by_hq => denied(
            "only an administrator on the HQ node (or a node HQ trusts) may publish (review comes later)",
        ),
        Payload::StatusSet { article, status } => {
            let Some(record) = b.article(article)? else {
                return Err(Halt::Waits(format!("article `{article}` is not here yet")));
            };
            let is_author = record
                .authors
                .iter()
                .any(|a| a.node == o.node && a.name == o.user);
            // Once HQ has decided an article's status, HQ's decision is the one in force
            // (`ArticleRecord::effective_status`); an author's later change is recorded in the
            // authors' register and has no effect. It is not refused: whether HQ's op arrived
            // first differs between nodes, and every node must keep the same record.
            may_set_status(*status, is_admin, is_author, may_publish)
                .map(|()| by_hq)
                .map_err(Halt::from)
        }
        // Its writer is its author.
        Payload::ArticleCreated { status, .. } => {
            may_set_status(*status, is_admin, true, may_publish)
                .map(|()| by_hq)
                .map_err(Halt::from)
        }
        _ => Ok(by_hq),
    }
}

/// Who may set an article's status: publishing is an administrator's on HQ (or on a node HQ
/// trusts); a draft or retirement, its authors' or an administrator's.
fn may_set_status(status: Status, is_admin: bool, is_author: bool, hq: bool) -> Result<()> {
    match status {
        Status::Published if !(is_admin && hq) => Err(Error::Denied { reason: "only an administrator on the HQ node (or a node HQ trusts) may publish directly (review comes later)".into() }),
        Status::Draft | Status::Retired if !(is_admin || is_author) => Err(Error::Denied { reason: "only the article's authors or an administrator may change its status".into() }),
        _ => Ok(()),
    }
}

fn materialize(b: &mut Batch, op: &SignedOp, node: &NodeInfo, by_hq: bool) -> Step<()> {
    let o = &op.op;
    match &o.payload {
        Payload::NodeCreated { .. } => {
            b.nodes.insert(o.node.0, encode(node).as_slice())?;
        }
        Payload::UserCreated { name, role } => {
            crate::model::user::check_user_name(name)?;
            if b.users.get((o.node.0, name.as_str()))?.is_some() {
                return Err(Halt::Failed(Error::invalid(format!(
                    "an account `{name}` already exists"
                ))));
            }
            let user = User {
                node: o.node,
                name: name.clone(),
                role: *role,
            };
            b.users
                .insert((o.node.0, name.as_str()), encode(&user).as_slice())?;
        }
        Payload::KnowledgeMapSet { map } => {
            let table = &mut b.categories;
            for category in &map.categories {
                let existing: Option<CategoryRecord> = get(table, category.id.as_str())?;
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
            let existing: Option<Enrolment> = get(&b.enrolments, enrolled.0)?;
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
                b.enrolments
                    .insert(enrolled.0, encode(&record).as_slice())?;
            }
        }
        Payload::RevisionAdded { article, revision } => {
            add_revision(b, op, node, article, revision)?;
        }
        Payload::NodeTrusted { node: trusted } => {
            let earlier: Option<Hlc> = get(&b.trusted, trusted.0)?;
            if earlier.is_none_or(|e| o.hlc < e) {
                b.trusted.insert(trusted.0, encode(&o.hlc).as_slice())?;
            }
        }
        Payload::StatusSet { article, status } => set_status(b, op, article, *status, by_hq)?,
        Payload::RevisionPublished { article, revision } => {
            publish_revision(b, op, article, *revision, None)?;
        }
        Payload::ArticleCreated {
            article,
            revision,
            status,
        } => {
            if !revision.parents.is_empty() {
                return Err(Halt::Failed(Error::invalid(format!(
                    "the op creating `{article}` carries a revision that builds on others"
                ))));
            }
            add_revision(b, op, node, article, revision)?;
            if *status == Status::Published && by_hq {
                publish_revision(b, op, article, revision.id(), Some(revision))?;
            } else {
                set_status(b, op, article, *status, by_hq)?;
            }
        }
        Payload::AttachmentAdded {
            article,
            attachment,
        } => set_attachment(b, op, article, &attachment.name, Some(attachment))?,
        Payload::AttachmentRemoved { article, name } => {
            set_attachment(b, op, article, name, None)?;
        }
    }
    Ok(())
}

/// Sets (or, with `None`, removes) an article's attachment `name`, the latest op winning.
fn set_attachment(
    b: &mut Batch,
    op: &SignedOp,
    article: &crate::model::ArticleId,
    name: &str,
    attachment: Option<&crate::model::Attachment>,
) -> Step<()> {
    let o = &op.op;
    let Some(mut record) = b.take_article(article)? else {
        return Err(Halt::Waits(format!("article `{article}` is not here yet")));
    };
    if crate::model::attachment::set_slot(
        &mut record.attachments,
        name,
        o.hlc,
        o.node,
        attachment.cloned(),
    ) {
        record.updated = record.updated.max(o.hlc);
    }
    b.put_article(record)?;
    Ok(())
}
