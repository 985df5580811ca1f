//! The Knowledge Market's contributions as activity facts (`core/activity.rs`), written by
//! `core::market::materialize` as it applies each op: a question asked, an answer posted, a
//! comment, an accepted answer (and, when that answer came within a day of the question, a
//! question answered within a day), a helpful vote received. An acceptance can move to another
//! answer and a helpful vote can be taken back, so those facts are keyed by what they stand
//! for (`FactSource::Acceptance`, `FactSource::Vote`) and removed with the record they replace.

use super::batch::Batch;
use crate::error::Result;
use crate::model::market::{HelpfulVote, QuestionRecord};
use crate::model::mileage::{Fact, FactKind, FactSource};
use crate::model::{ArticleId, Author, Classification, Hlc, Stamped};

/// An answer accepted this long after its question was asked still counts as "within a day".
const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// A contribution to the question `q`: asking it, answering it, commenting on it.
pub(crate) fn on_question(
    b: &mut Batch,
    kind: FactKind,
    person: &Author,
    at: Hlc,
    source: FactSource,
    q: &QuestionRecord,
) -> Result<()> {
    b.activity.insert(&Fact {
        kind,
        person: person.clone(),
        at,
        source,
        category: Some(q.category.clone()),
        classification: q.classification,
        article: None,
    })
}

/// A comment on an article.
pub(crate) fn on_article(
    b: &mut Batch,
    person: &Author,
    at: Hlc,
    source: FactSource,
    article: &ArticleId,
) -> Result<()> {
    let (category, classification) = about(b, article)?;
    b.activity.insert(&Fact {
        kind: FactKind::CommentPosted,
        person: person.clone(),
        at,
        source,
        category,
        classification,
        article: Some(article.to_string()),
    })
}

/// The asker's acceptance of `q` moved from `old` to `new`: the facts follow it.
pub(crate) fn accepted(
    b: &mut Batch,
    q: &QuestionRecord,
    old: Option<&Stamped<String>>,
    new: &Stamped<String>,
) -> Result<()> {
    let source = FactSource::Acceptance {
        question: q.id.clone(),
    };
    if let Some(old) = old {
        b.activity.remove_from(old.hlc.millis, &source)?;
    }
    let Some(answer) = q.answers.iter().find(|a| a.id == new.value) else {
        return Ok(());
    };
    let mut kinds = vec![FactKind::AnswerAccepted];
    if answer.hlc.millis.saturating_sub(q.hlc.millis) <= DAY_MS {
        kinds.push(FactKind::QuestionAnsweredWithinDay);
    }
    for kind in kinds {
        b.activity.insert(&Fact {
            kind,
            person: answer.author.clone(),
            at: new.hlc,
            source: source.clone(),
            category: Some(q.category.clone()),
            classification: q.classification,
            article: None,
        })?;
    }
    Ok(())
}

/// `voter`'s helpful vote on `target` (an answer of `question`, or an article) went from
/// `old` to `new`: the author of what was voted on receives it while it stands.
pub(crate) fn voted(
    b: &mut Batch,
    target: &str,
    question: Option<&QuestionRecord>,
    voter: &Author,
    old: Option<&HelpfulVote>,
    new: &HelpfulVote,
) -> Result<()> {
    let source = FactSource::Vote {
        target: target.to_string(),
        voter: voter.clone(),
    };
    if let Some(old) = old.filter(|v| v.helpful) {
        b.activity.remove_from(old.hlc.millis, &source)?;
    }
    if !new.helpful {
        return Ok(());
    }
    let (receivers, category, classification, article) = match question {
        Some(q) => (
            q.answers
                .iter()
                .filter(|a| a.id == target)
                .map(|a| a.author.clone())
                .collect::<Vec<_>>(),
            Some(q.category.clone()),
            q.classification,
            None,
        ),
        // An article's authors at the vote depend on which revisions arrived first: crediting
        // them would differ between nodes, so votes on articles earn nobody points.
        None => return Ok(()),
    };
    for person in receivers {
        b.activity.insert(&Fact {
            kind: FactKind::HelpfulReceived,
            person,
            at: new.hlc,
            source: source.clone(),
            category: category.clone(),
            classification,
            article: article.clone(),
        })?;
    }
    Ok(())
}

/// An article's category and classification; one not here counts as restricted, so that no
/// reader is shown a fact about what they could not read.
fn about(b: &mut Batch, article: &ArticleId) -> Result<(Option<String>, Classification)> {
    Ok(match b.article(article)? {
        Some(r) => (Some(r.content.category.clone()), r.content.classification),
        None => (None, Classification::Restricted),
    })
}
