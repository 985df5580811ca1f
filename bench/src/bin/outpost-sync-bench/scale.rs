//! Scale runs of the sync path, each printing a Markdown table:
//!
//! - `imports --sizes 10000,100000`: HQ's `sync_import` of one post's bundle of N ops, for each
//!   size back to back, and the ratio of the times to the ratio of the sizes (linear = equal).
//! - `enrol --articles N`: an HQ holding N published articles enrols a post; the enrolment file
//!   made at HQ and the post created from it (the whole knowledge base imported and indexed).
//! - `posts --posts P --ops N`: P posts each make N ops; HQ imports the P bundles one by one as
//!   they would arrive; then what HQ sends back to one post, and that post's import of it.
//!
//! Text is the shipped demo articles, varied as the main benchmark varies them. HQ and the
//! receiving post are nodes on disk; the other posts of `posts` live in memory, one at a time.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use outpost::Replica;
use outpost::core::{ArticlePatch, DataDir, InitOptions, NewArticle, SystemClock};
use outpost::model::{ArticleContent, ArticleId};

use crate::{edited, paragraphs, secs, variant};

/// The demo articles, their bodies and paragraphs: what every scale run writes.
pub struct Text {
    demos: Vec<ArticleContent>,
    pool: Vec<String>,
}

impl Text {
    pub fn load() -> Result<Self> {
        let mut demos = Vec::new();
        for (name, bytes) in outpost::demo::files() {
            let parsed = outpost::markdown::parse(&bytes)
                .map_err(|p| anyhow!("demo file {name} does not parse: {p:?}"))?;
            demos.push(parsed.content);
        }
        let pool: Vec<String> = demos.iter().flat_map(|d| paragraphs(&d.body)).collect();
        ensure!(!pool.is_empty(), "no demo articles");
        Ok(Text { demos, pool })
    }

    /// Creation `k` (a title of its own, paragraphs rotated by round); `tag` keeps two nodes'
    /// creations apart.
    fn creation(&self, k: usize, tag: &str) -> ArticleContent {
        let base = &self.demos[k % self.demos.len()];
        let mut c = variant(base, &base.body, k, k / self.demos.len());
        c.title = format!("{} {tag}", c.title);
        c
    }
}

/// Peak resident memory since the last `reset_peak_rss`, in bytes (VmHWM).
fn peak_rss() -> u64 {
    vm_field("VmHWM:")
}

fn rss() -> u64 {
    vm_field("VmRSS:")
}

fn vm_field(name: &str) -> u64 {
    vm_field_of("/proc/self/status", name)
}

