//! Applying revisions and status changes to an article's materialized record. Concurrent
//! revisions leave several heads; their merge is derived here, deterministically, so every node
//! holding the same heads shows the same content under the same merge id.

use redb::ReadableTable;

use super::apply::{Halt, Step};
use super::batch::Batch;
use super::merge::{Merged, merge_heads};
use super::revisions::{self, RevisionEntry};
use crate::error::{Error, Result};
use crate::model::{
    ArticleContent, ArticleId, ArticleRecord, Author, Hash, Hlc, NodeId, NodeInfo, Proposal,
    Revision, SignedOp, Stamped, Status,
};
use crate::store::encode;

pub fn add_revision(
    b: &mut Batch,
    op: &SignedOp,
    node: &NodeInfo,
    article: &ArticleId,
    revision: &Revision,
) -> Step<()> {
    let o = &op.op;
    let content = &revision.content;
    if &revision.article != article {
        return Err(Halt::Failed(Error::invalid(format!(
            "a revision of `{}` filed under `{article}`",
            revision.article
        ))));
    }
    content.check_fields()?;
    if b.categories.get(content.category.as_str())?.is_none() {
        // HQ's op adding the category may still be on its way: wait for it.
        return Err(Halt::Waits(format!(
            "category `{}` of `{article}` is not known here yet",
            content.category
        )));
    }

    let id = revision.id();
    for parent in &revision.parents {
        match revisions::entry(&b.revisions, parent)? {
            Some(p) if &p.article == article => {}
            Some(_) => {
                return Err(Halt::Failed(Error::invalid(format!(
                    "revision {} of `{article}` names a parent from another article",
                    id.short()
                ))));
            }
            None => {
                return Err(Halt::Waits(format!(
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
        authors_status: Status::Draft,
        hq_status: None,
        published: None,
        proposal: None,
        attachments: vec![],
        evaluated: None,
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
    if revision.parents.is_empty() {
        super::freshness::note_creator(b, article, &author, o.hlc, o.node)?;
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
    let (merged_id, merged_content) = if record.heads == [id] {
        // The only head: the article shows this revision (no merge to derive).
        record.conflicted = false;
        (id, revision.content.clone())
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
                return Err(e.into());
            }
        };
        record.conflicted = matches!(merged.outcome, Merged::Conflict);
        (merged.id, merged.content)
    };
    record.proposal = None;
    record.current = merged_id;
    record.content = merged_content;
    settle(b, &mut record, Some((id, revision)))?;
    Ok(b.put_article(record)?)
}

/// Status is last-writer-wins by (hlc, node) in two registers, the authors' and HQ's, so
/// concurrent changes settle the same everywhere; HQ's, once set, is the one in force.
pub fn set_status(
    b: &mut Batch,
    op: &SignedOp,
    article: &ArticleId,
    status: Status,
    by_hq: bool,
) -> Step<()> {
    let o = &op.op;
    let mut record: ArticleRecord = b
        .take_article(article)?
        .ok_or_else(|| Halt::Waits(format!("article `{article}` is not here yet")))?;
    if by_hq {
        if record.hq_status.is_none_or(|s| s.is_before(o.hlc, o.node)) {
            record.hq_status = Some(Stamped {
                value: status,
                hlc: o.hlc,
                node: o.node,
            });
        }
    } else if (o.hlc, o.node) > (record.status_hlc, record.status_node) {
        record.authors_status = status;
        record.status_hlc = o.hlc;
        record.status_node = o.node;
    }
    record.updated = record.updated.max(o.hlc);
    let (id, content) = unsettle(&mut record);
    record.current = id;
    record.content = content;
    settle(b, &mut record, None)?;
    Ok(b.put_article(record)?)
}

/// HQ publishes `revision` of `article`: it becomes the text readers see, and the status
/// published (both last-writer-wins).
pub fn publish_revision(
    b: &mut Batch,
    op: &SignedOp,
    article: &ArticleId,
    revision: Hash,
    fresh: Option<&Revision>,
) -> Step<()> {
    let o = &op.op;
    match revisions::entry(&b.revisions, &revision)? {
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
    let mut record: ArticleRecord = b
        .take_article(article)?
        .ok_or_else(|| Halt::Waits(format!("article `{article}` is not here yet")))?;
    if record.published.is_none_or(|p| p.is_before(o.hlc, o.node)) {
        record.published = Some(Stamped {
            value: revision,
            hlc: o.hlc,
            node: o.node,
        });
    }
    if record.hq_status.is_none_or(|s| s.is_before(o.hlc, o.node)) {
        record.hq_status = Some(Stamped {
            value: Status::Published,
            hlc: o.hlc,
            node: o.node,
        });
    }
    record.updated = record.updated.max(o.hlc);
    let (id, content) = unsettle(&mut record);
    record.current = id;
    record.content = content;
    settle(b, &mut record, fresh.map(|r| (revision, r)))?;
    Ok(b.put_article(record)?)
}

/// Sets the revision two-step evaluation published (`None`: none), as the fold of the
/// article's evaluation decides (`core/evaluation.rs`).
pub fn set_evaluated(
    b: &mut Batch,
    article: &ArticleId,
    evaluated: Option<Stamped<Hash>>,
) -> Step<()> {
    let mut record: ArticleRecord = b
        .take_article(article)?
        .ok_or_else(|| Halt::Waits(format!("article `{article}` is not here yet")))?;
    // `updated` is left alone: a later vote may undo the publication, and the record must
    // not keep a trace of it.
    record.evaluated = evaluated;
    let (id, content) = unsettle(&mut record);
    record.current = id;
    record.content = content;
    settle(b, &mut record, None)?;
    Ok(b.put_article(record)?)
}

/// The authors' text (the proposal, or what is shown when there is none), taken out of the
/// record so that `settle` can place it again.
fn unsettle(record: &mut ArticleRecord) -> (Hash, ArticleContent) {
    match record.proposal.take() {
        Some(p) => (p.revision, p.content),
        None => (
            record.current,
            std::mem::replace(&mut record.content, empty()),
        ),
    }
}

fn empty() -> ArticleContent {
    ArticleContent::new("", "", "")
}

/// Places the authors' text, which `record.current`/`content` hold on entry: shown as it is,
/// unless HQ published another revision of a published article — then that revision is shown
/// and the authors' text is a proposal. `fresh` is a revision whose op is still applying (not
/// in the log yet). Also derives the status in force.
fn settle(b: &Batch, record: &mut ArticleRecord, fresh: Option<(Hash, &Revision)>) -> Result<()> {
    record.status = record.effective_status();
    let Some(published) = record.publication().map(|p| p.value) else {
        return Ok(());
    };
    if record.status != Status::Published || published == record.current {
        return Ok(());
    }
    let content = match fresh {
        Some((id, revision)) if id == published => revision.content.clone(),
        _ => {
            revisions::load(&b.revisions, &b.ops, &published)?
                .ok_or_else(|| Error::Corrupt {
                    what: format!(
                        "the published revision {} of `{}` is missing",
                        published.short(),
                        record.id
                    ),
                })?
                .revision
                .content
        }
    };
    let authors = std::mem::replace(&mut record.content, content);
    record.proposal = Some(Proposal {
        revision: record.current,
        content: authors,
    });
    record.current = published;
    Ok(())
}
