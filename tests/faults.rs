//! Faults survived: the real binary killed with SIGKILL at random moments during a Markdown
//! import, a sync import, a reindex and a stream of single edits. After every kill the node
//! opens, `check` passes, every command that reported success is still there, what the killed
//! command did is all or nothing, and the search index agrees with the store.
//!
//! The moments are drawn from a seeded generator; the seed is printed, and
//! `OUTPOST_FAULT_SEED=<seed>` replays a run. The CI loop kills at least 50 times in all on small
//! corpora; `a_long_run_…` (ignored) imports 10,000 articles and kills many more times:
//! `cargo test --test main faults -- --ignored --nocapture`.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_outpost");

pub(crate) fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

pub(crate) fn run(dir: &Path, args: &[&str]) -> Output {
    outpost(dir).args(args).output().expect("run outpost")
}

pub(crate) fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = run(dir, args);
    assert!(out.status.success(), "{args:?} failed: {out:?}");
    out
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_slice(&ok(dir, args).stdout).expect("JSON")
}

/// `check --json` after a fault: it must pass, and the index must be in step.
pub(crate) fn checked(dir: &Path, after: &str) -> Value {
    let out = run(dir, &["check", "--json"]);
    assert!(
        out.status.success(),
        "check failed after {after}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("check JSON");
    assert_eq!(report["index_ok"], true, "index out of step after {after}");
    assert_eq!(
        report["articles"], report["index_documents"],
        "index documents differ from articles after {after}: {report}"
    );
    report
}

pub(crate) fn articles(report: &Value) -> u64 {
    report["articles"].as_u64().expect("articles")
}

/// How many published articles a search for `word` finds (at most 50).
fn found(dir: &Path, word: &str) -> u64 {
    let hits = json(dir, &["search", word, "--limit", "50", "--json"]);
    hits.as_array().expect("hits").len() as u64
}

/// A word of letters only, unique to `n`, that no tokenizer splits and that is several edits
/// away from the word of any other `n` (so no typo correction finds another batch's articles).
fn word(prefix: &str, n: usize) -> String {
    let mut x = (n as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    let mut s = String::from(prefix);
    for _ in 0..7 {
        s.push(char::from(b'a' + (x % 26) as u8));
        x /= 26;
    }
    s
}

/// The seeded generator of the kill moments; prints its seed.
pub(crate) fn rng(name: &str) -> StdRng {
    let seed = std::env::var("OUTPOST_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().r#gen::<u64>());
    println!("{name}: OUTPOST_FAULT_SEED={seed}");
    StdRng::seed_from_u64(seed)
}

/// Starts `cmd`, waits `delay`, then kills it with SIGKILL unless it already ended. Returns
/// its exit status and how long it ran when it ended by itself, `None` when it was killed.
fn kill_or_time(
    cmd: &mut Command,
    delay: Duration,
) -> Option<(std::process::ExitStatus, Duration)> {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Looked at every millisecond, so that a command that ends early is timed.
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some((status, started.elapsed()));
        }
        let left = delay.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(Duration::from_millis(1)));
    }
    child.kill().expect("kill");
    let _ = child.wait();
    None
}

/// The range kill moments are drawn from: how long the command took when it last ran to its end
/// by itself. Following the latest run keeps most runs killed while they work on a machine whose
/// speed changes under other load (a span measured while it was slow would let most later runs
/// finish before their kill).
struct Span(Duration);

impl Span {
    /// How long `cmd` takes when left alone.
    fn of(cmd: &mut Command) -> Span {
        let start = Instant::now();
        let out = cmd.output().expect("run");
        assert!(out.status.success(), "{out:?}");
        Span(start.elapsed())
    }

    /// A moment from the start to a tenth past the end of a run.
    fn moment(&self, rng: &mut StdRng) -> Duration {
        let max = self.0.as_micros().max(1000) as u64 * 11 / 10;
        Duration::from_micros(rng.gen_range(0..max))
    }

    /// Starts `cmd` and kills it at a moment drawn from the span (see `kill_or_time`); a run that
    /// ends by itself becomes the span.
    fn kill(
        &mut self,
        cmd: &mut Command,
        rng: &mut StdRng,
    ) -> (Option<std::process::ExitStatus>, Duration) {
        let delay = self.moment(rng);
        let ended = kill_or_time(cmd, delay);
        if let Some((_, took)) = ended {
            self.0 = took;
        }
        (ended.map(|(status, _)| status), delay)
    }
}

/// Writes `n` Markdown articles whose ids start with `prefix` and whose bodies hold `word`.
fn markdown_dir(dir: &Path, prefix: &str, word: &str, n: usize) {
    std::fs::create_dir_all(dir).expect("dir");
    for i in 0..n {
        let text = format!(
            "---\nid: {prefix}-{i}\ntitle: Seal check {i} {word}\ncategory: commodity\n---\n\n\
             Check the seal of container {i} before the manifest; {word} is the batch.\n"
        );
        std::fs::write(dir.join(format!("{prefix}-{i}.md")), text).expect("write");
    }
}

