//! The state machine: `update(&mut State, Msg) -> Vec<Effect>`. No IO: anything that needs the
//! Replica, the file system or the terminal comes back as an `Effect` for the event loop to
//! perform, whose result returns as a `Msg`. That keeps every behaviour testable by feeding key
//! strings. Keys resolve to named actions through the keymap; each screen's actions live in a
//! submodule, the overlays (help, palette, pickers, questions) in `overlay`.

mod activity;
mod attach;
mod editor;
mod glossary;
mod market;
mod overlay;
mod reader;
mod review;
mod screens;
mod search;
pub(crate) mod signin;
mod users;

use std::collections::BTreeMap;

use super::keymap::{Action, Key};
use super::state::{
    ArticleDoc, DiffView, EditorState, HomeData, Overlay, ResultRow, Screen, State, VerdictKind,
};
use crate::model::{ArticleContent, Category, Hash, Lang};
use crate::search::Correction;
use crate::tui::picture::{PictureKey, Shown};

/// Something that happened: a key, a resize, or the result of an effect.
#[derive(Clone, Debug)]
pub enum Msg {
    /// The loop is ready: load what Home and the search screen show.
    Start,
    Key(Key),
    /// Text pasted into the terminal: typed where the keys go.
    Paste(String),
    /// The mouse wheel: positive is down.
    Wheel(i8),
    Resize {
        width: u16,
        height: u16,
    },
    Home(HomeData),
    Categories(Vec<Category>),
    Counts(BTreeMap<String, usize>),
    /// The glossary entries for a lookup (the words it was for, and the entries).
    Glossary(String, Vec<crate::glossary::GlossaryEntry>),
    /// This node's accounts, or `None` when the acting user may not see them.
    Users(Option<Vec<crate::core::AccountRow>>),
    Results {
        generation: u64,
        rows: Vec<ResultRow>,
        took_micros: u64,
        /// Typos the search corrected (`timbr` → `timber`), to say so.
        corrections: Vec<Correction>,
    },
    Preview(Box<ArticleDoc>),
    Opened(Box<ArticleDoc>),
    /// An open article read again after a save: shown in place, wherever the reader was.
    Reloaded(Box<ArticleDoc>),
    Diff(DiffView),
    EditLoaded(Box<ArticleDoc>),
    Saved {
        id: String,
        then: Option<Action>,
        outcome: SavedAs,
    },
    BodyEdited(String),
    Peers(Vec<crate::sync::ExportPeer>),
    /// The node changed (another process wrote, or this one did): what is shown is read again.
    ChangedElsewhere,
    /// How far the worker's long work is: `done` of `total` (ops, for an import). A non-empty
    /// `label` replaces the one shown. Reaching `total` means it can no longer be cancelled.
    Progress {
        label: String,
        done: u64,
        total: u64,
    },
    /// The long work stopped as asked; nothing was changed.
    Cancelled,
    /// An import's dry run, to confirm.
    DryRun {
        path: String,
        report: Vec<String>,
    },
    SyncDone(Vec<String>),
    Info(String),
    /// Descriptions matching the words typed in the HS lookup.
    HsFound {
        words: String,
        rows: Vec<crate::tui::state::search::HsLine>,
    },
    /// An effect failed; the text goes to the status line.
    Failed(String),
    /// The sign-in screen's person signed in.
    SignedIn(String),
    /// The sign-in (or the new password) was refused: why, to show on the sign-in screen.
    SignInRefused(String),
    /// The new password is saved.
    PasswordSet,
    /// No key for the idle time: the screen locks.
    Idle,
    /// The daily backup looked: the Sync screen's line on the last backup, and whether it
    /// failed (then the line says why, and so does the status line).
    BackedUp {
        line: String,
        failed: bool,
    },
    /// The communities of practice, each with its members and outcomes.
    Communities(Vec<crate::core::CommunityView>),
    Mileage(crate::core::Leaderboard),
    Stats(Box<crate::core::Stats>),
    /// A further page of an article's backlinks, from `offset`.
    Backlinks {
        id: String,
        offset: usize,
        page: crate::core::BacklinkPage,
    },
    /// What waits for the signed-in evaluator, oldest first.
    ReviewQueue(Vec<crate::core::QueueItem>),
    /// How many comments opening an article marked seen.
    CommentsSeen(usize),
    /// A submission opened on the Review screen, with its diff.
    Submission(Box<crate::core::SubmissionView>),
    /// The node took a verdict (or a submission): where the evaluation stands now.
    Evaluated {
        article: String,
        kind: VerdictKind,
        view: Box<crate::core::EvaluationView>,
    },
    /// The node refused a verdict or a submission: why, worded for the officer.
    EvaluationRefused(String),
    /// An attached picture, encoded for the terminal (or why it cannot be).
    Picture {
        key: PictureKey,
        shown: Shown,
    },
    /// A file was attached from the prompt (`a`): the status line's words.
    Attached {
        id: String,
        text: String,
    },
    /// The file was refused: the prompt stays, with the path typed and why.
    AttachRefused {
        path: String,
        why: String,
    },
    /// One of the Market's lists.
    Questions(
        super::state::market::MarketTab,
        Vec<crate::core::QuestionSummary>,
    ),
    /// A question opened on the Market screen, with its answers and comments.
    Question(Box<crate::core::QuestionView>),
    /// The node took an answer, a comment, an acceptance or a helpful mark.
    MarketDone {
        question: String,
        action: super::state::market::MarketAction,
    },
    /// The node refused it: why, worded for the officer.
    MarketRefused(String),
}

