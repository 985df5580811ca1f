//! `outpost-bench map-reader --articles N`: opening the Knowledge Map (its counts) and opening
//! an article in the reader (the article with its history and the first page of its
//! backlinks) on a node of N articles, against the full scans they replace (`count_by_category`
//! over `list_articles`, and `links_to` over every article). The most-linked article (every
//! article links to it) is also opened, its backlinks listed whole (as the reader did before
//! it took them a page at a time) and paged deep into them. The node is synthetic — the figures
//! depend on the number of articles, categories and links, not on their words — and is kept for
//! the next run.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use outpost::Replica;
use outpost::core::{ArticleFilter, DataDir, InitOptions, NewArticle, count_by_category, links_to};
use outpost::model::{ArticleContent, ArticleId, Author};
use outpost::tui::state::reader::BACKLINKS_PAGE;

use crate::stats::Latency;

/// Articles per commit while the node is built.
const BATCH: usize = 2_000;
/// Every article links to this one (a much-cited procedure).
const HUB: &str = "bench-hub";
/// One article in this many is a draft of the node's administrator.
const DRAFT_EVERY: usize = 100;

pub fn run(dir: &Path, articles: usize, runs: usize) -> Result<()> {
    let mut replica = open_or_build(dir, articles)?;
    let user = replica.resolve_user(None)?;
    let viewer = replica.author(&user);
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);

    let map = time(runs, || {
        replica.category_counts(Some(&viewer)).map(|c| c.len())
    })?;
    let reader = time(runs, || {
        let id = article_id(rng.below(articles));
        open_reader(&replica, &id, &viewer)
    })?;
    let hub = time(runs, || open_reader(&replica, HUB, &viewer))?;
    let hub_links = replica.backlinks(HUB, Some(&viewer))?.len();
    let hub_all = time(runs.min(50), || {
        Ok(replica.backlinks(HUB, Some(&viewer))?.len())
    })?;
    // The page half-way through: what scrolling that far into the links pane costs.
    let middle = hub_links / 2;
    let hub_middle = time(runs.min(50), || {
        let page = replica.backlinks_page(HUB, Some(&viewer), middle, BACKLINKS_PAGE)?;
        Ok(page.links.len())
    })?;
    // The same page as the links pane asks for it: after the last one it holds.
    let before_middle = replica.backlinks_page(HUB, Some(&viewer), middle.saturating_sub(1), 1)?;
    let after = before_middle
        .links
        .first()
        .map(|b| b.id.clone())
        .unwrap_or_default();
    let hub_after = time(runs, || {
        let page = replica.backlinks_after(HUB, Some(&viewer), &after, BACKLINKS_PAGE)?;
        Ok(page.links.len())
    })?;
    // The scans, as the Map and the reader did them: a few runs are enough to see the scale.
    let scans = runs.clamp(1, 5);
    let filter = ArticleFilter {
        viewer: Some(viewer.clone()),
        ..Default::default()
    };
    let map_scan = time(scans, || {
        Ok(count_by_category(&replica.list_articles(&filter)?).len())
    })?;
    let reader_scan = time(scans, || {
        let id = article_id(rng.below(articles));
        let all = replica.list_articles(&filter)?;
        Ok(all
            .iter()
            .filter(|r| links_to(&r.content.body, &id))
            .count())
    })?;
    replica.refresh()?;

    println!("| figure ({articles} articles) | p50 | p95 | max | target |");
    println!("|---|---|---|---|---|");
    let row = |name: &str, t: &[Duration], target: &str| {
        let l = Latency::of(t);
        println!(
            "| {name} | {:.3} ms | {:.3} ms | {:.3} ms | {target} |",
            l.p50, l.p95, l.max
        );
    };
    row("open the Knowledge Map (counts)", &map, "< 16 ms");
    row("open an article in the reader", &reader, "< 16 ms");
    row(
        &format!("open the most-linked article ({hub_links} backlinks, first {BACKLINKS_PAGE})"),
        &hub,
        "< 16 ms",
    );
    row(
        &format!("its backlinks from {middle}, one page by offset"),
        &hub_middle,
        "",
    );
    row(
        &format!("the same page after the {middle}th (the links pane's next page)"),
        &hub_after,
        "< 16 ms",
    );
    row(
        &format!("all {hub_links} of its backlinks at once (unpaged)"),
        &hub_all,
        "",
    );
    row("Map counts by full scan (before)", &map_scan, "");
    row("backlinks by full scan (before)", &reader_scan, "");
    println!(
        "\n{runs} runs each ({} for the unpaged and middle lists, {scans} for the scans); load {}",
        runs.min(50),
        load()
    );
    Ok(())
}

