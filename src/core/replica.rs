//! Opening and creating a node, and the one commit path.

use std::collections::BTreeSet;
use std::sync::Arc;

use ed25519_dalek::SigningKey;
use rayon::prelude::*;
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, WriteTransaction};

use super::db::Db;

use super::apply::{Applied, apply_op, read_u64};
use super::batch::Batch;
use super::clock::{Clock, SystemClock};
use super::data_dir::DataDir;
use super::key;
use super::revisions;
use super::staging::Staging;
use crate::error::{Error, Result};
use crate::model::op::OP_FORMAT;
use crate::model::{
    ArticleId, ArticleRecord, Classification, Hash, Hlc, KnowledgeMap, NodeId, Op, Payload, Role,
    SignedOp,
};
use crate::search::{HsMatch, HsSearch, SearchIndex};
use crate::store::{self, SCHEMA_VERSION, meta_keys};

/// What `outpost init` sets up.
#[derive(Clone, Debug)]
pub struct InitOptions {
    pub office: String,
    pub hq: bool,
    pub admin: String,
}

impl InitOptions {
    pub fn new(office: &str) -> Self {
        InitOptions {
            office: office.to_string(),
            hq: false,
            admin: "admin".to_string(),
        }
    }
}

/// A node's identity and secrets.
pub struct NodeKeys {
    pub node: NodeId,
    pub signing: SigningKey,
    pub age: age::x25519::Identity,
}

impl NodeKeys {
    pub fn generate() -> Self {
        NodeKeys {
            node: NodeId::random(),
            signing: key::generate(),
            age: age::x25519::Identity::generate(),
        }
    }
}

/// Fewer ops than this are signed (or their signatures checked) on the calling thread: not
/// worth handing to rayon's threads.
pub(crate) const PARALLEL_FROM: usize = 64;

/// Progress of long work (index rebuild): done, total.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// One node's knowledge: the store, the signing key and the search index.
pub struct Replica {
    pub(crate) db: Db,
    pub(super) dir: Option<DataDir>,
    pub(crate) node: NodeId,
    pub(crate) key: key::NodeKey,
    /// Decrypts bundles encrypted to this node.
    pub(crate) age: age::x25519::Identity,
    clock: Arc<dyn Clock>,
    pub(super) index: SearchIndex,
    /// Inside `bulk`: commits become durable, and the index is committed, at its end.
    bulk: bool,
    /// The log length `refresh` last saw.
    seen_log_len: u64,
    /// The most classified content the reads of this handle show (`core/clearance.rs`).
    pub(super) clearance: Classification,
}

impl Replica {
    /// Creates a node in `dir`: key files, database, genesis ops. Refuses an initialized
    /// directory and leaves nothing behind when it fails.
    pub fn create(dir: &DataDir, options: &InitOptions) -> Result<Self> {
        let keys = NodeKeys::generate();
        let trust_root = keys.node;
        Self::create_with(dir, options, keys, trust_root, |replica| {
            let payloads = replica.genesis_payloads(options, true);
            replica.commit(&options.admin, payloads).map(|_| ())
        })
    }

    /// Creates a node in `dir` with the given identity, runs `setup` on it, and removes every
    /// file it made if anything fails.
    pub(crate) fn create_with(
        dir: &DataDir,
        options: &InitOptions,
        keys: NodeKeys,
        trust_root: NodeId,
        setup: impl FnOnce(&mut Replica) -> Result<()>,
    ) -> Result<Self> {
        check_office(&options.office)?;
        crate::model::user::check_user_name(&options.admin)?;
        dir.prepare()?;
        if dir.is_initialized() || dir.key().exists() || dir.age_key().exists() {
            return Err(Error::AlreadyInitialized {
                path: dir.path().to_path_buf(),
            });
        }
        let result = (|| {
            key::write(&dir.key(), &keys.signing)?;
            key::write_age(&dir.age_key(), &keys.age)?;
            let db = Db::builder()
                .create(dir.database())
                .map_err(|e| map_open_error(e, dir))?;
            let (index, _) = SearchIndex::open_dir(&dir.index())?;
            let mut replica = Self::initialize(
                db,
                Some(dir.clone()),
                keys,
                trust_root,
                index,
                Arc::new(SystemClock),
            )?;
            setup(&mut replica)?;
            Ok(replica)
        })();
        if result.is_err() {
            // Leave the directory as it was: remove what this call created.
            let _ = std::fs::remove_file(dir.database());
            let _ = std::fs::remove_file(dir.key());
            let _ = std::fs::remove_file(dir.age_key());
            let _ = std::fs::remove_dir_all(dir.index());
        }
        result
    }

