//! `outpost hs`: the HS nomenclature as a reference, and HS suggestions for searches.

use serde::Serialize;

use super::output;
use super::output::say;
use crate::Replica;
use crate::error::{Error, Result};
use crate::model::HsCode;
use crate::nomenclature::{HsEntry, Nomenclature};
use crate::search::HsMatch;

#[derive(Serialize)]
pub struct HsRow {
    pub code: String,
    pub description: String,
    pub level: u8,
}

impl From<&HsEntry> for HsRow {
    fn from(e: &HsEntry) -> Self {
        HsRow {
            code: e.dotted(),
            description: e.description.clone(),
            level: e.level,
        }
    }
}

impl From<&HsMatch> for HsRow {
    fn from(m: &HsMatch) -> Self {
        HsRow {
            code: m.dotted(),
            description: m.description.clone(),
            level: m.level,
        }
    }
}

/// Subheadings and headings whose descriptions match the words of a search.
pub fn suggestions(replica: &Replica, words: &str, limit: usize) -> Result<Vec<HsRow>> {
    let matches = replica.hs_suggestions(words, limit)?;
    Ok(matches.iter().map(HsRow::from).collect())
}

pub fn hs(replica: &Replica, query: &[String], limit: usize, json: bool) -> Result<i32> {
    let text = query.join(" ");
    let looks_like_code = text
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ' ');
    if looks_like_code {
        return lookup(&text, json);
    }
    let matches = replica.hs_search()?.search(&text, limit)?;
    let rows: Vec<HsRow> = matches.iter().map(HsRow::from).collect();
    if json {
        output::json(&rows)?;
    } else if rows.is_empty() {
        say!("No HS description matches `{text}`.")?;
    } else {
        for row in &rows {
            say!("{:<10} {}", row.code, row.description)?;
        }
    }
    Ok(0)
}

fn lookup(text: &str, json: bool) -> Result<i32> {
    let nomenclature = Nomenclature::builtin();
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 2 {
        let entry = nomenclature.get(&digits).ok_or_else(|| {
            Error::invalid(format!(
                "chapter {digits} is not in the HS 2022 nomenclature"
            ))
        })?;
        return print_chain(&[entry], &children(nomenclature, &digits), json);
    }
    let code = HsCode::parse(text)?;
    nomenclature.check(&code)?;
    let chain = nomenclature.chain(code.digits());
    print_chain(&chain, &children(nomenclature, code.digits()), json)
}

fn children<'a>(nomenclature: &'a Nomenclature, digits: &str) -> Vec<&'a HsEntry> {
    nomenclature
        .entries()
        .iter()
        .filter(|e| e.parent.as_deref() == Some(digits))
        .collect()
}

fn print_chain(chain: &[&HsEntry], children: &[&HsEntry], json: bool) -> Result<i32> {
    if json {
        let chain: Vec<HsRow> = chain.iter().map(|e| HsRow::from(*e)).collect();
        let children: Vec<HsRow> = children.iter().map(|e| HsRow::from(*e)).collect();
        output::json(&serde_json::json!({ "chain": chain, "children": children }))?;
        return Ok(0);
    }
    for (depth, e) in chain.iter().enumerate() {
        say!("{}{:<8} {}", "  ".repeat(depth), e.dotted(), e.description)?;
    }
    for e in children {
        say!(
            "{}{:<8} {}",
            "  ".repeat(chain.len()),
            e.dotted(),
            e.description
        )?;
    }
    Ok(0)
}
