//! Drawing: pure functions of `&State`. Geometry lives in the `*_layout` functions, which
//! `update` also calls on resize so wrapping and scrolling are settled before anything is drawn.
//! Text goes through ratatui's `Line`/`Span`, which measures Thai and Hangul by grapheme width.
//! Every screen has a header (where am I), its body, and a status line (messages, else hints
//! built from the keymap).

mod activity;
mod editor;
mod glossary;
pub mod home;
mod map;
mod market;
mod overlay;
mod reader;
mod review;
mod search;
mod signin;
mod users;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub use self::activity::{CommunitiesLayout, MileageLayout, communities_layout, mileage_layout};
pub use self::editor::{EditorLayout, editor_layout};
pub use self::glossary::{GlossaryLayout, glossary_layout};
pub use self::map::{MapLayout, map_layout};
pub use self::market::{MarketLayout, market_layout};
pub use self::overlay::{confirm_max_scroll, help_max_scroll};
pub use self::reader::{ReaderLayout, reader_layout};
pub use self::review::{ReviewLayout, review_layout};
pub use self::search::{PREVIEW_MIN_WIDTH, SearchLayout, search_layout};
pub use self::users::{UsersLayout, users_layout};
use super::keymap::{Action, Scope};
use super::markdown::{RLine, Sty};
use super::state::{Cancelling, Screen, State};
use super::theme::Theme;

/// Header, body and status line: the frame every screen shares.
pub fn frame_areas(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// Draws the state and places the terminal cursor where text is typed.
pub fn draw(frame: &mut Frame, state: &State) {
    frame.render_widget(state, frame.area());
    split_spaced_clusters(frame.buffer_mut());
    if let Some(position) = cursor_position(state, frame.area()) {
        frame.set_cursor_position(position);
    }
}

impl Widget for &State {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if let Some(s) = &self.signin {
            signin::render(self, s, area, buf);
            return;
        }
        let [top, body, status] = frame_areas(area);
        header(self, top, buf);
        match self.screen {
            Screen::Home => home::render(self, body, buf),
            Screen::Search => search::render(self, area, buf),
            Screen::Reader => reader::render(self, area, buf),
            Screen::Editor => editor::render(self, area, buf),
            Screen::Map => map::render(self, area, buf),
            Screen::Sync => map::render_sync(self, body, buf),
            Screen::Glossary => glossary::render(self, area, buf),
            Screen::Communities => activity::render_communities(self, area, buf),
            Screen::Mileage => activity::render_mileage(self, area, buf),
            Screen::Statistics => activity::render_statistics(self, area, buf),
            Screen::Review => review::render(self, area, buf),
            Screen::Users => users::render(self, area, buf),
            Screen::Market => market::render(self, area, buf),
        }
        status_line(self, status, buf);
        overlay::render(self, area, buf);
    }
}

fn cursor_position(state: &State, area: Rect) -> Option<Position> {
    if let Some(s) = &state.signin {
        return signin::cursor(state, s, area);
    }
    if state.overlay.is_some() {
        return overlay::cursor(state, area);
    }
    match state.screen {
        Screen::Search => search::cursor(state, area),
        Screen::Editor => editor::cursor(state, area),
        Screen::Sync => map::sync_cursor(state, area),
        _ => None,
    }
}

/// The top line: the screens with the keys that reach them now (the current one marked), and
/// who is working. The keys come from the keymap for what has the keys: while typing, `H` is
/// text and the top bar shows `F2`; while an overlay is up no screen key works and none is shown.
fn header(state: &State, area: Rect, buf: &mut Buffer) {
    let t = &state.i18n;
    let theme = &state.theme;
    let mut spans = vec![Span::styled(" Outpost ", theme.title)];
    for (screen, action, name) in [
        (Screen::Home, Action::Home, "screen.home"),
        (Screen::Search, Action::Search, "screen.search"),
        (Screen::Map, Action::Map, "screen.map"),
        (Screen::Sync, Action::Sync, "screen.sync"),
    ] {
        let name = t.t(name);
        let key = screen_key(state, action).map(|k| k.label());
        if state.screen == screen {
            let text = key.map_or_else(|| format!("[{name}]"), |k| format!("[{k} {name}]"));
            spans.push(Span::styled(text, theme.selected));
        } else {
            if let Some(key) = key {
                spans.push(Span::styled(format!(" {key} "), theme.key));
            } else {
                spans.push(Span::raw(" "));
            }
            spans.push(Span::raw(name.to_string()));
        }
        spans.push(Span::raw(" "));
    }
    if matches!(
        state.screen,
        Screen::Reader
            | Screen::Editor
            | Screen::Glossary
            | Screen::Communities
            | Screen::Mileage
            | Screen::Statistics
            | Screen::Review
            | Screen::Users
            | Screen::Market
    ) {
        let name = match state.screen {
            Screen::Reader => "screen.reader",
            Screen::Glossary => "screen.glossary",
            Screen::Communities => "screen.communities",
            Screen::Mileage => "screen.mileage",
            Screen::Statistics => "screen.statistics",
            Screen::Review => "screen.review",
            Screen::Users => "screen.users",
            Screen::Market => "screen.market",
            _ => "screen.editor",
        };
        spans.push(Span::styled(format!("[{}]", t.t(name)), theme.selected));
    }
    let line = Line::from(spans);
    let left = line.width();
    line.render(area, buf);
    let demo = state
        .home
        .data
        .as_ref()
        .filter(|h| h.demo)
        .map(|_| format!("{} · ", state.i18n.t("demo.badge")))
        .unwrap_or_default();
    let who = match (&state.user, state.home.data.as_ref()) {
        (Some(user), Some(home)) => format!("{user} · {} ", home.office),
        (Some(user), None) => format!("{user} "),
        (None, Some(home)) => format!("{} ", home.office),
        (None, None) => String::new(),
    };
    let who = if state.no_password {
        format!("{demo}{who}· {} ", state.i18n.t("signin.no_password"))
    } else {
        format!("{demo}{who}")
    };
    if usize::from(area.width) > left + who.width() + 1 {
        Line::from(Span::styled(who, theme.dim))
            .right_aligned()
            .render(area, buf);
    }
}

