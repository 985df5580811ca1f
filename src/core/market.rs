//! The Knowledge Market as every node judges and applies it (docs/market.md): questions,
//! answers, acceptances, promotions, comments and helpful votes.
//!
//! Every rule here is decided by ops that come before the judged one in causal order, so each
//! node reaches the same verdict whatever order bundles arrive in: whether the asker demanded an
//! expert is carried by the question itself; only the asker accepts, only the answer's author
//! promotes, and a person's helpful votes are all their own node's, so "twice" is read from one
//! chain. Something an op builds on that has not arrived makes it wait, not fail.

use redb::ReadableTable;

use super::apply::{Halt, Step, holds_role};
use super::batch::Batch;
use super::market_facts;
use crate::error::Error;
use crate::model::market::{AnswerRecord, CommentRecord, HelpfulVote, QuestionRecord};
use crate::model::mileage::{FactKind, FactSource};
use crate::model::{ArticleId, Author, Op, Payload, Role, SignedOp, Stamped};
use crate::store::{decode, encode, get};

fn denied<T>(reason: String) -> Step<T> {
    Err(Halt::Failed(Error::Denied { reason }))
}

fn invalid<T>(reason: String) -> Step<T> {
    Err(Halt::Failed(Error::invalid(reason)))
}

fn signer(op: &SignedOp) -> Author {
    Author {
        node: op.op.node,
        name: op.op.user.clone(),
    }
}

/// The question `id`, waiting until it has arrived.
fn question(b: &Batch, id: &str) -> Step<QuestionRecord> {
    match get(&b.questions, id)? {
        Some(q) => Ok(q),
        None => Err(Halt::Waits(format!("question `{id}` is not here yet"))),
    }
}

/// The op a contribution comes from.
fn from_op(o: &Op) -> FactSource {
    FactSource::Op {
        node: o.node,
        seq: o.seq,
    }
}

/// The question an answer belongs to, waiting until the answer has arrived.
fn question_of_answer(b: &Batch, answer: &str) -> Step<QuestionRecord> {
    let Some(id) = get::<_, String>(&b.answers, answer)? else {
        return Err(Halt::Waits(format!("answer `{answer}` is not here yet")));
    };
    question(b, &id)
}

/// Whether `target` is an answer (`Some(question)`) or an article (`None`); waits for either.
fn answer_or_article(b: &mut Batch, target: &str) -> Step<Option<QuestionRecord>> {
    if b.answers.get(target)?.is_some() {
        return question_of_answer(b, target).map(Some);
    }
    let article = ArticleId::parse(target).map_err(Halt::from)?;
    match b.article(&article)? {
        Some(_) => Ok(None),
        None => Err(Halt::Waits(format!(
            "answer or article `{target}` is not here yet"
        ))),
    }
}

