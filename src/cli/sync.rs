//! Sync, node and conflict commands.

use super::args::{NodeCommand, SyncCommand};
use super::output::say;
use super::{output, read_body};
use crate::Replica;
use crate::error::{Error, Result};
use crate::model::Hlc;
use crate::sync::{ExportOptions, ImportReport};

pub fn run(replica: &mut Replica, command: SyncCommand) -> Result<i32> {
    match command {
        SyncCommand::Export {
            to,
            out,
            encrypt_to,
            armor,
            max_part_size,
            force,
            no_attachments,
            urgent_only,
            json,
        } => {
            let options = ExportOptions {
                to,
                out,
                encrypt_to,
                armor,
                max_part_size: max_part_size.as_deref().map(parse_size).transpose()?,
                overwrite: force,
                no_attachments,
                urgent_only,
            };
            let report = replica.sync_export(&options)?;
            if json {
                output::json(&report)?;
            } else {
                say!(
                    "Wrote {} ops ({} articles) for {}: {} bytes",
                    report.ops,
                    report.articles,
                    report.peer,
                    report.bytes
                )?;
                if report.blobs > 0 {
                    say!(
                        "  with {} attached files ({} bytes)",
                        report.blobs,
                        report.blob_bytes
                    )?;
                }
                if report.blobs_left > 0 {
                    say!(
                        "  {} attached files left for the next bundle",
                        report.blobs_left
                    )?;
                }
                for f in &report.files {
                    say!("  {}", f.display())?;
                }
            }
            Ok(0)
        }
        SyncCommand::Import {
            files,
            identity,
            dry_run,
            json,
        } => {
            let taken = replica.import_files(&files)?;
            let report = replica.sync_import_with_progress(
                &taken.files,
                identity.as_deref(),
                dry_run,
                &mut super::progress_bar("applying the bundle", 5_000),
            )?;
            if json {
                // The report's shape stays as scripts know it; what was skipped goes to stderr.
                for line in taken.skipped_lines() {
                    eprintln!("skipped: {}", output::field(&line));
                }
                output::json(&report)?;
                return Ok(0);
            }
            let verb = if dry_run { "Would apply" } else { "Applied" };
            say!(
                "{verb} {} new ops from {} ({} already held)",
                report.new_ops,
                output::field(&replica.offices_of(&report.senders)?.join(", ")),
                report.duplicate_ops
            )?;
            id_list("New articles", &report.new_articles)?;
            id_list("Updated articles", &report.updated_articles)?;
            id_list(
                "Conflicts (both versions kept; `outpost resolve ID`)",
                &report.conflicts,
            )?;
            if report.held_back > 0 {
                let why = if report.held_reasons.is_empty() {
                    " for earlier ops that have not arrived yet"
                } else {
                    ":"
                };
                say!("Held back: {} ops wait{why}", report.held_back)?;
                lines(&report.held_reasons)?;
            }
            if report.blobs_received > 0 {
                say!("Received {} attached files", report.blobs_received)?;
            }
            if report.blobs_to_come > 0 {
                say!(
                    "{} attached files have not arrived yet: the next bundle to their sender asks for them",
                    report.blobs_to_come
                )?;
            }
            print_problems(&report)?;
            if !taken.skipped.is_empty() {
                say!("Skipped (not bundles for this node):")?;
                for line in taken.skipped_lines() {
                    say!("  {}", output::field(&line))?;
                }
            }
            if dry_run {
                say!("Dry run: nothing was changed.")?;
            }
            Ok(0)
        }
        SyncCommand::Status { json } => {
            let status = replica.sync_status()?;
            let demo = crate::demo::is_demo_replica(replica);
            if json {
                let mut value = serde_json::to_value(&status)
                    .map_err(|e| Error::invalid(format!("cannot write JSON: {e}")))?;
                if let Some(object) = value.as_object_mut() {
                    object.insert("demo".into(), demo.into());
                }
                output::json(&value)?;
                return Ok(0);
            }
            if demo {
                say!(
                    "This is the demo knowledge base: `outpost init --office NAME` or \
                     `outpost init --from FILE` replaces it (drafts are exported as Markdown first)."
                )?;
            }
            if status.hq == status.node {
                say!("This node is HQ.")?;
            } else {
                let kinds: Vec<String> = status
                    .outbox
                    .iter()
                    .map(|(k, n)| format!("{n} {k}"))
                    .collect();
                say!(
                    "Outbox: {} changes waiting for HQ ({})",
                    status.outbox_total,
                    kinds.join(", ")
                )?;
            }
            for p in &status.peers {
                say!(
                    "{:<24} sent {:<17} received {:<17} {} ops not acknowledged",
                    output::field(&p.office),
                    when(p.last_sent_millis),
                    when(p.last_received_millis),
                    p.unacknowledged
                )?;
            }
            if status.pending > 0 {
                say!("Held back: {} ops wait for earlier ops", status.pending)?;
            }
            if !status.refused.is_empty() {
                say!(
                    "Refused: {} received ops broke the rules and had no effect (`--json` lists them)",
                    status.refused.len()
                )?;
            }
            if let Some(seq) = status.own_fork {
                say!("{}", crate::Error::OwnFork { seq })?;
            } else if let Some(seen) = status.own_changes_missing {
                say!(
                    "This node lacks its own changes up to {seen}, which other nodes hold: export a bundle to HQ and import its reply before writing"
                )?;
            }
            say!("state hash: {}", status.state_hash)?;
            Ok(0)
        }
    }
}