    /// A node held only in memory, for tests.
    pub fn create_in_memory(options: &InitOptions, clock: Arc<dyn Clock>) -> Result<Self> {
        let keys = NodeKeys::generate();
        let root = keys.node;
        let mut replica = Self::in_memory_with(keys, root, clock)?;
        let payloads = replica.genesis_payloads(options, true);
        replica.commit(&options.admin, payloads)?;
        Ok(replica)
    }

    /// An empty in-memory node with the given identity and trust root (tests, enrolment).
    pub fn in_memory_with(
        keys: NodeKeys,
        trust_root: NodeId,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let db = Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
        Self::initialize(db, None, keys, trust_root, SearchIndex::in_ram()?, clock)
    }

    /// Writes the metadata and tables of a node that holds no ops yet.
    fn initialize(
        db: Database,
        dir: Option<DataDir>,
        keys: NodeKeys,
        trust_root: NodeId,
        index: SearchIndex,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let txn = db.begin_write()?;
        create_tables(&txn)?;
        {
            let mut meta = txn.open_table(store::META)?;
            meta.insert(meta_keys::SCHEMA, SCHEMA_VERSION.to_le_bytes().as_slice())?;
            meta.insert(meta_keys::NODE_ID, keys.node.0.as_slice())?;
            meta.insert(meta_keys::TRUST_ROOT, trust_root.0.as_slice())?;
        }
        txn.commit()?;
        Ok(Replica {
            db: Db::writable(db),
            dir,
            node: keys.node,
            key: keys.signing.into(),
            age: keys.age,
            clock,
            index,
            bulk: false,
            seen_log_len: 0,
            clearance: Classification::Restricted,
        })
    }

    /// The ops that start a node: itself, its administrator, and (unless it takes HQ's) the
    /// shipped Knowledge Map.
    pub(crate) fn genesis_payloads(&self, options: &InitOptions, with_map: bool) -> Vec<Payload> {
        let mut payloads = vec![
            Payload::NodeCreated {
                office: options.office.clone(),
                hq: options.hq,
                public_key: self.key.verifying_key().to_bytes(),
                age_recipient: self.age.to_public().to_string(),
            },
            Payload::UserCreated {
                name: options.admin.clone(),
                role: Role::Admin,
            },
        ];
        if with_map {
            payloads.push(Payload::KnowledgeMapSet {
                map: KnowledgeMap::builtin(),
            });
        }
        payloads
    }

    /// Opens an existing node and brings its search index up to date.
    pub fn open(dir: &DataDir) -> Result<Self> {
        Self::open_with_progress(dir, &mut |_, _| {})
    }

    /// As `open`, reporting progress when the index has to be rebuilt.
    pub fn open_with_progress(dir: &DataDir, progress: Progress) -> Result<Self> {
        dir.check_existing()?;
        let db = Db::builder()
            .open(dir.database())
            .map_err(|e| map_open_error(e, dir))?;
        Self::open_database(dir, db, progress)
    }

    /// As [`open`](Self::open), with the store read and written through `backend` (over the
    /// node's database file): the fault tests' storage that fails its writes at a chosen point.
    #[doc(hidden)]
    pub fn open_with_backend(dir: &DataDir, backend: impl redb::StorageBackend) -> Result<Self> {
        dir.check_existing()?;
        let db = Db::builder()
            .create_with_backend(backend)
            .map_err(|e| map_open_error(e, dir))?;
        Self::open_database(dir, db, &mut |_, _| {})
    }

