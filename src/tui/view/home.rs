//! Home: what needs me (conflicts, submissions to review, my returned submissions, my
//! drafts, required reading, my stale articles, new comments on my articles), recent articles,
//! the outbox, and where to go next. Every row of those lists is selectable and `Enter` opens
//! it. Two columns when wide, one when narrow.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Widget, Wrap};

use super::{block, ellipsize};
use crate::tui::keymap::{Action, Scope};
use crate::tui::state::{HomeData, ResultRow, State};
use unicode_width::UnicodeWidthStr;

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let t = &state.i18n;
    let Some(data) = &state.home.data else {
        return Paragraph::new(Span::styled(t.t("search.loading"), state.theme.dim))
            .render(area, buf);
    };
    let wide = area.width >= 100;
    let (left, right) = if wide {
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(area);
        (l, Some(r))
    } else {
        (area, None)
    };
    let inner_width = |r: Rect| usize::from(r.width.saturating_sub(4));
    let mut needs = Rows::new(state.home.selected, inner_width(left));
    if !data.conflicts.is_empty() {
        needs.push(heading(
            state,
            &t.f("conflict.home", &[("n", &data.conflicts.len())]),
        ));
        for row in &data.conflicts {
            needs.row(|selected, width| item(state, row, selected, width));
        }
        needs.push(dim(state, t.t("conflict.home_hint")));
        needs.push(Line::default());
    }
    evaluation_lines(state, data, &mut needs);
    needs.push(heading(
        state,
        &t.f("home.drafts", &[("n", &data.drafts.len())]),
    ));
    if data.drafts.is_empty() {
        needs.push(dim(state, t.t("home.no_drafts")));
    }
    for row in &data.drafts {
        needs.row(|selected, width| item(state, row, selected, width));
    }
    let e = &data.evaluation;
    if e.to_review == 0 && e.returned.is_empty() {
        needs.push(dim(state, t.t("home.nothing_needed")));
    }
    reading_and_stale(state, data, &mut needs);
    new_comments(state, data, &mut needs);
    needs.push(Line::default());
    needs.push(heading(state, t.t("home.outbox")));
    let outbox = outbox_text(state, data);
    needs.push(Line::from(outbox));
    needs.push(Line::default());
    needs.push(heading(state, t.t("home.start")));
    needs.push(dim(state, &start_keys(state)));

    let offset = needs.index;
    let mut selected_line = needs.selected_line;
    let needs = needs.lines;
    let mut recent = vec![heading(state, t.t("home.recent"))];
    let recent_width = inner_width(right.unwrap_or(left));
    for (i, row) in data.recent.iter().enumerate() {
        let selected = offset + i == state.home.selected;
        if selected {
            selected_line = Some(recent.len() + if right.is_some() { 0 } else { needs.len() + 1 });
        }
        recent.push(item(state, row, selected, recent_width));
    }
    recent.push(Line::default());
    recent.push(heading(state, t.t("home.helpful")));
    recent.push(dim(state, t.t("home.helpful_note")));

    let title = t.t("home.title");
    let scroll = |area: Rect, line: Option<usize>| {
        let page = usize::from(area.height.saturating_sub(2));
        let scroll = line.map_or(0, |l| l.saturating_sub(page.saturating_sub(2)));
        u16::try_from(scroll).unwrap_or(0)
    };
    match right {
        Some(right) => {
            // The selection is in one column or the other: that one scrolls to it.
            let in_needs = state.home.selected < offset;
            Paragraph::new(needs)
                .wrap(Wrap { trim: false })
                .scroll((scroll(left, selected_line.filter(|_| in_needs)), 0))
                .block(block(title, false, &state.theme).padding(Padding::horizontal(1)))
                .render(left, buf);
            Paragraph::new(recent)
                .scroll((scroll(right, selected_line.filter(|_| !in_needs)), 0))
                .block(
                    block(t.t("home.recent_title"), false, &state.theme)
                        .padding(Padding::horizontal(1)),
                )
                .render(right, buf);
        }
        None => {
            let mut lines = needs;
            lines.push(Line::default());
            lines.extend(recent);
            Paragraph::new(lines)
                .scroll((scroll(left, selected_line), 0))
                .block(block(title, false, &state.theme).padding(Padding::horizontal(1)))
                .render(left, buf);
        }
    }
}

