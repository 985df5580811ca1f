//! The demo knowledge shipped in `assets/demo/`: realistic articles a new user can search at
//! once. Loaded by `outpost init --demo` and by plain `outpost` on an empty data directory.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::core::{ArticleFilter, DataDir, ImportReport, InitOptions, Replica};
use crate::error::{Error, Result};
use crate::model::{Status, User};

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

/// Makes the demo node in `dir` (plain `outpost` on an empty data directory): a demo HQ with
/// the demo articles, marked as the demo.
pub fn create(dir: &DataDir) -> Result<Replica> {
    let options = demo_node_options();
    let mut replica = Replica::create(dir, &options)?;
    let user = replica.resolve_user(Some(&options.admin))?;
    load(&mut replica, &user)?;
    mark(dir)?;
    Ok(replica)
}

/// The file that marks a data directory as holding the demo node (made by plain `outpost` on
/// an empty data directory), so that `init` may replace it and the interface can say so.
const DEMO_MARK: &str = "demo-node";

/// Marks `dir`'s node as the demo.
pub fn mark(dir: &DataDir) -> Result<()> {
    let path = dir.path().join(DEMO_MARK);
    std::fs::write(
        &path,
        "This node is Outpost's demo knowledge base. `outpost init --office NAME` or \
         `outpost init --from FILE` replaces it; drafts written in it are exported as Markdown first.\n",
    )
    .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
}

/// Whether `dir` holds the demo node.
pub fn is_demo(dir: &DataDir) -> bool {
    dir.is_initialized() && dir.path().join(DEMO_MARK).is_file()
}

/// Whether `replica` is the demo node.
pub fn is_demo_replica(replica: &Replica) -> bool {
    replica.data_dir().is_some_and(is_demo)
}

/// What replacing the demo kept.
#[derive(Debug, PartialEq, Eq)]
pub struct Replaced {
    /// Where the demo's drafts were written as Markdown, when it held any.
    pub drafts: Option<(PathBuf, usize)>,
}

/// Removes the demo node from `dir` so a real one can be made there, after writing every draft
/// written in it as Markdown into a new folder beside the data directory
/// (`outpost-demo-drafts`, `-2`, …). Refuses a directory that does not hold the demo. If the
/// drafts cannot be written, nothing is removed.
pub fn replace(dir: &DataDir) -> Result<Replaced> {
    if !is_demo(dir) {
        return Err(Error::invalid(format!(
            "{} does not hold the demo knowledge base; nothing was replaced",
            dir.path().display()
        )));
    }
    let replica = Replica::open(dir)?;
    let filter = ArticleFilter {
        status: Some(Status::Draft),
        all_drafts: true,
        ..Default::default()
    };
    let drafts = replica.list_articles(&filter)?;
    let kept = if drafts.is_empty() {
        None
    } else {
        let parent = dir.path().parent().unwrap_or_else(|| Path::new("."));
        let folder = (1u32..)
            .map(|n| match n {
                1 => parent.join("outpost-demo-drafts"),
                n => parent.join(format!("outpost-demo-drafts-{n}")),
            })
            .find(|p| !p.exists())
            .unwrap_or_else(|| parent.join("outpost-demo-drafts"));
        std::fs::create_dir_all(&folder)
            .map_err(|e| Error::io(format!("cannot create {}", folder.display()), e))?;
        for record in &drafts {
            let path = crate::core::export_path(&folder, record.id.as_str())?;
            std::fs::write(&path, crate::markdown::render(record))
                .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
        }
        Some((folder, drafts.len()))
    };
    drop(replica);
    for path in [dir.database(), dir.key(), dir.age_key()] {
        remove(&path, |p| std::fs::remove_file(p))?;
    }
    for path in [dir.index(), dir.hs_index()] {
        remove(&path, |p| std::fs::remove_dir_all(p))?;
    }
    remove(&dir.path().join(DEMO_MARK), |p| std::fs::remove_file(p))?;
    Ok(Replaced { drafts: kept })
}

fn remove(path: &Path, how: impl Fn(&Path) -> std::io::Result<()>) -> Result<()> {
    match how(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(format!("cannot remove {}", path.display()), e)),
    }
}
