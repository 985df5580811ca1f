//! Freshness as people use it: flag, confirm, supersede, an article's freshness, and the list
//! of what is stale. Each change turns into a signed op judged by `core::freshness` like one
//! received; what is checked here first only makes the message clearer (and sees the whole
//! node, where the core may judge only by what every node is sure to hold).

use std::collections::BTreeMap;

use redb::ReadableTable;
use serde::Serialize;

use super::Replica;
use super::evaluation::policy_value;
use crate::error::{Error, Result};
use crate::model::evaluation::policy;
use crate::model::{
    ArticleId, ArticleRecord, FreshnessRecord, Hlc, Payload, Status, Supersession, User,
};
use crate::store;

/// How many days ahead `stale` looks for articles coming due.
pub const DUE_SOON_DAYS: i64 = 30;

/// A reader's flag, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FlagView {
    pub who: String,
    pub when: String,
    pub reason: String,
}

/// An article's freshness, as `show` and the reader give it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FreshnessView {
    /// `name@office`.
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub review_by: String,
    /// "ok", "due-soon" or "past-due".
    pub due: String,
    /// The flags raised since the last confirmation.
    pub flags: Vec<FlagView>,
    /// `name@office YYYY-MM-DD HH:MM` of the latest confirmation.
    pub confirmed: Option<String>,
    /// The successor readers are sent to, and its title.
    pub superseded_by: Option<String>,
    pub successor_title: Option<String>,
}

/// One stale article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StaleItem {
    pub article: String,
    pub title: String,
    pub kind: String,
    pub owner: String,
    pub review_by: String,
    /// "past-due", "due-soon" or "ok" (listed for its flags).
    pub due: String,
    /// Days until the review-by date (negative: overdue).
    pub days_left: i64,
    pub flags: Vec<FlagView>,
}

fn civil_date(hlc: Hlc) -> jiff::civil::Date {
    hlc.timestamp().to_zoned(jiff::tz::TimeZone::UTC).date()
}

impl Replica {
    fn freshness_record(&self, id: &ArticleId) -> Result<FreshnessRecord> {
        let txn = self.read()?;
        Ok(store::get(&txn.open_table(store::FRESHNESS)?, id.as_str())?.unwrap_or_default())
    }

    /// Every supersession held, by the article superseded.
    fn supersessions(&self) -> Result<BTreeMap<ArticleId, Vec<Supersession>>> {
        let txn = self.read()?;
        let mut out = BTreeMap::new();
        for entry in txn.open_table(store::SUPERSESSIONS)?.iter()? {
            let (k, v) = entry?;
            out.insert(ArticleId::parse(k.value())?, store::decode(v.value())?);
        }
        Ok(out)
    }

    /// The article that supersedes `id`, if one does.
    pub fn successor(&self, id: &ArticleId) -> Result<Option<ArticleId>> {
        let txn = self.read()?;
        let list: Option<Vec<Supersession>> =
            store::get(&txn.open_table(store::SUPERSESSIONS)?, id.as_str())?;
        let Some(next) = list.and_then(|l| crate::model::freshness::successor(&l).cloned()) else {
            return Ok(None);
        };
        // A successor above the reader's clearance is not named: it reads as missing.
        let visible = self
            .load_article(&next)?
            .is_some_and(|r| self.may_see(r.content.classification));
        Ok(visible.then_some(next))
    }

    /// `user` flags the article: anyone may, saying why.
    pub fn flag(&mut self, user: &User, id: &str, reason: &str) -> Result<()> {
        let record = self.article(id)?.record;
        if reason.trim().is_empty() {
            return Err(Error::invalid(
                "say why you flag it: --reason \"outdated\", \"wrong\", …",
            ));
        }
        self.commit(
            &user.name,
            vec![Payload::Flagged {
                article: record.id,
                reason: reason.trim().to_string(),
            }],
        )?;
        Ok(())
    }

    /// The owner or an evaluator of its category says the article is still correct.
    pub fn confirm(&mut self, user: &User, id: &str) -> Result<()> {
        let record = self.article(id)?.record;
        if record.status != Status::Published {
            return Err(Error::invalid(format!(
                "`{id}` is {}: only published articles have a review-by date to confirm",
                record.status
            )));
        }
        self.commit(&user.name, vec![Payload::Confirmed { article: record.id }])?;
        Ok(())
    }

    /// `old` is superseded by `new` (an evaluator of its category or HQ).
    pub fn supersede(&mut self, user: &User, old: &str, new: &str) -> Result<()> {
        let old_record = self.article(old)?.record;
        let new_record = self.article(new)?.record;
        if old_record.id == new_record.id {
            return Err(Error::invalid(format!(
                "`{old}` cannot supersede itself: name its successor with --by"
            )));
        }
        for (r, what) in [(&old_record, "superseded"), (&new_record, "its successor")] {
            if r.status == Status::Retired {
                return Err(Error::invalid(format!(
                    "`{}` is retired: a retired article cannot be {what}",
                    r.id
                )));
            }
        }
        let mut successors: BTreeMap<ArticleId, ArticleId> = BTreeMap::new();
        for (a, list) in self.supersessions()? {
            if let Some(s) = crate::model::freshness::successor(&list) {
                successors.insert(a, s.clone());
            }
        }
        successors.remove(&old_record.id);
        let mut path = vec![old_record.id.to_string(), new_record.id.to_string()];
        let mut at = &new_record.id;
        while let Some(next) = successors.get(at) {
            path.push(next.to_string());
            if *next == old_record.id {
                return Err(Error::invalid(format!(
                    "superseding `{old}` by `{new}` would close a cycle ({}): an article cannot lead readers back to itself",
                    path.join(" → ")
                )));
            }
            at = next;
        }
        self.commit(
            &user.name,
            vec![Payload::Superseded {
                article: old_record.id,
                by: new_record.id,
            }],
        )?;
        Ok(())
    }

