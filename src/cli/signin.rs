//! Who runs a command: the account from `--user`/`OUTPOST_USER` (else the only one), signed in
//! with `OUTPOST_PASSWORD` or a password typed on the terminal. The rules are the core's
//! (`core::auth`); this module only gathers the password and reopens a read-only node for
//! writing when a failure has to be recorded.

use std::io::{BufRead, IsTerminal, Read};

use crate::core::{DataDir, Replica};
use crate::error::{Error, Result};

/// The environment variable a script sets to sign in without a terminal.
pub const PASSWORD_ENV: &str = "OUTPOST_PASSWORD";

/// Signs in for a command. Returns the node (reopened for writing if the sign-in had to
/// record something) and the account to act as: `None` where nobody has to say who they are
/// (no passwords on the node, and no `--user`).
pub fn sign_in(
    dir: &DataDir,
    replica: Replica,
    user: Option<&str>,
) -> Result<(Replica, Option<String>)> {
    if !replica.passwords_in_use()? {
        if user.is_none() {
            return Ok((replica, None));
        }
        let verdict = replica.judge_sign_in(user, None)?;
        let mut replica = replica;
        let signed = replica.record_sign_in(verdict)?;
        return Ok((replica, Some(signed.name)));
    }
    let password = password_for_sign_in(user)?;
    let verdict = replica.judge_sign_in(user, Some(&password))?;
    let mut replica = if verdict.writes() && replica.is_read_only() {
        // Recording the failure (or clearing past ones) needs a write: only then is the node
        // opened for writing, so a successful read-only command writes nothing.
        drop(replica);
        super::open(dir)?
    } else {
        replica
    };
    let signed = replica.record_sign_in(verdict)?;
    Ok((replica, Some(signed.name)))
}

/// The password to sign in with: `OUTPOST_PASSWORD`, else typed on the terminal.
fn password_for_sign_in(user: Option<&str>) -> Result<String> {
    if let Ok(p) = std::env::var(PASSWORD_ENV) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::invalid(format!(
            "this node asks for a password and there is no terminal to type it on: set {PASSWORD_ENV} (and --user or OUTPOST_USER), or run the command on a terminal"
        )));
    }
    let who = user.map_or_else(String::new, |u| format!(" for {u}"));
    prompt(&format!("Password{who}: "))
}

fn prompt(text: &str) -> Result<String> {
    rpassword::prompt_password(text)
        .map_err(|e| Error::io("cannot read the password from the terminal", e))
}

/// Reads one line from standard input as a password (`--password-stdin`).
pub fn password_from_stdin() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .take(4096)
        .read_line(&mut line)
        .map_err(|e| Error::io("cannot read the password from standard input", e))?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    crate::core::auth::check_new_password(&password)?;
    Ok(password)
}

/// A new password for `name`: from standard input with `--password-stdin`, else typed twice
/// on a terminal; `None` when neither is possible, or nothing is typed and `optional`.
pub fn new_password(name: &str, from_stdin: bool, optional: bool) -> Result<Option<String>> {
    if from_stdin {
        return password_from_stdin().map(Some);
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let hint = if optional { " (Enter alone: none)" } else { "" };
    let first = prompt(&format!("New password for {name}{hint}: "))?;
    if first.is_empty() && optional {
        return Ok(None);
    }
    crate::core::auth::check_new_password(&first)?;
    let again = prompt("The same password again: ")?;
    if again != first {
        return Err(Error::invalid(
            "the two passwords differ; nothing was changed: run the command again",
        ));
    }
    Ok(Some(first))
}
