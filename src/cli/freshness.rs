//! `outpost stale`, `flag`, `confirm`, `supersede`, `require` and `ack`: freshness and
//! required reading.

use super::args::{AckArgs, AckCommand, RequireArgs};
use super::output::{self, say};
use crate::core::Replica;
use crate::error::{Error, Result};
use crate::model::Audience;

/// Prints `value` as JSON, or `text` for people.
fn done<T: serde::Serialize>(json: bool, value: &T, text: &str) -> Result<i32> {
    if json {
        output::json(value)?;
    } else {
        say!("{text}")?;
    }
    Ok(0)
}

pub fn stale(replica: &Replica, acting: Option<&str>, mine: bool, json: bool) -> Result<i32> {
    let items = if mine {
        let user = replica.resolve_user(acting)?;
        replica.my_stale(&user)?
    } else {
        replica.stale()?
    };
    if json {
        output::json(&items)?;
        return Ok(0);
    }
    if items.is_empty() {
        say!("Nothing is stale: every published article is within its review-by date")?;
        return Ok(0);
    }
    for i in &items {
        say!(
            "{}  {:<8}  review by {}  {:<40}  owner {}",
            i.article,
            i.due,
            i.review_by,
            output::field(&i.title),
            output::field(&i.owner)
        )?;
        for f in &i.flags {
            say!(
                "    flagged by {} at {}: {}",
                output::field(&f.who),
                f.when,
                output::field(&f.reason)
            )?;
        }
    }
    Ok(0)
}

pub fn flag(
    replica: &mut Replica,
    acting: Option<&str>,
    id: &str,
    reason: &str,
    json: bool,
) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    replica.flag(&user, id, reason)?;
    let f = replica.freshness(id)?;
    done(
        json,
        &f,
        &format!(
            "{id} flagged ({} open flags); its owner {} is asked to look",
            f.flags.len(),
            f.owner
        ),
    )
}

pub fn confirm(replica: &mut Replica, acting: Option<&str>, id: &str, json: bool) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    replica.confirm(&user, id)?;
    let f = replica.freshness(id)?;
    done(
        json,
        &f,
        &format!("{id} confirmed: review by {}", f.review_by),
    )
}

pub fn supersede(
    replica: &mut Replica,
    acting: Option<&str>,
    old: &str,
    by: &str,
    json: bool,
) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    replica.supersede(&user, old, by)?;
    let f = replica.freshness(old)?;
    done(
        json,
        &f,
        &format!("{old} is superseded by {by}: readers are sent there"),
    )
}

pub fn require(replica: &mut Replica, acting: Option<&str>, a: RequireArgs) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    let audience = match (a.office, a.role) {
        (Some(office), None) => Audience::Office(office),
        (None, Some(role)) => Audience::Role(role),
        _ => {
            return Err(Error::invalid(
                "name whom it is required of: --office OFFICE or --role ROLE",
            ));
        }
    };
    let whom = audience.describe();
    replica.require(&user, &a.id, audience, &a.by)?;
    let requirements = replica.requirements(&a.id)?;
    done(
        a.json,
        &serde_json::json!({ "article": a.id, "requirements": requirements }),
        &format!("{} is required reading for {whom} by {}", a.id, a.by),
    )
}

pub fn ack(replica: &mut Replica, acting: Option<&str>, a: AckArgs) -> Result<i32> {
    match (a.command, a.id) {
        (Some(AckCommand::Report { office, json }), _) => report(replica, office, json),
        (None, Some(id)) => {
            let user = replica.resolve_user(acting)?;
            replica.ack(&user, &id)?;
            let items = replica.required_reading(&user)?;
            let left = items.iter().filter(|i| i.acknowledged.is_none()).count();
            done(
                a.json,
                &serde_json::json!({ "article": id, "required_reading": items }),
                &format!("{id} acknowledged; {left} required articles left to read"),
            )
        }
        (None, None) => {
            let user = replica.resolve_user(acting)?;
            let items = replica.required_reading(&user)?;
            if a.json {
                output::json(&items)?;
                return Ok(0);
            }
            if items.is_empty() {
                say!("Nothing is required of you")?;
            }
            for i in &items {
                let state = match &i.acknowledged {
                    Some(when) => format!("acknowledged {when}"),
                    None if i.overdue => "OVERDUE".to_string(),
                    None => "to read".to_string(),
                };
                say!(
                    "{}  by {}  {:<20} {}",
                    i.article,
                    i.due,
                    state,
                    output::field(&i.title)
                )?;
            }
            Ok(0)
        }
    }
}

fn report(replica: &Replica, office: Option<String>, json: bool) -> Result<i32> {
    let offices = replica.ack_report(office.as_deref())?;
    if json {
        output::json(&offices)?;
        return Ok(0);
    }
    if offices.iter().all(|o| o.required == 0) {
        say!("Nothing is required reading here")?;
        return Ok(0);
    }
    for o in offices.iter().filter(|o| o.required > 0) {
        let latest = o
            .latest_bundle
            .as_deref()
            .map_or("no bundle from it yet".to_string(), |d| {
                format!("latest bundle {d}")
            });
        let latest = match &o.latest_change {
            Some(c) => format!("{latest}; newest change known {c}"),
            None => latest,
        };
        say!(
            "{}: {} of {} acknowledged ({latest})",
            output::field(&o.office),
            o.acknowledged,
            o.required
        )?;
        for p in &o.people {
            let state = match &p.acknowledged {
                Some(when) => format!("acknowledged {when}"),
                None if p.overdue => "OVERDUE".to_string(),
                None => "not yet".to_string(),
            };
            say!(
                "    {:<24} {}  by {}  {state}",
                output::field(&p.person),
                p.article,
                p.due
            )?;
        }
    }
    Ok(0)
}
