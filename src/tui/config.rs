//! The user's settings: `config.toml` in the platform config directory (`~/.config/outpost` on
//! Linux), with key bindings and theme overrides; and the small memory the interface keeps
//! between runs (the last sync path). `Config::parse` is pure; only `load` and `remember_*` do IO.
//!
//! ```toml
//! [keymap]                      # per screen, tried before the shipped bindings
//! reader = [ { on = "<C-d>", run = "page-down" } ]
//! [theme]                       # any of the named styles in theme.rs
//! title = { fg = "yellow", bold = true }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::keymap::{BindingEntry, KeymapFile, ScopeEntries};
use super::theme::StyleSpec;

/// The example shipped beside the keymap, checked by a test like every shipped config.
pub const EXAMPLE: &str = include_str!("../../assets/config.example.toml");

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub keymap: BTreeMap<String, Vec<BindingEntry>>,
    #[serde(default)]
    pub theme: BTreeMap<String, StyleSpec>,
}

impl Config {
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| format!("config.toml: {e}"))
    }

    /// The user's bindings as a keymap file.
    pub fn keymap_file(&self) -> KeymapFile {
        KeymapFile(
            self.keymap
                .iter()
                .map(|(scope, entries)| {
                    (
                        scope.clone(),
                        ScopeEntries {
                            keymap: entries.clone(),
                        },
                    )
                })
                .collect(),
        )
    }

    /// Reads `config.toml` from `dir`; a missing file is the default configuration.
    pub fn load(dir: Option<&Path>) -> Result<Self, String> {
        let Some(path) = dir.map(|d| d.join("config.toml")) else {
            return Ok(Config::default());
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }
}

/// The platform config directory for Outpost, if the platform has one.
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "outpost").map(|d| d.config_dir().to_path_buf())
}

const LAST_SYNC_PATH: &str = "last-sync-path";

/// The path last used on the Sync screen (a USB stick's mount point, usually).
pub fn last_sync_path(dir: Option<&Path>) -> Option<String> {
    let text = std::fs::read_to_string(dir?.join(LAST_SYNC_PATH)).ok()?;
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.to_string())
}

/// Remembers `path` for the next run.
pub fn remember_sync_path(dir: Option<&Path>, path: &str) -> std::io::Result<()> {
    let Some(dir) = dir else { return Ok(()) };
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(LAST_SYNC_PATH), format!("{path}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::Keymap;
    use crate::tui::theme::Theme;

    #[test]
    fn every_shipped_config_parses() {
        let example = Config::parse(EXAMPLE).expect("assets/config.example.toml parses");
        Keymap::load(&example.keymap_file()).expect("its bindings resolve");
        Theme::new(&example.theme, false).expect("its theme applies");
        Keymap::load(&KeymapFile::default()).expect("assets/keymap.toml parses");
        assert!(Config::parse("").expect("empty config") == Config::default());
    }

    #[test]
    fn unknown_settings_and_bad_bindings_are_refused_with_a_reason() {
        assert!(Config::parse("[colours]\n").is_err());
        let bad = Config::parse("[keymap]\nreader = [ { on = \"<C-d>\", run = \"fly\" } ]\n")
            .expect("parses");
        let err = Keymap::load(&bad.keymap_file()).expect_err("unknown action");
        assert!(err.contains("fly"), "{err}");
    }

    #[test]
    fn a_user_binding_wins_over_the_shipped_one() {
        use crate::tui::keymap::{Action, Key, Scope};
        let config = Config::parse("[keymap]\nreader = [ { on = \"j\", run = \"page-down\" } ]\n")
            .expect("parses");
        let keymap = Keymap::load(&config.keymap_file()).expect("resolves");
        let j = Key::parse("j").expect("key");
        assert_eq!(keymap.resolve(Scope::Reader, j), Some(Action::PageDown));
    }

    #[test]
    fn the_last_sync_path_is_remembered() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(last_sync_path(Some(dir.path())), None);
        remember_sync_path(Some(dir.path()), "/media/usb").expect("write");
        assert_eq!(
            last_sync_path(Some(dir.path())).as_deref(),
            Some("/media/usb")
        );
    }
}
