//! New comments for authors: what others wrote under the articles a person wrote (a revision
//! of; an answer promoted to an article counts as its author's), which that person has not
//! seen yet. "Seen" is this node's bookkeeping for that person (`store::COMMENTS_SEEN`), never
//! an op and never in a bundle: opening an article's reader marks its comments seen, and so
//! does `outpost comments --new --mark-seen`. Listing never writes.

use serde::Serialize;

use super::Replica;
use super::auth::open_local;
use crate::error::Result;
use crate::model::market::CommentRecord;
use crate::model::{ArticleId, ArticleRecord, Hlc, NodeId, User};
use crate::store;

/// A comment on one of my articles that I have not seen here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewComment {
    pub article: String,
    pub title: String,
    pub comment: String,
    /// The comment this one replies to, when it is a reply.
    pub reply_to: Option<String>,
    /// `name@office` of whoever wrote it.
    pub by: String,
    /// `YYYY-MM-DD HH:MM` UTC.
    pub when: String,
    pub text: String,
    /// Orders the list, newest first; ties by the writer's node.
    #[serde(skip)]
    order: (Hlc, NodeId),
}

impl Replica {
    /// The comments by others on articles `user` wrote that `user` has not seen on this node,
    /// newest first. Articles above the reader's clearance are left out, unnamed.
    pub fn new_comments(&self, user: &User) -> Result<Vec<NewComment>> {
        self.unseen(user, None)
    }

    /// Marks the new comments on `article` (every article when `None`) seen by `user` on this
    /// node; how many were marked. Writes nothing when nothing was new, so opening an article
    /// without new comments leaves the store as it was.
    pub fn mark_comments_seen(&mut self, user: &User, article: Option<&str>) -> Result<usize> {
        let unseen = self.unseen(user, article)?;
        self.mark_seen(user, &unseen)
    }

    /// Marks `comments` (as `new_comments` listed them) seen by `user` on this node: what
    /// arrived since the listing stays new. How many there were.
    pub fn mark_seen(&mut self, user: &User, comments: &[NewComment]) -> Result<usize> {
        if comments.is_empty() {
            return Ok(0);
        }
        let me = self.author(user);
        let txn = self.db.begin_write()?;
        {
            let mut seen = txn.open_table(store::COMMENTS_SEEN)?;
            for c in comments {
                seen.insert(
                    (
                        me.node.0,
                        me.name.as_str(),
                        c.article.as_str(),
                        c.comment.as_str(),
                    ),
                    (),
                )?;
            }
        }
        txn.commit()?;
        Ok(comments.len())
    }

    /// The unseen comments on one target, or on all of them.
    fn unseen(&self, user: &User, target: Option<&str>) -> Result<Vec<NewComment>> {
        let me = self.author(user);
        let txn = self.read()?;
        let seen = open_local(&txn, store::COMMENTS_SEEN)?;
        let articles = txn.open_table(store::ARTICLES)?;
        let comments = txn.open_table(store::COMMENTS)?;
        let range = match target {
            Some(t) => comments.range((t, "")..)?,
            None => comments.range::<(&str, &str)>(..)?,
        };
        // Comments are keyed by target first: the article of the last target is kept.
        let mut current: Option<(String, Option<ArticleRecord>)> = None;
        let mut out = Vec::new();
        for entry in range {
            let (k, v) = entry?;
            let (on, id) = k.value();
            if target.is_some_and(|t| t != on) {
                break;
            }
            if current.as_ref().is_none_or(|(t, _)| t != on) {
                let mine = ArticleId::parse(on)
                    .ok()
                    .map(|a| store::get::<_, ArticleRecord>(&articles, a.as_str()))
                    .transpose()?
                    .flatten()
                    .filter(|r| r.authors.contains(&me) && self.may_see(r.content.classification));
                current = Some((on.to_string(), mine));
            }
            let Some((_, Some(article))) = &current else {
                continue;
            };
            if let Some(seen) = &seen
                && seen.get((me.node.0, me.name.as_str(), on, id))?.is_some()
            {
                continue;
            }
            let c: CommentRecord = store::decode(v.value())?;
            if c.author == me {
                continue;
            }
            out.push(self.new_comment(article, c));
        }
        out.sort_by_key(|c| std::cmp::Reverse(c.order));
        Ok(out)
    }

    fn new_comment(&self, article: &ArticleRecord, c: CommentRecord) -> NewComment {
        NewComment {
            article: article.id.to_string(),
            title: article.content.title.clone(),
            by: self.person_name(&c.author),
            when: c.hlc.display(),
            order: (c.hlc, c.author.node),
            comment: c.id,
            reply_to: c.parent,
            text: c.text,
        }
    }
}