    fn open_database(dir: &DataDir, db: Database, progress: Progress) -> Result<Self> {
        let (node, schema) = read_identity(&db.begin_read()?)?;
        let upgraded = schema < SCHEMA_VERSION;
        if upgraded {
            upgrade_schema(&db, schema)?;
        }
        let signing_key = key::read(&dir.key())?;
        let age = key::read_age(&dir.age_key())?;
        let (index, fresh) = SearchIndex::open_dir(&dir.index())?;
        let mut replica = Replica {
            db: Db::writable(db),
            dir: Some(dir.clone()),
            node,
            key: signing_key,
            age,
            clock: Arc::new(SystemClock),
            index,
            bulk: false,
            seen_log_len: 0,
            clearance: Classification::Restricted,
        };
        let replay = read_u64(
            &replica.db.begin_read()?.open_table(store::META)?,
            meta_keys::REPLAY_NEEDED,
        )? != 0;
        if replay {
            replica.replay_after_revocation()?;
        } else if fresh || upgraded {
            replica.rebuild_index(progress)?;
        } else {
            replica.catch_up_index(progress)?;
        }
        Ok(replica)
    }

    /// Throws away the node's search index (it is rebuilt from the store when the node is next
    /// opened): what `outpost reindex` does first, since a damaged index may not open at all.
    pub fn discard_index(dir: &DataDir) -> Result<()> {
        dir.check_existing()?;
        let index = dir.index();
        if index.exists() {
            std::fs::remove_dir_all(&index).map_err(|e| {
                Error::io(
                    format!("cannot remove the search index {}", index.display()),
                    e,
                )
            })?;
        }
        Ok(())
    }

    /// Opens a node for reading only: no write lock, nothing written or synced, beside any other
    /// Outpost process that has the node open (commands that only read use this). Falls back to
    /// `open` when the store or index first needs a writer's work (an upgrade, a repair after a
    /// crash, an index to build).
    pub fn open_read_only(dir: &DataDir) -> Result<Self> {
        Self::open_read_only_with_progress(dir, &mut |_, _| {})
    }

    /// As `open_read_only`, reporting progress when it falls back to `open` and rebuilds.
    pub fn open_read_only_with_progress(dir: &DataDir, progress: Progress) -> Result<Self> {
        dir.check_existing()?;
        match Self::try_read_only(dir)? {
            Some(replica) => Ok(replica),
            None => Self::open_with_progress(dir, progress),
        }
    }

    /// The node opened read-only, or `None` when it needs a writer first.
    fn try_read_only(dir: &DataDir) -> Result<Option<Self>> {
        let Ok(db) = Db::open_read_only(&dir.database()) else {
            return Ok(None);
        };
        let (node, schema) = read_identity(&*db.begin_read()?)?;
        if schema != SCHEMA_VERSION {
            return Ok(None);
        }
        let Some((index, state)) = SearchIndex::open_dir_read_only(&dir.index()) else {
            return Ok(None);
        };
        let log_len = read_u64(
            &db.begin_read()?.open_table(store::META)?,
            meta_keys::LOG_LEN,
        )?;
        if state.position > log_len {
            return Ok(None);
        }
        Ok(Some(Replica {
            db,
            dir: Some(dir.clone()),
            node,
            key: key::read(&dir.key())?,
            age: key::read_age(&dir.age_key())?,
            clock: Arc::new(SystemClock),
            index,
            bulk: false,
            seen_log_len: 0,
            clearance: Classification::Restricted,
        }))
    }

