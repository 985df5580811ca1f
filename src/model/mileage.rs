//! Mileage: the contributions that earn points (`FactKind`), one contribution as recorded
//! (`Fact`), and the rules that say what each kind is worth (`MileageRules`, shipped in
//! `assets/mileage.toml`, replaced by HQ's `MileageRulesSet` ops).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Author, Classification, Hlc, NodeId};
use crate::error::{Error, Result};

/// The shipped rules.
pub const SHIPPED_RULES: &str = include_str!("../../assets/mileage.toml");

/// The most points one contribution may be worth: a typo of a rule must not swamp the table.
pub const MAX_POINTS: u32 = 10_000;

/// The largest rules text an op carries.
pub const RULES_BYTES: usize = 16 * 1024;

/// A kind of contribution. New kinds go at the end: facts are stored postcard-encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FactKind {
    ArticlePublished,
    EvaluationDone,
    CopOutcome,
    QuestionAsked,
    AnswerPosted,
    AnswerAccepted,
    QuestionAnsweredWithinDay,
    HelpfulReceived,
    CommentPosted,
}

impl FactKind {
    pub const ALL: [FactKind; 9] = [
        FactKind::ArticlePublished,
        FactKind::EvaluationDone,
        FactKind::CopOutcome,
        FactKind::QuestionAsked,
        FactKind::AnswerPosted,
        FactKind::AnswerAccepted,
        FactKind::QuestionAnsweredWithinDay,
        FactKind::HelpfulReceived,
        FactKind::CommentPosted,
    ];

    /// The name in `mileage.toml` and in reports.
    pub fn key(self) -> &'static str {
        match self {
            FactKind::ArticlePublished => "article-published",
            FactKind::EvaluationDone => "evaluation-done",
            FactKind::CopOutcome => "cop-outcome",
            FactKind::QuestionAsked => "question-asked",
            FactKind::AnswerPosted => "answer-posted",
            FactKind::AnswerAccepted => "answer-accepted",
            FactKind::QuestionAnsweredWithinDay => "question-answered-within-day",
            FactKind::HelpfulReceived => "helpful-received",
            FactKind::CommentPosted => "comment-posted",
        }
    }

    pub fn from_key(key: &str) -> Option<FactKind> {
        FactKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// What a fact comes from: the op behind it, or (for a publication, which several ops may
/// decide) the article whose published state it reflects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FactSource {
    Op {
        node: NodeId,
        seq: u64,
    },
    Article {
        id: String,
    },
    /// A person's standing helpful vote on an answer or an article: withdrawn, its fact goes.
    Vote {
        target: String,
        voter: Author,
    },
    /// A question's accepted answer: when the asker accepts another, its facts move.
    Acceptance {
        question: String,
    },
}

/// One contribution, as `core::activity` records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    pub kind: FactKind,
    pub person: Author,
    pub at: Hlc,
    pub source: FactSource,
    /// The article's category, when the fact is about an article.
    pub category: Option<String>,
    /// The classification of the article it is about: who may see what it names.
    pub classification: Classification,
    /// The article it is about, if any.
    pub article: Option<String>,
}

/// Points per kind of contribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MileageRules {
    pub points: BTreeMap<FactKind, u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    points: BTreeMap<String, i64>,
}

impl MileageRules {
    pub fn shipped() -> MileageRules {
        // The shipped file is parsed by a test; a broken one would give no points at all.
        let points = read_points(SHIPPED_RULES, true).unwrap_or_default();
        MileageRules { points }
    }

    /// Reads rules: each kind named takes its number, the others keep the shipped one.
    /// `strict` refuses names Outpost does not know (what a person types); an op received
    /// from a newer Outpost may name kinds this one does not, which are skipped.
    pub fn parse(text: &str, strict: bool) -> Result<MileageRules> {
        let mut points = Self::shipped().points;
        points.extend(read_points(text, strict)?);
        Ok(MileageRules { points })
    }

    pub fn points(&self, kind: FactKind) -> u32 {
        self.points.get(&kind).copied().unwrap_or(0)
    }
}

/// The numbers a rules text names.
fn read_points(text: &str, strict: bool) -> Result<BTreeMap<FactKind, u32>> {
    if text.len() > RULES_BYTES {
        return Err(Error::invalid(format!(
            "mileage rules are at most {RULES_BYTES} bytes: this file has {}",
            text.len()
        )));
    }
    let file: RulesFile = toml::from_str(text).map_err(|e| {
            Error::invalid(format!(
                "the mileage rules are not valid: {}; write them as in the shipped mileage.toml ([points] then `article-published = 10` lines)",
                e.message()
            ))
        })?;
    let mut points = BTreeMap::new();
    for (name, value) in file.points {
        let Some(kind) = FactKind::from_key(&name) else {
            if strict {
                let known: Vec<&str> = FactKind::ALL.iter().map(|k| k.key()).collect();
                return Err(Error::invalid(format!(
                    "`{}` is not a contribution Outpost counts: use {}",
                    super::validate::escape(&name),
                    known.join(", ")
                )));
            }
            continue;
        };
        let value = u32::try_from(value)
            .ok()
            .filter(|v| *v <= MAX_POINTS)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "{name} = {value}: points are whole numbers from 0 to {MAX_POINTS}"
                ))
            })?;
        points.insert(kind, value);
    }
    Ok(points)
}

/// HQ's rules as the `mileage_rules` table keeps them: the latest `MileageRulesSet` by
/// `(hlc, node)` stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesRecord {
    pub toml: String,
    pub hlc: Hlc,
    pub node: NodeId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_parse_and_name_every_kind() {
        let rules = MileageRules::parse(SHIPPED_RULES, true).expect("shipped rules parse");
        for kind in FactKind::ALL {
            assert!(rules.points.contains_key(&kind), "{} missing", kind.key());
        }
        assert_eq!(rules.points(FactKind::ArticlePublished), 10);
        assert_eq!(MileageRules::shipped(), rules);
    }

    #[test]
    fn a_rule_left_out_keeps_the_shipped_number() {
        let rules = MileageRules::parse("[points]\nevaluation-done = 7\n", true).expect("rules");
        assert_eq!(rules.points(FactKind::EvaluationDone), 7);
        assert_eq!(rules.points(FactKind::ArticlePublished), 10);
    }

    #[test]
    fn unknown_names_are_refused_when_typed_and_skipped_when_received() {
        let text = "[points]\nfuture-kind = 4\n";
        let err = MileageRules::parse(text, true).expect_err("typed");
        assert!(err.to_string().contains("future-kind"), "{err}");
        assert!(MileageRules::parse(text, false).is_ok());
    }

    #[test]
    fn negative_huge_or_malformed_points_are_refused() {
        for text in [
            "[points]\narticle-published = -1\n",
            "[points]\narticle-published = 10001\n",
            "[points]\narticle-published = \"ten\"\n",
            "points = 3",
            "[other]\nx = 1\n",
        ] {
            assert!(MileageRules::parse(text, false).is_err(), "{text}");
        }
    }
}
