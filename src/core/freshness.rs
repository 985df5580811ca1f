//! Freshness, as every node judges and applies it (docs/evaluation.md): an article's owner,
//! readers' flags, confirmations and supersessions.
//!
//! The owner is whoever made the article's first revision. A flag is anyone's; a confirmation
//! is the owner's or an evaluator's of the article's category, and clears the flags before it.
//! A supersession is an evaluator's of the category or an administrator's at HQ (or at a node
//! HQ trusts). Supersessions are folded together in `(hlc, node)` order: one that would close a
//! cycle (A by B, B by A) is kept and does not count — two posts may each make half of a cycle
//! without knowing of the other, and every node must reach the same successors whatever order
//! their ops arrive in. A node's op that closes a cycle with its own node's earlier
//! supersessions is refused outright: whoever made it knew.

use std::collections::BTreeMap;

use redb::ReadableTable;

use super::apply::{Halt, Step, holds_role};
use super::batch::Batch;
use crate::error::{Error, Result};
use crate::model::{
    ArticleId, Author, Flag, FreshnessRecord, Hlc, Mark, NodeId, Payload, Role, SignedOp, Stamped,
    Supersession,
};
use crate::store::{decode, encode, get};

fn denied<T>(reason: String) -> Step<T> {
    Err(Halt::Failed(Error::Denied { reason }))
}

fn mark_of(op: &SignedOp) -> Mark {
    Mark {
        hlc: op.op.hlc,
        node: op.op.node,
        user: op.op.user.clone(),
    }
}

pub(crate) fn record_of(b: &Batch, article: &ArticleId) -> Result<FreshnessRecord> {
    Ok(get(&b.freshness, article.as_str())?.unwrap_or_default())
}

/// Notes who made an article's first revision: the earliest such op owns it.
pub(crate) fn note_creator(
    b: &mut Batch,
    article: &ArticleId,
    author: &Author,
    hlc: Hlc,
    node: NodeId,
) -> Result<()> {
    let mut record = record_of(b, article)?;
    if record
        .owner
        .as_ref()
        .is_none_or(|o| !o.is_before(hlc, node))
    {
        if record
            .owner
            .as_ref()
            .is_some_and(|o| (o.hlc, o.node) == (hlc, node))
        {
            return Ok(());
        }
        record.owner = Some(Stamped {
            value: author.clone(),
            hlc,
            node,
        });
        b.freshness
            .insert(article.as_str(), encode(&record).as_slice())?;
    }
    Ok(())
}

