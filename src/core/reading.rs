//! What a reader needs beyond one article: who links here (backlinks), what changed between two
//! revisions (the metadata fields, then a line diff of the body), and how many articles each Knowledge Map category holds. Read-only,
//! built on the queries in `queries.rs`.

use std::collections::BTreeMap;

use diffy::{DiffOptions, Line};

use super::{ArticleFilter, Replica};
use crate::error::{Error, Result};
use crate::model::{ArticleContent, ArticleId, ArticleRecord, Author, Hash, Status};
use crate::search::SearchRequest;

/// An article that links to another one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backlink {
    pub id: String,
    pub title: String,
}

/// One line of a diff between two revisions: a changed metadata field, or a line of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffLine {
    /// A metadata field's value before and after; empty when unset. Values are plain text
    /// (category id, language and kind codes, HS codes dotted, tags comma-separated) for the
    /// interface to name in its own language.
    Field {
        field: Field,
        from: String,
        to: String,
    },
    Same(String),
    Added(String),
    Removed(String),
}

/// The metadata fields of an article, in the order a diff lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Title,
    Summary,
    Category,
    Tags,
    HsCodes,
    Lang,
    Kind,
    Classification,
    ReviewBy,
}

/// How many candidate articles a backlink lookup asks the index for; when the index returns that
/// many, the lookup falls back to a full scan rather than miss one.
const BACKLINK_CANDIDATES: usize = 500;

impl Replica {
    /// Articles visible to `viewer` whose body links to `id` with `[[id]]` (or `[[id|label]]`),
    /// sorted by title. The index narrows the candidates (the id's words as a phrase); each is
    /// then confirmed against its body in the store, so nothing is reported that does not link.
    pub fn backlinks(&self, id: &str, viewer: Option<&Author>) -> Result<Vec<Backlink>> {
        let request = SearchRequest {
            text: format!("\"{}\"", id.replace('"', "")),
            limit: BACKLINK_CANDIDATES,
            viewer: viewer.cloned(),
            // Only the ids are needed: each candidate's body is read below anyway.
            snippets: Some(0),
            ..Default::default()
        };
        let hits = self.search(&request)?;
        let mut out = Vec::new();
        if hits.len() >= BACKLINK_CANDIDATES {
            let filter = ArticleFilter {
                viewer: viewer.cloned(),
                ..Default::default()
            };
            for record in self.list_articles(&filter)? {
                if record.id.as_str() != id && links_to(&record.content.body, id) {
                    out.push(Backlink {
                        id: record.id.to_string(),
                        title: record.content.title,
                    });
                }
            }
        } else {
            for hit in hits {
                if hit.id == id {
                    continue;
                }
                let Some(record) = self.load_article(&ArticleId::parse(&hit.id)?)? else {
                    continue;
                };
                if links_to(&record.content.body, id) {
                    out.push(Backlink {
                        id: hit.id,
                        title: record.content.title,
                    });
                }
            }
        }
        out.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.id.cmp(&b.id)));
        Ok(out)
    }

    /// What changed in an article between two of its revisions (`from` → `to`): each changed
    /// metadata field, then the line diff of the body.
    pub fn diff_revisions(&self, id: &str, from: &Hash, to: &Hash) -> Result<Vec<DiffLine>> {
        let view = self.article(id)?;
        let content = |rev: &Hash| {
            view.history
                .iter()
                .find(|r| r.revision.id() == *rev)
                .map(|r| &r.revision.content)
                .ok_or_else(|| Error::invalid(format!("`{id}` has no revision {}", rev.short())))
        };
        let (old, new) = (content(from)?, content(to)?);
        let mut lines = field_diff(old, new);
        lines.extend(line_diff(&old.body, &new.body));
        Ok(lines)
    }

    /// Articles visible to `viewer` per category id, each counted in its category and in every
    /// category above it (so `commodity` includes `commodity/timber-wood`).
    pub fn category_counts(&self, viewer: Option<&Author>) -> Result<BTreeMap<String, usize>> {
        let filter = ArticleFilter {
            viewer: viewer.cloned(),
            ..Default::default()
        };
        Ok(count_by_category(&self.list_articles(&filter)?))
    }
}

/// The wiki links (`[[id]]`, `[[id|label]]`) in a Markdown body, in order, without repeats.
pub fn wiki_links(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("[[") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else { break };
        let inner = &after[..end];
        let target = inner.split('|').next().unwrap_or_default().trim();
        if !target.is_empty() && !inner.contains('\n') && !out.iter().any(|t| t == target) {
            out.push(target.to_string());
        }
        rest = &after[end + 2..];
    }
    out
}

