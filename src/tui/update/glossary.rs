//! The Glossary screen: opened from anywhere (on the search box's words, if any), arrows and
//! pages move through the entries.

use super::{Effect, go, keep_in_view, step};
use crate::glossary::GlossaryEntry;
use crate::tui::keymap::Action;
use crate::tui::state::{Screen, State};
use crate::tui::view;

/// Shows the Glossary, looking up what the search box holds (every entry when it is empty).
pub fn open(state: &mut State) -> Vec<Effect> {
    go(state, Screen::Glossary);
    let query = state.search.query.text().trim().to_string();
    if state.glossary.entries.is_none() || state.glossary.query != query {
        state.glossary.entries = None;
        state.glossary.selected = 0;
        state.glossary.offset = 0;
    }
    state.glossary.query = query.clone();
    vec![Effect::LoadGlossary(query)]
}

/// The node's answer: the entries for `query`, unless another lookup was asked since.
pub fn loaded(state: &mut State, query: String, entries: Vec<GlossaryEntry>) -> Vec<Effect> {
    let g = &mut state.glossary;
    if g.query != query {
        return vec![];
    }
    g.selected = g.selected.min(entries.len().saturating_sub(1));
    g.entries = Some(entries);
    relayout(state);
    vec![]
}

pub fn action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = view::glossary_layout(state.area()).visible_rows() as isize;
    let len = state.glossary.shown();
    let g = &mut state.glossary;
    match action {
        Action::Down => g.selected = step(g.selected, 1, len),
        Action::Up => g.selected = step(g.selected, -1, len),
        Action::PageDown => g.selected = step(g.selected, page, len),
        Action::PageUp => g.selected = step(g.selected, -page, len),
        Action::Top => g.selected = 0,
        Action::Bottom => g.selected = len.saturating_sub(1),
        _ => return vec![],
    }
    relayout(state);
    vec![]
}

/// Keeps the selected entry in view.
pub fn relayout(state: &mut State) {
    let visible = view::glossary_layout(state.area()).visible_rows();
    let g = &mut state.glossary;
    g.offset = keep_in_view(g.selected, g.offset, visible);
}
