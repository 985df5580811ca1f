//! redb tables as typed constants in one place, the schema version, and small typed helpers.
//!
//! Keys are fixed-width where possible; values are postcard-encoded records from `model`.

use redb::{ReadableTable, TableDefinition};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Bumped when the layout of any table changes; `open` refuses a newer schema and migrates
/// an older one.
pub const SCHEMA_VERSION: u64 = 7;

/// Node-local settings: schema version, own node id, HLC, log length.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// The op log, the source of truth: (node, seq) → encoded `SignedOp`.
pub const OPS: TableDefinition<([u8; 16], u64), &[u8]> = TableDefinition::new("ops");
/// Local apply order: position → (node, seq). The search index records the last position it saw.
pub const LOG: TableDefinition<u64, ([u8; 16], u64)> = TableDefinition::new("log");
/// Per node, the highest contiguous seq held and that op's hash: the version vector and chain tip.
pub const CHAINS: TableDefinition<[u8; 16], (u64, [u8; 32])> = TableDefinition::new("chains");

// Materialized tables: pure functions of the set of ops applied. `state_hash` digests these.
pub const NODES: TableDefinition<[u8; 16], &[u8]> = TableDefinition::new("nodes");
pub const USERS: TableDefinition<([u8; 16], &str), &[u8]> = TableDefinition::new("users");
pub const CATEGORIES: TableDefinition<&str, &[u8]> = TableDefinition::new("categories");
pub const ARTICLES: TableDefinition<&str, &[u8]> = TableDefinition::new("articles");
/// Revision id → `core::revisions::RevisionEntry`: the op carrying its content, and its maker.
pub const REVISIONS: TableDefinition<[u8; 32], &[u8]> = TableDefinition::new("revisions");
pub const ENROLMENTS: TableDefinition<[u8; 16], &[u8]> = TableDefinition::new("enrolments");
/// Nodes HQ authorized to sign privileged ops → the earliest trust op's HLC.
pub const TRUSTED: TableDefinition<[u8; 16], &[u8]> = TableDefinition::new("trusted");
/// Category roles per person: (node, user name) → encoded `Vec<model::Grant>`.
pub const GRANTS: TableDefinition<([u8; 16], &str), &[u8]> = TableDefinition::new("grants");
/// Nodes whose key HQ revoked → `model::NodeRevocation`.
pub const REVOKED_NODES: TableDefinition<[u8; 16], &[u8]> = TableDefinition::new("revoked_nodes");
/// Glossary entries HQ set (`GlossarySet`), by id → `model::glossary::GlossaryRecord`; laid
/// over the shipped glossary.
pub const GLOSSARY: TableDefinition<&str, &[u8]> = TableDefinition::new("glossary");
/// Two-step evaluation per article: article id → `model::EvaluationRecord` (every submission
/// and vote, and the state their fold reaches).
pub const EVALUATIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("evaluations");
/// HQ's policy numbers: (key, category id or "" for the whole map) → `Stamped<u32>`, the latest
/// op by `(hlc, node)` standing.
pub const POLICIES: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("policies");
/// Freshness per article: article id → `model::FreshnessRecord` (owner, flags, confirmation).
pub const FRESHNESS: TableDefinition<&str, &[u8]> = TableDefinition::new("freshness");
/// Supersessions per superseded article: article id → `Vec<model::Supersession>`, each
/// marked whether it counts (`core/freshness.rs` folds them all together).
pub const SUPERSESSIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("supersessions");
/// Required reading per article: article id → `model::ReadingRecord` (requirements and
/// acknowledgements).
pub const READING: TableDefinition<&str, &[u8]> = TableDefinition::new("reading");
/// Question id → `QuestionRecord` with its answers (`core/market.rs`).
pub const QUESTIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("questions");
/// Answer id → the id of the question it answers (postcard string).
pub const ANSWERS: TableDefinition<&str, &[u8]> = TableDefinition::new("answers");
/// (question or article id, comment id) → `CommentRecord`.
pub const COMMENTS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("comments");
/// (answer or article id, voter's node, voter's name) → `HelpfulVote`.
pub const HELPFUL: TableDefinition<(&str, [u8; 16], &str), &[u8]> = TableDefinition::new("helpful");
/// Communities of practice: name key (`model::community::name_key`) →
/// `model::community::CommunityRecord`.
pub const COMMUNITIES: TableDefinition<&str, &[u8]> = TableDefinition::new("communities");
/// HQ's mileage rules: "rules" → `model::mileage::RulesRecord`, the latest op standing.
pub const MILEAGE_RULES: TableDefinition<&str, &[u8]> = TableDefinition::new("mileage_rules");

// Kept by apply from the articles table (`core/derived.rs`), so that the Knowledge Map and the
// reader never scan it. Functions of the articles table; not digested by `state_hash`.
/// Published articles per (category id, classification): its own category only, not those
/// above it; by classification so that a count never includes what its reader may not see.
pub const PUBLISHED_COUNTS: TableDefinition<(&str, &str), u64> =
    TableDefinition::new("published_counts_by_classification");
