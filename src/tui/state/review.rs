//! The Review screen's data: the signed-in evaluator's queue, the submission opened from it
//! with its diff, and the comment being written for a verdict (or the note of a submission).

use crate::core::{DiffLine, EvaluationView, QueueItem, SubmissionView, VoteView};
use crate::tui::i18n::Catalog;
use crate::tui::input::LineInput;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewState {
    /// What waits for me, oldest first; `None` until the node answered.
    pub queue: Option<Vec<QueueItem>>,
    pub selected: usize,
    /// First item shown; kept by `update` so the selection stays in view.
    pub offset: usize,
    /// The submission opened with `Enter`, shown in place of the queue.
    pub open: Option<OpenSubmission>,
}

impl ReviewState {
    pub fn shown(&self) -> usize {
        self.queue.as_ref().map_or(0, Vec::len)
    }

    pub fn selected_item(&self) -> Option<&QueueItem> {
        self.queue.as_ref()?.get(self.selected)
    }
}

/// A submission on screen: its diff scrolled, and the category step 1 would move it to.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenSubmission {
    pub view: SubmissionView,
    pub scroll: usize,
    pub move_to: Option<String>,
}

/// What the text being written is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerdictKind {
    /// Approve in the current step; step 1 may move the article to `category`.
    Approve { category: Option<String> },
    /// Return to the author: the comment is required.
    Return,
    /// Reject: the reason is required.
    Reject,
    /// The author submits the article, with an optional note.
    Submit,
}

impl VerdictKind {
    /// The catalogue section of this kind's texts (`verdict.return.title` …).
    pub fn key(&self) -> &'static str {
        match self {
            VerdictKind::Approve { .. } => "approve",
            VerdictKind::Return => "return",
            VerdictKind::Reject => "reject",
            VerdictKind::Submit => "submit",
        }
    }

    /// Whether the text may be left empty.
    pub fn text_optional(&self) -> bool {
        matches!(self, VerdictKind::Approve { .. } | VerdictKind::Submit)
    }
}

/// The one-line input of a verdict. It stays up until the node has taken the verdict: a
/// refusal is shown in it with the text kept, to correct or to cancel with `Esc`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictInput {
    pub article: String,
    pub title: String,
    pub kind: VerdictKind,
    pub input: LineInput,
    /// Why the node refused the last try.
    pub error: Option<String>,
    /// Handed to the node; the answer has not come yet.
    pub sending: bool,
}

impl VerdictInput {
    pub fn new(article: &str, title: &str, kind: VerdictKind) -> Self {
        VerdictInput {
            article: article.to_string(),
            title: title.to_string(),
            kind,
            input: LineInput::default(),
            error: None,
            sending: false,
        }
    }
}

/// Where an evaluation stands, in the interface's language: "step 2 · approved by 1 of 3".
pub fn evaluation_state(t: &Catalog, view: &EvaluationView) -> String {
    let who = view.published_by.join(", ");
    t.f(
        &format!("evaluation.state.{}", view.state),
        &[
            ("approvals", &view.approvals),
            ("required", &view.required),
            ("who", &who),
        ],
    )
}

/// One submission or vote as the reader lists it:
/// `2026-11-03 10:00 dao@Post B: returned (step 2, 1a2b3c4d) “name the seal types”`.
pub fn vote_line(t: &Catalog, v: &VoteView) -> String {
    let did = t.t(&format!("evaluation.did.{}", v.action));
    let at = if v.step == 0 {
        v.revision.clone()
    } else {
        format!(
            "{}, {}",
            t.f("evaluation.step", &[("step", &v.step)]),
            v.revision
        )
    };
    let mut line = format!("{} {}: {did} ({at})", v.when, v.who);
    if !v.text.is_empty() {
        line.push_str(&format!(" “{}”", v.text));
    }
    if !v.counted && v.step != 0 {
        line.push_str(&format!(" · {}", t.t("evaluation.not_counted")));
    }
    line
}

/// The row of a diff's first change (0 when nothing changed): a submission opens there, past
/// a long unchanged start.
pub fn first_change_row(lines: &[DiffLine]) -> usize {
    lines
        .iter()
        .position(|l| !matches!(l, DiffLine::Same(_)))
        .unwrap_or(0)
}
