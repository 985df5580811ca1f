//! Searching the HS nomenclature's descriptions with the same analyzers as articles, typo
//! tolerant. Indexing the 6,939 descriptions takes about 0.2 s, so a node keeps the index in
//! `DATA_DIR/hs-index/` (built on first use, rebuilt when this version's differs); without a data
//! directory it lives in memory. Either way it is built at most once per process and directory,
//! and reached through the node (`Replica::hs_search`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::analyzer::{self, Analyzer};
use crate::error::{Error, Result};
use crate::nomenclature::Nomenclature;

/// Bumped when the nomenclature, fields or analyzers change: an index on disk of another
/// version is rebuilt.
const HS_INDEX_VERSION: &str = "hs-2022-2";

pub struct HsSearch {
    reader: IndexReader,
    text: Field,
    stem: Field,
    code: Field,
}

/// A nomenclature entry that matched, with its score. Read from the index's stored fields, so a
/// search does not parse the whole nomenclature (a tenth of a command's start-up).
#[derive(Clone, Debug, PartialEq)]
pub struct HsMatch {
    /// Digits only: `09`, `0901`, `090121`.
    pub code: String,
    pub description: String,
    /// 2, 4 or 6: the number of digits.
    pub level: u8,
    pub score: f32,
}

impl HsMatch {
    /// `09`, `0901`, `0901.21`.
    pub fn dotted(&self) -> String {
        crate::nomenclature::dotted(&self.code)
    }
}

impl HsSearch {
    /// The index of HS descriptions kept in `dir` (opened, or built there), or held in memory
    /// when `dir` is `None`; each is opened once per process and shared after that.
    pub(crate) fn for_dir(dir: Option<&Path>) -> Result<Arc<HsSearch>> {
        /// The indexes this process opened, by directory (`None`: the one in memory).
        static OPENED: Mutex<BTreeMap<Option<PathBuf>, Arc<HsSearch>>> =
            Mutex::new(BTreeMap::new());
        // Held while building, so that two threads asking at once build it once.
        let mut opened = OPENED.lock().unwrap_or_else(PoisonError::into_inner);
        let key = dir.map(Path::to_path_buf);
        if let Some(found) = opened.get(&key) {
            return Ok(Arc::clone(found));
        }
        let built = Self::open_or_build(dir).map_err(|e| Error::Index {
            what: format!("cannot index the HS nomenclature: {e}"),
        })?;
        let built = Arc::new(built);
        opened.insert(key, Arc::clone(&built));
        Ok(built)
    }

    fn open_or_build(dir: Option<&Path>) -> Result<HsSearch> {
        let Some(dir) = dir else {
            return Self::build(Index::create_in_ram(Self::schema().0));
        };
        if let Ok(index) = Index::open_in_dir(dir)
            && index.load_metas().ok().and_then(|m| m.payload).as_deref() == Some(HS_INDEX_VERSION)
            && let Ok(opened) = Self::wrap(index)
        {
            return Ok(opened);
        }
        if dir.exists() {
            std::fs::remove_dir_all(dir)
                .map_err(|e| Error::io(format!("cannot remove {}", dir.display()), e))?;
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        Self::build(Index::create_in_dir(dir, Self::schema().0)?)
    }

    fn schema() -> (Schema, [Field; 3]) {
        let mut schema = Schema::builder();
        let analyzed = |analyzer: Analyzer| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer.name())
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let text = schema.add_text_field("text", analyzed(Analyzer::Text).set_stored());
        let stem = schema.add_text_field("stem", analyzed(Analyzer::Stem));
        let code = schema.add_text_field("code", STORED);
        (schema.build(), [text, stem, code])
    }