/// Drafts per author: (author node, author name, article id) → the draft's (category id,
/// classification).
pub const DRAFTS: TableDefinition<([u8; 16], &str, &str), (&str, &str)> =
    TableDefinition::new("drafts_by_classification");
/// Wiki links of live (not retired) articles: (target id, source id) → `core::derived::LinkFrom`.
pub const LINKS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("links");

// Kept by apply for mileage and statistics (`core/activity.rs`): functions of the set of ops
// applied, like the tables above; not digested by `state_hash`.
/// Contributions: (time in ms, fact id) → `model::mileage::Fact`. Points are never stored:
/// they are these facts times the rules in force.
pub const FACTS: TableDefinition<(u64, [u8; 32]), &[u8]> = TableDefinition::new("facts");
/// What statistics count of each article: id → `core::activity::ArticleSummary`.
pub const ARTICLE_SUMMARIES: TableDefinition<&str, &[u8]> =
    TableDefinition::new("article_summaries");

/// Ops kept in the log but refused by the rules: (node, seq) → `core::Refusal`.
pub const REFUSED: TableDefinition<([u8; 16], u64), &[u8]> = TableDefinition::new("refused");

// Sync bookkeeping, node-local (not part of the state hash).
/// Ops received whose predecessors are missing: (node, seq) → encoded `SignedOp`.
pub const PENDING: TableDefinition<([u8; 16], u64), &[u8]> = TableDefinition::new("pending");
/// Per peer node: what it is known to hold and when bundles last went each way.
pub const PEERS: TableDefinition<[u8; 16], &[u8]> = TableDefinition::new("peers");

/// Attachments' bytes, content-addressed: BLAKE3 → the file. Node-local: a blob arrives with
/// or after the op that names it (`core/attachments.rs`).
pub const BLOBS: TableDefinition<[u8; 32], &[u8]> = TableDefinition::new("blobs");
/// BLAKE3 → the blob's length: which blobs are held, read without reading them.
pub const BLOB_SIZES: TableDefinition<[u8; 32], u64> = TableDefinition::new("blob_sizes");
/// Blobs named by attachments received whose bytes have not arrived: asked for in the next
/// bundle to each peer.
pub const BLOBS_TO_COME: TableDefinition<[u8; 32], ()> = TableDefinition::new("blobs_to_come");
/// Node-local: peer → (when, the highest of this node's own seqs) of the last bundle written
/// for it that carried own ops. Where a question asked here stands (`core/questions.rs`).
pub const OWN_SENT: TableDefinition<[u8; 16], (u64, u64)> = TableDefinition::new("own_sent");
/// (peer, blob) → (): blobs a peer is known to hold (sent to it, or received from it), which
/// no bundle for it carries again.
pub const BLOB_PEERS: TableDefinition<([u8; 16], [u8; 32]), ()> =
    TableDefinition::new("blob_peers");
/// Node-local, per person: (reader's node, reader's name, article id, comment id) → (): the
/// comments on their articles they have seen here (`core/new_comments.rs`). Never in an op.
pub const COMMENTS_SEEN: TableDefinition<([u8; 16], &str, &str, &str), ()> =
    TableDefinition::new("comments_seen");

pub mod meta_keys {
    pub const SCHEMA: &str = "schema_version";
    pub const NODE_ID: &str = "node_id";
    pub const HLC: &str = "hlc";
    pub const LOG_LEN: &str = "log_len";
    /// The node whose enrolments this node trusts: HQ (itself on HQ and on standalone nodes).
    pub const TRUST_ROOT: &str = "trust_root";
    /// Set (1) when a revocation arrived after ops it refuses: the materialized tables are
    /// replayed from the log once the transaction is committed (`core/rematerialize.rs`).
    pub const REPLAY_NEEDED: &str = "replay_needed";
    /// The highest seq of this node's own ops that a peer is known to hold: above the local
    /// tip, this node lost ops of its own (restored from an older copy) and must get them back
    /// before it writes again.
    pub const OWN_SEQ_SEEN: &str = "own_seq_seen";
    /// Set when a peer was found to hold another version of one of this node's own ops: the
    /// seq where the history forked. Nothing more is written here.
    pub const OWN_FORK: &str = "own_fork";
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Encoding owned plain data into a Vec cannot fail.
    postcard::to_stdvec(value).unwrap_or_default()
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    postcard::from_bytes(bytes).map_err(Error::from)
}

/// Reads and decodes one value from a table.
pub fn get<'a, K, T>(
    table: &impl ReadableTable<K, &'static [u8]>,
    key: impl std::borrow::Borrow<K::SelfType<'a>>,
) -> Result<Option<T>>
where
    K: redb::Key + 'static,
    T: DeserializeOwned,
{
    match table.get(key)? {
        Some(guard) => Ok(Some(decode(guard.value())?)),
        None => Ok(None),
    }
}