/// Whether `body` has a wiki link to `id`.
pub fn links_to(body: &str, id: &str) -> bool {
    body.contains("[[") && wiki_links(body).iter().any(|t| t == id)
}

/// The metadata fields that differ between two versions of an article, in `Field` order.
pub fn field_diff(old: &ArticleContent, new: &ArticleContent) -> Vec<DiffLine> {
    let values = |c: &ArticleContent| {
        let hs: Vec<String> = c.hs_codes.iter().map(ToString::to_string).collect();
        [
            (Field::Title, c.title.clone()),
            (Field::Summary, c.summary.clone()),
            (Field::Category, c.category.clone()),
            (Field::Tags, c.tags.join(", ")),
            (Field::HsCodes, hs.join(", ")),
            (Field::Lang, c.lang.to_string()),
            (Field::Kind, c.kind.to_string()),
            (Field::Classification, c.classification.to_string()),
            (Field::ReviewBy, c.review_by.clone().unwrap_or_default()),
        ]
    };
    values(old)
        .into_iter()
        .zip(values(new))
        .filter(|((_, from), (_, to))| from != to)
        .map(|((field, from), (_, to))| DiffLine::Field { field, from, to })
        .collect()
}

/// A line diff of two texts, unchanged lines included.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let text = |line: &str| line.trim_end_matches(['\n', '\r']).to_string();
    // Unlimited context: the one hunk (if any) holds every line of both texts.
    let patch = DiffOptions::new()
        .set_context_len(usize::MAX)
        .create_patch(old, new);
    let Some(hunk) = patch.hunks().first() else {
        return old
            .split_inclusive('\n')
            .map(|l| DiffLine::Same(text(l)))
            .collect();
    };
    hunk.lines()
        .iter()
        .map(|line| match *line {
            Line::Context(l) => DiffLine::Same(text(l)),
            Line::Insert(l) => DiffLine::Added(text(l)),
            Line::Delete(l) => DiffLine::Removed(text(l)),
        })
        .collect()
}

