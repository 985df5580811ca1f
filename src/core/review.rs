//! Two-step evaluation as people use it: submit, approve, return, reject, the queue of what
//! waits for an evaluator, an article's evaluation, and HQ's policy numbers. Each turns into a
//! signed op judged by `core::evaluation` like one received; what is checked here first only
//! makes the message clearer.

use redb::ReadableTable;
use serde::Serialize;

use super::Replica;
use super::evaluation::policy_value;
use crate::error::{Error, Result};
use crate::model::{
    ArticleId, EvalAction, EvalState, EvaluationRecord, Payload, Role, User, Verdict,
};
use crate::store;

/// One submission or vote, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VoteView {
    /// `name@office`.
    pub who: String,
    /// `YYYY-MM-DD HH:MM` UTC.
    pub when: String,
    /// The revision's short id.
    pub revision: String,
    /// "submit", "approve", "return" or "reject".
    pub action: String,
    /// 0 for a submission.
    pub step: u8,
    /// The note, comment or reason.
    pub text: String,
    /// The category a step-1 approval moved the article to.
    pub category: Option<String>,
    /// Whether the vote counts (one for an old revision, or after the decision, does not).
    pub counted: bool,
}

/// Where an article's evaluation stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EvaluationView {
    pub article: String,
    /// "draft", "step-1", "step-2", "returned", "rejected" or "published".
    pub state: String,
    pub step: Option<u8>,
    pub category: String,
    pub revision: Option<String>,
    /// Approvals counted in the current step, and how many it needs.
    pub approvals: u32,
    pub required: u32,
    /// Every submission and vote, oldest first.
    pub votes: Vec<VoteView>,
    /// Every return comment and rejection reason, oldest first: what the author must address.
    pub comments: Vec<String>,
    /// The votes that published it (`name@office`), when it is published.
    pub published_by: Vec<String>,
    /// What is known to be on its way here from other offices (`core/in_transit.rs`).
    pub in_transit: Vec<super::in_transit::InTransit>,
}

/// A submission that waits for an evaluator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueueItem {
    pub article: String,
    pub title: String,
    pub step: u8,
    pub category: String,
    pub revision: String,
    /// `name@office` of whoever submitted it.
    pub submitted_by: String,
    /// When the step began (`YYYY-MM-DD HH:MM` UTC), and how long ago in minutes.
    pub waiting_since: String,
    pub waited_minutes: u64,
}

/// A submission returned to one of its authors, with what the evaluators said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReturnedItem {
    pub article: String,
    pub title: String,
    pub category: String,
    /// Return comments and rejection reasons so far.
    pub comments: usize,
}

impl Replica {
    fn evaluation_record(&self, id: &ArticleId) -> Result<Option<EvaluationRecord>> {
        let txn = self.read()?;
        store::get(&txn.open_table(store::EVALUATIONS)?, id.as_str())
    }

