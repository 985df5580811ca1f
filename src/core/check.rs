//! `outpost check`: the log's signatures and hash chains, a replay that must reproduce the
//! materialized tables, and the index in step. Also `state_hash`, the digest two nodes share
//! exactly when they hold the same knowledge.

use std::collections::BTreeMap;

use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition, TableHandle};
use serde::Serialize;

use super::Replica;
use super::apply::{Applied, apply_op, read_u64};
use super::batch::Batch;
use super::replica::create_tables;
use crate::contain::contain_panics;
use crate::error::{Error, Result};
use crate::model::{ArticleRecord, Hash, NodeId, Payload, SignedOp, Status};
use crate::store::{self, meta_keys};

#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    pub ops: u64,
    pub articles: u64,
    pub state_hash: String,
    pub index_position: u64,
    pub index_documents: u64,
    /// The index passed its verification (files, one document per live article, titles found).
    pub index_ok: bool,
    pub problems: Vec<String>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl Replica {
    /// Digest of the materialized knowledge (nodes, accounts, categories, articles, revisions),
    /// independent of the order ops were applied in and of anything node-local.
    pub fn state_hash(&self) -> Result<Hash> {
        state_hash(&self.db)
    }

    /// Checks the node: see the module's documentation. A damaged database may make redb panic
    /// while it is read; that is reported as `Error::Corrupt`, never as a panic.
    pub fn check(&self) -> Result<CheckReport> {
        contain_panics(|| self.check_all()).unwrap_or_else(|panic| {
            Err(Error::Corrupt { what: format!(
                "its database file is damaged (reading it fails: {panic}); restore the data directory from a backup, or have HQ enrol this post again (`outpost node enrol`) and start it afresh with `outpost init --from FILE`"
            ) })
        })
    }

    fn check_all(&self) -> Result<CheckReport> {
        let mut problems = Vec::new();
        let txn = self.db.begin_read()?;
        let ops_table = txn.open_table(store::OPS)?;

        // 1. Signatures and per-node hash chains.
        let mut keys: BTreeMap<NodeId, [u8; 32]> = BTreeMap::new();
        let nodes = txn.open_table(store::NODES)?;
        for entry in nodes.iter()? {
            let (k, v) = entry?;
            let info: crate::model::NodeInfo = store::decode(v.value())?;
            keys.insert(NodeId(k.value()), info.public_key);
        }
        let mut tips: BTreeMap<NodeId, (u64, Hash)> = BTreeMap::new();
        let mut count = 0u64;
        for entry in ops_table.iter()? {
            let (k, v) = entry?;
            count += 1;
            let (node, seq) = k.value();
            let node = NodeId(node);
            let op = match SignedOp::decode(v.value()) {
                Ok(op) => op,
                Err(_) => {
                    problems.push(format!("op {seq} of node {} does not decode", node.short()));
                    continue;
                }
            };
            if op.op.node != node || op.op.seq != seq {
                problems.push(format!(
                    "op stored as {seq} of node {} claims another place",
                    node.short()
                ));
            }
            let key = match (&op.op.payload, keys.get(&node)) {
                (Payload::NodeCreated { public_key, .. }, _) if seq == 1 => Some(*public_key),
                (_, k) => k.copied(),
            };
            match key {
                Some(key) => {
                    if let Err(e) = op.verify(&key) {
                        problems.push(e.to_string());
                    }
                }
                None => problems.push(format!(
                    "op {seq} of node {} has no known signer",
                    node.short()
                )),
            }
            let (tip_seq, tip_hash) = tips.get(&node).copied().unwrap_or((0, Hash::ZERO));
            if seq != tip_seq + 1 || op.op.prev != tip_hash {
                problems.push(format!(
                    "hash chain of node {} is broken at op {seq}",
                    node.short()
                ));
            }
            tips.insert(node, (seq, op.op.hash()));
        }

        // 2. Replaying the log in its order must reproduce the materialized state.
        let replayed =
            Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
        let log = txn.open_table(store::LOG)?;
        {
            let w = replayed.begin_write()?;
            create_tables(&w)?;
            // The replay trusts what this node trusts.
            if let Some(root) = txn.open_table(store::META)?.get(meta_keys::TRUST_ROOT)? {
                w.open_table(store::META)?
                    .insert(meta_keys::TRUST_ROOT, root.value())?;
            }
            let mut batch = Batch::open(&w)?;
            // Revocations are judged as the stored tables know them (see `rematerialize`).
            batch.foreseen = super::rematerialize::Foreseen::read(&txn)?;
            for entry in log.iter()? {
                let (position, key) = entry?;
                let Some(bytes) = ops_table.get(key.value())? else {
                    problems.push(format!(
                        "log position {} names a missing op",
                        position.value()
                    ));
                    continue;
                };
                let Ok(op) = SignedOp::decode(bytes.value()) else {
                    continue;
                };
                if let Err(e) = apply_op(&mut batch, &op, false, None).and_then(Applied::replayed) {
                    problems.push(format!(
                        "replaying op {} of node {} fails: {e}",
                        op.op.seq,
                        op.op.node.short()
                    ));
                }
            }
            batch.finish()?;
            w.commit()?;
        }
        let state = state_hash(&self.db)?;
        if state_hash(&replayed)? != state {
            problems.push("replaying the log does not reproduce the stored articles (the tables were changed outside Outpost); a replay will repair them".into());
        }

        // 3. The index reflects the whole log and every live article.
        let log_len = read_u64(&txn.open_table(store::META)?, meta_keys::LOG_LEN)?;
        let index_state = self.index.state()?;
        if index_state.position != log_len {
            problems.push(format!(
                "the search index reflects {} of {log_len} ops; run `outpost reindex`",
                index_state.position
            ));
        }
        let articles = txn.open_table(store::ARTICLES)?;
        let mut live = Vec::new();
        for entry in articles.iter()? {
            let (_, v) = entry?;
            let record = store::decode::<ArticleRecord>(v.value())?;
            if record.status != Status::Retired {
                live.push(record);
            }
        }
        let load = |id: &crate::model::ArticleId| store::get(&articles, id.as_str());
        let questions = txn.open_table(store::QUESTIONS)?.len()?;
        let (docs, index_damage) = self.index_damage(&live, questions, &load);
        if !index_damage.is_empty() {
            problems.push(format!(
                "the search index is damaged: run `outpost reindex` ({})",
                index_damage.join("; ")
            ));
        }
        Ok(CheckReport {
            ops: count,
            articles: articles.len()?,
            state_hash: state.to_string(),
            index_position: index_state.position,
            index_documents: docs,
            index_ok: index_damage.is_empty(),
            problems,
        })
    }

    /// The index's document count and what is wrong with it, checked against the live articles
    /// and the number of questions.
    /// tantivy may panic on damaged files: that, too, is damage to report.
    fn index_damage(
        &self,
        live: &[ArticleRecord],
        questions: u64,
        load: &dyn Fn(&crate::model::ArticleId) -> Result<Option<ArticleRecord>>,
    ) -> (u64, Vec<String>) {
        let mut damage = Vec::new();
        let docs = match contain_panics(|| self.index.doc_count()) {
            Ok(Ok(docs)) => docs as u64,
            Ok(Err(e)) => {
                damage.push(e.to_string());
                0
            }
            Err(panic) => {
                damage.push(format!("counting its documents fails ({panic})"));
                0
            }
        };
        if docs != live.len() as u64 + questions {
            damage.push(format!(
                "it holds {docs} documents but {} articles are live and {questions} questions held",
                live.len()
            ));
        }
        match contain_panics(|| self.index.verify(live, load)) {
            Ok(Ok(())) => {}
            Ok(Err(why)) => damage.push(why),
            Err(panic) => damage.push(format!("reading it fails ({panic})")),
        }
        (docs, damage)
    }

    /// Rewrites one stored op's bytes, bypassing every check — only for tests of `check`.
    #[cfg(test)]
    pub(crate) fn tamper_op(
        &self,
        node: NodeId,
        seq: u64,
        edit: impl Fn(&mut SignedOp),
    ) -> Result<()> {
        let txn = self.db.begin_write()?;
        {
            let mut ops = txn.open_table(store::OPS)?;
            let bytes = ops.get((node.0, seq))?.map(|v| v.value().to_vec());
            if let Some(bytes) = bytes {
                let mut op = SignedOp::decode(&bytes)?;
                edit(&mut op);
                ops.insert((node.0, seq), op.encode().as_slice())?;
            }
        }
        txn.commit()?;
        Ok(())
    }
}

