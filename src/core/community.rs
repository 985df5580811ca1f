//! Communities of practice: founding, joining, leaving and recording outcomes, as every node
//! judges and applies them, and as people read them.
//!
//! A person's memberships change only by their own ops, which their node numbers in order, so
//! "already a member", "not a member" and "an outcome by a non-member" are decided by that
//! node's chain alone and every node refuses the same ops. Two posts may found communities of
//! one name before either hears of the other: the earlier create by `(hlc, node)` stands
//! wherever the two meet, and the later is refused — also where it had been applied first,
//! which then records its refusal when the earlier arrives.

use redb::ReadableTable;
use serde::Serialize;

use super::Replica;
use super::activity::ArticleSummary;
use super::apply::{Halt, Refusal, Step};
use super::batch::Batch;
use crate::error::{Error, Result};
use crate::model::community::{CommunityRecord, Founding, Membership, Outcome, name_key};
use crate::model::{Author, Payload, SignedOp, User};
use crate::store::{self, encode, get};

/// The community named `name` (any case) as the batch holds it.
pub(crate) fn record_of(b: &Batch, name: &str) -> Result<Option<CommunityRecord>> {
    get(&b.communities, name_key(name).as_str())
}

fn denied<T>(reason: String) -> Step<T> {
    Err(Halt::Failed(Error::Denied { reason }))
}

fn not_here<T>(name: &str) -> Step<T> {
    Err(Halt::Waits(format!("community `{name}` is not here yet")))
}

