//! The Knowledge Map: the taxonomy every article sits in. Shipped as `assets/knowledge-map.toml`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One category or sub-group. The id's part before the last `/` is its parent.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub en: String,
    pub th: String,
    pub ko: String,
    pub description: String,
}

impl Category {
    pub fn parent(&self) -> Option<&str> {
        self.id.rsplit_once('/').map(|(parent, _)| parent)
    }

    /// The name in the interface language, English when there is none.
    pub fn name(&self, lang: &str) -> &str {
        let name = match lang {
            "th" => &self.th,
            "ko" => &self.ko,
            _ => &self.en,
        };
        if name.is_empty() { &self.en } else { name }
    }

    /// Whether `self` is `ancestor` or lies below it.
    pub fn is_within(&self, ancestor: &str) -> bool {
        is_within(&self.id, ancestor)
    }
}

/// Whether category id `id` is `ancestor` or lies below it.
pub fn is_within(id: &str, ancestor: &str) -> bool {
    id == ancestor
        || id
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The whole taxonomy, parents before children.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct KnowledgeMap {
    pub categories: Vec<Category>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    schema: u32,
    category: Vec<Category>,
}

impl KnowledgeMap {
    /// The map shipped with Outpost.
    pub fn builtin() -> Self {
        // The shipped file is checked by a test, so a failure here is a build defect.
        Self::parse(include_str!("../../assets/knowledge-map.toml"))
            .unwrap_or_else(|e| panic!("assets/knowledge-map.toml is broken: {e}"))
    }

    /// Parses and checks a map file: known schema, unique well-formed ids, parents first.
    pub fn parse(text: &str) -> Result<Self> {
        let file: MapFile = toml::from_str(text)
            .map_err(|e| Error::invalid(format!("the knowledge map does not parse: {e}")))?;
        if file.schema != 1 {
            return Err(Error::invalid(format!(
                "knowledge map schema {} is not supported (this Outpost reads schema 1)",
                file.schema
            )));
        }
        let mut seen = BTreeMap::new();
        for cat in &file.category {
            let well_formed = !cat.id.is_empty()
                && cat.id.split('/').all(|part| {
                    !part.is_empty()
                        && part
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                });
            if !well_formed {
                return Err(Error::invalid(format!(
                    "category id `{}` is malformed",
                    cat.id
                )));
            }
            if cat.en.trim().is_empty() {
                return Err(Error::invalid(format!(
                    "category `{}` has no English name",
                    cat.id
                )));
            }
            if let Some(parent) = cat.parent()
                && !seen.contains_key(parent)
            {
                return Err(Error::invalid(format!(
                    "category `{}` comes before its parent `{parent}`",
                    cat.id
                )));
            }
            if seen.insert(cat.id.clone(), ()).is_some() {
                return Err(Error::invalid(format!(
                    "category `{}` appears twice",
                    cat.id
                )));
            }
        }
        Ok(KnowledgeMap {
            categories: file.category,
        })
    }

    pub fn get(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_map_parses_with_seven_top_categories_and_forty_sub_groups() {
        let map = KnowledgeMap::builtin();
        let top = map
            .categories
            .iter()
            .filter(|c| c.parent().is_none())
            .count();
        assert_eq!(top, 7);
        assert!(map.categories.len() - top >= 40);
        assert!(map.categories.iter().all(|c| !c.th.is_empty()));
        assert!(map.get("commodity/tariff-classification").is_some());
    }

    #[test]
    fn a_child_before_its_parent_is_refused() {
        let text = "schema = 1\n[[category]]\nid = \"a/b\"\nen = \"B\"\nth = \"\"\nko = \"\"\ndescription = \"\"\n";
        assert!(KnowledgeMap::parse(text).is_err());
    }

    #[test]
    fn within_respects_path_boundaries() {
        assert!(is_within("commodity/timber-wood", "commodity"));
        assert!(is_within("commodity", "commodity"));
        assert!(!is_within("commodityx/a", "commodity"));
    }
}
