//! What the interface reads on a keypress, kept by `apply` instead of scanned for: published
//! articles per Knowledge Map category and classification, drafts per author, and the wiki
//! links between articles (with the linking article's classification, so a reader is shown only
//! the links they are cleared for).
//! They change only when an article's record does: [`Batch`](super::Batch) hands every record it
//! writes here together with the one it replaces, whatever op changed it (a local commit, an
//! import, a merge or conflict, a retirement, a publication, a category move). So they are
//! functions of the articles table, and through it of the set of ops applied; a store of an
//! older schema gets them by replay (`rematerialize`).

use redb::{ReadableTable, Table, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::reading::wiki_links;
use crate::error::Result;
use crate::model::{ArticleRecord, Author, Classification, Status};
use crate::store::{self, encode};

/// Where a link comes from, as the links table keeps it: enough to list it without reading the
/// linking article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkFrom {
    pub title: String,
    /// The draft's authors (only they see it); `None` for a published article.
    pub drafted_by: Option<Vec<Author>>,
    /// The linking article's classification: readers cleared below it do not see the link.
    pub classification: Classification,
}

impl LinkFrom {
    pub fn visible_to(&self, viewer: Option<&Author>, clearance: Classification) -> bool {
        let drafted = match &self.drafted_by {
            None => true,
            Some(authors) => viewer.is_some_and(|v| authors.contains(v)),
        };
        drafted && self.classification <= clearance
    }
}

/// The tables, open in a batch's write transaction.
pub(crate) struct Derived<'t> {
    counts: Table<'t, (&'static str, &'static str), u64>,
    drafts: Table<'t, ([u8; 16], &'static str, &'static str), (&'static str, &'static str)>,
    links: Table<'t, (&'static str, &'static str), &'static [u8]>,
}

/// What one article record contributes to the tables.
#[derive(PartialEq, Eq)]
struct Facts<'r> {
    status: Status,
    category: &'r str,
    classification: Classification,
    title: &'r str,
    authors: &'r [Author],
    links: Vec<String>,
}

impl<'r> Facts<'r> {
    fn of(record: &'r ArticleRecord) -> Self {
        let live = record.status != Status::Retired;
        Facts {
            status: record.status,
            category: &record.content.category,
            classification: record.content.classification,
            title: &record.content.title,
            authors: if record.status == Status::Draft {
                &record.authors
            } else {
                &[]
            },
            links: if live {
                wiki_links(&record.content.body)
            } else {
                Vec::new()
            },
        }
    }
}

impl<'t> Derived<'t> {
    pub fn open(txn: &'t WriteTransaction) -> Result<Self> {
        Ok(Derived {
            counts: txn.open_table(store::PUBLISHED_COUNTS)?,
            drafts: txn.open_table(store::DRAFTS)?,
            links: txn.open_table(store::LINKS)?,
        })
    }

    /// `old` (the record as stored, if any) is replaced by `new`: moves what it contributed.
    pub fn replace(&mut self, old: Option<&ArticleRecord>, new: &ArticleRecord) -> Result<()> {
        let before = old.map(Facts::of);
        let after = Facts::of(new);
        if before.as_ref() == Some(&after) {
            return Ok(());
        }
        let id = new.id.as_str();
        if let Some(before) = before {
            self.remove(id, &before)?;
        }
        self.add(id, &after)
    }

    fn add(&mut self, id: &str, facts: &Facts<'_>) -> Result<()> {
        let from = match facts.status {
            Status::Retired => return Ok(()),
            Status::Published => {
                let key = (facts.category, facts.classification.as_str());
                let n = self.counts.get(key)?.map_or(0, |v| v.value());
                self.counts.insert(key, n + 1)?;
                LinkFrom {
                    title: facts.title.to_string(),
                    drafted_by: None,
                    classification: facts.classification,
                }
            }
            Status::Draft => {
                let value = (facts.category, facts.classification.as_str());
                for author in facts.authors {
                    self.drafts
                        .insert((author.node.0, author.name.as_str(), id), value)?;
                }
                LinkFrom {
                    title: facts.title.to_string(),
                    drafted_by: Some(facts.authors.to_vec()),
                    classification: facts.classification,
                }
            }
        };
        let value = encode(&from);
        for target in &facts.links {
            self.links.insert((target.as_str(), id), value.as_slice())?;
        }
        Ok(())
    }

    fn remove(&mut self, id: &str, facts: &Facts<'_>) -> Result<()> {
        match facts.status {
            Status::Retired => return Ok(()),
            Status::Published => {
                let key = (facts.category, facts.classification.as_str());
                let n = self.counts.get(key)?.map_or(0, |v| v.value());
                if n > 1 {
                    self.counts.insert(key, n - 1)?;
                } else {
                    self.counts.remove(key)?;
                }
            }
            Status::Draft => {
                for author in facts.authors {
                    self.drafts
                        .remove((author.node.0, author.name.as_str(), id))?;
                }
            }
        }
        for target in &facts.links {
            self.links.remove((target.as_str(), id))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{DataDir, InitOptions, NewArticle, Replica};
    use crate::model::ArticleContent;

    #[test]
    fn a_schema_3_store_gets_its_counts_and_links_on_open() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::new(tmp.path().join("node"));
        let options = InitOptions {
            hq: true,
            ..InitOptions::new("Mae Sai")
        };
        let mut node = Replica::create(&dir, &options).expect("create");
        let admin = node.resolve_user(None).expect("admin");
        let viewer = node.author(&admin);
        for (title, body, publish) in [
            ("Seals", "Check the seal.", true),
            ("Logs", "See [[seal-checks]] first.", true),
            ("Draft", "Also [[seal-checks|seals]].", false),
        ] {
            let new = NewArticle {
                id: None,
                content: ArticleContent::new(title, "commodity/timber-wood", body),
                publish,
            };
            node.add_article(&admin, new).expect("add");
        }
        let counts = node.category_counts(Some(&viewer)).expect("counts");
        let links = node.backlinks("seal-checks", Some(&viewer)).expect("links");
        assert_eq!(counts.get("commodity").copied(), Some(3));
        assert_eq!(links.len(), 2);

        // A store of schema 3 has no such tables.
        {
            let txn = node.db.begin_write().expect("write");
            txn.delete_table(store::PUBLISHED_COUNTS).expect("drop");
            txn.delete_table(store::DRAFTS).expect("drop");
            txn.delete_table(store::LINKS).expect("drop");
            txn.open_table(store::META)
                .expect("meta")
                .insert(store::meta_keys::SCHEMA, 3u64.to_le_bytes().as_slice())
                .expect("schema");
            txn.commit().expect("commit");
        }
        drop(node);
        let node = Replica::open(&dir).expect("open upgrades");
        assert_eq!(node.category_counts(Some(&viewer)).expect("counts"), counts);
        assert_eq!(
            node.backlinks("seal-checks", Some(&viewer)).expect("links"),
            links
        );
        assert_eq!(node.backlinks("seal-checks", None).expect("links").len(), 1);
    }
}
