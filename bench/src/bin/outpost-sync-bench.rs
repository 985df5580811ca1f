//! `outpost-sync-bench --ops N`: times a post's export to HQ and HQ's import of that bundle
//! (plain, encrypted, dry run), against the same changes kept as Markdown files in git and
//! carried by `git bundle`. Prints Markdown tables on stdout; figures in docs/BENCHMARKS.md (Sync).
//!
//! The post makes N ops of real text (the shipped demo articles, varied): about 2/3 article
//! creations and 1/3 edits, committed 1,000 per `commit`. The git side commits every touched
//! article's rendered Markdown once per batch. Only the exchange is timed, not the setup.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use clap::Parser;
use outpost::Replica;
use outpost::core::{ArticlePatch, DataDir, InitOptions, NewArticle};
use outpost::model::{ArticleContent, ArticleId, SignedOp};
use outpost::search::analyzer::{Analyzer, tokens};
use outpost::sync::{ExportOptions, bundle, transport};
use zstd::zstd_safe::CParameter;

/// The `outpost` binary's allocator (see its `src/main.rs`): the exports and imports this
/// harness times in its own process allocate as the product's do.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "outpost-sync-bench/attachments.rs"]
mod attachments;
#[path = "outpost-sync-bench/scale.rs"]
mod scale;

/// Sync benchmark: Outpost bundles vs git bundles, and the scale runs.
#[derive(Parser)]
#[command(name = "outpost-sync-bench", args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Scale>,
    #[command(flatten)]
    args: Args,
}

/// The scale runs (see `scale.rs`); without one, the bundle benchmark against git.
#[derive(clap::Subcommand)]
enum Scale {
    /// HQ's import of one post's bundle of each size, back to back.
    Imports {
        /// Bundle sizes in ops, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
        sizes: Vec<usize>,
        #[arg(long, default_value_t = 1_000)]
        batch: usize,
        /// Run `check` on HQ after each import (a full replay: minutes at 100,000 ops).
        #[arg(long)]
        check: bool,
        /// The store's page cache in MiB (0: Outpost's default, a quarter of the memory).
        #[arg(long, default_value_t = 0)]
        cache_mb: usize,
        /// Import with `outpost sync import` in a process of its own, as an officer would,
        /// instead of inside this one (whose memory holds what making the ops left).
        #[arg(long)]
        process: bool,
        /// Copy each size's bundle and HQ as it is before the import into DIR/imports-N, so
        /// that a profiler can repeat the import alone:
        /// `outpost --data-dir DIR/imports-N/hq sync import DIR/imports-N/to-hq.outpost`.
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
    },
    /// Makes the input of one `imports` size in DIR (run by `imports --process` as a child).
    #[command(hide = true)]
    ImportInput {
        #[arg(long)]
        ops: usize,
        #[arg(long, default_value_t = 1_000)]
        batch: usize,
        #[arg(long)]
        dir: PathBuf,
    },
    /// An HQ of N published articles enrols a post.
    Enrol {
        #[arg(long, default_value_t = 100_000)]
        articles: usize,
        #[arg(long, default_value_t = 1_000)]
        batch: usize,
    },
    /// Bundle sizes with and without a photo attached, across two exports.
    Attachments {
        /// The photo's size in MB.
        #[arg(long, default_value_t = 5)]
        photo_mb: usize,
    },
    /// P posts of N ops each merged at HQ, and what HQ sends back to one post.
    Posts {
        #[arg(long, default_value_t = 100)]
        posts: usize,
        #[arg(long, default_value_t = 1_000)]
        ops: usize,
        #[arg(long, default_value_t = 1_000)]
        batch: usize,
    },
}

#[derive(clap::Args)]
struct Args {
    /// Ops the post makes.
    #[arg(long, default_value_t = 10_000)]
    ops: usize,
    /// Payloads per commit (and ops per git commit).
    #[arg(long, default_value_t = 1_000)]
    batch: usize,
    /// Take the bodies from the Markdown files under DIR (such as the search benchmark's
    /// target/bench-corpus/md-10000) instead of the demo articles: text that repeats less.
    #[arg(long)]
    corpus: Option<PathBuf>,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let root = std::env::temp_dir().join(format!("outpost-sync-{}", std::process::id()));
    std::fs::create_dir_all(&root)?;
    let result = match cli.command {
        None => run(&cli.args, &root),
        Some(Scale::Imports {
            sizes,
            batch,
            check,
            cache_mb,
            process,
            keep,
        }) => {
            outpost::core::set_store_cache_size(cache_mb << 20);
            scale::imports(&root, &sizes, batch, check, process, keep.as_deref())
        }
        Some(Scale::ImportInput { ops, batch, dir }) => scale::import_input(&dir, ops, batch),
        Some(Scale::Enrol { articles, batch }) => scale::enrol(&root, articles, batch),
        Some(Scale::Posts { posts, ops, batch }) => scale::posts(&root, posts, ops, batch),
        Some(Scale::Attachments { photo_mb }) => attachments::run(&root, photo_mb),
    };
    let _ = std::fs::remove_dir_all(&root);
    result
}

