//! Home, the Knowledge Map and Sync: the simpler screens.

use super::{Effect, go, keep_in_view, search, step};
use crate::tui::input::LineInput;
use crate::tui::keymap::{Action, Key, Scope};
use crate::tui::state::lists::{HomeItem, tree_rows};
use crate::tui::state::{Busy, Cancelling, Confirm, Overlay, Screen, State, SyncField, SyncPhase};
use crate::tui::view;

pub fn home_action(state: &mut State, action: Action) -> Vec<Effect> {
    let len = state.home.items().len();
    let h = &mut state.home;
    match action {
        Action::Down => h.selected = step(h.selected, 1, len),
        Action::Up => h.selected = step(h.selected, -1, len),
        Action::Top => h.selected = 0,
        Action::Bottom => h.selected = len.saturating_sub(1),
        Action::Open => match state.home.items().get(state.home.selected) {
            Some(HomeItem::Article(row)) => return vec![Effect::OpenArticle(row.id.clone())],
            Some(HomeItem::Read(id)) => return vec![Effect::OpenArticle(id.to_string())],
            Some(HomeItem::Review(item)) => {
                let article = item.article.clone();
                return super::review::open_at(state, article);
            }
            None => {}
        },
        _ => {}
    }
    vec![]
}

pub fn map_action(state: &mut State, action: Action) -> Vec<Effect> {
    let rows = tree_rows(&state.categories, &state.map.expanded);
    let page = view::map_layout(state.area()).visible_rows() as isize;
    let m = &mut state.map;
    let current = rows
        .get(m.selected)
        .map(|r| (r, state.categories[r.index].clone()));
    match action {
        Action::Down => m.selected = step(m.selected, 1, rows.len()),
        Action::Up => m.selected = step(m.selected, -1, rows.len()),
        Action::PageDown => m.selected = step(m.selected, page, rows.len()),
        Action::PageUp => m.selected = step(m.selected, -page, rows.len()),
        Action::Top => m.selected = 0,
        Action::Bottom => m.selected = rows.len().saturating_sub(1),
        Action::Expand => {
            if let Some((row, c)) = current
                && row.parent
                && !m.expanded.remove(&c.id)
            {
                m.expanded.insert(c.id);
            }
        }
        Action::Collapse => {
            if let Some((_, c)) = current
                && !m.expanded.remove(&c.id)
                && let Some(parent) = c.parent()
            {
                m.expanded.remove(parent);
                let rows = tree_rows(&state.categories, &m.expanded);
                m.selected = rows
                    .iter()
                    .position(|r| state.categories[r.index].id == parent)
                    .unwrap_or(0);
            }
        }
        Action::Open => {
            if let Some((_, c)) = current {
                go(state, Screen::Search);
                // A category is opened to browse it: words and filters from an earlier search
                // would hide most of it (and "Results (0)" reads as an empty category).
                state.search.query.clear();
                state.search.filters = Default::default();
                let mut effects = search::filter_category(state, Some(c.id));
                effects.extend(search::relayout(state));
                return effects;
            }
        }
        _ => {}
    }
    relayout(state);
    vec![]
}

pub fn sync_type(state: &mut State, c: char) -> Vec<Effect> {
    field(state).insert(c);
    vec![]
}

fn field(state: &mut State) -> &mut LineInput {
    match state.sync.field {
        SyncField::Export => &mut state.sync.export_path,
        SyncField::Import => &mut state.sync.import_path,
    }
}

pub fn sync_action(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::NextField | Action::PrevField => {
            state.sync.field = match state.sync.field {
                SyncField::Export => SyncField::Import,
                SyncField::Import => SyncField::Export,
            };
        }
        Action::Confirm => {
            let path = field(state).text().trim().to_string();
            if path.is_empty() {
                let text = state.i18n.t("sync.need_path").to_string();
                state.error(text);
                return vec![];
            }
            state.sync.phase = SyncPhase::Idle;
            working(state);
            return match state.sync.field {
                SyncField::Export => match state.sync.peers.get(state.sync.peer) {
                    Some(peer) => vec![Effect::SyncExportTo {
                        path,
                        to: peer.node.clone(),
                    }],
                    None => vec![Effect::SyncExport(path)],
                },
                SyncField::Import => vec![Effect::SyncDryRun(path)],
            };
        }
        Action::CursorLeft => field(state).left(),
        Action::CursorRight => field(state).right(),
        Action::CursorHome => field(state).home(),
        Action::CursorEnd => field(state).end(),
        Action::DeleteBack => field(state).delete_back(),
        Action::DeleteForward => field(state).delete_forward(),
        Action::DeleteWord => field(state).delete_word(),
        Action::ClearLine => field(state).clear(),
        Action::NextPeer | Action::PrevPeer => {
            let n = state.sync.peers.len();
            if n > 0 {
                let delta = if action == Action::NextPeer { 1 } else { n - 1 };
                state.sync.peer = (state.sync.peer + delta) % n;
            }
        }
        _ => {}
    }
    vec![]
}

