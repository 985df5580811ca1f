//! Required reading as people use it: HQ requires an article of an office or a role by a date,
//! officers acknowledge it, and the compliance report says who has, as this node knows it.
//!
//! An acknowledgement names the revision the officer read: the one `show` and the reader
//! display when they acknowledge (the published text). Reading is not recorded apart — a
//! read-only `show` never writes — so "after opening it" is the officer's word, tied to a text.

use std::collections::BTreeMap;

use redb::ReadableTable;
use serde::Serialize;

use super::Replica;
use super::required_reading::addresses;
use crate::error::{Error, Result};
use crate::model::{ArticleId, Audience, Author, Payload, ReadingRecord, User};
use crate::store;

/// An article required of the person asking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequiredItem {
    pub article: String,
    pub title: String,
    /// The earliest date a requirement addressing them sets (`YYYY-MM-DD`).
    pub due: String,
    pub overdue: bool,
    /// When they acknowledged it (`YYYY-MM-DD HH:MM`), if they did.
    pub acknowledged: Option<String>,
}

/// One person's reading of one required article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonCompliance {
    /// `name@office`.
    pub person: String,
    pub article: String,
    pub due: String,
    pub acknowledged: Option<String>,
    pub overdue: bool,
}

/// One office's compliance, as this node knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OfficeCompliance {
    pub office: String,
    /// When the latest bundle from this office arrived here (`YYYY-MM-DD HH:MM`): what this
    /// node knows is as old as that. None: no bundle from it yet (or it is this node).
    pub latest_bundle: Option<String>,
    /// When the newest change this node holds from the office was made (`YYYY-MM-DD HH:MM`):
    /// relayed news of an office that sends no bundle here directly.
    pub latest_change: Option<String>,
    pub required: u32,
    pub acknowledged: u32,
    pub people: Vec<PersonCompliance>,
}

fn parse_id(id: &str) -> Result<ArticleId> {
    ArticleId::parse(id).map_err(|_| Error::NoArticle { id: id.to_string() })
}

impl Replica {
    fn reading_record(&self, id: &ArticleId) -> Result<ReadingRecord> {
        let txn = self.read()?;
        Ok(store::get(&txn.open_table(store::READING)?, id.as_str())?.unwrap_or_default())
    }

    /// HQ requires `id` of `audience` by `due` (`YYYY-MM-DD`).
    pub fn require(&mut self, user: &User, id: &str, audience: Audience, due: &str) -> Result<()> {
        let record = self.article(id)?.record;
        crate::model::article::parse_date(due)?;
        if let Audience::Office(office) = &audience
            && !self
                .known_nodes()?
                .iter()
                .any(|n| n.office.eq_ignore_ascii_case(office))
        {
            return Err(Error::invalid(format!(
                "no known office `{office}`: `outpost node list` shows the offices"
            )));
        }
        if !self.may_publish(user)? {
            return Err(Error::Denied {
                reason:
                    "required reading is set by an administrator at HQ (or at a node HQ trusts)"
                        .into(),
            });
        }
        self.commit(
            &user.name,
            vec![Payload::ReadingRequired {
                article: record.id,
                audience,
                due: due.to_string(),
            }],
        )?;
        Ok(())
    }

    /// Whether `audience` takes in `who` now.
    fn addressed(&self, audience: &Audience, who: &Author) -> Result<bool> {
        let office = self.node(&who.node).map(|n| n.office).unwrap_or_default();
        let txn = self.read()?;
        let user: Option<User> = store::get(
            &txn.open_table(store::USERS)?,
            (who.node.0, who.name.as_str()),
        )?;
        let grants = self.grants_of(who)?;
        let in_force: Vec<_> = grants.into_iter().filter(|g| g.in_force()).collect();
        Ok(addresses(audience, &office, user.as_ref(), &in_force, 0))
    }

    /// `user` acknowledges having read `id` (its published text).
    pub fn ack(&mut self, user: &User, id: &str) -> Result<()> {
        let record = self.article(id)?.record;
        let me = self.author(user);
        let reading = self.reading_record(&record.id)?;
        let mut addressed = false;
        for r in &reading.requirements {
            addressed |= self.addressed(&r.audience, &me)?;
        }
        if !addressed {
            return Err(Error::Denied {
                reason: format!(
                    "`{id}` is not required of {}: only what HQ requires of your office or role is acknowledged",
                    self.person_name(&me)
                ),
            });
        }
        if reading.ack_of(&me).is_some() {
            return Err(Error::invalid(format!(
                "{} already acknowledged `{id}`",
                self.person_name(&me)
            )));
        }
        self.commit(
            &user.name,
            vec![Payload::Acknowledged {
                article: record.id,
                revision: record.current,
            }],
        )?;
        Ok(())
    }

