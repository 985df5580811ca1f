//! A batch of ops applied in one write transaction (a commit, an import, a replay): the tables
//! they touch, opened once for the batch instead of a dozen times per op; the log length, the
//! local clock and the trust root, kept in memory; and the article records the batch touches,
//! kept decoded and written back once, in key order, when it ends. An article touched by
//! several ops of a batch (a revision, then a status) otherwise had its record written once per
//! op and read back before each.
//!
//! Everything the batch holds is written by [`Batch::finish`]; a batch dropped without it
//! leaves its transaction incomplete, which is only ever aborted.

use std::collections::HashMap;

use redb::{ReadableTable, Table, WriteTransaction};

use super::activity::Activity;
use super::apply::read_u64;
use super::derived::Derived;
use crate::error::{Error, Result};
use crate::model::{ArticleId, ArticleRecord, Hlc, NodeId};
use crate::store::{self, encode, get, meta_keys};

/// Decoded records a batch holds at most (a replay of 100,000 ops would otherwise hold every
/// article); a batch that needs more writes them back and starts again.
const RECORDS_HELD: usize = 4096;

/// The write side of one transaction, for applying ops (see the module docs).
pub(crate) struct Batch<'t> {
    pub ops: Table<'t, ([u8; 16], u64), &'static [u8]>,
    pub log: Table<'t, u64, ([u8; 16], u64)>,
    pub chains: Table<'t, [u8; 16], (u64, [u8; 32])>,
    pub nodes: Table<'t, [u8; 16], &'static [u8]>,
    pub users: Table<'t, ([u8; 16], &'static str), &'static [u8]>,
    pub categories: Table<'t, &'static str, &'static [u8]>,
    pub revisions: Table<'t, [u8; 32], &'static [u8]>,
    pub enrolments: Table<'t, [u8; 16], &'static [u8]>,
    pub trusted: Table<'t, [u8; 16], &'static [u8]>,
    pub grants: Table<'t, ([u8; 16], &'static str), &'static [u8]>,
    pub revoked_nodes: Table<'t, [u8; 16], &'static [u8]>,
    pub evaluations: Table<'t, &'static str, &'static [u8]>,
    pub policies: Table<'t, (&'static str, &'static str), &'static [u8]>,
    pub freshness: Table<'t, &'static str, &'static [u8]>,
    pub reading: Table<'t, &'static str, &'static [u8]>,
    pub supersessions: Table<'t, &'static str, &'static [u8]>,
    pub questions: Table<'t, &'static str, &'static [u8]>,
    pub answers: Table<'t, &'static str, &'static [u8]>,
    pub comments: Table<'t, (&'static str, &'static str), &'static [u8]>,
    pub helpful: Table<'t, (&'static str, [u8; 16], &'static str), &'static [u8]>,
    pub communities: Table<'t, &'static str, &'static [u8]>,
    pub mileage_rules: Table<'t, &'static str, &'static [u8]>,
    /// Contributions and article summaries, for mileage and statistics.
    pub activity: Activity<'t>,
    /// Revocations known from the whole log, in a replay after a late revocation: an op is
    /// judged against them wherever it stands in the log (`core/rematerialize.rs`).
    pub foreseen: super::rematerialize::Foreseen,
    pub glossary: Table<'t, &'static str, &'static [u8]>,
    pub refused: Table<'t, ([u8; 16], u64), &'static [u8]>,
    articles: Table<'t, &'static str, &'static [u8]>,
    /// Counts and links kept from the articles table as its records are written.
    derived: Derived<'t>,
    meta: Table<'t, &'static str, &'static [u8]>,
    /// Records read or written in this batch, and whether they changed.
    records: HashMap<ArticleId, (ArticleRecord, bool)>,
    log_len: u64,
    hlc: Hlc,
    hlc_changed: bool,
    trust_root: Option<NodeId>,
    /// This machine's clock, for ops received from elsewhere; `None` in a replay.
    wall_clock: Option<u64>,
}

impl<'t> Batch<'t> {
    pub fn open(txn: &'t WriteTransaction) -> Result<Self> {
        let meta = txn.open_table(store::META)?;
        let log_len = read_u64(&meta, meta_keys::LOG_LEN)?;
        let hlc = match meta.get(meta_keys::HLC)? {
            Some(v) => store::decode(v.value())?,
            None => Hlc::default(),
        };
        let trust_root = match meta.get(meta_keys::TRUST_ROOT)? {
            Some(v) => Some(NodeId(<[u8; 16]>::try_from(v.value()).map_err(|_| {
                Error::Corrupt {
                    what: "the trust root is malformed".into(),
                }
            })?)),
            None => None,
        };
        Ok(Batch {
            ops: txn.open_table(store::OPS)?,
            log: txn.open_table(store::LOG)?,
            chains: txn.open_table(store::CHAINS)?,
            nodes: txn.open_table(store::NODES)?,
            users: txn.open_table(store::USERS)?,
            categories: txn.open_table(store::CATEGORIES)?,
            revisions: txn.open_table(store::REVISIONS)?,
            enrolments: txn.open_table(store::ENROLMENTS)?,
            trusted: txn.open_table(store::TRUSTED)?,
            grants: txn.open_table(store::GRANTS)?,
            revoked_nodes: txn.open_table(store::REVOKED_NODES)?,
            evaluations: txn.open_table(store::EVALUATIONS)?,
            policies: txn.open_table(store::POLICIES)?,
            freshness: txn.open_table(store::FRESHNESS)?,
            reading: txn.open_table(store::READING)?,
            supersessions: txn.open_table(store::SUPERSESSIONS)?,
            questions: txn.open_table(store::QUESTIONS)?,
            answers: txn.open_table(store::ANSWERS)?,
            comments: txn.open_table(store::COMMENTS)?,
            helpful: txn.open_table(store::HELPFUL)?,
            communities: txn.open_table(store::COMMUNITIES)?,
            mileage_rules: txn.open_table(store::MILEAGE_RULES)?,
            activity: Activity::open(txn)?,
            foreseen: Default::default(),
            glossary: txn.open_table(store::GLOSSARY)?,
            refused: txn.open_table(store::REFUSED)?,
            articles: txn.open_table(store::ARTICLES)?,
            derived: Derived::open(txn)?,
            meta,
            records: HashMap::new(),
            log_len,
            hlc,
            hlc_changed: false,
            trust_root,
            wall_clock: None,
        })
    }

