//! The library's one error type. Messages are lower-case and say what to do next.
//!
//! Every variant names its fields; errors of redb and tantivy are kept as sources, so that a
//! caller can tell a full disk (`DiskFull`) from a damaged store (`StoreDamaged`) from any other
//! failure of the store (`Store`).

use std::path::PathBuf;

use crate::model::NodeId;

/// Everything that can go wrong in Outpost's core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input was rejected; nothing was changed.
    #[error("{reason}")]
    Invalid { reason: String },

    /// Several inputs were rejected at once (e.g. a Markdown import); nothing was changed.
    #[error("{} problem(s) found, nothing was imported:\n{}", problems.len(), first_problems(problems))]
    InvalidMany { problems: Vec<String> },

    /// A sync bundle was refused; nothing was changed.
    #[error(transparent)]
    Bundle(#[from] BundleError),

    /// An article id that names nothing here.
    #[error("article `{id}` not found; `outpost list` or `outpost search` shows the ids")]
    NoArticle { id: String },

    /// The acting user may not do this.
    #[error("not allowed: {reason}")]
    Denied { reason: String },

    #[error("{path} is not a usable data directory: {reason}")]
    DataDir { path: PathBuf, reason: String },

    #[error(
        "the Outpost database in {path} is in use by another Outpost process; close it (or wait for it to finish) and try again"
    )]
    Locked { path: PathBuf },

    #[error(
        "an Outpost node already exists in {path}; use another --data-dir, or remove that directory first if you really mean to start over"
    )]
    AlreadyInitialized { path: PathBuf },

    #[error(
        "no Outpost node in {path}; run `outpost init --office NAME` first (or `outpost` alone for a demo)"
    )]
    NotInitialized { path: PathBuf },

    /// Two different ops claim the same place in a node's chain.
    #[error(
        "node {} has two different ops numbered {seq}: its data was probably restored from an older copy and numbered new changes again",
        node.short()
    )]
    Fork { node: NodeId, seq: u64 },

    /// Peers hold ops of this node that it lacks: it must get them back before writing, or it
    /// would number new ops again and fork its own history.
    #[error(
        "this node lacks its own changes {} to {seen}, which other nodes hold (its data was restored from an older copy?): nothing can be written until they are back. Export a bundle to HQ (`outpost sync export`) — it tells HQ what is missing — and import HQ's reply",
        held + 1
    )]
    LostOwnOps { held: u64, seen: u64 },

    /// A peer holds another version of this node's own op `seq`: the node's history forked.
    #[error(
        "this node's history has forked at its change {seq} (its data was restored from an older copy and went on writing): other nodes refuse its changes from there on. Save what you wrote (`outpost export-md DIR`), ask HQ to enrol this post again (`outpost node enrol`), start it with `outpost init --from FILE` in a new data directory, and import the saved files there"
    )]
    OwnFork { seq: u64 },

    /// An edit resolving a conflict still holds the merge's markers.
    #[error(
        "the text still holds conflict markers (lines starting <<<<<<< or >>>>>>>): keep the lines that are right, delete the markers, then save"
    )]
    ConflictMarkersLeft,

    /// Long work stopped because the person asked (`core::Cancel`) before anything was changed.
    #[error("cancelled: nothing was changed")]
    Cancelled,

    /// A record or file of the node does not read as it must.
    #[error("the store is damaged or unreadable: {what}")]
    Corrupt { what: String },

    /// redb found its file damaged.
    #[error("the store is damaged or unreadable: {source}")]
    StoreDamaged { source: redb::Error },

    /// A write failed for want of space: nothing is damaged, and the write can be tried again.
    #[error("{context}: {source} (the disk is full: free some space on it and try again)")]
    DiskFull {
        context: String,
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// Any other failure of the store.
    #[error("database error: {source}")]
    Store { source: redb::Error },

    /// The store's file could not be opened.
    #[error("database error: cannot open {}: {source}", path.display())]
    Open { path: PathBuf, source: redb::Error },

    /// The search index failed in tantivy.
    #[error("search index error: {source}")]
    Search { source: tantivy::TantivyError },

    /// The search index is not as this version needs it.
    #[error("search index error: {what}")]
    Index { what: String },

    /// A change was not saved because the search index failed while it was staged.
    #[error("search index error: the change was not saved: the search index failed ({source})")]
    NotSaved { source: Box<Error> },

    /// A change is saved in the store; the index lags it until `outpost reindex` (or the next
    /// open) catches it up.
    #[error(
        "search index error: {saved} is saved, but the search index could not be updated ({source}); run `outpost reindex`"
    )]
    IndexBehind {
        saved: &'static str,
        source: Box<Error>,
    },

    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },

    /// One message for a wrong password, an unknown name and a disabled account alike.
    #[error(
        "sign-in refused: the name or the password is wrong, or the account cannot sign in. Check both and try again; an administrator can set a new password with `outpost user passwd NAME`"
    )]
    SignInRefused,
    /// Too soon after failed sign-ins under this name.
    #[error("too many failed sign-ins as `{name}`: wait {seconds} s and try again")]
    SignInDelayed { name: String, seconds: u64 },
}