/// What to search for: the words (with `lang:`/`kind:` filters in the query language) and the
/// filters the search request takes directly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchSpec {
    pub text: String,
    pub category: Option<String>,
    pub hs: Option<String>,
    /// Leave the glossary out (the filter chip).
    pub no_glossary: bool,
}

/// Work for the event loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    LoadHome,
    LoadCategories,
    LoadCounts,
    /// Look the glossary up for these words (every entry when empty).
    LoadGlossary(String),
    LoadCommunities,
    LoadMileage,
    LoadStats,
    /// This node's accounts, as the acting user may see them.
    LoadUsers,
    /// Search; no words and no filters lists the most recent articles.
    Search {
        generation: u64,
        spec: SearchSpec,
    },
    LoadPreview(String),
    /// Load an article (with its backlinks) and open it in the reader.
    OpenArticle(String),
    /// The signed-in person has read the comments on this article: they are no longer new on
    /// Home. Node-local bookkeeping, a write, so it runs on the worker.
    MarkCommentsSeen(String),
    /// Read an article again for the readers that show it (after a save); opens nothing.
    ReloadArticle(String),
    LoadDiff {
        id: String,
        from: Hash,
        to: Hash,
    },
    /// Load an article into the editor.
    EditArticle(String),
    /// Save the editor's content: a new article when `id` is `None`, else a new revision.
    /// `then` runs once saved (quitting, leaving the editor).
    Save {
        id: Option<String>,
        content: Box<ArticleContent>,
        then: Option<Action>,
    },
    /// Suspend the interface and edit this text in `$EDITOR`.
    ExternalEditor(String),
    SyncExport(String),
    SyncDryRun(String),
    SyncImport(String),
    /// Stop the worker's long work at its next safe point (`Esc` on the Sync screen).
    Cancel,
    /// Look up HS descriptions matching these words.
    HsWords(String),
    /// The nodes this one writes bundles for, with what each lacks (the Sync screen's list).
    LoadPeers,
    /// Write a bundle for the node `to` (picked on the Sync screen) into `path`.
    SyncExportTo {
        path: String,
        to: String,
    },
    Quit,
    /// Back the node up into `dir` if its newest backup there is a day old, keeping `keep`.
    AutoBackup {
        dir: String,
        keep: usize,
    },
    /// The next page of the backlinks of article `id`: those after the linking article `after`,
    /// the `offset`-th on (the links pane).
    LoadBacklinks {
        id: String,
        after: String,
        offset: usize,
    },
    /// The sign-in screen came up: the event loop ends the signed-in session and asks who is
    /// next (the state, unsaved edits included, stays in memory).
    Lock,
    /// Check `name`'s password (the sign-in screen).
    SignIn {
        name: String,
        password: String,
    },
    /// Give the signed-in account this password.
    SetPassword {
        password: String,
    },
    /// The signed-in evaluator's review queue.
    LoadReviewQueue,
    /// The submission of this article that waits for evaluation, with its diff.
    LoadSubmission(String),
    /// A verdict on the article's submission (or the author's submission), with its text.
    Evaluate {
        article: String,
        kind: VerdictKind,
        text: String,
    },
    /// Decode and fit an attached picture (on the worker).
    LoadPicture(PictureKey),
    /// Attach the file at `path` to the article `id`.
    Attach {
        id: String,
        path: String,
    },
    /// One of the Market's lists, as the signed-in person sees it.
    LoadQuestions(super::state::market::MarketTab),
    /// A question with its answers and comments.
    LoadQuestion(String),
    /// An answer, a comment, an acceptance or a helpful mark on a question.
    Market {
        question: String,
        action: super::state::market::MarketAction,
    },
}

