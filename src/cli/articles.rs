//! Article commands: add, edit, show, list, retire, publish, search.

use std::io::IsTerminal;

use super::args::{AddArgs, ArticleFields, Command, EditArgs, SearchArgs};
use super::output::say;
use super::{output, read_body};
use crate::core::{ArticleFilter, ArticlePatch, NewArticle, Replica};
use crate::error::{Error, Result};
use crate::markdown::detect_lang;
use crate::model::{ArticleContent, ArticleId, HsCode, Status};
use crate::search::{SearchHit, SearchRequest};

pub fn run(replica: &mut Replica, user: Option<&str>, command: Command) -> Result<i32> {
    match command {
        Command::Add(a) => add(replica, user, a),
        Command::Edit(a) => edit(replica, user, a),
        Command::Show { id, json } => show(replica, user, &id, json),
        Command::List {
            category,
            status,
            json,
        } => list(replica, user, category, status, json),
        Command::Retire { id } => set_status(replica, user, &id, Status::Retired),
        Command::Publish { id } => set_status(replica, user, &id, Status::Published),
        Command::Search(a) => search(replica, user, a),
        _ => Err(Error::invalid("this command is not an article command")),
    }
}

fn tags(s: &str) -> Vec<String> {
    s.split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn add(replica: &mut Replica, user: Option<&str>, a: AddArgs) -> Result<i32> {
    let user = replica.resolve_user(user)?;
    let f = a.fields;
    let body = match &f.body_file {
        Some(source) => read_body(source)?,
        None if !std::io::stdin().is_terminal() => read_body("-")?,
        None => String::new(),
    };
    let content = ArticleContent {
        lang: match f.lang {
            Some(l) => l,
            None => detect_lang(&format!("{}\n{body}", a.title)),
        },
        title: a.title,
        summary: f.summary.unwrap_or_default(),
        body,
        category: a.category,
        tags: f.tags.as_deref().map(tags).unwrap_or_default(),
        hs_codes: f
            .hs
            .as_deref()
            .map(HsCode::parse_list)
            .transpose()?
            .unwrap_or_default(),
        kind: f.kind.unwrap_or(crate::model::Kind::Procedure),
        classification: f
            .classification
            .unwrap_or(crate::model::Classification::Public),
        review_by: f.review_by,
    };
    let id = a.id.as_deref().map(ArticleId::parse).transpose()?;
    let id = replica.add_article(
        &user,
        NewArticle {
            id,
            content,
            publish: a.publish,
        },
    )?;
    if f.json {
        output::json(&serde_json::json!({ "id": id.to_string() }))?;
    } else {
        say!("Added {id}")?;
    }
    Ok(0)
}

fn patch_from(
    title: Option<String>,
    category: Option<String>,
    f: &ArticleFields,
) -> Result<ArticlePatch> {
    Ok(ArticlePatch {
        title,
        category,
        summary: f.summary.clone(),
        body: f.body_file.as_deref().map(read_body).transpose()?,
        tags: f.tags.as_deref().map(tags),
        hs_codes: f.hs.as_deref().map(HsCode::parse_list).transpose()?,
        lang: f.lang,
        kind: f.kind,
        classification: f.classification,
        review_by: f.review_by.clone().map(Some),
    })
}

fn edit(replica: &mut Replica, user: Option<&str>, a: EditArgs) -> Result<i32> {
    let user = replica.resolve_user(user)?;
    let patch = patch_from(a.title, a.category, &a.fields)?;
    let revision = replica.edit_article(&user, &a.id, patch)?;
    // Say what the revision became: a post's revision of a published article is a proposal.
    let proposed = revision.is_some() && replica.article(&a.id)?.record.proposal.is_some();
    match (a.fields.json, revision) {
        (true, r) => output::json(&serde_json::json!({
            "id": a.id, "revision": r.map(|h| h.to_string()), "changed": r.is_some(),
            "proposed": proposed,
        }))?,
        (false, Some(r)) if proposed => say!(
            "Saved revision {} of {} as a proposal: readers keep seeing the published text until HQ publishes it",
            r.short(),
            a.id
        )?,
        (false, Some(r)) => say!("Saved revision {} of {}", r.short(), a.id)?,
        (false, None) => say!("Nothing changed in {}", a.id)?,
    }
    Ok(0)
}

fn show(replica: &Replica, user: Option<&str>, id: &str, json: bool) -> Result<i32> {
    let view = replica.article(id)?;
    let viewer = replica.resolve_user(user).ok().map(|u| replica.author(&u));
    let backlinks = replica.backlinks(id, viewer.as_ref())?;
    let r = &view.record;
    let c = &r.content;
    let authors: Vec<&str> = r.authors.iter().map(|a| a.name.as_str()).collect();
    let history: Vec<serde_json::Value> = view
        .history
        .iter()
        .map(|h| {
            serde_json::json!({
                "revision": h.revision.id().to_string(),
                "parents": h.revision.parents.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "author": h.author,
                "node": h.node.to_string(),
                "time": h.hlc.display(),
                "title": h.revision.content.title,
            })
        })
        .collect();
    // In conflict, every version is shown: nothing is silently dropped.
    let version_records = if r.in_conflict() {
        replica.versions(id)?
    } else {
        vec![]
    };
    let versions: Vec<serde_json::Value> = version_records
        .iter()
        .map(|v| {
            serde_json::json!({
                "revision": v.revision.id().to_string(),
                "author": v.author,
                "node": v.node.to_string(),
                "time": v.hlc.display(),
                "title": v.revision.content.title,
                "body": v.revision.content.body,
            })
        })
        .collect();
    if json {
        output::json(&serde_json::json!({
            "id": r.id.to_string(),
            "title": c.title,
            "summary": c.summary,
            "body": c.body,
            "category": c.category,
            "tags": c.tags,
            "hs_codes": c.hs_codes.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "hs": c.hs_codes.iter().map(|code| serde_json::json!({
                "code": code.to_string(),
                "description": crate::nomenclature::Nomenclature::builtin().describe(code),
            })).collect::<Vec<_>>(),
            "lang": c.lang,
            "kind": c.kind,
            "classification": c.classification,
            "status": r.status,
            "review_by": c.review_by,
            "origin_office": r.origin_office,
            "authors": authors,
            "created": r.created.display(),
            "updated": r.updated.display(),
            "current_revision": r.current.to_string(),
            "heads": r.heads.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "in_conflict": r.in_conflict(),
            "proposal": r.proposal.as_ref().map(|p| serde_json::json!({
                "revision": p.revision.to_string(),
                "title": p.content.title,
                "body": p.content.body,
            })),
            "versions": versions,
            "history": history,
            "backlinks": backlinks.iter().map(|b| serde_json::json!({
                "id": b.id,
                "title": b.title,
            })).collect::<Vec<_>>(),
            "evaluation": replica.evaluation(id)?,
            "freshness": replica.freshness(id)?,
            "required_reading": replica.requirements(id)?,
        }))?;
        return Ok(0);
    }
    let category = replica
        .check_category(&c.category)
        .map(|cat| format!("{} ({})", cat.en, cat.id))
        .unwrap_or_else(|_| c.category.clone());
    say!(
        "{}\n{}",
        output::field(&c.title),
        "=".repeat(c.title.chars().count().min(78))
    )?;
    let freshness = replica.freshness(id)?;
    if let Some(successor) = &freshness.superseded_by {
        say!(
            "SUPERSEDED by {successor}: {} (read that instead)",
            output::field(freshness.successor_title.as_deref().unwrap_or(""))
        )?;
    }
    say!(
        "id: {}   status: {}   {} · {} · {}",
        r.id,
        r.status,
        c.lang,
        c.kind,
        c.classification
    )?;
    say!("category: {}", output::field(&category))?;
    for code in &c.hs_codes {
        // Parsing the nomenclature is a tenth of a command's start-up: only when needed.
        let description = crate::nomenclature::Nomenclature::builtin()
            .describe(code)
            .unwrap_or_default();
        say!("HS {code:<12} {description}")?;
    }
    if !c.tags.is_empty() {
        say!("tags: {}", output::field(&c.tags.join(", ")))?;
    }
    say!(
        "office: {}   authors: {}",
        output::field(&r.origin_office),
        output::field(&authors.join(", "))
    )?;
    say!(
        "created {}   updated {}",
        r.created.display(),
        r.updated.display()
    )?;
    say!(
        "owner: {}   review by: {} ({})",
        output::field(&freshness.owner),
        freshness.review_by,
        freshness.due
    )?;
    for f in &freshness.flags {
        say!(
            "flagged by {} at {}: {}",
            output::field(&f.who),
            f.when,
            output::field(&f.reason)
        )?;
    }
    for r in replica.requirements(id)? {
        say!("required reading: {}", output::field(&r))?;
    }
    super::evaluation::say_state(replica, id)?;
    if !c.summary.is_empty() {
        say!("\n{}", c.summary)?;
    }
    say!("\n{}", c.body.trim_end())?;
    if r.in_conflict() {
        say!(
            "\nCONFLICT: {} versions were edited at the same time and could not be merged.",
            version_records.len()
        )?;
        for v in &version_records {
            say!(
                "\n--- version {} by {} at {}: {}",
                v.revision.id().short(),
                output::field(&v.author),
                v.hlc.display(),
                output::field(&v.revision.content.title)
            )?;
            say!("{}", v.revision.content.body.trim_end())?;
        }
        say!(
            "\nResolve with `outpost resolve {} --take VERSION` or `--body-file FILE`.",
            r.id
        )?;
    }
    if let Some(p) = &r.proposal {
        say!(
            "\nPROPOSED: revision {} ({}) waits for HQ; readers see the published text above. At HQ, `outpost publish {}` publishes it.",
            p.revision.short(),
            output::field(&p.content.title),
            r.id
        )?;
    }
    say!("\nHistory ({} revisions):", view.history.len())?;
    for h in &view.history {
        say!(
            "  {}  {}  {}",
            h.revision.id().short(),
            h.hlc.display(),
            output::field(&h.author)
        )?;
    }
    if !backlinks.is_empty() {
        say!("\nLinked from ({}):", backlinks.len())?;
        for b in &backlinks {
            say!("  {}  {}", output::field(&b.id), output::field(&b.title))?;
        }
    }
    Ok(0)
}

fn list(
    replica: &Replica,
    user: Option<&str>,
    category: Option<String>,
    status: Option<Status>,
    json: bool,
) -> Result<i32> {
    let viewer = replica.resolve_user(user).ok().map(|u| replica.author(&u));
    let filter = ArticleFilter {
        category,
        status,
        viewer,
        all_drafts: false,
    };
    let records = replica.list_articles(&filter)?;
    if json {
        let rows: Vec<serde_json::Value> = records
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id.to_string(),
                    "title": r.content.title,
                    "category": r.content.category,
                    "status": r.status,
                    "lang": r.content.lang,
                    "kind": r.content.kind,
                    "updated": r.updated.display(),
                })
            })
            .collect();
        output::json(&rows)?;
    } else {
        for r in &records {
            say!(
                "{:<34} {:<9} {:<34} {}",
                output::field(r.id.as_str()),
                r.status,
                output::field(&r.content.category),
                output::field(&r.content.title)
            )?;
        }
        say!("{} articles", records.len())?;
    }
    Ok(0)
}

