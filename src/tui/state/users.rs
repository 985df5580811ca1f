//! The Users screen's data: this node's accounts as the core lists them for an administrator,
//! or that the acting user may not see them, and which row is selected.

use crate::core::AccountRow;

/// What the screen holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Accounts {
    /// Asked for; the node has not answered.
    #[default]
    Loading,
    Shown(Vec<AccountRow>),
    /// The acting user is not an administrator: no account is shown.
    AdminOnly,
}

#[derive(Clone, Debug, Default)]
pub struct UsersState {
    pub accounts: Accounts,
    pub selected: usize,
    /// First row shown; kept by `update` so the selection stays in view.
    pub offset: usize,
}

impl UsersState {
    /// How many accounts are shown (none while loading or when refused).
    pub fn shown(&self) -> usize {
        match &self.accounts {
            Accounts::Shown(rows) => rows.len(),
            _ => 0,
        }
    }
}
