//! Outpost: an offline knowledge base for customs officers at remote border posts.
//!
//! The library holds every capability; the binary's CLI and TUI only call [`core::Replica`].
//! Changes are signed operations ([`model::Op`]) appended to a log in redb and applied to
//! materialized tables in the same transaction; the tantivy index is derived from that log.

pub mod cli;
pub mod contain;
pub mod core;
pub mod demo;
pub mod error;
pub mod glossary;
pub mod html;
pub mod markdown;
pub mod model;
pub mod nomenclature;
pub mod search;
pub mod store;
pub mod sync;
pub mod tui;

pub use core::Replica;
pub use error::{Error, Result};