    fn wrap(index: Index) -> Result<HsSearch> {
        analyzer::register(&index);
        let schema = index.schema();
        let field = |name: &str| {
            schema.get_field(name).map_err(|e| Error::Index {
                what: e.to_string(),
            })
        };
        // The HS index never changes once built: a manual reader spawns no thread to watch it.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(HsSearch {
            reader,
            text: field("text")?,
            stem: field("stem")?,
            code: field("code")?,
        })
    }

    fn build(index: Index) -> Result<HsSearch> {
        analyzer::register(&index);
        let [text, stem, code] = Self::schema().1;
        let mut writer = index.writer_with_num_threads(1, 30_000_000)?;
        for entry in Nomenclature::builtin().entries() {
            let mut doc = TantivyDocument::default();
            doc.add_text(text, &entry.description);
            doc.add_text(stem, &entry.description);
            doc.add_text(code, &entry.code);
            writer.add_document(doc)?;
        }
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(HS_INDEX_VERSION);
        prepared.commit()?;
        Self::wrap(index)
    }

    /// The descriptions holding `word` misspelt: for a word of 5 or more letters that no
    /// description holds as written, those holding a word within one typo (two for 9+ letters),
    /// each scoring a constant as tantivy's fuzzy query does. A word the nomenclature holds
    /// needs no correction: its own clauses find it. One typo away, the neighbours are looked up
    /// one by one in the term dictionary (`typo::one_edit_away`); building a Levenshtein
    /// automaton costs more than the rest of a search process, 1.7 ms for two typos.
    fn typo_query(&self, searcher: &Searcher, word: &str) -> Result<Option<Box<dyn Query>>> {
        let letters = word.chars().count();
        if letters < 5 || !word.chars().all(char::is_alphabetic) {
            return Ok(None);
        }
        let held = |candidate: &str| -> Result<bool> {
            for segment in searcher.segment_readers() {
                let terms = segment.inverted_index(self.text)?;
                let ord = terms.terms().term_ord(candidate.as_bytes());
                if ord.map_err(tantivy::TantivyError::from)?.is_some() {
                    return Ok(true);
                }
            }
            Ok(false)
        };
        if held(word)? {
            return Ok(None);
        }
        let term = Term::from_field_text(self.text, word);
        let near = if letters >= 9 {
            None
        } else {
            super::typo::one_edit_away(word)
        };
        let Some(near) = near else {
            let distance = if letters >= 9 { 2 } else { 1 };
            return Ok(Some(Box::new(FuzzyTermQuery::new(term, distance, true))));
        };
        let mut found: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for candidate in near {
            if held(&candidate)? {
                let term = Term::from_field_text(self.text, &candidate);
                found.push((
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                ));
            }
        }
        Ok((!found.is_empty()).then(|| {
            Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(found)),
                1.0,
            )) as Box<dyn Query>
        }))
    }

    /// Entries whose descriptions hold every word of `words` (as typed, by stem, or within one
    /// or two typos for words of 5 or 9+ letters) — or, when none holds them all, the most of
    /// them — best first; subheadings rank above headings
    /// and chapters when scores tie.
    pub fn search(&self, words: &str, limit: usize) -> Result<Vec<HsMatch>> {
        self.search_correcting(words, limit, &|_| Ok(true))
    }

    /// Whether `words` hold a word the nomenclature could: its descriptions are English, so
    /// a query in Thai or Korean alone has no HS match, and its index need not be opened.
    pub fn could_match(words: &str) -> bool {
        analyzer::tokens(Analyzer::Text, words)
            .iter()
            .any(|(token, _)| !analyzer::needs_grams(token))
    }

    /// [`search`](Self::search), correcting only the words `may_be_typo` lets through: a
    /// search's suggestions leave alone the words the knowledge base holds.
    pub fn search_correcting(
        &self,
        words: &str,
        limit: usize,
        may_be_typo: &dyn Fn(&str) -> Result<bool>,
    ) -> Result<Vec<HsMatch>> {
        let tokens = analyzer::tokens(Analyzer::Text, words);
        if tokens.is_empty() {
            return Ok(vec![]);
        }
        let searcher = self.reader.searcher();
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (word, _) in tokens {
            let mut should: Vec<(Occur, Box<dyn Query>)> = vec![(
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.text, &word),
                    IndexRecordOption::WithFreqs,
                )),
            )];
            for (stem, _) in analyzer::tokens(Analyzer::Stem, &word) {
                should.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(self.stem, &stem),
                            IndexRecordOption::WithFreqs,
                        )),
                        0.5,
                    )),
                ));
            }
            if may_be_typo(&word)?
                && let Some(fuzzy) = self.typo_query(&searcher, &word)?
            {
                should.push((Occur::Should, Box::new(BoostQuery::new(fuzzy, 0.3))));
            }
            must.push((Occur::Must, Box::new(BooleanQuery::new(should))));
        }
        let best = TopDocs::with_limit(limit.max(1) * 3).order_by_score();
        let every = BooleanQuery::new(must.iter().map(|(o, q)| (*o, q.box_clone())).collect());
        let mut top = searcher.search(&every, &best)?;
        if top.is_empty() {
            // No description has every word (`logs` in `teak logs`): take descriptions with any
            // of them; BM25 ranks those with more and rarer words first.
            let any = must.into_iter().map(|(_, q)| (Occur::Should, q)).collect();
            top = searcher.search(&BooleanQuery::new(any), &best)?;
        }
        let mut matches = Vec::new();
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            if let (Some(code), Some(description)) = (text(self.code), text(self.text)) {
                let level = u8::try_from(code.len()).unwrap_or(u8::MAX);
                matches.push(HsMatch {
                    code,
                    description,
                    level,
                    score,
                });
            }
        }
        matches.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| b.level.cmp(&a.level))
        });
        matches.truncate(limit);
        Ok(matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_directory_has_its_own_index_opened_once() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        let first = HsSearch::for_dir(Some(&a)).expect("a");
        let other = HsSearch::for_dir(Some(&b)).expect("b");
        assert!(b.join("meta.json").exists(), "b's index is built in b");
        assert!(!Arc::ptr_eq(&first, &other));
        let again = HsSearch::for_dir(Some(&a)).expect("a again");
        assert!(Arc::ptr_eq(&first, &again));
        let found = other.search("coffee", 3).expect("search");
        assert!(found.iter().any(|m| m.code.starts_with("09")), "{found:?}");
    }

    fn codes(words: &str) -> Vec<String> {
        HsSearch::for_dir(None)
            .and_then(|s| s.search(words, 10))
            .expect("search")
            .iter()
            .map(|m| m.code.clone())
            .collect()
    }

    #[test]
    fn descriptions_are_found_by_word_stem_and_typo() {
        assert!(codes("coffee").iter().any(|c| c.starts_with("0901")));
        assert!(
            codes("coffees").iter().any(|c| c.starts_with("0901")),
            "stemmed"
        );
        assert!(codes("cofee").iter().any(|c| c.starts_with("0901")), "typo");
        assert!(codes("teak wood").iter().any(|c| c.starts_with("44")));
        let teak = codes("teak logs");
        assert!(
            teak.iter().take(3).any(|c| c == "440342" || c == "440723"),
            "{teak:?}"
        );
        assert!(codes("").is_empty());
        assert!(codes("zzzzqqq").is_empty());
    }

    /// The shortcut that skips opening the index holds only where a search would find nothing.
    #[test]
    fn only_queries_with_a_latin_word_or_digits_could_match() {
        for query in ["กาแฟ", "세관에서", "ข้อมูล 라이브러리", ""] {
            assert!(!HsSearch::could_match(query), "{query}");
            assert!(codes(query).is_empty(), "{query}");
        }
        for query in ["coffee", "กาแฟ coffee", "4403", "cofee"] {
            assert!(HsSearch::could_match(query), "{query}");
            assert!(!codes(query).is_empty(), "{query}");
        }
    }
}

