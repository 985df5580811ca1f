//! Node-level commands: init, categories, import/export, reindex, check; and dispatch.

use std::time::Instant;

use super::args::{Command, InitArgs};
use super::output::say;
use super::{articles, output};
use crate::core::{DataDir, InitOptions, QuestionFilter, Replica};
use crate::error::Result;

/// Replaces the demo node in `dir`, once confirmed (`--replace-demo`, or `y` on a terminal),
/// saying where its drafts went. Leaves any other directory to `Replica::create`'s checks.
fn replace_demo(dir: &DataDir, confirmed: bool) -> Result<()> {
    if !crate::demo::is_demo(dir) {
        return Ok(());
    }
    let confirmed = confirmed
        || {
            use std::io::{BufRead, IsTerminal, Write};
            let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
            terminal
                && {
                    eprint!(
                        "{} holds the demo knowledge base. Replace the demo? Its drafts are exported as Markdown first. [y/N] ",
                        dir.path().display()
                    );
                    let _ = std::io::stderr().flush();
                    let mut answer = String::new();
                    let _ = std::io::stdin().lock().read_line(&mut answer);
                    matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
                }
        };
    if !confirmed {
        return Err(crate::Error::invalid(format!(
            "{} holds the demo knowledge base: add --replace-demo to replace it (drafts written in \
             it are exported as Markdown first), or pass another --data-dir; nothing was changed",
            dir.path().display()
        )));
    }
    let replaced = crate::demo::replace(dir)?;
    match replaced.drafts {
        Some((folder, n)) => say!(
            "Replaced the demo. Its {n} draft(s) are in {} (`outpost import-md {}` brings them back).",
            folder.display(),
            folder.display()
        )?,
        None => say!("Replaced the demo (it held no drafts).")?,
    }
    Ok(())
}

/// Gives the new node's administrator `password`, or says that the node has none.
fn set_admin_password(replica: &mut Replica, admin: &str, password: Option<&str>) -> Result<()> {
    match password {
        Some(p) => {
            replica.store_password(admin, p)?;
            say!("Administrator password set (Argon2id; it never leaves this node).")?;
        }
        None => say!(
            "No password: this is a single-user node that anyone at this computer can use. Set one with `outpost user passwd {admin}` (every account needs one once there are several)."
        )?,
    }
    Ok(())
}

pub fn init(dir: &DataDir, a: InitArgs) -> Result<i32> {
    let started = Instant::now();
    crate::model::user::check_user_name(&a.admin)?;
    // Asked before anything is made, so that a refused password changes nothing.
    let password = super::signin::new_password(&a.admin, a.password_stdin, true)?;
    replace_demo(dir, a.replace_demo)?;
    if let Some(file) = &a.from {
        let bytes = std::fs::read(file)
            .map_err(|e| crate::Error::io(format!("cannot read {}", file.display()), e))?;
        let mut replica = Replica::create_from_enrolment(dir, &bytes, &a.admin)?;
        let info = replica.node_info()?;
        let hq = replica.node(&replica.hq_node()?)?;
        say!(
            "Created post {} for {} in {}, enrolled by {} ({})",
            info.id.short(),
            output::field(&info.office),
            dir.path().display(),
            output::field(&hq.office),
            hq.id.short()
        )?;
        say!("Administrator account: {}", a.admin)?;
        set_admin_password(&mut replica, &a.admin, password.as_deref())?;
        say!("Done in {:.2} s", started.elapsed().as_secs_f64())?;
        return Ok(0);
    }
    let options = InitOptions {
        office: a.office.unwrap_or_default(),
        hq: a.hq,
        admin: a.admin,
    };
    let mut replica = Replica::create(dir, &options)?;
    let info = replica.node_info()?;
    say!(
        "Created {} node {} for {} in {}",
        if info.hq { "HQ" } else { "post" },
        info.id.short(),
        info.office,
        dir.path().display()
    )?;
    say!("Administrator account: {}", options.admin)?;
    set_admin_password(&mut replica, &options.admin, password.as_deref())?;
    if a.demo {
        let user = replica.resolve_user(Some(&options.admin))?;
        let report = crate::demo::load(&mut replica, &user)?;
        say!("Loaded {} demo articles", report.created.len())?;
    }
    say!("Done in {:.2} s", started.elapsed().as_secs_f64())?;
    Ok(0)
}

