//! `outpost cop create|join|leave|list|show|outcome`: communities of practice.

use super::args::CopCommand;
use super::output::{self, say};
use crate::core::{CommunityView, Replica};
use crate::error::Result;

pub fn run(replica: &mut Replica, acting: Option<&str>, command: CopCommand) -> Result<i32> {
    match command {
        CopCommand::List { json } => list(replica, json),
        CopCommand::Show { name, json } => {
            let viewer = replica.resolve_user(acting).ok();
            show(&replica.community(&name, viewer.as_ref())?, json)
        }
        CopCommand::Create {
            name,
            description,
            category,
            json,
        } => {
            let user = replica.resolve_user(acting)?;
            replica.cop_create(&user, &name, &description, category.as_deref())?;
            changed(replica, &user, &name, json, "Founded")
        }
        CopCommand::Join { name, json } => {
            let user = replica.resolve_user(acting)?;
            replica.cop_join(&user, &name)?;
            changed(replica, &user, &name, json, "Joined")
        }
        CopCommand::Leave { name, json } => {
            let user = replica.resolve_user(acting)?;
            replica.cop_leave(&user, &name)?;
            changed(replica, &user, &name, json, "Left")
        }
        CopCommand::Outcome {
            name,
            title,
            date,
            articles,
            json,
        } => {
            let user = replica.resolve_user(acting)?;
            replica.cop_outcome(&user, &name, &title, &date, &articles)?;
            changed(replica, &user, &name, json, "Recorded an outcome of")
        }
    }
}

/// After a change: the community as it now stands.
fn changed(
    replica: &Replica,
    user: &crate::model::User,
    name: &str,
    json: bool,
    what: &str,
) -> Result<i32> {
    let view = replica.community(name, Some(user))?;
    if json {
        output::json(&view)?;
    } else {
        say!(
            "{what} `{}` ({} members, {} outcomes)",
            output::field(&view.name),
            view.members.len(),
            view.outcomes.len()
        )?;
    }
    Ok(0)
}

fn list(replica: &Replica, json: bool) -> Result<i32> {
    let all = replica.communities()?;
    if json {
        output::json(&all)?;
        return Ok(0);
    }
    if all.is_empty() {
        say!("No community of practice yet: `outpost cop create NAME --description T` founds one")?;
        return Ok(0);
    }
    for c in &all {
        say!(
            "{:<32} {:>3} members  {:>3} outcomes  {}",
            output::field(&c.name),
            c.members,
            c.outcomes,
            output::field(c.category.as_deref().unwrap_or(""))
        )?;
    }
    Ok(0)
}

fn show(view: &CommunityView, json: bool) -> Result<i32> {
    if json {
        output::json(view)?;
        return Ok(0);
    }
    say!("{}", output::field(&view.name))?;
    if let Some(c) = &view.category {
        say!("category: {}", output::field(c))?;
    }
    say!(
        "founded {} by {}",
        view.founded,
        output::field(&view.founded_by)
    )?;
    if !view.description.is_empty() {
        say!("\n{}", output::field(&view.description))?;
    }
    say!("\nmembers ({}):", view.members.len())?;
    for m in &view.members {
        say!("  {}", output::field(m))?;
    }
    say!("\noutcomes ({}):", view.outcomes.len())?;
    for o in &view.outcomes {
        say!(
            "  {}  {}  (by {})",
            o.date,
            output::field(&o.title),
            output::field(&o.by)
        )?;
        for (id, title) in &o.articles {
            say!("      {id}  {}", output::field(title))?;
        }
        if o.hidden_articles > 0 {
            say!("      and {} article(s) you may not see", o.hidden_articles)?;
        }
    }
    Ok(0)
}
