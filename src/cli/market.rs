//! `outpost ask`, `answer`, `accept`, `promote`, `comment`, `comments`, `helpful`,
//! `questions` and `question`: the Knowledge Market.

use std::io::IsTerminal;

use serde_json::json;

use super::args::AskArgs;
use super::output::{self, say};
use super::read_body;
use crate::core::{CommentView, NewQuestion, QuestionFilter, QuestionSummary, Replica};
use crate::error::{Error, Result};

/// The body from `--body-file`, else from standard input when it is not a terminal.
fn body(body_file: Option<&str>, what: &str) -> Result<String> {
    match body_file {
        Some(source) => read_body(source),
        None if !std::io::stdin().is_terminal() => read_body("-"),
        None => Err(Error::invalid(format!(
            "write the {what} on standard input (`< body.md`) or give --body-file FILE"
        ))),
    }
}

pub fn ask(replica: &mut Replica, acting: Option<&str>, a: AskArgs) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    let body = body(a.body_file.as_deref(), "question")?;
    let hs =
        a.hs.as_deref()
            .unwrap_or_default()
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
    let id = replica.ask(
        &user,
        NewQuestion {
            title: a.title,
            category: a.category,
            urgent: a.urgent,
            hs,
            body,
            classification: a.classification,
        },
    )?;
    if a.json {
        output::json(&json!({ "question": id }))?;
    } else {
        say!("Asked {id}: it waits here until the next bundle leaves")?;
    }
    Ok(0)
}

pub fn answer(
    replica: &mut Replica,
    acting: Option<&str>,
    question: &str,
    body_file: Option<&str>,
    json: bool,
) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    let body = body(body_file, "answer")?;
    let id = replica.answer(&user, question, &body)?;
    if json {
        output::json(&json!({ "question": question, "answer": id }))?;
    } else {
        say!("Answered {question}: answer {id}")?;
    }
    Ok(0)
}

pub fn accept(
    replica: &mut Replica,
    acting: Option<&str>,
    question: &str,
    answer: &str,
    json: bool,
) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    replica.accept(&user, question, answer)?;
    if json {
        output::json(&json!({ "question": question, "accepted": answer }))?;
    } else {
        say!("Accepted {answer} for {question}")?;
    }
    Ok(0)
}

pub fn promote(
    replica: &mut Replica,
    acting: Option<&str>,
    answer: &str,
    json: bool,
) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    let article = replica.promote(&user, answer)?;
    if json {
        output::json(&json!({ "answer": answer, "article": article.as_str() }))?;
    } else {
        say!(
            "Answer {answer} is now the draft article {article}: edit it, then `outpost submit {article}`"
        )?;
    }
    Ok(0)
}

pub fn comment(
    replica: &mut Replica,
    acting: Option<&str>,
    target: &str,
    parent: Option<&str>,
    text: &str,
    json: bool,
) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    let id = replica.comment(&user, target, parent, text)?;
    if json {
        output::json(&json!({ "target": target, "comment": id, "parent": parent }))?;
    } else {
        say!("Commented on {target}: comment {id}")?;
    }
    Ok(0)
}

/// `outpost comments --new [--mark-seen]`: the comments others left on my articles that I have
/// not seen here. Listing reads only; `--mark-seen` then marks what was listed.
pub fn new_comments(
    replica: &mut Replica,
    acting: Option<&str>,
    new: bool,
    mark_seen: bool,
    json: bool,
) -> Result<i32> {
    if !new {
        return Err(Error::invalid(
            "say which comments: `outpost comments --new` lists the new comments on your articles",
        ));
    }
    let user = replica.resolve_user(acting)?;
    let comments = replica.new_comments(&user)?;
    if mark_seen {
        replica.mark_seen(&user, &comments)?;
    }
    if json {
        output::json(&comments)?;
        return Ok(0);
    }
    if comments.is_empty() {
        say!("No new comments on your articles")?;
        return Ok(0);
    }
    for c in &comments {
        let what = if c.reply_to.is_some() {
            "reply"
        } else {
            "comment"
        };
        say!(
            "{}  {}  {what} by {} on {} ({}): {}",
            c.when,
            c.comment,
            output::field(&c.by),
            output::field(&c.title),
            c.article,
            output::field(&c.text)
        )?;
    }
    if mark_seen {
        say!("Marked {} seen", comments.len())?;
    }
    Ok(0)
}

