//! `outpost export-html`: articles as self-contained HTML pages, to read in a browser or print.

use super::args::ExportHtmlArgs;
use super::output::{self, say};
use crate::core::{HtmlExport, HtmlSelection, Replica};
use crate::error::Result;

pub fn run(replica: &Replica, user: Option<&str>, a: ExportHtmlArgs) -> Result<i32> {
    let selection = match (a.category, a.query) {
        (Some(category), _) => HtmlSelection::Category(category),
        (None, Some(text)) => HtmlSelection::Query {
            text,
            limit: a.limit,
        },
        (None, None) => HtmlSelection::Ids(a.ids),
    };
    let viewer = replica.resolve_user(user).ok().map(|u| replica.author(&u));
    let request = HtmlExport::new(selection, viewer);
    let report = replica.export_html(&a.out, &request)?;
    if a.json {
        output::json(&report)?;
        return Ok(0);
    }
    say!(
        "Exported {} article(s) to {}: open {} in a browser to read or print them",
        report.articles.len(),
        a.out.display(),
        report.index.display()
    )?;
    if let Some(handbook) = &report.handbook {
        say!(
            "The handbook, to print in one piece: {}",
            handbook.display()
        )?;
    }
    Ok(0)
}