/// The answer to a sign-in, worded for the sign-in screen: one message for every refusal.
pub fn signin_result(t: &super::i18n::Catalog, result: crate::Result<String>) -> Msg {
    match result {
        Ok(name) => Msg::SignedIn(name),
        Err(crate::Error::SignInRefused) => Msg::SignInRefused(t.t("signin.refused").to_string()),
        Err(crate::Error::SignInDelayed { seconds, .. }) => {
            Msg::SignInRefused(t.f("signin.wait", &[("seconds", &seconds)]))
        }
        Err(e) => Msg::SignInRefused(e.to_string()),
    }
}

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut effects = step_msg(state, msg);
    effects.extend(reader::wanted_pictures(state));
    effects
}

fn step_msg(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Start => {
            let mut effects = vec![Effect::LoadCategories, Effect::LoadHome];
            effects.push(search::search(state));
            if let Some((dir, keep)) = state.sync.auto_backup.clone() {
                effects.push(Effect::AutoBackup { dir, keep });
            }
            effects
        }
        Msg::Key(key) if state.signin.is_some() => signin::on_key(state, key),
        Msg::Paste(text) if state.signin.is_some() => text
            .chars()
            .filter(|c| !c.is_control())
            .flat_map(|c| signin::on_key(state, Key::new(super::keymap::KeyCode::Char(c))))
            .collect(),
        Msg::SignedIn(name) => signin::signed_in(state, name),
        Msg::SignInRefused(text) => signin::refused(state, text),
        Msg::PasswordSet => signin::password_set(state),
        Msg::Idle => signin::lock(state, true),
        Msg::Key(key) => {
            if state.busy.is_none() {
                state.message = None;
            }
            if let Some(effects) = screens::cancel_key(state, key) {
                return effects;
            }
            on_key(state, key)
        }
        Msg::Paste(text) => {
            let mut effects = Vec::new();
            for c in text.chars() {
                let key = if c == '\n' {
                    Key::new(super::keymap::KeyCode::Enter)
                } else {
                    Key::new(super::keymap::KeyCode::Char(c))
                };
                effects.extend(on_key(state, key));
            }
            effects
        }
        Msg::Wheel(delta) => {
            let action = if delta > 0 { Action::Down } else { Action::Up };
            (0..delta.unsigned_abs())
                .flat_map(|_| run(state, action))
                .collect()
        }
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            relayout(state)
        }
        Msg::Home(data) => {
            state.home.data = Some(data);
            let items = state.home.items().len();
            state.home.selected = state.home.selected.min(items.saturating_sub(1));
            vec![]
        }
        Msg::Categories(categories) => {
            state.categories = categories;
            vec![]
        }
        Msg::Counts(counts) => {
            state.map.counts = Some(counts);
            vec![]
        }
        Msg::Glossary(query, entries) => glossary::loaded(state, query, entries),
        Msg::Communities(list) => activity::communities_loaded(state, list),
        Msg::Mileage(board) => activity::mileage_loaded(state, board),
        Msg::Stats(stats) => activity::stats_loaded(state, *stats),
        Msg::Users(rows) => users::loaded(state, rows),
        Msg::Results {
            generation,
            rows,
            took_micros,
            corrections,
        } => search::results(state, generation, rows, took_micros, corrections),
        Msg::Preview(doc) => search::preview(state, *doc),
        Msg::Opened(doc) => reader::opened(state, *doc),
        Msg::Reloaded(doc) => reader::reloaded(state, *doc),
        Msg::Diff(diff) => reader::diff(state, diff),
        Msg::EditLoaded(doc) => editor::loaded(state, *doc),
        Msg::Saved { id, then, outcome } => editor::saved(state, id, then, outcome),
        Msg::BodyEdited(text) => editor::body_edited(state, text),
        Msg::Peers(peers) => screens::peers(state, peers),
        Msg::ChangedElsewhere => changed_elsewhere(state),
        Msg::Progress { label, done, total } => screens::progress(state, label, done, total),
        Msg::Cancelled => screens::cancelled(state),
        Msg::DryRun { path, report } => screens::dry_run(state, path, report),
        Msg::SyncDone(report) => screens::sync_done(state, report),
        Msg::HsFound { words, rows } => overlay::hs_found(state, &words, rows),
        Msg::Info(text) => {
            state.info(text);
            vec![]
        }
        Msg::BackedUp { line, failed } => {
            if failed {
                state.error(line.clone());
            }
            state.sync.last_backup = Some(line);
            vec![]
        }
        Msg::Backlinks { id, offset, page } => reader::backlinks(state, &id, offset, page),
        Msg::ReviewQueue(items) => review::queue_loaded(state, items),
        // Home counts new comments: read it again when it shows them.
        Msg::CommentsSeen(n) if n > 0 && state.screen == Screen::Home => vec![Effect::LoadHome],
        Msg::CommentsSeen(_) => vec![],
        Msg::Submission(view) => review::submission_loaded(state, *view),
        Msg::Evaluated {
            article,
            kind,
            view,
        } => review::evaluated(state, article, kind, *view),
        Msg::EvaluationRefused(reason) => review::refused(state, reason),
        Msg::Picture { key, shown } => {
            state.pictures.insert(key, shown);
            vec![]
        }
        Msg::Attached { id, text } => attach::attached(state, &id, text),
        Msg::AttachRefused { path, why } => attach::refused(state, path, why),
        Msg::Questions(tab, items) => market::list_loaded(state, tab, items),
        Msg::Question(view) => market::question_loaded(state, *view),
        Msg::MarketDone { question, action } => market::done(state, question, action),
        Msg::MarketRefused(reason) => market::refused(state, reason),
        Msg::Failed(text) => {
            state.busy = None;
            // On the Sync screen the whole reason is shown, wrapped, where the report goes:
            // the status line alone would cut a long one at the screen's edge.
            if state.screen == Screen::Sync {
                state.sync.phase = super::state::SyncPhase::Done(vec![text.clone()]);
            }
            state.error(text);
            vec![]
        }
    }
}

