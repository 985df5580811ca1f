//! The search screen: the box, the filter chips, the results with count and time, and a
//! preview pane when the terminal is wide enough.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    List, ListItem, ListState, Padding, Paragraph, StatefulWidget, Widget, Wrap,
};

use unicode_width::UnicodeWidthStr;

use super::{block, ellipsize, frame_areas, styled_line};
use crate::model::Status;
use crate::tui::state::{Focus, ResultRow, State};

/// Below this width the preview pane is hidden: the list needs the room.
pub const PREVIEW_MIN_WIDTH: u16 = 100;
/// Rows per result: the title, the matching snippet, then category and HS codes.
const ITEM_HEIGHT: u16 = 3;

/// Where the search screen's parts go.
pub struct SearchLayout {
    pub input: Rect,
    pub chips: Rect,
    pub list: Rect,
    pub preview: Option<Rect>,
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
    let [_, body, _] = frame_areas(area);
    let [input, chips, rest] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(body);
    if area.width < PREVIEW_MIN_WIDTH {
        return SearchLayout {
            input,
            chips,
            list: rest,
            preview: None,
        };
    }
    let [list, preview] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(rest);
    SearchLayout {
        input,
        chips,
        list,
        preview: Some(preview),
    }
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let layout = search_layout(area);
    let t = &state.i18n;
    let s = &state.search;
    let input_block = block(t.t("search.box"), s.focus == Focus::Input, &state.theme)
        .padding(Padding::horizontal(1));
    let inner = input_block.inner(layout.input);
    input_block.render(layout.input, buf);
    let (shown, _) = s.query.visible(usize::from(inner.width));
    if shown.is_empty() {
        Line::from(Span::styled(t.t("search.placeholder"), state.theme.dim)).render(inner, buf);
    } else {
        Line::from(shown).render(inner, buf);
    }
    chips(state, layout.chips, buf);
    render_list(state, layout.list, buf);
    if let Some(area) = layout.preview {
        let block =
            block(t.t("search.preview"), false, &state.theme).padding(Padding::horizontal(1));
        match &s.preview {
            Some(laid) => {
                let lines: Vec<Line> = laid
                    .rendered
                    .lines
                    .iter()
                    .map(|l| styled_line(l, &state.theme, None))
                    .collect();
                let scroll = u16::try_from(s.preview_scroll).unwrap_or(u16::MAX);
                Paragraph::new(lines)
                    .block(block)
                    .scroll((scroll, 0))
                    .render(area, buf);
            }
            None if s.results.is_empty() => block.render(area, buf),
            None if s.selected_row().is_some_and(ResultRow::is_question) => Paragraph::new(
                Span::styled(t.t("search.question_preview"), state.theme.dim),
            )
            .wrap(Wrap { trim: true })
            .block(block)
            .render(area, buf),
            None => Paragraph::new(Span::styled(t.t("search.loading"), state.theme.dim))
                .block(block)
                .render(area, buf),
        }
    }
}

/// The filters as chips: set ones reversed and in brackets, unset ones dim with their key.
fn chips(state: &State, area: Rect, buf: &mut Buffer) {
    let t = &state.i18n;
    let f = &state.search.filters;
    let theme = &state.theme;
    let any = t.t("search.any");
    let items = [
        (
            "search.chip_category",
            f.category.as_ref().map(|c| state.category_path(c)),
            "Alt-C",
        ),
        ("search.chip_hs", f.hs.clone(), "Alt-H"),
        (
            "search.chip_lang",
            f.lang.map(|l| t.t(&format!("lang.{l}")).to_string()),
            "Alt-L",
        ),
        (
            "search.chip_kind",
            f.kind.map(|k| t.t(&format!("kind.{k}")).to_string()),
            "Alt-K",
        ),
    ];
    let mut spans = vec![Span::raw(" ")];
    // The glossary is on unless turned off: only "off" is shown as set.
    let glossary = f.no_glossary.then(|| t.t("search.off").to_string());
    let items = items
        .into_iter()
        .chain([("search.chip_glossary", glossary, "Alt-G")]);
    let mut glossary_at = 0;
    for (label, value, key) in items {
        if label == "search.chip_glossary" {
            glossary_at = spans.len();
        }
        match value {
            Some(v) => {
                spans.push(Span::styled(
                    format!("[{}: {} ×]", t.t(label), ellipsize(&v, 30)),
                    theme.chip,
                ));
                spans.push(Span::raw(" "));
            }
            None => {
                let unset = if label == "search.chip_glossary" {
                    t.t("search.on")
                } else {
                    any
                };
                spans.push(Span::styled(format!("{}: {unset} ", t.t(label)), theme.dim));
                spans.push(Span::styled(format!("{key}  "), theme.key));
            }
        }
    }
    let glossary = spans.split_off(glossary_at);
    Line::from(fit_chips(spans, glossary, usize::from(area.width))).render(area, buf);
}

/// The chips in `width` columns: all of them when they fit; else the glossary chip (last, and
/// the one most often changed) whole at the end and the others cut before it with `…`, by
/// display width — Thai and Korean values included.
fn fit_chips<'a>(filters: Vec<Span<'a>>, glossary: Vec<Span<'a>>, width: usize) -> Vec<Span<'a>> {
    let glossary_width = joined_width(&glossary);
    let filters_width: usize = filters.iter().map(|s| s.content.width()).sum();
    if filters_width + glossary_width <= width {
        return filters.into_iter().chain(glossary).collect();
    }
    let mut out = cut_spans(filters, width.saturating_sub(glossary_width + 1));
    out.push(Span::raw(" "));
    out.extend(cut_spans(glossary, width.saturating_sub(out_width(&out))));
    out
}

