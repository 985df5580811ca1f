//! The Knowledge Market screen: the tabs (inbox, my questions, open questions) over the current
//! list, urgent first, each question with its category, asker, time and where it is; or the
//! question opened from it: who asked what and when, its body, its answers (the selected one
//! marked, the accepted one ticked, helpful counts) and its comments.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Widget, Wrap};

use super::{block, ellipsize, frame_areas, styled_line};
use crate::core::{CommentView, QuestionSummary};
use crate::tui::markdown::{Sty, wrap_spans};
use crate::tui::state::State;
use crate::tui::state::market::{MarketTab, OpenQuestion, journey};

pub struct MarketLayout {
    pub tabs: Rect,
    pub list: Rect,
    /// The whole body, for an open question.
    pub body: Rect,
}

impl MarketLayout {
    /// Questions shown at once (two rows each).
    pub fn visible_items(&self) -> usize {
        usize::from(self.list.height.saturating_sub(2) / 2)
    }
}

pub fn market_layout(area: Rect) -> MarketLayout {
    let [_, body, _] = frame_areas(area);
    let [tabs, list] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(body);
    MarketLayout { tabs, list, body }
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let layout = market_layout(area);
    match &state.market.open {
        Some(open) => render_question(state, open, layout.body, buf),
        None => {
            render_tabs(state, layout.tabs, buf);
            render_list(state, &layout, buf);
        }
    }
}

/// ` Inbox │ My questions │ Open questions ` with the current one marked; `Tab` goes on.
fn render_tabs(state: &State, area: Rect, buf: &mut Buffer) {
    let mut spans = vec![Span::raw(" ")];
    for (i, tab) in MarketTab::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", state.theme.dim));
        }
        let name = state.i18n.t(tab.key()).to_string();
        if *tab == state.market.tab {
            spans.push(Span::styled(format!("[{name}]"), state.theme.selected));
        } else {
            spans.push(Span::raw(name));
        }
    }
    Line::from(spans).render(area, buf);
}

fn render_list(state: &State, layout: &MarketLayout, buf: &mut Buffer) {
    let t = &state.i18n;
    let m = &state.market;
    let width = usize::from(layout.list.width.saturating_sub(4));
    let dim = |key: &str| {
        vec![Line::from(Span::styled(
            t.t(key).to_string(),
            state.theme.dim,
        ))]
    };
    let lines: Vec<Line> = match &m.list {
        None => dim("search.loading"),
        Some(items) if items.is_empty() => dim(&m.tab.key().replace(".tab.", ".empty.")),
        Some(items) => items
            .iter()
            .enumerate()
            .skip(m.offset)
            .take(layout.visible_items())
            .flat_map(|(i, q)| item(state, q, i == m.selected, width))
            .collect(),
    };
    let title = t.f(
        "market.title",
        &[("tab", &t.t(m.tab.key())), ("n", &m.shown())],
    );
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block(&title, true, &state.theme).padding(Padding::horizontal(1)))
        .render(layout.list, buf);
}

/// The category's last name (the whole path is on the question).
fn category_name(state: &State, id: &str) -> String {
    let path = state.category_path(id);
    path.rsplit(" › ").next().unwrap_or_default().to_string()
}

/// Two rows: `> [URGENT] Title`, then `  Category · queued … · lek@Post A · 2026-11-02 10:00 · 1 answer`.
fn item<'a>(state: &State, q: &QuestionSummary, selected: bool, width: usize) -> [Line<'a>; 2] {
    let t = &state.i18n;
    let marker = if selected { "> " } else { "  " };
    let style = if selected {
        state.theme.selected
    } else {
        state.theme.strong
    };
    let urgent = if q.urgent {
        format!("{} ", t.t("market.urgent"))
    } else {
        String::new()
    };
    let answers = t.plural("market.answers", q.answers as u64, &[]);
    let detail = format!(
        "  {} · {} · {} · {} · {answers}",
        category_name(state, &q.category),
        journey(t, &q.journey),
        q.asked_by,
        q.asked,
    );
    [
        Line::from(Span::styled(
            ellipsize(&format!("{marker}{urgent}{}", q.title), width),
            style,
        )),
        Line::from(Span::styled(ellipsize(&detail, width), state.theme.dim)),
    ]
}

