//! Outpost's side, each part run in a child process of its own so that its peak memory is its own:
//! bulk import through `Replica::commit`, then opening the node and timing searches.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use outpost::Replica;
use outpost::core::{DataDir, InitOptions, NewArticle};
use outpost::search::SearchRequest;
use serde::{Deserialize, Serialize};

use crate::corpus::{Generator, Sources};
use crate::queries::QUERIES;
use crate::stats::{Latency, dir_size, peak_rss};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ImportResult {
    pub articles: usize,
    pub batch: usize,
    /// `Replica::create`: key, database, genesis ops.
    pub create_secs: f64,
    /// Building the article texts from the sources (not Outpost's work; excluded below).
    pub generate_secs: f64,
    /// `payloads_for_new` for every article.
    pub prepare_secs: f64,
    /// `Replica::commit` for every batch (signing, redb, tantivy commit and reload).
    pub commit_secs: f64,
    /// The end of the bulk: the index's one commit of everything staged.
    #[serde(default)]
    pub finish_secs: f64,
    /// prepare + commit + finish: the import throughput is `articles / import_secs`.
    pub import_secs: f64,
    /// A last `catch_up_index` after the batches (nothing to do unless commits left the index
    /// behind).
    pub final_index_secs: f64,
    /// `Replica::optimize_index` after the import: the segments merged into one.
    #[serde(default)]
    pub merge_secs: f64,
    /// Segments before that merge.
    #[serde(default)]
    pub segments_before_merge: usize,
    /// Dropping the replica (index writer shutdown).
    pub close_secs: f64,
    /// Commit time of the first and last tenth of the batches (seconds per batch).
    pub first_batches_secs: f64,
    pub last_batches_secs: f64,
    pub text_bytes: u64,
    pub store_bytes: u64,
    pub index_bytes: u64,
    pub index_segments: usize,
    /// Per redb table: name, bytes of keys and values, bytes including b-tree overhead and
    /// fragmentation.
    pub store_tables: Vec<(String, u64, u64)>,
    pub peak_rss: u64,
}

pub fn import(sources: &Path, dir: &Path, articles: usize, batch: usize) -> Result<ImportResult> {
    let src = Sources::load(sources)?;
    let mut generator = Generator::new(&src);
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let data_dir = DataDir::new(dir);
    let options = InitOptions {
        hq: true,
        ..InitOptions::new("Bench HQ")
    };
    let started = Instant::now();
    let mut replica = Replica::create(&data_dir, &options)?;
    let mut result = ImportResult {
        articles,
        batch,
        create_secs: started.elapsed().as_secs_f64(),
        ..Default::default()
    };
    let user = replica.resolve_user(None)?;
    let mut batch_secs = Vec::new();
    let mut done = 0;
    let mut loop_end = Instant::now();
    // One bulk: every batch is its own store commit, the index is committed once at the end.
    replica.bulk(|replica| {
        while done < articles {
            let n = batch.min(articles - done);
            let t = Instant::now();
            let mut contents = Vec::with_capacity(n);
            for _ in 0..n {
                let article = generator
                    .next_article()
                    .map_err(|e| outpost::Error::invalid(format!("corpus: {e}")))?;
                let c = &article.content;
                result.text_bytes += (c.title.len() + c.summary.len() + c.body.len()) as u64;
                contents.push(article.content);
            }
            result.generate_secs += t.elapsed().as_secs_f64();

            let t = Instant::now();
            let mut payloads = Vec::with_capacity(2 * n);
            for content in contents {
                let (_, p) = replica.payloads_for_new(NewArticle {
                    id: None,
                    content,
                    publish: true,
                })?;
                payloads.extend(p);
            }
            result.prepare_secs += t.elapsed().as_secs_f64();

            let t = Instant::now();
            replica.commit(&user.name, payloads)?;
            let secs = t.elapsed().as_secs_f64();
            result.commit_secs += secs;
            batch_secs.push(secs);
            done += n;
            if done % (articles / 10).max(batch) < batch {
                eprintln!(
                    "  imported {done}/{articles} ({:.0} articles/s so far)",
                    done as f64 / (result.prepare_secs + result.commit_secs)
                );
            }
        }
        loop_end = Instant::now();
        Ok(())
    })?;
    result.finish_secs = loop_end.elapsed().as_secs_f64();
    result.import_secs = result.prepare_secs + result.commit_secs + result.finish_secs;
    let tenth = (batch_secs.len() / 10).max(1);
    result.first_batches_secs = batch_secs[..tenth].iter().sum::<f64>() / tenth as f64;
    result.last_batches_secs =
        batch_secs[batch_secs.len() - tenth..].iter().sum::<f64>() / tenth as f64;
    let t = Instant::now();
    replica.catch_up_index(&mut |_, _| {})?;
    result.final_index_secs = t.elapsed().as_secs_f64();
    result.segments_before_merge = count_segments(&data_dir.index());
    let t = Instant::now();
    replica.optimize_index()?;
    result.merge_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    drop(replica);
    result.close_secs = t.elapsed().as_secs_f64();
    result.peak_rss = peak_rss();
    result.store_bytes = dir_size(&data_dir.database())?;
    result.index_bytes = dir_size(&data_dir.index())?;
    result.index_segments = count_segments(&data_dir.index());
    result.store_tables = store_tables(&data_dir.database())?;
    Ok(result)
}

