//! The sign-in screen's data: who is signing in, the password typed (shown masked), and why
//! the last try was refused. The same screen sets a new password ("Set password"). While it is
//! up, nothing else of the interface is drawn or reachable; what the screens held (an unsaved
//! edit included) stays in memory, for the same person to find again.

use super::{EditorState, ReaderState, Screen};
use crate::tui::input::LineInput;

/// What the screen is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInPurpose {
    /// Say who you are: at start, after "switch user", after the idle lock.
    SignIn,
    /// Give the signed-in account a password (asked twice).
    SetPassword,
}

/// The field that has the keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInField {
    Name,
    Password,
    Confirm,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SignInState {
    pub purpose: SignInPurpose,
    pub name: LineInput,
    pub password: LineInput,
    pub confirm: LineInput,
    pub focus: SignInField,
    /// Why the last try was refused (the one sign-in message, or the wait).
    pub error: Option<String>,
    /// Who was signed in when the screen locked: their unsaved edit waits for them.
    pub locked_by: Option<String>,
    /// Passwords are checked (Argon2id takes about half a second): keys wait.
    pub checking: bool,
}

impl SignInState {
    /// The sign-in screen, with `name` filled in (the person who locked it, or the only one).
    pub fn sign_in(name: Option<&str>, locked_by: Option<String>) -> Self {
        let focus = if name.is_some() {
            SignInField::Password
        } else {
            SignInField::Name
        };
        SignInState {
            purpose: SignInPurpose::SignIn,
            name: LineInput::new(name.unwrap_or_default()),
            password: LineInput::default(),
            confirm: LineInput::default(),
            focus,
            error: None,
            locked_by,
            checking: false,
        }
    }

    /// The "Set password" screen for the signed-in `name`.
    pub fn set_password(name: &str) -> Self {
        SignInState {
            purpose: SignInPurpose::SetPassword,
            focus: SignInField::Password,
            ..Self::sign_in(Some(name), None)
        }
    }

    /// The fields shown, in order.
    pub fn fields(&self) -> &'static [SignInField] {
        match self.purpose {
            SignInPurpose::SignIn => &[SignInField::Name, SignInField::Password],
            SignInPurpose::SetPassword => &[SignInField::Password, SignInField::Confirm],
        }
    }

    pub fn input_mut(&mut self) -> &mut LineInput {
        match self.focus {
            SignInField::Name => &mut self.name,
            SignInField::Password => &mut self.password,
            SignInField::Confirm => &mut self.confirm,
        }
    }

    pub fn next_field(&mut self, forward: bool) {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        let next = if forward {
            (at + 1) % fields.len()
        } else {
            (at + fields.len() - 1) % fields.len()
        };
        self.focus = fields[next];
    }
}

/// What one person had open when someone else signed in: given back when they sign in again.
#[derive(Clone, Debug)]
pub struct SetAside {
    pub user: String,
    pub screen: Screen,
    pub back: Vec<Screen>,
    pub editor: Option<EditorState>,
    pub readers: Vec<ReaderState>,
}