    /// Looks whether the node changed since the last look (another process wrote to it, or this
    /// one did): if so, the search index's reader picks up the latest commit. Returns whether
    /// it changed.
    pub fn refresh(&mut self) -> Result<bool> {
        self.db.renew_snapshot()?;
        let log_len = read_u64(
            &self.db.begin_read()?.open_table(store::META)?,
            meta_keys::LOG_LEN,
        )?;
        if log_len == self.seen_log_len {
            return Ok(false);
        }
        self.index.refresh()?;
        // Another process commits the store, then the index: until the index has caught up,
        // look again at the next call, so that what is shown ends with both.
        if self.index.position()? >= log_len {
            self.seen_log_len = log_len;
        }
        Ok(true)
    }

    /// Pins a read-only handle to the node as it is now: every later read sees that one state,
    /// through one store transaction, until `refresh`. For a command that reads and ends.
    pub fn pin_snapshot(&mut self) -> Result<()> {
        Ok(self.db.pin_snapshot()?)
    }

    /// Whether this handle only reads (see `open_read_only`).
    pub fn is_read_only(&self) -> bool {
        self.db.is_read_only()
    }

    /// Replaces the clock (tests and snapshots use a fixed one).
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    pub(crate) fn now_millis(&self) -> u64 {
        self.clock.now_millis()
    }

    pub fn node_id(&self) -> NodeId {
        self.node
    }

    pub fn data_dir(&self) -> Option<&DataDir> {
        self.dir.as_ref()
    }

    /// The index of the HS nomenclature's descriptions: kept in the node's data directory
    /// (in memory for a node without one), opened once per process.
    pub fn hs_search(&self) -> Result<Arc<HsSearch>> {
        let dir = self.dir.as_ref().map(DataDir::hs_index);
        HsSearch::for_dir(dir.as_deref())
    }

    /// The HS descriptions to suggest beside a search for `words`, best first (at most
    /// `limit`). A word a title or body holds (or a word of its stem) is taken as spelt right,
    /// as the search itself takes it: it is not corrected to a description's word (`firewall`
    /// is no typo of anything in the nomenclature). Other words of 5 or more letters are, as
    /// `outpost hs` corrects them. A query with no Latin word or digits has none: the
    /// descriptions are English.
    pub fn hs_suggestions(&self, words: &str, limit: usize) -> Result<Vec<HsMatch>> {
        if !HsSearch::could_match(words) {
            return Ok(Vec::new());
        }
        let may_be_typo = |word: &str| Ok(!self.index.holds_word(word)?);
        self.hs_search()?
            .search_correcting(words, limit, &may_be_typo)
    }

    /// Turns `payloads` into signed ops by `user` and applies them in one write transaction:
    /// all of them or none. Then brings the search index up to date.
    ///
    /// When the index was current, the touched articles are handed to its indexing threads
    /// before the store's commit (the fsync), so indexing and the commit overlap; the index is
    /// committed only once the store is, and rolled back when the store fails.
    pub fn commit(&mut self, user: &str, payloads: Vec<Payload>) -> Result<Vec<Hash>> {
        self.commit_with_blobs(user, payloads, &[])
    }

