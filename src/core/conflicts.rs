//! Articles in conflict, and resolving them with a new revision that builds on every version.

use super::{ArticleFilter, ArticlePatch, Replica};
use crate::error::{Error, Result};
use crate::model::{ArticleContent, ArticleRecord, Hash, RevisionRecord, User};

/// One version of an article in conflict, named by the office that wrote it.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictVersion {
    pub revision: Hash,
    pub office: String,
    pub author: String,
    pub time: String,
    pub content: ArticleContent,
}

/// Everything a person needs to resolve a conflict: every version, oldest first, and the body
/// merged as far as it goes with each overlap between markers naming the offices.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictView {
    pub versions: Vec<ConflictVersion>,
    pub marked_body: String,
}

impl Replica {
    /// Every article whose concurrent edits could not be merged.
    pub fn conflicts(&self) -> Result<Vec<ArticleRecord>> {
        let filter = ArticleFilter {
            all_drafts: true,
            ..Default::default()
        };
        let mut out: Vec<ArticleRecord> = self
            .list_articles(&filter)?
            .into_iter()
            .filter(ArticleRecord::in_conflict)
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// The versions (heads) of an article in conflict.
    pub fn versions(&self, id: &str) -> Result<Vec<RevisionRecord>> {
        let view = self.article(id)?;
        Ok(view
            .history
            .into_iter()
            .filter(|r| view.record.heads.contains(&r.revision.id()))
            .collect())
    }

    /// The versions of an article in conflict and its body with conflict markers; `None` when
    /// the article is not in conflict.
    pub fn conflict(&self, id: &str) -> Result<Option<ConflictView>> {
        let view = self.article(id)?;
        if !view.record.in_conflict() {
            return Ok(None);
        }
        let offices: std::collections::BTreeMap<String, String> = self
            .nodes()?
            .into_iter()
            .map(|n| (n.node, n.office))
            .collect();
        // History is oldest first, so the versions are too.
        let versions: Vec<ConflictVersion> = view
            .history
            .iter()
            .filter(|r| view.record.heads.contains(&r.revision.id()))
            .map(|r| ConflictVersion {
                revision: r.revision.id(),
                office: offices
                    .get(&r.node.to_string())
                    .cloned()
                    .unwrap_or_else(|| r.node.to_string()),
                author: r.author.clone(),
                time: r.hlc.display(),
                content: r.revision.content.clone(),
            })
            .collect();
        let load = |h: &Hash| -> Result<Option<RevisionRecord>> {
            Ok(view.history.iter().find(|r| r.revision.id() == *h).cloned())
        };
        let heads: Vec<(Hash, String)> = versions
            .iter()
            .map(|v| (v.revision, distinct_label(&versions, v)))
            .collect();
        let marked_body = super::merge::text_with_markers(&load, &heads)?;
        Ok(Some(ConflictView {
            versions,
            marked_body,
        }))
    }

    /// Records the resolution of a conflict as a new revision whose parents are every version:
    /// `take` keeps one version's content (a revision id or prefix); `body` writes a new body
    /// over the shown version. Returns the new revision's id.
    pub fn resolve(
        &mut self,
        user: &User,
        id: &str,
        take: Option<&str>,
        body: Option<String>,
    ) -> Result<Hash> {
        let versions = self.versions(id)?;
        let record = self.article(id)?.record;
        if !record.in_conflict() {
            return Err(Error::invalid(format!(
                "`{id}` is not in conflict: edit it instead"
            )));
        }
        let content = match (take, body) {
            (Some(prefix), _) => {
                let chosen: Vec<&RevisionRecord> = versions
                    .iter()
                    .filter(|v| {
                        !prefix.is_empty() && v.revision.id().to_string().starts_with(prefix)
                    })
                    .collect();
                match chosen.as_slice() {
                    [one] => one.revision.content.clone(),
                    _ => {
                        let ids: Vec<String> =
                            versions.iter().map(|v| v.revision.id().short()).collect();
                        return Err(Error::invalid(format!(
                            "`{prefix}` names no single version of `{id}`; its versions are {}",
                            ids.join(", ")
                        )));
                    }
                }
            }
            (None, Some(body)) => crate::model::ArticleContent {
                body,
                ..record.content.clone()
            },
            (None, None) => {
                return Err(Error::invalid(
                    "say how to resolve: --take REVISION or --body-file FILE",
                ));
            }
        };
        let patch = ArticlePatch::from(content);
        self.edit_article(user, id, patch)?
            .ok_or_else(|| Error::invalid("the resolution changed nothing"))
    }
}

/// The office's name, with the author when two versions come from the same office.
fn distinct_label(versions: &[ConflictVersion], v: &ConflictVersion) -> String {
    let same_office = versions.iter().filter(|o| o.office == v.office).count();
    if same_office > 1 {
        format!("{} ({}, {})", v.office, v.author, v.revision.short())
    } else {
        v.office.clone()
    }
}