fn on_key(state: &mut State, key: Key) -> Vec<Effect> {
    if state.overlay.is_some() {
        return overlay::on_key(state, key);
    }
    let scope = state.scope();
    match state.keymap.resolve(scope, key) {
        Some(action) => run(state, action),
        None => match key.typed_char() {
            Some(c) if scope.typing() => type_char(state, c),
            _ => vec![],
        },
    }
}

/// A printable key in a screen where one types.
fn type_char(state: &mut State, c: char) -> Vec<Effect> {
    match state.screen {
        Screen::Search => search::type_char(state, c),
        Screen::Editor => editor::type_char(state, c),
        Screen::Sync => screens::sync_type(state, c),
        _ => vec![],
    }
}

/// Performs one named action on the current screen.
pub fn run(state: &mut State, action: Action) -> Vec<Effect> {
    if leaves_the_editor(action) && editor_is_dirty(state) {
        state.overlay = Some(Overlay::Confirm(super::state::Confirm::Unsaved {
            then: action,
        }));
        return vec![];
    }
    match action {
        Action::Quit => vec![Effect::Quit],
        Action::Help => {
            state.overlay = Some(Overlay::Help { scroll: 0 });
            vec![]
        }
        Action::Palette => overlay::open_palette(state),
        Action::SwitchUser => signin::lock(state, false),
        Action::SetPassword => signin::set_password(state),
        Action::HsLookup => overlay::open_hs_lookup(state),
        Action::Search => {
            go(state, Screen::Search);
            state.search.focus = super::state::Focus::Input;
            search::relayout(state)
        }
        Action::Home => {
            go(state, Screen::Home);
            vec![Effect::LoadHome]
        }
        Action::Map => {
            go(state, Screen::Map);
            vec![Effect::LoadCounts]
        }
        Action::Sync => {
            go(state, Screen::Sync);
            vec![Effect::LoadPeers]
        }
        Action::Glossary => glossary::open(state),
        Action::Communities => activity::open(state, Screen::Communities),
        Action::Mileage => activity::open(state, Screen::Mileage),
        Action::Statistics => activity::open(state, Screen::Statistics),
        Action::Review => review::open(state),
        Action::Submit => review::submit(state),
        Action::Users => users::open(state),
        Action::Market => market::open(state),
        Action::NewArticle => {
            let lang = match state.i18n.lang {
                super::i18n::UiLang::Th => Lang::Th,
                super::i18n::UiLang::En => Lang::En,
            };
            state.editor = Some(EditorState::blank(lang, None));
            go(state, Screen::Editor);
            editor::relayout(state);
            vec![]
        }
        Action::Back if state.screen == Screen::Reader => reader::back(state),
        Action::Back if state.screen == Screen::Search => search::back(state),
        Action::Back if state.screen == Screen::Review => review::back(state),
        Action::Back if state.screen == Screen::Market => market::back(state),
        Action::Back => back(state),
        Action::ResolveConflict => resolve_conflict(state),
        Action::Attach => attach::open(state),
        _ => match state.screen {
            Screen::Home => screens::home_action(state, action),
            Screen::Search => search::action(state, action),
            Screen::Reader => reader::action(state, action),
            Screen::Editor => editor::action(state, action),
            Screen::Map => screens::map_action(state, action),
            Screen::Sync => screens::sync_action(state, action),
            Screen::Glossary => glossary::action(state, action),
            Screen::Communities | Screen::Mileage | Screen::Statistics => {
                activity::action(state, action)
            }
            Screen::Review => review::action(state, action),
            Screen::Users => users::action(state, action),
            Screen::Market => market::action(state, action),
        },
    }
}

