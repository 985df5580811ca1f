//! Sync: how knowledge travels between posts and HQ as files.
//!
//! Border posts have no network; their changes leave as a *bundle* on a USB stick or attached to
//! an email, and HQ's come back the same way, days later, in any order, sometimes twice,
//! sometimes never. The design makes that safe:
//!
//! - **Ops, not states.** A bundle carries signed ops (see `model::op`). The receiver applies
//!   them through the same `apply_op` as local edits, so every node that holds the same set of
//!   ops holds the same knowledge (`state_hash`), whatever the order they arrived in.
//! - **Version vectors.** Every node's ops are numbered 1, 2, 3 … and chained by hash. A bundle
//!   carries the sender's version vector (node → highest contiguous seq held); the receiver
//!   records it as the sender's acknowledgement and from then on sends only what the sender
//!   lacks. Nothing is forgotten until acknowledged, so a lost bundle is covered by the next.
//! - **Idempotent, atomic, order-independent.** An op already held is skipped; an op whose
//!   predecessors are missing waits in the pending table and applies when the gap is filled; a
//!   bundle is applied in one redb transaction — all of it or none.
//! - **Trust.** HQ is the trust root. A post is enrolled by an HQ-signed op carrying its key;
//!   ops and bundles from nodes not enrolled are refused, and privileged ops (taxonomy,
//!   enrolment, publication) are valid only from HQ's administrators, on every node.
//! - **Concurrent edits** leave several heads; `core::merge` merges them field by field,
//!   deterministically, or marks the article in conflict with every version kept.
//!
//! The byte layout is in `bundle` and docs/bundle-format.md; encryption and parts in `transport`; how
//! import reads files without trusting their size in `read`.

pub mod blobs;
pub mod bundle;
pub mod enrol;
pub mod exchange;
pub mod folder;
pub mod peers;
pub mod read;
pub mod status;
pub mod transport;
pub mod urgent;

pub use crate::core::PeerRecord;
pub use crate::error::BundleError;
pub use exchange::{ExportOptions, ExportReport, ImportReport};
pub use folder::{ImportFiles, Skipped};
pub use peers::ExportPeer;
pub use status::{NodeRow, PeerStatus, SyncStatus};
