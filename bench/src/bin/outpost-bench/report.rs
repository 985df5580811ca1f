//! Everything one run measured, and the Markdown report printed from it.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::baselines::{Fts5Build, Fts5Result, RgQuery};
use crate::corpus::Generator;
use crate::outpost_side::{ImportResult, SearchResult};
use crate::queries::QUERIES;
use crate::stats::{mb, ms, ratio, thousands};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Results {
    pub articles: usize,
    pub command: String,
    pub batch: usize,
    pub iterations: usize,
    pub fts5_budget: f64,
    pub sources: String,
    /// /proc/loadavg at the start and the end of the run (other work on the machine skews times).
    pub load_before: String,
    pub load_after: String,
    pub manifest: String,
    pub import: ImportResult,
    pub outpost: SearchResult,
    pub outpost_cold: Option<SearchResult>,
    pub rg_version: String,
    pub md_bytes: u64,
    pub rg: Vec<RgQuery>,
    pub fts5_build: Fts5Build,
    pub fts5: Option<Fts5Result>,
}

/// The 1, 5 and 15-minute load averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// CPU model, cores and memory, from /proc.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or_else(
            || "?".into(),
            |kb| format!("{:.1} GiB", kb as f64 / 1048576.0),
        );
    format!("{cpu}, {cores} cores, {mem} RAM")
}

fn git_revision() -> String {
    std::process::Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short",
            "HEAD",
        ])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn geomean(values: &[f64]) -> f64 {
    let logs: Vec<f64> = values
        .iter()
        .filter(|v| **v > 0.0)
        .map(|v| v.ln())
        .collect();
    if logs.is_empty() {
        return 0.0;
    }
    (logs.iter().sum::<f64>() / logs.len() as f64).exp()
}

