//! Applying revisions and status changes to an article's materialized record. Concurrent
//! revisions leave several heads; their merge is derived here, deterministically, so every node
//! holding the same heads shows the same content under the same merge id.

use redb::ReadableTable;

use super::batch::Batch;
use super::merge::{Merged, merge_heads};
use super::revisions::{self, RevisionEntry};
use crate::error::{Error, Result};
use crate::model::{
    ArticleId, ArticleRecord, Author, Hash, Hlc, NodeId, NodeInfo, Revision, SignedOp, Status,
};
use crate::store::encode;

pub fn add_revision(
    b: &mut Batch,
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
    if b.categories.get(content.category.as_str())?.is_none() {
        return Err(Error::invalid(format!(
            "unknown category `{}`: run `outpost categories` to see the valid ids",
            content.category
        )));
    }

    let id = revision.id();
    for parent in &revision.parents {
        match revisions::entry(&b.revisions, parent)? {
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
    let existing = revisions::entry(&b.revisions, &id)?;
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
            b.revisions.insert(id.0, encode(&entry).as_slice())?;
            entry
        }
    };

    let record = b.take_article(article)?;
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
    if record.heads == [id] {
        // The only head: the article shows this revision (no merge to derive).
        record.current = id;
        record.conflicted = false;
        record.content = revision.content.clone();
    } else {
        // This op is not in the log yet: its revision comes from the op itself.
        let load = |h: &Hash| {
            if *h == id {
                Ok(Some(maker.record(revision.clone())))
            } else {
                revisions::load(&b.revisions, &b.ops, h)
            }
        };
        let merged = match merge_heads(&load, &record.heads) {
            Ok(merged) => merged,
            Err(e) => {
                // Leave the batch as it was for a caller that goes on (a replay reports and
                // continues).
                b.put_article(record)?;
                return Err(e);
            }
        };
        record.current = merged.id;
        record.conflicted = matches!(merged.outcome, Merged::Conflict);
        record.content = merged.content;
    }
    b.put_article(record)
}

/// Status is last-writer-wins by (hlc, node), so concurrent changes settle the same everywhere.
pub fn set_status(b: &mut Batch, op: &SignedOp, article: &ArticleId, status: Status) -> Result<()> {
    let o = &op.op;
    let mut record: ArticleRecord = b
        .take_article(article)?
        .ok_or_else(|| Error::Pending(format!("article `{article}` is not here yet")))?;
    if (o.hlc, o.node) > (record.status_hlc, record.status_node) {
        record.status = status;
        record.status_hlc = o.hlc;
        record.status_node = o.node;
    }
    record.updated = record.updated.max(o.hlc);
    b.put_article(record)
}
