//! The state machine: `update(&mut State, Msg) -> Vec<Effect>`. No IO: anything that needs the
//! Replica comes back as an `Effect` for the event loop to perform, whose result returns as a
//! `Msg`. That keeps every behaviour testable by feeding key strings.

use super::input::LineInput;
use super::keymap::{Action, Key, Scope};
use super::state::{ArticleDoc, DocView, Mode, ResultRow, State};
use super::view;

/// Something that happened: a key, a resize, or the result of an effect.
#[derive(Clone, Debug)]
pub enum Msg {
    /// The loop is ready: show the recent articles.
    Start,
    Key(Key),
    Resize {
        width: u16,
        height: u16,
    },
    Results {
        generation: u64,
        rows: Vec<ResultRow>,
    },
    Preview(ArticleDoc),
    Opened(ArticleDoc),
    /// An effect failed; the text goes to the status line.
    Failed(String),
}

/// Work for the event loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Search for `text`; empty text lists the most recent articles.
    Search {
        generation: u64,
        text: String,
    },
    /// Load an article for the preview pane.
    LoadPreview(String),
    /// Load an article and open it in the reader.
    OpenArticle(String),
    Quit,
}

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Start => vec![search(state)],
        Msg::Key(key) => {
            state.message = None;
            on_key(state, key)
        }
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            relayout(state);
            preview_effect(state).into_iter().collect()
        }
        Msg::Results { generation, rows } => {
            if generation != state.generation {
                return vec![]; // an older search, overtaken by typing
            }
            state.results = rows;
            state.results_for = state.query.text().to_string();
            state.selected = 0;
            state.list_offset = 0;
            state.preview = None;
            preview_effect(state).into_iter().collect()
        }
        Msg::Preview(doc) => {
            // Only the selected article's preview is wanted; the selection may have moved on.
            if state.selected_row().is_some_and(|r| r.id == doc.id) {
                let width = view::search_layout(state.area()).preview_text_width();
                state.preview = Some(DocView::new(doc, width));
            }
            vec![]
        }
        Msg::Opened(doc) => {
            let width = view::reader_layout(state.area()).text_width();
            state.mode = Mode::Reader(Box::new(DocView::new(doc, width)));
            vec![]
        }
        Msg::Failed(text) => {
            state.message = Some(text);
            vec![]
        }
    }
}

fn on_key(state: &mut State, key: Key) -> Vec<Effect> {
    let scope = match state.mode {
        Mode::Search => Scope::Search,
        Mode::Reader(_) => Scope::Reader,
    };
    if scope == Scope::Search
        && let Some(c) = key.typed_char()
        && !state.query.is_empty()
    {
        // With text in the box, every printable key types; `q` is a letter like any other.
        state.query.insert(c);
        return vec![search(state)];
    }
    match state.keymap.resolve(scope, key) {
        Some(action) => run(state, action),
        None => match key.typed_char() {
            Some(c) if scope == Scope::Search => {
                state.query.insert(c);
                vec![search(state)]
            }
            _ => vec![],
        },
    }
}

/// Performs one named action.
fn run(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::Back => return back(state),
        _ => {}
    }
    let page = view::reader_layout(state.area()).page_height();
    if let Mode::Reader(doc) = &mut state.mode {
        scroll(doc, action, page);
        return vec![];
    }
    let items = view::search_layout(state.area()).visible_items() as isize;
    match action {
        Action::Open => match state.selected_row() {
            Some(row) => vec![Effect::OpenArticle(row.id.clone())],
            None => vec![],
        },
        Action::SelectNext => select(state, 1),
        Action::SelectPrev => select(state, -1),
        Action::PageDown => select(state, items),
        Action::PageUp => select(state, -items),
        Action::CursorLeft => edit(state, LineInput::left),
        Action::CursorRight => edit(state, LineInput::right),
        Action::CursorHome => edit(state, LineInput::home),
        Action::CursorEnd => edit(state, LineInput::end),
        Action::DeleteBack => edit(state, LineInput::delete_back),
        Action::DeleteForward => edit(state, LineInput::delete_forward),
        Action::DeleteWord => edit(state, LineInput::delete_word),
        Action::ClearLine => edit(state, LineInput::clear),
        _ => vec![],
    }
}

/// Moves the reader; the last page stays full rather than scrolling into emptiness.
fn scroll(doc: &mut DocView, action: Action, page: usize) {
    let last = doc.lines.len().saturating_sub(page);
    let step = page.saturating_sub(1).max(1); // keep one line of context across pages
    doc.scroll = match action {
        Action::ScrollDown => doc.scroll + 1,
        Action::ScrollUp => doc.scroll.saturating_sub(1),
        Action::PageDown => doc.scroll + step,
        Action::PageUp => doc.scroll.saturating_sub(step),
        Action::Top => 0,
        Action::Bottom => last,
        _ => doc.scroll,
    }
    .min(last);
}

/// `Esc`: leave the reader; in search, clear the text, or quit when there is none.
fn back(state: &mut State) -> Vec<Effect> {
    match state.mode {
        Mode::Reader(_) => {
            state.mode = Mode::Search;
            vec![]
        }
        Mode::Search if state.query.is_empty() => vec![Effect::Quit],
        Mode::Search => {
            state.query.clear();
            vec![search(state)]
        }
    }
}

/// Applies an edit to the search box; a change of text starts a new search.
fn edit(state: &mut State, change: fn(&mut LineInput)) -> Vec<Effect> {
    let before = state.query.text().to_string();
    change(&mut state.query);
    if state.query.text() != before {
        vec![search(state)]
    } else {
        vec![]
    }
}

fn search(state: &mut State) -> Effect {
    state.generation += 1;
    Effect::Search {
        generation: state.generation,
        text: state.query.text().to_string(),
    }
}

fn select(state: &mut State, delta: isize) -> Vec<Effect> {
    if state.results.is_empty() {
        return vec![];
    }
    let last = state.results.len() - 1;
    let next = state.selected.saturating_add_signed(delta).min(last);
    if next == state.selected {
        return vec![];
    }
    state.selected = next;
    state.preview = None;
    relayout(state);
    preview_effect(state).into_iter().collect()
}

/// Recomputes what depends on the terminal size: the list's scroll and the documents' wrapping.
fn relayout(state: &mut State) {
    let search = view::search_layout(state.area());
    let items = search.visible_items().max(1);
    if state.selected < state.list_offset {
        state.list_offset = state.selected;
    } else if state.selected >= state.list_offset + items {
        state.list_offset = state.selected + 1 - items;
    }
    if let Some(preview) = &mut state.preview {
        preview.rewrap(search.preview_text_width());
    }
    let reader = view::reader_layout(state.area());
    if let Mode::Reader(doc) = &mut state.mode {
        doc.rewrap(reader.text_width());
        doc.scroll = doc
            .scroll
            .min(doc.lines.len().saturating_sub(reader.page_height()));
    }
}

/// Asks for the selected article when the preview pane is shown and does not have it yet.
fn preview_effect(state: &State) -> Option<Effect> {
    let row = state.selected_row()?;
    let shown = view::search_layout(state.area()).preview.is_some();
    let loaded = state.preview.as_ref().is_some_and(|p| p.doc.id == row.id);
    (shown && !loaded).then(|| Effect::LoadPreview(row.id.clone()))
}

#[cfg(test)]
mod tests;