/// The node plain `outpost` makes on an empty data directory: a demo HQ with the demo articles.
pub fn create_demo(dir: &DataDir) -> Result<Replica> {
    crate::demo::create(dir)
}

/// Makes every read of `replica` show only what the acting `user` is cleared for; without a
/// known user, only public articles.
pub fn read_as(replica: &mut Replica, user: Option<&str>) {
    let acting = replica.resolve_user(user).ok();
    replica.set_clearance(crate::core::clearance_of(acting.as_ref()));
}

pub fn run(replica: &mut Replica, user: Option<&str>, command: Command) -> Result<i32> {
    read_as(replica, user);
    match command {
        Command::Init(_) => Err(crate::Error::invalid("init runs before a node is opened")),
        Command::Categories { json } => categories(replica, user, json),
        Command::Hs { query, limit, json } => super::reference::hs(replica, &query, limit, json),
        Command::ImportMd { dir, publish } => {
            let user = replica.resolve_user(user)?;
            let report = replica.import_markdown_dir(&user, &dir, publish)?;
            say!(
                "Imported from {}: {} new, {} updated, {} unchanged",
                dir.display(),
                report.created.len(),
                report.updated.len(),
                report.unchanged.len()
            )?;
            Ok(0)
        }
        Command::ExportMd { dir } => {
            let count = replica.export_markdown_dir(&dir)?;
            say!("Exported {count} articles to {}", dir.display())?;
            Ok(0)
        }
        Command::ExportHtml(a) => super::export_html::run(replica, user, a),
        Command::Reindex => {
            let started = Instant::now();
            replica.rebuild_index(&mut |_, _| {})?;
            say!("Reindexed in {:.2} s", started.elapsed().as_secs_f64())?;
            Ok(0)
        }
        Command::Check { json } => check(replica, json),
        Command::Backup { file, force, json } => super::backup::backup(replica, &file, force, json),
        Command::Glossary(a) => super::glossary::run(replica, user, a),
        Command::Attach { id, files, caption } => {
            super::attach::attach(replica, user, &id, &files, &caption)
        }
        Command::Detach { id, name } => super::attach::detach(replica, user, &id, &name),
        Command::Attachments { id, json } => super::attach::list(replica, &id, json),
        Command::Open { id, name, out } => super::attach::open(replica, &id, &name, out.as_deref()),
        Command::Sync(c) => super::sync::run(replica, c),
        Command::Node(c) => super::sync::node(replica, user, c),
        Command::User(c) => super::people::user(replica, user, c),
        Command::Role(c) => super::people::role(replica, user, c),
        Command::Ask(a) => super::market::ask(replica, user, a),
        Command::Answer {
            question,
            body_file,
            json,
        } => super::market::answer(replica, user, &question, body_file.as_deref(), json),
        Command::Accept {
            question,
            answer,
            json,
        } => super::market::accept(replica, user, &question, &answer, json),
        Command::Promote { answer, json } => super::market::promote(replica, user, &answer, json),
        Command::Comment {
            target,
            text,
            reply_to,
            json,
        } => super::market::comment(replica, user, &target, reply_to.as_deref(), &text, json),
        Command::Comments {
            new,
            mark_seen,
            json,
        } => super::market::new_comments(replica, user, new, mark_seen, json),
        Command::Helpful { id, undo, json } => {
            super::market::helpful(replica, user, &id, !undo, json)
        }
        Command::Questions {
            search: Some(words),
            json,
            ..
        } => super::market::search(replica, user, &words, json),
        Command::Questions {
            mine,
            inbox,
            open,
            json,
            ..
        } => {
            let filter = match (mine, inbox, open) {
                (true, _, _) => QuestionFilter::Mine,
                (_, true, _) => QuestionFilter::Inbox,
                (_, _, true) => QuestionFilter::Open,
                _ => QuestionFilter::All,
            };
            super::market::questions(replica, user, filter, json)
        }
        Command::Question { id, json } => super::market::question(replica, user, &id, json),
        Command::Submit { id, note } => super::evaluation::submit(replica, user, &id, &note),
        Command::Review(c) => super::evaluation::review(replica, user, c),
        Command::Policy(c) => super::evaluation::policy(replica, user, c),
        Command::Stale { mine, json } => super::freshness::stale(replica, user, mine, json),
        Command::Flag { id, reason, json } => {
            super::freshness::flag(replica, user, &id, &reason, json)
        }
        Command::Confirm { id, json } => super::freshness::confirm(replica, user, &id, json),
        Command::Supersede { old, by, json } => {
            super::freshness::supersede(replica, user, &old, &by, json)
        }
        Command::Require(a) => super::freshness::require(replica, user, a),
        Command::Ack(a) => super::freshness::ack(replica, user, a),
        Command::Cop(c) => super::community::run(replica, user, c),
        Command::Mileage(a) => super::mileage::run(replica, user, a),
        Command::Stats { since, html, json } => {
            super::stats::run(replica, user, since.as_deref(), html.as_deref(), json)
        }
        Command::Conflicts { json } => super::sync::conflicts(replica, json),
        Command::Resolve {
            id,
            take,
            body_file,
        } => super::sync::resolve(replica, user, &id, take.as_deref(), body_file.as_deref()),
        other => articles::run(replica, user, other),
    }
}

