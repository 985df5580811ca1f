//! Full-text search: the tantivy schema, the analyzer, keeping the index in step with the op
//! log, and running queries. The index is a cache derived from redb; it can always be rebuilt.

pub mod analyzer;
mod expand;
pub mod hs_search;
mod index;
mod query;
pub mod query_language;
mod questions;
mod schema;
pub mod snippet;
pub mod thai_fold;
mod top;
mod typo;

pub use hs_search::{HsMatch, HsSearch};
pub use index::{IndexState, SearchIndex};
pub use query::{Correction, Found, SearchHit, SearchRequest, hs_prefix};
pub use questions::{IndexedQuestion, QUESTION_KIND, SearchKind};
pub use snippet::Snippet;
