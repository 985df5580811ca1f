//! Communities, Mileage and Statistics: opened from anywhere (F7, F8, F9 or the palette), each
//! read from the node on opening and whenever the node changes; arrows move through the
//! communities and scroll the leaderboard.

use super::{Effect, go, keep_in_view, step};
use crate::core::{CommunityView, Leaderboard, Stats};
use crate::tui::keymap::Action;
use crate::tui::state::{Screen, State};
use crate::tui::view;

pub fn open(state: &mut State, screen: Screen) -> Vec<Effect> {
    go(state, screen);
    load(screen)
}

/// What `screen` reads from the node.
pub fn load(screen: Screen) -> Vec<Effect> {
    match screen {
        Screen::Communities => vec![Effect::LoadCommunities],
        Screen::Mileage => vec![Effect::LoadMileage],
        Screen::Statistics => vec![Effect::LoadStats],
        _ => vec![],
    }
}

pub fn communities_loaded(state: &mut State, list: Vec<CommunityView>) -> Vec<Effect> {
    let c = &mut state.communities;
    c.selected = c.selected.min(list.len().saturating_sub(1));
    c.communities = Some(list);
    relayout(state);
    vec![]
}

pub fn mileage_loaded(state: &mut State, board: Leaderboard) -> Vec<Effect> {
    state.mileage.board = Some(board);
    relayout(state);
    vec![]
}

pub fn stats_loaded(state: &mut State, stats: Stats) -> Vec<Effect> {
    state.statistics.stats = Some(stats);
    vec![]
}

pub fn action(state: &mut State, action: Action) -> Vec<Effect> {
    match state.screen {
        Screen::Communities => {
            let len = state.communities.shown();
            let c = &mut state.communities;
            match action {
                Action::Down => c.selected = step(c.selected, 1, len),
                Action::Up => c.selected = step(c.selected, -1, len),
                Action::Top => c.selected = 0,
                Action::Bottom => c.selected = len.saturating_sub(1),
                _ => return vec![],
            }
        }
        Screen::Mileage => {
            let people = state.mileage.board.as_ref().map_or(0, |b| b.people.len());
            let visible = view::mileage_layout(state.area()).visible_rows();
            let last = people.saturating_sub(visible);
            let m = &mut state.mileage;
            match action {
                Action::Down => m.offset = (m.offset + 1).min(last),
                Action::Up => m.offset = m.offset.saturating_sub(1),
                _ => return vec![],
            }
        }
        _ => return vec![],
    }
    relayout(state);
    vec![]
}

/// Keeps the selected community in view, and the leaderboard's scroll within it.
pub fn relayout(state: &mut State) {
    let visible = view::communities_layout(state.area()).visible_rows();
    let c = &mut state.communities;
    c.offset = keep_in_view(c.selected, c.offset, visible);
    let people = state.mileage.board.as_ref().map_or(0, |b| b.people.len());
    let rows = view::mileage_layout(state.area()).visible_rows();
    state.mileage.offset = state.mileage.offset.min(people.saturating_sub(rows));
}