/// The rules of a Knowledge Market op (`core::apply::authorize` calls this for them).
pub(crate) fn authorize(b: &mut Batch, op: &SignedOp) -> Step<()> {
    let o = &op.op;
    let me = signer(op);
    match &o.payload {
        Payload::QuestionAsked { question: id, .. } => {
            if b.questions.get(id.as_str())?.is_some() {
                return invalid(format!("a question `{id}` already exists"));
            }
            Ok(())
        }
        Payload::AnswerPosted {
            question: id,
            answer,
            ..
        } => {
            let q = question(b, id)?;
            if b.answers.get(answer.as_str())?.is_some() {
                return invalid(format!("an answer `{answer}` already exists"));
            }
            if q.experts_only && !holds_role(b, &me, Role::Expert, &q.category, o.seq)? {
                return denied(format!(
                    "{} is not an expert of `{}`: HQ's policy lets only the category's experts answer this question",
                    o.user, q.category
                ));
            }
            Ok(())
        }
        Payload::AnswerAccepted {
            question: id,
            answer,
        } => {
            let q = question_of_answer(b, answer)?;
            if &q.id != id {
                return invalid(format!("answer `{answer}` does not answer question `{id}`"));
            }
            if q.asker != me {
                return denied(format!(
                    "only the asker of question `{id}` may accept an answer to it; {} did not ask it",
                    o.user
                ));
            }
            if q.accepted.as_ref().is_some_and(|a| &a.value == answer) {
                return denied(format!("answer `{answer}` is already accepted"));
            }
            Ok(())
        }
        Payload::AnswerPromoted { answer, article } => {
            let q = question_of_answer(b, answer)?;
            let Some(a) = q.answer(answer) else {
                return Err(Halt::Waits(format!("answer `{answer}` is not here yet")));
            };
            if a.author != me {
                return denied(format!(
                    "only the author of answer `{answer}` may promote it to an article"
                ));
            }
            if let Some(p) = &a.promoted {
                return denied(format!(
                    "answer `{answer}` was already promoted to article `{}`",
                    p.value
                ));
            }
            if b.article(article)?.is_none() {
                return Err(Halt::Waits(format!("article `{article}` is not here yet")));
            }
            Ok(())
        }
        Payload::CommentPosted {
            target,
            comment,
            parent,
            ..
        } => {
            if b.questions.get(target.as_str())?.is_none() {
                let article = ArticleId::parse(target).map_err(Halt::from)?;
                if b.article(&article)?.is_none() {
                    return Err(Halt::Waits(format!(
                        "question or article `{target}` is not here yet"
                    )));
                }
            }
            if b.comments
                .get((target.as_str(), comment.as_str()))?
                .is_some()
            {
                return invalid(format!("a comment `{comment}` already exists"));
            }
            if let Some(p) = parent {
                let Some(held) =
                    get::<_, CommentRecord>(&b.comments, (target.as_str(), p.as_str()))?
                else {
                    return Err(Halt::Waits(format!(
                        "comment `{p}` on `{target}` is not here yet"
                    )));
                };
                if held.parent.is_some() {
                    return invalid(format!(
                        "comment `{p}` is itself a reply: replies are one level deep, reply to the comment it answers"
                    ));
                }
            }
            Ok(())
        }
        Payload::HelpfulSet { target, helpful } => {
            if let Some(q) = answer_or_article(b, target)?
                && q.answer(target).is_some_and(|a| a.author == me)
            {
                return denied("nobody votes their own answer helpful".to_string());
            }
            let held: Option<HelpfulVote> =
                get(&b.helpful, (target.as_str(), me.node.0, me.name.as_str()))?;
            let now = held.is_some_and(|v| v.helpful);
            if now == *helpful {
                return denied(if *helpful {
                    format!(
                        "{} already marked `{target}` helpful: one vote each",
                        o.user
                    )
                } else {
                    format!(
                        "{} has not marked `{target}` helpful: nothing to undo",
                        o.user
                    )
                });
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Records a Knowledge Market op.
pub(crate) fn materialize(b: &mut Batch, op: &SignedOp) -> Step<()> {
    let o = &op.op;
    let me = signer(op);
    match &o.payload {
        Payload::QuestionAsked {
            question: id,
            title,
            category,
            urgent,
            hs,
            body,
            classification,
            experts_only,
        } => {
            let record = QuestionRecord {
                id: id.clone(),
                asker: me,
                hlc: o.hlc,
                seq: o.seq,
                title: title.clone(),
                category: category.clone(),
                urgent: *urgent,
                hs_codes: hs.clone(),
                body: body.clone(),
                classification: *classification,
                experts_only: *experts_only,
                answers: Vec::new(),
                accepted: None,
            };
            b.questions
                .insert(id.as_str(), encode(&record).as_slice())?;
            market_facts::on_question(
                b,
                FactKind::QuestionAsked,
                &record.asker,
                o.hlc,
                from_op(o),
                &record,
            )?;
        }
        Payload::AnswerPosted {
            question: id,
            answer,
            body,
        } => {
            let mut q = question(b, id)?;
            let record = AnswerRecord {
                id: answer.clone(),
                question: id.clone(),
                author: me,
                hlc: o.hlc,
                body: body.clone(),
                promoted: None,
            };
            let at = q
                .answers
                .partition_point(|a| (a.hlc, a.author.node) < (o.hlc, o.node));
            q.answers.insert(at, record);
            b.questions.insert(id.as_str(), encode(&q).as_slice())?;
            b.answers.insert(answer.as_str(), encode(id).as_slice())?;
            market_facts::on_question(
                b,
                FactKind::AnswerPosted,
                &signer(op),
                o.hlc,
                from_op(o),
                &q,
            )?;
        }
        Payload::AnswerAccepted {
            question: id,
            answer,
        } => {
            let mut q = question(b, id)?;
            if q.accepted
                .as_ref()
                .is_none_or(|a| a.is_before(o.hlc, o.node))
            {
                let old = q.accepted.take();
                let new = Stamped {
                    value: answer.clone(),
                    hlc: o.hlc,
                    node: o.node,
                };
                market_facts::accepted(b, &q, old.as_ref(), &new)?;
                q.accepted = Some(new);
                b.questions.insert(id.as_str(), encode(&q).as_slice())?;
            }
        }
        Payload::AnswerPromoted { answer, article } => {
            let mut q = question_of_answer(b, answer)?;
            if let Some(a) = q.answers.iter_mut().find(|a| &a.id == answer) {
                a.promoted = Some(Stamped {
                    value: article.clone(),
                    hlc: o.hlc,
                    node: o.node,
                });
            }
            b.questions.insert(q.id.as_str(), encode(&q).as_slice())?;
        }
        Payload::CommentPosted {
            target,
            comment,
            parent,
            text,
        } => {
            let record = CommentRecord {
                id: comment.clone(),
                target: target.clone(),
                parent: parent.clone(),
                author: me,
                hlc: o.hlc,
                text: text.clone(),
            };
            b.comments.insert(
                (target.as_str(), comment.as_str()),
                encode(&record).as_slice(),
            )?;
            let about = get::<_, QuestionRecord>(&b.questions, target.as_str())?;
            match about {
                Some(q) => market_facts::on_question(
                    b,
                    FactKind::CommentPosted,
                    &record.author,
                    o.hlc,
                    from_op(o),
                    &q,
                )?,
                None => {
                    let article = ArticleId::parse(target).map_err(Halt::from)?;
                    market_facts::on_article(b, &record.author, o.hlc, from_op(o), &article)?;
                }
            }
        }
        Payload::HelpfulSet { target, helpful } => {
            let vote = HelpfulVote {
                helpful: *helpful,
                hlc: o.hlc,
                node: o.node,
            };
            let old: Option<HelpfulVote> =
                get(&b.helpful, (target.as_str(), me.node.0, me.name.as_str()))?;
            b.helpful.insert(
                (target.as_str(), me.node.0, me.name.as_str()),
                encode(&vote).as_slice(),
            )?;
            let question = match get::<_, String>(&b.answers, target.as_str())? {
                Some(q) => get::<_, QuestionRecord>(&b.questions, q.as_str())?,
                None => None,
            };
            market_facts::voted(b, target, question.as_ref(), &me, old.as_ref(), &vote)?;
        }
        _ => {}
    }
    Ok(())
}

/// The helpful votes standing for `target`.
pub(crate) fn helpful_count(
    table: &impl ReadableTable<(&'static str, [u8; 16], &'static str), &'static [u8]>,
    target: &str,
) -> crate::error::Result<u64> {
    let mut count = 0;
    for entry in table.range((target, [0u8; 16], "")..)? {
        let (k, v) = entry?;
        if k.value().0 != target {
            break;
        }
        if decode::<HelpfulVote>(v.value())?.helpful {
            count += 1;
        }
    }
    Ok(count)
}
