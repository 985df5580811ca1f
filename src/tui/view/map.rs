//! The Knowledge Map (the category tree with article counts) and the Sync screen.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Widget, Wrap};

use super::{block, ellipsize, frame_areas};
use crate::tui::state::lists::tree_rows;
use crate::tui::state::reader::pad;
use crate::tui::state::{State, SyncField, SyncPhase};

pub struct MapLayout {
    pub tree: Rect,
    pub about: Rect,
}

impl MapLayout {
    pub fn visible_rows(&self) -> usize {
        usize::from(self.tree.height.saturating_sub(2))
    }
}

pub fn map_layout(area: Rect) -> MapLayout {
    let [_, body, _] = frame_areas(area);
    let [tree, about] = Layout::vertical([Constraint::Fill(1), Constraint::Length(3)]).areas(body);
    MapLayout { tree, about }
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let layout = map_layout(area);
    let t = &state.i18n;
    let lang = t.lang.code();
    let rows = tree_rows(&state.categories, &state.map.expanded);
    let width = usize::from(layout.tree.width.saturating_sub(4));
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(state.map.offset)
        .take(layout.visible_rows())
        .map(|(i, row)| {
            let c = &state.categories[row.index];
            let open = if !row.parent {
                " "
            } else if state.map.expanded.contains(&c.id) {
                "▾"
            } else {
                "▸"
            };
            let count = state.map.counts.as_ref().map_or_else(
                || "…".to_string(),
                |m| m.get(&c.id).copied().unwrap_or(0).to_string(),
            );
            let selected = i == state.map.selected;
            let marker = if selected { ">" } else { " " };
            let name = format!("{marker}{}{open} {}", "  ".repeat(row.depth), c.name(lang));
            let room = width.saturating_sub(6);
            let text = format!("{}{count:>5}", pad(&ellipsize(&name, room), room));
            let style = if selected {
                state.theme.selected
            } else if row.depth == 0 {
                state.theme.strong
            } else {
                ratatui::style::Style::new()
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    Paragraph::new(lines)
        .block(block(t.t("map.title"), true, &state.theme).padding(Padding::horizontal(1)))
        .render(layout.tree, buf);
    let about = rows
        .get(state.map.selected)
        .map(|r| &state.categories[r.index])
        .map(|c| format!("{} — {}", c.id, c.description))
        .unwrap_or_default();
    Paragraph::new(Span::styled(about, state.theme.dim))
        .wrap(Wrap { trim: true })
        .block(ratatui::widgets::Block::new().padding(Padding::horizontal(1)))
        .render(layout.about, buf);
}

/// The rows of the Sync screen's two path fields.
fn sync_rows(body: Rect) -> (u16, u16) {
    (body.y + 4, body.y + 5)
}

pub fn render_sync(state: &State, area: Rect, buf: &mut Buffer) {
    let t = &state.i18n;
    let theme = &state.theme;
    let s = &state.sync;
    // HQ writes for many posts; a post for HQ alone.
    let hq = state.home.data.as_ref().is_some_and(|d| !d.post);
    let title = if hq {
        t.t("sync_peer.title_hq")
    } else {
        t.t("sync.title")
    };
    let outer = block(title, true, theme).padding(Padding::horizontal(1));
    let inner = outer.inner(area);
    outer.render(area, buf);
    let outbox = state
        .home
        .data
        .as_ref()
        .map(|d| super::home::outbox_text(state, d))
        .unwrap_or_default();
    let value_width = usize::from(inner.width).saturating_sub(16);
    let field = |which: SyncField, key: &str, input: &crate::tui::input::LineInput| {
        let focused = s.field == which;
        let mark = if focused { "▶" } else { " " };
        let style = if focused { theme.focus } else { theme.dim };
        // The focused field scrolls to keep the cursor in view; the other shows its start.
        let shown = if focused {
            input.visible(value_width).0.to_string()
        } else {
            ellipsize(input.text(), value_width.saturating_sub(2))
        };
        Line::from(vec![
            Span::styled(format!("{mark}{}", pad(t.t(key), 14)), style),
            Span::raw(format!("[{}]", pad(&shown, value_width.saturating_sub(2)))),
        ])
    };
    let mut lines = vec![
        Line::from(outbox),
        Line::from(Span::styled(t.t("sync.explain").to_string(), theme.dim)),
        Line::default(),
        peer_line(state, hq),
        field(SyncField::Export, "sync.export", &s.export_path),
        field(SyncField::Import, "sync.import", &s.import_path),
        Line::default(),
        Line::from(Span::styled(t.t("sync.keys").to_string(), theme.dim)),
        Line::default(),
    ];
    if let Some(backup) = &s.last_backup {
        lines.push(Line::from(Span::styled(backup.clone(), theme.dim)));
        lines.push(Line::default());
    }
    if let SyncPhase::Done(report) = &s.phase {
        lines.push(Line::from(Span::styled(
            t.t("sync.report").to_string(),
            theme.heading,
        )));
        lines.extend(report.iter().map(|l| Line::from(l.clone())));
    }
    Paragraph::new(lines)
        .wrap(ratatui::widgets::Wrap { trim: false })
        .render(inner, buf);
}

/// Whom the next export is for, with what it lacks; on HQ, how to pick another post.
fn peer_line(state: &State, hq: bool) -> Line<'static> {
    let t = &state.i18n;
    let s = &state.sync;
    let label = Span::styled(
        format!(" {}", pad(t.t("sync_peer.label"), 14)),
        state.theme.dim,
    );
    let Some(peer) = s.peers.get(s.peer) else {
        let none = if hq { t.t("sync_peer.none") } else { "" };
        return Line::from(vec![label, Span::styled(none.to_string(), state.theme.dim)]);
    };
    let mut spans = vec![
        label,
        Span::styled(
            t.f(
                "sync_peer.lacks",
                &[("office", &peer.office), ("n", &peer.lacks)],
            ),
            state.theme.heading,
        ),
    ];
    if s.peers.len() > 1 {
        spans.push(Span::styled(
            format!(
                "  {}",
                t.f(
                    "sync_peer.choose",
                    &[("i", &(s.peer + 1)), ("n", &s.peers.len())]
                )
            ),
            state.theme.dim,
        ));
    }
    Line::from(spans)
}

pub fn sync_cursor(state: &State, area: Rect) -> Option<Position> {
    let [_, body, _] = frame_areas(area);
    let inner = Rect::new(
        body.x + 2,
        body.y + 1,
        body.width.saturating_sub(4),
        body.height.saturating_sub(2),
    );
    let (export, import) = sync_rows(inner);
    let value_width = usize::from(inner.width).saturating_sub(16);
    let (input, row) = match state.sync.field {
        SyncField::Export => (&state.sync.export_path, export),
        SyncField::Import => (&state.sync.import_path, import),
    };
    let column = u16::try_from(input.visible(value_width).1).unwrap_or(0);
    Some(Position::new(inner.x + 16 + column, row))
}
