//! Mileage: points for contributions, computed when asked from the facts apply keeps
//! (`core/activity.rs`) times the rules in force — HQ's latest `MileageRulesSet`, else the
//! shipped `assets/mileage.toml`. No total is ever stored, so every node holding the same ops
//! shows the same points, and a change of rules applies to every contribution alike.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::Replica;
use super::activity::{ArticleSummary, for_each_fact};
use super::apply::{Halt, Step};
use super::batch::Batch;
use crate::error::{Error, Result};
use crate::model::mileage::{Fact, FactSource, MileageRules, RulesRecord};
use crate::model::{Author, Classification, NodeId, Payload, SignedOp, User};
use crate::store::{self, encode, get};

const RULES_KEY: &str = "rules";

/// Records HQ's rules; the latest op by `(hlc, node)` stands whatever the order of arrival.
pub(crate) fn set_rules(b: &mut Batch, op: &SignedOp, toml: &str) -> Step<()> {
    let o = &op.op;
    let held: Option<RulesRecord> = get(&b.mileage_rules, RULES_KEY)?;
    if held.is_none_or(|h| (h.hlc, h.node) < (o.hlc, o.node)) {
        let record = RulesRecord {
            toml: toml.to_string(),
            hlc: o.hlc,
            node: o.node,
        };
        b.mileage_rules
            .insert(RULES_KEY, encode(&record).as_slice())
            .map_err(|e| Halt::Failed(e.into()))?;
    }
    Ok(())
}

/// What a leaderboard counts.
#[derive(Clone, Debug, Default)]
pub struct MileageFilter {
    /// Only people of this office (its name, any case).
    pub office: Option<String>,
    /// Only contributions at or after this time (ms since the epoch, UTC).
    pub since_millis: Option<u64>,
}

/// One line of a leaderboard: a person (`name@office`) or an office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub name: String,
    pub points: u64,
    /// Contributions counted.
    pub contributions: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Leaderboard {
    /// The rules in force: points per kind of contribution.
    pub rules: BTreeMap<&'static str, u32>,
    /// Most points first; ties by name.
    pub people: Vec<Standing>,
    pub offices: Vec<Standing>,
}

/// One contribution of a person's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// `YYYY-MM-DD HH:MM` UTC.
    pub when: String,
    pub kind: &'static str,
    pub points: u32,
    /// The op behind it (`NODE#SEQ`), or `article ID` for a publication.
    pub source: String,
    /// The article it is about, when the reader may see it.
    pub article: Option<String>,
}

impl Replica {
    /// The rules in force on this node.
    pub fn mileage_rules(&self) -> Result<MileageRules> {
        let txn = self.read()?;
        let held: Option<RulesRecord> =
            store::get(&txn.open_table(store::MILEAGE_RULES)?, RULES_KEY)?;
        match held {
            Some(r) => MileageRules::parse(&r.toml, false),
            None => Ok(MileageRules::shipped()),
        }
    }

    /// HQ replaces the mileage rules for every node.
    pub fn set_mileage_rules(&mut self, user: &User, toml: &str) -> Result<MileageRules> {
        let rules = MileageRules::parse(toml, true)?;
        if !self.may_publish(user)? {
            return Err(Error::Denied {
                reason: "mileage rules are set by an administrator at HQ (or at a node HQ trusts)"
                    .into(),
            });
        }
        self.commit(
            &user.name,
            vec![Payload::MileageRulesSet {
                toml: toml.to_string(),
            }],
        )?;
        Ok(rules)
    }

    /// Each known node's office, by node id.
    pub(super) fn offices(&self) -> Result<HashMap<NodeId, String>> {
        Ok(self
            .known_nodes()?
            .into_iter()
            .map(|n| (n.id, n.office))
            .collect())
    }

    /// People and offices by points.
    pub fn mileage(&self, filter: &MileageFilter) -> Result<Leaderboard> {
        let rules = self.mileage_rules()?;
        let offices = self.offices()?;
        let wanted = filter.office.as_deref().map(str::to_lowercase);
        let mut people: HashMap<Author, (u64, u64)> = HashMap::new();
        for_each_fact(&*self.read()?, filter.since_millis.unwrap_or(0), |fact| {
            let entry = people.entry(fact.person).or_default();
            entry.0 += u64::from(rules.points(fact.kind));
            entry.1 += 1;
        })?;
        let office_of = |node: &NodeId| offices.get(node).cloned().unwrap_or_else(|| node.short());
        let mut by_office: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        let mut standings = Vec::new();
        for (person, (points, contributions)) in people {
            let office = office_of(&person.node);
            if wanted.as_ref().is_some_and(|w| *w != office.to_lowercase()) {
                continue;
            }
            let o = by_office.entry(office.clone()).or_default();
            o.0 += points;
            o.1 += contributions;
            standings.push(Standing {
                name: format!("{}@{office}", person.name),
                points,
                contributions,
            });
        }
        let mut office_standings: Vec<Standing> = by_office
            .into_iter()
            .map(|(name, (points, contributions))| Standing {
                name,
                points,
                contributions,
            })
            .collect();
        rank(&mut standings);
        rank(&mut office_standings);
        Ok(Leaderboard {
            rules: rules.points.iter().map(|(k, v)| (k.key(), *v)).collect(),
            people: standings,
            offices: office_standings,
        })
    }

