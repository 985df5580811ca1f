//! What an office would use without Outpost: ripgrep over a folder of Markdown files, and SQLite's
//! FTS5 full-text index (the SQLite bundled with rusqlite, default `unicode61` tokenizer).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::corpus::{Generator, Sources};
use crate::queries::QUERIES;
use crate::stats::Latency;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RgQuery {
    /// Wall time of each timed `rg` process, warm page cache.
    pub runs_ms: Vec<f64>,
    pub median_ms: f64,
    /// Files matching any of the patterns.
    pub hits: usize,
}

pub fn rg_version() -> Result<String> {
    let out = Command::new("rg")
        .arg("--version")
        .output()
        .context("ripgrep (`rg`) is not installed: apt-get install ripgrep")?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string())
}

/// Times `rg -l -i -F -e … DIR` for each query: one warm-up run, then `runs` timed runs.
pub fn ripgrep(dir: &Path, runs: usize) -> Result<Vec<RgQuery>> {
    let mut out = Vec::new();
    for q in QUERIES {
        let run = || -> Result<(Duration, usize)> {
            let mut cmd = Command::new("rg");
            cmd.args(["-l", "-i", "-F"]);
            for p in q.rg {
                cmd.arg("-e").arg(p);
            }
            cmd.arg(dir);
            let t = Instant::now();
            let output = cmd.output().context("cannot run rg")?;
            let elapsed = t.elapsed();
            // rg exits 1 when nothing matched.
            if !matches!(output.status.code(), Some(0 | 1)) {
                bail!(
                    "rg failed: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                );
            }
            let hits = output.stdout.iter().filter(|&&b| b == b'\n').count();
            Ok((elapsed, hits))
        };
        let (_, hits) = run()?;
        let mut runs_ms = Vec::with_capacity(runs);
        for _ in 0..runs {
            runs_ms.push(run()?.0.as_secs_f64() * 1e3);
        }
        let mut sorted = runs_ms.clone();
        sorted.sort_by(f64::total_cmp);
        out.push(RgQuery {
            median_ms: sorted[sorted.len() / 2],
            runs_ms,
            hits,
        });
    }
    Ok(out)
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Fts5Build {
    pub secs: f64,
    pub bytes: u64,
    /// Whether the database came from the cache (then `secs` is from the run that built it).
    pub cached: bool,
}

/// Builds (or reuses) an FTS5 table with the same articles: title, summary, body, tags,
/// category and HS prefixes as indexed columns.
pub fn build_fts5(src: &Sources, path: &Path, articles: usize) -> Result<Fts5Build> {
    let marker = path.with_extension("sqlite.complete");
    let key = src.cache_key(articles);
    if let Ok(text) = std::fs::read_to_string(&marker)
        && let Some((k, secs)) = text.split_once('\n')
        && k == key
        && path.is_file()
    {
        return Ok(Fts5Build {
            secs: secs.trim().parse().unwrap_or(0.0),
            bytes: std::fs::metadata(path)?.len(),
            cached: true,
        });
    }
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(&marker);
    let started = Instant::now();
    let mut conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         CREATE VIRTUAL TABLE docs USING fts5(
             title, summary, body, tags, category, hs, lang UNINDEXED, aid UNINDEXED
         );",
    )?;
    let mut generator = Generator::new(src);
    let mut done = 0;
    while done < articles {
        let n = 10_000.min(articles - done);
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO docs (title, summary, body, tags, category, hs, lang, aid)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for _ in 0..n {
                let a = generator.next_article()?;
                let c = &a.content;
                let hs: Vec<&str> = c.hs_codes.iter().flat_map(|code| code.prefixes()).collect();
                insert.execute(params![
                    c.title,
                    c.summary,
                    c.body,
                    c.tags.join(" "),
                    c.category,
                    hs.join(" "),
                    c.lang.as_str(),
                    format!("bench-{:07}", a.index)
                ])?;
            }
        }
        tx.commit()?;
        done += n;
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    drop(conn);
    let secs = started.elapsed().as_secs_f64();
    std::fs::write(&marker, format!("{key}\n{secs}"))?;
    Ok(Fts5Build {
        secs,
        bytes: std::fs::metadata(path)?.len(),
        cached: false,
    })
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Fts5Query {
    pub latency: Latency,
    pub hits: usize,
    pub top: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Fts5Result {
    pub sqlite_version: String,
    pub open_first_result_ms: f64,
    pub queries: Vec<Fts5Query>,
}

/// Top 10 by FTS5's bm25 rank with `snippet()`, the way an application would ask. Timed the way
/// Outpost is: rounds over the whole query set (so no query finds the caches warm from running
/// itself just before), up to `iterations` rounds or until `budget` per query is spent (at least
/// 10 rounds).
pub fn query_fts5(path: &Path, iterations: usize, budget: Duration) -> Result<Fts5Result> {
    let started = Instant::now();
    let conn = Connection::open(path)?;
    let sql = "SELECT aid, title, snippet(docs, 2, '[', ']', '…', 24) FROM docs
               WHERE docs MATCH ?1 ORDER BY rank LIMIT 10";
    let top = |q: &str| -> Result<Vec<(String, String, String)>> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt
            .query_map([q], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    };
    std::hint::black_box(top(QUERIES[0].fts5)?);
    let mut result = Fts5Result {
        sqlite_version: rusqlite::version().to_string(),
        open_first_result_ms: started.elapsed().as_secs_f64() * 1e3,
        queries: Vec::new(),
    };
    for _ in 0..3 {
        for q in QUERIES {
            std::hint::black_box(top(q.fts5)?);
        }
    }
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); QUERIES.len()];
    let spent = Instant::now();
    let total = budget * u32::try_from(QUERIES.len()).unwrap_or(u32::MAX);
    for round in 0..iterations {
        if round >= 10 && spent.elapsed() > total {
            break;
        }
        for (q, times) in QUERIES.iter().zip(&mut samples) {
            let t = Instant::now();
            let rows = top(q.fts5)?;
            times.push(t.elapsed());
            std::hint::black_box(rows);
        }
    }
    for (q, samples) in QUERIES.iter().zip(&samples) {
        let hits: i64 = conn.query_row(
            "SELECT count(*) FROM docs WHERE docs MATCH ?1",
            [q.fts5],
            |r| r.get(0),
        )?;
        result.queries.push(Fts5Query {
            latency: Latency::of(samples),
            hits: usize::try_from(hits).unwrap_or(0),
            top: top(q.fts5)?.into_iter().take(3).map(|r| r.1).collect(),
        });
    }
    Ok(result)
}
