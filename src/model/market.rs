//! The Knowledge Market: questions officers ask, the answers experts give, comments on
//! questions and articles, and "helpful" votes — the records `core/market.rs` keeps from their
//! ops. Every record names who did what (`Author`), on what, and when (the op's `hlc`), so
//! figures such as points and times to answer are derived from them, never stored.

use serde::{Deserialize, Serialize};

use super::{ArticleId, Author, Classification, Hlc, HsCode, NodeId, Stamped};
use crate::error::{Error, Result};

/// Policy key (`Payload::PolicySet`): 1 when only the experts of a question's category may
/// answer it, 0 (the default) when anyone may. A question carries the value its asker's node
/// held when it was asked (`QuestionAsked::experts_only`), so every node judges its answers alike.
pub const ANSWER_REQUIRES_EXPERT: &str = "market.answer-requires-expert";

/// Longest question title, in characters.
pub const TITLE_CHARS: usize = 200;
/// Longest question or answer body, in bytes.
pub const BODY_BYTES: usize = 64 * 1024;
/// Longest comment, in characters.
pub const COMMENT_CHARS: usize = 4_000;

/// A question, with its answers (oldest first by `(hlc, node)`) and the asker's acceptance.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct QuestionRecord {
    pub id: String,
    pub asker: Author,
    pub hlc: Hlc,
    /// The asking op's number on the asker's node: what a peer's acknowledgement is read against.
    pub seq: u64,
    pub title: String,
    pub category: String,
    pub urgent: bool,
    pub hs_codes: Vec<HsCode>,
    pub body: String,
    pub classification: Classification,
    /// Whether only the category's experts may answer (the policy where it was asked).
    pub experts_only: bool,
    pub answers: Vec<AnswerRecord>,
    /// The answer the asker accepted last, by `(hlc, node)`.
    pub accepted: Option<Stamped<String>>,
}

impl QuestionRecord {
    pub fn answer(&self, id: &str) -> Option<&AnswerRecord> {
        self.answers.iter().find(|a| a.id == id)
    }
}

/// One answer to a question.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct AnswerRecord {
    pub id: String,
    pub question: String,
    pub author: Author,
    pub hlc: Hlc,
    pub body: String,
    /// The draft article the answer became (`outpost promote`), and when.
    pub promoted: Option<Stamped<ArticleId>>,
}

/// A comment on a question or an article; `parent` is a top-level comment on the same target
/// (threads are one level deep).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CommentRecord {
    pub id: String,
    pub target: String,
    pub parent: Option<String>,
    pub author: Author,
    pub hlc: Hlc,
    pub text: String,
}

/// A person's standing "helpful" vote on an answer or an article: the latest of their ops.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct HelpfulVote {
    pub helpful: bool,
    pub hlc: Hlc,
    pub node: NodeId,
}

/// A fresh id for a question (`q-…`), an answer (`a-…`) or a comment (`c-…`).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}-{}", ArticleId::random())
}

/// An id of a question, answer, comment or helpful target as received: the article id rule.
pub fn check_id(what: &str, id: &str) -> Result<()> {
    ArticleId::parse(id).map(|_| ()).map_err(|_| {
        Error::invalid(format!(
            "`{}` is not a {what} id: ids are 3-64 lower-case letters, digits and hyphens",
            super::validate::escape(id)
        ))
    })
}

/// Checks a question's body, an answer's body or a comment's text: not empty, not too long,
/// no control characters but line breaks and tabs.
pub fn check_text(what: &str, text: &str, max_chars: usize) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::invalid(format!("{what} is empty: write something")));
    }
    if text.chars().count() > max_chars || text.len() > BODY_BYTES {
        return Err(Error::invalid(format!(
            "{what} is longer than {max_chars} characters: shorten it"
        )));
    }
    super::validate::check_text(what, text)
}

/// Checks a question title: one line of at most [`TITLE_CHARS`] characters.
pub fn check_title(title: &str) -> Result<()> {
    check_text("the question's title", title, TITLE_CHARS)?;
    super::validate::check_line("the question's title", title)
}
