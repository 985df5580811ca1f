//! The statistics report (`outpost stats --html FILE`): one self-contained page, every chart an
//! inline SVG bar chart drawn here — no script, nothing fetched — for HQ's annual report.

use super::escape;
use crate::core::Stats;

/// Nothing from outside, no script: the styles are inline.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

const CSS: &str = "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}\
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #999}\
table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:left}td.n{text-align:right}\
svg text{font-size:12px;font-family:sans-serif}";

/// The whole page. `title` names the report, `made` says when and where it was made.
pub fn stats_page(stats: &Stats, title: &str, made: &str) -> String {
    let a = &stats.articles;
    let e = &stats.evaluation;
    let q = &stats.questions;
    let c = &stats.communities;
    let mut body = String::new();
    body.push_str(&format!(
        "<h1>{}</h1><p>{}</p>",
        escape(title),
        escape(made)
    ));
    body.push_str(&format!(
        "<h2>Articles</h2><p>{} articles, {} past their review date.</p>",
        a.total, a.stale
    ));
    body.push_str(&chart("By category", &a.by_category));
    body.push_str(&chart("By office", &a.by_office));
    body.push_str(&chart("By status", &a.by_status));
    body.push_str(&chart("By month written", &a.by_month));
    body.push_str("<h2>Contributions</h2>");
    body.push_str(&chart("By office", &stats.contributions.by_office));
    body.push_str(&chart("By kind", &stats.contributions.by_kind));
    body.push_str(&chart("By person", &stats.contributions.by_person));
    body.push_str(&format!(
        "<h2>Questions</h2><table><tr><td>asked</td><td class=n>{}</td></tr>\
         <tr><td>answered</td><td class=n>{}</td></tr>\
         <tr><td>median hours to an answer</td><td class=n>{}</td></tr></table>",
        q.asked,
        q.answered,
        figure(q.median_hours_to_answer)
    ));
    body.push_str(&format!(
        "<h2>Evaluation</h2><table>\
         <tr><td>submissions</td><td class=n>{}</td></tr>\
         <tr><td>votes</td><td class=n>{}</td></tr>\
         <tr><td>published</td><td class=n>{}</td></tr>\
         <tr><td>returned</td><td class=n>{}</td></tr>\
         <tr><td>rejected</td><td class=n>{}</td></tr>\
         <tr><td>waiting</td><td class=n>{}</td></tr>\
         <tr><td>median days in step 1</td><td class=n>{}</td></tr>\
         <tr><td>median days in step 2</td><td class=n>{}</td></tr></table>",
        e.submissions,
        e.votes,
        e.published,
        e.returned,
        e.rejected,
        e.waiting,
        figure(e.median_days_step1),
        figure(e.median_days_step2)
    ));
    body.push_str(&format!(
        "<h2>Communities of practice</h2><p>{} communities, {} members, {} outcomes.</p>",
        c.communities, c.members, c.outcomes
    ));
    body.push_str(&chart("Outcomes by community", &c.outcomes_by_community));
    format!(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\
         <title>{}</title><style>{CSS}</style></head><body>{body}</body></html>\n",
        escape(title)
    )
}

fn figure(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{v:.1}"))
}

/// A horizontal bar chart of `counts` as inline SVG, with the numbers written beside the bars
/// (the chart reads without colour, and prints).
pub fn chart(title: &str, counts: &std::collections::BTreeMap<String, u64>) -> String {
    const ROW: usize = 20;
    const LABEL: usize = 220;
    const BAR: f64 = 400.0;
    if counts.is_empty() {
        return format!("<h3>{}</h3><p>None.</p>", escape(title));
    }
    let max = counts.values().copied().max().unwrap_or(1).max(1) as f64;
    let height = counts.len() * ROW + 4;
    let mut svg = format!(
        "<h3>{}</h3><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        escape(title),
        LABEL + BAR as usize + 80,
        escape(title)
    );
    for (i, (label, n)) in counts.iter().enumerate() {
        let y = i * ROW;
        let width = (*n as f64 / max * BAR).max(1.0);
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\">{}</text><rect x=\"{LABEL}\" y=\"{}\" width=\"{width:.1}\" height=\"{}\" fill=\"#4a6fa5\"/><text x=\"{:.1}\" y=\"{}\">{n}</text>",
            y + 14,
            escape(label),
            y + 3,
            ROW - 6,
            LABEL as f64 + width + 6.0,
            y + 14
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_every_count_is_written_beside_its_bar() {
        let mut counts = std::collections::BTreeMap::new();
        counts.insert("<script>".to_string(), 3);
        counts.insert("Mae Sai".to_string(), 1);
        let svg = chart("Offices", &counts);
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(">3</text>") && svg.contains(">1</text>"));
    }

    #[test]
    fn a_page_loads_nothing_and_runs_nothing() {
        let page = stats_page(&Stats::default(), "Report", "made at HQ");
        assert!(page.contains("default-src 'none'"));
        assert!(!page.contains("<script") && !page.contains("src=\"http"));
    }
}