/// A memory figure (`VmHWM:`, `VmRSS:`) of the process whose status file is `status`, in
/// bytes; 0 when it cannot be read (the process has ended).
fn vm_field_of(status: &str, name: &str) -> u64 {
    std::fs::read_to_string(status)
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Starts measuring peak memory afresh (Linux: writing 5 to clear_refs resets VmHWM).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn dir_size(path: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if meta.is_file() {
        return meta.len();
    }
    std::fs::read_dir(path).map_or(0, |entries| {
        entries.flatten().map(|e| dir_size(&e.path())).sum::<u64>()
    })
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn new_hq(dir: &Path) -> Result<Replica> {
    let mut options = InitOptions::new("HQ");
    options.hq = true;
    Ok(Replica::create(&DataDir::new(dir), &options)?)
}

/// `node` makes `ops` ops: two thirds creations (published when `publish`), one third edits of
/// articles it made before, `batch` per commit.
fn make_ops(
    node: &mut Replica,
    text: &Text,
    tag: &str,
    ops: usize,
    batch: usize,
    publish: bool,
) -> Result<()> {
    let user = node.resolve_user(None)?;
    let mut articles: Vec<(ArticleId, String)> = Vec::new();
    let (mut made, mut creations, mut edits) = (0, 0, 0);
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    node.bulk(|node| {
        while made < ops {
            let size = batch.min(ops - made);
            let wanted = ((made + size) * 2).div_ceil(3).saturating_sub(creations);
            let n_edits = size.saturating_sub(wanted).min(articles.len());
            let mut payloads = Vec::with_capacity(size);
            // Distinct articles: two edits of one article in one commit would share a parent.
            let mut picked = std::collections::BTreeSet::new();
            while picked.len() < n_edits {
                rng = rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                picked.insert((rng >> 33) as usize % articles.len());
            }
            for i in picked {
                let (id, body) = &articles[i];
                let new_body = edited(body, &text.pool, edits);
                let patch = ArticlePatch {
                    body: Some(new_body.clone()),
                    ..Default::default()
                };
                if let Some(p) = node.payload_for_edit(id, patch)? {
                    payloads.push(p);
                }
                articles[i].1 = new_body;
                edits += 1;
            }
            let mut fresh = Vec::new();
            for k in creations..creations + size - n_edits {
                let content = text.creation(k, tag);
                let body = content.body.clone();
                let new = NewArticle {
                    id: None,
                    content,
                    publish,
                };
                let (id, p) = node.payloads_for_new(new)?;
                payloads.extend(p);
                fresh.push((id, body));
            }
            creations += fresh.len();
            node.commit(&user.name, payloads)?;
            articles.extend(fresh);
            made += size;
        }
        Ok(())
    })?;
    Ok(())
}

/// `imports`: HQ's import of one post's bundle of each size, back to back.
pub fn imports(
    root: &Path,
    sizes: &[usize],
    batch: usize,
    check: bool,
    process: bool,
    keep: Option<&Path>,
) -> Result<()> {
    let mut rows = Vec::new();
    // Smallest first: the first row is what the others are compared with.
    let mut sizes = sizes.to_vec();
    sizes.sort_unstable();
    for n in sizes {
        let dir = root.join(format!("imports-{n}"));
        let hq_dir = dir.join("hq");
        let path = dir.join("to-hq.outpost");
        if process {
            // Made in a child too, so that this process does not hold the gigabytes making the
            // ops left behind while the import is timed.
            let status = Command::new(std::env::current_exe()?)
                .args(["import-input", "--ops", &n.to_string(), "--batch"])
                .arg(batch.to_string())
                .arg("--dir")
                .arg(&dir)
                .status()?;
            ensure!(
                status.success(),
                "making the {n}-op bundle failed: {status}"
            );
        } else {
            import_input(&dir, n, batch)?;
        }
        let bundle_len = std::fs::metadata(&path)?.len();
        if let Some(keep) = keep {
            let kept = keep.join(format!("imports-{n}"));
            copy_dir(&hq_dir, &kept.join("hq"))?;
            std::fs::copy(&path, kept.join("to-hq.outpost"))?;
        }
        settle_disk()?;
        let load_before = load();
        let (new_ops, took, rss_before, peak) = if process {
            import_process(&hq_dir, &path, n)?
        } else {
            let mut hq = Replica::open(&DataDir::new(&hq_dir))?;
            reset_peak_rss();
            let rss_before = rss();
            // A profiler attached from this line on sees the import alone.
            eprintln!("imports: importing {n} ops");
            let started = Instant::now();
            let report = hq.sync_import(std::slice::from_ref(&path), None, false)?;
            (report.new_ops, started.elapsed(), rss_before, peak_rss())
        };
        let load_after = load();
        ensure!(new_ops >= n as u64, "only {new_ops} ops applied");
        let hq = Replica::open(&DataDir::new(&hq_dir))?;
        let checked = if check {
            let c = hq.check()?;
            ensure!(c.ok(), "check after the import: {:?}", c.problems);
            "passes"
        } else {
            "not run"
        };
        let store = dir_size(&hq_dir.join("outpost.redb"));
        let index = dir_size(&hq_dir.join("index"));
        rows.push((
            n,
            new_ops,
            bundle_len,
            took,
            rss_before,
            peak,
            store,
            index,
            checked,
            load_before,
            load_after,
        ));
        drop(hq);
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!(
        "## HQ's `sync import` of one bundle, by size (store cache {} MiB)\n",
        outpost::core::store_cache_size() >> 20
    );
    println!(
        "| ops | ops applied | bundle | import | ops/s | time ÷ first | size ÷ first | RSS before / peak | store / index after | `check` | load before / after |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
    let first = rows.first().map(|r| (r.0, r.3));
    for (n, applied, bytes, took, before, peak, store, index, checked, lb, la) in &rows {
        let (n0, t0) = first.unwrap_or((*n, *took));
        println!(
            "| {n} | {applied} | {} | {} s | {:.0} | {:.2}× | {:.1}× | {} / {} | {} / {} | {checked} | {lb} / {la} |",
            mb(*bytes),
            secs(*took),
            *applied as f64 / took.as_secs_f64(),
            took.as_secs_f64() / t0.as_secs_f64(),
            *n as f64 / n0 as f64,
            mb(*before),
            mb(*peak),
            mb(*store),
            mb(*index),
        );
    }
    Ok(())
}

/// Makes in `dir` an HQ (`dir/hq`, as it is before the import) and the bundle of `n` ops that
/// a post it enrolled sends it (`dir/to-hq.outpost`), `batch` payloads per commit.
pub fn import_input(dir: &Path, n: usize, batch: usize) -> Result<()> {
    let text = Text::load()?;
    let mut hq = new_hq(&dir.join("hq"))?;
    let file = hq.enrol(&hq.resolve_user(None)?, "Post")?;
    let mut post = Replica::create_from_enrolment(&DataDir::new(dir.join("post")), &file, "admin")?;
    let setup = Instant::now();
    make_ops(&mut post, &text, "post", n, batch, false)?;
    eprintln!(
        "imports: {n} ops made in {:.1} s",
        setup.elapsed().as_secs_f64()
    );
    let bundle = post.bundle_for(hq.node_id())?;
    drop(post);
    std::fs::remove_dir_all(dir.join("post"))?;
    std::fs::write(dir.join("to-hq.outpost"), &bundle)?;
    Ok(())
}

/// Writes out what earlier steps left dirty in the page cache (the corpus, the copy of HQ): an
/// import timed right after them would otherwise pay for the kernel's writeback of their
/// gigabyte, by chance and by how much the previous step wrote.
fn settle_disk() -> Result<()> {
    let status = Command::new("sync")
        .status()
        .context("cannot run `sync` to settle the disk before timing")?;
    ensure!(status.success(), "`sync` failed: {status}");
    Ok(())
}

/// `outpost sync import FILE` as an officer runs it: a process of its own (the `outpost`
/// binary beside this one), timed from its start to its exit, its peak memory read from
/// `/proc` while it runs. Returns (ops applied, time, 0, peak RSS).
fn import_process(hq_dir: &Path, bundle: &Path, n: usize) -> Result<(u64, Duration, u64, u64)> {
    let bin = std::env::current_exe()?.with_file_name("outpost");
    ensure!(
        bin.is_file(),
        "{} is missing: build it with `cargo build --release --workspace`",
        bin.display()
    );
    eprintln!("imports: importing {n} ops in a process of its own");
    let started = Instant::now();
    let mut child = Command::new(&bin)
        .arg("--data-dir")
        .arg(hq_dir)
        .args(["sync", "import", "--json"])
        .arg(bundle)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    let mut stdout = child.stdout.take().context("the import's output")?;
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut out).map(|_| out)
    });
    // Peak memory, looked at four times a second beside the wait (which ends the timing at
    // once): reading /proc/PID/status every 20 ms slowed a 100,000-op import by a sixth.
    let status_file = format!("/proc/{}/status", child.id());
    let ended = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watching = std::sync::Arc::clone(&ended);
    let watcher = std::thread::spawn(move || {
        let mut peak = 0u64;
        while !watching.load(std::sync::atomic::Ordering::Relaxed) {
            peak = peak.max(vm_field_of(&status_file, "VmHWM:"));
            std::thread::sleep(Duration::from_millis(250));
        }
        peak
    });
    let status = child.wait()?;
    let took = started.elapsed();
    ended.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = watcher
        .join()
        .map_err(|_| anyhow!("the import's memory watcher failed"))?;
    let out = reader
        .join()
        .map_err(|_| anyhow!("the import's output reader failed"))??;
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut err);
        }
        bail!("`outpost sync import` failed: {}", err.trim());
    }
    let report: serde_json::Value = serde_json::from_slice(&out)?;
    let new_ops = report["new_ops"]
        .as_u64()
        .context("`outpost sync import --json` gave no new_ops")?;
    Ok((new_ops, took, 0, peak))
}

