//! The Users screen: this node's accounts for its administrator, one a line — `name@office`,
//! role, clearance, and whether it is disabled, lacks a password or failed to sign in.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Widget};

use super::{block, ellipsize, frame_areas};
use crate::core::AccountRow;
use crate::tui::state::State;
use crate::tui::state::reader::pad;
use crate::tui::state::users::Accounts;

pub struct UsersLayout {
    pub list: Rect,
}

impl UsersLayout {
    /// Rows of accounts that fit under the column headings.
    pub fn visible_rows(&self) -> usize {
        usize::from(self.list.height.saturating_sub(3))
    }
}

pub fn users_layout(area: Rect) -> UsersLayout {
    let [_, body, _] = frame_areas(area);
    UsersLayout { list: body }
}

/// Column widths after the selection marker: person, role, clearance; the notes take the rest.
fn columns(width: usize) -> [usize; 3] {
    let person = (width * 2 / 5).max(12);
    [person, 14, 16]
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let layout = users_layout(area);
    let t = &state.i18n;
    let u = &state.users;
    let title = match &u.accounts {
        Accounts::Shown(rows) => t.f("users.title", &[("count", &rows.len())]),
        _ => t.t("screen.users").to_string(),
    };
    let width = usize::from(layout.list.width.saturating_sub(4));
    let [person, role, clearance] = columns(width.saturating_sub(1));
    let cell = |text: &str, w: usize| pad(&ellipsize(text, w.saturating_sub(1)), w);
    let mut lines = Vec::new();
    match &u.accounts {
        Accounts::Loading => lines.push(Line::from(t.t("search.loading").to_string())),
        Accounts::AdminOnly => lines.push(Line::from(t.t("users.admin_only").to_string())),
        Accounts::Shown(rows) => {
            let heading = format!(
                " {}{}{}{}",
                cell(t.t("users.person"), person),
                cell(t.t("users.role"), role),
                cell(t.t("users.clearance"), clearance),
                t.t("users.notes"),
            );
            lines.push(Line::from(Span::styled(
                ellipsize(&heading, width),
                state.theme.dim,
            )));
            for (i, row) in rows
                .iter()
                .enumerate()
                .skip(u.offset)
                .take(layout.visible_rows())
            {
                let selected = i == u.selected;
                let text = format!(
                    "{}{}{}{}{}",
                    if selected { ">" } else { " " },
                    cell(&row.person, person),
                    cell(t.t(&format!("role.{}", row.role.as_str())), role),
                    cell(
                        t.t(&format!("classification.{}", row.clearance.as_str())),
                        clearance
                    ),
                    notes(state, row),
                );
                let style = if selected {
                    state.theme.selected
                } else if row.disabled {
                    state.theme.dim
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::from(Span::styled(ellipsize(&text, width), style)));
            }
        }
    }
    Paragraph::new(lines)
        .block(block(&title, true, &state.theme).padding(Padding::horizontal(1)))
        .render(layout.list, buf);
}

/// What an administrator should notice about an account: disabled, no password, failures.
fn notes(state: &State, row: &AccountRow) -> String {
    let t = &state.i18n;
    let mut notes = Vec::new();
    if row.disabled {
        notes.push(t.t("users.disabled").to_string());
    }
    if !row.password {
        notes.push(t.t("users.no_password").to_string());
    }
    if row.failed_sign_ins > 0 {
        notes.push(t.f("users.failed", &[("count", &row.failed_sign_ins)]));
    }
    notes.join(" · ")
}
