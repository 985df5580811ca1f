//! What statistics read of the stored summaries and evaluation records, decoded in place: the
//! same fields in the same order as `ArticleSummary` and `EvaluationRecord` (postcard keeps no
//! field names, so a view of a prefix of the fields reads the stored bytes as they are), with
//! strings borrowed from the table's bytes instead of copied. One `stats` call reads every
//! summary and every evaluation; the copies were most of its time on a large node.
//! The tests below pin each view to the type it reads.

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::{Author, Classification, EvalState, Hash, Hlc, NodeId, Status};

/// Decodes a view borrowing from `bytes`.
pub(super) fn view<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T> {
    postcard::from_bytes(bytes).map_err(Error::from)
}

/// An `Author`, borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub(super) struct AuthorRef<'a> {
    pub node: NodeId,
    pub name: &'a str,
}

impl AuthorRef<'_> {
    fn is(&self, author: &Author) -> bool {
        self.node == author.node && self.name == author.name
    }
}

/// An `ArticleSummary` (`core/activity.rs`), borrowed.
#[derive(Debug, Deserialize)]
pub(super) struct SummaryView<'a> {
    pub category: &'a str,
    pub classification: Classification,
    pub status: Status,
    pub office: &'a str,
    pub created: Hlc,
    pub _published: Option<Hlc>,
    #[serde(borrow)]
    pub authors: Vec<AuthorRef<'a>>,
    pub review_by: Option<&'a str>,
}

impl SummaryView<'_> {
    /// As `ArticleSummary::visible_to`.
    pub fn visible_to(&self, viewer: Option<&Author>, clearance: Classification) -> bool {
        match self.status {
            Status::Draft => viewer.is_some_and(|v| self.authors.iter().any(|a| a.is(v))),
            _ => self.classification <= clearance,
        }
    }
}

/// The first fields of an `EvaluationRecord`: its entries, its state and the revision under
/// evaluation (the rest is not read).
#[derive(Debug, Deserialize)]
pub(super) struct EvaluationView<'a> {
    #[serde(borrow)]
    pub entries: Vec<EntryView<'a>>,
    pub state: EvalState,
    pub revision: Option<Hash>,
}

/// An `EvalEntry`, borrowed.
#[derive(Debug, Deserialize)]
pub(super) struct EntryView<'a> {
    pub hlc: Hlc,
    pub _node: NodeId,
    pub _seq: u64,
    pub _user: &'a str,
    pub revision: Hash,
    #[serde(borrow)]
    pub action: ActionView<'a>,
    pub counted: bool,
}

/// An `EvalAction`, borrowed.
#[derive(Debug, Deserialize)]
pub(super) enum ActionView<'a> {
    Submitted {
        _note: &'a str,
        _category: &'a str,
    },
    Evaluated {
        step: u8,
        #[serde(borrow)]
        verdict: VerdictView<'a>,
    },
}

