//! `outpost glossary [TERM] [--json]`, `outpost glossary add|edit ID --category C --en … --th …
//! --ko …`: the customs glossary as a reference, and HQ's changes to it.

use super::args::{GlossaryArgs, GlossaryCommand, GlossaryEntryArgs};
use super::output::{self, say};
use crate::core::{GlossaryChange, Replica};
use crate::error::{Error, Result};
use crate::glossary::GlossaryEntry;

pub fn run(replica: &mut Replica, user: Option<&str>, a: GlossaryArgs) -> Result<i32> {
    match a.change {
        None => show(replica, &a.term.join(" "), a.json),
        Some(GlossaryCommand::Add(e)) => change(replica, user, e, GlossaryChange::Add),
        Some(GlossaryCommand::Edit(e)) => change(replica, user, e, GlossaryChange::Edit),
    }
}

fn show(replica: &Replica, term: &str, json: bool) -> Result<i32> {
    let glossary = replica.glossary()?;
    let found = glossary.find(term);
    if json {
        output::json(&found)?;
        return Ok(0);
    }
    if found.is_empty() {
        say!("No glossary entry holds `{}`.", output::field(term))?;
        return Ok(1);
    }
    for e in &found {
        say!("{}  [{}]", output::field(&e.id), output::field(&e.category))?;
        for (lang, terms) in [("en", &e.en), ("th", &e.th), ("ko", &e.ko)] {
            if !terms.is_empty() {
                say!("    {lang}  {}", output::field(&terms.join("; ")))?;
            }
        }
    }
    say!("{} entries", found.len())?;
    Ok(0)
}

/// The terms of one `--en`/`--th`/`--ko` value: separated by `;`, blanks dropped.
fn terms(value: &str) -> Vec<String> {
    value
        .split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn change(
    replica: &mut Replica,
    user: Option<&str>,
    a: GlossaryEntryArgs,
    kind: GlossaryChange,
) -> Result<i32> {
    let user = replica.resolve_user(user)?;
    let base = match kind {
        GlossaryChange::Add => GlossaryEntry {
            id: a.id.clone(),
            category: a.category.clone().ok_or_else(|| {
                Error::invalid("a new glossary entry needs --category (see `outpost categories`)")
            })?,
            en: Vec::new(),
            th: Vec::new(),
            ko: Vec::new(),
        },
        GlossaryChange::Edit => replica.glossary()?.get(&a.id).cloned().ok_or_else(|| {
            Error::invalid(format!(
                "the glossary has no entry `{}`: use `outpost glossary add`, or look the id up \
                 with `outpost glossary TERM`",
                a.id
            ))
        })?,
    };
    if kind == GlossaryChange::Edit
        && a.category.is_none()
        && a.en.is_none()
        && a.th.is_none()
        && a.ko.is_none()
    {
        return Err(Error::invalid(
            "nothing to change: give --category, --en, --th or --ko",
        ));
    }
    if let Some(category) = &a.category {
        replica.check_category(category)?;
    }
    let entry = GlossaryEntry {
        id: base.id,
        category: a.category.unwrap_or(base.category),
        en: a.en.as_deref().map_or(base.en, terms),
        th: a.th.as_deref().map_or(base.th, terms),
        ko: a.ko.as_deref().map_or(base.ko, terms),
    };
    let id = entry.id.clone();
    replica.set_glossary_entry(&user, entry, kind)?;
    let verb = match kind {
        GlossaryChange::Add => "Added",
        GlossaryChange::Edit => "Saved",
    };
    say!("{verb} glossary entry {}", output::field(&id))?;
    Ok(0)
}
