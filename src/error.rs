//! The library's one error type. Messages are lower-case and say what to do next.

use std::path::PathBuf;

/// Everything that can go wrong in Outpost's core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input was rejected; nothing was changed.
    #[error("{0}")]
    Invalid(String),

    /// Several inputs were rejected at once (e.g. a Markdown import); nothing was changed.
    #[error("{} problem(s) found, nothing was imported:\n{}", .0.len(), first_problems(.0))]
    InvalidMany(Vec<String>),

    #[error("{0} not found")]
    NotFound(String),

    /// An op that cannot apply yet: something it builds on has not arrived (sync holds it back).
    #[error("{0}")]
    Pending(String),

    /// A sync bundle was refused; nothing was changed.
    #[error(transparent)]
    Bundle(#[from] crate::sync::BundleError),

    /// An article id that names nothing here.
    #[error("article `{0}` not found; `outpost list` or `outpost search` shows the ids")]
    NoArticle(String),

    /// The acting user may not do this.
    #[error("not allowed: {0}")]
    Denied(String),

    #[error("{path} is not a usable data directory: {reason}")]
    DataDir { path: PathBuf, reason: String },

    #[error(
        "the Outpost database in {0} is in use by another Outpost process; close it (or wait for it to finish) and try again"
    )]
    Locked(PathBuf),

    #[error(
        "an Outpost node already exists in {0}; use another --data-dir, or remove that directory first if you really mean to start over"
    )]
    AlreadyInitialized(PathBuf),

    #[error(
        "no Outpost node in {0}; run `outpost init --office NAME` first (or `outpost` alone for a demo)"
    )]
    NotInitialized(PathBuf),

    /// Two different ops claim the same place in a node's chain.
    #[error(
        "node {} has two different ops numbered {seq}: its data was probably restored from an older copy and numbered new changes again",
        node.short()
    )]
    Fork {
        node: crate::model::NodeId,
        seq: u64,
    },

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

    /// Long work stopped because the person asked (`core::Cancel`) before anything was changed.
    #[error("cancelled: nothing was changed")]
    Cancelled,

    #[error("the store is damaged or unreadable: {0}")]
    Corrupt(String),

    #[error("database error: {0}")]
    Store(String),

    #[error("search index error: {0}")]
    Index(String),

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
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

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

macro_rules! store_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self { Error::Store(e.to_string()) }
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
    fn from(e: tantivy::TantivyError) -> Self {
        Error::Index(e.to_string())
    }
}

impl From<postcard::Error> for Error {
    fn from(e: postcard::Error) -> Self {
        Error::Corrupt(format!("a stored record does not decode ({e})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_shown(n: usize) -> usize {
        let e = Error::InvalidMany((0..n).map(|i| format!("problem {i}")).collect());
        e.to_string().lines().count()
    }

    #[test]
    fn thousands_of_problems_are_summarised() {
        assert_eq!(lines_shown(3), 4);
        assert_eq!(lines_shown(20_000), 22);
    }
}