/// The key that runs `action` at this moment, if one does: none while an overlay has the keys.
pub fn screen_key(state: &State, action: Action) -> Option<super::keymap::Key> {
    if state.overlay.is_some() {
        return None;
    }
    state.keymap.key_for(state.scope(), action)
}

/// The actions hinted on the status line, per screen.
fn hinted(scope: Scope) -> &'static [Action] {
    match scope {
        Scope::Home => &[
            Action::Open,
            Action::Search,
            Action::NewArticle,
            Action::Review,
            Action::Map,
            Action::Help,
            Action::Quit,
        ],
        Scope::SearchInput => &[
            Action::FocusResults,
            Action::Down,
            Action::FilterCategory,
            Action::FilterLang,
            Action::Help,
            Action::Back,
        ],
        Scope::SearchList => &[
            Action::Open,
            Action::Down,
            Action::FocusInput,
            Action::EditArticle,
            Action::Help,
            Action::Quit,
        ],
        Scope::Reader => &[
            Action::Down,
            Action::NextLink,
            Action::Open,
            Action::PaneLinks,
            Action::PaneHistory,
            Action::EditArticle,
            Action::Back,
            Action::Help,
            Action::Submit,
        ],
        Scope::Editor => &[
            Action::NextField,
            Action::Save,
            Action::ExternalEditor,
            Action::Back,
            Action::Help,
        ],
        Scope::Map => &[
            Action::Open,
            Action::Expand,
            Action::Collapse,
            Action::Back,
            Action::Help,
        ],
        Scope::Sync => &[
            Action::NextField,
            Action::Confirm,
            Action::Back,
            Action::Help,
        ],
        Scope::Glossary | Scope::Users => {
            &[Action::Down, Action::PageDown, Action::Back, Action::Help]
        }
        Scope::Communities | Scope::Mileage => &[Action::Down, Action::Back, Action::Help],
        Scope::Statistics => &[Action::Mileage, Action::Back, Action::Help],
        Scope::Review => &[
            Action::Open,
            Action::Approve,
            Action::ReturnSubmission,
            Action::Reject,
            Action::MoveCategory,
            Action::Back,
            Action::Help,
        ],
        Scope::Market => &[
            Action::Open,
            Action::NextList,
            Action::AnswerQuestion,
            Action::CommentQuestion,
            Action::AcceptAnswer,
            Action::Helpful,
            Action::Back,
            Action::Help,
        ],
        Scope::Overlay => &[Action::Confirm, Action::Down, Action::Back],
        Scope::Help | Scope::Global => &[Action::Down, Action::Back],
    }
}

