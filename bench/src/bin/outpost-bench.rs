//! `outpost-bench search --articles N`: Outpost's search against ripgrep and SQLite FTS5 on the
//! same corpus of real English, Thai and Korean text, and a Markdown report on stdout.
//!
//! The corpus sources are fetched by `scripts/bench-corpus.sh` into `target/bench-corpus/sources`;
//! the Markdown files (for ripgrep) and the FTS5 database are cached beside them per size. The
//! Outpost node is imported afresh on every run, since the import is measured. Outpost's import
//! and searches run in child processes of this binary so that their peak memory is their own.
//! See docs/BENCHMARKS.md.

/// The `outpost` binary's allocator (see its `src/main.rs`): the imports this harness runs in
/// its child processes are measured with it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "outpost-bench/activity.rs"]
mod activity;
#[path = "outpost-bench/baselines.rs"]
mod baselines;
#[path = "outpost-bench/corpus.rs"]
mod corpus;
#[path = "outpost-bench/glossary_side.rs"]
mod glossary_side;
#[path = "outpost-bench/image_side.rs"]
mod image_side;
#[path = "outpost-bench/map_reader.rs"]
mod map_reader;
#[path = "outpost-bench/outpost_side.rs"]
mod outpost_side;
#[path = "outpost-bench/process_side.rs"]
mod process_side;
#[path = "outpost-bench/queries.rs"]
mod queries;
#[path = "outpost-bench/report.rs"]
mod report;
#[path = "outpost-bench/stats.rs"]
mod stats;
#[path = "outpost-bench/tui_side.rs"]
mod tui_side;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use serde::de::DeserializeOwned;

#[derive(Parser)]
#[command(
    name = "outpost-bench",
    about = "Search benchmark: Outpost vs ripgrep vs SQLite FTS5"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Build the corpus, import it, and time the query set on all three engines.
    Search(SearchArgs),
    /// The interface on a node the search benchmark imported: first frame and keystrokes.
    Tui {
        /// A node directory, e.g. target/bench-corpus/outpost-100000.
        #[arg(long)]
        dir: PathBuf,
    },
    /// Opening the Knowledge Map and an article in the reader on a synthetic node of N articles
    /// (built on the first run, kept in `--dir`), against the full scans they replace.
    MapReader {
        #[arg(long, default_value_t = 100_000)]
        articles: usize,
        /// Where the node is kept; default `target/bench-corpus/map-reader-N`.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Timed runs of each figure.
        #[arg(long, default_value_t = 500)]
        runs: usize,
    },
    /// `stats` and `mileage` on a synthetic node of N articles and about 10·N ops (built on the
    /// first run, kept in `--dir`): the core calls, and whole `outpost` processes.
    Activity {
        #[arg(long, default_value_t = 100_000)]
        articles: usize,
        /// Where the node is kept; default `target/bench-corpus/activity-N`.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Timed runs of each figure.
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
    /// Run queries in a loop on a node, for a profiler (`perf record -g -- outpost-bench profile …`):
    /// each query of the set (or `--query`) for `--seconds`, with its mean time printed.
    Profile {
        /// A node directory, e.g. target/bench-corpus/outpost-100000.
        #[arg(long)]
        dir: PathBuf,
        /// Queries to run instead of the benchmark's set.
        #[arg(long)]
        query: Vec<String>,
        /// Seconds per query.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Run the queries in rounds, one after the other (as the benchmark times them), rather
        /// than each in a loop of its own.
        #[arg(long)]
        rounds: bool,
    },
    /// Search with the glossary on and off on a node (e.g. target/bench-corpus/outpost-100000):
    /// p50 and p99 of each query, interleaved, as a Markdown table.
    GlossaryCost {
        #[arg(long)]
        dir: PathBuf,
        /// Queries instead of the default set (glossary terms in the three languages).
        #[arg(long)]
        query: Vec<String>,
        /// Timed runs of each query, each way.
        #[arg(long, default_value_t = 1000)]
        runs: usize,
    },
    /// Drawing an attached photo in the reader: decoding and fitting once, then each frame's
    /// cost (p50, p99) with the picture on the page, at 80×24 and 120×40.
    ImageDraw {
        /// The photo's width in pixels.
        #[arg(long, default_value_t = 4_000)]
        width: u32,
        /// The photo's height in pixels.
        #[arg(long, default_value_t = 3_000)]
        height: u32,
        /// Frames drawn per reader size.
        #[arg(long, default_value_t = 1_000)]
        frames: usize,
    },
    /// (internal) Import the corpus into a new node; prints JSON.
    #[command(hide = true)]
    ChildImport {
        #[arg(long)]
        sources: PathBuf,
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        articles: usize,
        #[arg(long)]
        batch: usize,
    },
    /// (internal) Open the node and time searches; prints JSON.
    #[command(hide = true)]
    ChildSearch {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        iterations: usize,
        #[arg(long)]
        articles: usize,
    },
}