    /// As `commit`, storing `blobs` (attachments' bytes, by their hash) in the same
    /// transaction: the op naming a blob and the blob are saved together or not at all.
    pub(crate) fn commit_with_blobs(
        &mut self,
        user: &str,
        payloads: Vec<Payload>,
        blobs: &[(Hash, &[u8])],
    ) -> Result<Vec<Hash>> {
        let txn = self.begin_write()?;
        super::attachments::store_blobs(&txn, blobs)?;
        let (lost, fork) = {
            let meta = txn.open_table(store::META)?;
            let seen = read_u64(&meta, meta_keys::OWN_SEQ_SEEN)?;
            (seen, read_u64(&meta, meta_keys::OWN_FORK)?)
        };
        if fork > 0 {
            return Err(Error::OwnFork { seq: fork });
        }
        let mut batch = Batch::open(&txn)?;
        let (seq, prev) = batch
            .chains
            .get(self.node.0)?
            .map(|v| v.value())
            .map_or((0, Hash::ZERO), |(s, h)| (s, Hash(h)));
        if lost > seq {
            return Err(Error::LostOwnOps {
                held: seq,
                seen: lost,
            });
        }
        let log_before = batch.log_len();
        let touched: BTreeSet<ArticleId> = payloads
            .iter()
            .filter_map(|p| p.article().cloned())
            .collect();
        let questions: BTreeSet<String> = payloads
            .iter()
            .filter_map(|p| p.indexed_question().map(str::to_string))
            .collect();
        let signed = self.sign_ops(user, seq, prev, batch.hlc(), payloads);
        let mut staging = self.staging(
            log_before,
            signed.iter().map(|(op, _)| op.op.payload.article()),
        )?;
        let mut hashes = Vec::with_capacity(signed.len());
        for (at, (op, hash)) in signed.iter().enumerate() {
            // A local op never waits for anything: what it builds on must be here.
            let applied = apply_op(&mut batch, op, false, Some(*hash))
                .and_then(|applied| match applied {
                    Applied::New | Applied::Duplicate => Ok(()),
                    Applied::Refused(r) => Err(Error::Denied { reason: r.reason }),
                    Applied::Waits { reason } => Err(Error::invalid(reason)),
                    Applied::Forked { node, seq } => Err(Error::Fork { node, seq }),
                })
                .and_then(|()| {
                    let article = op.op.payload.article();
                    staging.applied(&mut self.index, &mut batch, at, article)
                });
            if let Err(e) = applied {
                return Err(self.unstage(&staging, e));
            }
            hashes.push(*hash);
        }
        drop(signed);
        if let Err(e) = batch.finish() {
            return Err(self.unstage(&staging, e));
        }
        self.commit_indexed(txn, &touched, &questions, staging)?;
        Ok(hashes)
    }

    /// A write transaction for a commit or an import, durable when it commits.
    pub(crate) fn begin_write(&mut self) -> Result<WriteTransaction> {
        self.index.take_writer()?;
        let mut txn = self.db.begin_write()?;
        txn.set_quick_repair(true);
        Ok(txn)
    }

