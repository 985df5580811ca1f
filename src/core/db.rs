//! The store's handle: read-write, or read-only for commands that only read.
//!
//! Every process opens a node's database in redb's multi-writer mode, so several Outpost
//! processes share one node: the interface in one terminal, commands in another. Reads see the
//! latest commit of any process; writers take turns (a write transaction waits while another
//! process is in one). A read-only handle takes no write lock and never writes or syncs the file.

use std::path::Path;
use std::time::Duration;

use redb::{
    ConcurrencyMode, Database, ReadOnlyDatabase, ReadTransaction, ReadableDatabase,
    TransactionError, WriteTransaction,
};

use crate::error::{Error, Result};

/// Told once when a write has to wait for another process (the CLI prints it on stderr).
pub type WaitNotice = fn(&str);

static WAIT_NOTICE: std::sync::OnceLock<WaitNotice> = std::sync::OnceLock::new();

/// Sets, once per process, what hears that a write waits for another process.
pub fn set_wait_notice(notice: WaitNotice) {
    let _ = WAIT_NOTICE.set(notice);
}

pub(crate) fn notify_wait(what: &str) {
    if let Some(notice) = WAIT_NOTICE.get() {
        notice(what);
    }
}

/// redb's page cache for every store this process opens, once set (benchmarks compare sizes).
static CACHE_SIZE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Sets the page cache of the stores this process opens from now on, in bytes (0: the default,
/// see [`store_cache_size`]).
pub fn set_store_cache_size(bytes: usize) {
    CACHE_SIZE.store(bytes, std::sync::atomic::Ordering::Relaxed);
}

/// The page cache a store is opened with. A write transaction keeps the pages it dirties in the
/// cache's write half until it commits; past that half, redb writes pages out early and reads
/// them back each time the B-trees change them again, and a large import slows down far beyond
/// its size (100,000 ops took 26× the time of 10,000 with redb's 1 GiB default). So: a quarter
/// of the machine's memory, at least redb's default. The cache is filled only as pages are
/// used, so a small transaction or a reader costs no more than before.
pub fn store_cache_size() -> usize {
    const DEFAULT: usize = 1 << 30;
    match CACHE_SIZE.load(std::sync::atomic::Ordering::Relaxed) {
        0 => physical_memory().map_or(DEFAULT, |m| (m / 4).max(DEFAULT)),
        set => set,
    }
}

/// The machine's memory in bytes (Linux), `None` where it cannot be read.
fn physical_memory() -> Option<usize> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kb = info
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<usize>()
        .ok()?;
    kb.checked_mul(1024)
}

pub(crate) enum Db {
    Writable(Database),
    /// Read-only; with a snapshot, every read goes through that one transaction (see
    /// [`Db::pin_snapshot`]).
    ReadOnly {
        db: ReadOnlyDatabase,
        snapshot: Option<ReadTransaction>,
    },
}

/// A read transaction: one of its own, or the snapshot a pinned handle shares.
pub(crate) enum ReadTxn<'a> {
    Own(ReadTransaction),
    Shared(&'a ReadTransaction),
}

impl std::ops::Deref for ReadTxn<'_> {
    type Target = ReadTransaction;

    fn deref(&self) -> &ReadTransaction {
        match self {
            ReadTxn::Own(txn) => txn,
            ReadTxn::Shared(txn) => txn,
        }
    }
}

impl Db {
    pub fn writable(db: Database) -> Self {
        Db::Writable(db)
    }

    pub fn builder() -> redb::Builder {
        let mut builder = Database::builder();
        builder.set_concurrency_mode(ConcurrencyMode::MultiWriter);
        builder.set_cache_size(store_cache_size());
        builder
    }

    /// A reader dirties no pages, so redb's default cache serves it, and a search process
    /// does not read the machine's memory size (`/proc/meminfo`) for a cache it would not use.
    pub fn open_read_only(path: &Path) -> std::result::Result<Self, redb::DatabaseError> {
        let mut builder = Database::builder();
        builder.set_concurrency_mode(ConcurrencyMode::MultiWriter);
        let db = builder.open_read_only(path)?;
        Ok(Db::ReadOnly { db, snapshot: None })
    }

