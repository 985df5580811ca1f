//! `outpost user …` and `outpost role …`: accounts of this node, and category roles.

use super::args::{RoleCommand, UserCommand};
use super::output::{self, say};
use crate::core::Replica;
use crate::error::Result;
use crate::model::UserChange;

#[derive(serde::Serialize)]
struct UserRow {
    name: String,
    /// `name@office`, as the account is known across the network.
    person: String,
    role: &'static str,
    clearance: &'static str,
    disabled: bool,
}

pub fn user(replica: &mut Replica, acting: Option<&str>, command: UserCommand) -> Result<i32> {
    match command {
        UserCommand::Add {
            name,
            role,
            clearance,
        } => {
            let actor = replica.resolve_user(acting)?;
            let user = replica.add_user(&actor, &name, role, clearance)?;
            say!(
                "Created {} ({}, cleared for {})",
                output::field(&replica.person_name(&user.author())),
                user.role.as_str(),
                user.clearance.as_str()
            )?;
        }
        UserCommand::List { json } => {
            let rows: Vec<UserRow> = replica
                .users()?
                .into_iter()
                .map(|u| UserRow {
                    person: replica.person_name(&u.author()),
                    role: u.role.as_str(),
                    clearance: u.clearance.as_str(),
                    disabled: u.disabled,
                    name: u.name,
                })
                .collect();
            if json {
                output::json(&rows)?;
            } else {
                for r in &rows {
                    say!(
                        "{:<32} {:<10} {:<13}{}",
                        output::field(&r.person),
                        r.role,
                        r.clearance,
                        if r.disabled { " disabled" } else { "" }
                    )?;
                }
            }
        }
        UserCommand::Disable { name } => {
            change(replica, acting, &name, UserChange::Disabled)?;
            say!(
                "Disabled {}: it can no longer sign in or act.",
                output::field(&name)
            )?;
        }
        UserCommand::Enable { name } => {
            change(replica, acting, &name, UserChange::Enabled)?;
            say!("Enabled {}.", output::field(&name))?;
        }
        UserCommand::Clear { name, clearance } => {
            change(replica, acting, &name, UserChange::Clearance(clearance))?;
            say!(
                "{} is cleared for {}.",
                output::field(&name),
                clearance.as_str()
            )?;
        }
    }
    Ok(0)
}

fn change(replica: &mut Replica, acting: Option<&str>, name: &str, c: UserChange) -> Result<()> {
    let actor = replica.resolve_user(acting)?;
    replica.change_user(&actor, name, c)
}

pub fn role(replica: &mut Replica, acting: Option<&str>, command: RoleCommand) -> Result<i32> {
    match command {
        RoleCommand::Grant {
            person,
            role,
            category,
        } => {
            let actor = replica.resolve_user(acting)?;
            let person = replica.find_person(&person)?;
            replica.grant_role(&actor, &person, role, category.as_deref())?;
            say!(
                "Granted {} rights over {} to {}.",
                role.as_str(),
                category.as_deref().unwrap_or("the whole Knowledge Map"),
                output::field(&replica.person_name(&person))
            )?;
        }
        RoleCommand::Revoke {
            person,
            role,
            category,
        } => {
            let actor = replica.resolve_user(acting)?;
            let person = replica.find_person(&person)?;
            replica.revoke_role(&actor, &person, role, category.as_deref())?;
            say!(
                "Revoked {} rights over {} from {}.",
                role.as_str(),
                category.as_deref().unwrap_or("the whole Knowledge Map"),
                output::field(&replica.person_name(&person))
            )?;
        }
        RoleCommand::List { json } => {
            let grants = replica.grants()?;
            if json {
                output::json(&grants)?;
            } else {
                for g in &grants {
                    say!(
                        "{:<32} {:<10} {}{}",
                        output::field(&g.user),
                        g.role.as_str(),
                        output::field(g.category.as_deref().unwrap_or("(whole map)")),
                        match g.revoked_after {
                            Some(seq) => format!("  revoked after op {seq}"),
                            None => String::new(),
                        }
                    )?;
                }
            }
        }
    }
    Ok(0)
}
