//! Two-step evaluation, as every node judges and applies it (docs/evaluation.md).
//!
//! Every submission and vote of an article is kept in its `EvaluationRecord`, sorted by
//! `(hlc, node)`, and the state is the fold of them in that order, recomputed whenever one
//! arrives: the record is a function of the set of ops held, whatever order they came in. An
//! op is refused only for what is wrong whatever the order — its own node's chain decides it
//! (own work, a second vote on one revision, the step-1 evaluator voting in step 2, a voter
//! without evaluator rights at that op). A vote that breaks a rule only given others' votes (a
//! fourth approval after publication, a vote on a returned submission, a vote for an old
//! revision) is kept and does not count.

use redb::ReadableTable;

use super::apply::{Halt, Step, holds_role};
use super::apply_article::set_evaluated;
use super::batch::Batch;
use super::revisions;
use crate::error::{Error, Result};
use crate::model::Payload;
use crate::model::evaluation::policy;
use crate::model::{
    ArticleId, Author, EvalAction, EvalEntry, EvalState, EvaluationRecord, Hash, Role, SignedOp,
    Stamped, Verdict,
};
use crate::store::{encode, get};

fn denied<T>(reason: String) -> Step<T> {
    Err(Halt::Failed(Error::Denied { reason }))
}

/// The evaluation of `article` as the batch holds it.
pub(crate) fn record_of(b: &Batch, article: &ArticleId) -> Result<Option<EvaluationRecord>> {
    get(&b.evaluations, article.as_str())
}

/// The category of `revision` of `article`; waits until the revision is here.
fn revision_category(b: &Batch, article: &ArticleId, revision: &Hash) -> Step<String> {
    match revisions::load(&b.revisions, &b.ops, revision)? {
        Some(r) if &r.article == article => Ok(r.revision.content.category),
        Some(_) => Err(Halt::Failed(Error::invalid(format!(
            "revision {} is not a revision of `{article}`",
            revision.short()
        )))),
        None => Err(Halt::Waits(format!(
            "revision {} of `{article}` is not here yet",
            revision.short()
        ))),
    }
}

/// The rules of a submission or a vote (`core::apply::authorize` calls this for them).
pub(crate) fn authorize(b: &mut Batch, op: &SignedOp) -> Step<()> {
    let o = &op.op;
    let me = Author {
        node: o.node,
        name: o.user.clone(),
    };
    let (article, revision) = match &o.payload {
        Payload::Submitted {
            article, revision, ..
        }
        | Payload::Evaluated {
            article, revision, ..
        } => (article, revision),
        _ => return Ok(()),
    };
    let Some(record) = b.article(article)? else {
        return Err(Halt::Waits(format!("article `{article}` is not here yet")));
    };
    let is_author = record.authors.contains(&me);
    let category = revision_category(b, article, revision)?;
    let Payload::Evaluated { step, .. } = &o.payload else {
        if !is_author {
            return denied(format!(
                "only an author of `{article}` may submit it for evaluation"
            ));
        }
        return Ok(());
    };
    if is_author {
        return denied(format!(
            "nobody evaluates their own work: {} wrote a revision of `{article}`",
            o.user
        ));
    }
    let entries = record_of(b, article)?
        .map(|r| r.entries)
        .unwrap_or_default();
    let mine = entries.iter().filter(|e| e.author() == me);
    for e in mine {
        if let EvalAction::Evaluated { step: s, .. } = e.action {
            if s == *step && e.revision == *revision {
                return denied(format!(
                    "{} already voted on this submission of `{article}` (step {step}): one vote each",
                    o.user
                ));
            }
            if s == 1 && *step == 2 {
                return denied(format!(
                    "{} was the step-1 evaluator of `{article}`: step 2 needs other evaluators",
                    o.user
                ));
            }
        }
    }
    // Step 1 runs in the submitted revision's category; step 2 in the one step 1 chose.
    let mut categories = vec![category];
    if *step == 2 {
        for e in &entries {
            if let EvalAction::Evaluated {
                step: 1,
                verdict:
                    Verdict::Approve {
                        category: moved, ..
                    },
            } = &e.action
                && e.revision == *revision
                && let Some(c) = moved
            {
                categories.push(c.clone());
            }
        }
    }
    for c in &categories {
        if holds_role(b, &me, Role::Evaluator, c, o.seq)? {
            return Ok(());
        }
    }
    let step1_known = entries.iter().any(|e| {
        e.revision == *revision
            && matches!(
                e.action,
                EvalAction::Evaluated {
                    step: 1,
                    verdict: Verdict::Approve { .. }
                }
            )
    });
    if *step == 2 && !step1_known {
        return Err(Halt::Waits(format!(
            "the step-1 approval of `{article}` is not here yet"
        )));
    }
    denied(format!(
        "{} is not an evaluator of category `{}`: HQ grants evaluator rights per category",
        o.user,
        categories.join("` or `")
    ))
}

