//! The Knowledge Market as people use it: ask, answer, accept, promote, comment, vote helpful,
//! and the lists and views of questions — with where a question is on its way to HQ and back.
//! Each change is a signed op judged by `core::market` like one received; what is checked here
//! first only makes the message clearer. Questions a reader is not cleared for are not shown.

use redb::ReadableTable;
use serde::Serialize;

use super::Replica;
use super::market::helpful_count;
use crate::error::{Error, Result};
use crate::model::market::{self, CommentRecord, HelpfulVote, QuestionRecord};
use crate::model::{
    ArticleContent, ArticleId, Classification, HsCode, Kind, Payload, Revision, Role, Status, User,
};
use crate::store;

/// A question as its asker writes it.
#[derive(Clone, Debug)]
pub struct NewQuestion {
    pub title: String,
    pub category: String,
    pub urgent: bool,
    /// HS codes as typed (`0901.21`).
    pub hs: Vec<String>,
    pub body: String,
    /// `None`: customs-only, what an officer's question about a consignment usually is.
    pub classification: Option<Classification>,
}

/// Which questions to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionFilter {
    All,
    /// Asked by the reader.
    Mine,
    /// In the categories where the reader holds the expert role.
    Inbox,
    /// Without an accepted answer.
    Open,
}

/// Where a question is on its way from its post to HQ and back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Journey {
    /// Asked here; no bundle has left since.
    Queued,
    /// A bundle written since it was asked carries it (the last such bundle's date).
    InBundle { to: String, date: String },
    /// HQ's acknowledgement says HQ holds it.
    AtHq,
    /// An answer has arrived here.
    Answered,
    /// The asker accepted an answer.
    Accepted,
}

impl Journey {
    pub fn describe(&self) -> String {
        match self {
            Journey::Queued => "queued here: not yet in a bundle".into(),
            Journey::InBundle { to, date } => format!("left in a bundle for {to} on {date}"),
            Journey::AtHq => "received at HQ (HQ acknowledged it)".into(),
            Journey::Answered => "answered: an answer has arrived here".into(),
            Journey::Accepted => "answered and accepted".into(),
        }
    }
}

/// One line of a question list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuestionSummary {
    pub id: String,
    pub title: String,
    pub category: String,
    pub urgent: bool,
    /// `name@office`.
    pub asked_by: String,
    /// `YYYY-MM-DD HH:MM` UTC.
    pub asked: String,
    pub answers: usize,
    pub accepted: Option<String>,
    pub classification: Classification,
    pub journey: Journey,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AnswerView {
    pub id: String,
    pub by: String,
    pub when: String,
    pub body: String,
    pub helpful: u64,
    /// Whether the reader marked it helpful.
    pub helpful_mine: bool,
    pub accepted: bool,
    /// The article it was promoted to.
    pub article: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommentView {
    pub id: String,
    pub by: String,
    pub when: String,
    pub text: String,
    /// Replies to this comment, oldest first (threads are one level deep).
    pub replies: Vec<CommentView>,
}

/// A question with its answers and comments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuestionView {
    #[serde(flatten)]
    pub summary: QuestionSummary,
    pub hs_codes: Vec<HsCode>,
    pub body: String,
    pub experts_only: bool,
    pub answers: Vec<AnswerView>,
    pub comments: Vec<CommentView>,
}

impl Replica {
    /// `user` asks the experts of a category a question: its id.
    pub fn ask(&mut self, user: &User, q: NewQuestion) -> Result<String> {
        let category = self.check_category(&q.category)?.id;
        market::check_title(q.title.trim())?;
        market::check_text("the question", &q.body, market::BODY_BYTES)?;
        let hs =
            q.hs.iter()
                .map(|c| {
                    let code = HsCode::parse(c)?;
                    crate::nomenclature::Nomenclature::builtin().check(&code)?;
                    Ok(code)
                })
                .collect::<Result<Vec<_>>>()?;
        let classification = q.classification.unwrap_or(Classification::CustomsOnly);
        if classification > user.clearance {
            return Err(Error::Denied {
                reason: format!(
                    "{} is cleared for {} only: ask at that level or lower",
                    user.name,
                    user.clearance.as_str()
                ),
            });
        }
        let experts_only = self.policy(market::ANSWER_REQUIRES_EXPERT, Some(&category))? == 1;
        let id = market::new_id("q");
        self.commit(
            &user.name,
            vec![Payload::QuestionAsked {
                question: id.clone(),
                title: q.title.trim().to_string(),
                category,
                urgent: q.urgent,
                hs,
                body: q.body,
                classification,
                experts_only,
            }],
        )?;
        Ok(id)
    }