/// User + system CPU time of this process and its children, from /proc/self/stat (10 ms ticks).
fn cpu_now() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    // utime, stime, cutime, cstime (children waited for: git) are fields 14–17 of the line.
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    Duration::from_millis(10 * (tick(11) + tick(12) + tick(13) + tick(14)))
}

/// Runs `f`: its result, wall-clock time and process CPU time (all threads).
fn time<T>(f: impl FnOnce() -> Result<T>) -> Result<(T, Duration, Duration)> {
    let (t, c) = (Instant::now(), cpu_now());
    let v = f()?;
    Ok((v, t.elapsed(), cpu_now().saturating_sub(c)))
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

fn paragraphs(body: &str) -> Vec<String> {
    let paras = body.split("\n\n").map(str::trim).filter(|p| !p.is_empty());
    paras.map(str::to_string).collect()
}

/// Creation `k`: a demo article (with `body`) with its paragraphs rotated by `round`, numbered.
fn variant(base: &ArticleContent, body: &str, k: usize, round: usize) -> ArticleContent {
    let mut c = base.clone();
    let mut paras = paragraphs(body);
    let r = round % paras.len().max(1);
    paras.rotate_left(r);
    c.title = format!("{} ({k})", base.title);
    let body = paras.join("\n\n");
    c.body = format!("{body}\n\nPost copy {k}, revision of round {round}.\n");
    c
}

/// Edit `e`: one paragraph of the body replaced by a paragraph of another demo article.
fn edited(body: &str, pool: &[String], e: usize) -> String {
    let mut paras = paragraphs(body);
    let replacement = pool[(e.wrapping_mul(7919) + 13) % pool.len()].clone();
    match paras.len() {
        0 => paras.push(replacement),
        len => paras[e % len] = replacement,
    }
    let out = format!("{}\n", paras.join("\n\n"));
    let unchanged = out == body;
    if unchanged {
        format!("{out}\nRevised (edit {e}).\n")
    } else {
        out
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<()> {
    let out = Command::new("git")
        .args(GIT_CONFIG.split(' '))
        .arg(dir)
        .args(args)
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

fn count_tokens(analyzer: Analyzer, articles: &[(ArticleId, String)]) -> usize {
    articles.iter().map(|a| tokens(analyzer, &a.1).len()).sum()
}

fn run(args: &Args, root: &Path) -> Result<()> {
    let mut steps: Vec<(String, Duration, Duration)> = Vec::new();
    macro_rules! timed {
        ($what:expr, $e:expr) => {{
            let (v, wall, cpu) = time(|| Ok($e))?;
            steps.push(($what.to_string(), wall, cpu));
            v
        }};
    }

    // ---- Setup (not timed): HQ, an enrolled post, N ops at the post, the same in git.
    let hq_dir = root.join("hq");
    let mut options = InitOptions::new("HQ");
    options.hq = true;
    let mut hq = Replica::create(&DataDir::new(&hq_dir), &options)?;
    let file = hq.enrol(&hq.resolve_user(None)?, "Post")?;
    let post_dir = DataDir::new(root.join("post"));
    let mut post = Replica::create_from_enrolment(&post_dir, &file, "admin")?;
    let post_key = post.node_info()?.public_key;
    let user = post.resolve_user(None)?;

    let mut demos = Vec::new();
    for (name, bytes) in outpost::demo::files() {
        let parsed = outpost::markdown::parse(&bytes)
            .map_err(|p| anyhow!("demo file {name} does not parse: {p:?}"))?;
        demos.push(parsed.content);
    }
    let mut bodies: Vec<String> = demos.iter().map(|d| d.body.clone()).collect();
    if let Some(dir) = &args.corpus {
        let found = Command::new("find")
            .arg(dir)
            .args(["-name", "*.md"])
            .output()?;
        bodies.clear();
        for path in std::str::from_utf8(&found.stdout)?.lines() {
            let text = std::fs::read_to_string(path)?;
            bodies.push(text.splitn(3, "---\n").nth(2).unwrap_or(&text).to_string());
        }
    }
    let pool: Vec<String> = bodies.iter().flat_map(|b| paragraphs(b)).collect();
    ensure!(!pool.is_empty(), "no demo articles");
    let repo = root.join("git-repo");
    std::fs::create_dir_all(repo.join("articles"))?;
    git(&repo, &["init", "-q", "-b", "main"])?;

    let (mut made, mut creations, mut edits, mut text_bytes) = (0, 0, 0, 0);
    let mut articles: Vec<(ArticleId, String)> = Vec::new();
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let (mut commit_time, mut git_time) = (Duration::ZERO, Duration::ZERO);
    let setup = Instant::now();
    while made < args.ops {
        let size = args.batch.min(args.ops - made);
        // Cumulative creations stay at 2/3 of the ops; an edit needs a committed article.
        let wanted = ((made + size) * 2).div_ceil(3).saturating_sub(creations);
        let n_edits = size.saturating_sub(wanted).min(articles.len());
        let mut picked = BTreeSet::new();
        while picked.len() < n_edits {
            rng = rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            picked.insert((rng >> 33) as usize % articles.len());
        }
        let (mut payloads, mut touched, mut fresh) = (vec![], vec![], vec![]);
        for i in picked {
            let (id, body) = &articles[i];
            let new_body = edited(body, &pool, edits);
            let patch = ArticlePatch {
                body: Some(new_body.clone()),
                ..Default::default()
            };
            let payload = post.payload_for_edit(id, patch)?;
            payloads.push(payload.ok_or_else(|| anyhow!("edit {edits} changes nothing"))?);
            touched.push(id.clone());
            text_bytes += new_body.len();
            articles[i].1 = new_body;
            edits += 1;
        }
        for k in creations..creations + size - n_edits {
            let body = &bodies[k % bodies.len()];
            let content = variant(&demos[k % demos.len()], body, k, k / bodies.len());
            let body = content.body.clone();
            text_bytes += body.len() + content.title.len() + content.summary.len();
            let new = NewArticle {
                id: None,
                content,
                publish: false,
            };
            let (id, p) = post.payloads_for_new(new)?;
            payloads.extend(p);
            touched.push(id.clone());
            fresh.push((id, body));
        }
        creations += fresh.len();
        let t = Instant::now();
        post.commit(&user.name, payloads)?;
        commit_time += t.elapsed();
        articles.extend(fresh);
        made += size;

        let mut files = Vec::with_capacity(touched.len());
        for id in &touched {
            let record = post.article(id.as_str())?.record;
            let path = repo.join("articles").join(format!("{id}.md"));
            files.push((path, outpost::markdown::render(&record)));
        }
        let t = Instant::now();
        for (path, text) in files {
            std::fs::write(path, text)?;
        }
        git(&repo, &["add", "-A"])?;
        git(&repo, &["commit", "-q", "-m", &format!("ops up to {made}")])?;
        git_time += t.elapsed();
        eprintln!("setup: {made}/{} ops", args.ops);
    }
    let setup_time = setup.elapsed();

    // ---- Export at the post: plain, encrypted, then step by step.
    let hq_id = post.hq_node()?;
    let (plain, sealed) = (root.join("to-hq.outpost"), root.join("to-hq-age.outpost"));
    let options = |out: &Path, to: &[&str]| ExportOptions {
        to: None,
        out: out.to_path_buf(),
        encrypt_to: to.iter().map(|s| s.to_string()).collect(),
        armor: false,
        max_part_size: None,
        overwrite: false,
        no_attachments: false,
        urgent_only: false,
    };
    let report = timed!(EXPORT, post.sync_export(&options(&plain, &[]))?);
    let age_report = timed!(EXPORT_AGE, post.sync_export(&options(&sealed, &["HQ"]))?);
    let ops = timed!("· `ops_missing_at`", post.ops_missing_at(hq_id)?);
    let raw = timed!("· postcard of the ops", postcard::to_stdvec(&ops)?);
    timed!("· zstd level 3 of that", zstd::bulk::compress(&raw, 3)?);
    let bytes = timed!("· `write_bundle`", post.write_bundle(hq_id, &ops)?);
    let to = post.find_node("HQ")?.age_recipient;
    let to: age::x25519::Recipient = to.parse().map_err(|e| anyhow!("{e}"))?;
    timed!(AGE, transport::encrypt(&bytes, &[to], false)?);

    // ---- Import at HQ: a fresh copy of HQ (closed, copied, opened) for each import.
    drop(hq);
    let fresh_hq = |name: &str| -> Result<Replica> {
        let to = root.join(name);
        let copied = Command::new("cp").arg("-r").args([&hq_dir, &to]).status()?;
        ensure!(copied.success(), "cannot copy {}", hq_dir.display());
        Ok(Replica::open(&DataDir::new(to))?)
    };
    let (plain_files, sealed_files) = (vec![plain.clone()], vec![sealed]);
    let mut hq_a = fresh_hq("hq-a")?;
    let dry = timed!(IMPORT_DRY, hq_a.sync_import(&plain_files, None, true)?);
    let done = timed!(IMPORT, hq_a.sync_import(&plain_files, None, false)?);
    drop(hq_a);
    let mut hq_b = fresh_hq("hq-b")?;
    let age_done = timed!(IMPORT_AGE, hq_b.sync_import(&sealed_files, None, false)?);
    drop(hq_b);
    let counts = [dry.new_ops, done.new_ops, age_done.new_ops, age_report.ops];
    let all = counts.iter().all(|&c| c == report.ops);
    ensure!(
        all,
        "the imports applied {counts:?} ops, not {}",
        report.ops
    );
    let mut hq_c = fresh_hq("hq-c")?;
    let file_bytes = timed!("· read the file", std::fs::read(&plain)?);
    let decoded = timed!("· `bundle::decode`", bundle::decode("b", &file_bytes)?);
    timed!("· `Bundle::verify`", decoded.verify("b", &post_key)?);
    let mut mine = decoded.ops.iter().filter(|o| o.op.node == post.node_id());
    timed!(OP_SIGS, mine.try_for_each(|o| o.verify(&post_key))?);
    let once = vec![("b".to_string(), decoded)];
    timed!(APPLY_DRY, hq_c.apply_bundles(once, true)?);
    let again = vec![("b".to_string(), bundle::decode("b", &file_bytes)?)];
    timed!("· `apply_bundles`", hq_c.apply_bundles(again, false)?);
    timed!("· `rebuild_index`", hq_c.rebuild_index(&mut |_, _| {})?);
    drop(hq_c);
    for analyzer in [Analyzer::Text, Analyzer::Stem, Analyzer::Grams] {
        let what = format!(
            "· tokenize the bodies with `{}` (1 thread)",
            analyzer.name()
        );
        timed!(what, count_tokens(analyzer, &articles));
    }

    // ---- git: bundle, clone (with checkout), fetch (objects only).
    let gb = root.join("repo.bundle").display().to_string();
    let clone = root.join("git-clone").display().to_string();
    let create = ["bundle", "create", "-q", &gb, "--all"];
    timed!(GIT_BUNDLE, git(&repo, &create)?);
    let git_size = std::fs::metadata(&gb)?.len() as usize;
    timed!(GIT_CLONE, git(root, &["clone", "-q", &gb, &clone])?);
    git(root, &["init", "-q", "-b", "unused", "git-fetch"])?;
    let heads = "refs/heads/*:refs/heads/*";
    let fetch = root.join("git-fetch");
    timed!(GIT_FETCH, git(&fetch, &["fetch", "-q", &gb, heads])?);

    // ---- What other compression of the same body would give (v1 readers inflate all of them).
    let mut zstd_rows = Vec::new();
    for (level, long) in [(3, false), (3, true), (9, true)] {
        let mut c = zstd::bulk::Compressor::new(level)?;
        c.set_parameter(CParameter::EnableLongDistanceMatching(long))?;
        if long {
            c.set_parameter(CParameter::WindowLog(27))?;
        }
        let (out, tc, _) = time(|| Ok(c.compress(&raw)?))?;
        // The default decoder (the one `bundle::decode` uses) accepts windows up to 2^27.
        let (back, td, _) = time(|| Ok(zstd::bulk::decompress(&out, raw.len())?))?;
        ensure!(back == raw, "zstd round trip failed");
        let long = if long { ", long mode, window 2^27" } else { "" };
        zstd_rows.push((format!("level {level}{long}"), out.len(), tc, td));
    }
    let (alone, tc, _) = time(|| {
        let each = |o: &SignedOp| zstd::bulk::compress(&o.encode(), 3);
        ops.iter().try_fold(0, |n, o| Ok(n + each(o)?.len()))
    })?;
    let each = "level 3, each op alone (no redundancy across ops)".to_string();
    zstd_rows.push((each, alone, tc, Duration::ZERO));

    let pairs = steps.iter().map(|(w, wall, _)| (w.as_str(), *wall));
    let walls: HashMap<&str, Duration> = pairs.collect();
    let wall = |w: &str| walls.get(w).copied().unwrap_or_default();
    let ops_n = report.ops as f64;
    let s = |w: &str| secs(wall(w));
    let per_op = |b: usize| format!("{:.1}", b as f64 / ops_n);
    let rate = |d: Duration| format!("{:.0}", ops_n / d.as_secs_f64());
    let ratio = |a: f64, b: f64| format!("{:.2}×", a / b);
    let tr = |a: &str, b: &str| ratio(wall(a).as_secs_f64(), wall(b).as_secs_f64());
    println!("# Outpost sync benchmark, {made} ops\n\n## Setup (not timed below)\n");
    let (batch, bundle_ops, n_articles) = (args.batch, report.ops, articles.len());
    let (commit_s, git_s, setup_s) = (secs(commit_time), secs(git_time), secs(setup_time));
    println!(
        "| | |\n|---|---|\n\
         | ops made at the post | {made}: {creations} creations, {edits} edits |\n\
         | ops per `commit` and per git commit | {batch} |\n\
         | ops in the bundle (with the post's 2 genesis ops) | {bundle_ops} |\n\
         | articles | {n_articles} |\n\
         | text written (titles, summaries, bodies) | {text_bytes} bytes |\n\
         | Outpost `commit`, all batches | {commit_s} s |\n\
         | git: write files, `add -A`, `commit`, all batches | {git_s} s |\n\
         | whole setup | {setup_s} s |"
    );
    let (ob, sb) = (report.bytes as usize, age_report.bytes);
    let size_ratio = ratio(ob as f64, git_size as f64);
    let (ob_op, git_op) = (per_op(ob), per_op(git_size));
    let (ex, gb, tx) = (s(EXPORT), s(GIT_BUNDLE), tr(EXPORT, GIT_BUNDLE));
    let (im, gc, tc) = (s(IMPORT), s(GIT_CLONE), tr(IMPORT, GIT_CLONE));
    let (gf, tf) = (s(GIT_FETCH), tr(IMPORT, GIT_FETCH));
    let (im_rate, gc_rate) = (rate(wall(IMPORT)), rate(wall(GIT_CLONE)));
    println!(
        "\n## Outpost vs git\n\n\
         | measure | Outpost | git | Outpost / git |\n|---|---:|---:|---:|\n\
         | bundle, bytes | {ob} | {git_size} | {size_ratio} |\n\
         | bytes per op | {ob_op} | {git_op} | |\n\
         | export / `git bundle create`, s | {ex} | {gb} | {tx} |\n\
         | import / `git clone` (with checkout), s | {im} | {gc} | {tc} |\n\
         | import / `git fetch` (no checkout), s | {im} | {gf} | {tf} |\n\
         | import, ops/s | {im_rate} | {gc_rate} (clone) | |\n"
    );
    println!("## Every step\n\nCPU is the process's user + system time, all threads.\n");
    println!("| step | wall, s | CPU, s | ops/s |\n|---|---:|---:|---:|");
    for (what, wall, cpu) in &steps {
        let (w, c, r) = (secs(*wall), secs(*cpu), rate(*wall));
        println!("| {what} | {w} | {c} | {r} |");
    }
    println!("\nBundle sizes: plain {ob} bytes, encrypted {sb} bytes.\n");

    let raw_len = raw.len();
    println!("## Body compression alternatives ({raw_len} bytes of postcard)\n");
    println!("| zstd | body bytes | bytes/op | compress, s | inflate, s |");
    println!("|---|---:|---:|---:|---:|");
    for (name, size, c, d) in zstd_rows {
        let (c, d) = (secs(c), secs(d));
        println!("| {name} | {size} | {} | {c} | {d} |", per_op(size));
    }
    Ok(())
}

const GIT_CONFIG: &str =
    "-c user.name=bench -c user.email=bench@example.org -c gc.auto=0 -c commit.gpgsign=false -C";
const EXPORT: &str = "export, plain (`sync_export`)";
const EXPORT_AGE: &str = "export, encrypted to HQ";
const AGE: &str = "· age encryption";
const APPLY_DRY: &str = "· `apply_bundles`, dry run";
const IMPORT: &str = "import, plain (`sync_import`)";
const IMPORT_DRY: &str = "import, dry run";
const IMPORT_AGE: &str = "import, encrypted";
const OP_SIGS: &str = "· every op's signature (`SignedOp::verify`)";
const GIT_BUNDLE: &str = "git bundle create --all";
const GIT_CLONE: &str = "git clone";
const GIT_FETCH: &str = "git fetch";
