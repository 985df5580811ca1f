//! Where a node keeps its files: `--data-dir`, else `OUTPOST_HOME`, else the platform data dir.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A node's directory: `outpost.redb`, `node.key`, `age.key`, `index/`.
#[derive(Clone, Debug)]
pub struct DataDir(PathBuf);

impl DataDir {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        DataDir(path.into())
    }

    /// `explicit` (from `--data-dir` or `OUTPOST_HOME`), else the platform's data directory.
    pub fn resolve(explicit: Option<PathBuf>) -> Result<Self> {
        if let Some(path) = explicit {
            return Ok(DataDir(path));
        }
        directories::ProjectDirs::from("org", "Outpost", "outpost")
            .map(|dirs| DataDir(dirs.data_dir().to_path_buf()))
            .ok_or_else(|| {
                Error::invalid("no home directory found: pass --data-dir DIR or set OUTPOST_HOME")
            })
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
    pub fn database(&self) -> PathBuf {
        self.0.join("outpost.redb")
    }
    pub fn key(&self) -> PathBuf {
        self.0.join("node.key")
    }
    /// The node's age identity, in age's own format (`age -d -i` reads it).
    pub fn age_key(&self) -> PathBuf {
        self.0.join("age.key")
    }
    pub fn index(&self) -> PathBuf {
        self.0.join("index")
    }
    /// The HS nomenclature's description index (derived from the shipped data).
    pub fn hs_index(&self) -> PathBuf {
        self.0.join("hs-index")
    }

    pub fn is_initialized(&self) -> bool {
        self.database().is_file()
    }

    /// Creates the directory if needed and checks that it is a writable directory.
    pub fn prepare(&self) -> Result<()> {
        let unusable = |reason: String| Error::DataDir {
            path: self.0.clone(),
            reason,
        };
        if self.0.exists() && !self.0.is_dir() {
            return Err(unusable(
                "it is a file, not a directory; pass another --data-dir".into(),
            ));
        }
        std::fs::create_dir_all(&self.0)
            .map_err(|e| unusable(format!("cannot create it ({e})")))?;
        set_mode(&self.0, DIR_MODE)
            .map_err(|e| unusable(format!("cannot make it private ({e})")))?;
        let probe = self.0.join(".outpost-write-test");
        std::fs::write(&probe, b"")
            .and_then(|()| std::fs::remove_file(&probe))
            .map_err(|e| unusable(format!("cannot write in it ({e})")))
    }

    /// Checks an existing node directory before opening it.
    pub fn check_existing(&self) -> Result<()> {
        if self.0.exists() && !self.0.is_dir() {
            return Err(Error::DataDir {
                path: self.0.clone(),
                reason: "it is a file, not a directory; pass another --data-dir".into(),
            });
        }
        if !self.is_initialized() {
            return Err(Error::NotInitialized {
                path: self.0.clone(),
            });
        }
        for warning in self.secure() {
            super::db::notify_wait(&warning);
        }
        Ok(())
    }

    /// Makes the directory (0700) and the key files (0600) private to their owner again where
    /// they are not, and says what it changed (or could not change).
    pub fn secure(&self) -> Vec<String> {
        let mut said = Vec::new();
        for (path, mode) in [
            (self.0.clone(), DIR_MODE),
            (self.key(), KEY_MODE),
            (self.age_key(), KEY_MODE),
        ] {
            let Some(found) = mode_of(&path) else {
                continue;
            };
            if found & 0o777 == mode {
                continue;
            }
            said.push(match set_mode(&path, mode) {
                Ok(()) => format!(
                    "warning: {} was readable by others (mode {:o}); it is now {mode:o}, its owner's only",
                    path.display(),
                    found & 0o777
                ),
                Err(e) => format!(
                    "warning: {} is readable by others (mode {:o}) and could not be made private ({e}): run `chmod {mode:o} {}`",
                    path.display(),
                    found & 0o777,
                    path.display()
                ),
            });
        }
        said
    }
}

/// The data directory's mode: its owner only.
const DIR_MODE: u32 = 0o700;
/// The signing and age key files' mode: readable and writable by their owner only.
const KEY_MODE: u32 = 0o600;

#[cfg(unix)]
fn mode_of(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).ok().map(|m| m.permissions().mode())
}

#[cfg(not(unix))]
fn mode_of(_: &Path) -> Option<u32> {
    None
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}
