//! Everything the screen shows, as plain data: which screen is up, what each screen holds, the
//! overlay on top, and the status line. Built from the core's types by plain conversions; no IO,
//! no terminal. Each screen's data lives in its own submodule.

pub mod activity;
pub mod editor;
pub mod glossary;
pub mod lists;
pub mod market;
pub mod reader;
pub mod review;
pub mod search;
pub mod signin;
pub mod users;

use ratatui::layout::Rect;

pub use self::editor::{EditorField, EditorState};
pub use self::lists::{HomeData, HomeState, MapState, SyncField, SyncPhase, SyncState};
pub use self::reader::{ArticleDoc, DiffView, Laid, LinkEntry, Pane, ReaderState, RevisionRow};
pub use self::review::{OpenSubmission, ReviewState, VerdictInput, VerdictKind};
pub use self::search::{Filters, Focus, ResultRow, SearchState};
pub use self::signin::{SetAside, SignInField, SignInPurpose, SignInState};
use super::i18n::{Catalog, UiLang};
use super::input::LineInput;
use super::keymap::{Action, Keymap, Scope};
use super::picture::{PictureKey, Shown};
use super::theme::Theme;
use crate::model::Category;

/// The screens, in the order the palette and the help list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Home,
    Search,
    Reader,
    Editor,
    Map,
    Sync,
    Glossary,
    Communities,
    Mileage,
    Statistics,
    Review,
    Users,
    Market,
}

/// What floats over the screen and takes the keys first.
#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    Palette {
        input: LineInput,
        selected: usize,
    },
    /// The category tree with type-to-filter, for the editor or the search filter.
    Picker {
        input: LineInput,
        selected: usize,
        purpose: PickerPurpose,
    },
    /// One line of text, e.g. the HS prefix filter.
    Prompt {
        input: LineInput,
        purpose: PromptPurpose,
        /// Why the last entry was refused; shown in place of the hint.
        error: Option<String>,
    },
    Confirm(Confirm),
    /// The HS nomenclature: a code's chapter, heading and subheadings, or the descriptions
    /// matching words; `Enter` filters the search by the chosen code.
    HsLookup {
        input: LineInput,
        selected: usize,
        rows: Vec<search::HsLine>,
    },
    /// The comment of a verdict on a submission, or the note of a submission.
    Verdict(VerdictInput),
    /// An answer or a comment on the open question.
    Market(market::MarketInput),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerPurpose {
    Editor,
    SearchFilter,
    /// Where step 1 of an evaluation moves the article.
    ReviewCategory,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptPurpose {
    HsPrefix,
    /// The path of a file to attach to the article read or edited.
    Attach,
}

/// A question that needs an answer before going on.
#[derive(Clone, Debug, PartialEq)]
pub enum Confirm {
    /// The editor has unsaved changes; `then` runs after saving or discarding.
    Unsaved { then: Action },
    /// The dry run of an import is shown; import for real?
    Import {
        path: String,
        report: Vec<String>,
        /// The first report row shown (the report scrolls; the keys stay in view).
        scroll: usize,
    },
}

/// A line for the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// Long work under way on the worker (import, export): shown as a progress bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Busy {
    pub label: String,
    pub done: u64,
    pub total: u64,
    pub cancel: Cancelling,
}

/// Whether `Esc` (on the Sync screen) can still stop the long work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cancelling {
    /// Stopping now changes nothing: `Esc` asks for it.
    #[default]
    Possible,
    /// Asked; the work stops at its next safe point.
    Asked,
    /// Past the last safe point (an import is committing): it runs to its end.
    TooLate,
}

