//! The Knowledge Market screen's data: three lists of questions (my inbox as an expert, the
//! questions I asked, the open ones), the question opened from them with its answers and
//! comments, and the line an answer or a comment is written in.

use crate::core::{Journey, QuestionFilter, QuestionSummary, QuestionView};
use crate::tui::i18n::Catalog;
use crate::tui::input::LineInput;

/// The lists, in the order `Tab` goes through them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MarketTab {
    #[default]
    Inbox,
    Mine,
    Open,
}

impl MarketTab {
    pub const ALL: [MarketTab; 3] = [MarketTab::Inbox, MarketTab::Mine, MarketTab::Open];

    pub fn next(self) -> MarketTab {
        match self {
            MarketTab::Inbox => MarketTab::Mine,
            MarketTab::Mine => MarketTab::Open,
            MarketTab::Open => MarketTab::Inbox,
        }
    }

    pub fn filter(self) -> QuestionFilter {
        match self {
            MarketTab::Inbox => QuestionFilter::Inbox,
            MarketTab::Mine => QuestionFilter::Mine,
            MarketTab::Open => QuestionFilter::Open,
        }
    }

    /// The catalogue key of the tab's name (`market.tab.inbox` …).
    pub fn key(self) -> &'static str {
        match self {
            MarketTab::Inbox => "market.tab.inbox",
            MarketTab::Mine => "market.tab.mine",
            MarketTab::Open => "market.tab.open",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MarketState {
    pub tab: MarketTab,
    /// The current tab's questions, urgent first; `None` until the node answered.
    pub list: Option<Vec<QuestionSummary>>,
    pub selected: usize,
    /// First item shown; kept by `update` so the selection stays in view.
    pub offset: usize,
    /// The question opened with `Enter`, shown in place of the lists.
    pub open: Option<OpenQuestion>,
}

impl MarketState {
    pub fn shown(&self) -> usize {
        self.list.as_ref().map_or(0, Vec::len)
    }

    pub fn selected_item(&self) -> Option<&QuestionSummary> {
        self.list.as_ref()?.get(self.selected)
    }
}

/// A question on screen, with the answer `A` and `h` act on.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenQuestion {
    pub view: QuestionView,
    pub selected: usize,
}

impl OpenQuestion {
    pub fn selected_answer(&self) -> Option<&crate::core::AnswerView> {
        self.view.answers.get(self.selected)
    }
}

/// What the line is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarketText {
    Answer,
    Comment,
}

impl MarketText {
    pub fn key(self) -> &'static str {
        match self {
            MarketText::Answer => "answer",
            MarketText::Comment => "comment",
        }
    }
}

/// The line of an answer or a comment. It stays up until the node has taken it: a refusal
/// (not an expert where HQ requires one …) is shown in it with the text kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarketInput {
    pub question: String,
    pub title: String,
    pub kind: MarketText,
    pub input: LineInput,
    /// Why the node refused the last try.
    pub error: Option<String>,
    /// Handed to the node; the answer has not come yet.
    pub sending: bool,
}

impl MarketInput {
    pub fn new(question: &str, title: &str, kind: MarketText) -> Self {
        MarketInput {
            question: question.to_string(),
            title: title.to_string(),
            kind,
            input: LineInput::default(),
            error: None,
            sending: false,
        }
    }
}

/// A change asked of the node on an open question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarketAction {
    Answer(String),
    Comment(String),
    Accept(String),
    /// The answer, and whether it is now helpful.
    Helpful(String, bool),
}

impl MarketAction {
    /// The catalogue key of what the status line says once done.
    pub fn done_key(&self) -> &'static str {
        match self {
            MarketAction::Answer(_) => "market.answered",
            MarketAction::Comment(_) => "market.commented",
            MarketAction::Accept(_) => "market.accepted",
            MarketAction::Helpful(_, true) => "market.helpful_set",
            MarketAction::Helpful(_, false) => "market.helpful_unset",
        }
    }
}

/// Where a question is, in the interface's language.
pub fn journey(t: &Catalog, j: &Journey) -> String {
    match j {
        Journey::Queued => t.t("market.journey.queued").to_string(),
        Journey::InBundle { to, date } => {
            t.f("market.journey.in-bundle", &[("to", to), ("date", date)])
        }
        Journey::AtHq => t.t("market.journey.at-hq").to_string(),
        Journey::Answered => t.t("market.journey.answered").to_string(),
        Journey::Accepted => t.t("market.journey.accepted").to_string(),
    }
}
