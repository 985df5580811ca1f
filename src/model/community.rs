//! Communities of practice: groups of officers with a description, members and registered
//! outcomes (a title, a date, the articles it produced), as materialized from their ops.

use serde::{Deserialize, Serialize};

use super::validate::{check_article_id, check_text, escape};
use super::{ArticleId, Author, Hlc, NodeId};
use crate::error::{Error, Result};

pub const NAME_CHARS: usize = 80;
pub const DESCRIPTION_CHARS: usize = 2_000;
pub const OUTCOME_TITLE_CHARS: usize = 200;
pub const OUTCOME_ARTICLES: usize = 64;

/// A community, keyed by [`name_key`] in `store::COMMUNITIES`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityRecord {
    /// The earliest create by `(hlc, node)`: its name as typed, description and founder. A
    /// later create of the same name is refused wherever it arrives (see `core::community`).
    pub created: Founding,
    /// Members, sorted.
    pub members: Vec<Membership>,
    /// Outcomes, sorted by `(hlc, node)`.
    pub outcomes: Vec<Outcome>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Founding {
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub by: Author,
    pub hlc: Hlc,
    pub seq: u64,
}

impl Founding {
    /// The place of the founding op in the order every node agrees on.
    pub fn order(&self) -> (Hlc, NodeId) {
        (self.hlc, self.by.node)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Membership {
    pub person: Author,
    pub since: Hlc,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub articles: Vec<ArticleId>,
    pub by: Author,
    pub hlc: Hlc,
    pub seq: u64,
}

impl CommunityRecord {
    pub fn is_member(&self, person: &Author) -> bool {
        self.members.iter().any(|m| &m.person == person)
    }
}

/// The key a community is stored and looked up by: its name trimmed and lower-cased, so that
/// `Timber` and `timber ` are one community.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

pub fn check_name(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid(
            "a community needs a name: give one, e.g. `outpost cop create \"Timber inspection\"`",
        ));
    }
    if name.chars().count() > NAME_CHARS {
        return Err(Error::invalid(format!(
            "a community's name is at most {NAME_CHARS} characters: shorten `{}`",
            escape(name)
        )));
    }
    check_text("the community's name", name)
}

pub fn check_description(text: &str) -> Result<()> {
    if text.chars().count() > DESCRIPTION_CHARS {
        return Err(Error::invalid(format!(
            "a community's description is at most {DESCRIPTION_CHARS} characters: shorten it"
        )));
    }
    check_text("the community's description", text)
}

/// An outcome's fields as received: a title, a calendar date, a bounded list of article ids.
pub fn check_outcome(title: &str, date: &str, articles: &[ArticleId]) -> Result<()> {
    if title.trim().is_empty() {
        return Err(Error::invalid(
            "an outcome needs a title: say what the community achieved (--title)",
        ));
    }
    if title.chars().count() > OUTCOME_TITLE_CHARS {
        return Err(Error::invalid(format!(
            "an outcome's title is at most {OUTCOME_TITLE_CHARS} characters: shorten it"
        )));
    }
    check_text("the outcome's title", title)?;
    check_date(date)?;
    if articles.len() > OUTCOME_ARTICLES {
        return Err(Error::invalid(format!(
            "an outcome links at most {OUTCOME_ARTICLES} articles (not {})",
            articles.len()
        )));
    }
    articles.iter().try_for_each(check_article_id)
}

/// A calendar date written `YYYY-MM-DD`.
pub fn check_date(date: &str) -> Result<()> {
    let well_formed = date.len() == 10 && date.parse::<jiff::civil::Date>().is_ok();
    if well_formed {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "`{}` is not a date: write it YYYY-MM-DD, e.g. 2026-11-30",
            escape(date)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_whatever_their_case_and_surrounding_spaces() {
        assert_eq!(
            name_key(" Timber Inspection "),
            name_key("timber inspection")
        );
        assert_ne!(name_key("timber"), name_key("timbers"));
    }

    #[test]
    fn bad_names_dates_and_titles_are_refused_with_what_to_do() {
        assert!(check_name("  ").is_err());
        assert!(check_name(&"x".repeat(NAME_CHARS + 1)).is_err());
        assert!(check_name("a\u{1b}b").is_err());
        assert!(check_name("ด่านศุลกากร").is_ok());
        assert!(check_date("2026-02-30").is_err());
        assert!(check_date("30/11/2026").is_err());
        assert!(check_date("2026-11-30").is_ok());
        assert!(check_outcome("", "2026-11-30", &[]).is_err());
        assert!(check_outcome("Guide", "2026-11-30", &[]).is_ok());
    }
}