/// How many ids of one kind `sync import` names; `--json` lists them all.
const SHOWN_IDS: usize = 10;

/// `Label (count): a, b, …` with at most [`SHOWN_IDS`] ids, so a bundle of thousands of
/// articles still prints a line a person can read.
fn id_list(label: &str, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let shown: Vec<_> = ids
        .iter()
        .take(SHOWN_IDS)
        .map(|id| output::field(id))
        .collect();
    let more = match ids.len() - shown.len() {
        0 => String::new(),
        n => format!(" and {n} more (`--json` lists them all)"),
    };
    say!("{label} ({}): {}{more}", ids.len(), shown.join(", "))
}

/// What an import refused or could not do, each list cut to [`SHOWN_IDS`] lines.
fn print_problems(report: &ImportReport) -> Result<()> {
    if !report.refused.is_empty() {
        say!(
            "Refused ({}): kept in the log with no effect",
            report.refused.len()
        )?;
        let refused: Vec<String> = report
            .refused
            .iter()
            .map(|r| {
                let article = r.article.as_deref().unwrap_or("-");
                format!(
                    "{} {} by {} ({} #{}): {}",
                    r.kind,
                    output::field(article),
                    output::field(&r.user),
                    output::field(&r.node),
                    r.seq,
                    r.reason
                )
            })
            .collect();
        lines(&refused)?;
    }
    if !report.forks.is_empty() {
        say!("Forks ({}):", report.forks.len())?;
        lines(&report.forks)?;
    }
    if report.fork_skipped > 0 {
        say!(
            "Skipped: {} ops that follow a fork in their node's history",
            report.fork_skipped
        )?;
    }
    if let Some((held, seen)) = report.own_ops_missing {
        say!("{}", crate::Error::LostOwnOps { held, seen })?;
    }
    Ok(())
}

/// Indented lines, at most [`SHOWN_IDS`] of them, then how many more `--json` has.
fn lines(items: &[String]) -> Result<()> {
    for item in items.iter().take(SHOWN_IDS) {
        say!("  {item}")?;
    }
    if items.len() > SHOWN_IDS {
        say!(
            "  and {} more (`--json` lists them all)",
            items.len() - SHOWN_IDS
        )?;
    }
    Ok(())
}

fn when(millis: Option<u64>) -> String {
    millis.map_or_else(
        || "never".to_string(),
        |m| {
            Hlc {
                millis: m,
                counter: 0,
            }
            .display()
        },
    )
}

/// `10M`, `512K`, `1G` or a number of bytes.
pub fn parse_size(text: &str) -> Result<u64> {
    let t = text.trim();
    let (digits, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let factor = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => 0,
    };
    digits
        .parse::<u64>()
        .ok()
        .filter(|_| factor > 0)
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| Error::invalid(format!("`{text}` is not a size: use e.g. 10M, 512K or 1G")))
}

