//! `Replica`: the one API both faces (TUI and CLI) call. It owns the store, the node's signing
//! key and the search index, turns user intentions into signed ops, and applies ops — local or
//! imported — through one path in one redb write transaction.

mod accounts;
mod acknowledge;
mod activity;
mod apply;
mod apply_article;
mod articles;
#[doc(hidden)]
pub mod attachment_samples;
pub(crate) mod attachments;
mod audit;
pub mod auth;
mod backup;
mod backup_local;
mod batch;
mod cancel;
mod check;
mod clearance;
mod clock;
mod community;
mod conflicts;
mod daily_backup;
mod data_dir;
mod db;
mod derived;
mod evaluation;
mod export_html;
mod freshness;
mod glossary;
mod in_transit;
mod interchange;
mod key;
mod market;
mod market_facts;
mod merge;
mod mileage;
mod new_comments;
pub(crate) mod peers;
mod people;
mod queries;
mod question_index;
mod question_search;
mod questions;
mod reading;
mod rematerialize;
mod remote;
mod remote_blobs;
mod replica;
mod required_reading;
mod restore;
mod review;
mod revisions;
mod staging;
mod stale;
mod stats;
mod submission;

pub use accounts::AccountRow;
pub use acknowledge::{OfficeCompliance, PersonCompliance, RequiredItem};
pub(crate) use apply::{Applied, apply_op, read_u64};
pub use apply::{MAX_CLOCK_AHEAD_MILLIS, Refusal};
pub use articles::{ArticlePatch, NewArticle};
pub use attachments::{AttachmentInfo, Policy};
pub use audit::{AuditEntry, AuditFilter, key_fingerprint, parse_since};
pub use auth::{Failures, SignIn};
pub use backup::{BackupHeader, BackupReport};
pub(crate) use batch::Batch;
pub use cancel::Cancel;
pub use check::CheckReport;
pub use clearance::clearance_of;
pub use clock::{Clock, FixedClock, SystemClock};
pub use community::{CommunitySummary, CommunityView, OutcomeView};
pub use conflicts::{ConflictVersion, ConflictView};
pub use daily_backup::DailyBackup;
pub use data_dir::DataDir;
pub(crate) use db::wait_for_lock as db_wait_for_lock;
pub use db::{WaitNotice, set_store_cache_size, set_wait_notice, store_cache_size};
pub use export_html::{HtmlExport, HtmlFile, HtmlReport, HtmlSelection, MAX_HTML_ARTICLES};
pub use glossary::GlossaryChange;
pub use in_transit::{InTransit, describe as describe_in_transit};
pub use interchange::{ImportReport, export_path};
pub(crate) use key::read_age as read_age_identity;
pub use mileage::{HistoryEntry, Leaderboard, MileageFilter, Standing};
pub use new_comments::NewComment;
pub use peers::{OwnHistory, PeerRecord};
pub use people::GrantView;
pub use queries::{ArticleFilter, ArticleView};
pub use questions::{
    AnswerView, CommentView, Journey, NewQuestion, QuestionFilter, QuestionSummary, QuestionView,
};
pub use reading::{
    Backlink, BacklinkPage, DiffLine, Field, count_by_category, field_diff, line_diff, links_to,
    wiki_links,
};
pub use remote::{Envelope, RefusedOp, RemoteReport};
pub(crate) use replica::PARALLEL_FROM;
pub use replica::{InitOptions, NodeKeys, Progress, Replica};
pub use restore::RestoreReport;
pub use review::{EvaluationView, QueueItem, ReturnedItem, VoteView};
pub(crate) use staging::Staging;
pub use stale::{DUE_SOON_DAYS, FlagView, FreshnessView, StaleItem};
pub use stats::{QuestionStats, Stats, StatsFilter};
pub use submission::{Changes, SubmissionView};