    /// Every required article as (id, record), in id order.
    fn required_articles(&self) -> Result<Vec<(ArticleId, ReadingRecord)>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for entry in txn.open_table(store::READING)?.iter()? {
            let (k, v) = entry?;
            let id = ArticleId::parse(k.value())?;
            // What the reader may not see is not required of them here: not a title, not a count.
            if self
                .load_article(&id)?
                .is_some_and(|r| self.may_see(r.content.classification))
            {
                out.push((id, store::decode(v.value())?));
            }
        }
        Ok(out)
    }

    /// The earliest due date of the requirements of `reading` that address `who`.
    fn due_for(&self, reading: &ReadingRecord, who: &Author) -> Result<Option<String>> {
        let mut due: Option<String> = None;
        for r in &reading.requirements {
            if self.addressed(&r.audience, who)? && due.as_ref().is_none_or(|d| r.due < *d) {
                due = Some(r.due.clone());
            }
        }
        Ok(due)
    }

    fn today_string(&self) -> String {
        crate::model::Hlc {
            millis: self.now_millis(),
            counter: 0,
        }
        .date()
    }

    /// What `user` must read, acknowledged or not, by due date.
    pub fn required_reading(&self, user: &User) -> Result<Vec<RequiredItem>> {
        let me = self.author(user);
        let today = self.today_string();
        let mut items = Vec::new();
        for (id, reading) in self.required_articles()? {
            let Some(due) = self.due_for(&reading, &me)? else {
                continue;
            };
            let acknowledged = reading.ack_of(&me).map(|a| a.mark.hlc.display());
            items.push(RequiredItem {
                title: self
                    .load_article(&id)?
                    .map(|r| r.content.title)
                    .unwrap_or_default(),
                article: id.to_string(),
                overdue: acknowledged.is_none() && due < today,
                due,
                acknowledged,
            });
        }
        items.sort_by(|a, b| (&a.due, &a.article).cmp(&(&b.due, &b.article)));
        Ok(items)
    }

    /// Compliance per office and person, over every account this node knows (accounts are
    /// known from their nodes' ops): `office` narrows it to one office.
    pub fn ack_report(&self, office: Option<&str>) -> Result<Vec<OfficeCompliance>> {
        let today = self.today_string();
        let required = self.required_articles()?;
        let peers = self.peers()?;
        let nodes = self.known_nodes()?;
        if let Some(o) = office
            && !nodes.iter().any(|n| n.office.eq_ignore_ascii_case(o))
        {
            return Err(Error::invalid(format!(
                "no known office `{o}`: `outpost node list` shows the offices"
            )));
        }
        let mut offices: BTreeMap<String, OfficeCompliance> = BTreeMap::new();
        let txn = self.read()?;
        for entry in txn.open_table(store::USERS)?.iter()? {
            let user: User = store::decode(entry?.1.value())?;
            let Some(node) = nodes.iter().find(|n| n.id == user.node) else {
                continue;
            };
            if office.is_some_and(|o| !node.office.eq_ignore_ascii_case(o)) || user.disabled {
                continue;
            }
            let who = Author {
                node: user.node,
                name: user.name.clone(),
            };
            let slot = offices
                .entry(node.office.clone())
                .or_insert_with(|| OfficeCompliance {
                    office: node.office.clone(),
                    latest_bundle: peers
                        .get(&node.id)
                        .filter(|p| p.last_received_millis > 0)
                        .map(|p| {
                            crate::model::Hlc {
                                millis: p.last_received_millis,
                                counter: 0,
                            }
                            .display()
                        }),
                    latest_change: None,
                    required: 0,
                    acknowledged: 0,
                    people: Vec::new(),
                });
            let newest = self.latest_op_of(node.id)?;
            if newest.is_some_and(|n| slot.latest_change.as_ref().is_none_or(|l| n.display() > *l))
            {
                slot.latest_change = newest.map(|n| n.display());
            }
            for (id, reading) in &required {
                let Some(due) = self.due_for(reading, &who)? else {
                    continue;
                };
                let acknowledged = reading.ack_of(&who).map(|a| a.mark.hlc.display());
                slot.required += 1;
                slot.acknowledged += u32::from(acknowledged.is_some());
                slot.people.push(PersonCompliance {
                    person: self.person_name(&who),
                    article: id.to_string(),
                    overdue: acknowledged.is_none() && due < today,
                    due,
                    acknowledged,
                });
            }
        }
        Ok(offices.into_values().collect())
    }

    /// The clock of the newest op held from `node`.
    fn latest_op_of(&self, node: crate::model::NodeId) -> Result<Option<crate::model::Hlc>> {
        let (seq, _) = self.chain_tip(node)?;
        if seq == 0 {
            return Ok(None);
        }
        let txn = self.read()?;
        let op = txn.open_table(store::OPS)?.get((node.0, seq))?;
        Ok(match op {
            Some(bytes) => Some(crate::model::SignedOp::decode(bytes.value())?.op.hlc),
            None => None,
        })
    }

    /// The requirements on `id`, as `show` lists them: "office X by DATE".
    pub fn requirements(&self, id: &str) -> Result<Vec<String>> {
        let id = parse_id(id)?;
        Ok(self
            .reading_record(&id)?
            .requirements
            .iter()
            .map(|r| format!("{} by {}", r.audience.describe(), r.due))
            .collect())
    }
}
