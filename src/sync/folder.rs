//! A folder given to import — a USB stick's mount point — holds bundles beside other files: the
//! enrolment file, photos, notes, bundles written for other posts. Every bundle and part for
//! this node is taken (parts are joined later by `transport::assemble`); everything else is
//! skipped and named with the reason, so nothing is imported by surprise and nothing fails
//! because a photo sits next to a bundle.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::bundle::{BundleHeader, MAGIC, MAX_HEADER};
use super::transport;
use crate::Replica;
use crate::error::{Error, Result};
use crate::model::NodeId;

/// The enrolment file's format marker (`sync::enrol`).
const ENROLMENT_MAGIC: &[u8] = b"OUTPOSTE";
/// How much of a file is looked at to tell what it is (an armoured age file may start with
/// blank lines; a part's header line is under 256 bytes).
const PREFIX: usize = 512;

/// A file of a folder that import leaves alone, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// What import takes from the paths it was given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportFiles {
    /// Bundles, parts and encrypted bundles, folders' files sorted by name.
    pub files: Vec<PathBuf>,
    pub skipped: Vec<Skipped>,
}

impl ImportFiles {
    /// `path — reason` per skipped file, for a report.
    pub fn skipped_lines(&self) -> Vec<String> {
        self.skipped
            .iter()
            .map(|s| format!("{} — {}", s.path.display(), s.reason))
            .collect()
    }
}

impl Replica {
    /// The files to import for `paths`: a file is taken as given (and refused later if it is
    /// not a bundle); a folder gives its bundles, parts and encrypted files, and its other
    /// files are skipped with the reason. A folder holding no bundle is an error that lists
    /// what it holds.
    pub fn import_files(&self, paths: &[PathBuf]) -> Result<ImportFiles> {
        let mut out = ImportFiles::default();
        for path in paths {
            if !path.is_dir() {
                out.files.push(path.clone());
                continue;
            }
            let found = self.scan_folder(path)?;
            if found.files.is_empty() {
                let held: Vec<String> = found.skipped_lines();
                return Err(Error::invalid(format!(
                    "{} holds no bundle for this node{}: bundles are the files `outpost sync export` writes",
                    path.display(),
                    if held.is_empty() {
                        " (it is empty)".to_string()
                    } else {
                        format!(" (skipped: {})", held.join("; "))
                    }
                )));
            }
            out.files.extend(found.files);
            out.skipped.extend(found.skipped);
        }
        Ok(out)
    }

    /// Node ids (as an import report names senders, short or whole) as their offices; an id
    /// this node does not know stays as it is.
    pub fn offices_of(&self, ids: &[String]) -> Result<Vec<String>> {
        let nodes = self.nodes()?;
        Ok(ids
            .iter()
            .map(|id| {
                nodes
                    .iter()
                    .find(|n| !id.is_empty() && n.node.starts_with(id.as_str()))
                    .map_or_else(|| id.clone(), |n| n.office.clone())
            })
            .collect())
    }

    fn scan_folder(&self, dir: &Path) -> Result<ImportFiles> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(format!("cannot read the folder {}", dir.display()), e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        let offices: std::collections::BTreeMap<String, String> = self
            .nodes()?
            .into_iter()
            .map(|n| (n.node, n.office))
            .collect();
        let mut out = ImportFiles::default();
        for path in entries {
            match self.classify(&path, &offices) {
                None => out.files.push(path),
                Some(reason) => out.skipped.push(Skipped { path, reason }),
            }
        }
        Ok(out)
    }

    /// `None` for a file to import, else why it is skipped.
    fn classify(
        &self,
        path: &Path,
        offices: &std::collections::BTreeMap<String, String>,
    ) -> Option<String> {
        if path.is_dir() {
            return Some("a folder (not looked into)".into());
        }
        let prefix = match read_prefix(path, PREFIX) {
            Ok(p) => p,
            Err(e) => return Some(format!("cannot be read ({e})")),
        };
        if prefix.starts_with(MAGIC) {
            return match recipient(path, &prefix) {
                Some(to) if to != self.node => {
                    let id = to.to_string();
                    let office = offices.get(&id).cloned().unwrap_or_else(|| to.short());
                    Some(format!("a bundle for {office}, not for this node"))
                }
                _ => None,
            };
        }
        if transport::is_part(&prefix) || transport::is_encrypted(&prefix) {
            return None;
        }
        if prefix.starts_with(ENROLMENT_MAGIC) {
            return Some("an enrolment file (it starts a new post: `outpost init --from`)".into());
        }
        Some("not a bundle".into())
    }
}

fn read_prefix(path: &Path, len: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(len);
    std::fs::File::open(path)?
        .take(len as u64)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The recipient named in a plain bundle's header, when the header reads; a bundle whose
/// header does not is left to import, which says what is wrong with it.
fn recipient(path: &Path, prefix: &[u8]) -> Option<NodeId> {
    let len = u32::from_le_bytes(prefix.get(10..14)?.try_into().ok()?);
    if len > MAX_HEADER {
        return None;
    }
    let bytes = read_prefix(path, 14 + len as usize).ok()?;
    let header: BundleHeader = postcard::from_bytes(bytes.get(14..)?).ok()?;
    Some(header.recipient)
}