/// `enrol`: an HQ of `articles` published articles enrols a post.
pub fn enrol(root: &Path, articles: usize, batch: usize) -> Result<()> {
    let text = Text::load()?;
    let hq_dir = root.join("hq");
    let mut hq = new_hq(&hq_dir)?;
    let setup = Instant::now();
    make_creations(&mut hq, &text, articles, batch)?;
    let setup = setup.elapsed();
    eprintln!(
        "enrol: HQ of {articles} articles made in {:.1} s",
        setup.as_secs_f64()
    );
    let user = hq.resolve_user(None)?;
    let load_before = load();
    let started = Instant::now();
    let file = hq.enrol(&user, "Post")?;
    let at_hq = started.elapsed();
    drop(hq);
    reset_peak_rss();
    let t = Instant::now();
    let post_dir = DataDir::new(root.join("post"));
    let post = Replica::create_from_enrolment(&post_dir, &file, "admin")?;
    let at_post = t.elapsed();
    let peak = peak_rss();
    let load_after = load();
    let held = post.log_len()?;
    ensure!(
        held >= articles as u64,
        "the post holds {held} ops, fewer than {articles}"
    );
    drop(post);
    println!("## Enrolling a post into an HQ of {articles} articles\n");
    println!(
        "Load average {load_before} before, {load_after} after. HQ made in {:.1} s (not timed below).\n",
        setup.as_secs_f64()
    );
    println!("| step | value |\n| --- | ---: |");
    println!(
        "| enrolment file (HQ's whole knowledge, one bundle) | {} |",
        mb(file.len() as u64)
    );
    println!("| `enrol` at HQ (the op, the bundle) | {} s |", secs(at_hq));
    println!(
        "| `create_from_enrolment` at the post (import + index) | {} s |",
        secs(at_post)
    );
    println!("| **whole enrolment** | **{} s** |", secs(at_hq + at_post));
    println!("| peak RSS of the post's creation | {} |", mb(peak));
    println!(
        "| post's store / index | {} / {} |",
        mb(dir_size(&root.join("post/outpost.redb"))),
        mb(dir_size(&root.join("post/index")))
    );
    Ok(())
}