pub fn helpful(
    replica: &mut Replica,
    acting: Option<&str>,
    id: &str,
    helpful: bool,
    json: bool,
) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    replica.set_helpful(&user, id, helpful)?;
    let count = replica.helpful_count(id)?;
    if json {
        output::json(&json!({ "id": id, "helpful": helpful, "count": count }))?;
    } else if helpful {
        say!("Marked {id} helpful ({count} in all)")?;
    } else {
        say!("Withdrew your helpful vote on {id} ({count} in all)")?;
    }
    Ok(0)
}

fn summary_line(q: &QuestionSummary) -> Result<()> {
    say!(
        "{}{}  {:<40} {}  by {}  {} answer(s){}  {}",
        q.id,
        if q.urgent { " URGENT" } else { "" },
        output::field(&q.title),
        output::field(&q.category),
        output::field(&q.asked_by),
        q.answers,
        if q.accepted.is_some() {
            ", accepted"
        } else {
            ""
        },
        q.journey.describe()
    )
}

pub fn questions(
    replica: &mut Replica,
    acting: Option<&str>,
    filter: QuestionFilter,
    json: bool,
) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    let list = replica.questions(&user, filter)?;
    print_list(&list, json)
}

pub fn search(replica: &mut Replica, acting: Option<&str>, words: &str, json: bool) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    let list = replica.search_questions(&user, words)?;
    print_list(&list, json)
}

fn print_list(list: &[QuestionSummary], json: bool) -> Result<i32> {
    if json {
        output::json(&list)?;
    } else if list.is_empty() {
        say!("No questions")?;
    } else {
        for q in list {
            summary_line(q)?;
        }
    }
    Ok(0)
}

fn comment_lines(comments: &[CommentView], indent: &str) -> Result<()> {
    for c in comments {
        say!(
            "{indent}{} {} ({}): {}",
            c.id,
            output::field(&c.by),
            c.when,
            c.text
        )?;
        comment_lines(&c.replies, "      ")?;
    }
    Ok(())
}

pub fn question(replica: &mut Replica, acting: Option<&str>, id: &str, json: bool) -> Result<i32> {
    let user = replica.resolve_user(acting)?;
    let view = replica.question(&user, id)?;
    if json {
        output::json(&view)?;
        return Ok(0);
    }
    let q = &view.summary;
    say!(
        "{}{}",
        output::field(&q.title),
        if q.urgent { "  [URGENT]" } else { "" }
    )?;
    say!(
        "{}  {}  asked by {} on {}  {}",
        q.id,
        output::field(&q.category),
        output::field(&q.asked_by),
        q.asked,
        q.classification.as_str()
    )?;
    say!("Where it is: {}", q.journey.describe())?;
    say!("")?;
    say!("{}", view.body)?;
    for a in &view.answers {
        say!("")?;
        say!(
            "Answer {} by {} on {}{}  helpful: {}{}",
            a.id,
            output::field(&a.by),
            a.when,
            if a.accepted { "  ACCEPTED" } else { "" },
            a.helpful,
            a.article
                .as_ref()
                .map(|art| format!("  promoted to {art}"))
                .unwrap_or_default()
        )?;
        say!("{}", a.body)?;
    }
    if !view.comments.is_empty() {
        say!("")?;
        say!("Comments:")?;
        comment_lines(&view.comments, "  ")?;
    }
    Ok(0)
}
