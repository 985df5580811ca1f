//! The reader: tabs for the article, its links and its history; a diff between revisions.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Widget};
use ratatui_image::Image;

use super::{block, ellipsize, frame_areas, styled_line};
use crate::core::{DiffLine, Field};
use crate::tui::picture::Shown;
use crate::tui::state::{Pane, ReaderState, State};

/// Where the reader's parts go.
pub struct ReaderLayout {
    pub tabs: Rect,
    pub frame: Rect,
}

impl ReaderLayout {
    pub fn text_width(&self) -> usize {
        usize::from(self.frame.width.saturating_sub(4))
    }

    pub fn page_height(&self) -> usize {
        usize::from(self.frame.height.saturating_sub(2))
    }
}

pub fn reader_layout(area: Rect) -> ReaderLayout {
    let [_, body, _] = frame_areas(area);
    let [tabs, frame] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(body);
    ReaderLayout { tabs, frame }
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let Some(reader) = state.reader() else {
        return;
    };
    let layout = reader_layout(area);
    tabs(state, reader, layout.tabs, buf);
    let page = layout.page_height();
    if let Some(diff) = &reader.diff {
        return render_diff(state, diff, &layout, buf);
    }
    let (lines, scroll, total): (Vec<Line>, usize, usize) = match reader.pane {
        Pane::Article => {
            let lines = &reader.laid.rendered.lines;
            let shown = lines
                .iter()
                .skip(reader.scroll)
                .take(page)
                .map(|l| styled_line(l, &state.theme, reader.link))
                .collect();
            (shown, reader.scroll, lines.len())
        }
        Pane::Links => links(state, reader, page),
        Pane::History => history(state, reader, page),
    };
    let position = format!(" {}/{} ", (scroll + page).min(total), total);
    let block = block(&reader.laid.doc.id, true, &state.theme)
        .padding(Padding::horizontal(1))
        .title_bottom(Line::from(Span::styled(position, state.theme.dim)).right_aligned());
    let inner = block.inner(layout.frame);
    Paragraph::new(lines).block(block).render(layout.frame, buf);
    if reader.pane == Pane::Article {
        pictures(state, reader, inner, buf);
    }
}

/// Each attached picture in view over the rows kept for it: drawn when all its rows are on
/// the page (a terminal's graphics cannot be cut at the frame's edge), else a line saying to
/// scroll; while the worker decodes it, or when it cannot be drawn, a line saying so.
fn pictures(state: &State, reader: &ReaderState, inner: Rect, buf: &mut Buffer) {
    let t = &state.i18n;
    let (top, page) = (reader.scroll, usize::from(inner.height));
    for slot in &reader.laid.pictures {
        let rows = usize::from(slot.rows);
        if slot.line + rows <= top || slot.line >= top + page {
            continue;
        }
        let first = slot.line.max(top) - top;
        let y = inner.y + u16::try_from(first).unwrap_or(u16::MAX);
        let line_area = Rect::new(inner.x, y, inner.width, 1);
        let whole = slot.line >= top && slot.line + rows <= top + page;
        let note = |text: String, style| {
            Line::from(Span::styled(
                ellipsize(&text, usize::from(inner.width)),
                style,
            ))
        };
        match state.pictures.get(&slot.key()) {
            Some(Shown::Ready(picture)) if whole => {
                let area = Rect::new(inner.x, y, inner.width.min(slot.cols), slot.rows);
                Image::new(picture.protocol()).render(area, buf);
            }
            Some(Shown::Ready(_)) => {
                let text = t.f("picture.scroll", &[("name", &slot.name)]);
                note(text, state.theme.dim).render(line_area, buf);
            }
            Some(Shown::Unshowable(why)) => {
                let text = t.f("picture.unshowable", &[("name", &slot.name), ("why", why)]);
                let lines = crate::tui::markdown::wrap_spans(
                    &[(text, crate::tui::markdown::Sty::Plain)],
                    usize::from(inner.width.saturating_sub(4)),
                    "",
                    "",
                );
                let shown: Vec<Line> = lines.iter().map(|l| Line::from(l.text())).collect();
                let height = u16::try_from(rows.min(page - first)).unwrap_or(0);
                let area = Rect::new(inner.x, y, inner.width.min(slot.cols), height);
                Paragraph::new(shown)
                    .style(state.theme.error)
                    .block(
                        Block::bordered()
                            .border_style(state.theme.dim)
                            .padding(Padding::horizontal(1)),
                    )
                    .render(area, buf);
            }
            Some(Shown::Loading) | None => {
                let text = t.f("picture.loading", &[("name", &slot.name)]);
                note(text, state.theme.dim).render(line_area, buf);
            }
        }
    }
}

