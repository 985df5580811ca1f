//! Glossary entries: one customs concept named in English, Thai and Korean. The shipped glossary
//! (`assets/glossary/`) holds a few hundred; HQ adds and edits entries with `GlossarySet` ops.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One concept and its terms in each language, the preferred term of each first.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct GlossaryEntry {
    /// Lower-case letters, digits and `-` (`bonded-warehouse`); the same id replaces an entry.
    pub id: String,
    /// The Knowledge Map category the concept belongs to (`clearance/transit`).
    pub category: String,
    pub en: Vec<String>,
    pub th: Vec<String>,
    pub ko: Vec<String>,
}

/// An entry as the store keeps it: the op that set it last, by `(hlc, node)`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct GlossaryRecord {
    pub entry: GlossaryEntry,
    pub hlc: super::Hlc,
    pub node: super::NodeId,
}

/// Limits on what an entry may hold (checked on every `GlossarySet`, local or received).
pub mod limits {
    pub const ID_BYTES: usize = 64;
    pub const TERMS_PER_LANGUAGE: usize = 8;
    pub const TERM_CHARS: usize = 120;
}

impl GlossaryEntry {
    /// The terms of one language: `en`, `th` or `ko`.
    pub fn terms(&self, lang: &str) -> &[String] {
        match lang {
            "th" => &self.th,
            "ko" => &self.ko,
            _ => &self.en,
        }
    }

    /// Every term of every language, with its language.
    pub fn all_terms(&self) -> impl Iterator<Item = (&'static str, &str)> {
        ["en", "th", "ko"].into_iter().flat_map(move |lang| {
            self.terms(lang)
                .iter()
                .map(move |term| (lang, term.as_str()))
        })
    }

    /// Whether the entry is well formed: an id, a category id, terms in at least two
    /// languages (a glossary joins languages), each term one line of bounded length.
    pub fn check(&self) -> Result<()> {
        let id_ok = !self.id.is_empty()
            && self.id.len() <= limits::ID_BYTES
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            return Err(Error::invalid(format!(
                "glossary id `{}` is not valid: use lower-case letters, digits and `-`, at most {} \
                 characters (e.g. bonded-warehouse)",
                self.id,
                limits::ID_BYTES
            )));
        }
        super::validate::check_category_id(&self.category)?;
        let mut languages = 0;
        for lang in ["en", "th", "ko"] {
            let terms = self.terms(lang);
            if terms.len() > limits::TERMS_PER_LANGUAGE {
                return Err(Error::invalid(format!(
                    "glossary entry `{}` has {} {lang} terms: at most {} are allowed",
                    self.id,
                    terms.len(),
                    limits::TERMS_PER_LANGUAGE
                )));
            }
            for term in terms {
                if term.trim().is_empty() || term.chars().count() > limits::TERM_CHARS {
                    return Err(Error::invalid(format!(
                        "a {lang} term of glossary entry `{}` is empty or longer than {} \
                         characters",
                        self.id,
                        limits::TERM_CHARS
                    )));
                }
                super::validate::check_line("a glossary term", term)?;
                if term.contains(';') || term.contains('|') {
                    return Err(Error::invalid(format!(
                        "the term `{term}` holds `;` or `|`, which separate terms: give each \
                         term on its own"
                    )));
                }
            }
            languages += usize::from(!terms.is_empty());
        }
        if languages < 2 {
            return Err(Error::invalid(format!(
                "glossary entry `{}` names its concept in fewer than two languages: give terms \
                 in at least two of --en, --th and --ko",
                self.id
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> GlossaryEntry {
        GlossaryEntry {
            id: "transshipment".into(),
            category: "clearance/transit".into(),
            en: vec!["transshipment".into()],
            th: vec!["การถ่ายลำ".into()],
            ko: vec!["환적".into()],
        }
    }

    #[test]
    fn a_well_formed_entry_passes_and_each_fault_is_named() {
        entry().check().expect("valid");
        let mut e = entry();
        e.id = "Trans Shipment".into();
        assert!(e.check().is_err());
        let mut e = entry();
        e.th.clear();
        e.ko.clear();
        let err = e.check().expect_err("one language").to_string();
        assert!(err.contains("two languages"), "{err}");
        let mut e = entry();
        e.en.push("a\u{7}b".into());
        assert!(e.check().is_err());
        let mut e = entry();
        e.en.push("a; b".into());
        assert!(e.check().is_err());
        let mut e = entry();
        e.category = "../x".into();
        assert!(e.check().is_err());
    }
}