/// Where the store's bytes go (a diagnostic: redb's own table statistics).
fn store_tables(path: &Path) -> Result<Vec<(String, u64, u64)>> {
    use outpost::store;
    use redb::{ReadableDatabase, ReadableTableMetadata};
    let db = redb::Database::open(path)?;
    let txn = db.begin_read()?;
    let mut out = Vec::new();
    macro_rules! table {
        ($($name:ident),*) => {$(
            let stats = txn.open_table(store::$name)?.stats()?;
            out.push((
                stringify!($name).to_lowercase(),
                stats.stored_bytes(),
                stats.stored_bytes() + stats.metadata_bytes() + stats.fragmented_bytes(),
            ));
        )*};
    }
    table!(
        OPS, LOG, ARTICLES, REVISIONS, META, CHAINS, NODES, USERS, CATEGORIES
    );
    Ok(out)
}

/// Tantivy segments: one `.idx` file each.
fn count_segments(index: &Path) -> usize {
    std::fs::read_dir(index).map_or(0, |entries| {
        entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "idx"))
            .count()
    })
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct QueryStats {
    pub latency: Latency,
    /// All matching articles (a separate search with no limit).
    pub hits: usize,
    /// The first results' titles, to see that the answers make sense.
    pub top: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SearchResult {
    pub open_ms: f64,
    /// From the start of `Replica::open` to the first query's results.
    pub first_result_ms: f64,
    pub queries: Vec<QueryStats>,
    /// Every timed search of every query together.
    pub overall: Latency,
    pub peak_rss: u64,
}

/// Opens the node and times the query set: `iterations` rounds over all queries after a warm-up.
/// With `iterations == 0` only the open and the first query are timed (for a cold start).
pub fn search(dir: &Path, iterations: usize, articles: usize) -> Result<SearchResult> {
    let data_dir = DataDir::new(dir);
    let started = Instant::now();
    let replica = Replica::open(&data_dir).context("cannot open the benchmark node")?;
    let open = started.elapsed();
    let request = |text: &str, limit: usize| SearchRequest {
        text: text.to_string(),
        limit,
        ..Default::default()
    };
    let first = replica.search(&request(QUERIES[0].outpost, 10))?;
    let mut result = SearchResult {
        open_ms: open.as_secs_f64() * 1e3,
        first_result_ms: started.elapsed().as_secs_f64() * 1e3,
        ..Default::default()
    };
    if iterations == 0 {
        std::hint::black_box(first);
        result.peak_rss = peak_rss();
        return Ok(result);
    }
    let requests: Vec<SearchRequest> = QUERIES.iter().map(|q| request(q.outpost, 10)).collect();
    for r in &requests {
        for _ in 0..20 {
            std::hint::black_box(replica.search(r)?);
        }
    }
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(iterations); requests.len()];
    for _ in 0..iterations {
        for (i, r) in requests.iter().enumerate() {
            let t = Instant::now();
            let hits = replica.search(r)?;
            samples[i].push(t.elapsed());
            std::hint::black_box(hits);
        }
    }
    result.peak_rss = peak_rss();
    let all: Vec<Duration> = samples.iter().flatten().copied().collect();
    result.overall = Latency::of(&all);
    for (q, times) in QUERIES.iter().zip(&samples) {
        let top = replica.search(&request(q.outpost, 10))?;
        let every = replica.search(&request(q.outpost, articles.max(1)))?;
        result.queries.push(QueryStats {
            latency: Latency::of(times),
            hits: every.len(),
            top: top.iter().take(3).map(|h| h.title.clone()).collect(),
        });
    }
    Ok(result)
}

/// Runs each query (the benchmark's set when `queries` is empty) in a loop for `seconds`, or all
/// of them in rounds for `seconds` each in all, and prints the mean time of each: a steady load
/// for a profiler.
pub fn profile(dir: &Path, queries: &[String], seconds: f64, rounds: bool) -> Result<()> {
    let replica = Replica::open(&DataDir::new(dir)).context("cannot open the benchmark node")?;
    let texts: Vec<String> = if queries.is_empty() {
        QUERIES.iter().map(|q| q.outpost.to_string()).collect()
    } else {
        queries.to_vec()
    };
    let requests: Vec<SearchRequest> = texts
        .iter()
        .map(|text| SearchRequest {
            text: text.clone(),
            limit: 10,
            ..Default::default()
        })
        .collect();
    let mut spent = vec![Duration::ZERO; requests.len()];
    let mut runs = vec![0u32; requests.len()];
    let mut time = |i: usize| -> Result<()> {
        let started = Instant::now();
        std::hint::black_box(replica.search(&requests[i])?);
        spent[i] += started.elapsed();
        runs[i] += 1;
        Ok(())
    };
    let started = Instant::now();
    if rounds {
        let total = seconds * requests.len() as f64;
        while started.elapsed().as_secs_f64() < total {
            for i in 0..requests.len() {
                time(i)?;
            }
        }
    } else {
        for i in 0..requests.len() {
            let began = Instant::now();
            while began.elapsed().as_secs_f64() < seconds {
                time(i)?;
            }
        }
    }
    for ((text, spent), runs) in texts.iter().zip(&spent).zip(&runs) {
        let mean = spent.as_secs_f64() / f64::from((*runs).max(1));
        println!("{text}: {runs} runs, mean {:.1} µs", mean * 1e6);
    }
    Ok(())
}
