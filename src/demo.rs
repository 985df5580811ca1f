//! The demo knowledge shipped in `assets/demo/`: realistic articles a new user can search at
//! once. Loaded by `outpost init --demo` and by plain `outpost` on an empty data directory.

use include_dir::{Dir, include_dir};

use crate::core::{ImportReport, InitOptions, Replica};
use crate::error::Result;
use crate::model::User;

static DEMO: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/assets/demo");

/// The demo articles as (file name, bytes).
pub fn files() -> Vec<(String, Vec<u8>)> {
    DEMO.files()
        .filter(|f| f.path().extension().is_some_and(|x| x == "md"))
        .map(|f| {
            (
                f.path().to_string_lossy().into_owned(),
                f.contents().to_vec(),
            )
        })
        .collect()
}

/// Loads the demo articles as `user`. On an HQ node they are published; elsewhere they stay
/// drafts of `user` (only HQ may publish directly).
pub fn load(replica: &mut Replica, user: &User) -> Result<ImportReport> {
    let publish = replica.node_info()?.hq && user.role == crate::model::Role::Admin;
    replica.import_markdown_files(user, files(), publish)
}

/// How the node made by plain `outpost` on an empty data directory is set up.
pub fn demo_node_options() -> InitOptions {
    InitOptions {
        office: "Demo HQ".into(),
        hq: true,
        admin: "admin".into(),
    }
}