/// Opens the editor on an article in conflict (the one read, else the first on Home), starting
/// from its body merged with markers.
fn resolve_conflict(state: &mut State) -> Vec<Effect> {
    let reading = (state.screen == Screen::Reader)
        .then(|| state.reader())
        .flatten()
        .filter(|r| r.laid.doc.in_conflict)
        .map(|r| r.laid.doc.id.clone());
    let first = || {
        state
            .home
            .data
            .as_ref()
            .and_then(|d| d.conflicts.first())
            .map(|r| r.id.clone())
    };
    match reading.or_else(first) {
        Some(id) => vec![Effect::EditArticle(id)],
        None => {
            state.info(state.i18n.t("conflict.none").to_string());
            vec![]
        }
    }
}

/// Actions that take the user away from the editor's screen (and so need its changes saved).
fn leaves_the_editor(action: Action) -> bool {
    matches!(
        action,
        Action::Quit
            | Action::Back
            | Action::Search
            | Action::Home
            | Action::Map
            | Action::Sync
            | Action::Glossary
            | Action::Communities
            | Action::Mileage
            | Action::Statistics
            | Action::Review
            | Action::Users
            | Action::Market
            | Action::NewArticle
    )
}

fn editor_is_dirty(state: &State) -> bool {
    state.screen == Screen::Editor && state.editor.as_ref().is_some_and(EditorState::dirty)
}

