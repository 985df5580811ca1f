//! What a reader needs beyond one article: who links here (backlinks), what changed between two
//! revisions (the metadata fields, then a line diff of the body), and how many articles each Knowledge Map category holds. Read-only,
//! built on the queries in `queries.rs`.

use std::collections::BTreeMap;

use diffy::{DiffOptions, Line};

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};
use redb::ReadableTable;

use super::Replica;
use super::derived::LinkFrom;
use crate::error::{Error, Result};
use crate::model::{ArticleContent, ArticleRecord, Author, Hash, Status};
use crate::store;

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

/// One page of the articles that link to another: at most the `limit` asked for, and whether
/// more follow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BacklinkPage {
    pub links: Vec<Backlink>,
    pub more: bool,
}

impl Replica {
    /// Articles visible to `viewer` within the reader's clearance whose body links to `id` with `[[id]]` (or `[[id|label]]`),
    /// all of them, in the order of [`backlinks_page`](Self::backlinks_page). An article linked
    /// from many others costs what they are: the reader takes a page at a time instead.
    pub fn backlinks(&self, id: &str, viewer: Option<&Author>) -> Result<Vec<Backlink>> {
        Ok(self.backlinks_page(id, viewer, 0, usize::MAX)?.links)
    }

    /// Up to `limit` of the articles visible to `viewer` that link to `id`, skipping the first
    /// `offset`, ordered by the linking article's id. Read from the links `apply` keeps
    /// (`core/derived.rs`), whose key order this is, so a page costs its `offset + limit`
    /// entries (the first page its own size) whatever the number of links; sorting by title
    /// would mean reading every link for any page. The next page from where one ended costs
    /// only its own size by [`backlinks_after`](Self::backlinks_after).
    pub fn backlinks_page(
        &self,
        id: &str,
        viewer: Option<&Author>,
        offset: usize,
        limit: usize,
    ) -> Result<BacklinkPage> {
        self.backlinks_from(id, viewer, "", offset, limit)
    }

    /// The page of backlinks that follows the one ending with the linking article `after`: up
    /// to `limit` articles visible to `viewer` linking to `id` whose ids come after `after`.
    pub fn backlinks_after(
        &self,
        id: &str,
        viewer: Option<&Author>,
        after: &str,
        limit: usize,
    ) -> Result<BacklinkPage> {
        self.backlinks_from(id, viewer, after, 0, limit)
    }

    /// Backlinks of `id` from the linking article ids past `after` (all for ""), `offset`
    /// visible ones skipped, at most `limit`.
    fn backlinks_from(
        &self,
        id: &str,
        viewer: Option<&Author>,
        after: &str,
        offset: usize,
        limit: usize,
    ) -> Result<BacklinkPage> {
        let txn = self.db.begin_read()?;
        let links = txn.open_table(store::LINKS)?;
        let mut page = BacklinkPage::default();
        let mut skipped = 0;
        for entry in links.range((id, after)..)? {
            let (key, value) = entry?;
            let (target, source) = key.value();
            if target != id {
                break;
            }
            if source == id || source == after {
                continue;
            }
            let from: LinkFrom = store::decode(value.value())?;
            if !from.visible_to(viewer, self.clearance) {
                continue;
            }
            if skipped < offset {
                skipped += 1;
            } else if page.links.len() < limit {
                page.links.push(Backlink {
                    id: source.to_string(),
                    title: from.title,
                });
            } else {
                page.more = true;
                break;
            }
        }
        Ok(page)
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

    /// Articles visible to `viewer` within the reader's clearance per category id, each counted
    /// in its category and in every category above it (so `commodity` includes
    /// `commodity/timber-wood`). Read from the counts `apply` keeps (`core/derived.rs`):
    /// published articles per category and classification, and the viewer's own drafts.
    pub fn category_counts(&self, viewer: Option<&Author>) -> Result<BTreeMap<String, usize>> {
        let txn = self.db.begin_read()?;
        let mut own: BTreeMap<String, usize> = BTreeMap::new();
        for entry in txn.open_table(store::PUBLISHED_COUNTS)?.iter()? {
            let (key, n) = entry?;
            let (category, classification) = key.value();
            if !self.may_see_word(classification) {
                continue;
            }
            let n = usize::try_from(n.value()).unwrap_or(usize::MAX);
            *own.entry(category.to_string()).or_insert(0) += n;
        }
        if let Some(viewer) = viewer {
            let drafts = txn.open_table(store::DRAFTS)?;
            let key = (viewer.node.0, viewer.name.as_str(), "");
            for entry in drafts.range(key..)? {
                let (key, value) = entry?;
                let (node, name, _) = key.value();
                if node != viewer.node.0 || name != viewer.name {
                    break;
                }
                let (category, classification) = value.value();
                if self.may_see_word(classification) {
                    *own.entry(category.to_string()).or_insert(0) += 1;
                }
            }
        }
        let mut counts = BTreeMap::new();
        for (category, n) in own {
            for_each_ancestor(&category, |c| {
                *counts.entry(c.to_string()).or_insert(0) += n
            });
        }
        Ok(counts)
    }
}

/// The wiki links (`[[id]]`, `[[id|label]]`) in a Markdown body, in order, without repeats, as
/// pulldown-cmark reads them (backlinks and the snippet's labels agree with it): a `[[…]]` in
/// code is not a link.
pub fn wiki_links(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Most bodies have no wiki link: not worth a parse.
    if memchr::memmem::find(body.as_bytes(), b"[[").is_none() {
        return out;
    }
    for event in Parser::new_ext(body, Options::ENABLE_WIKILINKS) {
        if let Event::Start(Tag::Link {
            link_type: LinkType::WikiLink { .. },
            dest_url,
            ..
        }) = event
        {
            let target = dest_url.trim();
            if !target.is_empty() && !out.iter().any(|t| t == target) {
                out.push(target.to_string());
            }
        }
    }
    out
}

/// Whether `body` has a wiki link to `id`.
pub fn links_to(body: &str, id: &str) -> bool {
    wiki_links(body).iter().any(|t| t == id)
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
/// (A full scan: what the kept counts must always agree with.)
pub fn count_by_category(records: &[ArticleRecord]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for record in records.iter().filter(|r| r.status != Status::Retired) {
        for_each_ancestor(&record.content.category, |c| {
            *counts.entry(c.to_string()).or_insert(0) += 1;
        });
    }
    counts
}

/// Calls `f` with `category` and each category above it (`a/b/c`, `a/b`, `a`).
fn for_each_ancestor(category: &str, mut f: impl FnMut(&str)) {
    let mut end = category.len();
    loop {
        f(&category[..end]);
        match category[..end].rfind('/') {
            Some(slash) => end = slash,
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::core::{ArticleFilter, ArticlePatch, FixedClock, InitOptions};

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