fn hq(dir: &Path) {
    ok(dir, &["init", "--office", "HQ", "--hq"]);
}

struct Sizes {
    /// Articles per import-md batch.
    import: usize,
    import_kills: usize,
    /// Articles in the bundle a post imports.
    bundle: usize,
    sync_kills: usize,
    reindex: usize,
    reindex_kills: usize,
    edit_kills: usize,
}

const CI: Sizes = Sizes {
    import: 60,
    import_kills: 14,
    bundle: 120,
    sync_kills: 12,
    reindex: 120,
    reindex_kills: 12,
    edit_kills: 14,
};

const LONG: Sizes = Sizes {
    import: 10_000,
    import_kills: 60,
    bundle: 5_000,
    sync_kills: 50,
    reindex: 5_000,
    reindex_kills: 50,
    edit_kills: 100,
};

/// Kills `import-md` of a batch of `n` new articles; each batch is then 0 or `n` articles, every
/// batch that reported success is all there, and search finds each batch that is.
fn kill_import_md(sizes: &Sizes, rng: &mut StdRng) -> usize {
    let tmp = tempfile::tempdir().expect("tempdir");
    let node = tmp.path().join("node");
    hq(&node);
    let first = tmp.path().join("batch-first");
    markdown_dir(&first, "first", "zqfirst", sizes.import);
    let mut span = Span::of(outpost(&node).args(["import-md", "--publish"]).arg(&first));
    let mut expected = articles(&checked(&node, "the first import"));
    assert_eq!(expected, sizes.import as u64);
    let (mut kills, mut tries, mut whole) = (0, 0, 0);
    while kills < sizes.import_kills && tries < sizes.import_kills * 4 {
        tries += 1;
        let (prefix, w) = (format!("b{tries}"), word("zq", tries));
        let batch = tmp.path().join(&prefix);
        markdown_dir(&batch, &prefix, &w, sizes.import);
        let (status, delay) = span.kill(
            outpost(&node).args(["import-md", "--publish"]).arg(&batch),
            rng,
        );
        let after = format!("import-md killed after {delay:?}");
        let now = articles(&checked(&node, &after));
        let added = now - expected;
        match status {
            Some(s) => {
                assert!(s.success(), "{after}: import-md failed");
                assert_eq!(added, sizes.import as u64, "{after}: reported success");
            }
            None => {
                kills += 1;
                whole += usize::from(added > 0);
                assert!(
                    added == 0 || added == sizes.import as u64,
                    "{after}: a half-applied import ({added} of {})",
                    sizes.import
                );
            }
        }
        assert_eq!(found(&node, &w), added.min(50), "{after}: search");
        expected = now;
        std::fs::remove_dir_all(&batch).expect("remove batch");
    }
    println!("import-md: {kills} kills, {whole} after the commit, {tries} runs");
    kills
}

/// A post killed while importing HQ's bundle of `n` articles: afterwards it holds all of them
/// or none, and importing again completes.
fn kill_sync_import(sizes: &Sizes, rng: &mut StdRng) -> usize {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (hq_dir, pristine, post, usb) = (
        tmp.path().join("hq"),
        tmp.path().join("pristine"),
        tmp.path().join("post"),
        tmp.path().join("usb"),
    );
    hq(&hq_dir);
    std::fs::create_dir_all(&usb).expect("usb");
    let enrol = usb.join("post.enrol");
    let enrol_s = enrol.to_str().expect("path");
    ok(
        &hq_dir,
        &["node", "enrol", "--office", "Post", "--out", enrol_s],
    );
    ok(&pristine, &["init", "--from", enrol_s]);
    let md = tmp.path().join("md");
    markdown_dir(&md, "sync", "zqsync", sizes.bundle);
    ok(
        &hq_dir,
        &["import-md", "--publish", md.to_str().expect("md")],
    );
    let bundle = usb.join("to-post.outpost");
    let bundle_s = bundle.to_str().expect("path");
    ok(
        &hq_dir,
        &["sync", "export", "--to", "Post", "--out", bundle_s],
    );
    let base = articles(&checked(&pristine, "enrolment"));
    let full = base + sizes.bundle as u64;
    crate::common::copy_dir(&pristine, &post);
    let mut span = Span::of(outpost(&post).args(["sync", "import", bundle_s]));
    let (mut kills, mut tries, mut whole) = (0, 0, 0);
    while kills < sizes.sync_kills && tries < sizes.sync_kills * 4 {
        tries += 1;
        std::fs::remove_dir_all(&post).expect("remove");
        crate::common::copy_dir(&pristine, &post);
        let (status, delay) = span.kill(outpost(&post).args(["sync", "import", bundle_s]), rng);
        let after = format!("sync import killed after {delay:?}");
        let now = articles(&checked(&post, &after));
        match status {
            Some(s) => {
                assert!(s.success(), "{after}: sync import failed");
                assert_eq!(now, full, "{after}: reported success");
            }
            None => {
                kills += 1;
                whole += usize::from(now == full);
                assert!(now == base || now == full, "{after}: {now} articles");
            }
        }
        assert_eq!(found(&post, "zqsync"), (now - base).min(50), "{after}");
        if tries % 4 == 0 {
            ok(&post, &["sync", "import", bundle_s]);
            assert_eq!(articles(&checked(&post, "a second import")), full);
        }
    }
    println!("sync import: {kills} kills, {whole} after the commit, {tries} runs");
    kills
}

