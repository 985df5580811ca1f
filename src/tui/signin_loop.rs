//! The sign-in screen's own small loop: it runs between sessions, with no worker and no
//! reader, and checks passwords on the node directly. Keys go through `update` like everywhere
//! else; only the sign-in effects are performed here.

use std::sync::mpsc;
use std::time::Duration;

use ratatui::DefaultTerminal;

use super::effects::{self, Context};
use super::state::{SignInState, State};
use super::update::{Effect, update};
use super::{spawn_input, stop_input, view};
use crate::core::Replica;
use crate::error::{Error, Result};
use crate::model::User;

/// Decides how the interface starts: on the sign-in screen when the node has more than one
/// account or any password (with `user`'s name, or the only account's, filled in), else
/// signed in as `user`. Returns who is signed in, and the idle lock (none where nobody has to
/// sign in: locking a node anyone may open would protect nothing).
pub fn prepare(
    replica: &Replica,
    state: &mut State,
    user: Option<User>,
    idle: Option<Duration>,
) -> Result<(Option<User>, Option<Duration>)> {
    let users = replica.users()?;
    let passwords = replica.passwords_in_use()?;
    state.no_password = !passwords && users.len() == 1;
    if !replica.sign_in_needed()? {
        return Ok((user, None));
    }
    let name = user
        .map(|u| u.name)
        .or_else(|| (users.len() == 1).then(|| users[0].name.clone()));
    state.user = None;
    state.signin = Some(SignInState::sign_in(name.as_deref(), None));
    Ok((None, idle))
}

/// Shows the sign-in (or set-password) screen until someone signs in (their account), the
/// password is set, or the user quits (`None`).
pub fn sign_in(
    terminal: &mut DefaultTerminal,
    replica: &mut Replica,
    state: &mut State,
    user: Option<User>,
) -> Result<Option<User>> {
    let ctx = Context::new(replica, user, None).with_catalog(state.i18n.clone());
    let (tx, rx) = mpsc::channel();
    let input = spawn_input(tx);
    let result = (|| loop {
        terminal
            .draw(|frame| view::draw(frame, state))
            .map_err(|e| Error::io("terminal", e))?;
        let msg = match rx.recv() {
            Ok(Ok(msg)) => msg,
            Ok(Err(e)) => return Err(Error::io("terminal input", e)),
            Err(_) => return Err(Error::io("terminal input", std::io::Error::other("closed"))),
        };
        let mut queue = vec![msg];
        while let Some(msg) = queue.pop() {
            for effect in update(state, msg) {
                match effect {
                    Effect::Quit => return Ok(None),
                    Effect::SignIn { .. } | Effect::SetPassword { .. } => {
                        // "Checking…" shows while Argon2 works.
                        terminal
                            .draw(|frame| view::draw(frame, state))
                            .map_err(|e| Error::io("terminal", e))?;
                        queue.extend(effects::perform(replica, &ctx, effect));
                    }
                    // Everything else waits for the session (which starts by loading afresh).
                    _ => {}
                }
            }
        }
        if state.signin.is_none() {
            return Ok(replica.resolve_user(state.user.as_deref()).ok());
        }
    })();
    stop_input(input);
    result
}
