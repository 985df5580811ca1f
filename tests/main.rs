//! Integration tests: through the library (`core_*`) and through the binary (`cli_*`).

mod clearance;
mod cli;
mod cli_demo;
mod cli_sync;
mod common;
mod core_articles;
mod core_bulk;
mod core_markdown;
mod faults;
mod faults_storage;
mod hostile_cli;
mod hostile_files;
mod read_only;
mod schema_fixtures;
mod search_language;
mod search_quality;
mod security_ops;
mod security_restore;
mod sync_cancel;
mod sync_convergence;
mod sync_flow;
mod sync_golden;
mod sync_import_crash;
mod sync_interop;
mod tui_e2e;
