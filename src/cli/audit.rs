//! `outpost audit`: the signed log as who did what, when, from which node, under which key.

use super::output::{self, say};
use crate::core::{AuditFilter, Replica, parse_since};
use crate::error::Result;

pub fn audit(
    replica: &Replica,
    article: Option<String>,
    user: Option<String>,
    since: Option<&str>,
    json: bool,
) -> Result<i32> {
    let filter = AuditFilter {
        article,
        user,
        since_millis: since.map(parse_since).transpose()?,
    };
    let entries = replica.audit(&filter)?;
    if json {
        output::json(&entries)?;
        return Ok(0);
    }
    for e in &entries {
        let refused = match &e.refused {
            Some(why) => format!("   REFUSED: {why}"),
            None => String::new(),
        };
        say!(
            "{}  {:<24} {} #{} key {}  {}{}",
            e.time,
            output::field(&e.who),
            &e.node[..8.min(e.node.len())],
            e.seq,
            e.key,
            output::field(&e.what),
            output::field(&refused)
        )?;
    }
    if entries.is_empty() {
        say!("No ops match.")?;
    }
    Ok(0)
}
