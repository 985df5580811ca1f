//! Reading the materialized state: articles, history, categories, accounts, nodes, search.

use redb::ReadableTable;
use serde::Serialize;

use super::Replica;
use super::apply::read_u64;
use super::revisions;
use crate::error::{Error, Result};
use crate::model::category::is_within;
use crate::model::market::QuestionRecord;
use crate::model::{
    ArticleId, ArticleRecord, Author, Category, CategoryRecord, Hash, NodeInfo, RevisionRecord,
    Status, User,
};
use crate::search::{Found, SearchHit, SearchRequest};
use crate::store::{self, meta_keys};

/// Which articles `list` returns.
#[derive(Clone, Debug, Default)]
pub struct ArticleFilter {
    /// A category id; sub-groups are included.
    pub category: Option<String>,
    /// Only this status; without it, retired articles are left out.
    pub status: Option<Status>,
    /// Drafts are listed only for their authors; `None` lists published work only.
    pub viewer: Option<Author>,
    /// Every draft, whoever wrote it (export and administration).
    pub all_drafts: bool,
}

/// An article with its revision history, oldest first.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleView {
    pub record: ArticleRecord,
    pub history: Vec<RevisionRecord>,
}

impl Replica {
    pub(crate) fn read(&self) -> Result<crate::core::db::ReadTxn<'_>> {
        Ok(self.db.begin_read()?)
    }

    /// An article with its history. Retired articles are still shown (with their status). An
    /// article above the reader's clearance is missing, with the same error; so are the
    /// revisions and a proposal above it.
    pub fn article(&self, id: &str) -> Result<ArticleView> {
        let id = ArticleId::parse(id).map_err(|_| not_found(id))?;
        let txn = self.read()?;
        let Some(mut record) =
            store::get::<_, ArticleRecord>(&txn.open_table(store::ARTICLES)?, id.as_str())?
                .filter(|r| self.may_see(r.content.classification))
        else {
            // A question's id (found by `search`) is opened elsewhere; say where, to a reader
            // cleared for it (the others learn nothing of it).
            let question: Option<QuestionRecord> =
                store::get(&txn.open_table(store::QUESTIONS)?, id.as_str())?;
            if question.is_some_and(|q| self.may_see(q.classification)) {
                return Err(Error::invalid(format!(
                    "`{id}` is a question, not an article: open it with `outpost question {id}`"
                )));
            }
            return Err(not_found(id.as_str()));
        };
        if record
            .proposal
            .as_ref()
            .is_some_and(|p| !self.may_see(p.content.classification))
        {
            record.proposal = None;
        }
        let revisions = txn.open_table(store::REVISIONS)?;
        let ops = txn.open_table(store::OPS)?;
        // Walk the DAG back from the heads.
        let mut history = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<Hash> = record.heads.clone();
        while let Some(rev) = stack.pop() {
            if !seen.insert(rev) {
                continue;
            }
            let r: RevisionRecord =
                revisions::load(&revisions, &ops, &rev)?.ok_or_else(|| Error::Corrupt {
                    what: format!("revision {} of `{id}` is missing", rev.short()),
                })?;
            stack.extend(r.revision.parents.iter().copied());
            history.push(r);
        }
        history.retain(|r| self.may_see(r.revision.content.classification));
        history.sort_by_key(|r| (r.hlc, r.node));
        Ok(ArticleView { record, history })
    }

    /// Articles matching `filter` within the reader's clearance, most recently updated first.
    pub fn list_articles(&self, filter: &ArticleFilter) -> Result<Vec<ArticleRecord>> {
        if let Some(category) = &filter.category {
            self.check_category(category)?;
        }
        let txn = self.read()?;
        let table = txn.open_table(store::ARTICLES)?;
        let mut out = Vec::new();
        for entry in table.iter()? {
            let (_, value) = entry?;
            let record: ArticleRecord = store::decode(value.value())?;
            let status_ok = match filter.status {
                Some(s) => record.status == s,
                None => record.status != Status::Retired,
            };
            let category_ok = filter
                .category
                .as_ref()
                .is_none_or(|c| is_within(&record.content.category, c));
            let visible = record.status != Status::Draft
                || filter.all_drafts
                || filter
                    .viewer
                    .as_ref()
                    .is_some_and(|v| record.authors.contains(v));
            let cleared = self.may_see(record.content.classification);
            if status_ok && category_ok && visible && cleared {
                out.push(record);
            }
        }
        out.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Searches the index on behalf of `request.viewer`, within the reader's clearance (and
    /// `request.clearance`, when lower).
    pub fn search(&self, request: &SearchRequest) -> Result<Vec<SearchHit>> {
        Ok(self.find(request)?.hits)
    }

    /// [`search`](Self::search), also reporting the typo corrections it searched. Questions the
    /// reader is cleared for are found among the articles (unless `request.kind` leaves them
    /// out); every hit carries its helpful count.
    pub fn find(&self, request: &SearchRequest) -> Result<Found> {
        if let Some(category) = &request.category {
            self.check_category(category)?;
        }
        let mut request = request.clone();
        if request.now_millis == 0 {
            request.now_millis = self.now_millis();
        }
        request.clearance = Some(
            request
                .clearance
                .map_or(self.clearance, |c| c.min(self.clearance)),
        );
        let txn = self.read()?;
        let glossary = || super::glossary::glossary_in(&txn);
        let articles = txn.open_table(store::ARTICLES)?;
        let questions = txn.open_table(store::QUESTIONS)?;
        let mut found = self.index.find_with(
            &request,
            Some(&glossary),
            &|id| store::get(&articles, id.as_str()),
            &|id| store::get(&questions, id),
        )?;
        let helpful = txn.open_table(store::HELPFUL)?;
        for hit in &mut found.hits {
            hit.helpful = if hit.is_question() {
                // A question is as helpful as its answers are, together.
                let q: Option<QuestionRecord> = store::get(&questions, hit.id.as_str())?;
                let mut total = 0;
                for answer in q.iter().flat_map(|q| &q.answers) {
                    total += super::market::helpful_count(&helpful, &answer.id)?;
                }
                total
            } else {
                super::market::helpful_count(&helpful, &hit.id)?
            };
        }
        Ok(found)
    }

    /// The Knowledge Map, parents before children.
    pub fn categories(&self) -> Result<Vec<Category>> {
        let txn = self.read()?;
        let table = txn.open_table(store::CATEGORIES)?;
        let mut out = Vec::new();
        for entry in table.iter()? {
            let (_, value) = entry?;
            out.push(store::decode::<CategoryRecord>(value.value())?.category);
        }
        // Key order puts `a` before `a/b`, so parents already come first.
        Ok(out)
    }

    pub fn check_category(&self, id: &str) -> Result<Category> {
        let txn = self.read()?;
        let record: Option<CategoryRecord> = store::get(&txn.open_table(store::CATEGORIES)?, id)?;
        record.map(|r| r.category).ok_or_else(|| {
            Error::invalid(format!(
                "unknown category `{id}`: run `outpost categories` to see the valid ids"
            ))
        })
    }

    /// The accounts on this node.
    pub fn users(&self) -> Result<Vec<User>> {
        let txn = self.read()?;
        let table = txn.open_table(store::USERS)?;
        let mut out = Vec::new();
        for entry in table.range((self.node.0, "")..)? {
            let (key, value) = entry?;
            if key.value().0 != self.node.0 {
                break;
            }
            out.push(store::decode::<User>(value.value())?);
        }
        Ok(out)
    }

    /// Who is acting: the named account, else the only account on this node.
    pub fn resolve_user(&self, name: Option<&str>) -> Result<User> {
        let users = self.users()?;
        match name {
            Some(name) => users.into_iter().find(|u| u.name == name).ok_or_else(|| {
                Error::invalid(format!(
                    "there is no account `{name}` on this node; check --user or OUTPOST_USER"
                ))
            }),
            None if users.len() == 1 => users
                .into_iter()
                .next()
                .ok_or_else(|| Error::invalid("no accounts on this node")),
            None => Err(Error::invalid(format!(
                "this node has several accounts ({}): say who you are with --user NAME or OUTPOST_USER",
                users
                    .iter()
                    .map(|u| u.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// The author identity of a local account, as drafts and history record it.
    pub fn author(&self, user: &User) -> Author {
        Author {
            node: user.node,
            name: user.name.clone(),
        }
    }

    pub fn node_info(&self) -> Result<NodeInfo> {
        self.node(&self.node)
    }

    pub fn node(&self, id: &crate::model::NodeId) -> Result<NodeInfo> {
        let txn = self.read()?;
        store::get(&txn.open_table(store::NODES)?, id.0)?.ok_or_else(|| Error::Corrupt {
            what: format!("node {} is not recorded", id.short()),
        })
    }

    /// Whether HQ has trusted `node` to sign privileged ops.
    pub fn is_trusted(&self, node: crate::model::NodeId) -> Result<bool> {
        let txn = self.read()?;
        Ok(txn.open_table(store::TRUSTED)?.get(node.0)?.is_some())
    }

    /// Ops received and kept in the log but refused by the rules, with why.
    pub fn refused_ops(&self) -> Result<Vec<(crate::model::NodeId, u64, crate::core::Refusal)>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for entry in txn.open_table(store::REFUSED)?.iter()? {
            let (k, v) = entry?;
            let (node, seq) = k.value();
            out.push((crate::model::NodeId(node), seq, store::decode(v.value())?));
        }
        Ok(out)
    }

    /// Number of ops in the log.
    pub fn log_len(&self) -> Result<u64> {
        let txn = self.read()?;
        read_u64(&txn.open_table(store::META)?, meta_keys::LOG_LEN)
    }
}

fn not_found(id: &str) -> Error {
    Error::NoArticle { id: id.to_string() }
}
