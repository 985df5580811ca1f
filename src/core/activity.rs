//! Activity: the contributions mileage and statistics are computed from, kept by apply as a
//! small list of facts (`store::FACTS`) beside a short summary of every article
//! (`store::ARTICLE_SUMMARIES`). A fact says who did what, when, and which op (or article)
//! it comes from; points are never stored — they are facts times the rules in force
//! (`core/mileage.rs`), so they cannot drift from the ops.
//!
//! Where facts come from:
//! - `ArticlePublished`: from the article's record whenever the batch writes it (one per
//!   author while the article is published, dated by its publication), so a publication that
//!   a later op undoes, or that an evaluation decides only once every vote is in, is counted
//!   exactly as the record stands — a function of the articles table, hence of the ops.
//! - `EvaluationDone`: every vote (`Evaluated`) the rules accepted.
//! - `CopOutcome`: every outcome a member recorded (`CommunityOutcome`).
//! - The Knowledge Market's ops add theirs as `core::market` applies them
//!   (`core/market_facts.rs`): `QuestionAsked` (the asker), `AnswerPosted` (the answerer),
//!   `CommentPosted` (the commenter), `AnswerAccepted` (the accepted answer's author) and, when
//!   that answer came within a day of the question, `QuestionAnsweredWithinDay`;
//!   `HelpfulReceived` (the author of what was voted helpful). An acceptance that moves and a
//!   vote taken back remove the facts they brought.
//!
//! Each fact is keyed by its time, then a hash of what it is, so `--since` is a range read
//! and a fact written twice (a replay) is one fact.

use redb::{ReadableTable, Table, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::mileage::{Fact, FactKind, FactSource};
use crate::model::{ArticleRecord, Author, Classification, Hlc, NodeId, SignedOp, Status};
use crate::store::{self, encode};

/// What statistics need of an article, without its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub category: String,
    pub classification: Classification,
    pub status: Status,
    /// The office of the node that created it.
    pub office: String,
    pub created: Hlc,
    /// When it was published, while it is.
    pub published: Option<Hlc>,
    /// Its authors, sorted.
    pub authors: Vec<Author>,
    /// `YYYY-MM-DD`: when its owner should check it is still right (past it, it is stale).
    pub review_by: Option<String>,
}

impl ArticleSummary {
    pub fn of(record: &ArticleRecord) -> ArticleSummary {
        ArticleSummary {
            category: record.content.category.clone(),
            classification: record.content.classification,
            status: record.status,
            office: record.origin_office.clone(),
            created: record.created,
            published: (record.status == Status::Published).then(|| published_at(record)),
            authors: record.authors.clone(),
            review_by: record.content.review_by.clone(),
        }
    }

    /// Whether `viewer` (cleared for `clearance`) may know of the article: a published or
    /// retired one up to their clearance, a draft only to its authors.
    pub fn visible_to(&self, viewer: Option<&Author>, clearance: Classification) -> bool {
        match self.status {
            Status::Draft => viewer.is_some_and(|v| self.authors.contains(v)),
            _ => self.classification <= clearance,
        }
    }
}

/// When a published article was published: the latest of the decisions that publish it (HQ's
/// publication, HQ's status, the evaluation's deciding vote), else its status's clock.
fn published_at(record: &ArticleRecord) -> Hlc {
    let decisions = [
        record.published.map(|p| p.hlc),
        record.evaluated.map(|e| e.hlc),
        record
            .hq_status
            .filter(|s| s.value == Status::Published)
            .map(|s| s.hlc),
    ];
    decisions
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(record.status_hlc)
}

/// The tables, open in a batch's write transaction.
pub(crate) struct Activity<'t> {
    facts: Table<'t, (u64, [u8; 32]), &'static [u8]>,
    summaries: Table<'t, &'static str, &'static [u8]>,
}

impl<'t> Activity<'t> {
    pub fn open(txn: &'t WriteTransaction) -> Result<Self> {
        Ok(Activity {
            facts: txn.open_table(store::FACTS)?,
            summaries: txn.open_table(store::ARTICLE_SUMMARIES)?,
        })
    }

    /// `old` (the record as stored, if any) is replaced by `new`: its summary and its
    /// publication facts follow.
    pub fn replace_article(
        &mut self,
        old: Option<&ArticleRecord>,
        new: &ArticleRecord,
    ) -> Result<()> {
        let before = old.map(ArticleSummary::of);
        let after = ArticleSummary::of(new);
        if before.as_ref() == Some(&after) {
            return Ok(());
        }
        if let Some(before) = &before {
            for fact in publication_facts(new.id.as_str(), before) {
                self.facts.remove(key_of(&fact))?;
            }
        }
        for fact in publication_facts(new.id.as_str(), &after) {
            self.facts.insert(key_of(&fact), encode(&fact).as_slice())?;
        }
        self.summaries
            .insert(new.id.as_str(), encode(&after).as_slice())?;
        Ok(())
    }

    pub fn insert(&mut self, fact: &Fact) -> Result<()> {
        self.facts.insert(key_of(fact), encode(fact).as_slice())?;
        Ok(())
    }

