//! `outpost-sync-bench --ops N`: times a post's export to HQ and HQ's import of that bundle
//! (plain, encrypted, dry run), against the same changes kept as Markdown files in git and
//! carried by `git bundle`. Prints Markdown tables on stdout; see docs/BENCHMARKS-sync.md.
//!
//! The post makes N ops of real text (the shipped demo articles, varied): about 2/3 article
//! creations and 1/3 edits, committed 1,000 per `commit`. The git side commits every touched
//! article's rendered Markdown once per batch. Only the exchange is timed, not the setup.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;
use outpost::Replica;
use outpost::core::{ArticlePatch, DataDir, InitOptions, NewArticle};
use outpost::model::{ArticleContent, ArticleId, Payload};
use outpost::sync::{ExportOptions, bundle, transport};

#[derive(Parser)]
#[command(
    name = "outpost-sync-bench",
    about = "Sync benchmark: Outpost bundles vs git bundles"
)]
struct Args {
    /// Ops the post makes.
    #[arg(long, default_value_t = 10_000)]
    ops: usize,
    /// Payloads per commit (and ops per git commit).
    #[arg(long, default_value_t = 1_000)]
    batch: usize,
    /// Work directory (default: a new one under the system temp dir, removed afterwards).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Keep the work directory.
    #[arg(long)]
    keep: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let root = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("outpost-sync-bench-{}", std::process::id()))
    });
    if root.exists() {
        bail!("{} exists already: give another --dir", root.display());
    }
    std::fs::create_dir_all(&root)?;
    let result = run(&args, &root);
    if !args.keep {
        let _ = std::fs::remove_dir_all(&root);
    }
    result
}

/// Wall-clock and process CPU time (all threads) of one step.
#[derive(Clone, Copy)]
struct Span {
    wall: Duration,
    cpu: Duration,
}

/// User + system CPU time of this process, from /proc/self/stat (clock ticks of 10 ms).
fn cpu_now() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line: the 12th and 13th after the name.
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    Duration::from_millis(10 * (tick(11) + tick(12)))
}

fn time<T>(f: impl FnOnce() -> Result<T>) -> Result<(T, Span)> {
    let (t, c) = (Instant::now(), cpu_now());
    let v = f()?;
    let span = Span { wall: t.elapsed(), cpu: cpu_now().saturating_sub(c) };
    Ok((v, span))
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

fn table(head: &[&str], rows: &[Vec<String>]) {
    println!("| {} |", head.join(" | "));
    let align: Vec<&str> = (0..head.len()).map(|i| if i == 0 { "---" } else { "---:" }).collect();
    println!("|{}|", align.join("|"));
    for row in rows {
        println!("| {} |", row.join(" | "));
    }
    println!();
}

fn xorshift(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}

fn paragraphs(body: &str) -> Vec<String> {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Creation `k`: demo article `k mod n`, paragraphs rotated by round, numbered title and note.
fn variant(base: &ArticleContent, k: usize, round: usize) -> ArticleContent {
    let mut c = base.clone();
    let mut paras = paragraphs(&base.body);
    if !paras.is_empty() {
        let r = round % paras.len();
        paras.rotate_left(r);
    }
    c.title = format!("{} ({k})", base.title.chars().take(180).collect::<String>());
    c.body = format!(
        "{}\n\nPost copy {k}, revision of round {round}.\n",
        paras.join("\n\n")
    );
    c
}

/// Edit `e`: one paragraph of the body replaced by a paragraph of another demo article.
fn edited(body: &str, pool: &[String], e: usize) -> String {
    let mut paras = paragraphs(body);
    let replacement = pool[(e.wrapping_mul(7919) + 13) % pool.len()].clone();
    if paras.is_empty() {
        paras.push(replacement);
    } else {
        let j = e % paras.len();
        paras[j] = replacement;
    }
    let out = format!("{}\n", paras.join("\n\n"));
    if out == body {
        format!("{out}\nRevised (edit {e}).\n")
    } else {
        out
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<()> {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.org",
        ])
        .args(["-c", "gc.auto=0", "-c", "commit.gpgsign=false"])
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!(
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|r| r.trim_start_matches([' ', '\t', ':']))
        })
        .unwrap_or("unknown")
        .to_string();
    let mem = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let kb: f64 = mem
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|r| r.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or(0.0);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} CPUs, {:.1} GiB RAM", kb / 1024.0 / 1024.0)
}

