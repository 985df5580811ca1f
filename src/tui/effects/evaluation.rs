//! Evaluation's effects: a verdict or a submission through the core, and Home's evaluation
//! rows (what waits for my review, my returned submissions).

use super::Context;
use crate::core::{EvaluationView, Replica};
use crate::error::{Error, Result};
use crate::model::Status;
use crate::tui::state::lists::{EvaluationNeeds, Returned};
use crate::tui::state::{ResultRow, VerdictKind};

/// A verdict or a submission through the same core functions as `outpost review` and
/// `outpost submit`; then where the evaluation stands.
pub fn evaluate(
    replica: &mut Replica,
    ctx: &Context,
    article: &str,
    kind: &VerdictKind,
    text: &str,
) -> Result<EvaluationView> {
    let user = ctx.user.as_ref().ok_or_else(|| {
        Error::invalid(
            "evaluating needs an account: start Outpost with --user NAME (or set OUTPOST_USER)",
        )
    })?;
    match kind {
        VerdictKind::Approve { category } => {
            replica.review_approve(user, article, category.as_deref(), text)?
        }
        VerdictKind::Return => replica.review_return(user, article, text)?,
        VerdictKind::Reject => replica.review_reject(user, article, text)?,
        VerdictKind::Submit => replica.submit(user, article, text)?,
    }
    replica.evaluation(article)
}

/// Home's evaluation rows: my submissions returned to me, and what waits for my review (how
/// many, and the first `rows` of them).
pub fn needs(replica: &Replica, ctx: &Context, rows: usize) -> Result<EvaluationNeeds> {
    let Some(user) = &ctx.user else {
        return Ok(EvaluationNeeds::default());
    };
    let returned = replica
        .returned_to(user)?
        .into_iter()
        .map(|r| Returned {
            row: ResultRow {
                id: r.article,
                title: r.title,
                category: r.category,
                status: Status::Draft,
                hs_codes: Vec::new(),
                snippet: String::new(),
                lang: String::new(),
                updated: String::new(),
                via: None,
                helpful: 0,
                answers: None,
            },
            comments: r.comments,
        })
        .collect();
    let mut queue = replica.review_queue(user)?;
    let to_review = queue.len();
    queue.truncate(rows);
    Ok(EvaluationNeeds {
        returned,
        to_review,
        queue,
    })
}
