//! The index on disk (or in RAM for tests): opening, repairing, and applying article changes.
//! The commit payload records the op-log position the index reflects, so a node can tell on
//! open how far behind the index is.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::index::SegmentId;
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::query::AllQuery;
use tantivy::schema::Facet;
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, SegmentReader, TantivyDocument, Term,
};

use super::analyzer;
use super::expand::GlossaryMatches;
use super::query::RankingColumns;
use super::schema::{self, Fields, INDEX_VERSION};
use crate::error::{Error, Result};
use crate::model::{ArticleId, ArticleRecord, Status};

/// What the last index commit reflects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexState {
    pub version: u32,
    /// The op-log position (see `store::LOG`) of the last op reflected.
    pub position: u64,
}

pub struct SearchIndex {
    pub(super) index: Index,
    pub(super) reader: IndexReader,
    writer: Option<IndexWriter>,
    pub(super) fields: Fields,
    /// Small in-memory indexes (tests) use one indexing thread and a small arena.
    small: bool,
    /// The op-log position that what is staged but not committed brings the index to (see
    /// `defer`); `None` when nothing is.
    deferred: Option<u64>,
    /// Inside a bulk (`hold_merges`), the writer is kept until its end; otherwise it is taken
    /// for each commit and let go, so that other processes can write the node too.
    keep_writer: bool,
    /// Opened by a process that only reads: it never takes the writer.
    read_only: bool,
    /// Each searchable segment's ranking fast fields, opened once.
    columns: Mutex<HashMap<SegmentId, Arc<RankingColumns>>>,
    /// Which clauses of each glossary term searched match something in the current searcher.
    pub(super) glossary_matches: Mutex<Option<GlossaryMatches>>,
}

impl SearchIndex {
    /// An index that lives only in memory (tests).
    pub fn in_ram() -> Result<Self> {
        let (schema, _) = schema::build();
        let mut index = Self::wrap(Index::create_in_ram(schema))?;
        index.small = true;
        Ok(index)
    }

    /// Opens the index in `dir`, creating it when missing and recreating it when it is damaged
    /// or of another version. Returns whether it was (re)created empty and must be filled.
    pub fn open_dir(dir: &Path) -> Result<(Self, bool)> {
        match Self::open_existing(dir) {
            Some((opened, _)) => Ok((opened, false)),
            None => Ok((Self::create_dir(dir)?, true)),
        }
    }

    /// The index in `dir` and the state its last commit recorded, if it opens and is of this
    /// version. tantivy may panic on a damaged segment while opening it: that index is as
    /// unusable as one that fails to open.
    fn open_existing(dir: &Path) -> Option<(Self, IndexState)> {
        let open = || {
            let opened = Self::wrap(Index::open_in_dir(dir).ok()?).ok()?;
            let state = opened.state().ok()?;
            (state.version == INDEX_VERSION).then_some((opened, state))
        };
        crate::contain::contain_panics(open).ok().flatten()
    }