pub fn node(replica: &mut Replica, user: Option<&str>, command: NodeCommand) -> Result<i32> {
    match command {
        NodeCommand::Enrol { office, out } => {
            let user = replica.resolve_user(user)?;
            let bytes = replica.enrol(&user, &office)?;
            write_private(&out, &bytes)?;
            say!(
                "Enrolled {office}: give {} to the post (it holds the post's keys: carry it like a key).",
                out.display()
            )?;
            say!("On the post: outpost init --from {}", out.display())?;
            Ok(0)
        }
        NodeCommand::Trust { node } => {
            let user = replica.resolve_user(user)?;
            let id = replica.trust_node(&user, &node)?;
            say!(
                "Trusted {node} ({}): its administrators may now sign privileged ops.",
                id.short()
            )?;
            Ok(0)
        }
        NodeCommand::Revoke { node } => {
            let user = replica.resolve_user(user)?;
            let (id, after) = replica.revoke_node(&user, &node)?;
            say!(
                "Revoked the key of {node} ({}): its ops after op {after} are refused at every node this reaches. Enrol the post again (`outpost node enrol`) to give it a new key.",
                id.short()
            )?;
            Ok(0)
        }
        NodeCommand::List { json } => {
            let nodes = replica.nodes()?;
            if json {
                output::json(&nodes)?;
            } else {
                for n in &nodes {
                    say!(
                        "{}  {:<24} {}",
                        &n.node[..8],
                        output::field(&n.office),
                        n.role
                    )?;
                }
            }
            Ok(0)
        }
        NodeCommand::Show { node, json } => {
            let info = replica.find_node(&node)?;
            let peer = replica.peer(info.id)?;
            let known: Vec<serde_json::Value> = peer
                .known
                .iter()
                .map(|(n, s)| serde_json::json!({ "node": n.to_string(), "seq": s }))
                .collect();
            let value = serde_json::json!({
                "node": info.id.to_string(),
                "office": info.office,
                "hq": info.hq,
                "public_key": crate::model::ids::to_hex(&info.public_key),
                "age_recipient": info.age_recipient,
                "known_to_hold": known,
                "last_sent": when((peer.last_sent_millis > 0).then_some(peer.last_sent_millis)),
                "last_received": when((peer.last_received_millis > 0).then_some(peer.last_received_millis)),
            });
            if json {
                output::json(&value)?;
            } else {
                say!("{} ({})", output::field(&info.office), info.id)?;
                say!(
                    "  HQ: {}   signing key: {}",
                    info.hq,
                    crate::model::ids::to_hex(&info.public_key)
                )?;
                say!("  age recipient: {}", info.age_recipient)?;
                say!(
                    "  last bundle sent: {}   received: {}",
                    value["last_sent"],
                    value["last_received"]
                )?;
            }
            Ok(0)
        }
    }
}

pub fn conflicts(replica: &Replica, json: bool) -> Result<i32> {
    let list = replica.conflicts()?;
    let mut rows = Vec::new();
    for record in &list {
        let versions: Vec<serde_json::Value> = replica
            .versions(record.id.as_str())?
            .iter()
            .map(|v| {
                serde_json::json!({
                    "revision": v.revision.id().to_string(),
                    "author": v.author,
                    "node": v.node.to_string(),
                    "time": v.hlc.display(),
                    "title": v.revision.content.title,
                })
            })
            .collect();
        rows.push(serde_json::json!({ "id": record.id.to_string(), "title": record.content.title, "versions": versions }));
    }
    if json {
        output::json(&rows)?;
    } else if rows.is_empty() {
        say!("No conflicts.")?;
    } else {
        for row in &rows {
            say!(
                "{}  {}",
                row["id"].as_str().unwrap_or_default(),
                output::field(row["title"].as_str().unwrap_or_default())
            )?;
            for v in row["versions"].as_array().into_iter().flatten() {
                let rev = v["revision"].as_str().unwrap_or_default();
                say!(
                    "    version {}  by {} at {}",
                    &rev[..12.min(rev.len())],
                    output::field(v["author"].as_str().unwrap_or_default()),
                    v["time"].as_str().unwrap_or_default()
                )?;
            }
        }
        say!("Resolve with `outpost resolve ID --take VERSION` or `--body-file FILE`.")?;
    }
    Ok(0)
}

pub fn resolve(
    replica: &mut Replica,
    user: Option<&str>,
    id: &str,
    take: Option<&str>,
    body_file: Option<&str>,
) -> Result<i32> {
    let user = replica.resolve_user(user)?;
    let body = body_file.map(read_body).transpose()?;
    let revision = replica.resolve(&user, id, take, body)?;
    say!("Resolved {id} with revision {}", revision.short())?;
    Ok(0)
}

fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        Error::io(
            format!("cannot create {} (it must not exist yet)", path.display()),
            e,
        )
    })?;
    file.write_all(bytes)
        .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(super::parse_size("10M").ok(), Some(10 << 20));
        assert_eq!(super::parse_size("512k").ok(), Some(512 << 10));
        assert_eq!(super::parse_size("4096").ok(), Some(4096));
        assert!(super::parse_size("ten").is_err());
        assert!(super::parse_size("5X").is_err());
    }
}
