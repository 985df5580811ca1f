//! Shared helpers for the integration tests.

use std::sync::Arc;

use outpost::Replica;
use outpost::core::{FixedClock, InitOptions, NewArticle};
use outpost::model::{ArticleContent, User};

/// 2026-11-01T00:00:00Z
pub const T0: u64 = 1_793_491_200_000;

pub fn replica(office: &str, hq: bool) -> Replica {
    let options = InitOptions {
        office: office.into(),
        hq,
        admin: "admin".into(),
    };
    Replica::create_in_memory(&options, Arc::new(FixedClock::new(T0))).expect("in-memory node")
}

pub fn admin(replica: &Replica) -> User {
    replica.resolve_user(Some("admin")).expect("admin account")
}

pub fn content(title: &str, category: &str, body: &str) -> ArticleContent {
    ArticleContent::new(title, category, body)
}

pub fn new_article(content: ArticleContent, publish: bool) -> NewArticle {
    NewArticle {
        id: None,
        content,
        publish,
    }
}

/// A copy of `from` (a node's data dir) in `to`.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("read") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
