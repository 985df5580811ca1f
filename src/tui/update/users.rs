//! The Users screen: opened from anywhere (palette, F11), it asks the node for its accounts;
//! arrows and pages move through them.

use super::{Effect, go, keep_in_view, step};
use crate::core::AccountRow;
use crate::tui::keymap::Action;
use crate::tui::state::users::Accounts;
use crate::tui::state::{Screen, State};
use crate::tui::view;

/// Shows the Users screen and asks for the accounts afresh (one may have changed meanwhile).
pub fn open(state: &mut State) -> Vec<Effect> {
    go(state, Screen::Users);
    state.users.accounts = Accounts::Loading;
    vec![Effect::LoadUsers]
}

/// The node's answer.
pub fn loaded(state: &mut State, rows: Option<Vec<AccountRow>>) -> Vec<Effect> {
    let u = &mut state.users;
    u.accounts = match rows {
        Some(rows) => Accounts::Shown(rows),
        None => Accounts::AdminOnly,
    };
    u.selected = u.selected.min(u.shown().saturating_sub(1));
    relayout(state);
    vec![]
}

pub fn action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = view::users_layout(state.area()).visible_rows() as isize;
    let len = state.users.shown();
    let u = &mut state.users;
    match action {
        Action::Down => u.selected = step(u.selected, 1, len),
        Action::Up => u.selected = step(u.selected, -1, len),
        Action::PageDown => u.selected = step(u.selected, page, len),
        Action::PageUp => u.selected = step(u.selected, -page, len),
        Action::Top => u.selected = 0,
        Action::Bottom => u.selected = len.saturating_sub(1),
        _ => return vec![],
    }
    relayout(state);
    vec![]
}

/// Keeps the selected account in view.
pub fn relayout(state: &mut State) {
    let visible = view::users_layout(state.area()).visible_rows();
    let u = &mut state.users;
    u.offset = keep_in_view(u.selected, u.offset, visible);
}