/// The rules of a flag, a confirmation or a supersession. `privileged`: the op's signer is an
/// administrator at HQ or at a node HQ trusts.
pub(crate) fn authorize(b: &mut Batch, op: &SignedOp, privileged: bool) -> Step<()> {
    let o = &op.op;
    let me = Author {
        node: o.node,
        name: o.user.clone(),
    };
    let article = match &o.payload {
        Payload::Flagged { article, .. }
        | Payload::Confirmed { article }
        | Payload::Superseded { article, .. } => article,
        _ => return Ok(()),
    };
    let Some(record) = b.article(article)? else {
        return Err(Halt::Waits(format!("article `{article}` is not here yet")));
    };
    let category = record.content.category.clone();
    match &o.payload {
        Payload::Confirmed { .. } => {
            let owner = record_of(b, article)?.owner.map(|o| o.value);
            if owner.as_ref() == Some(&me) || holds_role(b, &me, Role::Evaluator, &category, o.seq)?
            {
                return Ok(());
            }
            let owner = owner.map_or_else(|| "its author".to_string(), |o| o.name);
            denied(format!(
                "only the owner of `{article}` ({owner}) or an evaluator of `{category}` may confirm it is still correct; flag it instead (`outpost flag`)"
            ))
        }
        Payload::Superseded { by, .. } => {
            if b.article(by)?.is_none() {
                return Err(Halt::Waits(format!("article `{by}` is not here yet")));
            }
            if !privileged && !holds_role(b, &me, Role::Evaluator, &category, o.seq)? {
                return denied(format!(
                    "{} may not supersede `{article}`: an evaluator of `{category}` or an administrator at HQ does",
                    o.user
                ));
            }
            let own = own_successors(b, o.node)?;
            if let Some(path) = cycle_through(&own, article, by) {
                return denied(format!(
                    "superseding `{article}` by `{by}` would close a cycle ({path}): supersede the other way round only after undoing it"
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The successors `node`'s own supersessions held set (all before the op judged: a node's
/// ops apply in its chain order), latest per article.
fn own_successors(b: &Batch, node: NodeId) -> Result<BTreeMap<ArticleId, ArticleId>> {
    let mut mine: Vec<(Hlc, ArticleId, ArticleId)> = Vec::new();
    for entry in b.supersessions.iter()? {
        let (k, v) = entry?;
        let old = ArticleId::parse(k.value())?;
        let list: Vec<Supersession> = decode(v.value())?;
        for s in list.into_iter().filter(|s| s.mark.node == node) {
            mine.push((s.mark.hlc, old.clone(), s.by));
        }
    }
    // A node's clock never goes back along its chain: clock order is its order.
    mine.sort();
    Ok(mine.into_iter().map(|(_, old, by)| (old, by)).collect())
}

/// Whether following successors from `by` reaches `old`; the cycle as `A → B → A` if so.
fn cycle_through(
    successors: &BTreeMap<ArticleId, ArticleId>,
    old: &ArticleId,
    by: &ArticleId,
) -> Option<String> {
    let mut path = vec![old.to_string(), by.to_string()];
    let mut at = by;
    for _ in 0..=successors.len() {
        if at == old {
            return Some(path.join(" → "));
        }
        at = successors.get(at)?;
        path.push(at.to_string());
    }
    None
}

/// Keeps a flag, a confirmation or a supersession.
pub(crate) fn materialize(b: &mut Batch, op: &SignedOp) -> Step<()> {
    match &op.op.payload {
        Payload::Flagged { article, reason } => {
            let mut record = record_of(b, article)?;
            record.add_flag(Flag {
                mark: mark_of(op),
                reason: reason.clone(),
            });
            b.freshness
                .insert(article.as_str(), encode(&record).as_slice())?;
        }
        Payload::Confirmed { article } => {
            let mut record = record_of(b, article)?;
            record.confirm(mark_of(op));
            b.freshness
                .insert(article.as_str(), encode(&record).as_slice())?;
        }
        Payload::Superseded { article, by } => {
            let mut list: Vec<Supersession> =
                get(&b.supersessions, article.as_str())?.unwrap_or_default();
            crate::model::freshness::add_supersession(
                &mut list,
                Supersession {
                    mark: mark_of(op),
                    by: by.clone(),
                    counted: false,
                },
            );
            b.supersessions
                .insert(article.as_str(), encode(&list).as_slice())?;
            refold_supersessions(b)?;
        }
        _ => {}
    }
    Ok(())
}

/// Decides again which supersessions count: every one held, in `(hlc, node)` order, unless it
/// would close a cycle with those counted before it. A later supersession of the same article
/// replaces the earlier one's successor.
fn refold_supersessions(b: &mut Batch) -> Result<()> {
    let mut lists: BTreeMap<ArticleId, Vec<Supersession>> = BTreeMap::new();
    for entry in b.supersessions.iter()? {
        let (k, v) = entry?;
        lists.insert(ArticleId::parse(k.value())?, decode(v.value())?);
    }
    let mut order: Vec<(Hlc, NodeId, ArticleId, usize)> = Vec::new();
    for (old, list) in &lists {
        for (i, s) in list.iter().enumerate() {
            order.push((s.mark.hlc, s.mark.node, old.clone(), i));
        }
    }
    order.sort();
    let mut successors: BTreeMap<ArticleId, ArticleId> = BTreeMap::new();
    let mut counted: BTreeMap<(ArticleId, usize), bool> = BTreeMap::new();
    for (_, _, old, i) in order {
        let by = lists[&old][i].by.clone();
        let previous = successors.insert(old.clone(), by.clone());
        let closes = {
            let mut rest = successors.clone();
            rest.remove(&old);
            cycle_through(&rest, &old, &by).is_some()
        };
        if closes {
            match previous {
                Some(p) => successors.insert(old.clone(), p),
                None => successors.remove(&old),
            };
        }
        counted.insert((old, i), !closes);
    }
    for (old, mut list) in lists {
        let mut changed = false;
        for (i, s) in list.iter_mut().enumerate() {
            let now = counted.get(&(old.clone(), i)).copied().unwrap_or(false);
            changed |= s.counted != now;
            s.counted = now;
        }
        if changed {
            b.supersessions
                .insert(old.as_str(), encode(&list).as_slice())?;
        }
    }
    Ok(())
}