    /// Early staging for a batch of ops (see `core::staging`): on when the index reflects the
    /// log as the transaction began (`log_before` ops long).
    pub(crate) fn staging<'a>(
        &self,
        log_before: u64,
        articles: impl Iterator<Item = Option<&'a ArticleId>>,
    ) -> Result<Staging> {
        Ok(Staging::new(self.index.position()? == log_before, articles))
    }

    /// Op `at` of `batch` applied and touched `article` (see `Staging::applied`).
    pub(crate) fn stage_applied(
        &mut self,
        staging: &mut Staging,
        batch: &mut Batch,
        at: usize,
        article: Option<&ArticleId>,
    ) -> Result<()> {
        staging.applied(&mut self.index, batch, at, article)
    }

    /// Drops what `staging` handed to the index when its transaction fails with `error`.
    pub(crate) fn unstage(&mut self, staging: &Staging, error: Error) -> Error {
        if staging.staged_any() {
            let _ = self.index.rollback();
        }
        error
    }

    /// Commits `txn`, which touched the articles `touched` and asked or answered `questions`,
    /// and brings the search index up to date. With `staging` active, the touched articles and
    /// questions are in tantivy's indexing threads (early, or now), so indexing overlaps the
    /// store's fsync; the index commits only after the store did, and is rolled back when the
    /// store fails. Otherwise the index catches up from the log.
    pub(crate) fn commit_indexed(
        &mut self,
        txn: WriteTransaction,
        touched: &BTreeSet<ArticleId>,
        questions: &BTreeSet<String>,
        staging: Staging,
    ) -> Result<()> {
        let staged = staging.is_active() && !(touched.is_empty() && questions.is_empty());
        let staged_all = || -> Result<()> {
            staging.finish(&mut self.index, &txn, touched)?;
            let found = super::question_index::indexed_in(&txn, questions)?;
            self.index.stage_questions(&found)
        };
        if staged && let Err(e) = staged_all() {
            // Nothing half-staged may ride along with a later commit.
            let _ = self.index.rollback();
            return Err(Error::NotSaved {
                source: Box::new(e),
            });
        }
        let meta = txn.open_table(store::META)?;
        let log_len = read_u64(&meta, meta_keys::LOG_LEN)?;
        let replay = read_u64(&meta, meta_keys::REPLAY_NEEDED)? != 0;
        drop(meta);
        if let Err(e) = txn.commit() {
            if staged {
                let _ = self.index.rollback();
            }
            return Err(e.into());
        }
        let indexed = if staged && self.bulk {
            self.index.defer(log_len);
            Ok(())
        } else if staged {
            self.index.commit(log_len)
        } else {
            self.catch_up_index(&mut |_, _| {})
        };
        indexed.map_err(|e| Error::IndexBehind {
            saved: "the change",
            source: Box::new(e),
        })?;
        if replay {
            self.replay_after_revocation()?;
        }
        Ok(())
    }

    /// Replays the materialized tables from the log with every revocation known (see
    /// `core/rematerialize.rs`) and rebuilds the index: a revocation arrived after ops it
    /// refuses. Runs after the commit that brought it, or on the next open after a crash.
    pub(crate) fn replay_after_revocation(&mut self) -> Result<()> {
        let Some(db) = self.db.writable_database() else {
            return Ok(());
        };
        super::rematerialize::replay_if_needed(db)?;
        self.rebuild_index(&mut |_, _| {})
    }

    /// The ops of `payloads`, chained after (`seq`, `prev`) and signed. A bulk commit signs on
    /// every core: signing is a fifth of a large commit's work.
    fn sign_ops(
        &self,
        user: &str,
        mut seq: u64,
        prev: Hash,
        mut hlc: Hlc,
        payloads: Vec<Payload>,
    ) -> Vec<(SignedOp, Hash)> {
        let mut ops = Vec::with_capacity(payloads.len());
        let mut prev = prev;
        for payload in payloads {
            hlc = hlc.tick(self.clock.now_millis());
            seq += 1;
            let op = Op {
                format: OP_FORMAT,
                node: self.node,
                seq,
                hlc,
                user: user.to_string(),
                prev,
                payload,
            };
            // Chaining needs each op's hash before the next op exists; signing can wait.
            prev = op.hash();
            ops.push((op, prev));
        }
        let key = &self.key;
        let sign = |(op, hash): (Op, Hash)| (op.sign_hash(hash, key), hash);
        // A few ops are signed here: handing them to rayon's threads would cost more.
        if ops.len() < PARALLEL_FROM {
            ops.into_iter().map(sign).collect()
        } else {
            ops.into_par_iter().map(sign).collect()
        }
    }

    /// Runs `work` — typically many `commit`s of a benchmark's import — as one bulk: each commit
    /// applies atomically, is durable and is seen by the next, but the search index is committed
    /// (one segment set, no merging meanwhile) once, when `work` returns, however it ends; until
    /// then searches do not see what the bulk added. A crash inside a bulk keeps the commits
    /// made before it, and the index catches up with them when the node is next opened. (Commits
    /// cannot be left non-durable: redb refuses that on a store other processes may share.)
    pub fn bulk<T>(&mut self, work: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.bulk {
            return work(self);
        }
        self.bulk = true;
        let result = self.index.hold_merges(true).and_then(|()| work(self));
        self.bulk = false;
        let indexed = self
            .index
            .hold_merges(false)
            .and_then(|()| self.index.commit_deferred())
            .and_then(|()| self.catch_up_index(&mut |_, _| {}));
        let value = result?;
        indexed.map_err(|e| Error::IndexBehind {
            saved: "the import",
            source: Box::new(e),
        })?;
        Ok(value)
    }

    /// Reindexes the articles touched by ops the index has not seen yet.
    pub fn catch_up_index(&mut self, progress: Progress) -> Result<()> {
        let from = self.index.position()?;
        let txn = self.db.begin_read()?;
        let log_len = read_u64(&txn.open_table(store::META)?, meta_keys::LOG_LEN)?;
        if from >= log_len {
            return Ok(());
        }
        if from == 0 {
            drop(txn);
            return self.rebuild_index(progress);
        }
        let log = txn.open_table(store::LOG)?;
        let ops = txn.open_table(store::OPS)?;
        let mut touched = BTreeSet::new();
        let mut questions = BTreeSet::new();
        for entry in log.range(from + 1..)? {
            let (_, key) = entry?;
            let Some(bytes) = ops.get(key.value())? else {
                return Err(Error::Corrupt {
                    what: "the log names an op that is not stored".into(),
                });
            };
            let op = crate::model::SignedOp::decode(bytes.value())?;
            if let Some(article) = op.op.payload.article() {
                touched.insert(article.clone());
            }
            if let Some(question) = op.op.payload.indexed_question() {
                questions.insert(question.to_string());
            }
        }
        let questions = super::question_index::indexed_read(&txn, Some(&questions))?;
        let articles = txn.open_table(store::ARTICLES)?;
        let mut records = Vec::with_capacity(touched.len());
        for id in &touched {
            let record: Option<ArticleRecord> = store::get(&articles, id.as_str())?;
            records.extend(record);
        }
        let total = (records.len() + questions.len()) as u64;
        self.index.stage(&records, &[], false)?;
        self.index.stage_questions(&questions)?;
        if self.bulk {
            self.index.defer(log_len);
        } else {
            self.index.commit(log_len)?;
        }
        progress(total, total);
        Ok(())
    }

    /// Empties the index and fills it again from the store: the articles, then the questions.
    pub fn rebuild_index(&mut self, progress: Progress) -> Result<()> {
        const CHUNK: usize = 5_000;
        let txn = self.db.begin_read()?;
        let log_len = read_u64(&txn.open_table(store::META)?, meta_keys::LOG_LEN)?;
        let articles = txn.open_table(store::ARTICLES)?;
        let total = articles.len()?;
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut done = 0u64;
        let mut first = true;
        for entry in articles.iter()? {
            let (_, value) = entry?;
            chunk.push(store::decode::<ArticleRecord>(value.value())?);
            if chunk.len() == CHUNK {
                done += chunk.len() as u64;
                // Intermediate commits record position 0: a crash mid-rebuild restarts it.
                self.index.apply(&chunk, &[], 0, first)?;
                first = false;
                chunk.clear();
                progress(done, total);
            }
        }
        done += chunk.len() as u64;
        self.index.stage(&chunk, &[], first)?;
        self.index
            .stage_questions(&super::question_index::indexed_read(&txn, None)?)?;
        self.index.commit(log_len)?;
        self.index.merge_segments()?;
        progress(done, total);
        Ok(())
    }

    /// Merges the search index into one segment: after a bulk import, queries get faster
    /// (`reindex` does it too). Takes seconds at 100,000 articles.
    pub fn optimize_index(&mut self) -> Result<()> {
        self.index.merge_segments()
    }

    pub(crate) fn load_article(&self, id: &ArticleId) -> Result<Option<ArticleRecord>> {
        let txn = self.db.begin_read()?;
        store::get(&txn.open_table(store::ARTICLES)?, id.as_str())
    }
}

