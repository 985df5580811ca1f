//! Communities, Mileage and Statistics. Every figure is written as a number beside its bar, so
//! the charts read without colour (NO_COLOR) and in a shared terminal.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Padding, Paragraph, Sparkline, Widget, Wrap};

use unicode_width::UnicodeWidthStr;

use super::{block, ellipsize, frame_areas};
use crate::tui::state::State;

pub struct CommunitiesLayout {
    pub list: Rect,
    pub about: Rect,
}

impl CommunitiesLayout {
    pub fn visible_rows(&self) -> usize {
        usize::from(self.list.height.saturating_sub(2))
    }
}

pub fn communities_layout(area: Rect) -> CommunitiesLayout {
    let [_, body, _] = frame_areas(area);
    let [list, about] =
        Layout::vertical([Constraint::Percentage(40), Constraint::Fill(1)]).areas(body);
    CommunitiesLayout { list, about }
}

pub fn render_communities(state: &State, area: Rect, buf: &mut Buffer) {
    let layout = communities_layout(area);
    let t = &state.i18n;
    let c = &state.communities;
    let width = usize::from(layout.list.width.saturating_sub(4));
    let title = t.f("communities.title", &[("count", &c.shown())]);
    let lines: Vec<Line> = match &c.communities {
        None => vec![Line::from(t.t("search.loading").to_string())],
        Some(list) if list.is_empty() => vec![Line::from(Span::styled(
            t.t("communities.empty").to_string(),
            state.theme.dim,
        ))],
        Some(list) => list
            .iter()
            .enumerate()
            .skip(c.offset)
            .take(layout.visible_rows())
            .map(|(i, v)| {
                let counts = t.f(
                    "communities.counts",
                    &[
                        ("members", &v.members.len()),
                        ("outcomes", &v.outcomes.len()),
                    ],
                );
                let marker = if i == c.selected { ">" } else { " " };
                let name = ellipsize(&v.name, width.saturating_sub(counts.width() + 3));
                let text = format!("{marker}{name}  {counts}");
                let style = if i == c.selected {
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
    if let Some(v) = c.selected_community() {
        if !v.description.is_empty() {
            about.push(Line::from(v.description.clone()));
        }
        about.push(Line::from(Span::styled(
            t.f(
                "communities.founded",
                &[("who", &v.founded_by), ("date", &v.founded)],
            ),
            state.theme.dim,
        )));
        about.push(Line::from(Span::styled(
            t.t("communities.members").to_string(),
            state.theme.heading,
        )));
        about.push(Line::from(ellipsize(&v.members.join(", "), about_width)));
        about.push(Line::from(Span::styled(
            t.t("communities.outcomes").to_string(),
            state.theme.heading,
        )));
        for o in v.outcomes.iter().rev() {
            let articles = o.articles.len() + o.hidden_articles;
            about.push(Line::from(ellipsize(
                &format!(
                    "{}  {}  ({}, {})",
                    o.date,
                    o.title,
                    o.by,
                    t.f("communities.articles", &[("count", &articles)])
                ),
                about_width,
            )));
        }
    } else {
        about.push(Line::from(Span::styled(
            t.t("communities.hint").to_string(),
            state.theme.dim,
        )));
    }
    Paragraph::new(about)
        .wrap(Wrap { trim: true })
        .block(
            block(t.t("screen.communities"), false, &state.theme).padding(Padding::horizontal(1)),
        )
        .render(layout.about, buf);
}

pub struct MileageLayout {
    pub people: Rect,
    pub offices: Rect,
}

impl MileageLayout {
    /// People shown: one bar a row inside the border.
    pub fn visible_rows(&self) -> usize {
        usize::from(self.people.height.saturating_sub(2))
    }
}

pub fn mileage_layout(area: Rect) -> MileageLayout {
    let [_, body, _] = frame_areas(area);
    let [people, offices] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Fill(1)]).areas(body);
    MileageLayout { people, offices }
}

/// A horizontal bar chart, one bar a row: the label, the bar, the number.
fn bars<'a>(rows: impl Iterator<Item = (String, u64)>, label_width: usize) -> BarChart<'a> {
    let bars: Vec<Bar> = rows
        .map(|(label, value)| {
            Bar::with_label(ellipsize(&label, label_width), value).text_value(value.to_string())
        })
        .collect();
    BarChart::horizontal(bars).bar_width(1).bar_gap(0)
}

pub fn render_mileage(state: &State, area: Rect, buf: &mut Buffer) {
    let layout = mileage_layout(area);
    let t = &state.i18n;
    let Some(board) = &state.mileage.board else {
        Paragraph::new(t.t("search.loading").to_string())
            .block(block(t.t("screen.mileage"), true, &state.theme))
            .render(layout.people, buf);
        return;
    };
    let label = usize::from(layout.people.width / 3);
    let people_title = t.f("mileage.people", &[("count", &board.people.len())]);
    if board.people.is_empty() {
        Paragraph::new(Span::styled(
            t.t("mileage.empty").to_string(),
            state.theme.dim,
        ))
        .block(block(&people_title, true, &state.theme).padding(Padding::horizontal(1)))
        .render(layout.people, buf);
    } else {
        let rows = board
            .people
            .iter()
            .skip(state.mileage.offset)
            .take(layout.visible_rows())
            .map(|s| (s.name.clone(), s.points));
        bars(rows, label)
            .max(board.people[0].points.max(1))
            .block(block(&people_title, true, &state.theme).padding(Padding::horizontal(1)))
            .render(layout.people, buf);
    }
    let rows = board
        .offices
        .iter()
        .take(usize::from(layout.offices.height.saturating_sub(2)))
        .map(|s| (s.name.clone(), s.points));
    bars(rows, label)
        .block(block(t.t("mileage.offices"), false, &state.theme).padding(Padding::horizontal(1)))
        .render(layout.offices, buf);
}

pub fn render_statistics(state: &State, area: Rect, buf: &mut Buffer) {
    let [_, body, _] = frame_areas(area);
    let t = &state.i18n;
    let Some(s) = &state.statistics.stats else {
        Paragraph::new(t.t("search.loading").to_string())
            .block(block(t.t("screen.statistics"), true, &state.theme))
            .render(body, buf);
        return;
    };
    let [summary, charts, months] = Layout::vertical([
        Constraint::Length(6),
        Constraint::Fill(1),
        Constraint::Length(4),
    ])
    .areas(body);
    let [by_category, by_office] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(charts);
    let e = &s.evaluation;
    let days = |d: Option<f64>| d.map_or("–".to_string(), |d| format!("{d:.1}"));
    let lines = vec![
        Line::from(t.f(
            "statistics.articles",
            &[("total", &s.articles.total), ("stale", &s.articles.stale)],
        )),
        Line::from(t.f(
            "statistics.evaluation",
            &[
                ("submissions", &e.submissions),
                ("published", &e.published),
                ("waiting", &e.waiting),
                ("step1", &days(e.median_days_step1)),
                ("step2", &days(e.median_days_step2)),
            ],
        )),
        Line::from(t.f(
            "statistics.questions",
            &[
                ("asked", &s.questions.asked),
                ("answered", &s.questions.answered),
            ],
        )),
        Line::from(t.f(
            "statistics.communities",
            &[
                ("communities", &s.communities.communities),
                ("members", &s.communities.members),
                ("outcomes", &s.communities.outcomes),
            ],
        )),
    ];
    Paragraph::new(lines)
        .block(block(t.t("screen.statistics"), true, &state.theme).padding(Padding::horizontal(1)))
        .render(summary, buf);
    let label = usize::from(by_category.width / 3);
    let category_rows = s.articles.by_category.iter().map(|(k, n)| {
        let name = state.category_path(k);
        (if name.is_empty() { k.clone() } else { name }, *n)
    });
    bars(category_rows, label)
        .block(block(t.t("statistics.by_category"), false, &state.theme))
        .render(by_category, buf);
    let office_rows = s.articles.by_office.iter().map(|(k, n)| (k.clone(), *n));
    bars(office_rows, label)
        .block(block(t.t("statistics.by_office"), false, &state.theme))
        .render(by_office, buf);
    let per_month: Vec<u64> = s.articles.by_month.values().copied().collect();
    let range = match (
        s.articles.by_month.keys().next(),
        s.articles.by_month.keys().last(),
    ) {
        (Some(first), Some(last)) => format!("{first} – {last}"),
        _ => String::new(),
    };
    let title = t.f("statistics.by_month", &[("range", &range)]);
    Sparkline::default()
        .data(&per_month)
        .block(block(&title, false, &state.theme))
        .render(months, buf);
}
