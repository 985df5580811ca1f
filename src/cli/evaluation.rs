//! `outpost submit`, `outpost review …` and `outpost policy set`: two-step evaluation.

use super::args::{PolicyCommand, ReviewCommand};
use super::output::{self, say};
use crate::core::Replica;
use crate::error::Result;

pub fn submit(replica: &mut Replica, acting: Option<&str>, id: &str, note: &str) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    replica.submit(&user, id, note)?;
    state(replica, id)
}

/// Says where the evaluation of `id` stands after a change.
fn state(replica: &Replica, id: &str) -> Result<i32> {
    let view = replica.evaluation(id)?;
    match view.step {
        Some(step) => say!(
            "{id} is in step {step} of evaluation ({} of {} approvals) in {}",
            view.approvals,
            view.required,
            output::field(&view.category)
        )?,
        None => say!("{id} is {}", view.state)?,
    }
    say_in_transit(&view)?;
    Ok(0)
}

/// "evaluation: approved by 2 of 3; 1 vote known to be in transit from Chiang Khong", for
/// `show`; nothing for an article never submitted.
pub fn say_state(replica: &Replica, id: &str) -> Result<()> {
    let view = replica.evaluation(id)?;
    if view.state == "draft" {
        return Ok(());
    }
    let mut line = match view.step {
        Some(step) => format!(
            "evaluation: step {step}, approved by {} of {}",
            view.approvals, view.required
        ),
        None => format!("evaluation: {}", view.state),
    };
    let transit = crate::core::describe_in_transit(&view.in_transit);
    if !transit.is_empty() {
        line.push_str("; ");
        line.push_str(&transit);
    }
    say!("{line}")?;
    Ok(())
}

fn say_in_transit(view: &crate::core::EvaluationView) -> Result<()> {
    let transit = crate::core::describe_in_transit(&view.in_transit);
    if !transit.is_empty() {
        say!("{transit}")?;
    }
    Ok(())
}

pub fn review(replica: &mut Replica, acting: Option<&str>, command: ReviewCommand) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    match command {
        ReviewCommand::Approve {
            id,
            category,
            comment,
        } => {
            replica.review_approve(&user, &id, category.as_deref(), &comment)?;
            state(replica, &id)
        }
        ReviewCommand::Return { id, comment } => {
            replica.review_return(&user, &id, &comment)?;
            state(replica, &id)
        }
        ReviewCommand::Reject { id, reason } => {
            replica.review_reject(&user, &id, &reason)?;
            state(replica, &id)
        }
        ReviewCommand::Queue { json } => {
            let items = replica.review_queue(&user)?;
            if json {
                output::json(&items)?;
            } else if items.is_empty() {
                say!("Nothing waits for you")?;
            } else {
                for i in &items {
                    say!(
                        "{}  step {}  {:<40} {}  by {}  waiting since {}",
                        i.article,
                        i.step,
                        output::field(&i.title),
                        output::field(&i.category),
                        output::field(&i.submitted_by),
                        i.waiting_since
                    )?;
                }
            }
            Ok(0)
        }
    }
}

pub fn policy(replica: &mut Replica, acting: Option<&str>, command: PolicyCommand) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    match command {
        PolicyCommand::Set {
            key,
            value,
            category,
        } => {
            replica.set_policy(&user, &key, value, category.as_deref())?;
            say!(
                "{key} = {value} over {}",
                category.as_deref().unwrap_or("the whole Knowledge Map")
            )?;
        }
    }
    Ok(0)
}
