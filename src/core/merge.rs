//! Deterministic merge of an article's concurrent heads, field by field against their latest
//! common ancestor: a field changed on one side takes that change; the body gets a three-way
//! text merge; tags and HS codes merge as sets. Edits that overlap are a conflict: nothing is
//! silently dropped, every head is kept, and the latest head is shown until someone resolves.
//!
//! The result depends only on the set of heads (processed in sorted order), so every node
//! holding the same heads derives the same content and the same merge id.

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::model::{ArticleContent, Hash, Hlc, NodeId, Revision, RevisionRecord};

pub enum Merged {
    /// One head, or heads that merged cleanly.
    Clean,
    Conflict,
}

pub struct MergeResult {
    pub outcome: Merged,
    /// The head itself; a merge's id (hash of the sorted heads and the merged content); or, in
    /// conflict, the latest head.
    pub id: Hash,
    pub content: ArticleContent,
}

/// Reads a revision with its content (`core::revisions::load`, or a revision not stored yet).
pub type LoadRevision<'a> = dyn Fn(&Hash) -> Result<Option<RevisionRecord>> + 'a;

pub fn merge_heads(load: &LoadRevision, heads: &[Hash]) -> Result<MergeResult> {
    let records: Vec<RevisionRecord> = heads
        .iter()
        .map(|h| {
            load(h)?.ok_or_else(|| Error::Corrupt {
                what: format!("revision {} is missing", h.short()),
            })
        })
        .collect::<Result<_>>()?;
    let latest = records
        .iter()
        .zip(heads)
        .max_by_key(|(r, _)| (r.hlc, r.node))
        .ok_or_else(|| Error::Corrupt {
            what: "an article without revisions".into(),
        })?;
    if records.len() == 1 {
        return Ok(MergeResult {
            outcome: Merged::Clean,
            id: heads[0],
            content: records[0].revision.content.clone(),
        });
    }
    let base = common_ancestor(load, heads)?;
    let contents: Vec<&ArticleContent> = records.iter().map(|r| &r.revision.content).collect();
    match merge_contents(base.as_ref(), &contents) {
        Some(content) => Ok(MergeResult {
            outcome: Merged::Clean,
            id: Revision::new(records[0].article.clone(), heads.to_vec(), content.clone()).id(),
            content,
        }),
        None => Ok(MergeResult {
            outcome: Merged::Conflict,
            id: *latest.1,
            content: latest.0.revision.content.clone(),
        }),
    }
}

/// The body of an article in conflict as one text for a person to finish: what merges is
/// merged, and each overlap shows both versions between git-style markers naming their offices
/// (`<<<<<<< HQ`, `=======`, `>>>>>>> Post A`). `heads` come oldest first with their labels.
pub fn text_with_markers(load: &LoadRevision, heads: &[(Hash, String)]) -> Result<String> {
    let ids: Vec<Hash> = heads.iter().map(|(h, _)| *h).collect();
    let base = common_ancestor(load, &ids)?
        .map(|c| c.body)
        .unwrap_or_default();
    let mut text: Option<(String, String)> = None;
    for (head, label) in heads {
        let body = load(head)?
            .ok_or_else(|| Error::Corrupt {
                what: format!("revision {} is missing", head.short()),
            })?
            .revision
            .content
            .body;
        text = Some(match text {
            None => (body, label.clone()),
            Some((ours, ours_label)) => {
                let mut options = diffy::MergeOptions::new();
                options.set_conflict_style(diffy::ConflictStyle::Merge);
                let merged = match options.merge(&base, &ours, &body) {
                    Ok(clean) => clean,
                    Err(marked) => relabel(&marked, &ours_label, label),
                };
                (merged, format!("{ours_label} + {label}"))
            }
        });
    }
    Ok(text.map(|(t, _)| t).unwrap_or(base))
}

/// diffy's markers say `ours` and `theirs`; an officer needs the offices.
fn relabel(marked: &str, ours: &str, theirs: &str) -> String {
    let mut out = String::with_capacity(marked.len());
    for line in marked.split_inclusive('\n') {
        let (text, end) = match line.strip_suffix('\n') {
            Some(t) => (t, "\n"),
            None => (line, ""),
        };
        match text {
            "<<<<<<< ours" => out.push_str(&format!("<<<<<<< {ours}{end}")),
            ">>>>>>> theirs" => out.push_str(&format!(">>>>>>> {theirs}{end}")),
            _ => out.push_str(line),
        }
    }
    out
}

/// Whether `text` still holds the markers `text_with_markers` writes: a line opening or closing
/// a conflict (`=======` alone is a Markdown heading underline, so it does not count).
pub fn has_conflict_markers(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("<<<<<<< ") || l.starts_with(">>>>>>> "))
}

/// The latest revision (by hlc, node) that every head descends from, if any.
fn common_ancestor(load: &LoadRevision, heads: &[Hash]) -> Result<Option<ArticleContent>> {
    let mut common: Option<BTreeSet<Hash>> = None;
    for head in heads {
        let mut seen = BTreeSet::new();
        let mut stack = vec![*head];
        while let Some(h) = stack.pop() {
            if seen.insert(h)
                && let Some(r) = load(&h)?
            {
                stack.extend(r.revision.parents);
            }
        }
        common = Some(match common {
            None => seen,
            Some(c) => c.intersection(&seen).copied().collect(),
        });
    }
    let mut best: Option<((Hlc, NodeId), ArticleContent)> = None;
    for h in common.unwrap_or_default() {
        if let Some(r) = load(&h)?
            && best.as_ref().is_none_or(|(k, _)| (r.hlc, r.node) > *k)
        {
            best = Some(((r.hlc, r.node), r.revision.content));
        }
    }
    Ok(best.map(|(_, c)| c))
}