/// The spans' width without the spaces that end them.
fn joined_width(spans: &[Span]) -> usize {
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    text.trim_end().width()
}

fn out_width(spans: &[Span]) -> usize {
    spans.iter().map(|s| s.content.width()).sum()
}

/// The spans cut to `width` columns, a `…` ending them when something was left out.
fn cut_spans(spans: Vec<Span<'_>>, width: usize) -> Vec<Span<'_>> {
    if joined_width(&spans) <= width {
        return spans;
    }
    let mut out = Vec::new();
    let mut left = width;
    for span in spans {
        let w = span.content.width();
        if w < left {
            left -= w;
            out.push(span);
            continue;
        }
        // The last span that fits, whole or in part: `ellipsize` keeps whole graphemes and
        // ends with `…` (spans follow it, so the `…` is owed even when this one fits).
        let cut = ellipsize(&format!("{}…", span.content), left);
        out.push(Span::styled(cut, span.style));
        return out;
    }
    out
}

fn render_list(state: &State, area: Rect, buf: &mut Buffer) {
    let t = &state.i18n;
    let s = &state.search;
    let heading = if s.is_recent_list() {
        t.t("search.recent")
    } else {
        t.t("search.results")
    };
    let mut title = format!("{heading} ({})", s.results.len());
    if let Some(micros) = s.took_micros.filter(|_| !s.is_recent_list()) {
        title.push_str(&format!(" · {:.1} ms", micros as f64 / 1000.0));
    }
    if let Some(described) = hs_description(s.results_for.as_ref().map(|(t, _)| t.as_str())) {
        title.push_str(" · ");
        title.push_str(&described);
    }
    if let Some(corrected) = s.corrected.as_ref().filter(|_| !s.results.is_empty()) {
        title.push_str(" · ");
        title.push_str(&t.f("search.corrected", &[("query", corrected)]));
    }
    let block = block(&title, s.focus == Focus::List, &state.theme);
    if s.results.is_empty() {
        let text = match &s.results_for {
            // Results for other words than those in the box (cleared or changed, the search
            // not back yet) say nothing about them.
            Some((words, _)) if words != s.query.text() => t.t("search.loading").to_string(),
            Some((words, _)) if !s.is_recent_list() => t.f("search.nothing", &[("query", words)]),
            _ => t.t("search.empty").to_string(),
        };
        return Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(block)
            .render(area, buf);
    }
    let width = usize::from(area.width.saturating_sub(4));
    let items = s.results.iter().map(|row| item(state, row, width));
    let list = List::new(items)
        .block(block)
        .highlight_symbol("> ")
        .highlight_style(state.theme.selected);
    let mut list_state = ListState::default()
        .with_offset(s.list_offset)
        .with_selected(Some(s.selected));
    StatefulWidget::render(list, area, buf, &mut list_state);
}

/// `4403 Wood in the rough…` when the words searched are one HS code the nomenclature knows.
fn hs_description(words: Option<&str>) -> Option<String> {
    let words = words?.trim();
    if words.is_empty() || !words.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let digits: String = words.chars().filter(char::is_ascii_digit).collect();
    let probe = &digits[..digits.len().min(6)];
    let entry = crate::nomenclature::Nomenclature::builtin()
        .chain(probe)
        .into_iter()
        .last()
        .filter(|e| e.code == probe)?;
    Some(format!("{} {}", entry.dotted(), entry.description))
}

/// A result: its title (a question marked so), the text around the match (the summary in the
/// recent list), then where it is filed, its HS codes, status, a question's answers, how many
/// found it helpful, and its language.
pub fn item<'a>(state: &State, row: &ResultRow, width: usize) -> ListItem<'a> {
    let t = &state.i18n;
    let mut meta = vec![state.category_path(&row.category)];
    if !row.hs_codes.is_empty() {
        meta.push(format!("HS {}", row.hs_codes.join(", ")));
    }
    if row.status != Status::Published {
        meta.push(t.t(&format!("status.{}", row.status)).to_string());
    }
    if let Some(answers) = row.answers {
        meta.push(t.plural("market.answers", answers as u64, &[]));
    }
    if row.helpful > 0 {
        meta.push(t.plural("search.helpful", row.helpful, &[]));
    }
    if !row.lang.is_empty() {
        meta.push(row.lang.clone());
    }
    if let Some(term) = &row.via {
        meta.push(t.f("search.via", &[("term", term)]));
    }
    // One line: the snippet's line breaks and runs of spaces become single spaces.
    let snippet = row.snippet.split_whitespace().collect::<Vec<_>>().join(" ");
    let title = if row.is_question() {
        let mark = format!("[{}]", t.t("market.question"));
        let room = width.saturating_sub(mark.width() + 1);
        Line::from(vec![
            Span::styled(mark, state.theme.chip),
            Span::raw(" "),
            Span::styled(ellipsize(&row.title, room), state.theme.title),
        ])
    } else {
        Line::from(Span::styled(
            ellipsize(&row.title, width),
            state.theme.title,
        ))
    };
    ListItem::new(vec![
        title,
        Line::from(ellipsize(&snippet, width)),
        Line::from(Span::styled(
            ellipsize(&meta.join(" · "), width),
            state.theme.dim,
        )),
    ])
    .style(Style::new())
}

pub fn cursor(state: &State, area: Rect) -> Option<Position> {
    if state.search.focus != Focus::Input {
        return None;
    }
    let layout = search_layout(area);
    let inner = Rect::new(
        layout.input.x + 2,
        layout.input.y + 1,
        layout.input.width.saturating_sub(4),
        1,
    );
    let (_, column) = state.search.query.visible(usize::from(inner.width));
    let column = u16::try_from(column).unwrap_or(u16::MAX);
    Some(Position::new(inner.x.saturating_add(column), inner.y))
}