    /// `user` answers question `id`: the answer's id.
    pub fn answer(&mut self, user: &User, id: &str, body: &str) -> Result<String> {
        let q = self.visible_question(user, id)?;
        market::check_text("the answer", body, market::BODY_BYTES)?;
        if q.experts_only && !self.has_role(&user.author(), Role::Expert, &q.category)? {
            return Err(Error::Denied {
                reason: format!(
                    "{} is not an expert of `{}`: HQ's policy lets only the category's experts answer this question",
                    user.name, q.category
                ),
            });
        }
        let answer = market::new_id("a");
        self.commit(
            &user.name,
            vec![Payload::AnswerPosted {
                question: q.id,
                answer: answer.clone(),
                body: body.to_string(),
            }],
        )?;
        Ok(answer)
    }

    /// The asker accepts `answer` to their question `id`.
    pub fn accept(&mut self, user: &User, id: &str, answer: &str) -> Result<()> {
        let q = self.visible_question(user, id)?;
        if q.answer(answer).is_none() {
            return Err(Error::invalid(format!(
                "question `{id}` has no answer `{answer}`: `outpost question {id}` lists its answers"
            )));
        }
        self.commit(
            &user.name,
            vec![Payload::AnswerAccepted {
                question: q.id,
                answer: answer.to_string(),
            }],
        )?;
        Ok(())
    }

    /// The author of `answer` turns it into a draft article linked back to its question,
    /// ready for `submit`: the article's id.
    pub fn promote(&mut self, user: &User, answer: &str) -> Result<ArticleId> {
        let q = self.question_of_answer(answer)?;
        let Some(a) = q.answer(answer) else {
            return Err(no_answer(answer));
        };
        if let Some(p) = &a.promoted {
            return Err(Error::Denied {
                reason: format!(
                    "answer `{answer}` was already promoted to article `{}`",
                    p.value
                ),
            });
        }
        let article = ArticleId::random();
        let mut content = ArticleContent::new(
            &q.title,
            &q.category,
            &format!("{}\n\n(From question `{}`.)", a.body.trim_end(), q.id),
        );
        content.summary = q.body.lines().next().unwrap_or_default().to_string();
        content.hs_codes = q.hs_codes.clone();
        content.kind = Kind::Case;
        content.classification = q.classification;
        let content = content.normalized();
        content.check_fields()?;
        self.commit(
            &user.name,
            vec![
                Payload::ArticleCreated {
                    article: article.clone(),
                    revision: Revision::new(article.clone(), vec![], content),
                    status: Status::Draft,
                },
                Payload::AnswerPromoted {
                    answer: answer.to_string(),
                    article: article.clone(),
                },
            ],
        )?;
        Ok(article)
    }

    /// `user` comments on a question or an article (`target`), or replies to `parent`.
    pub fn comment(
        &mut self,
        user: &User,
        target: &str,
        parent: Option<&str>,
        text: &str,
    ) -> Result<String> {
        if self.load_question(target)?.is_some() {
            self.visible_question(user, target)?;
        } else {
            let id = ArticleId::parse(target).map_err(|_| no_target(target))?;
            if self.load_article(&id)?.is_none() {
                return Err(no_target(target));
            }
        }
        market::check_text("the comment", text, market::COMMENT_CHARS)?;
        if let Some(p) = parent {
            let held = self
                .comment_records(target)?
                .into_iter()
                .find(|c| c.id == p)
                .ok_or_else(|| {
                    Error::invalid(format!("`{target}` has no comment `{p}` to reply to"))
                })?;
            if held.parent.is_some() {
                return Err(Error::invalid(format!(
                    "comment `{p}` is itself a reply: reply to the comment it answers"
                )));
            }
        }
        let comment = market::new_id("c");
        self.commit(
            &user.name,
            vec![Payload::CommentPosted {
                target: target.to_string(),
                comment: comment.clone(),
                parent: parent.map(str::to_string),
                text: text.to_string(),
            }],
        )?;
        Ok(comment)
    }

