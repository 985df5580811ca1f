//! The reader: scrolling, following links (`Tab` to choose, `Enter` to go), the links pane with
//! backlinks, and the history pane where any two revisions can be compared.

use super::{Effect, back as back_screen, go, step};
use crate::tui::keymap::Action;
use crate::tui::markdown::Link;
use crate::tui::state::{ArticleDoc, DiffView, Laid, Pane, ReaderState, Screen, State};
use crate::tui::view;

pub fn opened(state: &mut State, doc: ArticleDoc) -> Vec<Effect> {
    // Its comments are read now: no longer new on Home (for the author).
    let effects = if doc.comments.is_empty() {
        vec![]
    } else {
        vec![Effect::MarkCommentsSeen(doc.id.clone())]
    };
    let width = view::reader_layout(state.area()).text_width();
    let laid = Laid::new(doc, width, &state.i18n, &state.categories, state.now_millis);
    // Re-opening the article already shown (after an edit, here or elsewhere) replaces it,
    // where the reader was.
    let mut kept = None;
    if state.screen == Screen::Reader
        && state
            .readers
            .last()
            .is_some_and(|r| r.laid.doc.id == laid.doc.id)
    {
        kept = state.readers.pop().map(|r| (r.pane, r.scroll));
    }
    let mut reader = ReaderState::new(laid);
    if let Some((pane, scroll)) = kept {
        reader.pane = pane;
        reader.scroll = scroll;
    }
    state.readers.push(reader);
    if state.readers.len() > 30 {
        state.readers.remove(0);
    }
    go(state, Screen::Reader);
    effects
}

/// Every open copy of the article takes the new text; pane and scroll stay where they were.
pub fn reloaded(state: &mut State, doc: ArticleDoc) -> Vec<Effect> {
    let layout = view::reader_layout(state.area());
    let (width, page) = (layout.text_width(), layout.page_height());
    for reader in state.readers.iter_mut().filter(|r| r.laid.doc.id == doc.id) {
        let laid = Laid::new(
            doc.clone(),
            width,
            &state.i18n,
            &state.categories,
            state.now_millis,
        );
        let mut fresh = ReaderState::new(laid);
        fresh.pane = reader.pane;
        fresh.scroll = reader
            .scroll
            .min(fresh.laid.rendered.lines.len().saturating_sub(page));
        *reader = fresh;
    }
    vec![]
}

pub fn diff(state: &mut State, diff: DiffView) -> Vec<Effect> {
    if let Some(reader) = state.readers.last_mut() {
        reader.diff = Some(diff);
    }
    vec![]
}

/// `Esc`: close the diff, else the previous article, else the previous screen.
pub fn back(state: &mut State) -> Vec<Effect> {
    if let Some(reader) = state.readers.last_mut()
        && reader.diff.is_some()
    {
        reader.diff = None;
        return vec![];
    }
    state.readers.pop();
    if state.readers.is_empty() {
        return back_screen(state);
    }
    vec![]
}

pub fn action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = view::reader_layout(state.area()).page_height();
    let Some(reader) = state.readers.last_mut() else {
        return vec![];
    };
    let id = reader.laid.doc.id.clone();
    match action {
        Action::PaneArticle => reader.pane = Pane::Article,
        Action::PaneLinks => reader.pane = Pane::Links,
        Action::PaneHistory => reader.pane = Pane::History,
        Action::NextPane => {
            reader.pane = match reader.pane {
                Pane::Article => Pane::Links,
                Pane::Links => Pane::History,
                Pane::History => Pane::Article,
            }
        }
        Action::EditArticle => return vec![Effect::EditArticle(id)],
        _ => {
            if let Some(diff) = &mut reader.diff {
                diff.scroll = scrolled(diff.scroll, action, page, diff.rows());
                return vec![];
            }
            return match reader.pane {
                Pane::Article => article_action(state, action, page),
                Pane::Links => links_action(state, action, page),
                Pane::History => history_action(state, action, page),
            };
        }
    }
    reader.diff = None;
    vec![]
}

fn article_action(state: &mut State, action: Action, page: usize) -> Vec<Effect> {
    let Some(reader) = state.readers.last_mut() else {
        return vec![];
    };
    let links = reader.laid.rendered.links.len();
    let lines = reader.laid.rendered.lines.len();
    match action {
        Action::NextLink | Action::PrevLink if links > 0 => {
            let next = match (reader.link, action) {
                (None, Action::NextLink) => 0,
                (None, _) => links - 1,
                (Some(i), Action::NextLink) => (i + 1) % links,
                (Some(i), _) => (i + links - 1) % links,
            };
            reader.link = Some(next);
            // Bring the link's line into view.
            let line = reader
                .laid
                .rendered
                .link_lines
                .get(next)
                .copied()
                .unwrap_or(0);
            if line < reader.scroll || line >= reader.scroll + page {
                reader.scroll = line
                    .saturating_sub(page / 3)
                    .min(lines.saturating_sub(page));
            }
            vec![]
        }
        Action::Open => match reader
            .link
            .and_then(|i| reader.laid.rendered.links.get(i))
            .cloned()
        {
            Some(link) => follow(state, link),
            None => vec![],
        },
        _ => {
            reader.scroll = scrolled(reader.scroll, action, page, lines);
            vec![]
        }
    }
}