    fn create_dir(dir: &Path) -> Result<Self> {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| {
                Error::io(format!("cannot remove the old index {}", dir.display()), e)
            })?;
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create the index {}", dir.display()), e))?;
        let (schema, _) = schema::build();
        Self::wrap(Index::create_in_dir(dir, schema)?)
    }

    fn wrap(index: Index) -> Result<Self> {
        analyzer::register(&index);
        let fields = schema::fields_of(&index.schema()).ok_or_else(|| Error::Index {
            what: "the index lacks fields this version needs".into(),
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: None,
            fields,
            small: false,
            deferred: None,
            keep_writer: false,
            read_only: false,
            columns: Mutex::default(),
            glossary_matches: Mutex::default(),
        })
    }

    /// Opens the index in `dir` for searching only, with the state its last commit recorded
    /// (read once: each read parses the index's metadata), or `None` when it is missing,
    /// damaged or of another version (a writer must build it first).
    pub fn open_dir_read_only(dir: &Path) -> Option<(Self, IndexState)> {
        let (mut opened, state) = Self::open_existing(dir)?;
        opened.read_only = true;
        Some((opened, state))
    }

    /// Takes the writer (waiting while another process holds it) before a write transaction of
    /// the store begins: every process takes the index's lock first and the store's second, so
    /// no two wait for each other, and the index a commit stages into is the latest.
    pub fn take_writer(&mut self) -> Result<()> {
        if !self.read_only {
            self.writer()?;
        }
        Ok(())
    }

    /// Picks up what other processes committed since the reader last looked.
    pub fn refresh(&mut self) -> Result<()> {
        self.reader.reload()?;
        Ok(())
    }

    /// The state recorded by the last commit; a fresh index is at position 0.
    pub fn state(&self) -> Result<IndexState> {
        let metas = self.index.load_metas()?;
        match metas.payload {
            None => Ok(IndexState {
                version: INDEX_VERSION,
                position: 0,
            }),
            Some(text) => serde_json::from_str(&text).map_err(|e| Error::Index {
                what: format!("unreadable commit payload ({e})"),
            }),
        }
    }

    /// The op-log position the index reflects once what is staged is committed: the deferred
    /// position, else the committed one.
    pub fn position(&self) -> Result<u64> {
        match self.deferred {
            Some(position) => Ok(position),
            None => Ok(self.state()?.position),
        }
    }

    /// Leaves what is staged uncommitted, noting that it brings the index to `position`: a bulk
    /// import commits the index once at its end (`commit_deferred`), not after every batch.
    /// Until then searches do not see it, and a crash leaves the index behind the log, which
    /// catches it up on open.
    pub fn defer(&mut self, position: u64) {
        self.deferred = Some(position);
    }

    /// Holds tantivy's background merges off while on (a bulk import: merging the segments it
    /// writes while writing more would merge most documents several times), and lets them
    /// resume when off; they then run in the background after the next commit.
    pub fn hold_merges(&mut self, on: bool) -> Result<()> {
        self.keep_writer = on;
        let writer = self.writer()?;
        if on {
            writer.set_merge_policy(Box::new(NoMergePolicy));
        } else {
            writer.set_merge_policy(Box::new(LogMergePolicy::default()));
        }
        Ok(())
    }

    /// Commits what `defer` left staged, if anything.
    pub fn commit_deferred(&mut self) -> Result<()> {
        match self.deferred {
            Some(position) => self.commit(position),
            None => Ok(()),
        }
    }

    /// The ranking fast fields of `segment` (opened on first use; forgotten once merged away).
    pub(super) fn columns_of(&self, segment: &SegmentReader) -> Arc<RankingColumns> {
        let id = segment.segment_id();
        let Ok(mut columns) = self.columns.lock() else {
            // A search that panicked while holding the lock: open them afresh.
            return Arc::new(RankingColumns::open(segment));
        };
        if let Some(found) = columns.get(&id) {
            return found.clone();
        }
        if columns.len() > 64 {
            let live: Vec<SegmentId> = self
                .reader
                .searcher()
                .segment_readers()
                .iter()
                .map(SegmentReader::segment_id)
                .collect();
            columns.retain(|id, _| live.contains(id));
        }
        let opened = Arc::new(RankingColumns::open(segment));
        columns.insert(id, opened.clone());
        opened
    }

    /// Checks that the index answers for `live` (every article not retired): every file matches
    /// its checksum, each article is in it exactly once, and a search for the words of a sample
    /// of titles finds its article. Says what is wrong, for `check`.
    pub fn verify(
        &self,
        live: &[ArticleRecord],
        load: &dyn Fn(&ArticleId) -> Result<Option<ArticleRecord>>,
    ) -> std::result::Result<(), String> {
        // Every file against its checksum first: a flipped byte anywhere in a segment shows here,
        // and files that fail it are not read further.
        let mut damaged: Vec<String> = self
            .index
            .validate_checksum()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        if !damaged.is_empty() {
            damaged.sort();
            return Err(format!("{} fail their checksum", damaged.join(", ")));
        }
        let searcher = self.reader.searcher();
        let fail = |e: tantivy::TantivyError| e.to_string();
        for record in live {
            let term = Term::from_field_text(self.fields.id, record.id.as_str());
            let query =
                tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
            let found = searcher.search(&query, &Count).map_err(fail)?;
            if found != 1 {
                return Err(format!("article `{}` is in it {found} times", record.id));
            }
        }
        // A sample of at most 200 articles, spread over all: each title's words must find it.
        for record in live.iter().step_by((live.len() / 200).max(1)).take(200) {
            // The title's words only: punctuation could read as the query language's syntax.
            let words: String = record
                .content
                .title
                .chars()
                .map(|c| if c.is_ascii_punctuation() { ' ' } else { c })
                .collect();
            let request = super::SearchRequest {
                text: words,
                limit: 1_000,
                viewer: record.authors.first().cloned(),
                snippets: Some(0),
                ..Default::default()
            };
            let limit = request.limit;
            let hits = self.search(&request, load).map_err(|e| e.to_string())?;
            // A full list says nothing: more articles than the limit share the title's words
            // (a thousand articles titled alike), and this one may rank past the cut.
            if hits.len() < limit && !hits.iter().any(|h| h.id == record.id.as_str()) {
                return Err(format!(
                    "a search for the title of `{}` does not find it",
                    record.id
                ));
            }
        }
        Ok(())
    }

    /// Number of documents searchable now.
    pub fn doc_count(&self) -> Result<usize> {
        Ok(self.reader.searcher().search(&AllQuery, &Count)?)
    }

    pub(super) fn writer(&mut self) -> Result<&mut IndexWriter> {
        if self.read_only {
            return Err(Error::Index {
                what: "this index was opened for searching only".into(),
            });
        }
        if self.writer.is_none() {
            let (index, small) = (&self.index, self.small);
            // Another process may hold the writer for the moment of its commit: wait for it.
            self.writer = Some(crate::core::db_wait_for_lock(|| {
                if small {
                    index.writer_with_num_threads(1, 15_000_000)
                } else {
                    index.writer(64_000_000)
                }
            })?);
            // Another process may have committed since the reader last looked: what is staged
            // next must see its documents (to replace them, not add twice).
            self.reader.reload()?;
        }
        self.writer.as_mut().ok_or_else(|| Error::Index {
            what: "index writer unavailable".into(),
        })
    }

    /// Replaces the documents of `articles` (dropping retired ones and `removed`), commits with
    /// `position` as the payload and reloads the reader so the change is searchable at once.
    pub fn apply(
        &mut self,
        articles: &[ArticleRecord],
        removed: &[ArticleId],
        position: u64,
        reset: bool,
    ) -> Result<()> {
        self.stage(articles, removed, reset)?;
        self.commit(position)
    }

    /// Hands the documents of `articles` to the indexing threads (dropping retired ones and
    /// `removed`; everything first with `reset`); searchable after `commit`, gone on `rollback`.
    pub fn stage(
        &mut self,
        articles: &[ArticleRecord],
        removed: &[ArticleId],
        reset: bool,
    ) -> Result<()> {
        let fields = self.fields;
        // The writer first: taking it reloads the reader when another process committed.
        self.writer()?;
        let searcher = self.reader.searcher();
        let writer = self.writer()?;
        if reset {
            writer.delete_all_documents()?;
        }
        for id in removed {
            writer.delete_term(Term::from_field_text(fields.id, id.as_str()));
        }
        for record in articles {
            let id = Term::from_field_text(fields.id, record.id.as_str());
            // A delete costs a term lookup in every segment at commit: skip it for articles the
            // index has never seen (every one of a bulk import).
            if !reset && searcher.doc_freq(&id)? > 0 {
                writer.delete_term(id);
            }
            if record.status != Status::Retired {
                writer.add_document(document(&fields, record))?;
            }
        }
        Ok(())
    }

    /// Commits what was staged with `position` as the payload and reloads the reader.
    pub fn commit(&mut self, position: u64) -> Result<()> {
        let payload = serde_json::to_string(&IndexState {
            version: INDEX_VERSION,
            position,
        })
        .map_err(|e| Error::Index {
            what: e.to_string(),
        })?;
        let writer = self.writer()?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.deferred = None;
        self.reader.reload()?;
        self.release_writer()
    }

    /// Lets the writer (and its lock) go unless a bulk holds it. In-memory indexes keep theirs:
    /// no other process can share them.
    fn release_writer(&mut self) -> Result<()> {
        if self.keep_writer || self.small {
            return Ok(());
        }
        if let Some(writer) = self.writer.take() {
            writer.wait_merging_threads()?;
        }
        Ok(())
    }

    /// Merges every segment into one and waits for it. Queries look terms up segment by
    /// segment (the typo correction scans each segment's term dictionary), so a bulk import or a
    /// rebuild, which leaves a dozen segments, ends with this.
    pub fn merge_segments(&mut self) -> Result<()> {
        // Let the background merges finish first: a merge of segments they are replacing fails.
        if let Some(writer) = self.writer.take() {
            writer.wait_merging_threads()?;
        }
        let ids = self.index.searchable_segment_ids()?;
        if ids.len() > 1 {
            self.writer()?.merge(&ids).wait()?;
            self.reader.reload()?;
        }
        self.release_writer()
    }

    /// Drops what was staged since the last commit (deferred batches included).
    pub fn rollback(&mut self) -> Result<()> {
        self.deferred = None;
        if let Some(writer) = self.writer.as_mut() {
            writer.rollback()?;
        }
        self.release_writer()
    }
}