    /// `user` marks an answer or an article helpful (or, with `helpful` false, withdraws it).
    pub fn set_helpful(&mut self, user: &User, target: &str, helpful: bool) -> Result<()> {
        if self.question_id_of_answer(target)?.is_none() {
            let id = ArticleId::parse(target).map_err(|_| no_helpful_target(target))?;
            if self.load_article(&id)?.is_none() {
                return Err(no_helpful_target(target));
            }
        }
        self.commit(
            &user.name,
            vec![Payload::HelpfulSet {
                target: target.to_string(),
                helpful,
            }],
        )?;
        Ok(())
    }

    /// Questions `user` may read, urgent first, then newest first.
    pub fn questions(&self, user: &User, filter: QuestionFilter) -> Result<Vec<QuestionSummary>> {
        let me = user.author();
        let mut out = Vec::new();
        for q in self.question_records()? {
            if q.classification > user.clearance {
                continue;
            }
            let keep = match filter {
                QuestionFilter::All => true,
                QuestionFilter::Mine => q.asker == me,
                QuestionFilter::Inbox => self.has_role(&me, Role::Expert, &q.category)?,
                QuestionFilter::Open => q.accepted.is_none(),
            };
            if keep {
                out.push((q.urgent, q.hlc, self.summary(&q)?));
            }
        }
        out.sort_by_key(|q| std::cmp::Reverse((q.0, q.1)));
        Ok(out.into_iter().map(|(_, _, s)| s).collect())
    }

    /// Question `id` with its answers and comments, as `user` may read it.
    pub fn question(&self, user: &User, id: &str) -> Result<QuestionView> {
        let q = self.visible_question(user, id)?;
        let txn = self.read()?;
        let helpful = txn.open_table(store::HELPFUL)?;
        let mut answers = Vec::new();
        for a in &q.answers {
            let mine: Option<HelpfulVote> =
                store::get(&helpful, (a.id.as_str(), user.node.0, user.name.as_str()))?;
            answers.push(AnswerView {
                id: a.id.clone(),
                by: self.person_name(&a.author),
                when: a.hlc.display(),
                body: a.body.clone(),
                helpful: helpful_count(&helpful, &a.id)?,
                helpful_mine: mine.is_some_and(|v| v.helpful),
                accepted: q.accepted.as_ref().is_some_and(|s| s.value == a.id),
                article: a.promoted.as_ref().map(|p| p.value.to_string()),
            });
        }
        Ok(QuestionView {
            summary: self.summary(&q)?,
            hs_codes: q.hs_codes.clone(),
            body: q.body.clone(),
            experts_only: q.experts_only,
            answers,
            comments: self.comments(&q.id)?,
        })
    }

    /// The comments on a question or an article, threaded, oldest first.
    pub fn comments(&self, target: &str) -> Result<Vec<CommentView>> {
        let records = self.comment_records(target)?;
        let view = |c: &CommentRecord| CommentView {
            id: c.id.clone(),
            by: self.person_name(&c.author),
            when: c.hlc.display(),
            text: c.text.clone(),
            replies: Vec::new(),
        };
        let mut out: Vec<CommentView> = records
            .iter()
            .filter(|c| c.parent.is_none())
            .map(view)
            .collect();
        for reply in records.iter().filter(|c| c.parent.is_some()) {
            if let Some(top) = out
                .iter_mut()
                .find(|t| Some(&t.id) == reply.parent.as_ref())
            {
                top.replies.push(view(reply));
            }
        }
        Ok(out)
    }

    /// How many people hold an answer or an article helpful.
    pub fn helpful_count(&self, target: &str) -> Result<u64> {
        let txn = self.read()?;
        helpful_count(&txn.open_table(store::HELPFUL)?, target)
    }

    pub(super) fn summary(&self, q: &QuestionRecord) -> Result<QuestionSummary> {
        Ok(QuestionSummary {
            id: q.id.clone(),
            title: q.title.clone(),
            category: q.category.clone(),
            urgent: q.urgent,
            asked_by: self.person_name(&q.asker),
            asked: q.hlc.display(),
            answers: q.answers.len(),
            accepted: q.accepted.as_ref().map(|a| a.value.clone()),
            classification: q.classification,
            journey: self.journey(q)?,
        })
    }