    /// Removes the facts of the millisecond `millis` that come from `source` (a vote taken
    /// back, an acceptance moved): whoever they credited then.
    pub fn remove_from(&mut self, millis: u64, source: &FactSource) -> Result<()> {
        let mut gone = Vec::new();
        for entry in self
            .facts
            .range((millis, [0u8; 32])..=(millis, [u8::MAX; 32]))?
        {
            let (k, v) = entry?;
            let fact: Fact = store::decode(v.value())?;
            if fact.source == *source {
                gone.push(k.value());
            }
        }
        for key in gone {
            self.facts.remove(key)?;
        }
        Ok(())
    }
}

/// One `ArticlePublished` fact per author while the article is published.
fn publication_facts(id: &str, summary: &ArticleSummary) -> Vec<Fact> {
    let Some(at) = summary.published else {
        return Vec::new();
    };
    summary
        .authors
        .iter()
        .map(|author| Fact {
            kind: FactKind::ArticlePublished,
            person: author.clone(),
            at,
            source: FactSource::Article { id: id.to_string() },
            category: Some(summary.category.clone()),
            classification: summary.classification,
            article: Some(id.to_string()),
        })
        .collect()
}

/// A fact's key: its time, then a digest of what it is (kind, person, source), so that the
/// same fact always has the same key.
fn key_of(fact: &Fact) -> (u64, [u8; 32]) {
    let identity = encode(&(fact.kind, &fact.person, &fact.source));
    (fact.at.millis, *blake3::hash(&identity).as_bytes())
}

/// The facts an op accepted by the rules brings (`core::apply` calls this after it applied).
pub(crate) fn record_op(b: &mut super::Batch, op: &SignedOp) -> Result<()> {
    use crate::model::Payload;
    let o = &op.op;
    let signer = Author {
        node: o.node,
        name: o.user.clone(),
    };
    let source = FactSource::Op {
        node: o.node,
        seq: o.seq,
    };
    let fact = match &o.payload {
        Payload::Evaluated { article, .. } => {
            let (category, classification) = match b.article(article)? {
                Some(r) => (Some(r.content.category.clone()), r.content.classification),
                None => (None, Classification::Restricted),
            };
            Fact {
                kind: FactKind::EvaluationDone,
                person: signer,
                at: o.hlc,
                source,
                category,
                classification,
                article: Some(article.as_str().to_string()),
            }
        }
        Payload::CommunityOutcome { name, .. } => {
            let category = super::community::record_of(b, name)?.and_then(|c| c.created.category);
            Fact {
                kind: FactKind::CopOutcome,
                person: signer,
                at: o.hlc,
                source,
                category,
                classification: Classification::Public,
                article: None,
            }
        }
        _ => return Ok(()),
    };
    b.activity.insert(&fact)
}

/// Hands each fact at or after `since` (ms) to `each`, oldest first, without holding them all.
pub(crate) fn for_each_fact(
    txn: &redb::ReadTransaction,
    since: u64,
    mut each: impl FnMut(Fact),
) -> Result<()> {
    let table = txn.open_table(store::FACTS)?;
    for entry in table.range((since, [0u8; 32])..)? {
        let (_, v) = entry?;
        each(store::decode(v.value())?);
    }
    Ok(())
}

/// Hands the kind and the person (node, name) of each fact at or after `since` (ms) to
/// `each`, oldest first: what counting contributions needs, read from the first fields of the
/// stored fact without copying the rest.
pub(crate) fn for_each_contributor(
    txn: &redb::ReadTransaction,
    since: u64,
    mut each: impl FnMut(FactKind, NodeId, &str),
) -> Result<()> {
    let table = txn.open_table(store::FACTS)?;
    for entry in table.range((since, [0u8; 32])..)? {
        let (_, v) = entry?;
        let head = FactHead::of(v.value())?;
        each(head.kind, head.node, head.name);
    }
    Ok(())
}

/// The first fields of a stored `Fact` in its order — its kind, then its person's node and
/// name — with the name borrowed. Postcard keeps no field names and stops reading where the
/// view ends, so the rest of the fact is neither read nor copied.
#[derive(Debug, PartialEq, Eq, Deserialize)]
struct FactHead<'a> {
    kind: FactKind,
    node: NodeId,
    name: &'a str,
}

impl<'a> FactHead<'a> {
    fn of(bytes: &'a [u8]) -> Result<Self> {
        Ok(postcard::from_bytes(bytes)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_facts_head_reads_its_kind_and_person() {
        for kind in FactKind::ALL {
            let fact = Fact {
                kind,
                person: Author {
                    node: NodeId([7; 16]),
                    name: "lek".into(),
                },
                at: Hlc {
                    millis: 1_764_000_000_000,
                    counter: 3,
                },
                source: FactSource::Article {
                    id: "seal-checks".into(),
                },
                category: Some("clearance".into()),
                classification: Classification::CustomsOnly,
                article: Some("seal-checks".into()),
            };
            let bytes = encode(&fact);
            let head = FactHead::of(&bytes).expect("a fact reads as its head");
            assert_eq!(
                head,
                FactHead {
                    kind,
                    node: NodeId([7; 16]),
                    name: "lek",
                }
            );
        }
    }
}
