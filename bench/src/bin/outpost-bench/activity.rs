//! `outpost-bench activity --articles N`: `stats` and `mileage` on a synthetic node of N
//! articles and about 10·N ops. Each article is written as a draft, edited three times,
//! submitted, and evaluated (one step-1 and three step-2 approvals, which publish it); N/100
//! communities record outcomes for the rest. The node is kept in `--dir` for the next run.
//! Measured: the core calls in this process (open read-only, then the call), and whole
//! `outpost stats --json` and `outpost mileage --json` processes.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use outpost::Replica;
use outpost::core::{DataDir, InitOptions, MileageFilter, NewArticle, StatsFilter};
use outpost::model::{ArticleContent, ArticleId, Payload, Revision, Role, Verdict};

use crate::stats::Latency;

/// Articles per round of commits while the node is built.
const BATCH: usize = 1_000;
/// Evaluators: one for step 1, three for step 2.
const EVALUATORS: [&str; 4] = ["s1", "e1", "e2", "e3"];
/// Outcomes per community.
const OUTCOMES: usize = 98;

pub fn run(dir: &Path, articles: usize, runs: usize) -> Result<()> {
    build_if_missing(dir, articles)?;
    let data_dir = DataDir::new(dir);
    let ops = Replica::open_read_only(&data_dir)?.log_len()?;

    let mut stats_times = Vec::new();
    let mut mileage_times = Vec::new();
    let mut open_times = Vec::new();
    let mut facts = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let replica = Replica::open_read_only(&data_dir)?;
        let user = replica.resolve_user(Some("admin"))?;
        open_times.push(t.elapsed());
        let t = Instant::now();
        let stats = replica.stats(&StatsFilter::default(), Some(&user))?;
        stats_times.push(t.elapsed());
        facts = stats.contributions.by_kind.values().sum::<u64>();
        let t = Instant::now();
        let board = replica.mileage(&MileageFilter::default())?;
        mileage_times.push(t.elapsed());
        std::hint::black_box(board.people.len());
    }
    let bin = crate::process_side::outpost_binary()?;
    let whole = |args: &[&str]| -> Result<Vec<Duration>> {
        let mut out = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let status = Command::new(&bin)
                .arg("--data-dir")
                .arg(dir)
                .args(args)
                .args(["--user", "admin"])
                .env_remove("OUTPOST_USER")
                .stdout(std::process::Stdio::null())
                .status()
                .with_context(|| format!("cannot run {}", bin.display()))?;
            out.push(t.elapsed());
            if !status.success() {
                bail!("outpost {args:?} failed");
            }
        }
        Ok(out)
    };
    let stats_process = whole(&["stats", "--json"])?;
    let mileage_process = whole(&["mileage", "--json"])?;
    let version = whole(&["--version"])?;

    println!(
        "| figure ({articles} articles, {ops} ops, {facts} facts) | p50 | p95 | max | target |"
    );
    println!("|---|---|---|---|---|");
    let row = |name: &str, t: &[Duration], target: &str| {
        let l = Latency::of(t);
        println!(
            "| {name} | {:.1} ms | {:.1} ms | {:.1} ms | {target} |",
            l.p50, l.p95, l.max
        );
    };
    row("open the node read-only", &open_times, "");
    row("`Replica::stats`", &stats_times, "< 1 s");
    row("`Replica::mileage`", &mileage_times, "< 1 s");
    row(
        "whole process `outpost stats --json`",
        &stats_process,
        "< 1 s",
    );
    row(
        "whole process `outpost mileage --json`",
        &mileage_process,
        "< 1 s",
    );
    row(
        "whole process `outpost --version` (start-up alone)",
        &version,
        "",
    );
    println!("\n{runs} runs each; load {}", load());
    Ok(())
}

/// Builds the node in `dir` unless it already holds `articles` articles.
fn build_if_missing(dir: &Path, articles: usize) -> Result<()> {
    let marker = dir.join("articles.txt");
    if std::fs::read_to_string(&marker).is_ok_and(|n| n.trim() == articles.to_string()) {
        return Ok(());
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let options = InitOptions {
        hq: true,
        ..InitOptions::new("Bench HQ")
    };
    let mut replica = Replica::create(&DataDir::new(dir), &options)?;
    let admin = replica.resolve_user(None)?;
    for name in EVALUATORS {
        replica.add_user(&admin, name, Role::Evaluator, None)?;
    }
    let categories: Vec<String> = replica.categories()?.into_iter().map(|c| c.id).collect();
    let started = Instant::now();
    replica.bulk(|replica| {
        let mut done = 0;
        while done < articles {
            let end = (done + BATCH).min(articles);
            let mut writes = Vec::new();
            let mut submitted = Vec::new();
            for i in done..end {
                let category = &categories[i % categories.len()];
                let (id, revision) = article_ops(replica, i, category, &mut writes)?;
                submitted.push((id, revision));
            }
            replica.commit(&admin.name, writes)?;
            for (who, step) in EVALUATORS.iter().zip([1u8, 2, 2, 2]) {
                let votes = submitted
                    .iter()
                    .map(|(article, revision)| Payload::Evaluated {
                        article: article.clone(),
                        revision: *revision,
                        step,
                        verdict: Verdict::Approve {
                            category: None,
                            comment: String::new(),
                        },
                    })
                    .collect();
                replica.commit(who, votes)?;
            }
            done = end;
            eprintln!("built {done} of {articles} articles");
        }
        for c in 0..articles / 100 {
            let name = format!("Community {c}");
            let mut payloads = vec![
                Payload::CommunityCreated {
                    name: name.clone(),
                    description: "A bench community".into(),
                    category: None,
                },
                Payload::CommunityJoined { name: name.clone() },
            ];
            for k in 0..OUTCOMES {
                payloads.push(Payload::CommunityOutcome {
                    name: name.clone(),
                    title: format!("Outcome {k}"),
                    date: "2026-11-30".into(),
                    articles: Vec::new(),
                });
            }
            replica.commit(&admin.name, payloads)?;
        }
        Ok(())
    })?;
    std::fs::write(&marker, articles.to_string())?;
    eprintln!(
        "node of {} ops built in {:.1} s",
        replica.log_len()?,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// An article's ops, pushed to `out`: a draft, three edits, a submission. Returns the id and
/// the submitted revision.
fn article_ops(
    replica: &Replica,
    i: usize,
    category: &str,
    out: &mut Vec<Payload>,
) -> outpost::Result<(ArticleId, outpost::model::Hash)> {
    let id = ArticleId::parse(&format!("bench-{i:07}"))?;
    let mut content = ArticleContent::new(&format!("Case {i}"), category, "Check the seals.\n");
    let (_, created) = replica.payloads_for_new(NewArticle {
        id: Some(id.clone()),
        content: content.clone(),
        publish: false,
    })?;
    let mut head = created
        .iter()
        .find_map(|p| p.revision().map(Revision::id))
        .ok_or_else(|| outpost::Error::invalid("a new article carries its first revision"))?;
    out.extend(created);
    for edit in 1..=3 {
        content.body = format!("Check the seals.\nEdit {edit} of case {i}.\n");
        let revision = Revision::new(id.clone(), vec![head], content.clone());
        head = revision.id();
        out.push(Payload::RevisionAdded {
            article: id.clone(),
            revision,
        });
    }
    out.push(Payload::Submitted {
        article: id.clone(),
        revision: head,
        note: String::new(),
    });
    Ok((id, head))
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