    /// Where `q` stands, from this node's view: what arrived, what left, what HQ acknowledged.
    fn journey(&self, q: &QuestionRecord) -> Result<Journey> {
        if q.accepted.is_some() {
            return Ok(Journey::Accepted);
        }
        if !q.answers.is_empty() {
            return Ok(Journey::Answered);
        }
        let hq = self.hq_node()?;
        let peers = self.peers()?;
        let at_hq = q.asker.node == hq
            || peers
                .get(&hq)
                .and_then(|p| p.known.get(&q.asker.node))
                .is_some_and(|held| *held >= q.seq);
        if at_hq {
            return Ok(Journey::AtHq);
        }
        if q.asker.node != self.node_id() {
            return Ok(Journey::Queued);
        }
        // The last bundle whose own ops reached the question's.
        let sent = self
            .own_sent()?
            .into_iter()
            .filter(|(_, (_, seq))| *seq >= q.seq)
            .max_by_key(|(_, (millis, _))| *millis);
        Ok(match sent {
            Some((node, (millis, _))) => Journey::InBundle {
                to: self
                    .node(&node)
                    .map(|n| n.office)
                    .unwrap_or_else(|_| node.short()),
                date: crate::model::Hlc { millis, counter: 0 }.display(),
            },
            None => Journey::Queued,
        })
    }

    /// The ids of the urgent questions held here: their answers travel first too.
    pub fn urgent_questions(&self) -> Result<std::collections::BTreeSet<String>> {
        Ok(self
            .question_records()?
            .into_iter()
            .filter(|q| q.urgent)
            .map(|q| q.id)
            .collect())
    }

    fn load_question(&self, id: &str) -> Result<Option<QuestionRecord>> {
        let txn = self.read()?;
        store::get(&txn.open_table(store::QUESTIONS)?, id)
    }

    /// Question `id`, if it is here and `user` is cleared for it (else "no such question",
    /// so an uncleared reader learns nothing of it).
    fn visible_question(&self, user: &User, id: &str) -> Result<QuestionRecord> {
        match self.load_question(id)? {
            Some(q) if q.classification <= user.clearance => Ok(q),
            _ => Err(Error::invalid(format!(
                "no question `{id}` here: `outpost questions` lists them"
            ))),
        }
    }

    fn question_id_of_answer(&self, answer: &str) -> Result<Option<String>> {
        let txn = self.read()?;
        store::get(&txn.open_table(store::ANSWERS)?, answer)
    }

    fn question_of_answer(&self, answer: &str) -> Result<QuestionRecord> {
        let id = self
            .question_id_of_answer(answer)?
            .ok_or_else(|| no_answer(answer))?;
        self.load_question(&id)?.ok_or_else(|| no_answer(answer))
    }

    pub(super) fn question_records(&self) -> Result<Vec<QuestionRecord>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for entry in txn.open_table(store::QUESTIONS)?.iter()? {
            out.push(store::decode(entry?.1.value())?);
        }
        Ok(out)
    }

    fn comment_records(&self, target: &str) -> Result<Vec<CommentRecord>> {
        let txn = self.read()?;
        let mut out: Vec<CommentRecord> = Vec::new();
        for entry in txn.open_table(store::COMMENTS)?.range((target, "")..)? {
            let (k, v) = entry?;
            if k.value().0 != target {
                break;
            }
            out.push(store::decode(v.value())?);
        }
        out.sort_by_key(|c| (c.hlc, c.author.node));
        Ok(out)
    }
}

fn no_answer(answer: &str) -> Error {
    Error::invalid(format!(
        "no answer `{answer}` here: `outpost question QID` lists a question's answers"
    ))
}

fn no_target(target: &str) -> Error {
    Error::invalid(format!(
        "no question or article `{target}` here: `outpost questions` and `outpost list` show the ids"
    ))
}

fn no_helpful_target(target: &str) -> Error {
    Error::invalid(format!(
        "no answer or article `{target}` here: only answers and articles can be marked helpful"
    ))
}
