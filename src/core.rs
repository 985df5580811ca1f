//! `Replica`: the one API both faces (TUI and CLI) call. It owns the store, the node's signing
//! key and the search index, turns user intentions into signed ops, and applies ops — local or
//! imported — through one path in one redb write transaction.

mod apply;
mod apply_article;
mod articles;
mod batch;
mod cancel;
mod check;
mod clearance;
mod clock;
mod conflicts;
mod data_dir;
mod db;
mod derived;
mod interchange;
mod key;
mod merge;
pub(crate) mod peers;
mod people;
mod queries;
mod reading;
mod rematerialize;
mod replica;
mod revisions;
mod staging;

pub(crate) use apply::{Applied, apply_op, read_u64};
pub use apply::{MAX_CLOCK_AHEAD_MILLIS, Refusal};
pub use articles::{ArticlePatch, NewArticle};
pub(crate) use batch::Batch;
pub use cancel::Cancel;
pub use check::CheckReport;
pub use clearance::clearance_of;
pub use clock::{Clock, FixedClock, SystemClock};
pub use conflicts::{ConflictVersion, ConflictView};
pub use data_dir::DataDir;
pub(crate) use db::wait_for_lock as db_wait_for_lock;
pub use db::{WaitNotice, set_store_cache_size, set_wait_notice, store_cache_size};
pub use interchange::{ImportReport, export_path};
pub(crate) use key::read_age as read_age_identity;
pub use peers::{OwnHistory, PeerRecord};
pub use people::GrantView;
pub use queries::{ArticleFilter, ArticleView};
pub use reading::{
    Backlink, DiffLine, Field, count_by_category, field_diff, line_diff, links_to, wiki_links,
};
pub(crate) use replica::PARALLEL_FROM;
pub use replica::{InitOptions, NodeKeys, Progress, Replica};
pub(crate) use staging::Staging;