/// Home's left column as it is built: its lines, the number of the next selectable row (in
/// the order of `HomeState::items`), and the line of the selected one.
struct Rows<'a> {
    lines: Vec<Line<'a>>,
    index: usize,
    selected: usize,
    selected_line: Option<usize>,
    width: usize,
}

impl<'a> Rows<'a> {
    fn new(selected: usize, width: usize) -> Self {
        Rows {
            lines: Vec::new(),
            index: 0,
            selected,
            selected_line: None,
            width,
        }
    }

    fn push(&mut self, line: Line<'a>) {
        self.lines.push(line);
    }

    /// A selectable row, drawn by `make` (is it selected, the width).
    fn row(&mut self, make: impl FnOnce(bool, usize) -> Line<'a>) {
        let selected = self.index == self.selected;
        if selected {
            self.selected_line = Some(self.lines.len());
        }
        self.lines.push(make(selected, self.width));
        self.index += 1;
    }
}

/// Evaluation's rows of "what needs me": the submissions that wait for my review (`Enter`
/// opens one on the Review screen), then my submissions returned to me with their comment
/// counts.
fn evaluation_lines<'a>(state: &State, data: &HomeData, rows: &mut Rows<'a>) {
    let t = &state.i18n;
    let e = &data.evaluation;
    if e.to_review > 0 {
        rows.push(heading(
            state,
            &t.f("home.to_review", &[("n", &e.to_review)]),
        ));
        for q in &e.queue {
            let rest = t.f(
                "home.to_review_row",
                &[("step", &q.step), ("by", &q.submitted_by)],
            );
            rows.row(|selected, width| titled(state, &q.title, &rest, selected, width));
        }
        rows.push(Line::default());
    }
    if !e.returned.is_empty() {
        rows.push(heading(
            state,
            &t.f("home.returned", &[("n", &e.returned.len())]),
        ));
        for r in &e.returned {
            let comments = t.plural("home.comments", r.comments as u64, &[]);
            rows.row(|selected, width| {
                let mut line = item(
                    state,
                    &r.row,
                    selected,
                    width.saturating_sub(comments.width() + 3),
                );
                line.push_span(Span::styled(format!(" · {comments}"), state.theme.dim));
                line
            });
        }
        rows.push(Line::default());
    }
}

fn heading<'a>(state: &State, text: &str) -> Line<'a> {
    Line::from(Span::styled(text.to_string(), state.theme.heading))
}

fn dim<'a>(state: &State, text: &str) -> Line<'a> {
    Line::from(Span::styled(text.to_string(), state.theme.dim))
}

/// One article: `> Title · Sub-group`, selected reversed.
fn item<'a>(state: &State, row: &ResultRow, selected: bool, width: usize) -> Line<'a> {
    let category = state.category_path(&row.category);
    let category = category.rsplit(" › ").next().unwrap_or_default();
    titled(state, &row.title, category, selected, width)
}

/// A row that names an article: `> Title · what about it`, the title strong (reversed when
/// selected), the rest dim, both cut to `width`.
fn titled<'a>(state: &State, title: &str, rest: &str, selected: bool, width: usize) -> Line<'a> {
    let marker = if selected { "> " } else { "  " };
    let title_room = width.saturating_sub(rest.chars().count().min(width / 3) + 5);
    let title = ellipsize(title, title_room.max(10));
    let style = if selected {
        state.theme.selected
    } else {
        state.theme.strong
    };
    let rest = format!(" · {rest}");
    Line::from(vec![
        Span::styled(format!("{marker}{title}"), style),
        Span::styled(
            ellipsize(
                &rest,
                width.saturating_sub(ratatui::text::Line::from(title).width() + 2),
            ),
            state.theme.dim,
        ),
    ])
}