fn categories(replica: &Replica, user: Option<&str>, json: bool) -> Result<i32> {
    let categories = replica.categories()?;
    // Published articles the reader may see (and their own drafts), sub-groups included.
    let viewer = replica.resolve_user(user).ok().map(|u| replica.author(&u));
    let counts = replica.category_counts(viewer.as_ref())?;
    let count = |id: &str| counts.get(id).copied().unwrap_or(0);
    if json {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            id: &'a str,
            name: &'a str,
            name_th: &'a str,
            name_ko: &'a str,
            parent: Option<&'a str>,
            articles: usize,
        }
        let rows: Vec<Row> = categories
            .iter()
            .map(|c| Row {
                id: &c.id,
                name: &c.en,
                name_th: &c.th,
                name_ko: &c.ko,
                parent: c.parent(),
                articles: count(&c.id),
            })
            .collect();
        output::json(&rows)?;
    } else {
        for c in &categories {
            let indent = if c.parent().is_some() { "  " } else { "" };
            say!("{indent}{:<48} {:>5}  {}", c.id, count(&c.id), c.en)?;
        }
    }
    Ok(0)
}

fn check(replica: &Replica, json: bool) -> Result<i32> {
    let report = replica.check()?;
    if json {
        output::json(&serde_json::json!({
            "ok": report.ok(),
            "ops": report.ops,
            "articles": report.articles,
            "state_hash": report.state_hash,
            "index_position": report.index_position,
            "index_documents": report.index_documents,
            "index_ok": report.index_ok,
            "problems": report.problems,
        }))?;
    } else {
        say!(
            "ops: {}   articles: {}   indexed: {}",
            report.ops,
            report.articles,
            report.index_documents
        )?;
        say!("state hash: {}", report.state_hash)?;
        if report.ok() {
            say!("OK: signatures, hash chains, replay and index all check out")?;
        } else {
            for p in &report.problems {
                say!("PROBLEM: {p}")?;
            }
        }
    }
    Ok(if report.ok() { 0 } else { 1 })
}
