//! `outpost audit`: who did what, when, from which node and under which key, read from the
//! signed op log in its local order. Nothing here is a record of its own that could be edited
//! after the fact: every line is an op whose signature `outpost check` verifies, and refused
//! ops (kept in the log with no effect) are listed with the reason they were refused.

use std::collections::BTreeMap;

use redb::ReadableTable;
use serde::Serialize;

use crate::core::{Refusal, Replica};
use crate::error::{Error, Result};
use crate::model::{ArticleId, Enrolment, NodeId, NodeInfo, Payload, SignedOp};
use crate::store::{self, get};

/// Which ops `outpost audit` lists; every filter given must match.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Only ops touching this article.
    pub article: Option<String>,
    /// Only ops by this person: `name` (on any node) or `name@office`.
    pub user: Option<String>,
    /// Only ops made at or after this time (milliseconds since the epoch, UTC).
    pub since_millis: Option<u64>,
}

/// One op of the log, as the audit shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Where the op stands in this node's log (1 is the first op applied here).
    pub position: u64,
    /// When the op was made, by its node's clock: `YYYY-MM-DDTHH:MM:SSZ`.
    pub time: String,
    pub millis: u64,
    /// The person, as `name@office`.
    pub who: String,
    pub user: String,
    pub office: String,
    /// The node that signed the op (its full id) and the op's number in that node's chain.
    pub node: String,
    pub seq: u64,
    /// The signing key: the first 16 hex digits of BLAKE3 of the node's Ed25519 public key.
    pub key: String,
    /// The op's kind (`article`, `revision`, `status`, `user`, …) and what it did.
    pub kind: String,
    pub what: String,
    pub article: Option<String>,
    /// Why the rules refused the op, when they did (it is kept in the log with no effect).
    pub refused: Option<String>,
}

/// A public key's fingerprint as the audit and `backup` print it.
pub fn key_fingerprint(public_key: &[u8; 32]) -> String {
    let hash = blake3::hash(public_key);
    crate::model::ids::to_hex(&hash.as_bytes()[..8])
}

/// Reads a `--since` date: `YYYY-MM-DD` (midnight UTC) or an RFC 3339 time such as
/// `2026-12-05T08:30:00Z`.
pub fn parse_since(text: &str) -> Result<u64> {
    let text = text.trim();
    let timestamp = if let Ok(date) = text.parse::<jiff::civil::Date>() {
        date.to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .ok()
    } else {
        text.parse::<jiff::Timestamp>().ok()
    };
    timestamp
        .and_then(|t| u64::try_from(t.as_millisecond()).ok())
        .ok_or_else(|| {
            Error::invalid(format!(
                "`{text}` is not a date: give --since as YYYY-MM-DD (e.g. 2026-12-01) or a UTC time such as 2026-12-01T08:30:00Z"
            ))
        })
}

impl Replica {
    /// The log's ops that pass `filter`, in the order they were applied here.
    pub fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let txn = self.db.begin_read()?;
        let ops = txn.open_table(store::OPS)?;
        let log = txn.open_table(store::LOG)?;
        let refused = txn.open_table(store::REFUSED)?;
        let signers = Signers::read(&txn)?;
        let (user_name, user_office) = match filter.user.as_deref() {
            Some(u) => match u.split_once('@') {
                Some((name, office)) => (Some(name), Some(office)),
                None => (Some(u), None),
            },
            None => (None, None),
        };
        let mut hidden = BTreeMap::new();
        let mut entries = Vec::new();
        for row in log.iter()? {
            let (position, key) = row?;
            let Some(bytes) = ops.get(key.value())? else {
                return Err(Error::corrupt(format!(
                    "log position {} names a missing op; run `outpost check`",
                    position.value()
                )));
            };
            let op = SignedOp::decode(bytes.value())?;
            let o = &op.op;
            let article = o.payload.article().map(|a| a.as_str().to_string());
            if filter
                .since_millis
                .is_some_and(|since| o.hlc.millis < since)
                || filter
                    .article
                    .as_deref()
                    .is_some_and(|a| article.as_deref() != Some(a))
                || user_name.is_some_and(|n| n != o.user)
            {
                continue;
            }
            let (office, key) = signers.of(o.node);
            if user_office.is_some_and(|wanted| wanted != office) {
                continue;
            }
            let seen = self.seen_of(&o.payload, &mut hidden)?;
            if seen == Seen::Nothing && filter.article.is_some() {
                // Asked for by id, a hidden article has no history, as a missing one has none.
                continue;
            }
            let refusal: Option<Refusal> = get(&refused, key_of(&op))?;
            entries.push(AuditEntry {
                position: position.value(),
                time: o.hlc.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                millis: o.hlc.millis,
                who: format!("{}@{office}", o.user),
                user: o.user.clone(),
                office: office.to_string(),
                node: o.node.to_string(),
                seq: o.seq,
                key: key.to_string(),
                kind: o.payload.kind().to_string(),
                what: match seen {
                    Seen::All => describe(&o.payload, &signers),
                    Seen::NotTheRevision => format!(
                        "{} a revision above your clearance",
                        article.as_deref().unwrap_or_default()
                    ),
                    Seen::Nothing => "an article above your clearance".to_string(),
                },
                article: article.filter(|_| seen != Seen::Nothing),
                refused: refusal.map(|r| r.reason),
            });
        }
        Ok(entries)
    }
}