fn tabs(state: &State, reader: &ReaderState, area: Rect, buf: &mut Buffer) {
    let t = &state.i18n;
    let entries = reader.link_entries().len();
    // Not every backlink is loaded yet: the count is at least this.
    let more = if reader.laid.doc.more_backlinks {
        "+"
    } else {
        ""
    };
    let revisions = reader.laid.doc.history.len();
    let mut spans = vec![Span::raw(" ")];
    for (pane, key, name) in [
        (Pane::Article, "1", t.t("reader.tab_article").to_string()),
        (
            Pane::Links,
            "2",
            format!("{} ({entries}{more})", t.t("reader.tab_links")),
        ),
        (
            Pane::History,
            "3",
            format!("{} ({revisions})", t.t("reader.tab_history")),
        ),
    ] {
        if pane == reader.pane {
            spans.push(Span::styled(
                format!("[{key} {name}]"),
                state.theme.selected,
            ));
        } else {
            spans.push(Span::styled(format!(" {key} "), state.theme.key));
            spans.push(Span::raw(format!("{name} ")));
        }
        spans.push(Span::raw(" "));
    }
    Line::from(spans).render(area, buf);
}

/// Links from the article, then links to it; the selected one marked with `>`.
fn links<'a>(state: &'a State, reader: &ReaderState, page: usize) -> (Vec<Line<'a>>, usize, usize) {
    let t = &state.i18n;
    let entries = reader.link_entries();
    let mut lines = Vec::new();
    let mut selected_line = 0;
    let mut last_kind = None;
    for (i, entry) in entries.iter().enumerate() {
        if last_kind != Some(entry.backlink) {
            if last_kind.is_some() {
                lines.push(Line::default());
            }
            let heading = if entry.backlink {
                t.t("reader.links_to_here")
            } else {
                t.t("reader.links_from_here")
            };
            lines.push(Line::from(Span::styled(
                heading.to_string(),
                state.theme.heading,
            )));
            last_kind = Some(entry.backlink);
        }
        let arrow = if entry.backlink { "←" } else { "→" };
        let text = match &entry.target {
            crate::tui::markdown::Link::Wiki(id) if entry.title != *id => {
                format!("{arrow} {} ({id})", entry.title)
            }
            _ => format!("{arrow} {}", entry.title),
        };
        if i == reader.links_selected {
            selected_line = lines.len();
            lines.push(Line::from(Span::styled(
                format!("> {text}"),
                state.theme.selected,
            )));
        } else {
            lines.push(Line::from(format!("  {text}")));
        }
    }
    if entries.is_empty() {
        lines.push(Line::from(Span::styled(
            t.t("reader.no_links").to_string(),
            state.theme.dim,
        )));
    }
    if reader.laid.doc.more_backlinks {
        // The next page comes as the selection nears the end: in sight below the last entry.
        lines.push(Line::from(Span::styled("  …", state.theme.dim)));
        if reader.links_selected + 1 >= entries.len() {
            selected_line = lines.len() - 1;
        }
    }
    window(lines, selected_line, page)
}