/// Whether `payload` names a community whose only founding was refused (a revoked post's,
/// say): such an op would wait for ever, and hold up its node's later ops, so it is refused
/// too (`core::apply::builds_on_refused`). Looked for only when an op waits.
pub(crate) fn named_by_refused_founding(b: &Batch, payload: &Payload) -> Result<bool> {
    let name = match payload {
        Payload::CommunityJoined { name }
        | Payload::CommunityLeft { name }
        | Payload::CommunityOutcome { name, .. } => name_key(name),
        _ => return Ok(false),
    };
    for entry in b.refused.iter()? {
        let (key, v) = entry?;
        let refusal: Refusal = store::decode(v.value())?;
        if refusal.kind != "community" {
            continue;
        }
        let Some(stored) = b.ops.get(key.value())? else {
            continue;
        };
        let op = SignedOp::decode(stored.value())?;
        if let Payload::CommunityCreated { name: founded, .. } = &op.op.payload
            && name_key(founded) == name
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Checks and applies a community op; nothing is written when it is refused.
pub(crate) fn apply(b: &mut Batch, op: &SignedOp) -> Step<()> {
    let o = &op.op;
    let me = Author {
        node: o.node,
        name: o.user.clone(),
    };
    let (name, mut record) = match &o.payload {
        Payload::CommunityCreated {
            name,
            description,
            category,
        } => return found(b, op, name, description, category.as_deref()),
        Payload::CommunityJoined { name }
        | Payload::CommunityLeft { name }
        | Payload::CommunityOutcome { name, .. } => match record_of(b, name)? {
            Some(record) => (name, record),
            None => return not_here(name),
        },
        _ => return Ok(()),
    };
    let shown = record.created.name.clone();
    match &o.payload {
        Payload::CommunityJoined { .. } => {
            if record.is_member(&me) {
                return denied(format!("{} is already a member of `{shown}`", o.user));
            }
            record.members.push(Membership {
                person: me,
                since: o.hlc,
            });
            record.members.sort();
        }
        Payload::CommunityLeft { .. } => {
            if !record.is_member(&me) {
                return denied(format!(
                    "{} is not a member of `{shown}`, so cannot leave it",
                    o.user
                ));
            }
            record.members.retain(|m| m.person != me);
        }
        Payload::CommunityOutcome {
            title,
            date,
            articles,
            ..
        } => {
            if !record.is_member(&me) {
                return denied(format!(
                    "only members record outcomes of `{shown}`: {} should join it first (`outpost cop join`)",
                    o.user
                ));
            }
            record.outcomes.push(Outcome {
                title: title.clone(),
                date: date.clone(),
                articles: articles.clone(),
                by: me,
                hlc: o.hlc,
                seq: o.seq,
            });
            record.outcomes.sort_by_key(|a| (a.hlc, a.by.node));
        }
        _ => return Ok(()),
    }
    b.communities
        .insert(name_key(name).as_str(), encode(&record).as_slice())?;
    Ok(())
}

/// A create: the earliest of one name stands (see the module docs).
fn found(
    b: &mut Batch,
    op: &SignedOp,
    name: &str,
    description: &str,
    category: Option<&str>,
) -> Step<()> {
    let o = &op.op;
    let founding = Founding {
        name: name.trim().to_string(),
        description: description.to_string(),
        category: category.map(str::to_string),
        by: Author {
            node: o.node,
            name: o.user.clone(),
        },
        hlc: o.hlc,
        seq: o.seq,
    };
    let record = match record_of(b, name)? {
        None => CommunityRecord {
            created: founding,
            members: Vec::new(),
            outcomes: Vec::new(),
        },
        Some(existing) if existing.created.order() < founding.order() => {
            return denied(format!(
                "a community named `{}` already exists: join it with `outpost cop join`, or choose another name",
                existing.created.name
            ));
        }
        Some(mut existing) => {
            // This create is the earlier: the one applied before it is refused after all.
            let later = &existing.created;
            let refusal = Refusal {
                kind: "community".into(),
                user: later.by.name.clone(),
                article: None,
                reason: format!(
                    "a community named `{}` was founded earlier elsewhere",
                    founding.name
                ),
            };
            b.refused
                .insert((later.by.node.0, later.seq), encode(&refusal).as_slice())?;
            existing.created = founding;
            existing
        }
    };
    b.communities
        .insert(name_key(name).as_str(), encode(&record).as_slice())?;
    Ok(())
}

/// A community as `cop list` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommunitySummary {
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub members: usize,
    pub outcomes: usize,
}

/// A community as `cop show` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommunityView {
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    /// `name@office` of its founder, and the day it was founded.
    pub founded_by: String,
    pub founded: String,
    /// `name@office`, in that order.
    pub members: Vec<String>,
    pub outcomes: Vec<OutcomeView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutcomeView {
    pub title: String,
    pub date: String,
    pub by: String,
    /// The linked articles the reader may see, as (id, title).
    pub articles: Vec<(String, String)>,
    /// Linked articles the reader may not see (or that have not arrived): counted, not named.
    pub hidden_articles: usize,
}

impl Replica {
    fn community_record(&self, name: &str) -> Result<CommunityRecord> {
        let txn = self.read()?;
        store::get(
            &txn.open_table(store::COMMUNITIES)?,
            name_key(name).as_str(),
        )?
        .ok_or_else(|| {
            Error::invalid(format!(
                "there is no community `{}`; `outpost cop list` shows them, `outpost cop create` founds one",
                crate::model::validate::escape(name)
            ))
        })
    }

    /// `user` founds a community and joins it.
    pub fn cop_create(
        &mut self,
        user: &User,
        name: &str,
        description: &str,
        category: Option<&str>,
    ) -> Result<()> {
        crate::model::community::check_name(name)?;
        let category = category.map(|c| self.check_category(c)).transpose()?;
        if let Ok(existing) = self.community_record(name) {
            return Err(Error::invalid(format!(
                "a community named `{}` already exists: join it with `outpost cop join`, or choose another name",
                existing.created.name
            )));
        }
        let name = name.trim().to_string();
        self.commit(
            &user.name,
            vec![
                Payload::CommunityCreated {
                    name: name.clone(),
                    description: description.to_string(),
                    category: category.map(|c| c.id),
                },
                Payload::CommunityJoined { name },
            ],
        )?;
        Ok(())
    }

    pub fn cop_join(&mut self, user: &User, name: &str) -> Result<()> {
        let record = self.community_record(name)?;
        self.commit(
            &user.name,
            vec![Payload::CommunityJoined {
                name: record.created.name,
            }],
        )?;
        Ok(())
    }

    pub fn cop_leave(&mut self, user: &User, name: &str) -> Result<()> {
        let record = self.community_record(name)?;
        self.commit(
            &user.name,
            vec![Payload::CommunityLeft {
                name: record.created.name,
            }],
        )?;
        Ok(())
    }

    /// A member records an outcome; each linked article must be one `user` can read here.
    pub fn cop_outcome(
        &mut self,
        user: &User,
        name: &str,
        title: &str,
        date: &str,
        articles: &[String],
    ) -> Result<()> {
        let record = self.community_record(name)?;
        let mut ids = Vec::new();
        for id in articles {
            let view = self.article(id)?;
            let summary = ArticleSummary::of(&view.record);
            if !summary.visible_to(Some(&self.author(user)), user.clearance) {
                return Err(Error::NoArticle { id: id.clone() });
            }
            ids.push(view.record.id);
        }
        crate::model::community::check_outcome(title, date, &ids)?;
        self.commit(
            &user.name,
            vec![Payload::CommunityOutcome {
                name: record.created.name,
                title: title.to_string(),
                date: date.to_string(),
                articles: ids,
            }],
        )?;
        Ok(())
    }

    /// Every community, by name.
    pub fn communities(&self) -> Result<Vec<CommunitySummary>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for entry in txn.open_table(store::COMMUNITIES)?.iter()? {
            let (_, v) = entry?;
            let r: CommunityRecord = store::decode(v.value())?;
            out.push(CommunitySummary {
                name: r.created.name,
                description: r.created.description,
                category: r.created.category,
                members: r.members.len(),
                outcomes: r.outcomes.len(),
            });
        }
        Ok(out)
    }

    /// One community, its outcomes' articles as `viewer` may see them.
    pub fn community(&self, name: &str, viewer: Option<&User>) -> Result<CommunityView> {
        let r = self.community_record(name)?;
        let txn = self.read()?;
        let summaries = txn.open_table(store::ARTICLE_SUMMARIES)?;
        let articles = txn.open_table(store::ARTICLES)?;
        let who = viewer.map(|u| self.author(u));
        let clearance = viewer.map_or(crate::model::Classification::Public, |u| u.clearance);
        let mut outcomes = Vec::new();
        for o in &r.outcomes {
            let mut shown = Vec::new();
            for id in &o.articles {
                let summary: Option<ArticleSummary> = store::get(&summaries, id.as_str())?;
                if summary.is_some_and(|s| s.visible_to(who.as_ref(), clearance)) {
                    let record: Option<crate::model::ArticleRecord> =
                        store::get(&articles, id.as_str())?;
                    if let Some(record) = record {
                        shown.push((id.as_str().to_string(), record.content.title));
                    }
                }
            }
            outcomes.push(OutcomeView {
                title: o.title.clone(),
                date: o.date.clone(),
                by: self.person_name(&o.by),
                hidden_articles: o.articles.len() - shown.len(),
                articles: shown,
            });
        }
        let mut members: Vec<String> = r
            .members
            .iter()
            .map(|m| self.person_name(&m.person))
            .collect();
        members.sort();
        Ok(CommunityView {
            name: r.created.name.clone(),
            description: r.created.description.clone(),
            category: r.created.category.clone(),
            founded_by: self.person_name(&r.created.by),
            founded: r.created.hlc.date(),
            members,
            outcomes,
        })
    }
}
