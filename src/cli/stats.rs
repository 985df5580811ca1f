//! `outpost stats [--since DATE] [--html FILE] [--json]`: the knowledge-management figures.

use std::collections::BTreeMap;
use std::path::Path;

use super::output::{self, say};
use crate::core::{Replica, Stats, StatsFilter, parse_since};
use crate::error::Result;

pub fn run(
    replica: &Replica,
    acting: Option<&str>,
    since: Option<&str>,
    html: Option<&Path>,
    json: bool,
) -> Result<i32> {
    let filter = StatsFilter {
        since_millis: since.map(parse_since).transpose()?,
    };
    let viewer = replica.resolve_user(acting).ok();
    let stats = match html {
        Some(path) => {
            let stats = replica.write_stats_html(&filter, viewer.as_ref(), path)?;
            if !json {
                say!("Wrote {}", path.display())?;
            }
            stats
        }
        None => replica.stats(&filter, viewer.as_ref())?,
    };
    if json {
        output::json(&stats)?;
    } else if html.is_none() {
        print_text(&stats)?;
    }
    Ok(0)
}

fn counts(title: &str, map: &BTreeMap<String, u64>) -> Result<()> {
    say!("  {title}:")?;
    for (k, n) in map {
        say!("    {:<36} {n:>7}", output::field(k))?;
    }
    Ok(())
}

fn print_text(s: &Stats) -> Result<()> {
    let a = &s.articles;
    say!("Articles: {} ({} past their review date)", a.total, a.stale)?;
    counts("by category", &a.by_category)?;
    counts("by office", &a.by_office)?;
    counts("by status", &a.by_status)?;
    counts("by month written", &a.by_month)?;
    say!("Contributions:")?;
    counts("by office", &s.contributions.by_office)?;
    counts("by person", &s.contributions.by_person)?;
    counts("by kind", &s.contributions.by_kind)?;
    let q = &s.questions;
    let hours = q
        .median_hours_to_answer
        .map_or("-".to_string(), |h| format!("{h:.1}"));
    say!(
        "Questions: {} asked, {} answered, median {hours} hours to an answer",
        q.asked,
        q.answered
    )?;
    let e = &s.evaluation;
    let days = |d: Option<f64>| d.map_or("-".to_string(), |d| format!("{d:.1}"));
    say!(
        "Evaluation: {} submissions, {} votes; {} published, {} returned, {} rejected, {} waiting; median days in step 1: {}, step 2: {}",
        e.submissions,
        e.votes,
        e.published,
        e.returned,
        e.rejected,
        e.waiting,
        days(e.median_days_step1),
        days(e.median_days_step2)
    )?;
    let c = &s.communities;
    say!(
        "Communities of practice: {} with {} members and {} outcomes",
        c.communities,
        c.members,
        c.outcomes
    )?;
    Ok(())
}
