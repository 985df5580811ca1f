//! Drawing: pure functions of `&State`. Geometry lives in the `*_layout` functions, which
//! `update` also calls on resize so wrapping and scrolling are settled before anything is drawn.
//! Text goes through ratatui's `Line`/`Span`, which measures Thai and Hangul by grapheme width.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, List, ListItem, ListState, Padding, Paragraph, StatefulWidget, Widget,
};

use super::keymap::{Scope, hints};
use super::state::{DocLine, DocView, LABEL_WIDTH, LineKind, Mode, State};
use crate::model::Status;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Below this width the preview pane is hidden: the list needs the room.
pub const PREVIEW_MIN_WIDTH: u16 = 100;
/// Rows per result: the title, then category and HS codes.
const ITEM_HEIGHT: u16 = 2;

/// Where the search screen's parts go.
pub struct SearchLayout {
    pub input: Rect,
    pub list: Rect,
    pub preview: Option<Rect>,
    pub status: Rect,
}

impl SearchLayout {
    /// Whole results that fit in the list's frame.
    pub fn visible_items(&self) -> usize {
        usize::from(self.list.height.saturating_sub(2) / ITEM_HEIGHT)
    }

    /// Columns for the preview's text: inside the border and one column of padding each side.
    pub fn preview_text_width(&self) -> usize {
        self.preview
            .map_or(0, |p| usize::from(p.width.saturating_sub(4)))
    }
}

pub fn search_layout(area: Rect) -> SearchLayout {
    let [input, body, status] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    if area.width < PREVIEW_MIN_WIDTH {
        return SearchLayout {
            input,
            list: body,
            preview: None,
            status,
        };
    }
    let [list, preview] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    SearchLayout {
        input,
        list,
        preview: Some(preview),
        status,
    }
}

/// Where the reader's parts go.
pub struct ReaderLayout {
    pub frame: Rect,
    pub status: Rect,
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
    let [frame, status] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    ReaderLayout { frame, status }
}

/// Draws the state and places the terminal cursor in the search box.
pub fn draw(frame: &mut Frame, state: &State) {
    frame.render_widget(state, frame.area());
    split_spaced_clusters(frame.buffer_mut());
    if let Some(position) = cursor_position(state, frame.area()) {
        frame.set_cursor_position(position);
    }
}

/// Terminals lay text out per code point (wcwidth); ratatui keeps a grapheme cluster in one
/// cell. They disagree on clusters made of several one-column characters — Thai SARA AM (`นำ`),
/// Lao AM, Indic spacing vowels — which the terminal spreads over two cells. Kept as one ratatui
/// cell, the second half is never cleared when the screen changes (a stray `ำ` stays behind),
/// so such clusters are split into one cell per column, as the terminal draws them.
pub fn split_spaced_clusters(buf: &mut Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let symbol = buf[(x, y)].symbol();
            // Wide characters (Hangul, CJK, emoji) are one cell in the terminal too.
            if symbol.width() < 2 || symbol.chars().any(|c| c.width().unwrap_or(0) > 1) {
                continue;
            }
            let mut columns: Vec<String> = Vec::new();
            for c in symbol.chars() {
                match columns.last_mut() {
                    // Zero-width marks stay with the character before them.
                    Some(column) if c.width().unwrap_or(0) == 0 => column.push(c),
                    _ => columns.push(c.to_string()),
                }
            }
            let fits = usize::from(area.right() - x) >= columns.len();
            if columns.len() != symbol.width() || !fits {
                continue;
            }
            let template = buf[(x, y)].clone();
            for (column, offset) in columns.iter().zip(0u16..) {
                let mut cell = template.clone();
                cell.set_symbol(column);
                buf[(x + offset, y)] = cell;
            }
        }
    }
}

fn cursor_position(state: &State, area: Rect) -> Option<Position> {
    let Mode::Search = state.mode else {
        return None;
    };
    let inner = search_box().inner(search_layout(area).input);
    let (_, column) = state.query.visible(usize::from(inner.width));
    let column = u16::try_from(column).unwrap_or(u16::MAX);
    Some(Position::new(inner.x.saturating_add(column), inner.y))
}

impl Widget for &State {
    fn render(self, area: Rect, buf: &mut Buffer) {
        match &self.mode {
            Mode::Search => render_search(self, area, buf),
            Mode::Reader(doc) => render_reader(self, doc, area, buf),
        }
    }
}

