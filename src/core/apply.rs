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
use crate::model::glossary::GlossaryRecord;
use crate::model::{
    Author, CategoryRecord, Classification, Enrolment, Grant, Hash, Hlc, NodeId, NodeInfo,
    NodeRevocation, Payload, Role, SignedOp, Status, User, UserChange,
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
    let verdict = match verdict {
        Err(Halt::Waits(reason)) => builds_on_refused(b, op, reason)?,
        other => other,
    };
    let applied = match verdict {
        Ok(()) => Applied::New,
        // Rules are checked before anything is written, so a refused op changed nothing.
        Err(Halt::Failed(Error::Denied { reason } | Error::Invalid { reason })) => {
            let refusal = Refusal {
                kind: o.payload.kind().to_string(),
                user: o.user.clone(),
                article: subject_of(&o.payload),
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

/// An op that waits for an article (or a revision of it) whose ops were refused — a revoked
/// node's article, say — would wait forever, and hold up every later op of its node: it is
/// refused too. In a replay with revocations foreseen nothing is still to come, so an op that
/// cannot apply where it stands built on something a revocation refused.
fn builds_on_refused(b: &Batch, op: &SignedOp, reason: String) -> Step<Step<()>> {
    let refused_article = match subject_of(&op.op.payload) {
        Some(article) => {
            let mut found = false;
            for entry in b.refused.iter()? {
                let (_, v) = entry?;
                let refusal: Refusal = crate::store::decode(v.value())?;
                if refusal.article.as_deref() == Some(article.as_str()) {
                    found = true;
                    break;
                }
            }
            found
        }
        None => super::community::named_by_refused_founding(b, &op.op.payload)?,
    };
    Ok(if refused_article || b.foreseen.is_active() {
        Err(Halt::Failed(Error::Denied {
            reason: format!("it builds on ops that were refused ({reason})"),
        }))
    } else {
        Err(Halt::Waits(reason))
    })
}

/// What a refusal names: the article an op touches, or the question, answer or comment
/// target of a Knowledge Market op.
fn subject_of(payload: &Payload) -> Option<String> {
    payload
        .article()
        .map(|a| a.as_str().to_string())
        .or_else(|| payload.market_subject().map(str::to_string))
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

/// The seq after which HQ revoked `node`'s key, if it did (here, or in a log replayed after a
/// late revocation).
fn node_cut(b: &Batch, node: NodeId) -> Result<Option<u64>> {
    let held: Option<NodeRevocation> = get(&b.revoked_nodes, node.0)?;
    Ok(
        match (held.map(|r| r.after_seq), b.foreseen.node_cut(node)) {
            (Some(a), Some(f)) => Some(a.min(f)),
            (a, f) => a.or(f),
        },
    )
}

/// The grants a person holds, as this batch knows them.
pub(crate) fn grants_of(b: &Batch, user: &Author) -> Result<Vec<Grant>> {
    Ok(get(&b.grants, (user.node.0, user.name.as_str()))?.unwrap_or_default())
}

/// Whether `user` held `role` over `category` for their node's op numbered `seq`: a grant that
/// covers the category and was not revoked before that op. Evaluation and Q&A rules ask this.
pub(crate) fn holds_role(
    b: &Batch,
    user: &Author,
    role: Role,
    category: &str,
    seq: u64,
) -> Result<bool> {
    Ok(grants_of(b, user)?
        .iter()
        .any(|g| g.covers(role, category, seq) && !b.foreseen.role_revoked(user, g, seq)))
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
    // A revoked node's first op stays: it introduces the key its other ops are checked with.
    if let Some(cut) = node_cut(b, o.node)?
        && o.seq > cut
        && !matches!(o.payload, Payload::NodeCreated { .. })
    {
        return denied(&format!(
            "HQ revoked the key of node {} ({}) after its op {cut}: its later ops are refused",
            o.node.short(),
            node.office
        ));
    }
    if user.as_ref().is_some_and(|u| u.disabled) {
        return denied(&format!("the account `{}` is disabled", o.user));
    }
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
        Payload::NodeRevoked { .. } if !(is_admin && on_root) => {
            denied("only an administrator at HQ may revoke a node's key")
        }
        Payload::NodeRevoked { node: revoked, .. } if *revoked == b.trust_root()? => {
            denied("HQ's own key cannot be revoked")
        }
        Payload::RoleGranted { .. } | Payload::RoleRevoked { .. } if !(is_admin && authorized) => {
            denied(
                "evaluator and expert rights are granted by an administrator at HQ (or at a node HQ trusts)",
            )
        }
        Payload::UserChanged { .. } if !is_admin => denied(&format!(
            "`{}` is not an administrator on this node: only an administrator changes accounts",
            o.user
        )),
        Payload::UserChanged { name, change } => {
            let Some(target) = user_of(b, o.node, name)? else {
                return denied(&format!("there is no account `{name}` on this node"));
            };
            let actor_clearance = user
                .as_ref()
                .map_or(Classification::Public, |u| u.clearance);
            match change {
                UserChange::Clearance(c) if *c > actor_clearance => denied(&format!(
                    "an administrator cleared for {} cannot clear `{name}` for {}",
                    actor_clearance.as_str(),
                    c.as_str()
                )),
                UserChange::Disabled | UserChange::Role(_)
                    if target.role == Role::Admin
                        && !matches!(change, UserChange::Role(Role::Admin))
                        && last_admin(b, o.node, name)? =>
                {
                    denied(&format!(
                        "`{name}` is this node's last administrator: make another administrator first"
                    ))
                }
                _ => Ok(by_hq),
            }
        }
        Payload::KnowledgeMapSet { .. } | Payload::NodeEnrolled { .. }
            if !(is_admin && authorized) =>
        {
            denied(
                "only an administrator at HQ (or a node HQ trusts) may change the Knowledge Map or enrol nodes",
            )
        }
        Payload::GlossarySet { .. } if !(is_admin && authorized) => {
            denied("only an administrator at HQ (or a node HQ trusts) may change the glossary")
        }
        Payload::PolicySet { .. } if !(is_admin && authorized) => {
            denied("evaluation policy is set by an administrator at HQ (or at a node HQ trusts)")
        }
        Payload::ReadingRequired { .. } if !(is_admin && authorized) => {
            denied("required reading is set by an administrator at HQ (or at a node HQ trusts)")
        }
        Payload::StatusSet { .. }
        | Payload::RevisionAdded { .. }
        | Payload::ArticleCreated { .. }
        | Payload::RevisionPublished { .. }
        | Payload::Submitted { .. }
        | Payload::Evaluated { .. }
        | Payload::Flagged { .. }
        | Payload::Confirmed { .. }
        | Payload::Superseded { .. }
        | Payload::Acknowledged { .. }
            if user.is_none() =>
        {
            denied(&format!("there is no account `{}`", o.user))
        }
        Payload::AttachmentAdded { .. } | Payload::AttachmentRemoved { .. } if user.is_none() => {
            denied(&format!("there is no account `{}`", o.user))
        }
        Payload::CommunityCreated { .. }
        | Payload::CommunityJoined { .. }
        | Payload::CommunityLeft { .. }
        | Payload::CommunityOutcome { .. }
            if user.is_none() =>
        {
            denied(&format!("there is no account `{}`", o.user))
        }
        Payload::MileageRulesSet { .. } if !(is_admin && authorized) => {
            denied("mileage rules are set by an administrator at HQ (or at a node HQ trusts)")
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
        Payload::Submitted { .. } | Payload::Evaluated { .. } => {
            super::evaluation::authorize(b, op).map(|()| false)
        }
        Payload::Flagged { .. } | Payload::Confirmed { .. } | Payload::Superseded { .. } => {
            super::freshness::authorize(b, op, is_admin && authorized).map(|()| false)
        }
        Payload::ReadingRequired { .. } | Payload::Acknowledged { .. } => {
            super::required_reading::authorize(b, op).map(|()| false)
        }
        _ if o.payload.market_subject().is_some() && user.is_none() => {
            denied(&format!("there is no account `{}`", o.user))
        }
        _ if o.payload.market_subject().is_some() => {
            super::market::authorize(b, op).map(|()| false)
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

/// Whether `name` is the only enabled administrator of `node`.
fn last_admin(b: &Batch, node: NodeId, name: &str) -> Result<bool> {
    let mut others = 0;
    for entry in b.users.range((node.0, "")..)? {
        let (k, v) = entry?;
        if k.value().0 != node.0 {
            break;
        }
        let u: User = crate::store::decode(v.value())?;
        if u.role == Role::Admin && !u.disabled && u.name != name {
            others += 1;
        }
    }
    Ok(others == 0)
}

/// Records a grant (`revoked_after` None) or a revocation of one role over one category: the
/// later op of the two, by `(hlc, node)`, stands.
fn set_grant(
    b: &mut Batch,
    op: &SignedOp,
    user: &Author,
    role: Role,
    category: &Option<String>,
    revoked_after: Option<u64>,
) -> Step<()> {
    let o = &op.op;
    let mut grants = grants_of(b, user)?;
    let new = Grant {
        role,
        category: category.clone(),
        hlc: o.hlc,
        by: o.node,
        revoked_after,
    };
    match grants
        .iter_mut()
        .find(|g| g.role == role && g.category == *category)
    {
        Some(g) if (g.hlc, g.by) >= (o.hlc, o.node) => return Ok(()),
        Some(g) => *g = new,
        None => grants.push(new),
    }
    grants.sort_by(|a, b| (a.role, &a.category).cmp(&(b.role, &b.category)));
    b.grants.insert(
        (user.node.0, user.name.as_str()),
        encode(&grants).as_slice(),
    )?;
    if let Some(cut) = revoked_after {
        replay_if_held_beyond(b, user.node, cut)?;
    }
    Ok(())
}

/// A revocation that arrives after ops of its node numbered beyond its cut may have let some of
/// them apply: the tables are replayed from the log, with every revocation known, once this
/// transaction commits — so this node reaches the verdicts of a node that heard first.
fn replay_if_held_beyond(b: &mut Batch, node: NodeId, cut: u64) -> Step<()> {
    let tip = b.chains.get(node.0)?.map_or(0, |v| v.value().0);
    if tip > cut && !b.foreseen.is_active() {
        b.set_meta_u64(crate::store::meta_keys::REPLAY_NEEDED, 1)?;
    }
    Ok(())
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
                clearance: User::default_clearance(*role),
                disabled: false,
            };
            b.users
                .insert((o.node.0, name.as_str()), encode(&user).as_slice())?;
        }
        Payload::GlossarySet { entry } => {
            let existing: Option<GlossaryRecord> = get(&b.glossary, entry.id.as_str())?;
            if existing.is_none_or(|e| (e.hlc, e.node) < (o.hlc, o.node)) {
                let record = GlossaryRecord {
                    entry: entry.clone(),
                    hlc: o.hlc,
                    node: o.node,
                };
                b.glossary
                    .insert(entry.id.as_str(), encode(&record).as_slice())?;
            }
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
        Payload::UserChanged { name, change } => {
            let Some(mut user) = user_of(b, o.node, name)? else {
                return Err(Halt::Failed(Error::invalid(format!(
                    "there is no account `{name}` on this node"
                ))));
            };
            match change {
                UserChange::Clearance(c) => user.clearance = *c,
                UserChange::Disabled => user.disabled = true,
                UserChange::Enabled => user.disabled = false,
                UserChange::Role(r) => user.role = *r,
            }
            b.users
                .insert((o.node.0, name.as_str()), encode(&user).as_slice())?;
        }
        Payload::RoleGranted {
            user,
            role,
            category,
        } => set_grant(b, op, user, *role, category, None)?,
        Payload::RoleRevoked {
            user,
            role,
            category,
            after_seq,
        } => set_grant(b, op, user, *role, category, Some(*after_seq))?,
        Payload::NodeRevoked {
            node: revoked,
            after_seq,
        } => {
            let held: Option<NodeRevocation> = get(&b.revoked_nodes, revoked.0)?;
            // Revoked twice: the earlier cut stands, whatever the delivery order.
            if held.as_ref().is_none_or(|h| *after_seq < h.after_seq) {
                let record = NodeRevocation {
                    after_seq: *after_seq,
                    hlc: o.hlc,
                    by: o.node,
                };
                b.revoked_nodes
                    .insert(revoked.0, encode(&record).as_slice())?;
                replay_if_held_beyond(b, *revoked, *after_seq)?;
            }
        }
        Payload::Submitted { .. } | Payload::Evaluated { .. } => {
            super::evaluation::materialize(b, op)?;
        }
        Payload::Flagged { .. } | Payload::Confirmed { .. } | Payload::Superseded { .. } => {
            super::freshness::materialize(b, op)?;
        }
        Payload::ReadingRequired { .. } | Payload::Acknowledged { .. } => {
            super::required_reading::materialize(b, op)?;
        }
        Payload::PolicySet {
            key,
            value,
            category,
        } => {
            // A publication changed by a late policy touches articles the op does not name:
            // the index is rebuilt after the commit (as after a late revocation).
            if super::evaluation::set_policy(b, op, key, *value, category.as_deref())?
                && !b.foreseen.is_active()
            {
                b.set_meta_u64(crate::store::meta_keys::REPLAY_NEEDED, 1)?;
            }
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
        Payload::QuestionAsked { .. }
        | Payload::AnswerPosted { .. }
        | Payload::AnswerAccepted { .. }
        | Payload::AnswerPromoted { .. }
        | Payload::CommentPosted { .. }
        | Payload::HelpfulSet { .. } => super::market::materialize(b, op)?,
        Payload::CommunityCreated { .. }
        | Payload::CommunityJoined { .. }
        | Payload::CommunityLeft { .. }
        | Payload::CommunityOutcome { .. } => super::community::apply(b, op)?,
        Payload::MileageRulesSet { toml } => super::mileage::set_rules(b, op, toml)?,
    }
    super::activity::record_op(b, op)?;
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
