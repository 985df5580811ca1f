//! Overlays drawn over the screen: help (from the keymap), the command palette, the category
//! picker, the HS lookup, the one-line prompt and questions.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Padding, Paragraph, Widget, Wrap};

use super::{block, ellipsize};
use unicode_width::UnicodeWidthStr;

use crate::tui::input::LineInput;
use crate::tui::markdown::{Sty, wrap_spans};
use crate::tui::state::lists::{palette_items, picker_items};
use crate::tui::state::reader::pad;
use crate::tui::state::{Confirm, Overlay, PickerPurpose, PromptPurpose, State, VerdictInput};

/// The overlay's box: most of the screen, centred.
fn frame(area: Rect, max_width: u16, max_height: u16) -> Rect {
    let width = area.width.saturating_sub(4).min(max_width);
    let height = area.height.saturating_sub(2).min(max_height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let Some(overlay) = &state.overlay else {
        return;
    };
    let t = &state.i18n;
    match overlay {
        Overlay::Help { scroll } => {
            let rect = frame(area, 90, 40);
            Clear.render(rect, buf);
            let scope = state.screen_scope();
            let lines = help_lines(state, area);
            let title = t.f(
                "help.title",
                &[("screen", &t.t(&format!("scope.{}", scope.name())))],
            );
            Paragraph::new(lines)
                .scroll((u16::try_from(*scroll).unwrap_or(0), 0))
                .block(block(&title, true, &state.theme).padding(Padding::horizontal(1)))
                .render(rect, buf);
        }
        Overlay::Palette { input, selected } => {
            let items = palette_items(t, input.text());
            let scope = state.screen_scope();
            let rows: Vec<(String, String)> = items
                .iter()
                .map(|a| {
                    let key = state
                        .keymap
                        .key_for(scope, *a)
                        .map(|k| k.label())
                        .unwrap_or_default();
                    (
                        format!(
                            "{:<16} {}",
                            a.name(),
                            t.t(&format!("action.{}.doc", a.name()))
                        ),
                        key,
                    )
                })
                .collect();
            list_box(
                state,
                area,
                buf,
                t.t("palette.title"),
                input,
                &rows,
                *selected,
            );
        }
        Overlay::Picker {
            input,
            selected,
            purpose,
        } => {
            let items = picker_items(&state.categories, input.text());
            let lang = t.lang.code();
            let rows: Vec<(String, String)> = items
                .iter()
                .map(|i| {
                    let c = &state.categories[*i];
                    let depth = c.id.matches('/').count();
                    (
                        format!("{}{}", "  ".repeat(depth), c.name(lang)),
                        c.id.clone(),
                    )
                })
                .collect();
            let title = match purpose {
                PickerPurpose::Editor => t.t("picker.editor"),
                PickerPurpose::SearchFilter => t.t("picker.search"),
                PickerPurpose::ReviewCategory => t.t("picker.review"),
            };
            list_box(state, area, buf, title, input, &rows, *selected);
        }
        Overlay::HsLookup {
            input,
            selected,
            rows,
        } => {
            let lines: Vec<(String, String)> = rows
                .iter()
                .map(|r| {
                    let code = format!("{}{}", "  ".repeat(r.depth), r.code);
                    (format!("{code:<12} {}", r.description), String::new())
                })
                .collect();
            list_box(state, area, buf, t.t("hs.title"), input, &lines, *selected);
        }
        Overlay::Prompt {
            input,
            error,
            purpose,
        } => {
            let (title, hint) = match purpose {
                PromptPurpose::HsPrefix => ("prompt.hs", "prompt.hs_hint"),
                PromptPurpose::Attach => ("prompt.attach", "prompt.attach_hint"),
            };
            let rect = frame(area, 60, 5);
            Clear.render(rect, buf);
            let inner_width = usize::from(rect.width.saturating_sub(4));
            let (shown, _) = input.visible(inner_width);
            let below = match error {
                Some(error) => Span::styled(error.clone(), state.theme.error),
                None => Span::styled(t.t(hint).to_string(), state.theme.dim),
            };
            let lines = vec![Line::from(shown.to_string()), Line::from(below)];
            // The hint or the refusal wraps onto the box's last line rather than being cut.
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(block(t.t(title), true, &state.theme).padding(Padding::horizontal(1)))
                .render(rect, buf);
        }
        Overlay::Confirm(confirm) => render_confirm(state, confirm, area, buf),
        Overlay::Verdict(v) => render_verdict(state, v, area, buf),
        Overlay::Market(m) => render_market(state, m, area, buf),
    }
}

/// The box a verdict's comment is typed in.
fn verdict_frame(area: Rect) -> Rect {
    frame(area, 72, 7)
}

/// The comment line of a verdict.
fn render_verdict(state: &State, v: &VerdictInput, area: Rect, buf: &mut Buffer) {
    let kind = v.kind.key();
    let line = InputLine {
        input: &v.input,
        error: v.error.as_deref(),
        sending: v.sending,
        title: state
            .i18n
            .f(&format!("verdict.{kind}.title"), &[("title", &v.title)]),
        hint: state.i18n.t(&format!("verdict.{kind}.hint")).to_string(),
    };
    render_input_line(state, &line, area, buf);
}

/// The line of an answer or a comment on a question.
fn render_market(
    state: &State,
    m: &crate::tui::state::market::MarketInput,
    area: Rect,
    buf: &mut Buffer,
) {
    let kind = m.kind.key();
    let line = InputLine {
        input: &m.input,
        error: m.error.as_deref(),
        sending: m.sending,
        title: state
            .i18n
            .f(&format!("market.{kind}.title"), &[("title", &m.title)]),
        hint: state.i18n.t(&format!("market.{kind}.hint")).to_string(),
    };
    render_input_line(state, &line, area, buf);
}

/// A line typed for the node to take (a verdict's comment, an answer, a comment).
struct InputLine<'a> {
    input: &'a crate::tui::input::LineInput,
    error: Option<&'a str>,
    sending: bool,
    title: String,
    hint: String,
}

