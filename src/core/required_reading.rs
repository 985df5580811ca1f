//! Required reading, as every node judges and applies it: HQ's requirements add up (an
//! article required of an office and of a role is required of both), and an officer may
//! acknowledge only what some requirement held addresses to them. The acknowledging node held
//! that requirement when it acknowledged, and every bundle carries what its peer lacks, relayed
//! ops included, so every node that gets the acknowledgement has the requirement first.

use super::apply::{Halt, Step, grants_of};
use super::batch::Batch;
use super::revisions;
use crate::error::{Error, Result};
use crate::model::{
    Acknowledgement, ArticleId, Audience, Author, Mark, NodeInfo, Payload, ReadingRecord,
    Requirement, SignedOp, User,
};
use crate::store::{encode, get};

pub(crate) fn record_of(b: &Batch, article: &ArticleId) -> Result<ReadingRecord> {
    Ok(get(&b.reading, article.as_str())?.unwrap_or_default())
}

/// Whether `audience` takes in `who` (account `user`, on a node of `office`) at their op `seq`.
pub(crate) fn addresses(
    audience: &Audience,
    office: &str,
    user: Option<&User>,
    grants: &[crate::model::Grant],
    seq: u64,
) -> bool {
    match audience {
        Audience::Office(o) => o.eq_ignore_ascii_case(office),
        Audience::Role(r) => {
            user.is_some_and(|u| u.role == *r)
                || grants
                    .iter()
                    .any(|g| g.role == *r && g.revoked_after.is_none_or(|cut| seq <= cut))
        }
    }
}

/// The rules of a requirement (its authority is checked with the other privileged ops) and of
/// an acknowledgement.
pub(crate) fn authorize(b: &mut Batch, op: &SignedOp) -> Step<()> {
    let o = &op.op;
    let (article, revision) = match &o.payload {
        Payload::ReadingRequired { article, .. } => (article, None),
        Payload::Acknowledged { article, revision } => (article, Some(revision)),
        _ => return Ok(()),
    };
    if b.article(article)?.is_none() {
        return Err(Halt::Waits(format!("article `{article}` is not here yet")));
    }
    let Some(revision) = revision else {
        return Ok(());
    };
    match revisions::entry(&b.revisions, revision)? {
        Some(e) if &e.article == article => {}
        Some(_) => {
            return Err(Halt::Failed(Error::invalid(format!(
                "revision {} is not a revision of `{article}`",
                revision.short()
            ))));
        }
        None => {
            return Err(Halt::Waits(format!(
                "revision {} of `{article}` is not here yet",
                revision.short()
            )));
        }
    }
    let me = Author {
        node: o.node,
        name: o.user.clone(),
    };
    let node: Option<NodeInfo> = get(&b.nodes, o.node.0)?;
    let office = node.map(|n| n.office).unwrap_or_default();
    let user: Option<User> = get(&b.users, (o.node.0, o.user.as_str()))?;
    // A revocation foreseen in a replay counts as held, as for every other role check.
    let grants: Vec<_> = grants_of(b, &me)?
        .into_iter()
        .filter(|g| !b.foreseen.role_revoked(&me, g, o.seq))
        .collect();
    let record = record_of(b, article)?;
    if record
        .requirements
        .iter()
        .any(|r| addresses(&r.audience, &office, user.as_ref(), &grants, o.seq))
    {
        return Ok(());
    }
    let whom: Vec<String> = record
        .requirements
        .iter()
        .map(|r| r.audience.describe())
        .collect();
    Err(Halt::Failed(Error::Denied {
        reason: if whom.is_empty() {
            format!("`{article}` is not required reading: there is nothing to acknowledge")
        } else {
            format!(
                "`{article}` is not required of {}@{office}: HQ requires it of {}",
                o.user,
                whom.join(", ")
            )
        },
    }))
}

/// Keeps a requirement or an acknowledgement.
pub(crate) fn materialize(b: &mut Batch, op: &SignedOp) -> Step<()> {
    let o = &op.op;
    let mark = Mark {
        hlc: o.hlc,
        node: o.node,
        user: o.user.clone(),
    };
    let (article, record) = match &o.payload {
        Payload::ReadingRequired {
            article,
            audience,
            due,
        } => {
            let mut record = record_of(b, article)?;
            record.add_requirement(Requirement {
                mark,
                audience: audience.clone(),
                due: due.clone(),
            });
            (article, record)
        }
        Payload::Acknowledged { article, revision } => {
            let mut record = record_of(b, article)?;
            record.add_ack(Acknowledgement {
                mark,
                revision: *revision,
            });
            (article, record)
        }
        _ => return Ok(()),
    };
    b.reading
        .insert(article.as_str(), encode(&record).as_slice())?;
    Ok(())
}