pub(super) fn create_tables(txn: &WriteTransaction) -> Result<()> {
    txn.open_table(store::META)?;
    txn.open_table(store::OPS)?;
    txn.open_table(store::LOG)?;
    txn.open_table(store::CHAINS)?;
    txn.open_table(store::NODES)?;
    txn.open_table(store::USERS)?;
    txn.open_table(store::CATEGORIES)?;
    txn.open_table(store::ARTICLES)?;
    txn.open_table(store::REVISIONS)?;
    txn.open_table(store::ENROLMENTS)?;
    txn.open_table(store::TRUSTED)?;
    txn.open_table(store::GRANTS)?;
    txn.open_table(store::REVOKED_NODES)?;
    txn.open_table(store::GLOSSARY)?;
    txn.open_table(store::EVALUATIONS)?;
    txn.open_table(store::POLICIES)?;
    txn.open_table(store::FRESHNESS)?;
    txn.open_table(store::READING)?;
    txn.open_table(store::SUPERSESSIONS)?;
    txn.open_table(store::QUESTIONS)?;
    txn.open_table(store::ANSWERS)?;
    txn.open_table(store::COMMENTS)?;
    txn.open_table(store::HELPFUL)?;
    txn.open_table(store::REFUSED)?;
    txn.open_table(store::PENDING)?;
    txn.open_table(store::PEERS)?;
    txn.open_table(store::PUBLISHED_COUNTS)?;
    txn.open_table(store::DRAFTS)?;
    txn.open_table(store::LINKS)?;
    txn.open_table(store::COMMUNITIES)?;
    txn.open_table(store::MILEAGE_RULES)?;
    txn.open_table(store::FACTS)?;
    txn.open_table(store::ARTICLE_SUMMARIES)?;
    txn.open_table(store::BLOBS)?;
    txn.open_table(store::BLOB_PEERS)?;
    txn.open_table(store::BLOB_SIZES)?;
    txn.open_table(store::BLOBS_TO_COME)?;
    txn.open_table(store::OWN_SENT)?;
    txn.open_table(store::COMMENTS_SEEN)?;
    Ok(())
}

