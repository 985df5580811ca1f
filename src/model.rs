//! Plain domain data: articles, revisions, operations, categories, users. No IO here.

pub mod article;
pub mod attachment;
pub mod category;
pub mod community;
pub mod evaluation;
pub mod freshness;
pub mod glossary;
pub mod hlc;
pub mod hs;
pub mod ids;
pub mod market;
pub mod mileage;
pub mod node;
pub mod op;
pub mod user;
pub mod validate;

pub use article::{
    ArticleContent, ArticleRecord, Author, Classification, Kind, Lang, Proposal, Revision,
    RevisionRecord, Stamped, Status, StatusStamp,
};
pub use attachment::{Attachment, AttachmentSlot, TextStatus};
pub use category::{Category, KnowledgeMap};
pub use evaluation::{EvalAction, EvalEntry, EvalState, EvaluationRecord, Verdict};
pub use freshness::{
    Acknowledgement, Audience, Flag, FreshnessRecord, Mark, ReadingRecord, Requirement,
    Supersession,
};
pub use glossary::GlossaryEntry;
pub use hlc::Hlc;
pub use hs::HsCode;
pub use ids::{ArticleId, Hash, NodeId};
pub use node::{CategoryRecord, Enrolment, NodeInfo};
pub use op::{Op, Payload, SignatureBytes, SignedOp};
pub use user::{Grant, NodeRevocation, Role, User, UserChange};