/// The peers loaded: the one picked stays picked (by node) when it is still listed.
pub fn peers(state: &mut State, peers: Vec<crate::sync::ExportPeer>) -> Vec<Effect> {
    let picked = state
        .sync
        .peers
        .get(state.sync.peer)
        .map(|p| p.node.clone());
    state.sync.peer = picked
        .and_then(|node| peers.iter().position(|p| p.node == node))
        .unwrap_or(0);
    state.sync.peers = peers;
    vec![]
}

pub fn dry_run(state: &mut State, path: String, report: Vec<String>) -> Vec<Effect> {
    too_late(state);
    state.busy = None;
    state.overlay = Some(Overlay::Confirm(Confirm::Import {
        path,
        report,
        scroll: 0,
    }));
    let keys = state.i18n.t("import_confirm.status").to_string();
    state.info(keys);
    vec![]
}

pub fn sync_done(state: &mut State, report: Vec<String>) -> Vec<Effect> {
    too_late(state);
    state.busy = None;
    state.sync.phase = SyncPhase::Done(report);
    vec![Effect::LoadHome, Effect::LoadPeers]
}

/// Keeps the map's selection in view.
pub fn relayout(state: &mut State) {
    let rows = tree_rows(&state.categories, &state.map.expanded).len();
    let visible = view::map_layout(state.area()).visible_rows();
    let m = &mut state.map;
    m.selected = m.selected.min(rows.saturating_sub(1));
    m.offset = keep_in_view(m.selected, m.offset, visible);
}

/// Shows a progress line while long sync work runs on the worker.
pub fn working(state: &mut State) {
    let label = state.i18n.t("sync.working").to_string();
    state.busy = Some(Busy {
        label,
        done: 0,
        total: 1,
        cancel: Cancelling::Possible,
    });
}

/// The worker's progress moves the bar; at the total the work is past its last safe point.
pub fn progress(state: &mut State, label: String, done: u64, total: u64) -> Vec<Effect> {
    let fallback = state.i18n.t("sync.working").to_string();
    let busy = state.busy.get_or_insert(Busy {
        label: fallback,
        done: 0,
        total: 1,
        cancel: Cancelling::Possible,
    });
    if !label.is_empty() {
        busy.label = label;
    }
    busy.done = done;
    busy.total = total;
    if total > 0 && done >= total && busy.cancel == Cancelling::Possible {
        busy.cancel = Cancelling::TooLate;
    }
    vec![]
}

/// `Esc` on the Sync screen while long work runs asks it to stop (once); past its last safe
/// point the key does nothing, as the progress line says. `None`: the key goes on as usual.
pub fn cancel_key(state: &mut State, key: Key) -> Option<Vec<Effect>> {
    if state.screen != Screen::Sync || state.overlay.is_some() {
        return None;
    }
    let busy = state.busy.as_mut()?;
    if state.keymap.resolve(Scope::Sync, key) != Some(Action::Back) {
        return None;
    }
    Some(match busy.cancel {
        Cancelling::Possible => {
            busy.cancel = Cancelling::Asked;
            vec![Effect::Cancel]
        }
        Cancelling::Asked | Cancelling::TooLate => vec![],
    })
}

pub fn cancelled(state: &mut State) -> Vec<Effect> {
    state.busy = None;
    let text = state.i18n.t("sync.cancelled").to_string();
    state.info(text);
    vec![]
}

/// A cancel asked for after the last safe point: the work finished anyway, and says so.
fn too_late(state: &mut State) {
    if state
        .busy
        .as_ref()
        .is_some_and(|b| b.cancel == Cancelling::Asked)
    {
        let text = state.i18n.t("sync.too_late").to_string();
        state.info(text);
    }
}
