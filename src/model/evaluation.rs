//! Two-step evaluation: the verdicts evaluators give, the policy keys HQ sets, and the record
//! kept per article — every submission and vote, sorted by `(hlc, node)`, and the state their
//! fold reaches (`core/evaluation.rs`). The record is a function of the set of ops held.

use serde::{Deserialize, Serialize};

use super::{Author, Hash, Hlc, NodeId, Stamped};

/// What an evaluator says of a submitted revision.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum Verdict {
    /// In step 1 the approval may move the article to another category (`category`).
    Approve {
        category: Option<String>,
        comment: String,
    },
    /// Back to the author, with a comment on what to change.
    Return {
        comment: String,
    },
    Reject {
        reason: String,
    },
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Approve { .. } => "approve",
            Verdict::Return { .. } => "return",
            Verdict::Reject { .. } => "reject",
        }
    }

    /// The comment or reason given with the verdict.
    pub fn text(&self) -> &str {
        match self {
            Verdict::Approve { comment, .. } | Verdict::Return { comment } => comment,
            Verdict::Reject { reason } => reason,
        }
    }
}

/// Policy keys HQ may set (`Payload::PolicySet`), with their defaults.
pub mod policy {
    pub const STEP1_APPROVALS: &str = "evaluation.step1-approvals";
    pub const STEP2_APPROVALS: &str = "evaluation.step2-approvals";
    /// Months from an article's last revision or confirmation to its review-by date, per kind
    /// (`freshness.review-months.KIND`).
    pub const REVIEW_MONTHS_PREFIX: &str = "freshness.review-months.";
    pub const KEYS: &[(&str, u32)] = &[
        (STEP1_APPROVALS, 1),
        (STEP2_APPROVALS, 3),
        ("freshness.review-months.procedure", 12),
        ("freshness.review-months.technique", 24),
        ("freshness.review-months.case", 24),
        ("freshness.review-months.lesson", 24),
        ("freshness.review-months.regulation-note", 12),
        (crate::model::market::ANSWER_REQUIRES_EXPERT, 0),
    ];
    /// The most approvals a policy may ask for: more evaluators than a service has is a typo.
    pub const MAX_APPROVALS: u32 = 20;
    /// The longest review interval: ten years.
    pub const MAX_REVIEW_MONTHS: u32 = 120;

    pub fn default_of(key: &str) -> Option<u32> {
        KEYS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// The largest value `key` may take.
    pub fn max_of(key: &str) -> u32 {
        if key.starts_with(REVIEW_MONTHS_PREFIX) {
            MAX_REVIEW_MONTHS
        } else {
            MAX_APPROVALS
        }
    }

    /// Whether a change of `key` can change an evaluation's outcome.
    pub fn is_evaluation(key: &str) -> bool {
        key.starts_with("evaluation.")
    }

    /// The review-interval key of an article kind.
    pub fn review_months_key(kind: crate::model::Kind) -> String {
        format!("{REVIEW_MONTHS_PREFIX}{}", kind.as_str())
    }
}

/// One submission or vote, as the evaluation record keeps it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct EvalEntry {
    pub hlc: Hlc,
    pub node: NodeId,
    /// The op's number on its node: roles are judged at it.
    pub seq: u64,
    pub user: String,
    pub revision: Hash,
    pub action: EvalAction,
    /// Whether the fold counted it (a vote for an old revision, or after the decision, is kept
    /// and does not count).
    pub counted: bool,
}

impl EvalEntry {
    pub fn author(&self) -> Author {
        Author {
            node: self.node,
            name: self.user.clone(),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum EvalAction {
    /// `category`: the submitted revision's category, where a new evaluation starts.
    Submitted {
        note: String,
        category: String,
    },
    Evaluated {
        step: u8,
        verdict: Verdict,
    },
}

/// Where an evaluation stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvalState {
    /// Never submitted.
    Draft,
    /// Waiting for step 1: an evaluator confirms or moves the category.
    Step1,
    /// Waiting for step 2: distinct evaluators judge the quality.
    Step2,
    /// Back with the author, with every comment so far.
    Returned,
    Rejected,
    Published,
}

impl EvalState {
    pub fn as_str(self) -> &'static str {
        match self {
            EvalState::Draft => "draft",
            EvalState::Step1 => "step-1",
            EvalState::Step2 => "step-2",
            EvalState::Returned => "returned",
            EvalState::Rejected => "rejected",
            EvalState::Published => "published",
        }
    }

    /// The step whose evaluators it waits for.
    pub fn step(self) -> Option<u8> {
        match self {
            EvalState::Step1 => Some(1),
            EvalState::Step2 => Some(2),
            _ => None,
        }
    }
}

/// An article's evaluation: its entries and the state their fold reaches.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct EvaluationRecord {
    /// Sorted by `(hlc, node)`.
    pub entries: Vec<EvalEntry>,
    pub state: EvalState,
    /// The revision under evaluation (the latest submitted).
    pub revision: Option<Hash>,
    /// The category the evaluation runs in (moved by a step-1 approval).
    pub category: String,
    /// When the current step began: the queue's "waiting since".
    pub since: Hlc,
    /// Approvals counted in the current step, and how many it needs.
    pub approvals: u32,
    pub required: u32,
    /// The revision the evaluation published, stamped by its deciding vote.
    pub published: Option<Stamped<Hash>>,
}

impl Default for EvaluationRecord {
    fn default() -> Self {
        Self::new()
    }
}

impl EvaluationRecord {
    pub fn new() -> Self {
        EvaluationRecord {
            entries: Vec::new(),
            state: EvalState::Draft,
            revision: None,
            category: String::new(),
            since: Hlc::default(),
            approvals: 0,
            required: 0,
            published: None,
        }
    }
}