fn history<'a>(
    state: &'a State,
    reader: &ReaderState,
    page: usize,
) -> (Vec<Line<'a>>, usize, usize) {
    let t = &state.i18n;
    let mut lines = vec![
        Line::from(Span::styled(
            t.t("reader.history_help").to_string(),
            state.theme.dim,
        )),
        Line::default(),
    ];
    let width = usize::from(state.width).saturating_sub(40);
    for (i, rev) in reader.laid.doc.history.iter().enumerate() {
        let mark = if reader.mark == Some(i) { "*" } else { " " };
        let text = format!(
            "{mark}{:>3}  {}  {}  {:<10} {}",
            i + 1,
            rev.id.short(),
            rev.time,
            rev.author,
            ellipsize(&rev.title, width.max(10))
        );
        if i == reader.history_selected {
            lines.push(Line::from(Span::styled(
                format!(">{text}"),
                state.theme.selected,
            )));
        } else {
            lines.push(Line::from(format!(" {text}")));
        }
    }
    let selected = reader.history_selected + 2;
    window(lines, selected, page)
}

/// The part of `lines` to show so that `selected` is visible.
fn window(lines: Vec<Line<'_>>, selected: usize, page: usize) -> (Vec<Line<'_>>, usize, usize) {
    let total = lines.len();
    let top = selected.saturating_sub(page.saturating_sub(1));
    (lines.into_iter().skip(top).take(page).collect(), top, total)
}

fn render_diff(
    state: &State,
    diff: &crate::tui::state::DiffView,
    layout: &ReaderLayout,
    buf: &mut Buffer,
) {
    let theme = &state.theme;
    let page = layout.page_height();
    let width = layout.text_width().saturating_sub(2);
    let rows = diff_rows(state, &diff.lines);
    let added = rows.iter().filter(|(sign, _)| *sign == '+').count();
    let removed = rows.iter().filter(|(sign, _)| *sign == '-').count();
    let lines: Vec<Line> = rows
        .iter()
        .skip(diff.scroll)
        .take(page)
        .map(|(sign, text)| {
            let text = format!("{sign} {}", ellipsize(text, width));
            match sign {
                '+' => Line::from(Span::styled(text, theme.added)),
                '-' => Line::from(Span::styled(text, theme.removed)),
                _ => Line::from(text),
            }
        })
        .collect();
    let title = state.i18n.f(
        "reader.diff_title",
        &[
            ("from", &diff.from),
            ("to", &diff.to),
            ("added", &added),
            ("removed", &removed),
        ],
    );
    let block = block(&title, true, theme).padding(Padding::horizontal(1));
    Paragraph::new(lines).block(block).render(layout.frame, buf);
}

/// The diff as signed rows (`+`, `-` or a space): each changed field as its old and new value
/// under its name in the interface's language, then the body's lines. As many rows as
/// `DiffView::rows` counts.
pub(super) fn diff_rows(state: &State, lines: &[DiffLine]) -> Vec<(char, String)> {
    let mut rows = Vec::new();
    for line in lines {
        match line {
            DiffLine::Field { field, from, to } => {
                let label = state.i18n.t(field_key(*field));
                for (sign, value) in [('-', from), ('+', to)] {
                    if !value.is_empty() {
                        let value = field_value(state, *field, value);
                        rows.push((sign, format!("{label}: {value}")));
                    }
                }
            }
            DiffLine::Same(text) => rows.push((' ', text.clone())),
            DiffLine::Added(text) => rows.push(('+', text.clone())),
            DiffLine::Removed(text) => rows.push(('-', text.clone())),
        }
    }
    rows
}

fn field_key(field: Field) -> &'static str {
    match field {
        Field::Title => "diff.title",
        Field::Summary => "diff.summary",
        Field::Category => "diff.category",
        Field::Tags => "diff.tags",
        Field::HsCodes => "diff.hs",
        Field::Lang => "diff.lang",
        Field::Kind => "diff.kind",
        Field::Classification => "diff.classification",
        Field::ReviewBy => "diff.review_by",
    }
}

/// A field's value as the interface names it: codes by their name in the catalogue.
fn field_value(state: &State, field: Field, value: &str) -> String {
    let named = |section: &str| state.i18n.t(&format!("{section}.{value}")).to_string();
    match field {
        Field::Category => state.category_path(value),
        Field::Lang => named("lang"),
        Field::Kind => named("kind"),
        Field::Classification => named("classification"),
        _ => value.to_string(),
    }
}