pub(super) fn state_hash(db: &impl super::db::Reads) -> Result<Hash> {
    state_hash_in(&*db.read_txn()?)
}

/// `state_hash` of what one read transaction sees (a backup digests its own snapshot).
pub(super) fn state_hash_in(txn: &redb::ReadTransaction) -> Result<Hash> {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"outpost-state-v1");
    fn digest<K: redb::Key + serde::Serialize + 'static>(
        hasher: &mut blake3::Hasher,
        txn: &redb::ReadTransaction,
        table: TableDefinition<K, &'static [u8]>,
    ) -> Result<()>
    where
        for<'a> K::SelfType<'a>: serde::Serialize,
    {
        hasher.update(table.name().as_bytes());
        let t = txn.open_table(table)?;
        for entry in t.iter()? {
            let (k, v) = entry?;
            let key = store::encode(&k.value());
            hasher.update(&(key.len() as u64).to_le_bytes());
            hasher.update(&key);
            hasher.update(&(v.value().len() as u64).to_le_bytes());
            hasher.update(v.value());
        }
        Ok(())
    }
    digest(&mut hasher, txn, store::NODES)?;
    digest(&mut hasher, txn, store::USERS)?;
    digest(&mut hasher, txn, store::CATEGORIES)?;
    digest(&mut hasher, txn, store::ARTICLES)?;
    digest(&mut hasher, txn, store::REVISIONS)?;
    digest(&mut hasher, txn, store::ENROLMENTS)?;
    digest(&mut hasher, txn, store::TRUSTED)?;
    digest(&mut hasher, txn, store::GRANTS)?;
    digest(&mut hasher, txn, store::REVOKED_NODES)?;
    digest(&mut hasher, txn, store::GLOSSARY)?;
    digest(&mut hasher, txn, store::EVALUATIONS)?;
    digest(&mut hasher, txn, store::POLICIES)?;
    digest(&mut hasher, txn, store::FRESHNESS)?;
    digest(&mut hasher, txn, store::READING)?;
    digest(&mut hasher, txn, store::SUPERSESSIONS)?;
    digest(&mut hasher, txn, store::QUESTIONS)?;
    digest(&mut hasher, txn, store::ANSWERS)?;
    digest(&mut hasher, txn, store::COMMENTS)?;
    digest(&mut hasher, txn, store::HELPFUL)?;
    // Added with communities and mileage: digested only once they hold something, so that a
    // node without either keeps the state hash it had (backups record it).
    for table in [store::COMMUNITIES, store::MILEAGE_RULES] {
        if txn.open_table(table)?.first()?.is_some() {
            digest(&mut hasher, txn, table)?;
        }
    }
    Ok(Hash(*hasher.finalize().as_bytes()))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::core::{ArticlePatch, FixedClock, InitOptions, NewArticle};
    use crate::model::{ArticleContent, Classification, Kind, Lang};

    fn node_with_article() -> Replica {
        let options = InitOptions {
            office: "HQ".into(),
            hq: true,
            admin: "admin".into(),
        };
        let mut r =
            Replica::create_in_memory(&options, Arc::new(FixedClock::new(1_000))).expect("node");
        let user = r.resolve_user(None).expect("admin");
        let content = ArticleContent {
            title: "Seals".into(),
            summary: String::new(),
            body: "Check the bolt.".into(),
            category: "clearance/container-seals".into(),
            tags: vec![],
            hs_codes: vec![],
            lang: Lang::En,
            kind: Kind::Procedure,
            classification: Classification::Public,
            review_by: None,
        };
        r.add_article(
            &user,
            NewArticle {
                id: None,
                content,
                publish: true,
            },
        )
        .expect("add");
        r
    }

    #[test]
    fn an_untouched_log_checks_out() {
        let r = node_with_article();
        let report = r.check().expect("check");
        assert!(report.ok(), "{:?}", report.problems);
        // Node, administrator, Knowledge Map, and the article published as it was created.
        assert_eq!(report.ops, 4);
        assert_eq!(report.state_hash, r.state_hash().expect("hash").to_string());
    }

    #[test]
    fn check_detects_a_tampered_op() {
        let mut r = node_with_article();
        let node = r.node_id();
        // An edit after the op to tamper with, so the next op's link to it breaks too.
        let user = r.resolve_user(None).expect("admin");
        let id = r.list_articles(&Default::default()).expect("list")[0]
            .id
            .clone();
        let patch = ArticlePatch {
            body: Some("Check the bolt and the seal.".into()),
            ..Default::default()
        };
        r.edit_article(&user, id.as_str(), patch).expect("edit");
        r.tamper_op(node, 4, |op| {
            if let Payload::ArticleCreated { revision, .. } = &mut op.op.payload {
                revision.content.body = "Wave the truck through.".into();
            }
        })
        .expect("tamper");
        let report = r.check().expect("check");
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.contains("op 4") && p.contains("invalid signature")),
            "{:?}",
            report.problems
        );
        assert!(
            report.problems.iter().any(|p| p.contains("hash chain")),
            "{:?}",
            report.problems
        );
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.contains("replaying the log")),
            "{:?}",
            report.problems
        );
    }

    fn stored_article(r: &Replica) -> ArticleRecord {
        let txn = r.db.begin_read().expect("read");
        let articles = txn.open_table(store::ARTICLES).expect("articles");
        let (_, v) = articles
            .iter()
            .expect("iter")
            .next()
            .expect("one")
            .expect("row");
        store::decode(v.value()).expect("record")
    }

    fn index_problems(r: &Replica) -> Vec<String> {
        let report = r.check().expect("check");
        assert!(!report.index_ok);
        report.problems
    }

    #[test]
    fn check_finds_an_article_indexed_under_words_not_its_own() {
        let mut r = node_with_article();
        let mut record = stored_article(&r);
        record.content.title = "Wave the truck through".into();
        let position = r.index.state().expect("state").position;
        r.index
            .apply(&[record], &[], position, false)
            .expect("reindex one");
        let problems = index_problems(&r);
        assert!(
            problems.iter().any(|p| p
                .contains("the search index is damaged: run `outpost reindex`")
                && p.contains("a search for the title of")),
            "{problems:?}"
        );
    }

    #[test]
    fn check_finds_an_index_holding_what_is_no_live_article() {
        let mut r = node_with_article();
        let mut record = stored_article(&r);
        record.id = crate::model::ArticleId::parse("no-such-article").expect("id");
        let position = r.index.state().expect("state").position;
        r.index
            .apply(&[record], &[], position, false)
            .expect("add one");
        let problems = index_problems(&r);
        assert!(
            problems
                .iter()
                .any(|p| p
                    .contains("it holds 2 documents but 1 articles are live and 0 questions held")),
            "{problems:?}"
        );
    }

    #[test]
    fn check_detects_an_index_out_of_step() {
        let mut r = node_with_article();
        r.index.apply(&[], &[], 1, true).expect("empty the index");
        let report = r.check().expect("check");
        assert!(
            report.problems.iter().any(|p| p.contains("reindex")),
            "{:?}",
            report.problems
        );
    }
}
