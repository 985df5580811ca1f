//! Handing articles to the search index while their transaction is still applying ops. An
//! article goes to tantivy's indexing threads as soon as the last op of the batch that touches it
//! has applied, so indexing runs beside the rest of the apply loop and the store's fsync instead
//! of after them (a large import or bulk commit is CPU-bound on both cores).

use std::collections::{BTreeSet, HashMap};

use redb::WriteTransaction;

use super::batch::Batch;
use crate::error::Result;
use crate::model::{ArticleId, ArticleRecord};
use crate::search::SearchIndex;
use crate::store::{self, get};

pub(crate) struct Staging {
    /// Off for dry runs, and when the index is behind the log (it catches up after the commit).
    active: bool,
    /// Per article, the position in the batch of the last op that touches it.
    last_touch: HashMap<ArticleId, usize>,
    staged: BTreeSet<ArticleId>,
    /// Staged, then touched again by an op that had waited for a predecessor.
    again: BTreeSet<ArticleId>,
}

impl Staging {
    /// `articles` lists, op by op, the article each op of the batch touches.
    pub fn new<'a>(active: bool, articles: impl Iterator<Item = Option<&'a ArticleId>>) -> Self {
        let mut last_touch = HashMap::new();
        if active {
            for (at, article) in articles.enumerate() {
                if let Some(id) = article {
                    last_touch.insert(id.clone(), at);
                }
            }
        }
        Staging {
            active,
            last_touch,
            staged: BTreeSet::new(),
            again: BTreeSet::new(),
        }
    }

    pub fn inactive() -> Self {
        Self::new(false, std::iter::empty())
    }

    /// Op `at` of the batch applied and touched `article`: stage the article if no later op of
    /// the batch touches it.
    pub fn applied(
        &mut self,
        index: &mut SearchIndex,
        batch: &mut Batch,
        at: usize,
        article: Option<&ArticleId>,
    ) -> Result<()> {
        let Some(id) = article.filter(|_| self.active) else {
            return Ok(());
        };
        if self.staged.contains(id) {
            self.again.insert(id.clone());
        } else if self.last_touch.get(id) == Some(&at) {
            if let Some(record) = batch.article(id)? {
                index.stage(std::slice::from_ref(record), &[], false)?;
            }
            self.staged.insert(id.clone());
        }
        Ok(())
    }

    /// An op applied outside the batch order (a pending one) touched `id`.
    pub fn touched_late(&mut self, id: &ArticleId) {
        if self.staged.contains(id) {
            self.again.insert(id.clone());
        }
    }

    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Whether anything went to the index (and must be rolled back if the transaction fails).
    pub fn staged_any(&self) -> bool {
        !self.staged.is_empty()
    }

    /// Stages what is left of `touched` at commit (after the batch wrote its records back): the
    /// articles not staged yet, and those touched again since (their early document is deleted
    /// first).
    pub fn finish(
        self,
        index: &mut SearchIndex,
        txn: &WriteTransaction,
        touched: &BTreeSet<ArticleId>,
    ) -> Result<()> {
        let articles = txn.open_table(store::ARTICLES)?;
        let mut records = Vec::new();
        for id in touched {
            if !self.staged.contains(id) || self.again.contains(id) {
                records.extend(get::<_, ArticleRecord>(&articles, id.as_str())?);
            }
        }
        let again: Vec<ArticleId> = self.again.into_iter().collect();
        index.stage(&records, &again, false)
    }
}
