//! Freshness and required reading, as kept per article (`core/freshness.rs`,
//! `core/required_reading.rs`): who owns an article, the flags readers raised and the owner's
//! confirmations, which article supersedes it, whom HQ requires to read it and who
//! acknowledged. Every record is a function of the set of ops held.

use serde::{Deserialize, Serialize};

use super::{ArticleId, Author, Hash, Hlc, NodeId, Role, Stamped};

/// When an op was made and by whom: enough to order it and to name its maker.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Mark {
    pub hlc: Hlc,
    pub node: NodeId,
    pub user: String,
}

impl Mark {
    pub fn author(&self) -> Author {
        Author {
            node: self.node,
            name: self.user.clone(),
        }
    }

    pub fn key(&self) -> (Hlc, NodeId) {
        (self.hlc, self.node)
    }
}

/// A reader's flag: "outdated", "wrong", …
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Flag {
    pub mark: Mark,
    pub reason: String,
}

/// One supersession op: `mark` says the article is superseded by `by`. Whether it counts is
/// decided by the fold over every supersession held (`core/freshness.rs`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Supersession {
    pub mark: Mark,
    pub by: ArticleId,
    /// False when, in `(hlc, node)` order, it would have closed a cycle of supersessions.
    pub counted: bool,
}

/// An article's freshness: its owner, flags and latest confirmation. Its supersessions are
/// kept apart (`store::SUPERSESSIONS`), since their fold spans articles.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct FreshnessRecord {
    /// Whoever made the article's first revision (the earliest, if two nodes did).
    pub owner: Option<Stamped<Author>>,
    /// Every flag, sorted by `(hlc, node)`; those before the latest confirmation are cleared.
    pub flags: Vec<Flag>,
    /// The latest confirmation ("still correct"), by `(hlc, node)`.
    pub confirmed: Option<Mark>,
}

impl FreshnessRecord {
    /// Flags raised after the latest confirmation.
    pub fn open_flags(&self) -> impl Iterator<Item = &Flag> {
        let cleared = self.confirmed.as_ref().map(Mark::key);
        self.flags
            .iter()
            .filter(move |f| cleared.is_none_or(|c| f.mark.key() > c))
    }

    /// Keeps a flag in `(hlc, node)` order.
    pub fn add_flag(&mut self, flag: Flag) {
        let at = self
            .flags
            .partition_point(|f| f.mark.key() < flag.mark.key());
        self.flags.insert(at, flag);
    }

    /// Keeps the later of the held confirmation and `mark`.
    pub fn confirm(&mut self, mark: Mark) {
        if self.confirmed.as_ref().is_none_or(|c| c.key() < mark.key()) {
            self.confirmed = Some(mark);
        }
    }
}

/// The successor readers of an article are sent to: its latest supersession that counts.
pub fn successor(supersessions: &[Supersession]) -> Option<&ArticleId> {
    supersessions
        .iter()
        .rev()
        .find(|s| s.counted)
        .map(|s| &s.by)
}

/// Keeps a supersession in `(hlc, node)` order (counted once the fold says so).
pub fn add_supersession(list: &mut Vec<Supersession>, s: Supersession) {
    let at = list.partition_point(|x| x.mark.key() < s.mark.key());
    list.insert(at, s);
}

/// Whom HQ requires to read an article.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum Audience {
    /// Everyone whose account is on a node of this office.
    Office(String),
    /// Everyone whose account has this role, or who was granted it.
    Role(Role),
}

impl Audience {
    pub fn describe(&self) -> String {
        match self {
            Audience::Office(o) => format!("office {o}"),
            Audience::Role(r) => format!("role {}", r.as_str()),
        }
    }
}

/// One requirement: an audience, and the date (`YYYY-MM-DD`) by which to have read it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Requirement {
    pub mark: Mark,
    pub audience: Audience,
    pub due: String,
}

/// An officer's acknowledgement of the revision they read.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub mark: Mark,
    pub revision: Hash,
}

/// Required reading of one article: every requirement (they add up) and the earliest
/// acknowledgement of each person, both sorted.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct ReadingRecord {
    /// Sorted by `(hlc, node)`.
    pub requirements: Vec<Requirement>,
    /// One per person (the earliest by `(hlc, node)`), sorted by person.
    pub acks: Vec<Acknowledgement>,
}

impl ReadingRecord {
    pub fn add_requirement(&mut self, r: Requirement) {
        let at = self
            .requirements
            .partition_point(|x| x.mark.key() < r.mark.key());
        self.requirements.insert(at, r);
    }

    /// Keeps a person's earliest acknowledgement.
    pub fn add_ack(&mut self, ack: Acknowledgement) {
        let who = ack.mark.author();
        match self.acks.binary_search_by(|a| a.mark.author().cmp(&who)) {
            Ok(i) if self.acks[i].mark.key() > ack.mark.key() => self.acks[i] = ack,
            Ok(_) => {}
            Err(i) => self.acks.insert(i, ack),
        }
    }

    pub fn ack_of(&self, who: &Author) -> Option<&Acknowledgement> {
        self.acks
            .binary_search_by(|a| a.mark.author().cmp(who))
            .ok()
            .map(|i| &self.acks[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(millis: u64, user: &str) -> Mark {
        Mark {
            hlc: Hlc { millis, counter: 0 },
            node: NodeId([1; 16]),
            user: user.into(),
        }
    }

    #[test]
    fn a_confirmation_clears_the_flags_before_it_and_not_those_after() {
        let mut r = FreshnessRecord::default();
        for (at, reason) in [(30, "late"), (10, "early")] {
            r.add_flag(Flag {
                mark: mark(at, "lek"),
                reason: reason.into(),
            });
        }
        assert_eq!(r.flags[0].reason, "early", "kept in clock order");
        r.confirm(mark(20, "owner"));
        r.confirm(mark(15, "older"));
        assert_eq!(r.confirmed.as_ref().map(|c| c.user.as_str()), Some("owner"));
        let open: Vec<&str> = r.open_flags().map(|f| f.reason.as_str()).collect();
        assert_eq!(open, ["late"]);
    }

    #[test]
    fn each_persons_earliest_acknowledgement_stands_whatever_the_order() {
        let mut r = ReadingRecord::default();
        let ack = |millis, user: &str| Acknowledgement {
            mark: mark(millis, user),
            revision: Hash([0; 32]),
        };
        r.add_ack(ack(50, "nok"));
        r.add_ack(ack(40, "lek"));
        r.add_ack(ack(30, "nok"));
        r.add_ack(ack(60, "nok"));
        let kept: Vec<(&str, u64)> = r
            .acks
            .iter()
            .map(|a| (a.mark.user.as_str(), a.mark.hlc.millis))
            .collect();
        assert_eq!(kept, [("lek", 40), ("nok", 30)]);
        assert!(r.ack_of(&mark(0, "dao").author()).is_none());
    }

    #[test]
    fn the_successor_is_the_latest_supersession_that_counts() {
        let by = |s: &str| ArticleId::parse(s).expect("id");
        let mut list = Vec::new();
        for (at, to, counted) in [(20, "new-b", false), (10, "new-a", true)] {
            add_supersession(
                &mut list,
                Supersession {
                    mark: mark(at, "eva"),
                    by: by(to),
                    counted,
                },
            );
        }
        assert_eq!(successor(&list), Some(&by("new-a")));
        list[1].counted = true;
        assert_eq!(successor(&list), Some(&by("new-b")));
        assert_eq!(successor(&[]), None);
    }
}
