//! `Replica`: the one API both faces (TUI and CLI) call. It owns the store, the node's signing
//! key and the search index, turns user intentions into signed ops, and applies ops — local or
//! imported — through one path in one redb write transaction.

mod apply;
mod articles;
mod check;
mod clock;
mod data_dir;
mod interchange;
mod key;
mod queries;
mod replica;

pub use articles::{ArticlePatch, NewArticle};
pub use check::CheckReport;
pub use clock::{Clock, FixedClock, SystemClock};
pub use data_dir::DataDir;
pub use interchange::ImportReport;
pub use queries::{ArticleFilter, ArticleView, NodeSummary};
pub use replica::{InitOptions, Replica};