    /// A person's contributions, oldest first, with the points each earns under the rules in
    /// force and the op behind it. Articles `viewer` may not see are not named.
    pub fn mileage_history(
        &self,
        person: &Author,
        since_millis: Option<u64>,
        viewer: Option<&User>,
    ) -> Result<Vec<HistoryEntry>> {
        let rules = self.mileage_rules()?;
        let txn = self.read()?;
        let summaries = txn.open_table(store::ARTICLE_SUMMARIES)?;
        let who = viewer.map(|u| self.author(u));
        let clearance = viewer.map_or(Classification::Public, |u| u.clearance);
        let mut theirs = Vec::new();
        for_each_fact(&txn, since_millis.unwrap_or(0), |fact| {
            if fact.person == *person {
                theirs.push(fact);
            }
        })?;
        let mut out = Vec::with_capacity(theirs.len());
        for fact in theirs {
            let visible = match &fact.article {
                Some(id) => {
                    let summary: Option<ArticleSummary> = store::get(&summaries, id.as_str())?;
                    summary.is_some_and(|s| s.visible_to(who.as_ref(), clearance))
                }
                // A question's facts carry the question's classification.
                None => fact.classification <= clearance,
            };
            out.push(history_entry(&fact, &rules, visible));
        }
        Ok(out)
    }
}

fn history_entry(fact: &Fact, rules: &MileageRules, visible: bool) -> HistoryEntry {
    let source = match &fact.source {
        FactSource::Op { node, seq } => format!("{}#{seq}", node.short()),
        FactSource::Article { id } if visible => format!("article {id}"),
        FactSource::Article { .. } => "an article you may not see".to_string(),
        FactSource::Vote { target, .. } if visible => format!("a helpful vote on {target}"),
        FactSource::Acceptance { question } if visible => {
            format!("the accepted answer to {question}")
        }
        FactSource::Vote { .. } | FactSource::Acceptance { .. } => {
            "something you may not see".to_string()
        }
    };
    HistoryEntry {
        when: fact.at.display(),
        kind: fact.kind.key(),
        points: rules.points(fact.kind),
        source,
        article: fact.article.clone().filter(|_| visible),
    }
}

/// Most points first, then by name: every node lists equal standings in the same order.
fn rank(standings: &mut [Standing]) {
    standings.sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.name.cmp(&b.name)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{DataDir, InitOptions, NewArticle};
    use crate::model::ArticleContent;

    #[test]
    fn a_schema_6_store_gets_its_facts_and_summaries_on_open() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::new(tmp.path().join("node"));
        let options = InitOptions {
            hq: true,
            ..InitOptions::new("Mae Sai")
        };
        let mut node = Replica::create(&dir, &options).expect("create");
        let admin = node.resolve_user(None).expect("admin");
        let new = NewArticle {
            id: None,
            content: ArticleContent::new("Seals", "clearance", "Check the seal."),
            publish: true,
        };
        node.add_article(&admin, new).expect("add");
        let board = node.mileage(&MileageFilter::default()).expect("mileage");
        assert_eq!(board.people[0].points, 10);

        // A store of schema 6 has none of the activity tables.
        {
            let txn = node.db.begin_write().expect("write");
            txn.delete_table(store::FACTS).expect("drop");
            txn.delete_table(store::ARTICLE_SUMMARIES).expect("drop");
            txn.delete_table(store::COMMUNITIES).expect("drop");
            txn.delete_table(store::MILEAGE_RULES).expect("drop");
            txn.open_table(store::META)
                .expect("meta")
                .insert(store::meta_keys::SCHEMA, 6u64.to_le_bytes().as_slice())
                .expect("schema");
            txn.commit().expect("commit");
        }
        drop(node);
        let node = Replica::open(&dir).expect("open upgrades");
        assert_eq!(
            node.mileage(&MileageFilter::default()).expect("mileage"),
            board
        );
    }
}
