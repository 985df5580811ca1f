//! The search screen: typing searches (the loop debounces), arrows choose, `Enter` moves to the
//! results and opens, filters are chips set from keys, the palette or the Knowledge Map.

use super::{Effect, SearchSpec, back as back_screen, keep_in_view, step};
use crate::model::{Kind, Lang};
use crate::search::{Correction, SearchKind};
use crate::tui::input::LineInput;
use crate::tui::keymap::Action;
use crate::tui::state::{
    ArticleDoc, Focus, Laid, Overlay, PickerPurpose, PromptPurpose, ResultRow, State,
};
use crate::tui::view;

/// A new search for what is typed and filtered now.
pub fn search(state: &mut State) -> Effect {
    let s = &mut state.search;
    s.generation += 1;
    let mut text = s.query.text().to_string();
    if let Some(lang) = s.filters.lang {
        text.push_str(&format!(" lang:{lang}"));
    }
    if let Some(kind) = s.filters.kind {
        text.push_str(&format!(" kind:{kind}"));
    }
    Effect::Search {
        generation: s.generation,
        spec: SearchSpec {
            text,
            category: s.filters.category.clone(),
            hs: s.filters.hs.clone(),
            no_glossary: s.filters.no_glossary,
        },
    }
}

pub fn results(
    state: &mut State,
    generation: u64,
    rows: Vec<ResultRow>,
    took_micros: u64,
    corrections: Vec<Correction>,
) -> Vec<Effect> {
    let s = &mut state.search;
    if generation != s.generation {
        return vec![]; // an older search, overtaken by typing
    }
    let asked = (s.query.text().to_string(), s.filters.clone());
    // The same question asked again (after a save) keeps the selected article selected.
    let kept = match (&s.results_for, s.selected_row()) {
        (Some(before), Some(row)) if *before == asked => rows.iter().position(|r| r.id == row.id),
        _ => None,
    };
    s.results = rows;
    s.corrected = corrected_query(&asked.0, &corrections);
    s.results_for = Some(asked);
    s.took_micros = Some(took_micros);
    s.selected = kept.unwrap_or(0);
    if kept.is_none() {
        s.list_offset = 0;
    }
    s.preview = None;
    if s.results.is_empty() {
        s.focus = Focus::Input;
    }
    preview_effect(state).into_iter().collect()
}

/// The words searched for once typos are corrected (`timbr logs` → `timber logs`); `None` when
/// nothing was corrected.
fn corrected_query(text: &str, corrections: &[Correction]) -> Option<String> {
    if corrections.is_empty() {
        return None;
    }
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|word| {
            corrections
                .iter()
                .find(|c| c.typed == word.to_lowercase())
                .map_or(word, |c| c.meant.as_str())
        })
        .collect();
    Some(words.join(" "))
}

pub fn preview(state: &mut State, doc: ArticleDoc) -> Vec<Effect> {
    // Only the selected article's preview is wanted; the selection may have moved on.
    if state.search.selected_row().is_some_and(|r| r.id == doc.id) {
        let width = view::search_layout(state.area()).preview_text_width();
        state.search.preview = Some(Laid::new(
            doc,
            width,
            &state.i18n,
            &state.categories,
            state.now_millis,
        ));
        scroll_preview_to_match(state);
    }
    vec![]
}

/// Scrolls the preview so the first line holding a searched word (past the title) is in view,
/// with a line of context above it; a match already on the first page leaves the top shown.
fn scroll_preview_to_match(state: &mut State) {
    let rows = view::search_layout(state.area())
        .preview
        .map_or(0, |p| usize::from(p.height.saturating_sub(2)));
    let words = state.search.searched_words();
    let s = &mut state.search;
    s.preview_scroll = 0;
    let Some(laid) = &s.preview else {
        return;
    };
    let first = laid.rendered.lines.iter().position(|line| {
        let is_title = line
            .0
            .iter()
            .all(|(_, sty)| *sty == crate::tui::markdown::Sty::Title);
        let text = line.text().to_lowercase();
        !is_title && words.iter().any(|w| text.contains(w.as_str()))
    });
    if let Some(first) = first.filter(|&i| i >= rows) {
        s.preview_scroll = first.saturating_sub(1);
    }
}

pub fn type_char(state: &mut State, c: char) -> Vec<Effect> {
    state.search.query.insert(c);
    vec![search(state)]
}