/// "14 changes waiting for HQ; last bundle sent 3 days ago."
pub fn outbox_text(state: &State, data: &crate::tui::state::HomeData) -> String {
    let t = &state.i18n;
    if !data.post {
        return t.plural("home.outbox_local", data.changes, &[]);
    }
    let when = match data.last_sent {
        None => return t.plural("home.outbox_never", data.changes, &[]),
        Some(sent) => match state.now_millis.saturating_sub(sent) / 86_400_000 {
            0 => t.t("home.today").to_string(),
            1 => t.t("home.yesterday").to_string(),
            n => t.f("home.days_ago", &[("n", &n)]),
        },
    };
    t.plural("home.outbox_waiting", data.changes, &[("when", &when)])
}

/// Where to go from Home, with the keys from the keymap: `/ search · n new · M map …`.
fn start_keys(state: &State) -> String {
    let t = &state.i18n;
    [
        Action::Search,
        Action::NewArticle,
        Action::Review,
        Action::Map,
        Action::Sync,
        Action::Help,
    ]
    .into_iter()
    .filter_map(|action| {
        let key = state.keymap.key_for(Scope::Home, action)?;
        let what = t.t(&format!("action.{}.short", action.name()));
        Some(format!("{} {what}", key.label()))
    })
    .collect::<Vec<_>>()
    .join(" · ")
}

/// "Required reading (n)" and "My stale articles (n)": what the user must read, and what they
/// own that is due for review or flagged, each row opening the reader. Nothing when both are
/// empty.
fn reading_and_stale<'a>(state: &State, data: &HomeData, rows: &mut Rows<'a>) {
    let t = &state.i18n;
    if !data.required.is_empty() {
        rows.push(heading(
            state,
            &t.f("home.required", &[("n", &data.required.len())]),
        ));
        for r in &data.required {
            let key = if r.overdue {
                "home.required_overdue"
            } else {
                "home.required_row"
            };
            let rest = t.f(key, &[("due", &r.due)]);
            rows.row(|selected, width| titled(state, &r.title, &rest, selected, width));
        }
    }
    if !data.stale.is_empty() {
        rows.push(heading(
            state,
            &t.f("home.stale", &[("n", &data.stale.len())]),
        ));
        for s in &data.stale {
            let key = match (s.due.as_str(), s.flags.is_empty()) {
                (_, false) => "home.stale_flagged",
                ("past-due", _) => "home.stale_past_due",
                _ => "home.stale_due_soon",
            };
            let rest = t.f(key, &[("date", &s.review_by)]);
            rows.row(|selected, width| titled(state, &s.title, &rest, selected, width));
        }
    }
}

/// "New comments (n)": what others wrote under my articles since I last read them, newest
/// first: the article and who wrote, then the comment; each row opens the reader (which marks
/// them seen).
fn new_comments<'a>(state: &State, data: &HomeData, rows: &mut Rows<'a>) {
    let t = &state.i18n;
    if data.comments.is_empty() {
        return;
    }
    rows.push(heading(
        state,
        &t.f("home.new_comments", &[("n", &data.comments.len())]),
    ));
    for c in &data.comments {
        let key = if c.reply_to.is_some() {
            "home.reply_row"
        } else {
            "home.comment_row"
        };
        let rest = t.f(key, &[("by", &c.by)]);
        rows.row(|selected, width| titled(state, &c.title, &rest, selected, width));
        // What was said, under its row: the title alone would not say why to open it.
        let text = c.text.replace(['\n', '\r'], " ");
        let text = ellipsize(&format!("    “{text}”"), rows.width);
        rows.push(dim(state, &text));
    }
}