fn document(f: &Fields, record: &ArticleRecord) -> TantivyDocument {
    let c = &record.content;
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, record.id.as_str());
    let tags = c.tags.join(" ");
    // Values of one field keep a position apart: a phrase never runs from one into the next.
    doc.add_text(f.heading, &c.title);
    doc.add_text(f.heading, &tags);
    doc.add_text(f.text, &c.summary);
    doc.add_text(f.text, &c.body);
    for text in [&c.title, &c.summary, &tags, &c.body] {
        doc.add_text(f.grams, text);
        doc.add_text(f.thai_folded, text);
    }
    // Attachments are found by their names, captions and the text read from them (a PDF's),
    // as words of the article's text.
    for a in record.live_attachments() {
        for text in [&a.name, &a.caption, &a.text] {
            if !text.is_empty() {
                doc.add_text(f.text, text);
                doc.add_text(f.grams, text);
            }
        }
    }
    for tag in &c.tags {
        doc.add_text(f.tag, tag);
    }
    doc.add_facet(f.category, Facet::from(&format!("/{}", c.category)));
    for code in &c.hs_codes {
        for prefix in code.prefixes() {
            doc.add_text(f.hs, prefix);
        }
    }
    doc.add_text(f.status, record.status.as_str());
    doc.add_text(f.lang, c.lang.as_str());
    doc.add_text(f.kind, c.kind.as_str());
    doc.add_text(f.office, record.origin_office.to_lowercase());
    doc.add_text(f.classification, c.classification.as_str());
    for author in &record.authors {
        doc.add_text(f.authors, author.key());
    }
    let millis = i64::try_from(record.updated.millis).unwrap_or(i64::MAX);
    doc.add_i64(f.updated, millis);
    // No feedback ops yet: every article is equally helpful.
    doc.add_f64(f.helpfulness, 0.0);
    doc
}