    /// The evaluation of an article the reader may see; none for one above their clearance,
    /// so that it reads exactly as a missing article does.
    fn cleared_evaluation_record(&self, id: &ArticleId) -> Result<Option<EvaluationRecord>> {
        match self.refuse_hidden(id) {
            Ok(()) => self.evaluation_record(id),
            Err(Error::NoArticle { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The author `user` submits the article's current revision for evaluation.
    pub fn submit(&mut self, user: &User, id: &str, note: &str) -> Result<()> {
        let view = self.article(id)?;
        let record = view.record;
        if record.heads.len() != 1 {
            return Err(Error::invalid(format!(
                "`{id}` has concurrent versions: resolve them (`outpost conflicts`) before submitting"
            )));
        }
        let revision = record.heads[0];
        if !record.authors.contains(&self.author(user)) {
            return Err(Error::Denied {
                reason: format!(
                    "only an author of `{id}` may submit it; {} did not write it",
                    user.name
                ),
            });
        }
        if let Some(e) = self.evaluation_record(&record.id)?
            && e.revision == Some(revision)
            && matches!(e.state, EvalState::Step1 | EvalState::Step2)
        {
            return Err(Error::invalid(format!(
                "this version of `{id}` is already in evaluation ({}): edit it to submit a new one",
                e.state.as_str()
            )));
        }
        self.commit(
            &user.name,
            vec![Payload::Submitted {
                article: record.id,
                revision,
                note: note.to_string(),
            }],
        )?;
        Ok(())
    }

    /// `user` approves the submission in its current step; a step-1 approval may move the
    /// article to `category`.
    pub fn review_approve(
        &mut self,
        user: &User,
        id: &str,
        category: Option<&str>,
        comment: &str,
    ) -> Result<()> {
        let category = match category {
            Some(c) => Some(self.check_category(c)?.id),
            None => None,
        };
        self.vote(
            user,
            id,
            Verdict::Approve {
                category,
                comment: comment.to_string(),
            },
        )
    }

    /// `user` returns the submission to its author with `comment`.
    pub fn review_return(&mut self, user: &User, id: &str, comment: &str) -> Result<()> {
        self.vote(
            user,
            id,
            Verdict::Return {
                comment: comment.to_string(),
            },
        )
    }

    /// `user` rejects the submission, saying why.
    pub fn review_reject(&mut self, user: &User, id: &str, reason: &str) -> Result<()> {
        self.vote(
            user,
            id,
            Verdict::Reject {
                reason: reason.to_string(),
            },
        )
    }

    fn vote(&mut self, user: &User, id: &str, verdict: Verdict) -> Result<()> {
        let article = ArticleId::parse(id).map_err(|_| Error::NoArticle { id: id.to_string() })?;
        let record = self.cleared_evaluation_record(&article)?;
        let (Some(record), true) = (
            record.as_ref(),
            record.as_ref().is_some_and(|r| r.state.step().is_some()),
        ) else {
            let state = record.map_or("draft", |r| r.state.as_str());
            return Err(Error::invalid(format!(
                "`{id}` waits for no evaluation (it is {state}): `outpost review queue` lists what does"
            )));
        };
        let (Some(step), Some(revision)) = (record.state.step(), record.revision) else {
            return Err(Error::invalid(format!("`{id}` waits for no evaluation")));
        };
        if step == 2
            && let Verdict::Approve {
                category: Some(_), ..
            } = verdict
        {
            return Err(Error::invalid(format!(
                "`{id}` is in step 2: its category was settled in step 1; approve without --category"
            )));
        }
        self.commit(
            &user.name,
            vec![Payload::Evaluated {
                article,
                revision,
                step,
                verdict,
            }],
        )?;
        Ok(())
    }

    /// Where `id`'s evaluation stands.
    pub fn evaluation(&self, id: &str) -> Result<EvaluationView> {
        let article = ArticleId::parse(id).map_err(|_| Error::NoArticle { id: id.to_string() })?;
        // An article above the reader's clearance has no evaluation to them, as a missing one.
        let record = self
            .cleared_evaluation_record(&article)?
            .unwrap_or_default();
        let mut votes = Vec::new();
        let mut comments = Vec::new();
        let mut published_by = Vec::new();
        let published = record.published.map(|p| p.value);
        for e in &record.entries {
            let who = self.person_name(&e.author());
            let (action, step, text, category) = match &e.action {
                EvalAction::Submitted { note, .. } => ("submit", 0, note.clone(), None),
                EvalAction::Evaluated { step, verdict } => {
                    let moved = match verdict {
                        Verdict::Approve { category, .. } => category.clone(),
                        _ => None,
                    };
                    if !matches!(verdict, Verdict::Approve { .. }) {
                        comments.push(format!("{who}: {}", verdict.text()));
                    } else if *step == 2 && e.counted && Some(e.revision) == published {
                        published_by.push(who.clone());
                    }
                    (verdict.as_str(), *step, verdict.text().to_string(), moved)
                }
            };
            votes.push(VoteView {
                who,
                when: e.hlc.display(),
                revision: e.revision.short(),
                action: action.to_string(),
                step,
                text,
                category,
                counted: e.counted,
            });
        }
        if record.state != EvalState::Published {
            published_by.clear();
        }
        Ok(EvaluationView {
            article: article.to_string(),
            state: record.state.as_str().to_string(),
            step: record.state.step(),
            category: record.category,
            revision: record.revision.map(|r| r.short()),
            approvals: record.approvals,
            required: record.required,
            votes,
            comments,
            published_by,
            in_transit: self.in_transit(&article)?,
        })
    }

    /// What waits for `user`: submissions in a step they may vote in, in categories granted to
    /// them, that are not their own work and that they have not voted on; oldest first.
    pub fn review_queue(&self, user: &User) -> Result<Vec<QueueItem>> {
        let me = self.author(user);
        let now = self.now_millis();
        let txn = self.read()?;
        let mut items = Vec::new();
        for entry in txn.open_table(store::EVALUATIONS)?.iter()? {
            let (k, v) = entry?;
            let record: EvaluationRecord = store::decode(v.value())?;
            let (Some(step), Some(revision)) = (record.state.step(), record.revision) else {
                continue;
            };
            if !self.has_role(&me, Role::Evaluator, &record.category)? {
                continue;
            }
            let voted = record.entries.iter().any(|e| {
                e.author() == me
                    && matches!(e.action, EvalAction::Evaluated { step: s, .. }
                        if (s == step && e.revision == revision) || (s == 1 && step == 2))
            });
            // An article above the reader's clearance is not theirs to evaluate: not listed.
            let article = match self.article(k.value()) {
                Ok(article) => article,
                Err(Error::NoArticle { .. }) => continue,
                Err(e) => return Err(e),
            };
            if voted || article.record.authors.contains(&me) {
                continue;
            }
            let submitter = record
                .entries
                .iter()
                .rev()
                .find(|e| {
                    e.revision == revision && matches!(e.action, EvalAction::Submitted { .. })
                })
                .map(|e| self.person_name(&e.author()))
                .unwrap_or_default();
            items.push((
                record.since,
                QueueItem {
                    article: k.value().to_string(),
                    title: article.record.content.title,
                    step,
                    category: record.category.clone(),
                    revision: revision.short(),
                    submitted_by: submitter,
                    waiting_since: record.since.display(),
                    waited_minutes: now.saturating_sub(record.since.millis) / 60_000,
                },
            ));
        }
        items.sort_by(|a, b| (a.0, &a.1.article).cmp(&(b.0, &b.1.article)));
        Ok(items.into_iter().map(|(_, item)| item).collect())
    }

    /// The submissions of `user`'s articles that were returned to their authors: what they
    /// must revise and submit again. In article order.
    pub fn returned_to(&self, user: &User) -> Result<Vec<ReturnedItem>> {
        let me = self.author(user);
        let txn = self.read()?;
        let mut items = Vec::new();
        for entry in txn.open_table(store::EVALUATIONS)?.iter()? {
            let (k, v) = entry?;
            let record: EvaluationRecord = store::decode(v.value())?;
            if record.state != EvalState::Returned {
                continue;
            }
            let article = self.article(k.value())?.record;
            if !article.authors.contains(&me) {
                continue;
            }
            let comments = record
                .entries
                .iter()
                .filter(|e| {
                    matches!(&e.action, EvalAction::Evaluated { verdict, .. }
                        if !matches!(verdict, Verdict::Approve { .. }))
                })
                .count();
            let (_, working) = article.working();
            items.push(ReturnedItem {
                article: k.value().to_string(),
                title: working.title.clone(),
                category: working.category.clone(),
                comments,
            });
        }
        Ok(items)
    }

    /// HQ sets an evaluation policy number, over the whole map or a category subtree.
    pub fn set_policy(
        &mut self,
        user: &User,
        key: &str,
        value: u32,
        category: Option<&str>,
    ) -> Result<()> {
        let category = match category {
            Some(c) => Some(self.check_category(c)?.id),
            None => None,
        };
        if !self.may_publish(user)? {
            return Err(Error::Denied {
                reason:
                    "evaluation policy is set by an administrator at HQ (or at a node HQ trusts)"
                        .into(),
            });
        }
        self.commit(
            &user.name,
            vec![Payload::PolicySet {
                key: key.to_string(),
                value,
                category,
            }],
        )?;
        Ok(())
    }

    /// The number `key` asks for in `category` (None: the whole map), as this node knows it.
    pub fn policy(&self, key: &str, category: Option<&str>) -> Result<u32> {
        let txn = self.read()?;
        policy_value(
            &txn.open_table(store::POLICIES)?,
            key,
            category.unwrap_or(""),
        )
    }
}