/// Keeps a submission or vote in its article's record and folds the record again.
pub(crate) fn materialize(b: &mut Batch, op: &SignedOp) -> Step<()> {
    let o = &op.op;
    let (article, revision, action) = match &o.payload {
        Payload::Submitted {
            article,
            revision,
            note,
        } => {
            let category = revision_category(b, article, revision)?;
            (
                article,
                revision,
                EvalAction::Submitted {
                    note: note.clone(),
                    category,
                },
            )
        }
        Payload::Evaluated {
            article,
            revision,
            step,
            verdict,
        } => (
            article,
            revision,
            EvalAction::Evaluated {
                step: *step,
                verdict: verdict.clone(),
            },
        ),
        _ => return Ok(()),
    };
    let mut record: EvaluationRecord = record_of(b, article)?.unwrap_or_default();
    let entry = EvalEntry {
        hlc: o.hlc,
        node: o.node,
        seq: o.seq,
        user: o.user.clone(),
        revision: *revision,
        action,
        counted: false,
    };
    let at = record
        .entries
        .partition_point(|e| (e.hlc, e.node) < (entry.hlc, entry.node));
    record.entries.insert(at, entry);
    refold(b, article, record)?;
    Ok(())
}

/// Folds `record` again, stores it, and carries a changed publication to the article:
/// whether it changed.
fn refold(b: &mut Batch, article: &ArticleId, mut record: EvaluationRecord) -> Step<bool> {
    let before = record.published;
    fold(b, &mut record)?;
    b.evaluations
        .insert(article.as_str(), encode(&record).as_slice())?;
    if record.published == before {
        return Ok(false);
    }
    set_evaluated(b, article, record.published)?;
    Ok(true)
}

/// HQ sets a policy number: the latest op by `(hlc, node)` stands; every evaluation is folded
/// again with it. Returns whether a publication changed (the index must then be rebuilt).
pub(crate) fn set_policy(
    b: &mut Batch,
    op: &SignedOp,
    key: &str,
    value: u32,
    category: Option<&str>,
) -> Step<bool> {
    let o = &op.op;
    let at = (key, category.unwrap_or(""));
    let held: Option<Stamped<u32>> = get(&b.policies, at)?;
    if held.is_some_and(|h| !h.is_before(o.hlc, o.node)) {
        return Ok(false);
    }
    let stamped = Stamped {
        value,
        hlc: o.hlc,
        node: o.node,
    };
    b.policies.insert(at, encode(&stamped).as_slice())?;
    if !policy::is_evaluation(key) {
        return Ok(false);
    }
    let mut all = Vec::new();
    for entry in b.evaluations.iter()? {
        let (k, v) = entry?;
        all.push((k.value().to_string(), v.value().to_vec()));
    }
    let mut changed = false;
    for (id, bytes) in all {
        let record: EvaluationRecord = crate::store::decode(&bytes)?;
        let article = ArticleId::parse(&id)?;
        changed |= refold(b, &article, record)?;
    }
    Ok(changed)
}

