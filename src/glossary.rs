//! The customs glossary that joins English, Thai and Korean: the entries shipped in
//! `assets/glossary/` (compiled in, parsed at first use), with HQ's `GlossarySet` ops laid over
//! them by id. Search looks a query's words up here and also searches the terms of the other
//! languages (`search::query`); `outpost glossary` and the Glossary screen read it.
//!
//! # The shipped files
//! One entry a line, `id | category | English | Thai | Korean`; several terms of one language
//! separated by `;`, the preferred term first; `#` starts a comment line.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::error::{Error, Result};
use crate::model::Hash;
pub use crate::model::glossary::GlossaryEntry;

/// The shipped files, by name (for error messages).
const SHIPPED: [(&str, &str); 5] = [
    (
        "clearance.txt",
        include_str!("../assets/glossary/clearance.txt"),
    ),
    (
        "valuation-origin.txt",
        include_str!("../assets/glossary/valuation-origin.txt"),
    ),
    (
        "enforcement.txt",
        include_str!("../assets/glossary/enforcement.txt"),
    ),
    (
        "commodities.txt",
        include_str!("../assets/glossary/commodities.txt"),
    ),
    (
        "administration.txt",
        include_str!("../assets/glossary/administration.txt"),
    ),
];

/// Entries by id, and every term's [`key`] to the entries that hold it.
#[derive(Clone, Debug, Default)]
pub struct Glossary {
    entries: Vec<GlossaryEntry>,
    keys: HashMap<String, Vec<usize>>,
}

/// Parses one glossary file (see the module docs); `name` is for the error messages.
pub fn parse(name: &str, text: &str) -> Result<Vec<GlossaryEntry>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('|').map(str::trim).collect();
        let [id, category, en, th, ko] = fields[..] else {
            return Err(Error::invalid(format!(
                "{name} line {}: expected `id | category | English | Thai | Korean`, found {} \
                 fields",
                n + 1,
                fields.len()
            )));
        };
        let terms = |s: &str| -> Vec<String> {
            s.split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        };
        let entry = GlossaryEntry {
            id: id.to_string(),
            category: category.to_string(),
            en: terms(en),
            th: terms(th),
            ko: terms(ko),
        };
        entry
            .check()
            .map_err(|e| Error::invalid(format!("{name} line {}: {e}", n + 1)))?;
        out.push(entry);
    }
    Ok(out)
}

/// How a term is looked up: lower-case, `-` as a space, spaces collapsed; a Thai noun made with
/// `การ` or `ความ` also without it (`การถ่ายลำ` is looked up as `ถ่ายลำ` too, see [`keys`]).
pub fn key(term: &str) -> String {
    let lower = term.to_lowercase().replace('-', " ");
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The keys a term is found by: its [`key`], and for a Thai `การ…`/`ความ…` noun the key without
/// that prefix.
fn keys(term: &str) -> Vec<String> {
    let k = key(term);
    let mut out = vec![k.clone()];
    for prefix in ["การ", "ความ"] {
        if let Some(rest) = k.strip_prefix(prefix)
            && rest.chars().count() >= 2
        {
            out.push(rest.to_string());
        }
    }
    out
}

/// The language a query word is written in, by its script: `th`, `ko` or `en`.
pub fn language_of(text: &str) -> &'static str {
    if text.chars().any(|c| ('\u{0E01}'..='\u{0E5B}').contains(&c)) {
        "th"
    } else if text
        .chars()
        .any(|c| ('\u{AC00}'..='\u{D7AF}').contains(&c) || ('\u{1100}'..='\u{11FF}').contains(&c))
    {
        "ko"
    } else {
        "en"
    }
}