/// What the reader loads on open: the article with its history, and the first page of its
/// backlinks.
fn open_reader(replica: &Replica, id: &str, viewer: &Author) -> outpost::Result<usize> {
    let view = replica.article(id)?;
    let links = replica.backlinks_page(id, Some(viewer), 0, BACKLINKS_PAGE)?;
    Ok(view.history.len() + links.links.len())
}

fn time(runs: usize, mut work: impl FnMut() -> outpost::Result<usize>) -> Result<Vec<Duration>> {
    let mut out = Vec::with_capacity(runs);
    let mut sink = 0usize;
    for _ in 0..runs {
        let t = Instant::now();
        sink = sink.wrapping_add(work()?);
        out.push(t.elapsed());
    }
    std::hint::black_box(sink);
    Ok(out)
}

fn article_id(i: usize) -> String {
    format!("bench-{i:07}")
}

/// The node in `dir` if it holds `articles` articles, else a new one built there.
fn open_or_build(dir: &Path, articles: usize) -> Result<Replica> {
    let data_dir = DataDir::new(dir);
    if dir.join("articles.txt").exists()
        && std::fs::read_to_string(dir.join("articles.txt"))?.trim() == articles.to_string()
    {
        return Replica::open(&data_dir).context("cannot open the map-reader node");
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let options = InitOptions {
        hq: true,
        ..InitOptions::new("Bench HQ")
    };
    let mut replica = Replica::create(&data_dir, &options)?;
    let user = replica.resolve_user(None)?;
    let categories: Vec<String> = replica.categories()?.into_iter().map(|c| c.id).collect();
    let started = Instant::now();
    let mut rng = XorShift(42);
    replica.bulk(|replica| {
        let hub = ArticleContent::new("The most cited procedure", "clearance", "Read first.\n");
        let (_, payloads) = replica.payloads_for_new(NewArticle {
            id: Some(ArticleId::parse(HUB)?),
            content: hub,
            publish: true,
        })?;
        replica.commit(&user.name, payloads)?;
        let mut done = 0;
        while done < articles {
            let mut payloads = Vec::new();
            for i in done..(done + BATCH).min(articles) {
                let category = &categories[rng.below(categories.len())];
                let body = format!(
                    "Step one for case {i}: see [[{HUB}|the procedure]] and [[{}]].\n\n\
                     - check the seals\n- count the pieces\n",
                    article_id(rng.below(articles))
                );
                let content = ArticleContent::new(&format!("Case {i}"), category, &body);
                let (_, p) = replica.payloads_for_new(NewArticle {
                    id: Some(ArticleId::parse(&article_id(i))?),
                    content,
                    publish: i % DRAFT_EVERY != 0,
                })?;
                payloads.extend(p);
            }
            replica.commit(&user.name, payloads)?;
            done = (done + BATCH).min(articles);
            eprintln!("built {done} of {articles} articles");
        }
        Ok(())
    })?;
    std::fs::write(dir.join("articles.txt"), articles.to_string())?;
    eprintln!("node built in {:.1} s", started.elapsed().as_secs_f64());
    Ok(replica)
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// A small deterministic generator: the same node and the same lookups on every run.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}
