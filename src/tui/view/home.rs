//! Home: what needs me (conflicts, submissions to review, my returned submissions, my
//! drafts), recent articles, the outbox, and where to go next. Two columns when wide, one
//! when narrow.

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
    let mut needs = Vec::new();
    let mut selected_line = None;
    if !data.conflicts.is_empty() {
        needs.push(heading(
            state,
            &t.f("conflict.home", &[("n", &data.conflicts.len())]),
        ));
        for (i, row) in data.conflicts.iter().enumerate() {
            if i == state.home.selected {
                selected_line = Some(needs.len());
            }
            needs.push(item(
                state,
                row,
                i == state.home.selected,
                inner_width(left),
            ));
        }
        needs.push(dim(state, t.t("conflict.home_hint")));
        needs.push(Line::default());
    }
    let mut index = data.conflicts.len();
    evaluation_lines(
        state,
        data,
        inner_width(left),
        &mut index,
        &mut selected_line,
        &mut needs,
    );
    needs.push(heading(
        state,
        &t.f("home.drafts", &[("n", &data.drafts.len())]),
    ));
    if data.drafts.is_empty() {
        needs.push(dim(state, t.t("home.no_drafts")));
    }
    for row in &data.drafts {
        let selected = index == state.home.selected;
        if selected {
            selected_line = Some(needs.len());
        }
        needs.push(item(state, row, selected, inner_width(left)));
        index += 1;
    }
    let e = &data.evaluation;
    if e.to_review == 0 && e.returned.is_empty() {
        needs.push(dim(state, t.t("home.nothing_needed")));
    }
    needs.extend(reading_and_stale(state, data, inner_width(left)));
    needs.push(Line::default());
    needs.push(heading(state, t.t("home.outbox")));
    let outbox = outbox_text(state, data);
    needs.push(Line::from(outbox));
    needs.push(Line::default());
    needs.push(heading(state, t.t("home.start")));
    needs.push(dim(state, &start_keys(state)));

    let mut recent = vec![heading(state, t.t("home.recent"))];
    let offset = index;
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
    match right {
        Some(right) => {
            Paragraph::new(needs)
                .wrap(Wrap { trim: false })
                .block(block(title, false, &state.theme).padding(Padding::horizontal(1)))
                .render(left, buf);
            let page = usize::from(right.height.saturating_sub(2));
            let scroll = selected_line.map_or(0, |l| l.saturating_sub(page.saturating_sub(2)));
            Paragraph::new(recent)
                .scroll((u16::try_from(scroll).unwrap_or(0), 0))
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
            let page = usize::from(left.height.saturating_sub(2));
            let scroll = selected_line.map_or(0, |l| l.saturating_sub(page.saturating_sub(2)));
            Paragraph::new(lines)
                .scroll((u16::try_from(scroll).unwrap_or(0), 0))
                .block(block(title, false, &state.theme).padding(Padding::horizontal(1)))
                .render(left, buf);
        }
    }
}

/// Evaluation's rows of "what needs me": how many submissions wait for my review (`Enter`
/// opens the Review screen), then my submissions returned to me with their comment counts.
/// `index` is the number of the next selectable item; `selected_line` is set when the
/// selection is among these rows.
fn evaluation_lines(
    state: &State,
    data: &HomeData,
    width: usize,
    index: &mut usize,
    selected_line: &mut Option<usize>,
    needs: &mut Vec<Line<'_>>,
) {
    let t = &state.i18n;
    let e = &data.evaluation;
    if e.to_review > 0 {
        needs.push(heading(
            state,
            &t.f("home.to_review", &[("n", &e.to_review)]),
        ));
        let selected = *index == state.home.selected;
        if selected {
            *selected_line = Some(needs.len());
        }
        let text = t.plural("home.to_review_row", e.to_review as u64, &[]);
        let marker = if selected { "> " } else { "  " };
        let style = if selected {
            state.theme.selected
        } else {
            state.theme.strong
        };
        needs.push(Line::from(Span::styled(
            ellipsize(&format!("{marker}{text}"), width),
            style,
        )));
        needs.push(Line::default());
        *index += 1;
    }
    if !e.returned.is_empty() {
        needs.push(heading(
            state,
            &t.f("home.returned", &[("n", &e.returned.len())]),
        ));
        for r in &e.returned {
            let selected = *index == state.home.selected;
            if selected {
                *selected_line = Some(needs.len());
            }
            let comments = t.plural("home.comments", r.comments as u64, &[]);
            let mut line = item(
                state,
                &r.row,
                selected,
                width.saturating_sub(comments.width() + 3),
            );
            line.push_span(Span::styled(format!(" · {comments}"), state.theme.dim));
            needs.push(line);
            *index += 1;
        }
        needs.push(Line::default());
    }
}

fn heading<'a>(state: &State, text: &str) -> Line<'a> {
    Line::from(Span::styled(text.to_string(), state.theme.heading))
}

fn dim<'a>(state: &State, text: &str) -> Line<'a> {
    Line::from(Span::styled(text.to_string(), state.theme.dim))
}

/// One article: `> Title · Category › Sub-group · 2026-11-01`, selected reversed.
fn item<'a>(state: &State, row: &ResultRow, selected: bool, width: usize) -> Line<'a> {
    let marker = if selected { "> " } else { "  " };
    let category = state.category_path(&row.category);
    let category = category
        .rsplit(" › ")
        .next()
        .unwrap_or_default()
        .to_string();
    let title_room = width.saturating_sub(category.chars().count().min(width / 3) + 5);
    let title = ellipsize(&row.title, title_room.max(10));
    let style = if selected {
        state.theme.selected
    } else {
        state.theme.strong
    };
    let rest = format!(" · {category}");
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
/// own that is due for review or flagged. Nothing when both are empty.
fn reading_and_stale<'a>(
    state: &State,
    data: &crate::tui::state::HomeData,
    width: usize,
) -> Vec<Line<'a>> {
    let t = &state.i18n;
    let mut lines = Vec::new();
    let row = |text: String| {
        Line::from(Span::styled(
            ellipsize(&format!("  {text}"), width.max(10)),
            state.theme.strong,
        ))
    };
    if !data.required.is_empty() {
        lines.push(heading(
            state,
            &t.f("home.required", &[("n", &data.required.len())]),
        ));
        for r in &data.required {
            let key = if r.overdue {
                "home.required_overdue"
            } else {
                "home.required_row"
            };
            lines.push(row(t.f(key, &[("title", &r.title), ("due", &r.due)])));
        }
    }
    if !data.stale.is_empty() {
        lines.push(heading(
            state,
            &t.f("home.stale", &[("n", &data.stale.len())]),
        ));
        for s in &data.stale {
            let key = match (s.due.as_str(), s.flags.is_empty()) {
                (_, false) => "home.stale_flagged",
                ("past-due", _) => "home.stale_past_due",
                _ => "home.stale_due_soon",
            };
            lines.push(row(t.f(key, &[("title", &s.title), ("date", &s.review_by)])));
        }
    }
    lines
}