/// What is typed, then the hint, the node's refusal (the text kept to correct) or "sending…".
fn render_input_line(state: &State, line: &InputLine, area: Rect, buf: &mut Buffer) {
    let rect = verdict_frame(area);
    Clear.render(rect, buf);
    let inner_width = usize::from(rect.width.saturating_sub(4));
    let (shown, _) = line.input.visible(inner_width);
    let below = match (line.error, line.sending) {
        (Some(error), _) => Span::styled(error.to_string(), state.theme.error),
        (None, true) => Span::styled(state.i18n.t("verdict.sending").to_string(), state.theme.dim),
        (None, false) => Span::styled(line.hint.clone(), state.theme.dim),
    };
    let title = ellipsize(&line.title, inner_width.saturating_sub(2));
    let lines = vec![
        Line::from(shown.to_string()),
        Line::default(),
        Line::from(below),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block(&title, true, &state.theme).padding(Padding::horizontal(1)))
        .render(rect, buf);
}

/// A question's box: its text wrapped and scrolled, with the keys that answer it always on the
/// box's last row, whatever the length of the text.
struct ConfirmBox {
    rect: Rect,
    title: String,
    lines: Vec<String>,
    keys: String,
    /// Rows of text shown at once.
    rows: usize,
}

fn confirm_box(state: &State, confirm: &Confirm, area: Rect) -> ConfirmBox {
    let t = &state.i18n;
    let (title, text, keys) = match confirm {
        Confirm::Unsaved { .. } => (
            t.t("confirm.unsaved_title"),
            vec![t.t("confirm.unsaved").to_string()],
            t.t("confirm.unsaved_keys"),
        ),
        Confirm::Import { path, report, .. } => {
            let mut lines = vec![t.f("confirm.import", &[("path", path)]), String::new()];
            lines.extend(report.iter().cloned());
            (
                t.t("confirm.import_title"),
                lines,
                t.t("confirm.import_keys"),
            )
        }
    };
    let width = usize::from(frame(area, 100, u16::MAX).width.saturating_sub(4)).max(10);
    let mut lines: Vec<String> = Vec::new();
    for line in &text {
        let wrapped = wrap_spans(&[(line.clone(), Sty::Plain)], width, "", "  ");
        if wrapped.is_empty() {
            lines.push(String::new());
        }
        lines.extend(wrapped.iter().map(|r| r.text()));
    }
    // Borders, a blank row and the keys' row around the text.
    let height = u16::try_from(lines.len() + 4).unwrap_or(u16::MAX);
    let rect = frame(area, 100, height);
    let rows = usize::from(rect.height.saturating_sub(4)).max(1);
    ConfirmBox {
        rect,
        title: title.to_string(),
        lines,
        keys: keys.to_string(),
        rows,
    }
}

/// How far a question's text scrolls: its last row at the bottom of its box.
pub fn confirm_max_scroll(state: &State, confirm: &Confirm, area: Rect) -> usize {
    let b = confirm_box(state, confirm, area);
    b.lines.len().saturating_sub(b.rows)
}

fn render_confirm(state: &State, confirm: &Confirm, area: Rect, buf: &mut Buffer) {
    let b = confirm_box(state, confirm, area);
    let scroll = match confirm {
        Confirm::Import { scroll, .. } => (*scroll).min(b.lines.len().saturating_sub(b.rows)),
        Confirm::Unsaved { .. } => 0,
    };
    Clear.render(b.rect, buf);
    let outer = block(&b.title, true, &state.theme).padding(Padding::horizontal(1));
    let inner = outer.inner(b.rect);
    outer.render(b.rect, buf);
    let shown: Vec<Line> = b
        .lines
        .iter()
        .skip(scroll)
        .take(b.rows)
        .map(|l| Line::from(l.clone()))
        .collect();
    Paragraph::new(shown).render(
        Rect::new(
            inner.x,
            inner.y,
            inner.width,
            inner.height.saturating_sub(2),
        ),
        buf,
    );
    let mut keys = vec![Span::styled(b.keys.clone(), state.theme.key)];
    if b.lines.len() > b.rows {
        let more = state.i18n.f(
            "import_confirm.more",
            &[
                ("from", &(scroll + 1)),
                ("to", &(scroll + b.rows).min(b.lines.len())),
                ("of", &b.lines.len()),
            ],
        );
        keys.push(Span::styled(format!(" · {more}"), state.theme.dim));
    }
    let last = inner.y + inner.height.saturating_sub(1);
    Paragraph::new(Line::from(keys))
        .wrap(Wrap { trim: false })
        .render(Rect::new(inner.x, last, inner.width, 1), buf);
}

