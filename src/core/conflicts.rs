//! Articles in conflict, and resolving them with a new revision that builds on every version.

use super::{ArticleFilter, ArticlePatch, Replica};
use crate::error::{Error, Result};
use crate::model::{ArticleRecord, Hash, RevisionRecord, User};

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
