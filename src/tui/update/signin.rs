//! The sign-in screen's keys and results, "switch user", the idle lock and "Set password".
//! Locking keeps every screen's state in memory: the same person signing in again finds it as
//! it was, an unsaved edit included. Someone else signing in starts at Home; what the previous
//! person had open (their unsaved edit too) is set aside, out of sight, and given back when they
//! sign in again before the interface is closed.

use super::Effect;
use crate::tui::keymap::{Key, KeyCode};
use crate::tui::state::{Screen, SetAside, SignInPurpose, SignInState, State};

/// Locks the screen behind sign-in. `keep_name`: the signed-in person is filled in (the idle
/// lock); else the name is left for whoever comes next ("switch user").
pub fn lock(state: &mut State, keep_name: bool) -> Vec<Effect> {
    // Long work under way (an import) is not cut short: the lock waits for it to end.
    if state.signin.is_some() || state.busy.is_some() {
        return vec![];
    }
    let name = if keep_name {
        state.user.as_deref()
    } else {
        None
    };
    state.signin = Some(SignInState::sign_in(name, state.user.clone()));
    state.overlay = None;
    vec![Effect::Lock]
}

/// "Set password": the signed-in account's new password, asked twice.
pub fn set_password(state: &mut State) -> Vec<Effect> {
    let Some(user) = state.user.clone() else {
        state.error(state.i18n.t("signin.no_account").to_string());
        return vec![];
    };
    state.signin = Some(SignInState::set_password(&user));
    state.overlay = None;
    vec![Effect::Lock]
}

pub fn on_key(state: &mut State, key: Key) -> Vec<Effect> {
    let Some(s) = state.signin.as_mut() else {
        return vec![];
    };
    if key == Key::ctrl('c') {
        return vec![Effect::Quit];
    }
    if s.checking {
        return vec![];
    }
    match key.code {
        KeyCode::Tab | KeyCode::Down => s.next_field(true),
        KeyCode::BackTab | KeyCode::Up => s.next_field(false),
        KeyCode::Left => s.input_mut().left(),
        KeyCode::Right => s.input_mut().right(),
        KeyCode::Home => s.input_mut().home(),
        KeyCode::End => s.input_mut().end(),
        KeyCode::Backspace => s.input_mut().delete_back(),
        KeyCode::Delete => s.input_mut().delete_forward(),
        KeyCode::Esc => match s.purpose {
            SignInPurpose::SignIn => return vec![Effect::Quit],
            SignInPurpose::SetPassword => state.signin = None,
        },
        KeyCode::Enter => return submit(state),
        _ => {
            if let Some(c) = key.typed_char() {
                s.input_mut().insert(c);
            }
        }
    }
    vec![]
}

fn submit(state: &mut State) -> Vec<Effect> {
    let t = state.i18n.clone();
    let Some(s) = state.signin.as_mut() else {
        return vec![];
    };
    let last = s.fields().last().copied();
    if Some(s.focus) != last {
        s.next_field(true);
        return vec![];
    }
    match s.purpose {
        SignInPurpose::SignIn => {
            let name = s.name.text().trim().to_string();
            if name.is_empty() {
                s.error = Some(t.t("signin.name_needed").to_string());
                s.focus = crate::tui::state::SignInField::Name;
                return vec![];
            }
            s.checking = true;
            vec![Effect::SignIn {
                name,
                password: s.password.text().to_string(),
            }]
        }
        SignInPurpose::SetPassword => {
            let password = s.password.text().to_string();
            let chars = password.chars().count();
            if chars < crate::core::auth::MIN_PASSWORD_CHARS {
                s.error = Some(t.f(
                    "signin.too_short",
                    &[("min", &crate::core::auth::MIN_PASSWORD_CHARS)],
                ));
            } else if password != s.confirm.text() {
                s.error = Some(t.t("signin.differ").to_string());
            } else {
                s.checking = true;
                return vec![Effect::SetPassword { password }];
            }
            s.password.clear();
            s.confirm.clear();
            s.focus = crate::tui::state::SignInField::Password;
            vec![]
        }
    }
}

/// The sign-in was refused: `text` says why (the one message, or the wait).
pub fn refused(state: &mut State, text: String) -> Vec<Effect> {
    if let Some(s) = state.signin.as_mut() {
        s.checking = false;
        s.error = Some(text);
        s.password.clear();
        s.confirm.clear();
        s.focus = s.fields().get(1).copied().unwrap_or(s.focus);
        if s.purpose == SignInPurpose::SetPassword {
            s.focus = crate::tui::state::SignInField::Password;
        }
    }
    vec![]
}

/// `name` signed in: the same person finds everything as it was; someone else starts at Home,
/// with what the previous person had open set aside for them.
pub fn signed_in(state: &mut State, name: String) -> Vec<Effect> {
    let previous = state.signin.take().and_then(|s| s.locked_by);
    if previous.as_deref() != Some(name.as_str()) {
        // Work of nobody in particular (no one was signed in) is set aside for no one.
        let user = previous.unwrap_or_default();
        {
            state.set_aside.retain(|a| a.user != user);
            state.set_aside.push(SetAside {
                user,
                screen: state.screen,
                back: std::mem::take(&mut state.back),
                editor: state.editor.take(),
                readers: std::mem::take(&mut state.readers),
            });
        }
        state.overlay = None;
        match state.set_aside.iter().position(|a| a.user == name) {
            Some(at) => {
                let mine = state.set_aside.remove(at);
                state.screen = mine.screen;
                state.back = mine.back;
                state.editor = mine.editor;
                state.readers = mine.readers;
            }
            None => {
                state.screen = Screen::Home;
                state.back.clear();
            }
        }
    }
    state.user = Some(name);
    vec![]
}

/// The new password is saved.
pub fn password_set(state: &mut State) -> Vec<Effect> {
    state.signin = None;
    state.no_password = false;
    state.info(state.i18n.t("signin.password_set").to_string());
    vec![]
}
