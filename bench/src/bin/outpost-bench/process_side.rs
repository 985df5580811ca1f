//! Whole processes, as a shell user feels them: `outpost search Q` (start-up, the node opened
//! read-only, the search, printing) against the `sqlite3` command-line shell running the same
//! query on an FTS5 table of the same articles. Each pair runs back to back, round after round,
//! so that the machine's noise falls on both alike.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::queries::QUERIES;
use crate::stats::Latency;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ProcessQuery {
    pub label: String,
    pub outpost: Latency,
    pub sqlite3: Latency,
    /// Mean CPU time (user + system) of one process, in ms: steadier than wall time on a
    /// machine other work shares.
    pub outpost_cpu_ms: f64,
    pub sqlite3_cpu_ms: f64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ProcessResult {
    pub outpost_bin: String,
    pub sqlite3_version: String,
    pub runs: usize,
    pub queries: Vec<ProcessQuery>,
    /// Every run of every query together.
    pub outpost_all: Latency,
    pub sqlite3_all: Latency,
    /// `outpost --version`: the process start alone.
    pub outpost_version: Latency,
}

/// The `outpost` binary beside this one (`cargo build --release --workspace` builds both).
pub fn outpost_binary() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let bin = exe.with_file_name("outpost");
    if !bin.is_file() {
        bail!(
            "{} is missing: build it with `cargo build --release --workspace`",
            bin.display()
        );
    }
    Ok(bin)
}

/// The SQL the `sqlite3` shell runs: the in-process baseline's query with the MATCH expression
/// written in (the shell takes no parameters).
fn sqlite_sql(fts5: &str) -> String {
    format!(
        "SELECT aid, title, snippet(docs, 2, '[', ']', '…', 24) FROM docs \
         WHERE docs MATCH '{}' ORDER BY rank LIMIT 10;",
        fts5.replace('\'', "''")
    )
}

/// User + system CPU time of the children this process has waited for (10 ms ticks).
fn children_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    // cutime and cstime are fields 16 and 17 of the line.
    Duration::from_millis(10 * (tick(13) + tick(14)))
}

/// Runs `cmd` to its end with its output read and thrown away; its wall time.
fn run(cmd: &mut Command) -> Result<Duration> {
    let started = Instant::now();
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("cannot run {cmd:?}"))?;
    let elapsed = started.elapsed();
    if !out.status.success() {
        bail!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    std::hint::black_box(out.stdout);
    Ok(elapsed)
}

/// Times both commands for every query: 5 warm-up runs each, then `runs` rounds of one
/// `outpost` and one `sqlite3` process.
pub fn compare(node: &Path, fts5_db: &Path, runs: usize) -> Result<ProcessResult> {
    let bin = outpost_binary()?;
    // The shell reads the database as a reader would: no WAL file to open beside it.
    rusqlite::Connection::open(fts5_db)?.execute_batch("PRAGMA journal_mode = DELETE;")?;
    let version = Command::new("sqlite3")
        .arg("--version")
        .output()
        .context("the sqlite3 shell is not installed: apt-get install sqlite3")?;
    let outpost = |q: &str| {
        let mut c = Command::new(&bin);
        c.arg("--data-dir").arg(node).args(["search", q]);
        c
    };
    let sqlite = |q: &str| {
        let mut c = Command::new("sqlite3");
        c.arg("-readonly").arg(fts5_db).arg(sqlite_sql(q));
        c
    };
    let mut result = ProcessResult {
        outpost_bin: bin.display().to_string(),
        sqlite3_version: String::from_utf8_lossy(&version.stdout)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string(),
        runs,
        ..Default::default()
    };
    let (mut all_o, mut all_s) = (Vec::new(), Vec::new());
    for q in QUERIES {
        for _ in 0..5 {
            run(&mut outpost(q.outpost))?;
            run(&mut sqlite(q.fts5))?;
        }
        let (mut o, mut s) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
        let (mut o_cpu, mut s_cpu) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..runs {
            let c = children_cpu();
            o.push(run(&mut outpost(q.outpost))?);
            let m = children_cpu();
            s.push(run(&mut sqlite(q.fts5))?);
            o_cpu += m.saturating_sub(c);
            s_cpu += children_cpu().saturating_sub(m);
        }
        let mean = |d: Duration| d.as_secs_f64() * 1e3 / runs.max(1) as f64;
        all_o.extend_from_slice(&o);
        all_s.extend_from_slice(&s);
        result.queries.push(ProcessQuery {
            label: q.outpost.to_string(),
            outpost: Latency::of(&o),
            sqlite3: Latency::of(&s),
            outpost_cpu_ms: mean(o_cpu),
            sqlite3_cpu_ms: mean(s_cpu),
        });
    }
    result.outpost_all = Latency::of(&all_o);
    result.sqlite3_all = Latency::of(&all_s);
    let mut v = Vec::with_capacity(runs);
    for _ in 0..runs {
        v.push(run(Command::new(&bin).arg("--version"))?);
    }
    result.outpost_version = Latency::of(&v);
    Ok(result)
}

/// The comparison as a Markdown table.
pub fn markdown(r: &ProcessResult, articles: usize, load: (&str, &str)) -> String {
    use crate::stats::{ms, ratio};
    let mut out = format!(
        "## Whole processes: `outpost search` vs `sqlite3` (FTS5), {articles} articles\n\n\
         {} runs of each per query, back to back; sqlite3 {}; load average {} at start, {} at end.\n\n\
         | query | outpost p50 | p99 | sqlite3 p50 | p99 | outpost ÷ sqlite3 (p50) | CPU: outpost / sqlite3 |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        r.runs, r.sqlite3_version, load.0, load.1
    );
    for q in &r.queries {
        out += &format!(
            "| `{}` | {} | {} | {} | {} | {} | {} / {} |\n",
            q.label,
            ms(q.outpost.p50),
            ms(q.outpost.p99),
            ms(q.sqlite3.p50),
            ms(q.sqlite3.p99),
            ratio(q.outpost.p50, q.sqlite3.p50),
            ms(q.outpost_cpu_ms),
            ms(q.sqlite3_cpu_ms),
        );
    }
    let n = r.queries.len().max(1) as f64;
    let cpu_o = r.queries.iter().map(|q| q.outpost_cpu_ms).sum::<f64>() / n;
    let cpu_s = r.queries.iter().map(|q| q.sqlite3_cpu_ms).sum::<f64>() / n;
    out += &format!(
        "| all queries | **{}** | {} | **{}** | {} | **{}** | {} / {} |\n\n\
         `outpost --version` (process start alone): p50 {}, p99 {}.\n",
        ms(r.outpost_all.p50),
        ms(r.outpost_all.p99),
        ms(r.sqlite3_all.p50),
        ms(r.sqlite3_all.p99),
        ratio(r.outpost_all.p50, r.sqlite3_all.p50),
        ms(cpu_o),
        ms(cpu_s),
        ms(r.outpost_version.p50),
        ms(r.outpost_version.p99),
    );
    out
}