    pub fn begin_read(&self) -> std::result::Result<ReadTxn<'_>, TransactionError> {
        match self {
            Db::Writable(db) => db.begin_read().map(ReadTxn::Own),
            Db::ReadOnly {
                snapshot: Some(txn),
                ..
            } => Ok(ReadTxn::Shared(txn)),
            Db::ReadOnly { db, snapshot: None } => db.begin_read().map(ReadTxn::Own),
        }
    }

    /// From now on every read of this read-only handle sees the store as it is now, through one
    /// transaction. A command that only reads and then ends wants that: its answer comes from
    /// one state of the node, and each read no longer begins a transaction of its own (in
    /// multi-writer mode each costs file-lock system calls, a dozen or more per search).
    /// A writable handle is left as it is.
    pub fn pin_snapshot(&mut self) -> std::result::Result<(), TransactionError> {
        if let Db::ReadOnly { db, snapshot } = self {
            *snapshot = Some(db.begin_read()?);
        }
        Ok(())
    }

    /// A pinned handle moves its snapshot to the store as it is now; any other is left as it is.
    pub fn renew_snapshot(&mut self) -> std::result::Result<(), TransactionError> {
        if let Db::ReadOnly {
            db,
            snapshot: Some(txn),
        } = self
        {
            *txn = db.begin_read()?;
        }
        Ok(())
    }

    /// A write transaction; when another process is writing, says so once and waits its turn.
    pub fn begin_write(&self) -> Result<WriteTransaction> {
        let Db::Writable(db) = self else {
            return Err(Error::invalid(
                "this node was opened read-only; the command cannot change it",
            ));
        };
        match db.try_begin_write() {
            Ok(txn) => Ok(txn),
            Err(TransactionError::WouldBlock) => {
                notify_wait("waiting for another Outpost process to finish writing to this node…");
                Ok(db.begin_write()?)
            }
            Err(e) => Err(e.into()),
        }
    }

    pub fn is_read_only(&self) -> bool {
        !matches!(self, Db::Writable(_))
    }

    /// The database for writing, or `None` when opened read-only.
    pub fn writable_database(&self) -> Option<&Database> {
        match self {
            Db::Writable(db) => Some(db),
            Db::ReadOnly { .. } => None,
        }
    }
}

/// Retries `attempt` while it fails with a lock another process holds (the search index's
/// writer lock), telling `notice` once; gives up after a minute.
pub(crate) fn wait_for_lock<T>(
    mut attempt: impl FnMut() -> Result<T, tantivy::TantivyError>,
) -> Result<T> {
    const PATIENCE: Duration = Duration::from_secs(60);
    let started = std::time::Instant::now();
    let mut told = false;
    loop {
        match attempt() {
            Err(tantivy::TantivyError::LockFailure(..)) if started.elapsed() < PATIENCE => {
                if !told {
                    notify_wait(
                        "waiting for another Outpost process to finish updating the search index…",
                    );
                }
                told = true;
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other.map_err(Error::from),
        }
    }
}

/// Either kind of handle, read: for code that digests a node's tables or a scratch replay alike.
pub(crate) trait Reads {
    fn read_txn(&self) -> Result<ReadTxn<'_>>;
}

impl Reads for Db {
    fn read_txn(&self) -> Result<ReadTxn<'_>> {
        Ok(self.begin_read()?)
    }
}

impl Reads for Database {
    fn read_txn(&self) -> Result<ReadTxn<'_>> {
        Ok(ReadTxn::Own(self.begin_read()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_cache_is_at_least_redbs_default_and_can_be_set() {
        assert!(store_cache_size() >= 1 << 30);
        if let Some(memory) = physical_memory() {
            assert!(store_cache_size() >= memory / 4);
        }
        set_store_cache_size(64 << 20);
        assert_eq!(store_cache_size(), 64 << 20);
        set_store_cache_size(0);
        assert!(store_cache_size() >= 1 << 30);
    }
}