/// The whole state of the interface.
#[derive(Clone, Debug)]
pub struct State {
    pub screen: Screen,
    /// Where `Esc` returns to.
    pub back: Vec<Screen>,
    pub overlay: Option<Overlay>,
    pub keymap: Keymap,
    pub i18n: Catalog,
    pub theme: Theme,
    /// The Knowledge Map, parents before children (loaded at start).
    pub categories: Vec<Category>,
    pub home: HomeState,
    pub search: SearchState,
    /// Open articles; the last is shown. Following a link pushes, `Esc` pops.
    pub readers: Vec<ReaderState>,
    pub editor: Option<EditorState>,
    pub map: MapState,
    pub glossary: glossary::GlossaryState,
    pub communities: activity::CommunitiesState,
    pub mileage: activity::MileageState,
    pub statistics: activity::StatsState,
    pub review: ReviewState,
    pub market: market::MarketState,
    pub users: users::UsersState,
    pub sync: SyncState,
    pub message: Option<Message>,
    pub busy: Option<Busy>,
    /// The acting account, when one could be resolved (saving needs it).
    pub user: Option<String>,
    /// Now, for "3 days ago" and overdue reviews (from the injected clock).
    pub now_millis: u64,
    pub width: u16,
    pub height: u16,
    /// The sign-in (or set-password) screen, when up: it hides and locks everything else.
    pub signin: Option<SignInState>,
    /// Attached pictures by file and size: encoded by the worker, drawn by the reader.
    pub pictures: std::collections::BTreeMap<PictureKey, Shown>,
    /// Unsaved work of people who are not signed in now, kept for their return.
    pub set_aside: Vec<SetAside>,
    /// The node has a single account and no password: the top bar offers to set one.
    pub no_password: bool,
}

impl State {
    pub fn new(width: u16, height: u16) -> Self {
        Self::with(
            width,
            height,
            Catalog::new(UiLang::En),
            Keymap::default(),
            Theme::default(),
        )
    }

    pub fn with(width: u16, height: u16, i18n: Catalog, keymap: Keymap, theme: Theme) -> Self {
        State {
            screen: Screen::Home,
            back: Vec::new(),
            overlay: None,
            keymap,
            i18n,
            theme,
            categories: Vec::new(),
            home: HomeState::default(),
            search: SearchState::default(),
            readers: Vec::new(),
            editor: None,
            map: MapState::default(),
            glossary: Default::default(),
            communities: Default::default(),
            mileage: Default::default(),
            statistics: Default::default(),
            review: ReviewState::default(),
            market: Default::default(),
            users: Default::default(),
            sync: SyncState::default(),
            message: None,
            busy: None,
            user: None,
            now_millis: 0,
            width,
            height,
            signin: None,
            pictures: Default::default(),
            set_aside: Vec::new(),
            no_password: false,
        }
    }

    /// The whole terminal, for the layout functions.
    pub fn area(&self) -> Rect {
        Rect::new(0, 0, self.width, self.height)
    }

    pub fn reader(&self) -> Option<&ReaderState> {
        self.readers.last()
    }

    /// The key scope of what has the keys now.
    pub fn scope(&self) -> Scope {
        match &self.overlay {
            Some(Overlay::Help { .. } | Overlay::Confirm(_)) => Scope::Help,
            Some(_) => Scope::Overlay,
            None => self.screen_scope(),
        }
    }

    /// The scope of the screen under any overlay (what the help describes).
    pub fn screen_scope(&self) -> Scope {
        match self.screen {
            Screen::Home => Scope::Home,
            Screen::Search if self.search.focus == Focus::Input => Scope::SearchInput,
            Screen::Search => Scope::SearchList,
            Screen::Reader => Scope::Reader,
            Screen::Editor => Scope::Editor,
            Screen::Map => Scope::Map,
            Screen::Sync => Scope::Sync,
            Screen::Glossary => Scope::Glossary,
            Screen::Communities => Scope::Communities,
            Screen::Mileage => Scope::Mileage,
            Screen::Statistics => Scope::Statistics,
            Screen::Review => Scope::Review,
            Screen::Users => Scope::Users,
            Screen::Market => Scope::Market,
        }
    }

    /// The category's name in the interface language, with its parents: `Commodity › Timber`.
    pub fn category_path(&self, id: &str) -> String {
        reader::category_path(&self.categories, self.i18n.lang.code(), id)
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }
}

#[cfg(test)]
pub(super) mod fixtures;
#[cfg(test)]
pub(super) mod fixtures_market;
#[cfg(test)]
pub(super) mod fixtures_review;