/// The number `key` asks for in `category`: the policy set on the category or the nearest
/// category above it, else on the whole map, else the default.
pub(crate) fn policy_value(
    policies: &impl redb::ReadableTable<(&'static str, &'static str), &'static [u8]>,
    key: &str,
    category: &str,
) -> Result<u32> {
    let mut at = category;
    loop {
        if let Some(p) = get::<_, Stamped<u32>>(policies, (key, at))? {
            return Ok(p.value);
        }
        if at.is_empty() {
            break;
        }
        at = at.rsplit_once('/').map_or("", |(parent, _)| parent);
    }
    Ok(policy::default_of(key).unwrap_or(1))
}

/// Recomputes the state from the entries, in their `(hlc, node)` order.
fn fold(b: &Batch, record: &mut EvaluationRecord) -> Result<()> {
    // Nothing carried over from an earlier fold: the result depends on the entries alone.
    let mut state = EvalState::Draft;
    let mut revision: Option<Hash> = None;
    let mut category = String::new();
    let mut since = crate::model::Hlc::default();
    let mut step1_done = false;
    let mut step1_evaluators: Vec<Author> = Vec::new();
    let mut voters: Vec<Author> = Vec::new();
    let mut approvals = 0u32;
    let mut published = None;
    for e in &mut record.entries {
        e.counted = false;
        match &e.action {
            EvalAction::Submitted { category: c, .. } => {
                let in_step = matches!(state, EvalState::Step1 | EvalState::Step2);
                if in_step && revision == Some(e.revision) {
                    continue;
                }
                if matches!(
                    state,
                    EvalState::Draft | EvalState::Published | EvalState::Rejected
                ) {
                    // A new evaluation: step 1 again, in the revision's category.
                    step1_done = false;
                    step1_evaluators.clear();
                    category = c.clone();
                }
                revision = Some(e.revision);
                voters.clear();
                approvals = 0;
                since = e.hlc;
                state = if step1_done {
                    EvalState::Step2
                } else {
                    EvalState::Step1
                };
                e.counted = true;
            }
            EvalAction::Evaluated { step, verdict } => {
                let who = e.author();
                if state.step() != Some(*step)
                    || revision != Some(e.revision)
                    || voters.contains(&who)
                    || (*step == 2 && step1_evaluators.contains(&who))
                    || !holds_role(b, &who, Role::Evaluator, &category, e.seq)?
                {
                    continue;
                }
                e.counted = true;
                voters.push(who.clone());
                if *step == 1 {
                    step1_evaluators.push(who);
                }
                match verdict {
                    Verdict::Approve {
                        category: moved, ..
                    } => {
                        approvals += 1;
                        let key = if *step == 1 {
                            policy::STEP1_APPROVALS
                        } else {
                            policy::STEP2_APPROVALS
                        };
                        if approvals < policy_value(&b.policies, key, &category)? {
                            continue;
                        }
                        since = e.hlc;
                        if *step == 1 {
                            if let Some(m) = moved {
                                category = m.clone();
                            }
                            step1_done = true;
                            state = EvalState::Step2;
                            voters.clear();
                            approvals = 0;
                        } else {
                            state = EvalState::Published;
                            published = Some(Stamped {
                                value: e.revision,
                                hlc: e.hlc,
                                node: e.node,
                            });
                        }
                    }
                    Verdict::Return { .. } => {
                        state = EvalState::Returned;
                        since = e.hlc;
                    }
                    Verdict::Reject { .. } => {
                        state = EvalState::Rejected;
                        since = e.hlc;
                    }
                }
            }
        }
    }
    record.required = match state {
        EvalState::Step1 => policy_value(&b.policies, policy::STEP1_APPROVALS, &category)?,
        _ => policy_value(&b.policies, policy::STEP2_APPROVALS, &category)?,
    };
    record.state = state;
    record.revision = revision;
    record.category = category;
    record.since = since;
    record.approvals = approvals;
    record.published = published;
    Ok(())
}
