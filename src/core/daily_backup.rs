//! The interface's daily backup: a backup into a chosen directory when the latest one there is
//! a day old or more, keeping the newest `keep`. Files are named
//! `outpost-NODE-YYYYMMDD-HHMMSS.backup` (the node's short id, the time in UTC), so the newest
//! is found by name, whatever the files' dates on a USB stick say; other files are left alone.

use std::path::{Path, PathBuf};

use crate::core::{BackupReport, Replica};
use crate::error::{Error, Result};

const DAY_MILLIS: u64 = 24 * 60 * 60 * 1000;
const STAMP: &str = "%Y%m%d-%H%M%S";

/// What [`Replica::daily_backup`] did.
#[derive(Clone, Debug)]
pub struct DailyBackup {
    /// The backup made now, when one was due.
    pub made: Option<BackupReport>,
    /// The newest backup in the directory (the one just made, if any) and when it was made.
    pub latest: Option<(PathBuf, u64)>,
    /// Older backups removed to keep the newest `keep`.
    pub removed: Vec<PathBuf>,
}

impl Replica {
    /// Backs the node up into `dir` if its newest backup there is a day old or more (or there is
    /// none), then removes all but the newest `keep` (at least one) of this node's backups.
    pub fn daily_backup(&self, dir: &Path, keep: usize) -> Result<DailyBackup> {
        let now = self.now_millis();
        let prefix = format!("outpost-{}-", self.node_id().short());
        let mut found = backups_in(dir, &prefix)?;
        let due = found
            .last()
            .is_none_or(|(_, made)| now.saturating_sub(*made) >= DAY_MILLIS);
        let mut made = None;
        if due {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
            let stamp = timestamp(now).strftime(STAMP).to_string();
            let path = dir.join(format!("{prefix}{stamp}.backup"));
            made = Some(self.backup(&path, true)?);
            found.retain(|(p, _)| *p != path);
            found.push((path, now));
        }
        let excess = found.len().saturating_sub(keep.max(1));
        let mut removed = Vec::new();
        for (path, _) in found.drain(..excess) {
            std::fs::remove_file(&path)
                .map_err(|e| Error::io(format!("cannot remove {}", path.display()), e))?;
            removed.push(path);
        }
        Ok(DailyBackup {
            made,
            latest: found.pop(),
            removed,
        })
    }
}

fn timestamp(millis: u64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(i64::try_from(millis).unwrap_or(i64::MAX))
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// This node's backups in `dir` (named `PREFIX` + time + `.backup`), oldest first. A missing
/// directory holds none.
fn backups_in(dir: &Path, prefix: &str) -> Result<Vec<(PathBuf, u64)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(format!("cannot read {}", dir.display()), e)),
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let stamp = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(".backup"));
        let made = stamp
            .and_then(|s| jiff::civil::DateTime::strptime(STAMP, s).ok())
            .and_then(|t| t.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .and_then(|z| u64::try_from(z.timestamp().as_millisecond()).ok());
        if let Some(made) = made {
            found.push((entry.path(), made));
        }
    }
    found.sort_by_key(|(_, made)| *made);
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::core::{Clock, FixedClock, InitOptions};

    const HOUR: u64 = 60 * 60 * 1000;

    #[test]
    fn a_backup_is_made_once_a_day_and_the_newest_are_kept() -> Result<()> {
        let clock = Arc::new(FixedClock::new(1_793_491_200_000));
        let replica = Replica::create_in_memory(&InitOptions::new("Mae Sai"), clock.clone())?;
        let tmp = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
        let dir = tmp.path().join("backups");
        let other = tmp.path().join("notes.txt");
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("dir", e))?;
        std::fs::write(dir.join("notes.txt"), "kept").map_err(|e| Error::io("write", e))?;

        let first = replica.daily_backup(&dir, 3)?;
        assert!(first.made.is_some());
        let (path, made) = first.latest.clone().expect("latest");
        assert_eq!(made, clock.now_millis());
        assert!(
            path.to_string_lossy().ends_with("-20261101-000000.backup"),
            "{path:?}"
        );

        // Within the day: nothing new, the same latest.
        clock.advance(23 * HOUR);
        let again = replica.daily_backup(&dir, 3)?;
        assert!(again.made.is_none());
        assert_eq!(again.latest, first.latest);

        // A day after the last one, one a day; past three, the oldest go.
        let mut removed = Vec::new();
        for _ in 0..4 {
            clock.advance(25 * HOUR);
            let day = replica.daily_backup(&dir, 3)?;
            assert!(day.made.is_some());
            removed.extend(day.removed);
        }
        assert_eq!(removed.len(), 2);
        assert!(removed.contains(&path), "the first went first");
        let left = backups_in(&dir, &format!("outpost-{}-", replica.node_id().short()))?;
        assert_eq!(left.len(), 3);
        assert!(dir.join("notes.txt").exists() && !other.exists());
        Ok(())
    }
}