#[cfg(test)]
mod typo_tests {
    use tantivy::DocAddress;
    use tantivy::collector::DocSetCollector;

    use super::*;

    fn matched(s: &HsSearch, query: &dyn Query) -> std::collections::HashSet<DocAddress> {
        s.reader
            .searcher()
            .search(query, &DocSetCollector)
            .expect("search")
    }

    /// The neighbour look-up finds exactly the descriptions tantivy's one-typo fuzzy query
    /// finds, for words misspelt by each kind of edit.
    #[test]
    fn one_typo_corrections_match_what_the_fuzzy_query_finds() {
        let s = HsSearch::for_dir(None).expect("hs");
        let searcher = s.reader.searcher();
        for word in [
            "cofee", "tobaco", "cottn", "suggar", "wheet", "rubbre", "leathr", "silkk", "paepr",
            "copper", "glasss", "nickle", "timbr", "salmn", "zzzzq",
        ] {
            let fuzzy = FuzzyTermQuery::new(Term::from_field_text(s.text, word), 1, true);
            let expected = matched(&s, &fuzzy);
            let got = s
                .typo_query(&searcher, word)
                .expect("typo query")
                .map(|q| matched(&s, q.as_ref()))
                .unwrap_or_default();
            if got.is_empty() && !expected.is_empty() {
                // Only a word the descriptions hold goes uncorrected; it matches as written.
                let exact = TermQuery::new(
                    Term::from_field_text(s.text, word),
                    IndexRecordOption::Basic,
                );
                assert!(!matched(&s, &exact).is_empty(), "{word}");
            } else {
                assert_eq!(got, expected, "{word}");
            }
        }
    }

    #[test]
    fn a_long_word_two_typos_away_is_still_found() {
        let found = HsSearch::for_dir(None)
            .and_then(|s| s.search("refrigeratr", 10))
            .expect("search");
        assert!(
            found.iter().any(|m| m.code.starts_with("8418")),
            "{found:?}"
        );
    }
}
