//! Writing articles: turning what an author typed into revision and status ops.

use super::Replica;
use crate::error::{Error, Result};
use crate::model::{
    ArticleContent, ArticleId, Classification, Hash, HsCode, Kind, Lang, Payload, Revision, Status,
    User,
};

/// A new article as its author gives it.
#[derive(Clone, Debug)]
pub struct NewArticle {
    /// A readable id (from Markdown front matter); a random one when `None`.
    pub id: Option<ArticleId>,
    pub content: ArticleContent,
    /// Publish at once (an administrator on the HQ node only).
    pub publish: bool,
}

/// The fields an edit changes; `None` keeps the current value.
#[derive(Clone, Debug, Default)]
pub struct ArticlePatch {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub category: Option<String>,
    pub tags: Option<Vec<String>>,
    pub hs_codes: Option<Vec<HsCode>>,
    pub lang: Option<Lang>,
    pub kind: Option<Kind>,
    pub classification: Option<Classification>,
    pub review_by: Option<Option<String>>,
}

/// A patch that sets every field: the whole content replaces the current one.
impl From<ArticleContent> for ArticlePatch {
    fn from(c: ArticleContent) -> Self {
        ArticlePatch {
            title: Some(c.title),
            summary: Some(c.summary),
            body: Some(c.body),
            category: Some(c.category),
            tags: Some(c.tags),
            hs_codes: Some(c.hs_codes),
            lang: Some(c.lang),
            kind: Some(c.kind),
            classification: Some(c.classification),
            review_by: Some(c.review_by),
        }
    }
}

impl ArticlePatch {
    pub fn apply_to(self, mut c: ArticleContent) -> ArticleContent {
        macro_rules! set {
            ($($field:ident),*) => {$( if let Some(v) = self.$field { c.$field = v; } )*};
        }
        set!(
            title,
            summary,
            body,
            category,
            tags,
            hs_codes,
            lang,
            kind,
            classification,
            review_by
        );
        c.normalized()
    }
}

impl Replica {
    /// The payloads that create an article (checked, not yet committed).
    pub fn payloads_for_new(&self, new: NewArticle) -> Result<(ArticleId, Vec<Payload>)> {
        let content = new.content.normalized();
        check_content(self, &content)?;
        let id = new.id.unwrap_or_else(ArticleId::random);
        if self.load_article(&id)?.is_some() {
            return Err(Error::invalid(format!(
                "an article `{id}` already exists: edit it instead"
            )));
        }
        let revision = Revision::new(id.clone(), vec![], content);
        let payload = if new.publish {
            Payload::ArticleCreated {
                article: id.clone(),
                revision,
                status: Status::Published,
            }
        } else {
            Payload::RevisionAdded {
                article: id.clone(),
                revision,
            }
        };
        Ok((id, vec![payload]))
    }

    /// The payload of an edit, or `None` when it changes nothing. The new revision builds on
    /// every current head, so an edit of an article in conflict also resolves it.
    pub fn payload_for_edit(&self, id: &ArticleId, patch: ArticlePatch) -> Result<Option<Payload>> {
        let record = self
            .load_cleared_article(id)?
            .ok_or_else(|| Error::NoArticle { id: id.to_string() })?;
        // An edit builds on the authors' text: a pending proposal, if there is one.
        let (_, working) = record.working();
        let content = patch.apply_to(working.clone());
        check_content(self, &content)?;
        if &content == working && !record.in_conflict() {
            return Ok(None);
        }
        if record.in_conflict() && super::merge::has_conflict_markers(&content.body) {
            return Err(Error::ConflictMarkersLeft);
        }
        Ok(Some(Payload::RevisionAdded {
            article: id.clone(),
            revision: Revision::new(id.clone(), record.heads.clone(), content),
        }))
    }

    pub fn add_article(&mut self, user: &User, new: NewArticle) -> Result<ArticleId> {
        let (id, payloads) = self.payloads_for_new(new)?;
        self.commit(&user.name, payloads)?;
        Ok(id)
    }

    /// Records an edit as a new revision and returns its id; `None` when nothing changed.
    pub fn edit_article(
        &mut self,
        user: &User,
        id: &str,
        patch: ArticlePatch,
    ) -> Result<Option<Hash>> {
        let id = ArticleId::parse(id).map_err(|_| Error::NoArticle { id: id.to_string() })?;
        let Some(payload) = self.payload_for_edit(&id, patch)? else {
            return Ok(None);
        };
        let revision = match &payload {
            Payload::RevisionAdded { revision, .. } => revision.id(),
            _ => return Err(Error::invalid("an edit must add a revision")),
        };
        let mut payloads = vec![payload];
        // HQ's edit of a published article is published with it; anyone else's is a proposal.
        let published = self
            .load_article(&id)?
            .is_some_and(|r| r.status == Status::Published);
        if published && self.may_publish(user)? {
            payloads.push(Payload::RevisionPublished {
                article: id.clone(),
                revision,
            });
        }
        self.commit(&user.name, payloads)?;
        Ok(Some(revision))
    }

    /// Whether `user` may publish from this node: an administrator on HQ or on a node HQ
    /// trusts (the rule `core::apply` enforces on the op).
    pub fn may_publish(&self, user: &User) -> Result<bool> {
        if user.role != crate::model::Role::Admin {
            return Ok(false);
        }
        let hq = self.hq_node()?;
        let me = self.node(&self.node)?;
        Ok((hq == self.node && me.hq) || self.is_trusted(self.node)?)
    }

    /// Sets an article's status. Publishing publishes the authors' current text (a pending
    /// proposal included). Fails unless the change took effect: a status decided by a later op
    /// elsewhere is reported, not claimed.
    pub fn set_status(&mut self, user: &User, id: &str, status: Status) -> Result<()> {
        let id = ArticleId::parse(id).map_err(|_| Error::NoArticle { id: id.to_string() })?;
        let record = self
            .load_cleared_article(&id)?
            .ok_or_else(|| Error::NoArticle { id: id.to_string() })?;
        if (record.hq_status.is_some() || record.evaluated.is_some()) && !self.may_publish(user)? {
            return Err(Error::Denied {
                reason: format!("HQ has decided the status of `{id}`: only HQ may change it"),
            });
        }
        let payload = if status == Status::Published {
            if record.status == status && record.proposal.is_none() {
                return Err(Error::invalid(format!("`{id}` is already {status}")));
            }
            Payload::RevisionPublished {
                article: id.clone(),
                revision: record.working().0,
            }
        } else {
            if record.status == status {
                return Err(Error::invalid(format!("`{id}` is already {status}")));
            }
            Payload::StatusSet {
                article: id.clone(),
                status,
            }
        };
        self.commit(&user.name, vec![payload])?;
        let after = self
            .load_article(&id)?
            .ok_or_else(|| Error::NoArticle { id: id.to_string() })?;
        if after.status != status {
            return Err(Error::invalid(format!(
                "`{id}` stays {}: a later decision made elsewhere stands (run `outpost show {id}`)",
                after.status
            )));
        }
        Ok(())
    }
}

/// What is checked when an article is written here: its fields, its category, and its HS codes
/// against the nomenclature. (Replicated ops are not re-checked against the nomenclature, so a
/// node with an older nomenclature still converges.)
pub(crate) fn check_content(
    replica: &Replica,
    content: &crate::model::ArticleContent,
) -> Result<()> {
    content.check_fields()?;
    replica.check_clearance(content.classification)?;
    replica.check_category(&content.category)?;
    for code in &content.hs_codes {
        crate::nomenclature::Nomenclature::builtin().check(code)?;
    }
    Ok(())
}