fn render_search(state: &State, area: Rect, buf: &mut Buffer) {
    let layout = search_layout(area);

    let input_block = search_box();
    let inner = input_block.inner(layout.input);
    input_block.render(layout.input, buf);
    let (shown, _) = state.query.visible(usize::from(inner.width));
    let line = if shown.is_empty() {
        Line::from("titles, text, tags or HS codes — English, ไทย, 한국어".dim())
    } else {
        Line::from(shown)
    };
    line.render(inner, buf);

    render_list(state, layout.list, buf);
    if let Some(area) = layout.preview {
        let block = Block::bordered()
            .title(" Preview ")
            .padding(Padding::horizontal(1));
        match &state.preview {
            Some(doc) => doc_paragraph(doc).block(block).render(area, buf),
            None if state.results.is_empty() => block.render(area, buf),
            None => Paragraph::new("Loading…".dim())
                .block(block)
                .render(area, buf),
        }
    }
    status_line(state, Scope::Search, None).render(layout.status, buf);
}

fn search_box() -> Block<'static> {
    Block::bordered()
        .title(" Search ")
        .padding(Padding::horizontal(1))
}

fn render_list(state: &State, area: Rect, buf: &mut Buffer) {
    let heading = if state.results_for.is_empty() {
        "Recent articles"
    } else {
        "Results"
    };
    let block = Block::bordered().title(format!(" {heading} ({}) ", state.results.len()));
    if state.results.is_empty() {
        let text = if state.results_for.is_empty() {
            "No articles yet.".to_string()
        } else {
            format!(
                "Nothing matches “{}”. Try fewer words, or an HS code such as 4403.",
                state.results_for
            )
        };
        let paragraph = Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true });
        return paragraph.block(block).render(area, buf);
    }
    let items = state.results.iter().map(|row| {
        let mut meta = vec![Span::raw(row.category.clone())];
        if row.status != Status::Published {
            meta.push(Span::raw(format!(" · {}", row.status)));
        }
        if !row.hs_codes.is_empty() {
            meta.push(Span::raw(format!(" · HS {}", row.hs_codes.join(", "))));
        }
        ListItem::new(vec![
            Line::from(row.title.as_str().bold()),
            Line::from(meta).style(Style::new().add_modifier(Modifier::DIM)),
        ])
    });
    let list = List::new(items)
        .block(block)
        .highlight_symbol("> ")
        .highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    let mut list_state = ListState::default()
        .with_offset(state.list_offset)
        .with_selected(Some(state.selected));
    StatefulWidget::render(list, area, buf, &mut list_state);
}

fn render_reader(state: &State, doc: &DocView, area: Rect, buf: &mut Buffer) {
    let layout = reader_layout(area);
    let block = Block::bordered()
        .title(format!(" {} ", doc.doc.id))
        .padding(Padding::horizontal(1));
    let scroll = u16::try_from(doc.scroll).unwrap_or(u16::MAX);
    doc_paragraph(doc)
        .scroll((scroll, 0))
        .block(block)
        .render(layout.frame, buf);
    let shown = (doc.scroll + layout.page_height()).min(doc.lines.len());
    let position = format!("{shown}/{} ", doc.lines.len());
    status_line(state, Scope::Reader, Some(position)).render(layout.status, buf);
}

/// A laid-out document. The lines are already wrapped to the pane, so no `Wrap` here: what
/// `update` counted for scrolling is exactly what is drawn.
fn doc_paragraph(doc: &DocView) -> Paragraph<'_> {
    Paragraph::new(doc.lines.iter().map(doc_line).collect::<Vec<_>>())
}

fn doc_line(line: &DocLine) -> Line<'_> {
    let text = line.text.as_str();
    match line.kind {
        LineKind::Title => Line::from(text.bold()),
        LineKind::Field(label) => Line::from(vec![
            format!("{label:<LABEL_WIDTH$}").dim(),
            Span::raw(text),
        ]),
        LineKind::Summary => Line::from(text.italic()),
        LineKind::Heading => Line::from(text.bold().underlined()),
        LineKind::Body => Line::from(text),
    }
}

/// The bottom line: a message if there is one, else the key hints; `right` is right-aligned.
fn status_line(state: &State, scope: Scope, right: Option<String>) -> impl Widget {
    let left = match &state.message {
        Some(message) => Line::from(message.as_str().to_string().bold()),
        None => {
            let mut spans = Vec::new();
            for (i, (key, what)) in hints(scope).iter().enumerate() {
                if i > 0 {
                    spans.push(" · ".dim());
                }
                spans.push(key.bold());
                spans.push(Span::raw(format!(" {what}")));
            }
            Line::from(spans)
        }
    };
    StatusLine { left, right }
}

struct StatusLine {
    left: Line<'static>,
    right: Option<String>,
}

impl Widget for StatusLine {
    fn render(self, area: Rect, buf: &mut Buffer) {
        self.left.render(area, buf);
        if let Some(right) = self.right {
            Line::from(right.dim()).right_aligned().render(area, buf);
        }
    }
}

#[cfg(test)]
mod tests;