    /// The review-by date of `record`: a confirmation after its last revision pushes it to the
    /// confirmation plus the kind's interval; else the author's date, else the last revision
    /// plus the interval (HQ's `freshness.review-months.KIND`).
    fn review_by(&self, record: &ArticleRecord, f: &FreshnessRecord) -> Result<jiff::civil::Date> {
        let months = {
            let txn = self.read()?;
            policy_value(
                &txn.open_table(store::POLICIES)?,
                &policy::review_months_key(record.content.kind),
                &record.content.category,
            )?
        };
        let span = jiff::Span::new().months(i64::from(months));
        let plus = |hlc: Hlc| {
            civil_date(hlc)
                .checked_add(span)
                .unwrap_or(jiff::civil::Date::MAX)
        };
        Ok(match &f.confirmed {
            Some(c) if c.hlc > record.updated => plus(c.hlc),
            _ => match record
                .content
                .review_by
                .as_deref()
                .and_then(|d| crate::model::article::parse_date(d).ok())
            {
                Some(d) => d,
                None => plus(record.updated),
            },
        })
    }

    fn today(&self) -> jiff::civil::Date {
        civil_date(Hlc {
            millis: self.now_millis(),
            counter: 0,
        })
    }

    fn flag_views(&self, f: &FreshnessRecord) -> Vec<FlagView> {
        f.open_flags()
            .map(|flag| FlagView {
                who: self.person_name(&flag.mark.author()),
                when: flag.mark.hlc.display(),
                reason: flag.reason.clone(),
            })
            .collect()
    }

    fn owner_name(&self, record: &ArticleRecord, f: &FreshnessRecord) -> String {
        match &f.owner {
            Some(o) => self.person_name(&o.value),
            None => record.origin_office.clone(),
        }
    }

    /// Days from today to `date`, and what that makes it.
    fn due(&self, date: jiff::civil::Date) -> (i64, &'static str) {
        // Between civil dates the span is in days.
        let days = self
            .today()
            .until(date)
            .map_or(0, |s| i64::from(s.get_days()));
        let due = if days < 0 {
            "past-due"
        } else if days <= DUE_SOON_DAYS {
            "due-soon"
        } else {
            "ok"
        };
        (days, due)
    }

    /// Where `id` stands: owner, review-by date, open flags, successor.
    pub fn freshness(&self, id: &str) -> Result<FreshnessView> {
        let record = self.article(id)?.record;
        let f = self.freshness_record(&record.id)?;
        let review_by = self.review_by(&record, &f)?;
        let successor = self.successor(&record.id)?;
        let successor_title = match &successor {
            Some(s) => self.load_article(s)?.map(|r| r.content.title),
            None => None,
        };
        Ok(FreshnessView {
            owner: self.owner_name(&record, &f),
            review_by: review_by.to_string(),
            due: self.due(review_by).1.to_string(),
            flags: self.flag_views(&f),
            confirmed: f
                .confirmed
                .as_ref()
                .map(|c| format!("{} {}", self.person_name(&c.author()), c.hlc.display())),
            superseded_by: successor.map(|s| s.to_string()),
            successor_title,
        })
    }

    /// Published articles past their review-by date, due within `DUE_SOON_DAYS`, or flagged;
    /// superseded ones are left out (readers are sent on). Most overdue first.
    pub fn stale(&self) -> Result<Vec<StaleItem>> {
        let published = self.list_articles(&super::ArticleFilter {
            status: Some(Status::Published),
            ..Default::default()
        })?;
        let superseded = self.supersessions()?;
        let mut items = Vec::new();
        for record in published {
            if superseded
                .get(&record.id)
                .is_some_and(|l| crate::model::freshness::successor(l).is_some())
            {
                continue;
            }
            let f = self.freshness_record(&record.id)?;
            let review_by = self.review_by(&record, &f)?;
            let (days_left, due) = self.due(review_by);
            let flags = self.flag_views(&f);
            if due == "ok" && flags.is_empty() {
                continue;
            }
            items.push(StaleItem {
                article: record.id.to_string(),
                title: record.content.title.clone(),
                kind: record.content.kind.to_string(),
                owner: self.owner_name(&record, &f),
                review_by: review_by.to_string(),
                due: due.to_string(),
                days_left,
                flags,
            });
        }
        items.sort_by(|a, b| (a.days_left, &a.article).cmp(&(b.days_left, &b.article)));
        Ok(items)
    }

    /// The stale articles `user` owns: what Home shows them.
    pub fn my_stale(&self, user: &User) -> Result<Vec<StaleItem>> {
        let me = self.person_name(&self.author(user));
        Ok(self
            .stale()?
            .into_iter()
            .filter(|i| i.owner == me)
            .collect())
    }
}
