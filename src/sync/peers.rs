//! Whom this node writes bundles for, and the names bundles get in a folder. A post writes for
//! HQ; HQ writes for each post, so it must pick one: the list says what each one lacks.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::Replica;
use crate::error::Result;
use crate::model::NodeId;

/// A node this one can write a bundle for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportPeer {
    pub node: String,
    pub office: String,
    /// Changes held here that the peer is not known to hold.
    pub lacks: u64,
}

impl Replica {
    /// The nodes this node writes bundles for, by office: HQ on a post; every post (enrolled
    /// or heard from) on HQ.
    pub fn export_peers(&self) -> Result<Vec<ExportPeer>> {
        let hq = self.hq_node()?;
        let mut peers = Vec::new();
        for row in self.nodes()? {
            let Ok(id) = row.node.parse::<NodeId>() else {
                continue;
            };
            let wanted = if self.node == hq {
                id != self.node
            } else {
                id == hq
            };
            if wanted {
                peers.push(ExportPeer {
                    lacks: self.ops_missing_at(id)?.len() as u64,
                    node: row.node,
                    office: row.office,
                });
            }
        }
        peers.sort_by(|a, b| a.office.cmp(&b.office).then(a.node.cmp(&b.node)));
        Ok(peers)
    }
}

/// A new bundle's path in `dir`: `FROM-to-PEER-DATE-N.bundle` (offices in lower case, other
/// characters as `-`), with the first `N` from 1 that names no file yet, so a bundle still on
/// the stick is never replaced.
pub fn bundle_path(dir: &Path, from: &str, to: &str, date: &str) -> PathBuf {
    let stem = format!("{}-to-{}-{date}", slug(from), slug(to));
    (1u32..)
        .map(|n| dir.join(format!("{stem}-{n}.bundle")))
        .find(|p| !p.exists() && std::fs::symlink_metadata(p).is_err())
        .unwrap_or_else(|| dir.join(format!("{stem}.bundle")))
}

fn slug(office: &str) -> String {
    let s: String = office
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "node".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_name_names_both_offices_and_the_date_and_never_an_existing_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = bundle_path(dir.path(), "Mae Sai", "HQ", "2026-12-05");
        assert_eq!(
            first.file_name().and_then(|n| n.to_str()),
            Some("mae-sai-to-hq-2026-12-05-1.bundle")
        );
        std::fs::write(&first, b"undelivered").expect("write");
        let second = bundle_path(dir.path(), "Mae Sai", "HQ", "2026-12-05");
        assert_eq!(
            second.file_name().and_then(|n| n.to_str()),
            Some("mae-sai-to-hq-2026-12-05-2.bundle")
        );
    }
}