/// A `Verdict`, borrowed.
#[derive(Debug, Deserialize)]
pub(super) enum VerdictView<'a> {
    Approve {
        _category: Option<&'a str>,
        _comment: &'a str,
    },
    Return {
        _comment: &'a str,
    },
    Reject {
        _reason: &'a str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::activity::ArticleSummary;
    use crate::model::{EvalAction, EvalEntry, EvaluationRecord, Stamped, Verdict};
    use crate::store::encode;

    fn author(name: &str, byte: u8) -> Author {
        Author {
            node: NodeId([byte; 16]),
            name: name.into(),
        }
    }

    fn owned_author(a: &AuthorRef<'_>) -> Author {
        Author {
            node: a.node,
            name: a.name.to_string(),
        }
    }

    fn owned_action(a: &ActionView<'_>) -> EvalAction {
        match a {
            ActionView::Submitted { _note, _category } => EvalAction::Submitted {
                note: _note.to_string(),
                category: _category.to_string(),
            },
            ActionView::Evaluated { step, verdict } => EvalAction::Evaluated {
                step: *step,
                verdict: match verdict {
                    VerdictView::Approve {
                        _category,
                        _comment,
                    } => Verdict::Approve {
                        category: _category.map(str::to_string),
                        comment: _comment.to_string(),
                    },
                    VerdictView::Return { _comment } => Verdict::Return {
                        comment: _comment.to_string(),
                    },
                    VerdictView::Reject { _reason } => Verdict::Reject {
                        reason: _reason.to_string(),
                    },
                },
            },
        }
    }

    #[test]
    fn the_summary_view_reads_every_field_of_a_stored_summary() {
        for (authors, review_by, published) in [
            (
                vec![author("lek", 1), author("noi", 2)],
                Some("2027-01-31"),
                None,
            ),
            (
                Vec::new(),
                None,
                Some(Hlc {
                    millis: 9,
                    counter: 2,
                }),
            ),
        ] {
            let summary = ArticleSummary {
                category: "clearance/container-seals".into(),
                classification: Classification::CustomsOnly,
                status: Status::Retired,
                office: "Mae Sai".into(),
                created: Hlc {
                    millis: 1_764_000_000_000,
                    counter: 7,
                },
                published,
                authors,
                review_by: review_by.map(str::to_string),
            };
            let bytes = encode(&summary);
            let v: SummaryView<'_> = view(&bytes).expect("a summary reads as its view");
            let read = ArticleSummary {
                category: v.category.to_string(),
                classification: v.classification,
                status: v.status,
                office: v.office.to_string(),
                created: v.created,
                published: v._published,
                authors: v.authors.iter().map(owned_author).collect(),
                review_by: v.review_by.map(str::to_string),
            };
            assert_eq!(read, summary);
        }
    }

    #[test]
    fn the_evaluation_view_reads_the_entries_state_and_revision_of_a_stored_record() {
        let entry = |millis: u64, action: EvalAction, counted: bool| EvalEntry {
            hlc: Hlc { millis, counter: 1 },
            node: NodeId([millis as u8; 16]),
            seq: millis * 3,
            user: format!("user{millis}"),
            revision: Hash([millis as u8 + 1; 32]),
            action,
            counted,
        };
        let evaluated = |step: u8, verdict: Verdict| EvalAction::Evaluated { step, verdict };
        let record = EvaluationRecord {
            entries: vec![
                entry(
                    1,
                    EvalAction::Submitted {
                        note: "please look".into(),
                        category: "clearance".into(),
                    },
                    true,
                ),
                entry(
                    2,
                    evaluated(
                        1,
                        Verdict::Approve {
                            category: Some("commodity".into()),
                            comment: "moved".into(),
                        },
                    ),
                    true,
                ),
                entry(
                    3,
                    evaluated(
                        2,
                        Verdict::Approve {
                            category: None,
                            comment: String::new(),
                        },
                    ),
                    false,
                ),
                entry(
                    4,
                    evaluated(
                        2,
                        Verdict::Return {
                            comment: "the seal number".into(),
                        },
                    ),
                    true,
                ),
                entry(
                    5,
                    evaluated(
                        2,
                        Verdict::Reject {
                            reason: "a copy".into(),
                        },
                    ),
                    true,
                ),
            ],
            state: EvalState::Rejected,
            revision: Some(Hash([9; 32])),
            category: "commodity".into(),
            since: Hlc {
                millis: 5,
                counter: 0,
            },
            approvals: 1,
            required: 3,
            published: Some(Stamped {
                value: Hash([8; 32]),
                hlc: Hlc {
                    millis: 6,
                    counter: 0,
                },
                node: NodeId([4; 16]),
            }),
        };
        let bytes = encode(&record);
        let v: EvaluationView<'_> = view(&bytes).expect("a record reads as its view");
        let entries: Vec<EvalEntry> = v
            .entries
            .iter()
            .map(|e| EvalEntry {
                hlc: e.hlc,
                node: e._node,
                seq: e._seq,
                user: e._user.to_string(),
                revision: e.revision,
                action: owned_action(&e.action),
                counted: e.counted,
            })
            .collect();
        assert_eq!(entries, record.entries);
        assert_eq!((v.state, v.revision), (record.state, record.revision));
    }
}