pub fn action(state: &mut State, action: Action) -> Vec<Effect> {
    let items = view::search_layout(state.area()).visible_items() as isize;
    match action {
        Action::FocusResults if !state.search.results.is_empty() => {
            state.search.focus = Focus::List;
            vec![]
        }
        Action::FocusInput => {
            state.search.focus = Focus::Input;
            vec![]
        }
        Action::Down => select(state, 1),
        Action::Up => select(state, -1),
        Action::PageDown => select(state, items),
        Action::PageUp => select(state, -items),
        Action::Top => select(state, isize::MIN / 2),
        Action::Bottom => select(state, isize::MAX / 2),
        Action::Open => match state.search.selected_row() {
            // A question opens in the Knowledge Market, with its answers.
            Some(row) if row.is_question() => vec![Effect::LoadQuestion(row.id.clone())],
            Some(row) => vec![Effect::OpenArticle(row.id.clone())],
            None => vec![],
        },
        Action::EditArticle => match state.search.selected_row() {
            Some(row) if !row.is_question() => vec![Effect::EditArticle(row.id.clone())],
            _ => vec![],
        },
        Action::CursorLeft => edit(state, LineInput::left),
        Action::CursorRight => edit(state, LineInput::right),
        Action::CursorHome => edit(state, LineInput::home),
        Action::CursorEnd => edit(state, LineInput::end),
        Action::DeleteBack => edit(state, LineInput::delete_back),
        Action::DeleteForward => edit(state, LineInput::delete_forward),
        Action::DeleteWord => edit(state, LineInput::delete_word),
        Action::ClearLine => edit(state, LineInput::clear),
        Action::FilterCategory => {
            state.overlay = Some(Overlay::Picker {
                input: LineInput::default(),
                selected: 0,
                purpose: PickerPurpose::SearchFilter,
            });
            vec![]
        }
        Action::FilterHs => {
            let current = state.search.filters.hs.clone().unwrap_or_default();
            state.overlay = Some(Overlay::Prompt {
                input: LineInput::new(&current),
                purpose: PromptPurpose::HsPrefix,
                error: None,
            });
            vec![]
        }
        Action::FilterLang => {
            let next = next_of(Lang::ALL, state.search.filters.lang);
            state.search.filters.lang = next;
            vec![search(state)]
        }
        Action::FilterKind => {
            // Each article kind, then the questions alone, then no filter.
            let kinds: Vec<SearchKind> = Kind::ALL
                .iter()
                .map(|k| SearchKind::Article(*k))
                .chain([SearchKind::Questions])
                .collect();
            let next = next_of(&kinds, state.search.filters.kind);
            state.search.filters.kind = next;
            vec![search(state)]
        }
        Action::ToggleGlossary => {
            state.search.filters.no_glossary = !state.search.filters.no_glossary;
            vec![search(state)]
        }
        Action::ClearFilters => {
            state.search.filters = Default::default();
            vec![search(state)]
        }
        _ => vec![],
    }
}

/// `None` → first → … → last → `None`.
fn next_of<T: Copy + PartialEq>(all: &[T], current: Option<T>) -> Option<T> {
    match current {
        None => all.first().copied(),
        Some(c) => {
            let i = all.iter().position(|x| *x == c).unwrap_or(all.len());
            all.get(i + 1).copied()
        }
    }
}

/// Sets the category filter (from the picker or the Knowledge Map) and searches.
pub fn filter_category(state: &mut State, category: Option<String>) -> Vec<Effect> {
    state.search.filters.category = category;
    state.search.focus = Focus::Input;
    vec![search(state)]
}

/// Sets the HS prefix filter (empty clears it). A prefix the search would refuse is not
/// applied: the prompt stays open and says why.
pub fn filter_hs(state: &mut State, input: LineInput) -> Vec<Effect> {
    let prefix = input.text().trim().to_string();
    if !prefix.is_empty() && crate::search::hs_prefix(&prefix).is_err() {
        let error = state.i18n.f("prompt.hs_invalid", &[("prefix", &prefix)]);
        state.overlay = Some(Overlay::Prompt {
            input,
            purpose: PromptPurpose::HsPrefix,
            error: Some(error),
        });
        return vec![];
    }
    state.search.filters.hs = (!prefix.is_empty()).then_some(prefix);
    vec![search(state)]
}

/// `Esc` in the box: clear the words, then go back.
pub fn back(state: &mut State) -> Vec<Effect> {
    if state.search.focus == Focus::List {
        state.search.focus = Focus::Input;
        return vec![];
    }
    if !state.search.query.is_empty() {
        state.search.query.clear();
        return vec![search(state)];
    }
    back_screen(state)
}

fn edit(state: &mut State, change: fn(&mut LineInput)) -> Vec<Effect> {
    let before = state.search.query.text().to_string();
    change(&mut state.search.query);
    if state.search.query.text() != before {
        vec![search(state)]
    } else {
        vec![]
    }
}

fn select(state: &mut State, delta: isize) -> Vec<Effect> {
    let s = &mut state.search;
    let next = step(s.selected, delta, s.results.len());
    if next == s.selected || s.results.is_empty() {
        return vec![];
    }
    s.selected = next;
    s.preview = None;
    relayout(state)
}

/// Keeps the selection in view, rewraps the preview, and asks for the preview if it is shown.
pub fn relayout(state: &mut State) -> Vec<Effect> {
    let layout = view::search_layout(state.area());
    let s = &mut state.search;
    s.list_offset = keep_in_view(s.selected, s.list_offset, layout.visible_items());
    if let Some(preview) = &mut s.preview
        && preview.width != layout.preview_text_width()
    {
        *preview = Laid::new(
            preview.doc.clone(),
            layout.preview_text_width(),
            &state.i18n,
            &state.categories,
            state.now_millis,
        );
        scroll_preview_to_match(state);
    }
    preview_effect(state).into_iter().collect()
}

/// Asks for the selected article when the preview pane is shown and does not have it yet (a
/// question has no preview: the pane says how to open it).
fn preview_effect(state: &State) -> Option<Effect> {
    if state.screen != crate::tui::state::Screen::Search {
        return None;
    }
    let row = state.search.selected_row().filter(|r| !r.is_question())?;
    let shown = view::search_layout(state.area()).preview.is_some();
    let loaded = state
        .search
        .preview
        .as_ref()
        .is_some_and(|p| p.doc.id == row.id);
    (shown && !loaded).then(|| Effect::LoadPreview(row.id.clone()))
}
