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

/// Minutes without a key before the screen locks, unless the config file says otherwise.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 15;

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub keymap: BTreeMap<String, Vec<BindingEntry>>,
    #[serde(default)]
    pub theme: BTreeMap<String, StyleSpec>,
    /// Minutes without a key before the screen locks behind sign-in (0: never; default 15).
    /// Only a node that asks for sign-in locks.
    #[serde(default)]
    pub idle_lock_minutes: Option<u32>,
    #[serde(default)]
    pub backup: BackupConfig,
}

/// The daily automatic backup (`[backup]`): off until `dir` is set. When the interface starts
/// and the newest backup in `dir` is a day old or more, it writes one there, keeping the newest
/// `keep` (docs/backup.md).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BackupConfig {
    pub dir: Option<PathBuf>,
    #[serde(default = "BackupConfig::default_keep")]
    pub keep: usize,
}

impl BackupConfig {
    fn default_keep() -> usize {
        7
    }
}

impl Default for BackupConfig {
    fn default() -> Self {
        BackupConfig {
            dir: None,
            keep: Self::default_keep(),
        }
    }
}

impl Config {
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| format!("config.toml: {e}"))
    }

    /// How long without a key before the screen locks; `None`: never.
    pub fn idle_lock(&self) -> Option<std::time::Duration> {
        match self.idle_lock_minutes.unwrap_or(DEFAULT_IDLE_LOCK_MINUTES) {
            0 => None,
            m => Some(std::time::Duration::from_secs(u64::from(m) * 60)),
        }
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

const SYNC_PATHS: &str = "sync-paths";

/// Which of the Sync screen's paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Export,
    Import,
}

impl Direction {
    fn name(self) -> &'static str {
        match self {
            Direction::Export => "export",
            Direction::Import => "import",
        }
    }
}

/// The path last used on the Sync screen by `node` in `direction` (a USB stick's mount point,
/// usually). Kept per node, since one account may run several nodes, and per direction.
pub fn sync_path(dir: Option<&Path>, node: &str, direction: Direction) -> Option<String> {
    let text = std::fs::read_to_string(dir?.join(SYNC_PATHS)).ok()?;
    text.lines().find_map(|line| {
        let mut fields = line.splitn(3, ' ');
        let (n, d, path) = (fields.next()?, fields.next()?, fields.next()?);
        (n == node && d == direction.name() && !path.is_empty()).then(|| path.to_string())
    })
}

/// Remembers `path` for `node` and `direction`, keeping every other node's and direction's.
pub fn remember_sync_path(
    dir: Option<&Path>,
    node: &str,
    direction: Direction,
    path: &str,
) -> std::io::Result<()> {
    let Some(dir) = dir else { return Ok(()) };
    std::fs::create_dir_all(dir)?;
    let file = dir.join(SYNC_PATHS);
    let old = std::fs::read_to_string(&file).unwrap_or_default();
    let key = format!("{node} {} ", direction.name());
    let mut text: String = old
        .lines()
        .filter(|l| !l.starts_with(&key))
        .map(|l| format!("{l}\n"))
        .collect();
    // A path is one line: a line break in it would split the record.
    text.push_str(&format!("{key}{}\n", path.replace(['\n', '\r'], " ")));
    std::fs::write(file, text)
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
    fn the_daily_backup_is_off_until_a_directory_is_set() {
        assert_eq!(Config::default().backup.dir, None);
        let on = Config::parse("[backup]\ndir = \"/media/usb/outpost\"\n").expect("parses");
        assert_eq!(on.backup.dir, Some(PathBuf::from("/media/usb/outpost")));
        assert_eq!(on.backup.keep, 7);
        let kept = Config::parse("[backup]\ndir = \"b\"\nkeep = 3\n").expect("parses");
        assert_eq!(kept.backup.keep, 3);
        assert!(Config::parse("[backup]\nevery = \"day\"\n").is_err());
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
    fn sync_paths_are_remembered_per_node_and_per_direction() {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = Some(dir.path());
        assert_eq!(sync_path(d, "aa", Direction::Export), None);
        remember_sync_path(d, "aa", Direction::Export, "/media/usb").expect("write");
        remember_sync_path(d, "aa", Direction::Import, "/media/usb/from-hq").expect("write");
        remember_sync_path(d, "bb", Direction::Export, "/home/demo").expect("write");
        remember_sync_path(d, "aa", Direction::Export, "/media/stick").expect("write");
        assert_eq!(
            sync_path(d, "aa", Direction::Export).as_deref(),
            Some("/media/stick")
        );
        assert_eq!(
            sync_path(d, "aa", Direction::Import).as_deref(),
            Some("/media/usb/from-hq")
        );
        assert_eq!(
            sync_path(d, "bb", Direction::Export).as_deref(),
            Some("/home/demo")
        );
        assert_eq!(sync_path(d, "bb", Direction::Import), None);
    }
}