    /// A node-local number kept in the metadata table (which the batch holds open).
    pub fn meta_u64(&self, key: &str) -> Result<u64> {
        read_u64(&self.meta, key)
    }

    pub fn set_meta_u64(&mut self, key: &str, value: u64) -> Result<()> {
        self.meta.insert(key, value.to_le_bytes().as_slice())?;
        Ok(())
    }

    /// Received ops are checked against this machine's clock (`apply::check_clock`).
    pub fn set_wall_clock(&mut self, now_millis: u64) {
        self.wall_clock = Some(now_millis);
    }

    pub fn wall_clock(&self) -> Option<u64> {
        self.wall_clock
    }

    /// Writes back what the batch changed and closes its tables.
    pub fn finish(mut self) -> Result<()> {
        self.write_records()?;
        self.meta
            .insert(meta_keys::LOG_LEN, self.log_len.to_le_bytes().as_slice())?;
        if self.hlc_changed {
            self.meta
                .insert(meta_keys::HLC, encode(&self.hlc).as_slice())?;
        }
        Ok(())
    }

    /// The article `id` as the batch has it so far.
    pub fn article(&mut self, id: &ArticleId) -> Result<Option<&ArticleRecord>> {
        if !self.records.contains_key(id) {
            let Some(record) = get::<_, ArticleRecord>(&self.articles, id.as_str())? else {
                return Ok(None);
            };
            self.records.insert(id.clone(), (record, false));
        }
        Ok(self.records.get(id).map(|(record, _)| record))
    }

    /// Whether the article `id` exists as the batch has it so far (its record is not decoded).
    pub fn has_article(&self, id: &ArticleId) -> Result<bool> {
        Ok(self.records.contains_key(id) || self.articles.get(id.as_str())?.is_some())
    }

    /// The article `id`, taken out of the batch to be changed and put back with `put_article`
    /// (no copy of its text is made).
    pub fn take_article(&mut self, id: &ArticleId) -> Result<Option<ArticleRecord>> {
        match self.records.remove(id) {
            Some((record, _)) => Ok(Some(record)),
            None => get(&self.articles, id.as_str()),
        }
    }

    /// Replaces (or adds) an article's record; written when the batch finishes (or when the
    /// batch holds too many, see [`RECORDS_HELD`]).
    pub fn put_article(&mut self, record: ArticleRecord) -> Result<()> {
        if self.records.len() >= RECORDS_HELD {
            self.write_records()?;
        }
        self.records.insert(record.id.clone(), (record, true));
        Ok(())
    }

    /// Writes the changed records to the table, in key order (neighbouring inserts share the
    /// pages above them: ids are random, and the table grows with the knowledge base), and
    /// forgets them all.
    fn write_records(&mut self) -> Result<()> {
        let mut changed: Vec<(ArticleId, ArticleRecord)> = self
            .records
            .drain()
            .filter(|(_, (_, changed))| *changed)
            .map(|(id, (record, _))| (id, record))
            .collect();
        changed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (id, record) in changed {
            let old = self
                .articles
                .insert(id.as_str(), encode(&record).as_slice())?
                .map(|v| store::decode::<ArticleRecord>(v.value()))
                .transpose()?;
            self.derived.replace(old.as_ref(), &record)?;
            self.activity.replace_article(old.as_ref(), &record)?;
        }
        Ok(())
    }

    /// Ops in the log so far, this batch's included.
    pub fn log_len(&self) -> u64 {
        self.log_len
    }

    /// Appends an op to the log: its position.
    pub fn append_to_log(&mut self, key: ([u8; 16], u64)) -> Result<u64> {
        self.log_len += 1;
        self.log.insert(self.log_len, key)?;
        Ok(self.log_len)
    }

    /// The local clock: ahead of every op applied.
    pub fn hlc(&self) -> Hlc {
        self.hlc
    }

    /// Keeps the local clock ahead of `seen`, so later local ops sort after it.
    pub fn observe(&mut self, seen: Hlc) {
        if seen > self.hlc {
            self.hlc = seen;
            self.hlc_changed = true;
        }
    }

    /// The node whose enrolments this node trusts (HQ).
    pub fn trust_root(&self) -> Result<NodeId> {
        self.trust_root.ok_or_else(|| Error::Corrupt {
            what: "the trust root is not recorded".into(),
        })
    }
}