/// Counts records per category and per ancestor category; retired articles are not counted.
pub fn count_by_category(records: &[ArticleRecord]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for record in records.iter().filter(|r| r.status != Status::Retired) {
        let category = record.content.category.as_str();
        let mut end = category.len();
        loop {
            *counts.entry(category[..end].to_string()).or_insert(0) += 1;
            match category[..end].rfind('/') {
                Some(slash) => end = slash,
                None => break,
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::core::{ArticlePatch, FixedClock, InitOptions};

    fn demo() -> Replica {
        let options = InitOptions {
            office: "Test HQ".into(),
            hq: true,
            admin: "admin".into(),
        };
        let mut replica = Replica::create_in_memory(&options, Arc::new(FixedClock::new(1_000)))
            .expect("in-memory node");
        let admin = replica.resolve_user(None).expect("admin");
        crate::demo::load(&mut replica, &admin).expect("demo loads");
        replica
    }

    #[test]
    fn wiki_links_are_found_with_and_without_labels() {
        let body = "See [[a-b]] and [[c-d|the other one]], again [[a-b]]; not [[ ]] or [x](y).";
        assert_eq!(wiki_links(body), vec!["a-b", "c-d"]);
        assert!(links_to(body, "c-d"));
        assert!(!links_to(body, "c"));
    }

    #[test]
    fn backlinks_from_the_index_match_a_full_scan() {
        let replica = demo();
        let all = replica
            .list_articles(&ArticleFilter::default())
            .expect("list");
        let target = "seizure-evidence-handling";
        let mut expected: Vec<String> = all
            .iter()
            .filter(|r| links_to(&r.content.body, target))
            .map(|r| r.id.to_string())
            .collect();
        expected.sort();
        let mut found: Vec<String> = replica
            .backlinks(target, None)
            .expect("backlinks")
            .into_iter()
            .map(|b| b.id)
            .collect();
        found.sort();
        assert!(expected.len() >= 5, "the demo links here often");
        assert_eq!(found, expected);
        // Every demo article's backlinks agree with a scan.
        for record in &all {
            let id = record.id.as_str();
            let scan = all
                .iter()
                .filter(|r| r.id.as_str() != id && links_to(&r.content.body, id))
                .count();
            let found = replica.backlinks(id, None).expect("backlinks").len();
            assert_eq!(found, scan, "backlinks of {id}");
        }
    }

    #[test]
    fn a_diff_between_two_revisions_shows_added_and_removed_lines() {
        let mut replica = demo();
        let admin = replica.resolve_user(None).expect("admin");
        let id = "timber-inspection-land-border";
        let before = replica.article(id).expect("article").record.current;
        let mut body = replica.article(id).expect("article").record.content.body;
        body = body.replacen(
            "Phytosanitary certificate.",
            "Phytosanitary certificate (original).",
            1,
        );
        body.push_str("A new closing line.\n");
        let after = replica
            .edit_article(
                &admin,
                id,
                ArticlePatch {
                    body: Some(body),
                    ..Default::default()
                },
            )
            .expect("edit")
            .expect("changed");
        let diff = replica.diff_revisions(id, &before, &after).expect("diff");
        let added: Vec<&DiffLine> = diff
            .iter()
            .filter(|d| matches!(d, DiffLine::Added(_)))
            .collect();
        let removed: Vec<&DiffLine> = diff
            .iter()
            .filter(|d| matches!(d, DiffLine::Removed(_)))
            .collect();
        assert_eq!(added.len(), 2, "{added:?}");
        assert_eq!(
            removed,
            vec![&DiffLine::Removed("- Phytosanitary certificate.".into())]
        );
        assert!(diff.iter().any(|d| matches!(d, DiffLine::Same(_))));
        assert!(replica.diff_revisions(id, &before, &Hash::ZERO).is_err());
    }

    #[test]
    fn a_diff_shows_changed_metadata_before_the_body() {
        let mut replica = demo();
        let admin = replica.resolve_user(None).expect("admin");
        let id = "timber-inspection-land-border";
        let old = replica.article(id).expect("article").record;
        let after = replica
            .edit_article(
                &admin,
                id,
                ArticlePatch {
                    title: Some("Timber at land borders".into()),
                    tags: Some(vec!["timber".into()]),
                    hs_codes: Some(vec![crate::model::HsCode::parse("4407").expect("hs")]),
                    review_by: Some(None),
                    ..Default::default()
                },
            )
            .expect("edit")
            .expect("changed");
        let diff = replica
            .diff_revisions(id, &old.current, &after)
            .expect("diff");
        let fields: Vec<(Field, &str, &str)> = diff
            .iter()
            .filter_map(|d| match d {
                DiffLine::Field { field, from, to } => Some((*field, from.as_str(), to.as_str())),
                _ => None,
            })
            .collect();
        let c = &old.content;
        assert_eq!(
            fields,
            vec![
                (Field::Title, c.title.as_str(), "Timber at land borders"),
                (Field::Tags, c.tags.join(", ").as_str(), "timber"),
                (Field::HsCodes, "4403.49, 4407.29, 4403.42", "4407"),
                (Field::ReviewBy, c.review_by.as_deref().unwrap_or(""), ""),
            ]
        );
        // The body did not change: its lines are all the same.
        assert!(
            diff.iter()
                .skip(fields.len())
                .all(|d| matches!(d, DiffLine::Same(_)))
        );
        // Fields come before the body, and a body-only edit names no field.
        assert!(field_diff(c, c).is_empty());
    }

    #[test]
    fn category_counts_include_sub_groups() {
        let replica = demo();
        let counts = replica.category_counts(None).expect("counts");
        let total = replica
            .list_articles(&ArticleFilter::default())
            .expect("list")
            .len();
        let top: usize = replica
            .categories()
            .expect("categories")
            .iter()
            .filter(|c| c.parent().is_none())
            .map(|c| counts.get(&c.id).copied().unwrap_or(0))
            .sum();
        assert_eq!(top, total);
        let timber = counts.get("commodity/timber-wood").copied().unwrap_or(0);
        assert!(timber >= 1);
        assert!(counts.get("commodity").copied().unwrap_or(0) > timber);
    }

    #[test]
    fn a_line_diff_keeps_every_line_in_order() {
        use DiffLine::{Added, Removed, Same};
        let s = |t: &str| t.to_string();
        assert_eq!(
            line_diff("a\nb\nc\nd\ne\nf\n", "a\nB\nc\nd\ne\nf\ng"),
            vec![
                Same(s("a")),
                Removed(s("b")),
                Added(s("B")),
                Same(s("c")),
                Same(s("d")),
                Same(s("e")),
                Same(s("f")),
                Added(s("g")),
            ]
        );
        assert_eq!(
            line_diff("x\r\ny", "x\r\ny"),
            vec![Same(s("x")), Same(s("y"))]
        );
        assert_eq!(line_diff("", "new"), vec![Added(s("new"))]);
        assert_eq!(line_diff("old\n", ""), vec![Removed(s("old"))]);
        assert_eq!(line_diff("", ""), vec![]);
    }
}