fn set_status(replica: &mut Replica, user: Option<&str>, id: &str, status: Status) -> Result<i32> {
    let user = replica.resolve_user(user)?;
    replica.set_status(&user, id, status)?;
    say!("{id} is now {status}")?;
    Ok(0)
}

fn search(replica: &Replica, user: Option<&str>, a: SearchArgs) -> Result<i32> {
    let viewer = replica.resolve_user(user).ok().map(|u| replica.author(&u));
    let request = SearchRequest {
        text: a.query.join(" "),
        category: a.category,
        hs: a.hs,
        status: a.status,
        kind: a.kind,
        limit: a.limit,
        viewer,
        no_glossary: a.no_glossary,
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let hits = replica.search(&request)?;
    let elapsed = started.elapsed();
    if a.json && a.hs_suggestions {
        let suggestions = super::reference::suggestions(replica, &request.text, 5)?;
        output::json(&serde_json::json!({ "hits": hits, "hs_suggestions": suggestions }))?;
        return Ok(0);
    }
    if a.json {
        // Each hit with the successor readers are sent to, where one supersedes it.
        let mut rows = Vec::with_capacity(hits.len());
        for hit in &hits {
            let mut row = serde_json::to_value(hit)
                .map_err(|e| crate::Error::invalid(format!("cannot encode a hit: {e}")))?;
            if let serde_json::Value::Object(map) = &mut row {
                map.insert(
                    "superseded_by".into(),
                    serde_json::json!(successor_of(replica, &hit.id)?),
                );
                map.insert("open".into(), serde_json::json!(open_command(hit)));
            }
            rows.push(row);
        }
        output::json(&rows)?;
        return Ok(0);
    }
    for (i, hit) in hits.iter().enumerate() {
        say!(
            "{:>2}. {}  [{}]",
            i + 1,
            output::field(&hit.title),
            output::field(&hit.id)
        )?;
        if let Some(answers) = hit.answers {
            say!(
                "    question · {} · {answers} answers · {} helpful · score {:.2}",
                output::field(&hit.category),
                hit.helpful,
                hit.score
            )?;
            say!("    open it with `{}`", open_command(hit))?;
        } else {
            say!(
                "    {} · {} · {} helpful · score {:.2}",
                output::field(&hit.category),
                hit.status,
                hit.helpful,
                hit.score
            )?;
        }
        if let Some(successor) = successor_of(replica, &hit.id)? {
            say!("    superseded by {successor}: read that instead")?;
        }
        say!("    {}", output::mark(&hit.snippet, &hit.highlights))?;
        if let Some(term) = &hit.via {
            say!("    via glossary: {}", output::field(term))?;
        }
    }
    let suggestions = super::reference::suggestions(replica, &request.text, 3)?;
    if !suggestions.is_empty() {
        say!("HS codes matching your words:")?;
        for s in &suggestions {
            say!("    {:<10} {}", s.code, s.description)?;
        }
    }
    say!(
        "{} results in {:.1} ms",
        hits.len(),
        elapsed.as_secs_f64() * 1000.0
    )?;
    Ok(0)
}

/// The command that opens a hit: `outpost question QID` for a question, else `outpost show ID`.
fn open_command(hit: &SearchHit) -> String {
    let command = if hit.is_question() {
        "question"
    } else {
        "show"
    };
    format!("outpost {command} {}", hit.id)
}

/// The article that supersedes `id`, if one does.
fn successor_of(replica: &Replica, id: &str) -> Result<Option<String>> {
    match crate::model::ArticleId::parse(id) {
        Ok(article) => Ok(replica.successor(&article)?.map(|s| s.to_string())),
        Err(_) => Ok(None),
    }
}