/// A filter line over a list of (text, right-hand note) rows, the selected one marked.
fn list_box(
    state: &State,
    area: Rect,
    buf: &mut Buffer,
    title: &str,
    input: &LineInput,
    rows: &[(String, String)],
    selected: usize,
) {
    let rect = frame(area, 80, 30);
    Clear.render(rect, buf);
    let width = usize::from(rect.width.saturating_sub(4));
    let page = usize::from(rect.height.saturating_sub(4)).max(1);
    let (shown, _) = input.visible(width.saturating_sub(2));
    let mut lines = vec![
        Line::from(vec![
            Span::styled("> ", state.theme.key),
            Span::raw(shown.to_string()),
        ]),
        Line::from(Span::styled("─".repeat(width), state.theme.dim)),
    ];
    let top = selected.saturating_sub(page.saturating_sub(1));
    for (i, (text, note)) in rows.iter().enumerate().skip(top).take(page) {
        // Marker, text, a space and the note fill the row exactly: `pad` adds at least one
        // space, so the text is cut one column short of its room and the note is never cut.
        let room = width.saturating_sub(note.width() + 3);
        let marker = if i == selected { "> " } else { "  " };
        let text = format!(
            "{marker}{}",
            pad(&ellipsize(text, room.saturating_sub(1)), room)
        );
        let style = if i == selected {
            state.theme.selected
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(text, style),
            Span::styled(format!(" {note}"), state.theme.dim),
        ]));
    }
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            state.i18n.t("palette.none").to_string(),
            state.theme.dim,
        )));
    }
    let title = format!("{title} ({})", rows.len());
    Paragraph::new(lines)
        .block(block(&title, true, &state.theme).padding(Padding::horizontal(1)))
        .render(rect, buf);
}

/// The help's rows, wrapped to its box: a description too long for one row continues under
/// itself, not under the keys.
pub fn help_lines(state: &State, area: Rect) -> Vec<Line<'static>> {
    let t = &state.i18n;
    let width = usize::from(frame(area, 90, 40).width.saturating_sub(4));
    let mut lines = vec![];
    for row in wrap_spans(
        &[(t.t("help.intro").to_string(), Sty::Plain)],
        width,
        "",
        "",
    ) {
        lines.push(Line::from(Span::styled(row.text(), state.theme.dim)));
    }
    lines.push(Line::default());
    for (action, keys) in state.keymap.help(state.screen_scope()) {
        let keys: Vec<String> = keys.iter().map(|k| k.label()).collect();
        let keys = pad(&keys.join(", "), 20);
        let indent = " ".repeat(keys.width());
        let doc = t.t(&format!("action.{}.doc", action.name())).to_string();
        for (i, row) in wrap_spans(&[(doc, Sty::Plain)], width, &indent, &indent)
            .into_iter()
            .enumerate()
        {
            let text = row.text();
            lines.push(if i == 0 {
                let rest = text.strip_prefix(indent.as_str()).unwrap_or(&text);
                Line::from(vec![
                    Span::styled(keys.clone(), state.theme.key),
                    Span::raw(rest.to_string()),
                ])
            } else {
                Line::from(text)
            });
        }
    }
    lines
}

/// How far the help scrolls: its last row at the bottom of its box.
pub fn help_max_scroll(state: &State, area: Rect) -> usize {
    let visible = usize::from(frame(area, 90, 40).height.saturating_sub(2));
    help_lines(state, area).len().saturating_sub(visible)
}

pub fn cursor(state: &State, area: Rect) -> Option<Position> {
    let (input, rect) = match state.overlay.as_ref()? {
        Overlay::Palette { input, .. }
        | Overlay::Picker { input, .. }
        | Overlay::HsLookup { input, .. } => (input, frame(area, 80, 30)),
        Overlay::Prompt { input, .. } => (input, frame(area, 60, 5)),
        Overlay::Verdict(v) => (&v.input, verdict_frame(area)),
        Overlay::Market(m) => (&m.input, verdict_frame(area)),
        _ => return None,
    };
    let inner_width = usize::from(rect.width.saturating_sub(4));
    let column = u16::try_from(input.visible(inner_width).1).unwrap_or(0);
    Some(Position::new(
        rect.x + 2 + column + prompt_offset(state),
        rect.y + 1,
    ))
}

/// The palette and picker show `> ` before what is typed.
fn prompt_offset(state: &State) -> u16 {
    match state.overlay {
        Some(Overlay::Palette { .. } | Overlay::Picker { .. } | Overlay::HsLookup { .. }) => 2,
        _ => 0,
    }
}
