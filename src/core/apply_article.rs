//! Applying revisions and status changes to an article's materialized record. Concurrent
//! revisions leave several heads; their merge is derived here, deterministically, so every node
//! holding the same heads shows the same content under the same merge id.

use redb::{ReadableTable, WriteTransaction};

use super::merge::{Merged, merge_heads};
use super::revisions::{self, RevisionEntry};
use crate::error::{Error, Result};
use crate::model::{
    ArticleId, ArticleRecord, Author, Hash, Hlc, NodeId, NodeInfo, Revision, SignedOp, Status,
};
use crate::store::{self, encode, get};

pub fn add_revision(
    txn: &WriteTransaction,
    op: &SignedOp,
    node: &NodeInfo,
    article: &ArticleId,
    revision: &Revision,
) -> Result<()> {
    let o = &op.op;
    let content = &revision.content;
    if &revision.article != article {
        return Err(Error::invalid(format!(
            "a revision of `{}` filed under `{article}`",
            revision.article
        )));
    }
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
        match revisions::entry(&revisions, parent)? {
            Some(p) if &p.article == article => {}
            Some(_) => {
                return Err(Error::invalid(format!(
                    "revision {} of `{article}` names a parent from another article",
                    id.short()
                )));
            }
            None => {
                return Err(Error::Pending(format!(
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
    let existing = revisions::entry(&revisions, &id)?;
    let is_new = existing.is_none();
    // The same revision made twice: keep the earliest maker, whatever the delivery order.
    let maker = match existing {
        Some(e) if (e.hlc, e.node) <= (o.hlc, o.node) => e,
        _ => {
            let entry = RevisionEntry {
                article: article.clone(),
                author: o.user.clone(),
                node: o.node,
                seq: o.seq,
                hlc: o.hlc,
            };
            revisions.insert(id.0, encode(&entry).as_slice())?;
            entry
        }
    };

    let mut articles = txn.open_table(store::ARTICLES)?;
    let record: Option<ArticleRecord> = get(&articles, article.as_str())?;
    let mut record = record.unwrap_or_else(|| ArticleRecord {
        id: article.clone(),
        heads: vec![],
        current: id,
        content: content.clone(),
        status: Status::Draft,
        // No status op yet: the zero node, so that every node starts the record alike.
        status_hlc: Hlc::default(),
        status_node: NodeId([0; 16]),
        conflicted: false,
        created: o.hlc,
        updated: o.hlc,
        origin_node: o.node,
        origin_office: node.office.clone(),
        authors: vec![],
        revision_count: 0,
    });
    if is_new {
        // Parents always arrive first (else the op is pending), so a new revision is never an
        // ancestor of a current head.
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
    // This op is not in the log yet: its revision comes from the op itself.
    let ops = txn.open_table(store::OPS)?;
    let load = |h: &Hash| {
        if *h == id {
            Ok(Some(maker.record(revision.clone())))
        } else {
            revisions::load(&revisions, &ops, h)
        }
    };
    let merged = merge_heads(&load, &record.heads)?;
    record.current = merged.id;
    record.conflicted = matches!(merged.outcome, Merged::Conflict);
    record.content = merged.content;
    articles.insert(article.as_str(), encode(&record).as_slice())?;
    Ok(())
}

/// Status is last-writer-wins by (hlc, node), so concurrent changes settle the same everywhere.
pub fn set_status(
    txn: &WriteTransaction,
    op: &SignedOp,
    article: &ArticleId,
    status: Status,
) -> Result<()> {
    let o = &op.op;
    let mut table = txn.open_table(store::ARTICLES)?;
    let mut record: ArticleRecord = get(&table, article.as_str())?
        .ok_or_else(|| Error::Pending(format!("article `{article}` is not here yet")))?;
    if (o.hlc, o.node) > (record.status_hlc, record.status_node) {
        record.status = status;
        record.status_hlc = o.hlc;
        record.status_node = o.node;
    }
    record.updated = record.updated.max(o.hlc);
    table.insert(article.as_str(), encode(&record).as_slice())?;
    Ok(())
}
