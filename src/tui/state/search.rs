//! The search screen's data: the box, the filter chips, the results and the preview.

use super::reader::Laid;
use crate::model::{ArticleRecord, Lang, Status};
use crate::search::{SearchHit, SearchKind};
use crate::tui::input::LineInput;

/// Where the keys go on the search screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Focus {
    #[default]
    Input,
    List,
}

/// The filters shown as chips under the search box.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    /// A category id; sub-groups are included.
    pub category: Option<String>,
    /// An HS prefix as typed (`4403`, `0901.21`).
    pub hs: Option<String>,
    pub lang: Option<Lang>,
    /// An article kind, or the Knowledge Market's questions alone.
    pub kind: Option<SearchKind>,
    /// Search the words typed only, not their glossary terms in other languages.
    pub no_glossary: bool,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

#[derive(Clone, Debug, Default)]
pub struct SearchState {
    pub query: LineInput,
    pub focus: Focus,
    pub filters: Filters,
    /// The text and filters the current results are for.
    pub results_for: Option<(String, Filters)>,
    pub results: Vec<ResultRow>,
    /// The words the results are for when the search corrected a typo in them.
    pub corrected: Option<String>,
    /// How long the search took, in microseconds.
    pub took_micros: Option<u64>,
    pub selected: usize,
    /// First result shown; kept by `update` so the selection stays in view.
    pub list_offset: usize,
    /// The selected result's article, when loaded and the preview pane is shown.
    pub preview: Option<Laid>,
    /// First line of the preview shown: the first line that holds a searched word.
    pub preview_scroll: usize,
    /// Counts searches sent, so results of an older one can be told apart and dropped.
    pub generation: u64,
}

impl SearchState {
    /// The words of the search the results are for, lower-cased, without `lang:`-style
    /// filters and query punctuation: what the preview looks for.
    pub fn searched_words(&self) -> Vec<String> {
        let Some((text, _)) = &self.results_for else {
            return Vec::new();
        };
        text.split_whitespace()
            .filter(|w| !w.contains(':'))
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| w.chars().count() >= 2)
            .collect()
    }

    pub fn selected_row(&self) -> Option<&ResultRow> {
        self.results.get(self.selected)
    }

    /// Whether the list shows the most recent articles (no words, no filters).
    pub fn is_recent_list(&self) -> bool {
        self.results_for
            .as_ref()
            .is_none_or(|(text, filters)| text.trim().is_empty() && filters.is_empty())
    }
}

/// One line of the HS lookup: a code, its description, and how deep it sits under the chapter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HsLine {
    pub code: String,
    pub description: String,
    pub depth: usize,
}

/// One line of a result list.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRow {
    pub id: String,
    pub title: String,
    pub category: String,
    pub status: Status,
    pub hs_codes: Vec<String>,
    pub snippet: String,
    pub lang: String,
    pub updated: String,
    /// The glossary term the result was found through (`SearchHit::via`).
    pub via: Option<String>,
    /// How many found it helpful (a question: its answers together); 0 where not counted.
    pub helpful: u64,
    /// A question of the Knowledge Market (`Enter` opens it there) with its answers so far;
    /// `None` for an article.
    pub answers: Option<usize>,
}

impl ResultRow {
    pub fn is_question(&self) -> bool {
        self.answers.is_some()
    }
}

impl From<SearchHit> for ResultRow {
    fn from(hit: SearchHit) -> Self {
        ResultRow {
            id: hit.id,
            title: hit.title,
            category: hit.category,
            status: hit.status,
            hs_codes: hit.hs_codes,
            snippet: hit.snippet,
            lang: hit.lang,
            updated: String::new(),
            via: hit.via,
            helpful: hit.helpful,
            answers: hit.answers,
        }
    }
}

impl From<ArticleRecord> for ResultRow {
    fn from(record: ArticleRecord) -> Self {
        let c = record.content;
        ResultRow {
            id: record.id.to_string(),
            title: c.title,
            category: c.category,
            status: record.status,
            hs_codes: c.hs_codes.iter().map(ToString::to_string).collect(),
            snippet: c.summary,
            lang: c.lang.to_string(),
            updated: record.updated.date(),
            via: None,
            helpful: 0,
            answers: None,
        }
    }
}
