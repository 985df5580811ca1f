//! Who may read what. A `Replica` reads on behalf of one person, whose clearance it holds: every
//! read of articles — `article` (and so history, diffs, conflicts), `list_articles`, `search`
//! (inside the tantivy query, so top-k and counts are right), `category_counts`, `backlinks`,
//! `conflicts`, `export_markdown_dir` — shows only what is classified at or below it, and an
//! article above it reads exactly as a missing one. Writes and the node's own bookkeeping
//! (apply, check, sync) see everything. A library caller sees everything until it says who
//! reads (`set_clearance`); the command line and the interface set it from the acting user.
//!
//! Restricted content never leaves the node unencrypted: [`Replica::restricted_in`] names the
//! restricted articles a bundle would carry, and export refuses a plain bundle that holds any.

use std::collections::BTreeSet;

use super::Replica;
use crate::error::{Error, Result};
use crate::model::{ArticleId, ArticleRecord, Classification, Payload, SignedOp, User};

impl Replica {
    /// Sets the clearance the reads of this handle respect.
    pub fn set_clearance(&mut self, clearance: Classification) {
        self.clearance = clearance;
    }

    /// The most classified content the reads of this handle show.
    pub fn clearance(&self) -> Classification {
        self.clearance
    }

    /// Whether content classified `classification` may be shown.
    pub fn may_see(&self, classification: Classification) -> bool {
        classification <= self.clearance
    }

    /// The restricted articles that `ops` carry: an op whose revision is classified restricted,
    /// or any op about an article whose current version is. Sorted, without repeats.
    pub fn restricted_in(&self, ops: &[SignedOp]) -> Result<Vec<ArticleId>> {
        let mut out = BTreeSet::new();
        let mut checked = BTreeSet::new();
        for op in ops {
            let Some(article) = op.op.payload.article() else {
                continue;
            };
            let carried = match &op.op.payload {
                Payload::ArticleCreated { revision, .. }
                | Payload::RevisionAdded { revision, .. } => {
                    revision.content.classification == Classification::Restricted
                }
                _ => false,
            };
            if carried {
                out.insert(article.clone());
            } else if checked.insert(article.clone())
                && let Some(record) = self.load_article(article)?
                && record.content.classification == Classification::Restricted
            {
                out.insert(article.clone());
            }
        }
        Ok(out.into_iter().collect())
    }
}

/// The clearance of whoever acts: their account's, or public when no account is known (the
/// interface before sign-in) or the account is disabled.
pub fn clearance_of(user: Option<&User>) -> Classification {
    match user {
        Some(u) if !u.disabled => u.clearance,
        _ => Classification::Public,
    }
}

impl Replica {
    /// [`may_see`](Self::may_see) for a classification as the derived tables spell it; a word
    /// this version does not know is not shown.
    pub(super) fn may_see_word(&self, word: &str) -> bool {
        word.parse::<Classification>()
            .is_ok_and(|c| self.may_see(c))
    }
}

impl Replica {
    /// An article as a write by the reader finds it: one above their clearance is missing, as
    /// it is to their reads.
    pub(crate) fn load_cleared_article(&self, id: &ArticleId) -> Result<Option<ArticleRecord>> {
        Ok(self
            .load_article(id)?
            .filter(|r| self.may_see(r.content.classification)))
    }

    /// Refuses an article above the reader's clearance with the very error a missing id gets;
    /// a missing article passes (the caller says what is missing in its own words).
    pub(crate) fn refuse_hidden(&self, id: &ArticleId) -> Result<()> {
        match self.load_article(id)? {
            Some(r) if !self.may_see(r.content.classification) => {
                Err(Error::NoArticle { id: id.to_string() })
            }
            _ => Ok(()),
        }
    }

    /// Refuses content the writer could not read back: classified above their clearance.
    pub(crate) fn check_clearance(&self, classification: Classification) -> Result<()> {
        if self.may_see(classification) {
            return Ok(());
        }
        Err(Error::Denied {
            reason: format!(
                "you are cleared for {} content: an article classified {} would be hidden from you; \
                 choose a lower classification or ask an administrator (`outpost user clear`)",
                self.clearance.as_str(),
                classification.as_str()
            ),
        })
    }
}

impl Replica {
    /// Refuses to let `ops` leave unencrypted when they carry restricted articles: says which
    /// (to a reader cleared for them) and how to proceed. Nothing is written.
    pub fn refuse_plain_restricted(&self, ops: &[SignedOp], peer: &str) -> Result<()> {
        let restricted = self.restricted_in(ops)?;
        if restricted.is_empty() {
            return Ok(());
        }
        let which = if self.may_see(Classification::Restricted) {
            let ids: Vec<&str> = restricted.iter().map(ArticleId::as_str).collect();
            format!(
                "{} restricted article(s) ({})",
                restricted.len(),
                ids.join(", ")
            )
        } else {
            "restricted articles".to_string()
        };
        Err(Error::Denied {
            reason: format!(
                "the bundle would carry {which}, and restricted content never leaves this node \
                 unencrypted: export again with --encrypt-to {peer:?} (or the recipient's age1… \
                 key); nothing was written"
            ),
        })
    }
}