/// Merges `heads` against `base`; `None` when edits overlap.
pub fn merge_contents(
    base: Option<&ArticleContent>,
    heads: &[&ArticleContent],
) -> Option<ArticleContent> {
    let pick = |field: &dyn Fn(&ArticleContent) -> String| -> Option<String> {
        let base_value = base.map(field);
        let mut changed: Vec<String> = heads
            .iter()
            .map(|h| field(h))
            .filter(|v| Some(v) != base_value.as_ref())
            .collect();
        changed.dedup();
        changed.sort();
        changed.dedup();
        match (changed.len(), base_value) {
            (0, b) => b,
            (1, _) => changed.pop(),
            _ => None,
        }
    };
    let first = heads.first()?;
    let body = merge_text(
        base.map(|b| b.body.as_str()),
        heads.iter().map(|h| h.body.as_str()),
    )?;
    let tags = merge_sets(base.map(|b| &b.tags), heads.iter().map(|h| &h.tags));
    let hs_codes = merge_sets(base.map(|b| &b.hs_codes), heads.iter().map(|h| &h.hs_codes));
    let review_by = pick(&|c| c.review_by.clone().unwrap_or_default())?;
    Some(ArticleContent {
        title: pick(&|c| c.title.clone())?,
        summary: pick(&|c| c.summary.clone())?,
        body,
        category: pick(&|c| c.category.clone())?,
        tags,
        hs_codes,
        lang: pick(&|c| c.lang.to_string())?.parse().unwrap_or(first.lang),
        kind: pick(&|c| c.kind.to_string())?.parse().unwrap_or(first.kind),
        classification: pick(&|c| c.classification.to_string())?
            .parse()
            .unwrap_or(first.classification),
        review_by: (!review_by.is_empty()).then_some(review_by),
    })
}

/// Three-way text merge of every changed version against the base, in sorted order.
fn merge_text<'a>(base: Option<&str>, versions: impl Iterator<Item = &'a str>) -> Option<String> {
    let base = base.unwrap_or("");
    let mut changed: Vec<&str> = versions.filter(|v| *v != base).collect();
    changed.sort_unstable();
    changed.dedup();
    let mut merged = changed
        .first()
        .map_or_else(|| base.to_string(), |v| (*v).to_string());
    for next in changed.iter().skip(1) {
        merged = diffy::merge(base, &merged, next).ok()?;
    }
    Some(merged)
}

/// Set merge: the base, plus what any head added, minus what any head removed.
fn merge_sets<'a, T: Ord + Clone + 'a>(
    base: Option<&'a Vec<T>>,
    versions: impl Iterator<Item = &'a Vec<T>>,
) -> Vec<T> {
    let base: BTreeSet<T> = base
        .map(|b| b.iter().cloned().collect())
        .unwrap_or_default();
    let mut added = BTreeSet::new();
    let mut removed = BTreeSet::new();
    for v in versions {
        let v: BTreeSet<T> = v.iter().cloned().collect();
        added.extend(v.difference(&base).cloned());
        removed.extend(base.difference(&v).cloned());
    }
    base.union(&added)
        .filter(|t| !removed.contains(t))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Classification, Kind, Lang};

    fn c(title: &str, body: &str, tags: &[&str]) -> ArticleContent {
        ArticleContent {
            title: title.into(),
            summary: String::new(),
            body: body.into(),
            category: "commodity".into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            hs_codes: vec![],
            lang: Lang::En,
            kind: Kind::Procedure,
            classification: Classification::Public,
            review_by: None,
        }
    }

    #[test]
    fn edits_to_different_fields_and_lines_merge() {
        let base = c("Seals", "line one\nline two\nline three\n", &["a"]);
        let ours = c(
            "Seal checks",
            "line one\nline two\nline three\n",
            &["a", "b"],
        );
        let theirs = c("Seals", "line one\nline two\nline 3\n", &[]);
        let merged = merge_contents(Some(&base), &[&ours, &theirs]).expect("clean");
        assert_eq!(merged.title, "Seal checks");
        assert_eq!(merged.body, "line one\nline two\nline 3\n");
        assert_eq!(merged.tags, ["b"]);
        // Order of heads does not matter.
        assert_eq!(merge_contents(Some(&base), &[&theirs, &ours]), Some(merged));
    }

    #[test]
    fn overlapping_edits_conflict() {
        let base = c("Seals", "one\n", &[]);
        assert!(
            merge_contents(Some(&base), &[&c("A", "one\n", &[]), &c("B", "one\n", &[])]).is_none()
        );
        assert!(
            merge_contents(
                Some(&base),
                &[&c("Seals", "two\n", &[]), &c("Seals", "three\n", &[])]
            )
            .is_none()
        );
        // The same edit made twice is no conflict.
        assert!(
            merge_contents(Some(&base), &[&c("A", "one\n", &[]), &c("A", "one\n", &[])]).is_some()
        );
    }
}