/// Why a sync bundle (or an enrolment file) was refused. `file` names it as the user gave it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    #[error("{file} is not an Outpost bundle (it does not start with the bundle or part marker)")]
    NotABundle { file: String },
    #[error(
        "{file} is truncated: it ends before the {before}; copy it again from the USB stick or email"
    )]
    Truncated { file: String, before: &'static str },
    #[error(
        "{file} was written by a newer Outpost (bundle format {format}; this one reads {reads}): upgrade Outpost to import it"
    )]
    NewerFormat {
        file: String,
        format: u16,
        reads: u16,
    },
    #[error("{file} is damaged: {why}; ask the sender for a new copy")]
    Damaged { file: String, why: String },
    #[error("{file} is refused: {why}")]
    Limit { file: String, why: String },
    #[error(
        "{file} is not signed by its sender {sender} (the signature does not verify): it was altered after it was written; ask for a new copy"
    )]
    BadSignature { file: String, sender: String },
    #[error(
        "{file} comes from node {sender}, which is not enrolled here: import HQ's bundle that enrols it first, or ask HQ to enrol that post"
    )]
    UnknownSender { file: String, sender: String },
    #[error(
        "{file} is meant for node {recipient}, not this one ({this_node}): give it to the right post"
    )]
    NotForThisNode {
        file: String,
        recipient: String,
        this_node: String,
    },
    #[error(
        "{file} is encrypted, and the identity given does not open it (it was encrypted to someone else): use --identity with the right age key"
    )]
    WrongIdentity { file: String },
    #[error("{file}: {why}")]
    Parts { file: String, why: String },
    #[error("{file} holds an op that is not allowed: {why}")]
    Unauthorized { file: String, why: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The problems a person can read: the first twenty, then how many more.
fn first_problems(problems: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut lines: Vec<&str> = problems.iter().take(SHOWN).map(String::as_str).collect();
    let more = problems.len().saturating_sub(SHOWN);
    let tail = format!("… and {more} more like them");
    if more > 0 {
        lines.push(&tail);
    }
    lines.join("\n")
}

/// Whether an IO error means the disk is full (`WriteZero`: a write that could put nothing).
fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::WriteZero
    )
}

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid { reason: msg.into() }
    }

    pub fn corrupt(what: impl Into<String>) -> Self {
        Error::Corrupt { what: what.into() }
    }

    /// An IO failure of `context`; a full disk is told apart (`DiskFull`).
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        let context = context.into();
        if is_disk_full(&source) {
            return Error::DiskFull {
                context,
                source: Box::new(source),
            };
        }
        Error::Io { context, source }
    }

    /// Whether this failure is the disk being full (nothing damaged; free space and retry).
    pub fn is_disk_full(&self) -> bool {
        matches!(self, Error::DiskFull { .. })
    }

    /// A store error (`e` is any of redb's error types), sorted into a full disk, damage, or
    /// another failure.
    pub fn store(e: impl Into<redb::Error>) -> Self {
        let source: redb::Error = e.into();
        match source {
            redb::Error::Io(io) if is_disk_full(&io) => Error::DiskFull {
                context: "cannot write the store".into(),
                source: Box::new(io),
            },
            redb::Error::Corrupted(_) => Error::StoreDamaged { source },
            source => Error::Store { source },
        }
    }
}

macro_rules! store_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self { Error::store(e) }
        }
    )*};
}
store_errors!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl From<tantivy::TantivyError> for Error {
    fn from(source: tantivy::TantivyError) -> Self {
        Error::Search { source }
    }
}

impl From<postcard::Error> for Error {
    fn from(e: postcard::Error) -> Self {
        Error::corrupt(format!("a stored record does not decode ({e})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{self, ErrorKind};

    fn lines_shown(n: usize) -> usize {
        let e = Error::InvalidMany {
            problems: (0..n).map(|i| format!("problem {i}")).collect(),
        };
        e.to_string().lines().count()
    }

    #[test]
    fn thousands_of_problems_are_summarised() {
        assert_eq!(lines_shown(3), 4);
        assert_eq!(lines_shown(20_000), 22);
    }

    #[test]
    fn a_full_disk_under_the_store_is_told_apart_from_damage() {
        for kind in [ErrorKind::StorageFull, ErrorKind::WriteZero] {
            let storage = redb::StorageError::Io(io::Error::from(kind));
            let e = Error::from(redb::CommitError::Storage(storage));
            assert!(e.is_disk_full(), "{kind:?}: {e:?}");
            assert!(e.to_string().contains("the disk is full"), "{e}");
            // The io error stays reachable as the source.
            let source = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<io::Error>());
            assert_eq!(source.map(io::Error::kind), Some(kind));
        }
        let damaged = Error::from(redb::StorageError::Corrupted("bad page".into()));
        assert!(matches!(damaged, Error::StoreDamaged { .. }), "{damaged:?}");
        assert!(!damaged.is_disk_full());
        assert!(!damaged.to_string().contains("disk is full"), "{damaged}");
        let other = Error::from(redb::StorageError::Io(io::Error::from(
            ErrorKind::PermissionDenied,
        )));
        assert!(matches!(other, Error::Store { .. }), "{other:?}");
    }

    #[test]
    fn a_full_disk_under_a_file_written_is_told_apart_too() {
        let full = Error::io(
            "cannot write b.bundle",
            io::Error::from(ErrorKind::StorageFull),
        );
        assert!(full.is_disk_full());
        let said = full.to_string();
        assert!(said.starts_with("cannot write b.bundle: "), "{said}");
        assert!(
            said.ends_with("(the disk is full: free some space on it and try again)"),
            "{said}"
        );
        let denied = Error::io(
            "cannot write b.bundle",
            io::Error::from(ErrorKind::PermissionDenied),
        );
        assert!(!denied.is_disk_full());
    }
}