/// Wrapped text, each line indented by `indent`.
fn wrapped<'a>(state: &State, text: &str, width: usize, indent: &str) -> Vec<Line<'a>> {
    text.lines()
        .flat_map(|l| wrap_spans(&[(l.to_string(), Sty::Plain)], width, indent, indent))
        .map(|l| {
            Line::from(
                styled_line(&l, &state.theme, None)
                    .spans
                    .into_iter()
                    .map(|s| Span::styled(s.content.into_owned(), s.style))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

/// The question's lines, and the row where the selected answer starts.
fn question_lines<'a>(state: &State, open: &OpenQuestion, width: usize) -> (Vec<Line<'a>>, usize) {
    let t = &state.i18n;
    let q = &open.view;
    let s = &q.summary;
    let mut lines = Vec::new();
    let urgent = if s.urgent {
        format!("{} ", t.t("market.urgent"))
    } else {
        String::new()
    };
    lines.push(Line::from(Span::styled(
        ellipsize(&format!("{urgent}{}", s.title), width),
        state.theme.strong,
    )));
    let asked = t.f(
        "market.asked",
        &[
            ("category", &state.category_path(&s.category)),
            ("who", &s.asked_by),
            ("when", &s.asked),
        ],
    );
    lines.extend(wrapped(state, &asked, width, ""));
    lines.push(Line::from(Span::styled(
        ellipsize(&journey(t, &s.journey), width),
        state.theme.dim,
    )));
    lines.push(Line::default());
    lines.extend(wrapped(state, &q.body, width, ""));
    lines.push(Line::default());
    let heading = t.f("market.answers_heading", &[("n", &q.answers.len())]);
    lines.push(Line::from(Span::styled(heading, state.theme.heading)));
    let mut at = lines.len();
    if q.answers.is_empty() {
        lines.push(Line::from(Span::styled(
            t.t("market.no_answers").to_string(),
            state.theme.dim,
        )));
    }
    for (i, a) in q.answers.iter().enumerate() {
        let selected = i == open.selected;
        if selected {
            at = lines.len();
        }
        let marker = if selected { "> " } else { "  " };
        let mut head = format!("{marker}{} · {}", a.by, a.when);
        if a.accepted {
            head.push_str(&format!(" · {}", t.t("market.accepted_mark")));
        }
        head.push_str(&format!(
            " · {}",
            t.plural("market.helpful", a.helpful, &[])
        ));
        if a.helpful_mine {
            head.push_str(&format!(" ({})", t.t("market.helpful_mine")));
        }
        let style = if selected {
            state.theme.selected
        } else {
            state.theme.strong
        };
        lines.push(Line::from(Span::styled(ellipsize(&head, width), style)));
        lines.extend(wrapped(state, &a.body, width, "    "));
    }
    lines.push(Line::default());
    let count = q
        .comments
        .iter()
        .map(|c| 1 + c.replies.len())
        .sum::<usize>();
    let heading = t.f("market.comments_heading", &[("n", &count)]);
    lines.push(Line::from(Span::styled(heading, state.theme.heading)));
    for c in &q.comments {
        comment(state, c, "  ", width, &mut lines);
        for r in &c.replies {
            comment(state, r, "    ", width, &mut lines);
        }
    }
    (lines, at)
}

fn comment<'a>(
    state: &State,
    c: &CommentView,
    indent: &str,
    width: usize,
    out: &mut Vec<Line<'a>>,
) {
    let head = format!("{indent}{} · {}", c.by, c.when);
    out.push(Line::from(Span::styled(
        ellipsize(&head, width),
        state.theme.dim,
    )));
    out.extend(wrapped(state, &c.text, width, indent));
}

fn render_question(state: &State, open: &OpenQuestion, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width.saturating_sub(4));
    let (lines, at) = question_lines(state, open, width);
    let page = usize::from(area.height.saturating_sub(2));
    // The selected answer's first rows in view, the question's start when it fits.
    let scroll = at
        .saturating_sub(page / 3)
        .min(lines.len().saturating_sub(page));
    let scroll = if at < page.saturating_sub(2) {
        0
    } else {
        scroll
    };
    let title = state.i18n.t("market.question").to_string();
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(page).collect();
    Paragraph::new(shown)
        .block(block(&title, true, &state.theme).padding(Padding::horizontal(1)))
        .render(area, buf);
}
