//! The Knowledge Market's effects: the lists and a question read for the signed-in person, and
//! answers, comments, acceptances and helpful marks through the same core functions as
//! `outpost answer`, `comment`, `accept` and `helpful`.

use super::Context;
use crate::core::{QuestionSummary, QuestionView, Replica};
use crate::error::{Error, Result};
use crate::model::User;
use crate::tui::state::market::{MarketAction, MarketTab};

fn user(ctx: &Context) -> Result<&User> {
    ctx.user.as_ref().ok_or_else(|| {
        Error::invalid(
            "the Knowledge Market needs an account: start Outpost with --user NAME (or set OUTPOST_USER)",
        )
    })
}

/// One list; without an account, none.
pub fn list(replica: &Replica, ctx: &Context, tab: MarketTab) -> Result<Vec<QuestionSummary>> {
    match &ctx.user {
        Some(user) => replica.questions(user, tab.filter()),
        None => Ok(Vec::new()),
    }
}

pub fn question(replica: &Replica, ctx: &Context, id: &str) -> Result<QuestionView> {
    replica.question(user(ctx)?, id)
}

/// Performs the change; the core refuses what the person may not do.
pub fn act(
    replica: &mut Replica,
    ctx: &Context,
    question: &str,
    action: &MarketAction,
) -> Result<()> {
    let user = user(ctx)?;
    match action {
        MarketAction::Answer(body) => replica.answer(user, question, body).map(|_| ()),
        MarketAction::Comment(text) => replica.comment(user, question, None, text).map(|_| ()),
        MarketAction::Accept(answer) => replica.accept(user, question, answer),
        MarketAction::Helpful(answer, on) => replica.set_helpful(user, answer, *on),
    }
}