/// How much of an op the reader may see in the audit: the titles an op carries and the
/// article it is about are kept from a reader not cleared for them, as every read keeps them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seen {
    All,
    /// The article, but not the revision the op carries (classified above the clearance).
    NotTheRevision,
    /// Not even the article: it is classified above the clearance now.
    Nothing,
}

impl Replica {
    /// What the reader may see of `payload`; `hidden` remembers the articles already looked at.
    fn seen_of(&self, payload: &Payload, hidden: &mut BTreeMap<ArticleId, bool>) -> Result<Seen> {
        let Some(article) = payload.article() else {
            return Ok(Seen::All);
        };
        let article_hidden = match hidden.get(article) {
            Some(h) => *h,
            None => {
                let h = match self.refuse_hidden(article) {
                    Ok(()) => false,
                    Err(Error::NoArticle { .. }) => true,
                    Err(e) => return Err(e),
                };
                hidden.insert(article.clone(), h);
                h
            }
        };
        if article_hidden {
            return Ok(Seen::Nothing);
        }
        Ok(match payload {
            Payload::ArticleCreated { revision, .. } | Payload::RevisionAdded { revision, .. }
                if !self.may_see(revision.content.classification) =>
            {
                Seen::NotTheRevision
            }
            _ => Seen::All,
        })
    }
}

fn key_of(op: &SignedOp) -> ([u8; 16], u64) {
    (op.op.node.0, op.op.seq)
}

/// Offices and key fingerprints of the nodes the log speaks of: from their `NodeCreated` op
/// (the nodes table), else from HQ's `NodeEnrolled` op (the enrolments table).
struct Signers(BTreeMap<NodeId, (String, String)>);

impl Signers {
    fn read(txn: &redb::ReadTransaction) -> Result<Self> {
        let mut known = BTreeMap::new();
        for row in txn.open_table(store::ENROLMENTS)?.iter()? {
            let (_, v) = row?;
            let e: Enrolment = store::decode(v.value())?;
            known.insert(e.node, (e.office, key_fingerprint(&e.public_key)));
        }
        for row in txn.open_table(store::NODES)?.iter()? {
            let (_, v) = row?;
            let n: NodeInfo = store::decode(v.value())?;
            known.insert(n.id, (n.office, key_fingerprint(&n.public_key)));
        }
        Ok(Signers(known))
    }

    /// The node's office and key fingerprint; a node the log never introduced shows its id.
    fn of(&self, node: NodeId) -> (&str, &str) {
        match self.0.get(&node) {
            Some((office, key)) => (office, key),
            None => ("?", "?"),
        }
    }

    fn office(&self, node: NodeId) -> String {
        match self.0.get(&node) {
            Some((office, _)) => office.clone(),
            None => node.short(),
        }
    }
}

/// What an op did, in a few words.
fn describe(payload: &Payload, signers: &Signers) -> String {
    match payload {
        Payload::NodeCreated { office, hq, .. } => {
            format!("created node {office}{}", if *hq { " (HQ)" } else { "" })
        }
        Payload::UserCreated { name, role } => {
            format!("created account {name} ({})", role.as_str())
        }
        Payload::KnowledgeMapSet { map } => {
            format!(
                "set {} categories of the Knowledge Map",
                map.categories.len()
            )
        }
        Payload::RevisionAdded { article, revision } => format!(
            "{} {article} (revision {}): {}",
            if revision.parents.is_empty() {
                "wrote"
            } else {
                "revised"
            },
            revision.id().short(),
            revision.content.title
        ),
        Payload::StatusSet { article, status } => {
            format!("set {article} {}", status.as_str())
        }
        Payload::NodeEnrolled { office, .. } => format!("enrolled post {office}"),
        Payload::NodeTrusted { node } => format!("trusted node {}", signers.office(*node)),
        Payload::ArticleCreated {
            article,
            revision,
            status,
        } => format!(
            "created {article} ({}): {}",
            status.as_str(),
            revision.content.title
        ),
        Payload::RevisionPublished { article, revision } => {
            format!("published revision {} of {article}", revision.short())
        }
        #[allow(unreachable_patterns)]
        other => other.kind().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_date_or_a_utc_time() {
        assert_eq!(parse_since("1970-01-02").expect("date"), 86_400_000);
        assert_eq!(parse_since("1970-01-01T00:00:01Z").expect("time"), 1_000);
        let wrong = parse_since("yesterday").expect_err("refused").to_string();
        assert!(wrong.contains("YYYY-MM-DD"), "{wrong}");
        assert!(parse_since("2026-13-45").is_err());
    }

    #[test]
    fn a_fingerprint_is_sixteen_hex_digits_of_the_keys_hash() {
        let print = key_fingerprint(&[7; 32]);
        assert_eq!(print.len(), 16);
        assert_ne!(print, key_fingerprint(&[8; 32]));
    }
}
