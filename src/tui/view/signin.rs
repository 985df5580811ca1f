//! The sign-in screen (and "Set password"): a box in the middle of an otherwise empty screen,
//! so that nothing of the previous person's work shows while it is up. Passwords are drawn as
//! one `•` per character typed.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding, Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::tui::input::LineInput;
use crate::tui::state::{SignInField, SignInPurpose, SignInState, State};

const BOX_WIDTH: u16 = 60;
const BOX_HEIGHT: u16 = 12;

fn frame(area: Rect) -> Rect {
    let width = area.width.saturating_sub(2).min(BOX_WIDTH);
    let height = area.height.min(BOX_HEIGHT);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

fn label(state: &State, field: SignInField) -> &str {
    state.i18n.t(match field {
        SignInField::Name => "signin.name",
        SignInField::Password => "signin.password",
        SignInField::Confirm => "signin.confirm",
    })
}

/// The widest label, so that the fields line up in either language.
fn label_width(state: &State, s: &SignInState) -> usize {
    s.fields()
        .iter()
        .map(|f| label(state, *f).width())
        .max()
        .unwrap_or(0)
        + 2
}

fn shown(s: &SignInState, field: SignInField, width: usize) -> (String, usize) {
    let masked = |input: &LineInput| {
        let n = input.text().chars().count();
        let mask = LineInput::new(&"•".repeat(n));
        let (text, _) = mask.visible(width);
        (text.to_string(), text.chars().count())
    };
    match field {
        SignInField::Name => {
            let (text, col) = s.name.visible(width);
            (text.to_string(), col)
        }
        SignInField::Password => masked(&s.password),
        SignInField::Confirm => masked(&s.confirm),
    }
}

pub fn render(state: &State, s: &SignInState, area: Rect, buf: &mut Buffer) {
    let t = &state.i18n;
    let theme = &state.theme;
    Line::from(Span::styled(" Outpost ", theme.title)).render(area, buf);
    let rect = frame(area);
    let (title, hint) = match s.purpose {
        SignInPurpose::SignIn => ("signin.title", "signin.hint"),
        SignInPurpose::SetPassword => ("signin.set_title", "signin.set_hint"),
    };
    let labels = label_width(state, s);
    let width = usize::from(rect.width.saturating_sub(4)).saturating_sub(labels + 1);
    let mut lines = Vec::new();
    for field in s.fields() {
        let (text, _) = shown(s, *field, width);
        let name = label(state, *field);
        let pad = " ".repeat(labels.saturating_sub(name.width()));
        let style = if *field == s.focus {
            theme.selected
        } else {
            theme.dim
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{name}{pad}"), style),
            Span::raw(text),
        ]));
        lines.push(Line::from(""));
    }
    if s.checking {
        lines.push(Line::from(Span::styled(t.t("signin.checking"), theme.dim)));
    } else if let Some(error) = &s.error {
        lines.push(Line::from(Span::styled(error.clone(), theme.error)));
    } else if let Some(user) = &s.locked_by {
        lines.push(Line::from(Span::styled(
            t.f("signin.locked", &[("user", user)]),
            theme.dim,
        )));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {} ", t.t(title)), theme.title))
        .title_bottom(Span::styled(format!(" {} ", t.t(hint)), theme.dim))
        .padding(Padding::new(1, 1, 1, 0));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block)
        .render(rect, buf);
}

/// Where the terminal cursor goes: after what is typed in the focused field.
pub fn cursor(state: &State, s: &SignInState, area: Rect) -> Option<Position> {
    let rect = frame(area);
    let labels = label_width(state, s);
    let width = usize::from(rect.width.saturating_sub(4)).saturating_sub(labels + 1);
    let row = s.fields().iter().position(|f| *f == s.focus)?;
    let (_, col) = shown(s, s.focus, width);
    let x = usize::from(rect.x) + 2 + labels + col;
    Some(Position::new(
        u16::try_from(x).unwrap_or(rect.x),
        rect.y + 2 + u16::try_from(row * 2).unwrap_or(0),
    ))
}