fn links_action(state: &mut State, action: Action, page: usize) -> Vec<Effect> {
    let Some(reader) = state.readers.last_mut() else {
        return vec![];
    };
    let entries = reader.link_entries();
    match action {
        Action::Open => match entries.get(reader.links_selected) {
            Some(entry) => follow(state, entry.target.clone()),
            None => vec![],
        },
        _ => {
            reader.links_selected = selected(reader.links_selected, action, page, entries.len());
            match reader.next_backlinks(page) {
                Some((offset, after)) => {
                    reader.loading_backlinks = true;
                    vec![Effect::LoadBacklinks {
                        id: reader.laid.doc.id.clone(),
                        after,
                        offset,
                    }]
                }
                None => vec![],
            }
        }
    }
}

/// A further page of backlinks, for every open copy of the article it belongs to.
pub fn backlinks(
    state: &mut State,
    id: &str,
    offset: usize,
    page: crate::core::BacklinkPage,
) -> Vec<Effect> {
    for reader in state.readers.iter_mut().filter(|r| r.laid.doc.id == id) {
        reader.add_backlinks(offset, page.clone());
    }
    vec![]
}

fn history_action(state: &mut State, action: Action, page: usize) -> Vec<Effect> {
    let Some(reader) = state.readers.last_mut() else {
        return vec![];
    };
    let history = &reader.laid.doc.history;
    match action {
        Action::MarkRevision => {
            reader.mark = match reader.mark {
                Some(m) if m == reader.history_selected => None,
                _ => Some(reader.history_selected),
            };
            vec![]
        }
        Action::Open => {
            let to = reader.history_selected;
            let from = match reader.mark {
                Some(m) if m != to => m,
                _ if to > 0 => to - 1,
                _ => {
                    let text = state.i18n.t("reader.first_revision").to_string();
                    state.info(text);
                    return vec![];
                }
            };
            let (from, to) = (from.min(to), from.max(to));
            vec![Effect::LoadDiff {
                id: reader.laid.doc.id.clone(),
                from: history[from].id,
                to: history[to].id,
            }]
        }
        _ => {
            reader.history_selected =
                selected(reader.history_selected, action, page, history.len());
            vec![]
        }
    }
}

fn follow(state: &mut State, link: Link) -> Vec<Effect> {
    match link {
        Link::Wiki(id) => vec![Effect::OpenArticle(id)],
        Link::Url(url) => {
            let text = state.i18n.f("reader.external_link", &[("url", &url)]);
            state.info(text);
            vec![]
        }
    }
}

/// A scroll position moved by `action`; the last page stays full.
fn scrolled(scroll: usize, action: Action, page: usize, lines: usize) -> usize {
    let last = lines.saturating_sub(page);
    let step = page.saturating_sub(1).max(1); // keep one line of context across pages
    match action {
        Action::Down => scroll + 1,
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll + step,
        Action::PageUp => scroll.saturating_sub(step),
        Action::Top => 0,
        Action::Bottom => last,
        _ => scroll,
    }
    .min(last)
}

fn selected(current: usize, action: Action, page: usize, len: usize) -> usize {
    let page = page.max(1) as isize;
    match action {
        Action::Down => step(current, 1, len),
        Action::Up => step(current, -1, len),
        Action::PageDown => step(current, page, len),
        Action::PageUp => step(current, -page, len),
        Action::Top => 0,
        Action::Bottom => len.saturating_sub(1),
        _ => current,
    }
}

/// Lays every open article out again for the new width.
pub fn relayout(state: &mut State) {
    let layout = view::reader_layout(state.area());
    let (width, page) = (layout.text_width(), layout.page_height());
    for reader in &mut state.readers {
        if reader.laid.width != width {
            reader.laid = Laid::new(
                reader.laid.doc.clone(),
                width,
                &state.i18n,
                &state.categories,
                state.now_millis,
            );
        }
        reader.scroll = reader
            .scroll
            .min(reader.laid.rendered.lines.len().saturating_sub(page));
    }
}

/// Pictures cached beyond those of the article on show; past this the others are dropped.
const KEEP_PICTURES: usize = 16;

/// The pictures the article on show needs and the state lacks: asked of the worker once each
/// (marked loading), for the size the reader gives them now.
pub fn wanted_pictures(state: &mut State) -> Vec<Effect> {
    if state.screen != Screen::Reader {
        return vec![];
    }
    let Some(reader) = state.readers.last() else {
        return vec![];
    };
    let keys: Vec<_> = reader.laid.pictures.iter().map(|s| s.key()).collect();
    let missing: Vec<_> = keys
        .iter()
        .filter(|k| !state.pictures.contains_key(k))
        .cloned()
        .collect();
    if missing.is_empty() {
        return vec![];
    }
    if state.pictures.len() + missing.len() > KEEP_PICTURES {
        state.pictures.retain(|k, _| keys.contains(k));
    }
    missing
        .into_iter()
        .map(|key| {
            state
                .pictures
                .insert(key.clone(), crate::tui::picture::Shown::Loading);
            Effect::LoadPicture(key)
        })
        .collect()
}