impl Glossary {
    /// A glossary of `entries`; of two with one id, the later is kept.
    pub fn new(entries: impl IntoIterator<Item = GlossaryEntry>) -> Self {
        let mut by_id: std::collections::BTreeMap<String, GlossaryEntry> = Default::default();
        for e in entries {
            by_id.insert(e.id.clone(), e);
        }
        let entries: Vec<GlossaryEntry> = by_id.into_values().collect();
        let mut keys: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            for (_, term) in e.all_terms() {
                for k in keys_of(term) {
                    let slot = keys.entry(k).or_default();
                    if !slot.contains(&i) {
                        slot.push(i);
                    }
                }
            }
        }
        Glossary { entries, keys }
    }

    /// The glossary shipped with Outpost. The files are pinned by a test that parses them; a
    /// file that failed to parse would leave its entries out, never stop a search.
    pub fn shipped() -> Arc<Glossary> {
        static SHIPPED_GLOSSARY: OnceLock<Arc<Glossary>> = OnceLock::new();
        SHIPPED_GLOSSARY
            .get_or_init(|| {
                let entries = SHIPPED
                    .iter()
                    .flat_map(|(name, text)| parse(name, text).unwrap_or_default());
                Arc::new(Glossary::new(entries))
            })
            .clone()
    }

    /// The shipped glossary with `overrides` (HQ's entries, from the store) laid over it by id.
    /// Kept for the last set of overrides seen, so a search pays for the merge once per change.
    pub fn with_overrides(overrides: Vec<GlossaryEntry>) -> Arc<Glossary> {
        if overrides.is_empty() {
            return Glossary::shipped();
        }
        static MERGED: Mutex<Option<(Hash, Arc<Glossary>)>> = Mutex::new(None);
        let digest = Hash::of(&postcard::to_stdvec(&overrides).unwrap_or_default());
        let mut cached = MERGED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((at, glossary)) = cached.as_ref()
            && *at == digest
        {
            return glossary.clone();
        }
        let shipped = Glossary::shipped();
        let merged = Arc::new(Glossary::new(
            shipped.entries.iter().cloned().chain(overrides),
        ));
        *cached = Some((digest, merged.clone()));
        merged
    }

    /// Every entry, by id.
    pub fn entries(&self) -> &[GlossaryEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&GlossaryEntry> {
        self.entries
            .binary_search_by(|e| e.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// The entries one of whose terms is `text` (by [`key`]).
    pub fn lookup(&self, text: &str) -> Vec<&GlossaryEntry> {
        let mut out: Vec<&GlossaryEntry> = Vec::new();
        for k in keys(text) {
            for &i in self.keys.get(&k).into_iter().flatten() {
                if !out.iter().any(|e| e.id == self.entries[i].id) {
                    out.push(&self.entries[i]);
                }
            }
        }
        out
    }

    /// What `outpost glossary TERM` and the Glossary screen's filter show: the entries with a
    /// term, id or category that contains `text` (case-insensitive), exact matches first.
    pub fn find(&self, text: &str) -> Vec<&GlossaryEntry> {
        let wanted = key(text);
        if wanted.is_empty() {
            return self.entries.iter().collect();
        }
        let exact = self.lookup(text);
        let mut out = exact.clone();
        for e in &self.entries {
            let holds = key(&e.id).contains(&wanted)
                || e.category.contains(&wanted)
                || e.all_terms().any(|(_, t)| key(t).contains(&wanted));
            if holds && !out.iter().any(|o| o.id == e.id) {
                out.push(e);
            }
        }
        out
    }

    /// The terms a query word or phrase also stands for: every term, in the other two languages,
    /// of the entries that hold it. Terms of its own language are left out: a same-language
    /// synonym is a different word, which would change what a search in that language finds.
    pub fn expansions(&self, text: &str) -> Vec<String> {
        let own = language_of(text);
        let mut out: Vec<String> = Vec::new();
        for entry in self.lookup(text) {
            for (lang, term) in entry.all_terms() {
                if lang != own && !out.iter().any(|t| t == term) {
                    out.push(term.to_string());
                }
            }
        }
        out
    }
}

/// The keys a term is indexed under (see [`keys`]).
fn keys_of(term: &str) -> Vec<String> {
    keys(term)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_file_parses_and_the_glossary_is_big_enough() {
        let mut total = 0;
        for (name, text) in SHIPPED {
            let entries = parse(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
            total += entries.len();
        }
        let shipped = Glossary::shipped();
        assert_eq!(shipped.len(), total, "no id is used twice");
        assert!(total >= 300, "{total} entries");
        let languages = |e: &GlossaryEntry| [&e.en, &e.th, &e.ko].iter().all(|t| !t.is_empty());
        assert!(shipped.entries().iter().all(languages), "three languages");
    }

    #[test]
    fn every_shipped_category_is_on_the_knowledge_map() {
        let map = crate::model::KnowledgeMap::builtin();
        for e in Glossary::shipped().entries() {
            assert!(map.get(&e.category).is_some(), "{}: {}", e.id, e.category);
        }
    }

    #[test]
    fn a_thai_word_without_its_noun_prefix_expands_to_english_and_korean() {
        let g = Glossary::shipped();
        let found = g.expansions("ถ่ายลำ");
        assert!(found.contains(&"transshipment".to_string()), "{found:?}");
        assert!(found.contains(&"환적".to_string()), "{found:?}");
        assert!(!found.iter().any(|t| language_of(t) == "th"), "{found:?}");
        assert!(
            g.expansions("Bonded warehouse")
                .contains(&"보세창고".to_string())
        );
        assert!(g.expansions("zzzz").is_empty());
    }

    #[test]
    fn an_override_replaces_the_shipped_entry_of_its_id() {
        let mut e = Glossary::shipped()
            .get("transshipment")
            .expect("shipped")
            .clone();
        e.ko = vec!["환적화물".into()];
        let merged = Glossary::with_overrides(vec![e]);
        assert_eq!(merged.len(), Glossary::shipped().len());
        assert_eq!(merged.expansions("transshipment"), ["การถ่ายลำ", "환적화물"]);
    }

    #[test]
    fn a_malformed_line_is_refused_with_its_number() {
        let err = parse("x.txt", "# c\na | b | c\n").expect_err("bad");
        assert!(err.to_string().contains("x.txt line 2"), "{err}");
    }
}
