//! `outpost mileage [--office O] [--since DATE] [--person NAME@OFFICE] [--json]` and
//! `outpost mileage rules show|set`: points for contributions.

use super::args::{MileageArgs, MileageCommand, RulesCommand};
use super::output::{self, say};
use crate::core::{MileageFilter, Replica, parse_since};
use crate::error::{Error, Result};
use crate::model::mileage::MileageRules;

pub fn run(replica: &mut Replica, acting: Option<&str>, a: MileageArgs) -> Result<i32> {
    match a.rules {
        Some(MileageCommand::Rules(RulesCommand::Show { json })) => {
            rules(&replica.mileage_rules()?, json)
        }
        Some(MileageCommand::Rules(RulesCommand::Set { file, json })) => {
            let user = replica.resolve_user(acting)?;
            let text = std::fs::read_to_string(&file).map_err(|e| {
                Error::io(format!("cannot read the rules from {}", file.display()), e)
            })?;
            let set = replica.set_mileage_rules(&user, &text)?;
            if !json {
                say!("The mileage rules are now, for every node:")?;
            }
            rules(&set, json)
        }
        None => {
            let since = a.since.as_deref().map(parse_since).transpose()?;
            match a.person {
                Some(person) => history(replica, acting, &person, since, a.json),
                None => leaderboard(replica, a.office, since, a.json),
            }
        }
    }
}

fn rules(rules: &MileageRules, json: bool) -> Result<i32> {
    if json {
        let points: std::collections::BTreeMap<&str, u32> =
            rules.points.iter().map(|(k, v)| (k.key(), *v)).collect();
        output::json(&points)?;
        return Ok(0);
    }
    for (kind, points) in &rules.points {
        say!("{:<30} {points:>5}", kind.key())?;
    }
    Ok(0)
}

fn leaderboard(
    replica: &Replica,
    office: Option<String>,
    since: Option<u64>,
    json: bool,
) -> Result<i32> {
    let board = replica.mileage(&MileageFilter {
        office,
        since_millis: since,
    })?;
    if json {
        output::json(&board)?;
        return Ok(0);
    }
    if board.people.is_empty() {
        say!("No contributions yet")?;
        return Ok(0);
    }
    say!("People")?;
    for (rank, s) in board.people.iter().enumerate() {
        say!(
            "{:>4}. {:<40} {:>7} points  ({} contributions)",
            rank + 1,
            output::field(&s.name),
            s.points,
            s.contributions
        )?;
    }
    say!("\nOffices")?;
    for (rank, s) in board.offices.iter().enumerate() {
        say!(
            "{:>4}. {:<40} {:>7} points  ({} contributions)",
            rank + 1,
            output::field(&s.name),
            s.points,
            s.contributions
        )?;
    }
    Ok(0)
}

fn history(
    replica: &Replica,
    acting: Option<&str>,
    person: &str,
    since: Option<u64>,
    json: bool,
) -> Result<i32> {
    let who = replica.find_person(person)?;
    let viewer = replica.resolve_user(acting).ok();
    let entries = replica.mileage_history(&who, since, viewer.as_ref())?;
    if json {
        output::json(&entries)?;
        return Ok(0);
    }
    let total: u64 = entries.iter().map(|e| u64::from(e.points)).sum();
    for e in &entries {
        say!(
            "{}  {:<30} {:>4}  {}",
            e.when,
            e.kind,
            e.points,
            output::field(&e.source)
        )?;
    }
    say!("{}: {total} points", output::field(person))?;
    Ok(0)
}
