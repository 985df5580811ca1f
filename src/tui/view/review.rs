//! The Review screen: the queue of what waits for me (title, then step, category, who sent it
//! and how long it waited), or the submission opened from it: who sent it with what note, its
//! category (and where step 1 would move it), and its diff against the published text.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Widget, Wrap};

use super::reader::diff_rows;
use super::{block, ellipsize, frame_areas};
use crate::core::QueueItem;
use crate::tui::i18n::Catalog;
use crate::tui::state::{OpenSubmission, State};

/// Rows of the submission's header block, borders included.
const INFO_HEIGHT: u16 = 6;

pub struct ReviewLayout {
    /// The queue, or the whole body under an open submission.
    pub body: Rect,
    pub info: Rect,
    pub diff: Rect,
}

impl ReviewLayout {
    /// Queue items shown at once (two rows each).
    pub fn visible_items(&self) -> usize {
        usize::from(self.body.height.saturating_sub(2) / 2)
    }

    /// Diff rows shown at once.
    pub fn diff_rows(&self) -> usize {
        usize::from(self.diff.height.saturating_sub(2))
    }
}

pub fn review_layout(area: Rect) -> ReviewLayout {
    let [_, body, _] = frame_areas(area);
    let [info, diff] =
        Layout::vertical([Constraint::Length(INFO_HEIGHT), Constraint::Fill(1)]).areas(body);
    ReviewLayout { body, info, diff }
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let layout = review_layout(area);
    match &state.review.open {
        Some(open) => render_submission(state, open, &layout, buf),
        None => render_queue(state, &layout, buf),
    }
}

/// "3 days", "5 h", "40 min": how long an item has waited.
pub fn waited(t: &Catalog, minutes: u64) -> String {
    match minutes {
        m if m < 60 => t.f("review.waited_minutes", &[("n", &m)]),
        m if m < 48 * 60 => t.f("review.waited_hours", &[("n", &(m / 60))]),
        m => t.f("review.waited_days", &[("n", &(m / (24 * 60)))]),
    }
}

fn render_queue(state: &State, layout: &ReviewLayout, buf: &mut Buffer) {
    let t = &state.i18n;
    let r = &state.review;
    let width = usize::from(layout.body.width.saturating_sub(4));
    let lines: Vec<Line> = match &r.queue {
        None => vec![Line::from(Span::styled(
            t.t("search.loading").to_string(),
            state.theme.dim,
        ))],
        Some(items) if items.is_empty() => vec![Line::from(Span::styled(
            t.t("review.empty").to_string(),
            state.theme.dim,
        ))],
        Some(items) => items
            .iter()
            .enumerate()
            .skip(r.offset)
            .take(layout.visible_items())
            .flat_map(|(i, item)| queue_item(state, item, i == r.selected, width))
            .collect(),
    };
    let title = t.f("review.title", &[("n", &r.shown())]);
    // Items are cut to the width, so only the empty queue's sentence wraps.
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block(&title, true, &state.theme).padding(Padding::horizontal(1)))
        .render(layout.body, buf);
}

/// Two rows: `> Title`, then `  step 1 · Category · by lek@Post A · waiting 2 days`.
fn queue_item<'a>(state: &State, item: &QueueItem, selected: bool, width: usize) -> [Line<'a>; 2] {
    let t = &state.i18n;
    let marker = if selected { "> " } else { "  " };
    let style = if selected {
        state.theme.selected
    } else {
        state.theme.strong
    };
    let path = state.category_path(&item.category);
    let category = path.rsplit(" › ").next().unwrap_or_default();
    let detail = t.f(
        "review.detail",
        &[
            ("step", &item.step),
            ("category", &category),
            ("who", &item.submitted_by),
            ("waited", &waited(t, item.waited_minutes)),
        ],
    );
    [
        Line::from(Span::styled(
            ellipsize(&format!("{marker}{}", item.title), width),
            style,
        )),
        Line::from(Span::styled(
            ellipsize(&format!("  {detail}"), width),
            state.theme.dim,
        )),
    ]
}

fn render_submission(
    state: &State,
    open: &OpenSubmission,
    layout: &ReviewLayout,
    buf: &mut Buffer,
) {
    let t = &state.i18n;
    let s = &open.view;
    let width = usize::from(layout.info.width.saturating_sub(4));
    let category = match &open.move_to {
        Some(to) => t.f(
            "review.moved",
            &[
                ("from", &state.category_path(&s.category)),
                ("to", &state.category_path(to)),
            ],
        ),
        None => t.f(
            "review.category",
            &[("category", &state.category_path(&s.category))],
        ),
    };
    let mut info = vec![
        Line::from(Span::styled(ellipsize(&s.title, width), state.theme.strong)),
        Line::from(ellipsize(
            &t.f(
                "review.by",
                &[("who", &s.submitted_by), ("revision", &s.revision)],
            ),
            width,
        )),
        Line::from(ellipsize(&category, width)),
    ];
    if !s.note.is_empty() {
        let note = t.f("review.note", &[("note", &s.note)]);
        info.push(Line::from(Span::styled(
            ellipsize(&note, width),
            state.theme.dim,
        )));
    }
    let title = t.f("review.submission", &[("step", &s.step)]);
    Paragraph::new(info)
        .block(block(&title, false, &state.theme).padding(Padding::horizontal(1)))
        .render(layout.info, buf);

    let rows = diff_rows(state, &s.lines);
    let changes = s.changes();
    let title = match &s.base {
        Some(base) => t.f(
            "review.diff_title",
            &[
                ("base", base),
                ("added", &changes.added),
                ("removed", &changes.removed),
            ],
        ),
        None => t.f("review.diff_new", &[("added", &changes.added)]),
    };
    let page = layout.diff_rows();
    let text_width = usize::from(layout.diff.width.saturating_sub(6));
    let lines: Vec<Line> = rows
        .iter()
        .skip(open.scroll)
        .take(page)
        .map(|(sign, text)| {
            let text = format!("{sign} {}", ellipsize(text, text_width));
            match sign {
                '+' => Line::from(Span::styled(text, state.theme.added)),
                '-' => Line::from(Span::styled(text, state.theme.removed)),
                _ => Line::from(text),
            }
        })
        .collect();
    let position = format!(" {}/{} ", (open.scroll + page).min(rows.len()), rows.len());
    let block = block(&title, true, &state.theme)
        .padding(Padding::horizontal(1))
        .title_bottom(Line::from(Span::styled(position, state.theme.dim)).right_aligned());
    Paragraph::new(lines).block(block).render(layout.diff, buf);
}