/// `reindex` killed: the next command rebuilds or catches up, and search finds everything.
fn kill_reindex(sizes: &Sizes, rng: &mut StdRng) -> usize {
    let tmp = tempfile::tempdir().expect("tempdir");
    let node = tmp.path().join("node");
    hq(&node);
    let md = tmp.path().join("md");
    markdown_dir(&md, "re", "zqre", sizes.reindex);
    ok(&node, &["import-md", "--publish", md.to_str().expect("md")]);
    let mut span = Span::of(outpost(&node).arg("reindex"));
    let (mut kills, mut tries) = (0, 0);
    while kills < sizes.reindex_kills && tries < sizes.reindex_kills * 4 {
        tries += 1;
        let (status, delay) = span.kill(outpost(&node).arg("reindex"), rng);
        let after = format!("reindex killed after {delay:?}");
        match status {
            Some(s) => assert!(s.success(), "{after}: reindex failed"),
            None => kills += 1,
        }
        let now = articles(&checked(&node, &after));
        assert_eq!(now, sizes.reindex as u64, "{after}");
        assert_eq!(found(&node, "zqre"), 50, "{after}");
    }
    kills
}

/// A stream of single `add`s, each killed or not: every add that exited 0 is there, each killed
/// one is there whole or not at all, and search agrees.
fn kill_edits(sizes: &Sizes, rng: &mut StdRng) -> usize {
    let tmp = tempfile::tempdir().expect("tempdir");
    let node = tmp.path().join("node");
    hq(&node);
    let body = tmp.path().join("body.md");
    std::fs::write(&body, "Weigh the pallets; zqedit.\n").expect("body");
    let add = |i: usize| {
        let mut cmd = outpost(&node);
        let (id, title) = (format!("edit-{i}"), format!("Pallet weight {i}"));
        cmd.args(["add", "--publish", "--category", "commodity", "--id", &id])
            .args(["--title", &title, "--body-file"])
            .arg(&body);
        cmd
    };
    let mut span = Span::of(&mut add(0));
    let mut succeeded = vec!["edit-0".to_string()];
    let (mut kills, mut tries, mut maybe) = (0, 0, 0u64);
    while kills < sizes.edit_kills && tries < sizes.edit_kills * 4 {
        tries += 1;
        let (status, delay) = span.kill(&mut add(tries), rng);
        let after = format!("add #{tries} killed after {delay:?}");
        match status {
            Some(s) => {
                assert!(s.success(), "{after}: add failed");
                succeeded.push(format!("edit-{tries}"));
            }
            None => {
                kills += 1;
                maybe += 1;
            }
        }
        let now = articles(&checked(&node, &after));
        let held = succeeded.len() as u64;
        assert!(
            now >= held && now <= held + maybe,
            "{after}: {now} articles"
        );
        let list = json(&node, &["list", "--json"]);
        let ids: Vec<&str> = list
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|a| a["id"].as_str())
            .collect();
        for id in &succeeded {
            assert!(ids.contains(&id.as_str()), "{after}: {id} lost");
        }
        assert_eq!(found(&node, "zqedit"), now.min(50), "{after}: search");
    }
    let whole = articles(&checked(&node, "the stream")) - succeeded.len() as u64;
    println!("single adds: {kills} kills, {whole} after the commit, {tries} runs");
    kills
}

fn all_scenarios(sizes: &Sizes, name: &str) {
    let mut rng = rng(name);
    let started = Instant::now();
    let counts = [
        ("import-md", kill_import_md(sizes, &mut rng)),
        ("sync import", kill_sync_import(sizes, &mut rng)),
        ("reindex", kill_reindex(sizes, &mut rng)),
        ("single adds", kill_edits(sizes, &mut rng)),
    ];
    let total: usize = counts.iter().map(|(_, k)| k).sum();
    println!(
        "{name}: {counts:?}, {total} kills in {:?}",
        started.elapsed()
    );
    let wanted = sizes.import_kills + sizes.sync_kills + sizes.reindex_kills + sizes.edit_kills;
    assert!(
        total + 2 >= wanted,
        "only {total} of {wanted} kills landed while a command ran: {counts:?}"
    );
}

#[test]
fn kill_9_during_import_sync_reindex_and_edits_loses_nothing_reported_and_half_applies_nothing() {
    all_scenarios(&CI, "faults (CI)");
}

#[test]
#[ignore = "long: a 10,000-article import-md and hundreds of kills (about half an hour here)"]
fn a_long_run_of_kill_9_with_a_ten_thousand_article_import() {
    all_scenarios(&LONG, "faults (long)");
}