pub fn markdown(r: &Results) -> String {
    let mut o = String::new();
    let n = r.articles;
    let langs = (0..n).fold([0usize; 3], |mut acc, i| {
        match Generator::lang_of(i).as_str() {
            "en" => acc[0] += 1,
            "th" => acc[1] += 1,
            _ => acc[2] += 1,
        }
        acc
    });
    let imp = &r.import;
    let out = &r.outpost;
    let _ = writeln!(o, "## Search benchmark: {} articles\n", thousands(n as u64));
    let _ = writeln!(o, "- Machine: {}", machine());
    let _ = writeln!(o, "- Outpost revision: {} (release build)", git_revision());
    let _ = writeln!(
        o,
        "- Load average (1/5/15 min) at start: {}; at end: {}",
        r.load_before, r.load_after
    );
    let _ = writeln!(o, "- Command: `outpost-bench {}`", r.command);
    let _ = writeln!(
        o,
        "- Corpus: {} English, {} Thai, {} Korean articles; {} of text (title, summary, body), from {}",
        thousands(langs[0] as u64),
        thousands(langs[1] as u64),
        thousands(langs[2] as u64),
        mb(imp.text_bytes),
        r.sources
    );
    let _ = writeln!(o);

    let _ = writeln!(o, "### Outpost\n");
    let _ = writeln!(o, "| measure | value |\n| --- | --- |");
    let rate = |secs: f64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
    let _ = writeln!(
        o,
        "| bulk import, `payloads_for_new` + `Replica::commit` in batches of {} inside one `Replica::bulk` | **{} articles/s** ({:.1} s) |",
        r.batch,
        thousands(rate(imp.import_secs) as u64),
        imp.import_secs
    );
    let _ = writeln!(
        o,
        "| … of which `payloads_for_new` / `commit` / the bulk's end (the store's one durable commit, the index's one commit) | {:.1} s / {:.1} s / {:.2} s |",
        imp.prepare_secs, imp.commit_secs, imp.finish_secs
    );
    let _ = writeln!(
        o,
        "| … one `commit` of {} articles: first tenth / last tenth of the import | {:.0} ms / {:.0} ms |",
        r.batch,
        imp.first_batches_secs * 1e3,
        imp.last_batches_secs * 1e3
    );
    if imp.final_index_secs >= 0.01 {
        let _ = writeln!(
            o,
            "| index catch-up after the last commit | {:.2} s |",
            imp.final_index_secs
        );
    }
    let _ = writeln!(
        o,
        "| then `Replica::optimize_index` ({} segments merged into one) | {:.1} s; import with it: {} articles/s |",
        imp.segments_before_merge,
        imp.merge_secs,
        thousands(rate(imp.import_secs + imp.merge_secs) as u64)
    );
    let _ = writeln!(
        o,
        "| closing the node after the import (index writer shutdown) | {:.2} s |",
        imp.close_secs
    );
    let tables: Vec<String> = imp
        .store_tables
        .iter()
        .filter(|t| t.2 > 1_000_000)
        .map(|(name, stored, total)| format!("{name} {} ({} stored)", mb(*total), mb(*stored)))
        .collect();
    let _ = writeln!(
        o,
        "| store (`outpost.redb`) | {}: {} |",
        mb(imp.store_bytes),
        tables.join(", ")
    );
    let _ = writeln!(
        o,
        "| index (tantivy) | {} in {} segments |",
        mb(imp.index_bytes),
        imp.index_segments
    );
    let _ = writeln!(o, "| `Replica::open`, warm | {} |", ms(out.open_ms));
    if let Some(cold) = &r.outpost_cold {
        let _ = writeln!(
            o,
            "| `Replica::open` / open + first result, cold (page cache dropped) | {} / {} |",
            ms(cold.open_ms),
            ms(cold.first_result_ms)
        );
    }
    let _ = writeln!(
        o,
        "| query latency, all {} queries × {} rounds, top 10 with snippets, warm | p50 **{}**, p95 {}, p99 **{}**, max {} |",
        QUERIES.len(),
        r.iterations,
        ms(out.overall.p50),
        ms(out.overall.p95),
        ms(out.overall.p99),
        ms(out.overall.max)
    );
    let _ = writeln!(
        o,
        "| peak RSS (VmHWM): import process / search process | {} / {} |",
        mb(imp.peak_rss),
        mb(out.peak_rss)
    );
    if r.md_bytes > 0 {
        let _ = writeln!(
            o,
            "| same corpus as Markdown files (ripgrep's input) | {} |",
            mb(r.md_bytes)
        );
    }
    if r.fts5.is_some() {
        let b = &r.fts5_build;
        let _ = writeln!(
            o,
            "| same corpus in SQLite FTS5 | {}; built in {:.1} s ({} articles/s){} |",
            mb(b.bytes),
            b.secs,
            thousands(rate(b.secs) as u64),
            if b.cached {
                ", cached from an earlier run"
            } else {
                ""
            }
        );
    }
    let _ = writeln!(o);

    let _ = writeln!(
        o,
        "### Queries (top 10 with snippets; hits = all matching articles)\n"
    );
    let _ = writeln!(
        o,
        "| query | Outpost p50 | p95 | p99 | hits | FTS5 p50 | FTS5 p99 | FTS5 hits | rg | rg hits¹ | FTS5 ÷ Outpost | rg ÷ Outpost |"
    );
    let _ = writeln!(
        o,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    let mut vs_rg = Vec::new();
    let mut vs_fts = Vec::new();
    for (i, q) in QUERIES.iter().enumerate() {
        let Some(s) = out.queries.get(i) else {
            continue;
        };
        let l = s.latency;
        let fts = r.fts5.as_ref().and_then(|f| f.queries.get(i));
        let rg = r.rg.get(i);
        // A query FTS5 answers with nothing (a typo) is no speed comparison.
        if let Some(f) = fts.filter(|f| f.hits > 0) {
            vs_fts.push(f.latency.p50 / l.p50);
        }
        if let Some(g) = rg {
            vs_rg.push(g.median_ms / l.p50);
        }
        let _ = writeln!(
            o,
            "| {} `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            q.label,
            q.outpost,
            ms(l.p50),
            ms(l.p95),
            ms(l.p99),
            thousands(s.hits as u64),
            fts.map_or("–".into(), |f| ms(f.latency.p50)),
            fts.map_or("–".into(), |f| ms(f.latency.p99)),
            fts.map_or("–".into(), |f| thousands(f.hits as u64)),
            rg.map_or("–".into(), |g| ms(g.median_ms)),
            rg.map_or("–".into(), |g| thousands(g.hits as u64)),
            fts.map_or("–".into(), |f| ratio(f.latency.p50, l.p50)),
            rg.map_or("–".into(), |g| ratio(g.median_ms, l.p50)),
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "¹ ripgrep: `rg -l -i -F -e WORD… DIR` per query, one process, warm page cache, median of timed runs; its hits are files matching *any* of the words (filters approximated by their front-matter text), so they are not comparable with the others. It reads every file on every query."
    );
    if let Some(f) = &r.fts5 {
        let _ = writeln!(
            o,
            "FTS5: SQLite {} (bundled with rusqlite), default `unicode61` tokenizer, `ORDER BY rank LIMIT 10` with `snippet()`, in-process via rusqlite; timed as Outpost is, in rounds over the query set: {} rounds at most (time budget {:.0} s per query). Open + first result: {}.",
            f.sqlite_version,
            r.iterations,
            r.fts5_budget,
            ms(f.open_first_result_ms)
        );
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "### Ratios\n");
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    if !vs_rg.is_empty() {
        let _ = writeln!(
            o,
            "- Outpost vs ripgrep (rg time ÷ Outpost p50, per query): geometric mean **{:.0}×**, lowest {:.0}×, highest {:.0}×",
            geomean(&vs_rg),
            min(&vs_rg),
            vs_rg.iter().copied().fold(0.0, f64::max)
        );
    }
    if !vs_fts.is_empty() {
        let _ = writeln!(
            o,
            "- Outpost vs FTS5 (FTS5 p50 ÷ Outpost p50, per query FTS5 finds something for): geometric mean **{:.1}×**, lowest {:.2}×, highest {:.0}×",
            geomean(&vs_fts),
            min(&vs_fts),
            vs_fts.iter().copied().fold(0.0, f64::max)
        );
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "### Targets\n");
    let _ = writeln!(o, "| target | measured | met |\n| --- | --- | --- |");
    let verdict = |ok: bool| if ok { "yes" } else { "**no**" };
    let big = n >= 1_000_000;
    let import_rate = rate(imp.import_secs);
    let rows: Vec<(String, String, bool)> = vec![
        (
            "bulk import ≥ 10,000 articles/s".into(),
            format!("{} articles/s", thousands(import_rate as u64)),
            import_rate >= 10_000.0,
        ),
        (
            "p50 < 1 ms".into(),
            ms(out.overall.p50),
            out.overall.p50 < 1.0,
        ),
        if big {
            (
                "p99 < 25 ms (1M)".into(),
                ms(out.overall.p99),
                out.overall.p99 < 25.0,
            )
        } else {
            (
                "p99 < 5 ms".into(),
                ms(out.overall.p99),
                out.overall.p99 < 5.0,
            )
        },
        (
            "≥ 300× faster than ripgrep (every query)".into(),
            format!("lowest {:.0}×", min(&vs_rg)),
            !vs_rg.is_empty() && min(&vs_rg) >= 300.0,
        ),
        (
            "≥ 10× faster than FTS5 (every query FTS5 answers)".into(),
            format!(
                "lowest {:.2}×, geometric mean {:.1}×",
                min(&vs_fts),
                geomean(&vs_fts)
            ),
            !vs_fts.is_empty() && min(&vs_fts) >= 10.0,
        ),
    ];
    for (target, measured, ok) in rows {
        let _ = writeln!(o, "| {target} | {measured} | {} |", verdict(ok));
    }
    let _ = writeln!(
        o,
        "\nThe targets are set for 100,000 articles (p99 < 25 ms for 1,000,000); at other sizes they are shown for reference.\n"
    );

    let _ = writeln!(
        o,
        "<details><summary>Top results (sanity check)</summary>\n"
    );
    for (i, q) in QUERIES.iter().enumerate() {
        let top = out
            .queries
            .get(i)
            .map(|s| s.top.join(" · "))
            .unwrap_or_default();
        let fts = r
            .fts5
            .as_ref()
            .and_then(|f| f.queries.get(i))
            .map(|f| f.top.join(" · "))
            .unwrap_or_default();
        let _ = writeln!(o, "- `{}` — Outpost: {top}; FTS5: {fts}", q.outpost);
    }
    let _ = writeln!(o, "\n</details>");
    o
}