/// `articles` published creations at `node`, `batch` per commit, in one bulk.
fn make_creations(node: &mut Replica, text: &Text, articles: usize, batch: usize) -> Result<()> {
    let user = node.resolve_user(None)?;
    node.bulk(|node| {
        let mut k = 0;
        while k < articles {
            let mut payloads = Vec::with_capacity(batch);
            for i in k..(k + batch).min(articles) {
                let new = NewArticle {
                    id: None,
                    content: text.creation(i, "hq"),
                    publish: true,
                };
                payloads.extend(node.payloads_for_new(new)?.1);
            }
            node.commit(&user.name, payloads)?;
            k += batch;
        }
        Ok(())
    })?;
    Ok(())
}

/// `posts`: `posts` posts of `ops` ops each merged at HQ, and HQ's answer to one post.
pub fn posts(root: &Path, posts: usize, ops: usize, batch: usize) -> Result<()> {
    ensure!(posts >= 1, "--posts must be at least 1");
    let text = Text::load()?;
    let hq_dir = root.join("hq");
    let mut hq = new_hq(&hq_dir)?;
    let user = hq.resolve_user(None)?;
    let setup = Instant::now();
    let mut bundles = Vec::with_capacity(posts);
    let mut first_post = None;
    for p in 0..posts {
        let file = hq.enrol(&user, &format!("Post {p}"))?;
        let mut post = if p == 0 {
            Replica::create_from_enrolment(&DataDir::new(root.join("post-0")), &file, "admin")?
        } else {
            Replica::enrolled_in_memory(&file, "admin", Arc::new(SystemClock))?
        };
        make_ops(&mut post, &text, &format!("p{p}"), ops, batch, false)?;
        bundles.push(post.bundle_for(hq.node_id())?);
        if p == 0 {
            first_post = Some(post);
        }
        if (p + 1) % 10 == 0 {
            eprintln!("posts: {} of {posts} made", p + 1);
        }
    }
    let setup = setup.elapsed();
    let mut post0 = first_post.ok_or_else(|| anyhow!("no post"))?;
    let load_before = load();
    reset_peak_rss();
    let rss_before = rss();
    let mut each = Vec::with_capacity(posts);
    let started = Instant::now();
    let mut merged = 0;
    for (p, bytes) in bundles.iter().enumerate() {
        let t = Instant::now();
        let report = hq.import_bundle_bytes(&format!("post-{p}.outpost"), bytes, false)?;
        each.push(t.elapsed());
        merged += report.new_ops;
    }
    let merge = started.elapsed();
    let peak = peak_rss();
    let bundle_bytes: usize = bundles.iter().map(Vec::len).sum();
    drop(bundles);
    let t = Instant::now();
    let back = hq.bundle_for(post0.node_id())?;
    let back_made = t.elapsed();
    drop(hq);
    let t = Instant::now();
    let back_report = post0.import_bundle_bytes("from-hq.outpost", &back, false)?;
    let back_import = t.elapsed();
    let load_after = load();
    each.sort();
    let pick = |q: f64| each[((q * each.len() as f64).ceil() as usize).clamp(1, each.len()) - 1];
    println!("## {posts} posts × {ops} ops merged at HQ\n");
    println!(
        "Load average {load_before} before, {load_after} after. Setup (enrolments, the posts' ops, their bundles) {:.1} s, not timed below.\n",
        setup.as_secs_f64()
    );
    println!("| measure | value |\n| --- | ---: |");
    println!(
        "| bundles received at HQ | {posts}, {} in all |",
        mb(bundle_bytes as u64)
    );
    println!("| ops merged at HQ | {merged} |");
    println!(
        "| **HQ imports them all, one by one** | **{} s** ({:.0} ops/s) |",
        secs(merge),
        merged as f64 / merge.as_secs_f64()
    );
    println!(
        "| one bundle: p50 / p99 / max | {} / {} / {} s |",
        secs(pick(0.5)),
        secs(pick(0.99)),
        secs(pick(1.0))
    );
    println!(
        "| HQ's RSS before / peak during the merge | {} / {} |",
        mb(rss_before),
        mb(peak)
    );
    println!(
        "| HQ's store / index after | {} / {} |",
        mb(dir_size(&hq_dir.join("outpost.redb"))),
        mb(dir_size(&hq_dir.join("index")))
    );
    println!(
        "| **what HQ sends back to one post** | **{}**, {} ops, made in {} s |",
        mb(back.len() as u64),
        back_report.new_ops,
        secs(back_made)
    );
    println!(
        "| that post imports it | {} s ({:.0} ops/s) |",
        secs(back_import),
        back_report.new_ops as f64 / back_import.as_secs_f64()
    );
    Ok(())
}