/// Shows `screen`, remembering where we were for `Esc`.
pub(crate) fn go(state: &mut State, screen: Screen) {
    if state.screen != screen {
        state.back.push(state.screen);
        if state.back.len() > 50 {
            state.back.remove(0);
        }
        state.screen = screen;
    }
}

/// `Esc`: back to the previous screen that still has something to show; Home stays.
pub(crate) fn back(state: &mut State) -> Vec<Effect> {
    if state.screen == Screen::Editor {
        state.editor = None;
    }
    while let Some(previous) = state.back.pop() {
        let showable = match previous {
            Screen::Reader => !state.readers.is_empty(),
            Screen::Editor => state.editor.is_some(),
            _ => true,
        };
        if showable && previous != state.screen {
            state.screen = previous;
            return match previous {
                Screen::Home => vec![Effect::LoadHome],
                Screen::Search => search::relayout(state),
                _ => vec![],
            };
        }
    }
    if state.screen != Screen::Home {
        state.screen = Screen::Home;
        return vec![Effect::LoadHome];
    }
    vec![]
}

/// Recomputes what depends on the terminal size: lists' scroll, documents' wrapping.
fn relayout(state: &mut State) -> Vec<Effect> {
    reader::relayout(state);
    editor::relayout(state);
    screens::relayout(state);
    activity::relayout(state);
    review::relayout(state);
    market::relayout(state);
    search::relayout(state)
}

/// Moves a selection by `delta` within `len` items.
pub(crate) fn step(selected: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    selected.saturating_add_signed(delta).min(len - 1)
}

/// Keeps `selected` within `visible` rows starting at `offset`.
pub(crate) fn keep_in_view(selected: usize, offset: usize, visible: usize) -> usize {
    let visible = visible.max(1);
    if selected < offset {
        selected
    } else if selected >= offset + visible {
        selected + 1 - visible
    } else {
        offset
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_attach;
#[cfg(test)]
mod tests_backlinks;
#[cfg(test)]
mod tests_home;
#[cfg(test)]
mod tests_market;
#[cfg(test)]
mod tests_progress;
#[cfg(test)]
mod tests_review;
#[cfg(test)]
mod tests_screens;

/// What a save became, so that the message says what really happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SavedAs {
    /// A draft: only its authors see it until it is published.
    Draft,
    /// A new published revision (HQ's edit of a published article): every node gets it.
    Published,
    /// A proposed revision of a published article: readers keep the published text until HQ
    /// publishes this one.
    Proposed,
}

impl SavedAs {
    pub fn message_key(self) -> &'static str {
        match self {
            SavedAs::Draft => "editor.saved",
            SavedAs::Published => "editor.saved_published",
            SavedAs::Proposed => "editor.saved_proposed",
        }
    }
}

/// The screen on show is read again from the node; nothing the user typed is touched.
fn changed_elsewhere(state: &mut State) -> Vec<Effect> {
    match state.screen {
        Screen::Home => vec![Effect::LoadHome],
        Screen::Map => vec![Effect::LoadCounts],
        Screen::Communities | Screen::Mileage | Screen::Statistics => activity::load(state.screen),
        Screen::Review => match &state.review.open {
            Some(open) => vec![Effect::LoadSubmission(open.view.article.clone())],
            None => vec![Effect::LoadReviewQueue],
        },
        Screen::Market => market::reload(state),
        Screen::Search if !state.search.query.text().is_empty() => vec![search::search(state)],
        Screen::Reader => state
            .readers
            .last()
            .map(|r| vec![Effect::OpenArticle(r.laid.doc.id.clone())])
            .unwrap_or_default(),
        _ => vec![],
    }
}
