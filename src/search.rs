//! Full-text search: the tantivy schema, the analyzer, keeping the index in step with the op
//! log, and running queries. The index is a cache derived from redb; it can always be rebuilt.

mod analyzer;
mod index;
mod query;
mod schema;

pub use index::{IndexState, SearchIndex};
pub use query::{SearchHit, SearchRequest, Snippet};
