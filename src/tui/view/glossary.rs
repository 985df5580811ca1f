//! The Glossary screen: each entry's preferred English, Thai and Korean terms in three columns,
//! and under them every term of the selected entry with its category.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Widget, Wrap};

use super::{block, ellipsize, frame_areas};
use crate::tui::state::State;
use crate::tui::state::reader::pad;

pub struct GlossaryLayout {
    pub list: Rect,
    pub about: Rect,
}

impl GlossaryLayout {
    pub fn visible_rows(&self) -> usize {
        usize::from(self.list.height.saturating_sub(2))
    }
}

pub fn glossary_layout(area: Rect) -> GlossaryLayout {
    let [_, body, _] = frame_areas(area);
    let [list, about] = Layout::vertical([Constraint::Fill(1), Constraint::Length(6)]).areas(body);
    GlossaryLayout { list, about }
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let layout = glossary_layout(area);
    let t = &state.i18n;
    let g = &state.glossary;
    let count = g.shown();
    let title = if g.query.trim().is_empty() {
        t.f("glossary.title", &[("count", &count)])
    } else {
        t.f(
            "glossary.filtered",
            &[("count", &count), ("query", &g.query.trim())],
        )
    };
    let width = usize::from(layout.list.width.saturating_sub(4));
    // Three columns after the selection marker: English, Thai, Korean.
    let column = width.saturating_sub(1) / 3;
    let lines: Vec<Line> = match &g.entries {
        None => vec![Line::from(t.t("search.loading").to_string())],
        Some(entries) if entries.is_empty() => vec![Line::from(
            t.f("glossary.empty", &[("query", &g.query.trim())]),
        )],
        Some(entries) => entries
            .iter()
            .enumerate()
            .skip(g.offset)
            .take(layout.visible_rows())
            .map(|(i, e)| {
                let selected = i == g.selected;
                let first = |terms: &[String]| terms.first().cloned().unwrap_or_default();
                let cell = |text: String| pad(&ellipsize(&text, column.saturating_sub(1)), column);
                let text = format!(
                    "{}{}{}{}",
                    if selected { ">" } else { " " },
                    cell(first(&e.en)),
                    cell(first(&e.th)),
                    cell(first(&e.ko)),
                );
                let style = if selected {
                    state.theme.selected
                } else {
                    ratatui::style::Style::new()
                };
                Line::from(Span::styled(text, style))
            })
            .collect(),
    };
    Paragraph::new(lines)
        .block(block(&title, true, &state.theme).padding(Padding::horizontal(1)))
        .render(layout.list, buf);

    let about_width = usize::from(layout.about.width.saturating_sub(4));
    let mut about = Vec::new();
    if let Some(e) = g.selected_entry() {
        for terms in [&e.en, &e.th, &e.ko] {
            about.push(Line::from(ellipsize(&terms.join("; "), about_width)));
        }
        about.push(Line::from(Span::styled(
            ellipsize(
                &format!("{} · {}", state.category_path(&e.category), e.id),
                about_width,
            ),
            state.theme.dim,
        )));
    } else {
        about.push(Line::from(Span::styled(
            t.t("glossary.hint").to_string(),
            state.theme.dim,
        )));
    }
    Paragraph::new(about)
        .wrap(Wrap { trim: true })
        .block(block(t.t("screen.glossary"), false, &state.theme).padding(Padding::horizontal(1)))
        .render(layout.about, buf);
}