/// The bottom line: a message, else progress, else key hints from the keymap.
fn status_line(state: &State, area: Rect, buf: &mut Buffer) {
    let theme = &state.theme;
    let t = &state.i18n;
    if let Some(message) = &state.message {
        let line = if message.error {
            Line::from(vec![
                Span::styled(format!("{} ", t.t("status.error")), theme.error),
                Span::raw(message.text.clone()),
            ])
        } else {
            Line::from(Span::styled(message.text.clone(), theme.strong))
        };
        return line.render(area, buf);
    }
    if let Some(busy) = &state.busy {
        let note = match busy.cancel {
            Cancelling::Possible if state.screen == Screen::Sync => t.t("sync.cancel_hint"),
            Cancelling::Possible => "",
            Cancelling::Asked => t.t("sync.cancelling"),
            Cancelling::TooLate => t.t("sync.no_cancel"),
        };
        let (label, done, total) = (&busy.label, busy.done, busy.total);
        return progress_line(label, done, total, note, theme, area, buf);
    }
    if matches!(state.overlay, Some(super::state::Overlay::Confirm(_))) {
        return; // the question shows its own keys
    }
    let scope = state.scope();
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    // On an open question the list's keys do nothing: its own keys are hinted.
    let question_open = scope == Scope::Market && state.market.open.is_some();
    for action in hinted(scope) {
        if question_open && matches!(action, Action::Open | Action::NextList) {
            continue;
        }
        let Some(key) = state.keymap.key_for(scope, *action) else {
            continue;
        };
        let label = key.label();
        let what = t.t(&format!("action.{}.short", action.name()));
        let width = label.width() + what.width() + 4;
        if used + width > usize::from(area.width) {
            break;
        }
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", theme.dim));
        }
        spans.push(Span::styled(label, theme.key));
        spans.push(Span::raw(format!(" {what}")));
        used += width;
    }
    Line::from(spans).render(area, buf);
}

/// `label [#####.....] 40% (400/1000) · note`, readable without colour.
pub fn progress_line(
    label: &str,
    done: u64,
    total: u64,
    note: &str,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let percent = done.saturating_mul(100).checked_div(total).unwrap_or(0);
    let text = format!(" {percent:>3}% ({done}/{total})");
    let note = if note.is_empty() {
        String::new()
    } else {
        format!(" · {note}")
    };
    let bar_width = usize::from(area.width)
        .saturating_sub(label.width() + text.width() + note.width() + 4)
        .min(40);
    let filled = bar_width * usize::try_from(percent.min(100)).unwrap_or(0) / 100;
    Line::from(vec![
        Span::styled(label.to_string(), theme.strong),
        Span::raw(" ["),
        Span::raw("#".repeat(filled)),
        Span::styled(".".repeat(bar_width - filled), theme.dim),
        Span::raw("]"),
        Span::raw(text),
        Span::styled(note, theme.dim),
    ])
    .render(area, buf);
}

/// A bordered block with a title; the focused one is drawn in the focus style.
pub fn block(title: &str, focused: bool, theme: &Theme) -> Block<'static> {
    let style = if focused { theme.focus } else { theme.border };
    let title = if focused {
        format!("▶ {title} ")
    } else {
        format!(" {title} ")
    };
    Block::bordered()
        .border_style(style)
        .title(Span::styled(title, style))
}

/// A laid-out line in theme styles; the selected link is drawn reversed and marked.
pub fn styled_line<'a>(line: &'a RLine, theme: &Theme, selected_link: Option<usize>) -> Line<'a> {
    Line::from(
        line.0
            .iter()
            .map(|(text, sty)| {
                let style = match sty {
                    Sty::Plain => Style::new(),
                    Sty::Strong => theme.strong,
                    Sty::Emphasis => theme.emphasis,
                    Sty::Code => theme.code,
                    Sty::Link(i) if Some(*i) == selected_link => theme.link.patch(theme.selected),
                    Sty::Link(_) => theme.link,
                    Sty::Heading => theme.heading,
                    Sty::Title => theme.title,
                    Sty::Dim => theme.dim,
                    Sty::Added => theme.added,
                    Sty::Removed => theme.removed,
                };
                Span::styled(text.as_str(), style)
            })
            .collect::<Vec<_>>(),
    )
}

/// `text` cut to `width` columns with `…`, never inside a cluster.
pub fn ellipsize(text: &str, width: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        if used + g.width() + 1 > width {
            break;
        }
        out.push_str(g);
        used += g.width();
    }
    out.push('…');
    out
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
            // Something drawn over the cluster's trailing cell (an overlay's border) wins: the
            // cluster keeps its first column, so the terminal does not push that over by one.
            let covered = (1..columns.len()).any(|o| {
                let o = u16::try_from(o).unwrap_or(u16::MAX);
                !matches!(buf[(x.saturating_add(o), y)].symbol(), " " | "")
            });
            if covered {
                let first = columns[0].clone();
                buf[(x, y)].set_symbol(&first);
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

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_activity;
#[cfg(test)]
mod tests_attachments;
#[cfg(test)]
mod tests_backup;
#[cfg(test)]
mod tests_clearance;
#[cfg(test)]
mod tests_conflict;
#[cfg(test)]
mod tests_freshness;
#[cfg(test)]
mod tests_glossary;
#[cfg(test)]
mod tests_home;
#[cfg(test)]
mod tests_market;
#[cfg(test)]
mod tests_market_screen;
#[cfg(test)]
mod tests_review;
#[cfg(test)]
mod tests_search_questions;
#[cfg(test)]
mod tests_signin;
#[cfg(test)]
mod tests_sync;
#[cfg(test)]
mod tests_users;
