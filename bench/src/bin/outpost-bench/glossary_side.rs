//! `glossary-cost`: what searching through the glossary adds to a query, on a node the search
//! benchmark imported. Each query is timed in rounds with the glossary on and off, interleaved so
//! that both see the same machine load; p50 and p99 of each are printed as a Markdown table.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use outpost::Replica;
use outpost::core::DataDir;
use outpost::search::SearchRequest;

use crate::stats::Latency;

/// Queries chosen to reach the glossary's tier (the words find fewer than ten hits by
/// themselves) as well as queries whose own words fill the page (the tier never runs).
pub const DEFAULT_QUERIES: &[&str] = &[
    "database",
    "ซอฟต์แวร์",
    "ฐานข้อมูล",
    "transshipment",
    "การถ่ายลำ",
    "보세창고",
    "bonded warehouse",
    "firewall",
];

pub fn run(dir: &Path, queries: &[String], runs: usize) -> Result<()> {
    let replica = Replica::open(&DataDir::new(dir)).context("cannot open the benchmark node")?;
    let texts: Vec<String> = if queries.is_empty() {
        DEFAULT_QUERIES.iter().map(|q| q.to_string()).collect()
    } else {
        queries.to_vec()
    };
    let request = |text: &str, no_glossary: bool| SearchRequest {
        text: text.to_string(),
        limit: 10,
        no_glossary,
        ..Default::default()
    };
    println!("| query | hits on / off | via glossary | p50 on | p50 off | p99 on | p99 off |");
    println!("|---|---|---|---|---|---|---|");
    let mut all_on = Vec::new();
    let mut all_off = Vec::new();
    for text in &texts {
        let (on, off) = (request(text, false), request(text, true));
        for _ in 0..20 {
            std::hint::black_box(replica.search(&on)?);
            std::hint::black_box(replica.search(&off)?);
        }
        let mut times: [Vec<Duration>; 2] = [Vec::with_capacity(runs), Vec::with_capacity(runs)];
        for _ in 0..runs {
            for (i, r) in [&on, &off].into_iter().enumerate() {
                let t = Instant::now();
                std::hint::black_box(replica.search(r)?);
                times[i].push(t.elapsed());
            }
        }
        let hits_on = replica.search(&on)?;
        let hits_off = replica.search(&off)?;
        let via = hits_on.iter().filter(|h| h.via.is_some()).count();
        let (a, b) = (Latency::of(&times[0]), Latency::of(&times[1]));
        println!(
            "| `{text}` | {} / {} | {via} | {:.3} ms | {:.3} ms | {:.3} ms | {:.3} ms |",
            hits_on.len(),
            hits_off.len(),
            a.p50,
            b.p50,
            a.p99,
            b.p99
        );
        let [on_times, off_times] = times;
        all_on.extend(on_times);
        all_off.extend(off_times);
    }
    let (a, b) = (Latency::of(&all_on), Latency::of(&all_off));
    println!(
        "| all | | | {:.3} ms | {:.3} ms | {:.3} ms | {:.3} ms |",
        a.p50, b.p50, a.p99, b.p99
    );
    Ok(())
}