fn run(args: &Args, root: &Path) -> Result<()> {
    let n = args.ops;
    println!(
        "# Outpost sync benchmark, {n} ops\n\nMachine: {}\n",
        machine()
    );

    // ---- Setup (not timed): HQ, an enrolled post, N ops at the post, the same in git.
    let hq_dir = root.join("hq");
    let mut hq = Replica::create(
        &DataDir::new(&hq_dir),
        &InitOptions {
            office: "HQ".into(),
            hq: true,
            admin: "admin".into(),
        },
    )?;
    let file = hq.enrol(&hq.resolve_user(None)?, "Post")?;
    let mut post =
        Replica::create_from_enrolment(&DataDir::new(root.join("post")), &file, "admin")?;
    let post_key = post.node_info()?.public_key;
    let user = post.resolve_user(None)?;

    let mut demos = Vec::new();
    for (name, bytes) in outpost::demo::files() {
        let parsed = outpost::markdown::parse(&bytes)
            .map_err(|p| anyhow!("demo file {name} does not parse: {p:?}"))?;
        demos.push(parsed.content);
    }
    demos.sort_by(|a, b| a.title.cmp(&b.title));
    let pool: Vec<String> = demos.iter().flat_map(|d| paragraphs(&d.body)).collect();
    if demos.is_empty() || pool.is_empty() {
        bail!("no demo articles");
    }

    let repo = root.join("git-repo");
    std::fs::create_dir_all(repo.join("articles"))?;
    git(&repo, &["init", "-q", "-b", "main"])?;

    let (mut made, mut creations, mut edits) = (0usize, 0usize, 0usize);
    let mut articles: Vec<(ArticleId, String)> = Vec::new();
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let (mut commit_time, mut git_commit_time) = (Duration::ZERO, Duration::ZERO);
    let mut text_bytes = 0usize;
    let setup = Instant::now();
    while made < n {
        let size = args.batch.min(n - made);
        let creations_wanted = ((made + size) * 2).div_ceil(3).saturating_sub(creations);
        let n_edits = size.saturating_sub(creations_wanted).min(articles.len());
        let mut picked = BTreeSet::new();
        while picked.len() < n_edits {
            picked.insert(xorshift(&mut rng) as usize % articles.len());
        }
        let mut payloads: Vec<Payload> = Vec::with_capacity(size);
        let mut touched: Vec<ArticleId> = Vec::with_capacity(size);
        for i in picked {
            let (id, body) = &articles[i];
            let new_body = edited(body, &pool, edits);
            let patch = ArticlePatch {
                body: Some(new_body.clone()),
                ..Default::default()
            };
            let payload = post
                .payload_for_edit(id, patch)?
                .ok_or_else(|| anyhow!("edit {edits} of {id} changes nothing"))?;
            text_bytes += new_body.len();
            payloads.push(payload);
            touched.push(id.clone());
            articles[i].1 = new_body;
            edits += 1;
        }
        let mut fresh = Vec::new();
        for _ in 0..size - n_edits {
            let k = creations;
            let content = variant(&demos[k % demos.len()], k, k / demos.len());
            let body = content.body.clone();
            text_bytes += body.len() + content.title.len() + content.summary.len();
            let (id, p) = post.payloads_for_new(NewArticle {
                id: None,
                content,
                publish: false,
            })?;
            payloads.extend(p);
            touched.push(id.clone());
            fresh.push((id, body));
            creations += 1;
        }
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
        git(
            &repo,
            &["commit", "-q", "-m", &format!("batch: ops {made}")],
        )?;
        git_commit_time += t.elapsed();
        eprintln!("setup: {made}/{n} ops");
    }
    let setup_time = setup.elapsed();

    // ---- Export at the post.
    let hq_id = post.hq_node()?;
    let plain = root.join("post-to-hq.outpost");
    let sealed = root.join("post-to-hq-encrypted.outpost");
    let export = |post: &mut Replica, out: &Path, encrypt_to: Vec<String>| {
        post.sync_export(&ExportOptions {
            to: None,
            out: out.to_path_buf(),
            encrypt_to,
            armor: false,
            max_part_size: None,
        })
    };
    let (report, export_plain) = time(|| Ok(export(&mut post, &plain, vec![])?))?;
    let (sealed_report, export_sealed) =
        time(|| Ok(export(&mut post, &sealed, vec!["HQ".into()])?))?;
    // Export, step by step.
    let (ops, t_missing) = time(|| Ok(post.ops_missing_at(hq_id)?))?;
    let (raw, t_postcard) = time(|| Ok(postcard::to_stdvec(&ops)?))?;
    let (body, t_zstd) = time(|| Ok(zstd::bulk::compress(&raw, 3)?))?;
    let (bundle_bytes, t_write) = time(|| Ok(post.write_bundle(hq_id, &ops)?))?;
    let recipient: age::x25519::Recipient = post
        .find_node("HQ")?
        .age_recipient
        .parse()
        .map_err(|e| anyhow!("HQ's age recipient: {e}"))?;
    let (_, t_encrypt) = time(|| Ok(transport::encrypt(&bundle_bytes, &[recipient], false)?))?;

    // ---- Import at HQ: a fresh copy of HQ for each import.
    drop(hq);
    let fresh_hq = |name: &str| -> Result<Replica> {
        let dir = root.join(name);
        copy_dir(&hq_dir, &dir)?;
        Ok(Replica::open(&DataDir::new(dir))?)
    };
    let mut hq_a = fresh_hq("hq-a")?;
    let (dry, import_dry) =
        time(|| Ok(hq_a.sync_import(std::slice::from_ref(&plain), None, true)?))?;
    let (imported, import_plain) =
        time(|| Ok(hq_a.sync_import(std::slice::from_ref(&plain), None, false)?))?;
    if imported.new_ops != report.ops || dry.new_ops != report.ops {
        bail!("import applied {} ops of {}", imported.new_ops, report.ops);
    }
    drop(hq_a);
    let mut hq_b = fresh_hq("hq-b")?;
    let (sealed_import, import_sealed) =
        time(|| Ok(hq_b.sync_import(std::slice::from_ref(&sealed), None, false)?))?;
    if sealed_import.new_ops != sealed_report.ops {
        bail!("encrypted import applied {} ops", sealed_import.new_ops);
    }
    drop(hq_b);
    // Import, step by step.
    let mut hq_c = fresh_hq("hq-c")?;
    let (file_bytes, t_read) = time(|| Ok(std::fs::read(&plain)?))?;
    let (decoded, t_decode) = time(|| Ok(bundle::decode("bundle", &file_bytes)?))?;
    let (_, t_bundle_sig) = time(|| Ok(decoded.verify("bundle", &post_key)?))?;
    let (_, t_op_sigs) = time(|| {
        for op in decoded.ops.iter().filter(|o| o.op.node == post.node_id()) {
            op.verify(&post_key)?;
        }
        Ok(())
    })?;
    let (_, t_hashes) = time(|| {
        Ok(decoded
            .ops
            .iter()
            .map(|o| o.op.hash().0[0])
            .fold(0u8, |a, b| a ^ b))
    })?;
    let (_, t_apply_dry) =
        time(|| Ok(hq_c.apply_bundles(vec![("bundle".into(), decoded)], true)?))?;
    let again = bundle::decode("bundle", &file_bytes)?;
    let (_, t_apply) = time(|| Ok(hq_c.apply_bundles(vec![("bundle".into(), again)], false)?))?;
    let (_, t_reindex) = time(|| Ok(hq_c.rebuild_index(&mut |_, _| {})?))?;
    drop(hq_c);

    // ---- git: bundle, clone, fetch.
    let git_bundle = root.join("repo.bundle");
    let (_, git_create) = time(|| {
        git(
            &repo,
            &[
                "bundle",
                "create",
                "-q",
                &git_bundle.display().to_string(),
                "--all",
            ],
        )
    })?;
    let git_size = std::fs::metadata(&git_bundle)?.len();
    let clone_dir = root.join("git-clone");
    let (_, git_clone) = time(|| {
        git(
            root,
            &[
                "clone",
                "-q",
                &git_bundle.display().to_string(),
                &clone_dir.display().to_string(),
            ],
        )
    })?;
    let fetch_dir = root.join("git-fetch");
    std::fs::create_dir_all(&fetch_dir)?;
    git(&fetch_dir, &["init", "-q", "-b", "unused"])?;
    let (_, git_fetch) = time(|| {
        git(
            &fetch_dir,
            &[
                "fetch",
                "-q",
                &git_bundle.display().to_string(),
                "refs/heads/*:refs/heads/*",
            ],
        )
    })?;

    // ---- Report.
    let ops_n = report.ops as f64;
    let per_op = |b: u64| format!("{:.1}", b as f64 / ops_n);
    let rate = |d: Duration| format!("{:.0}", ops_n / d.as_secs_f64());
    let ratio = |a: f64, b: f64| format!("{:.2}×", a / b);
    println!("## Setup (not timed in the tables below)\n");
    println!("| | |\n|---|---|");
    println!(
        "| ops made at the post | {made} ({creations} creations, {edits} edits, batches of {}) |",
        args.batch
    );
    println!(
        "| ops in the bundle (with the post's 2 genesis ops) | {} |",
        report.ops
    );
    println!("| articles | {} |", articles.len());
    println!("| article text written (titles, summaries, bodies) | {text_bytes} bytes |");
    println!(
        "| Outpost `commit` time, all batches | {} s |",
        secs(commit_time)
    );
    println!(
        "| git: write files + `add` + `commit`, all batches | {} s |",
        secs(git_commit_time)
    );
    println!(
        "| whole setup (with rendering for git) | {} s |\n",
        secs(setup_time)
    );
    println!("## Outpost vs git\n");
    println!("| measure | Outpost | git | Outpost / git |\n|---|---:|---:|---:|");
    let (ob, ot) = (report.bytes, export_plain);
    println!(
        "| bundle size, bytes | {ob} | {git_size} | {} |",
        ratio(ob as f64, git_size as f64)
    );
    println!("| bytes per op | {} | {} | |", per_op(ob), per_op(git_size));
    println!(
        "| export / `git bundle create`, s | {} | {} | {} |",
        secs(ot),
        secs(git_create),
        ratio(ot.as_secs_f64(), git_create.as_secs_f64())
    );
    println!(
        "| import / `git clone` (with checkout), s | {} | {} | {} |",
        secs(import_plain),
        secs(git_clone),
        ratio(import_plain.as_secs_f64(), git_clone.as_secs_f64())
    );
    println!(
        "| import / `git fetch` (no checkout), s | {} | {} | {} |",
        secs(import_plain),
        secs(git_fetch),
        ratio(import_plain.as_secs_f64(), git_fetch.as_secs_f64())
    );
    println!(
        "| import rate, ops/s | {} | {} (clone) | |",
        rate(import_plain),
        rate(git_clone)
    );
    println!("\n## Outpost variants\n");
    println!("| measure | bytes | bytes/op | time, s | ops/s |\n|---|---:|---:|---:|---:|");
    println!(
        "| export, plain | {ob} | {} | {} | {} |",
        per_op(ob),
        secs(ot),
        rate(ot)
    );
    let sb = sealed_report.bytes;
    println!(
        "| export, encrypted to HQ (age) | {sb} | {} | {} | {} |",
        per_op(sb),
        secs(export_sealed),
        rate(export_sealed)
    );
    println!(
        "| import, plain | | | {} | {} |",
        secs(import_plain),
        rate(import_plain)
    );
    println!(
        "| import, dry run | | | {} | {} |",
        secs(import_dry),
        rate(import_dry)
    );
    println!(
        "| import, encrypted | | | {} | {} |",
        secs(import_sealed),
        rate(import_sealed)
    );
    println!("\n## Where the time goes\n");
    println!("| step | s |\n|---|---:|");
    let steps = [
        (
            "export: `ops_missing_at` (read the log and ops from redb, decode)",
            t_missing,
        ),
        ("export: postcard encoding of the ops", t_postcard),
        ("export: zstd level 3 of the body", t_zstd),
        (
            "export: `write_bundle` (postcard + zstd + hash + sign)",
            t_write,
        ),
        ("export: age encryption of the bundle", t_encrypt),
        ("import: read the file", t_read),
        (
            "import: `bundle::decode` (hash, inflate, postcard)",
            t_decode,
        ),
        ("import: `Bundle::verify` (bundle signature)", t_bundle_sig),
        (
            "import: every op's signature (`SignedOp::verify`)",
            t_op_sigs,
        ),
        ("import: every op's hash alone (`Op::hash`)", t_hashes),
        (
            "import: `apply_bundles` dry run (verify + apply, aborted)",
            t_apply_dry,
        ),
        (
            "import: `apply_bundles` (verify + apply + commit + index catch-up)",
            t_apply,
        ),
        (
            "import: search index of the imported articles (`rebuild_index`)",
            t_reindex,
        ),
    ];
    for (what, d) in steps {
        println!("| {what} | {} |", secs(d));
    }
    println!(
        "\n## Body compression alternatives (same ops, {} raw bytes)\n",
        raw.len()
    );
    println!(
        "| zstd setting | body bytes | bytes/op | compress, s | inflate, s |\n|---|---:|---:|---:|---:|"
    );
    println!(
        "| level 3 (format v1 today) | {} | {} | {} | |",
        body.len(),
        per_op(body.len() as u64),
        secs(t_zstd)
    );
    for (level, long) in [(3, true), (9, true), (19, false)] {
        if level == 19 && raw.len() > 100 << 20 {
            continue;
        }
        let mut c = zstd::bulk::Compressor::new(level)?;
        if long {
            c.set_parameter(zstd::zstd_safe::CParameter::EnableLongDistanceMatching(
                true,
            ))?;
            c.set_parameter(zstd::zstd_safe::CParameter::WindowLog(27))?;
        }
        let (out, tc) = time(|| Ok(c.compress(&raw)?))?;
        // The default decoder (as `bundle::decode` uses) must read it: windows up to 2^27.
        let (back, td) = time(|| Ok(zstd::bulk::decompress(&out, raw.len())?))?;
        if back != raw {
            bail!("zstd round trip failed");
        }
        let name = if long {
            format!("level {level}, long mode, window 2^27")
        } else {
            format!("level {level}")
        };
        println!(
            "| {name} | {} | {} | {} | {} |",
            out.len(),
            per_op(out.len() as u64),
            secs(tc),
            secs(td)
        );
    }
    Ok(())
}
