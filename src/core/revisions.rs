//! The revisions table: per revision id, which op added it and who made it. The content lives
//! once, in that op, which the op log keeps anyway; storing it again per revision was a third of
//! the store and of every commit's writes (at 100,000 articles: 189 MB of 600 MB stored).

use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{ArticleId, Hash, Hlc, NodeId, Payload, RevisionRecord, SignedOp};
use crate::store::{self, get};

/// One row of `store::REVISIONS`. When the same revision is made on two nodes, the row names the
/// earliest (hlc, node) maker, so it does not depend on delivery order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionEntry {
    pub article: ArticleId,
    pub author: String,
    pub node: NodeId,
    /// The op of `node` that carries the revision.
    pub seq: u64,
    pub hlc: Hlc,
}

impl RevisionEntry {
    /// The whole record, given the revision the entry's op carries.
    pub fn record(&self, revision: crate::model::Revision) -> RevisionRecord {
        RevisionRecord {
            article: self.article.clone(),
            revision,
            author: self.author.clone(),
            node: self.node,
            hlc: self.hlc,
        }
    }
}

pub fn entry(
    revisions: &impl ReadableTable<[u8; 32], &'static [u8]>,
    id: &Hash,
) -> Result<Option<RevisionEntry>> {
    get(revisions, id.0)
}

/// The revision `id` with its content, read from the op that carries it.
pub fn load(
    revisions: &impl ReadableTable<[u8; 32], &'static [u8]>,
    ops: &impl ReadableTable<([u8; 16], u64), &'static [u8]>,
    id: &Hash,
) -> Result<Option<RevisionRecord>> {
    let Some(entry) = entry(revisions, id)? else {
        return Ok(None);
    };
    let missing = || Error::Corrupt {
        what: format!(
            "revision {} names op {} of node {}, which does not carry it",
            id.short(),
            entry.seq,
            entry.node.short()
        ),
    };
    let op = ops
        .get((entry.node.0, entry.seq))?
        .map(|bytes| SignedOp::decode(bytes.value()))
        .transpose()?
        .ok_or_else(missing)?;
    match op.op.payload {
        Payload::RevisionAdded { revision, .. } | Payload::ArticleCreated { revision, .. }
            if revision.article == entry.article =>
        {
            Ok(Some(entry.record(revision)))
        }
        _ => Err(missing()),
    }
}

/// Schema 1 kept each revision's content in its row. Rewrites the rows as [`RevisionEntry`]s,
/// finding each revision's op in the log (the row kept its maker's node and hlc).
pub fn migrate_from_full_records(txn: &WriteTransaction) -> Result<()> {
    let mut makers = std::collections::BTreeMap::new();
    {
        let table = txn.open_table(store::REVISIONS)?;
        for row in table.iter()? {
            let (id, bytes) = row?;
            let old: RevisionRecord = store::decode(bytes.value())?;
            makers.insert(id.value(), (old.node, old.hlc));
        }
    }
    let mut entries = Vec::with_capacity(makers.len());
    for row in txn.open_table(store::OPS)?.iter()? {
        let (_, bytes) = row?;
        let op = SignedOp::decode(bytes.value())?;
        if let Some(revision) = op.op.payload.revision() {
            let id = revision.id();
            if makers.get(&id.0) == Some(&(op.op.node, op.op.hlc)) {
                makers.remove(&id.0);
                let entry = RevisionEntry {
                    article: revision.article.clone(),
                    author: op.op.user.clone(),
                    node: op.op.node,
                    seq: op.op.seq,
                    hlc: op.op.hlc,
                };
                entries.push((id, entry));
            }
        }
    }
    if let Some(id) = makers.keys().next() {
        return Err(Error::Corrupt {
            what: format!(
                "revision {} has no op in the log: the store cannot be upgraded",
                Hash(*id).short()
            ),
        });
    }
    let mut table = txn.open_table(store::REVISIONS)?;
    for (id, entry) in entries {
        table.insert(id.0, store::encode(&entry).as_slice())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use redb::ReadableTable;

    use super::*;
    use crate::Replica;
    use crate::core::{ArticlePatch, DataDir, InitOptions, NewArticle};
    use crate::model::ArticleContent;

    fn content(title: &str) -> ArticleContent {
        let body = format!("{title}: check the seal before the manifest.");
        ArticleContent::new(title, "commodity", &body)
    }

    #[test]
    fn a_schema_1_store_is_upgraded_on_open_with_history_and_state_unchanged() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::new(tmp.path().join("node"));
        let options = InitOptions {
            office: "Mae Sai".into(),
            hq: true,
            admin: "admin".into(),
        };
        let mut node = Replica::create(&dir, &options).expect("create");
        let admin = node.resolve_user(Some("admin")).expect("admin");
        let id = node
            .add_article(
                &admin,
                NewArticle {
                    id: None,
                    content: content("Seal checks"),
                    publish: true,
                },
            )
            .expect("add");
        let patch = ArticlePatch {
            body: Some("Seal checks, revised.".into()),
            ..Default::default()
        };
        node.edit_article(&admin, id.as_str(), patch).expect("edit");
        let history = node.article(id.as_str()).expect("view").history;
        let state = node.state_hash().expect("state");
        assert_eq!(history.len(), 2);

        // Write the rows as schema 1 did: the whole record, content included.
        {
            let txn = node.db.begin_write().expect("write");
            {
                let ops = txn.open_table(store::OPS).expect("ops");
                let mut table = txn.open_table(store::REVISIONS).expect("revisions");
                let ids: Vec<[u8; 32]> = table
                    .iter()
                    .expect("iter")
                    .map(|row| row.expect("row").0.value())
                    .collect();
                for rev in ids {
                    let full = load(&table, &ops, &Hash(rev)).expect("load").expect("row");
                    table
                        .insert(rev, store::encode(&full).as_slice())
                        .expect("insert");
                }
                txn.open_table(store::META)
                    .expect("meta")
                    .insert(store::meta_keys::SCHEMA, 1u64.to_le_bytes().as_slice())
                    .expect("schema");
            }
            txn.commit().expect("commit");
        }
        drop(node);

        let node = Replica::open(&dir).expect("open upgrades");
        assert_eq!(node.article(id.as_str()).expect("view").history, history);
        assert_eq!(node.state_hash().expect("state"), state);
        let txn = node.db.begin_read().expect("read");
        let schema = crate::core::read_u64(
            &txn.open_table(store::META).expect("meta"),
            store::meta_keys::SCHEMA,
        )
        .expect("schema");
        assert_eq!(schema, store::SCHEMA_VERSION);
    }
}