/// The node id and schema version a store records.
fn read_identity(txn: &redb::ReadTransaction) -> Result<(NodeId, u64)> {
    let meta = txn.open_table(store::META).map_err(|e| Error::Corrupt {
        what: format!("no metadata table ({e})"),
    })?;
    let schema = read_u64(&meta, meta_keys::SCHEMA)?;
    if schema > SCHEMA_VERSION {
        return Err(Error::invalid(format!(
            "this data was written by a newer Outpost (schema {schema}; this one reads {SCHEMA_VERSION}): upgrade Outpost"
        )));
    }
    let id = meta
        .get(meta_keys::NODE_ID)?
        .and_then(|v| <[u8; 16]>::try_from(v.value()).ok())
        .ok_or_else(|| Error::Corrupt {
            what: "the node id is missing".into(),
        })?;
    Ok((NodeId(id), schema))
}

/// Brings a store of an older schema to this one, in one transaction.
fn upgrade_schema(db: &Database, from: u64) -> Result<()> {
    let txn = db.begin_write()?;
    if from < 2 {
        // Schema 1 → 2: revision rows name the op carrying the content instead of copying it.
        revisions::migrate_from_full_records(&txn)?;
    }
    create_tables(&txn)?;
    // Schema 3 laid articles out anew (HQ's status, the published revision, proposals) and
    // refuses ops that break the rules instead of failing their bundle; schema 4 keeps counts
    // and links beside the articles (`core/derived.rs`); schema 5 keeps each article's attachments in its record; schema 6 keeps evaluations and policies
    // and the revision an evaluation published; schema 7 keeps the Knowledge Market's questions,
    // answers, comments and helpful votes: the tables are replayed from the log.
    super::rematerialize::rematerialize(db, &txn)?;
    txn.open_table(store::META)?
        .insert(meta_keys::SCHEMA, SCHEMA_VERSION.to_le_bytes().as_slice())?;
    txn.commit()?;
    Ok(())
}

fn check_office(office: &str) -> Result<()> {
    crate::model::validate::check_office(office)
}

fn map_open_error(e: redb::DatabaseError, dir: &DataDir) -> Error {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen => Error::Locked {
            path: dir.path().to_path_buf(),
        },
        other => match Error::store(other) {
            // A full disk or a damaged file says so; anything else names the file.
            Error::Store { source } => Error::Open {
                path: dir.database(),
                source,
            },
            told => told,
        },
    }
}