#[derive(clap::Args)]
pub struct SearchArgs {
    /// Corpus size.
    #[arg(long, default_value_t = 10_000)]
    pub articles: usize,
    /// Articles per `Replica::commit`.
    #[arg(long, default_value_t = 1_000)]
    pub batch: usize,
    /// Timed rounds over the query set for Outpost (and at most this many per query for FTS5).
    #[arg(long, default_value_t = 300)]
    pub iterations: usize,
    /// Time budget per query for FTS5, in seconds (at least 10 runs are made).
    #[arg(long, default_value_t = 6.0)]
    pub fts5_budget: f64,
    /// Timed ripgrep runs per query (after one warm-up); default 5, or 2 from 500k articles.
    #[arg(long)]
    pub rg_runs: Option<usize>,
    /// Also measure a cold start: drop the page cache (root only) and time open + first query.
    #[arg(long)]
    pub cold: bool,
    /// Skip ripgrep.
    #[arg(long)]
    pub no_rg: bool,
    /// Skip SQLite FTS5.
    #[arg(long)]
    pub no_fts5: bool,
    /// Instead of timing searches inside one process, time whole processes: `outpost search Q`
    /// against the `sqlite3` shell on an FTS5 table of the same articles, `--runs` of each.
    #[arg(long)]
    pub process: bool,
    /// Runs of each command per query with `--process`.
    #[arg(long, default_value_t = 100)]
    pub runs: usize,
    /// Where the sources and caches live.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/bench-corpus"))]
    pub root: PathBuf,
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Cmd::Search(args) => run(&args),
        Cmd::Tui { dir } => tui_side::run(&dir),
        Cmd::MapReader {
            articles,
            dir,
            runs,
        } => {
            let root = PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../target/bench-corpus"
            ));
            let dir = dir.unwrap_or_else(|| root.join(format!("map-reader-{articles}")));
            map_reader::run(&dir, articles, runs)
        }
        Cmd::Activity {
            articles,
            dir,
            runs,
        } => {
            let root = PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../target/bench-corpus"
            ));
            let dir = dir.unwrap_or_else(|| root.join(format!("activity-{articles}")));
            activity::run(&dir, articles, runs)
        }
        Cmd::Profile {
            dir,
            query,
            seconds,
            rounds,
        } => outpost_side::profile(&dir, &query, seconds, rounds),
        Cmd::GlossaryCost { dir, query, runs } => glossary_side::run(&dir, &query, runs),
        Cmd::ImageDraw {
            width,
            height,
            frames,
        } => image_side::run(width, height, frames),
        Cmd::ChildImport {
            sources,
            dir,
            articles,
            batch,
        } => print_json(&outpost_side::import(&sources, &dir, articles, batch)?),
        Cmd::ChildSearch {
            dir,
            iterations,
            articles,
        } => print_json(&outpost_side::search(&dir, iterations, articles)?),
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

