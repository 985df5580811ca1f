//! `attach`, `detach`, `attachments` and `open`: attachments over the core's functions.

use std::path::Path;

use super::output::{self, say};
use crate::Replica;
use crate::error::{Error, Result};
use crate::model::TextStatus;

pub fn attach(
    replica: &mut Replica,
    user: Option<&str>,
    id: &str,
    files: &[std::path::PathBuf],
    caption: &str,
) -> Result<i32> {
    let user = replica.resolve_user(user)?;
    for path in files {
        let a = replica.attach_file(&user, id, path, caption)?;
        let note = match a.text_status {
            TextStatus::Extracted => ", its text searchable",
            TextStatus::Truncated => ", the start of its text searchable (it is long)",
            TextStatus::Unreadable => ", its text could not be read (not searchable)",
            TextStatus::None => "",
        };
        say!(
            "Attached {} to {id}: {}, {} bytes{note}",
            output::field(&a.name),
            a.mime,
            a.size
        )?;
    }
    Ok(0)
}

pub fn detach(replica: &mut Replica, user: Option<&str>, id: &str, name: &str) -> Result<i32> {
    let user = replica.resolve_user(user)?;
    replica.detach(&user, id, name)?;
    say!("Removed {} from {id}", output::field(name))?;
    Ok(0)
}

pub fn list(replica: &Replica, id: &str, json: bool) -> Result<i32> {
    let items = replica.attachments(id)?;
    if json {
        output::json(&items)?;
        return Ok(0);
    }
    if items.is_empty() {
        say!("{id} has no attachments")?;
    }
    for a in &items {
        let state = if a.present { "" } else { "  (to come)" };
        say!(
            "{}\t{}\t{} bytes\t{}{state}",
            output::field(&a.name),
            a.mime,
            a.size,
            output::field(&a.caption)
        )?;
    }
    Ok(0)
}

/// Writes the attachment to `out`, or to a temporary file handed to the system's viewer.
pub fn open(replica: &Replica, id: &str, name: &str, out: Option<&Path>) -> Result<i32> {
    let (attachment, bytes) = replica.attachment_bytes(id, name)?;
    if let Some(out) = out {
        crate::sync::exchange::write_atomically(out, &bytes, true)?;
        say!("Wrote {} ({} bytes)", out.display(), bytes.len())?;
        return Ok(0);
    }
    let dir = std::env::temp_dir().join("outpost-attachments");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
    // The blob's hash keeps two attachments of one name apart; the name keeps its extension.
    let path = dir.join(format!("{}-{}", attachment.blob.short(), attachment.name));
    crate::sync::exchange::write_atomically(&path, &bytes, true)?;
    let viewer = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    match std::process::Command::new(viewer).arg(&path).spawn() {
        Ok(_) => say!("Opened {}", path.display())?,
        Err(_) => say!(
            "Wrote {} (no viewer found: open it with your image or PDF viewer)",
            path.display()
        )?,
    }
    Ok(0)
}
