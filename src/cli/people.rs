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
    /// Whether the account has a password on this node.
    password: bool,
    /// Failed sign-ins under this name (none: never failed).
    sign_in_failures: Option<crate::core::Failures>,
}

/// Failed sign-ins under a name (an account's, or a name tried that is none).
#[derive(serde::Serialize)]
struct NameFailures {
    name: String,
    failures: crate::core::Failures,
}

pub fn user(replica: &mut Replica, acting: Option<&str>, command: UserCommand) -> Result<i32> {
    match command {
        UserCommand::Add {
            name,
            role,
            clearance,
            password_stdin,
        } => {
            let actor = replica.resolve_user(acting)?;
            let password = super::signin::new_password(&name, password_stdin, false)?;
            let user = replica.add_account(&actor, &name, role, clearance, password.as_deref())?;
            say!(
                "Created {} ({}, cleared for {})",
                output::field(&replica.person_name(&user.author())),
                user.role.as_str(),
                user.clearance.as_str()
            )?;
        }
        UserCommand::Passwd {
            name,
            password_stdin,
        } => {
            let actor = replica.resolve_user(acting)?;
            let Some(password) = super::signin::new_password(&name, password_stdin, false)? else {
                return Err(crate::Error::invalid(
                    "no terminal to type the new password on: pass --password-stdin and give it on standard input; nothing was changed",
                ));
            };
            replica.set_password(&actor, &name, &password)?;
            say!("Set the password of {}.", output::field(&name))?;
        }
        UserCommand::List { json } => list(replica, json)?,
        UserCommand::Failures { json } => {
            let all: Vec<NameFailures> = replica
                .sign_in_failures()?
                .into_iter()
                .map(|(name, failures)| NameFailures { name, failures })
                .collect();
            if json {
                output::json(&all)?;
            } else {
                for f in &all {
                    say!(
                        "{:<32} {} failed, {} in a row, last at {}",
                        output::field(&f.name),
                        f.failures.total,
                        f.failures.in_a_row,
                        jiff::Timestamp::from_millisecond(
                            i64::try_from(f.failures.last_millis).unwrap_or(0)
                        )
                        .map(|t| t.to_string())
                        .unwrap_or_default()
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

fn list(replica: &Replica, json: bool) -> Result<()> {
    let mut failures = replica.sign_in_failures()?;
    let mut rows = Vec::new();
    for u in replica.users()? {
        let at = failures.iter().position(|(n, _)| *n == u.name);
        rows.push(UserRow {
            person: replica.person_name(&u.author()),
            role: u.role.as_str(),
            clearance: u.clearance.as_str(),
            disabled: u.disabled,
            password: replica.has_password(&u.name)?,
            sign_in_failures: at.map(|i| failures.remove(i).1),
            name: u.name,
        });
    }
    let unknown: Vec<NameFailures> = failures
        .into_iter()
        .map(|(name, failures)| NameFailures { name, failures })
        .collect();
    if json {
        return output::json(&rows);
    }
    for r in &rows {
        say!(
            "{:<32} {:<10} {:<13}{}{}{}",
            output::field(&r.person),
            r.role,
            r.clearance,
            if r.password { "" } else { " no-password" },
            if r.disabled { " disabled" } else { "" },
            match &r.sign_in_failures {
                Some(f) if f.total > 0 => format!(" {} failed sign-in(s)", f.total),
                _ => String::new(),
            }
        )?;
    }
    for u in &unknown {
        say!(
            "failed sign-ins as unknown name {}: {}",
            output::field(&u.name),
            u.failures.total
        )?;
    }
    Ok(())
}

/// `role grant` (`grant` true) or `role revoke`, and what was done, in words.
fn grant_or_revoke(
    replica: &mut Replica,
    acting: Option<&str>,
    person: &str,
    role: crate::model::Role,
    category: Option<&str>,
    grant: bool,
) -> Result<()> {
    let actor = replica.resolve_user(acting)?;
    let person = replica.find_person(person)?;
    let (done, to) = if grant {
        replica.grant_role(&actor, &person, role, category)?;
        ("Granted", "to")
    } else {
        replica.revoke_role(&actor, &person, role, category)?;
        ("Revoked", "from")
    };
    say!(
        "{done} {} rights over {} {to} {}.",
        role.as_str(),
        category.unwrap_or("the whole Knowledge Map"),
        output::field(&replica.person_name(&person))
    )?;
    Ok(())
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
        } => grant_or_revoke(replica, acting, &person, role, category.as_deref(), true)?,
        RoleCommand::Revoke {
            person,
            role,
            category,
        } => grant_or_revoke(replica, acting, &person, role, category.as_deref(), false)?,
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