/// Runs this binary with `args` and parses the JSON it prints.
fn child<T: DeserializeOwned>(args: &[String]) -> Result<T> {
    let exe = std::env::current_exe()?;
    let output = Command::new(exe)
        .args(args)
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("cannot start a child benchmark process")?;
    if !output.status.success() {
        bail!(
            "child benchmark process {:?} failed ({})",
            args.first(),
            output.status
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().last().unwrap_or_default();
    serde_json::from_str(line).with_context(|| format!("unreadable child output: {line}"))
}

fn path_arg(p: &Path) -> String {
    p.display().to_string()
}

fn drop_page_cache() -> Result<()> {
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3")
        .context("--cold needs root to write /proc/sys/vm/drop_caches")
}

fn run(args: &SearchArgs) -> Result<()> {
    let n = args.articles;
    std::fs::create_dir_all(&args.root)?;
    let sources_dir = corpus::ensure_sources(&args.root)?;
    let src = corpus::Sources::load(&sources_dir)?;
    eprintln!("corpus sources: {}", src.describe());
    let mut results = report::Results {
        articles: n,
        command: std::env::args().skip(1).collect::<Vec<_>>().join(" "),
        batch: args.batch,
        iterations: args.iterations,
        fts5_budget: args.fts5_budget,
        sources: src.describe(),
        load_before: report::load_average(),
        manifest: std::fs::read_to_string(sources_dir.join("MANIFEST.txt")).unwrap_or_default(),
        ..Default::default()
    };

    let node_dir = args.root.join(format!("outpost-{n}"));
    eprintln!("importing {n} articles into {}", node_dir.display());
    results.import = child(&[
        "child-import".into(),
        "--sources".into(),
        path_arg(&sources_dir),
        "--dir".into(),
        path_arg(&node_dir),
        "--articles".into(),
        n.to_string(),
        "--batch".into(),
        args.batch.to_string(),
    ])?;

    if args.process {
        let db = args.root.join(format!("fts5-{n}.sqlite"));
        eprintln!("FTS5 database {}", db.display());
        baselines::build_fts5(&src, &db, n)?;
        eprintln!("timing whole processes ({} runs per query)", args.runs);
        let load_before = report::load_average();
        let compared = process_side::compare(&node_dir, &db, args.runs)?;
        let load_after = report::load_average();
        let json = args.root.join(format!("results-process-{n}.json"));
        std::fs::write(&json, serde_json::to_string_pretty(&compared)?)?;
        eprintln!("raw results in {}", json.display());
        print!(
            "{}",
            process_side::markdown(&compared, n, (&load_before, &load_after))
        );
        return Ok(());
    }

    let search_args = |iterations: usize| {
        vec![
            "child-search".to_string(),
            "--dir".into(),
            path_arg(&node_dir),
            "--iterations".into(),
            iterations.to_string(),
            "--articles".into(),
            n.to_string(),
        ]
    };
    if args.cold {
        eprintln!("cold start (page cache dropped)");
        drop_page_cache()?;
        results.outpost_cold = Some(child(&search_args(0))?);
    }
    eprintln!("timing Outpost searches ({} rounds)", args.iterations);
    results.outpost = child(&search_args(args.iterations))?;

    if !args.no_rg {
        results.rg_version = baselines::rg_version()?;
        let md_dir = args.root.join(format!("md-{n}"));
        let t = Instant::now();
        let (bytes, cached) = corpus::write_markdown(&src, &md_dir, n)?;
        results.md_bytes = bytes;
        eprintln!(
            "Markdown files in {} ({}, {:.1} s)",
            md_dir.display(),
            if cached { "cached" } else { "written" },
            t.elapsed().as_secs_f64()
        );
        let runs = args.rg_runs.unwrap_or(if n >= 500_000 { 2 } else { 5 });
        eprintln!("timing ripgrep ({runs} runs per query)");
        results.rg = baselines::ripgrep(&md_dir, runs)?;
    }

    if !args.no_fts5 {
        let db = args.root.join(format!("fts5-{n}.sqlite"));
        eprintln!("FTS5 database {}", db.display());
        results.fts5_build = baselines::build_fts5(&src, &db, n)?;
        eprintln!("timing FTS5");
        results.fts5 = Some(baselines::query_fts5(
            &db,
            args.iterations,
            Duration::from_secs_f64(args.fts5_budget),
        )?);
    }

    results.load_after = report::load_average();
    let json = args.root.join(format!("results-{n}.json"));
    std::fs::write(&json, serde_json::to_string_pretty(&results)?)?;
    eprintln!("raw results in {}", json.display());
    print!("{}", report::markdown(&results));
    Ok(())
}
