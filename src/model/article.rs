//! Articles: the content of a revision, the revision DAG node, and the materialized record.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{ArticleId, Hash, Hlc, HsCode, NodeId};
use crate::error::{Error, Result};

macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? } what = $what:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($word => Ok($name::$variant),)+
                    _ => Err(Error::invalid(format!(
                        "`{}` is not a {}: use one of {}",
                        s,
                        $what,
                        [$($word),+].join(", ")
                    ))),
                }
            }
        }
    };
}

word_enum!(
    /// The language an article is written in.
    Lang { En = "en", Th = "th", Ko = "ko" } what = "language"
);
word_enum!(
    /// What sort of knowledge an article holds.
    Kind {
        Procedure = "procedure",
        Technique = "technique",
        Case = "case",
        Lesson = "lesson",
        RegulationNote = "regulation-note",
    } what = "kind"
);
word_enum!(
    /// Who may read an article. Clearance checks arrive with accounts; the level is kept now.
    Classification { Public = "public", CustomsOnly = "customs-only", Restricted = "restricted" }
    what = "classification"
);
word_enum!(
    /// Where an article stands in its life. Review states arrive with the workflow.
    Status { Draft = "draft", Published = "published", Retired = "retired" } what = "status"
);

/// Everything an author writes: one revision's content.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ArticleContent {
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
    /// A Knowledge Map category id, e.g. `commodity/timber-wood`.
    pub category: String,
    pub tags: Vec<String>,
    pub hs_codes: Vec<HsCode>,
    pub lang: Lang,
    pub kind: Kind,
    pub classification: Classification,
    /// `YYYY-MM-DD`: when the owner should check the article is still right.
    pub review_by: Option<String>,
}

impl ArticleContent {
    /// A public English technique with no summary, tags or HS codes: the defaults of a new
    /// article (and of tests).
    pub fn new(title: &str, category: &str, body: &str) -> Self {
        ArticleContent {
            title: title.into(),
            summary: String::new(),
            body: body.into(),
            category: category.into(),
            tags: vec![],
            hs_codes: vec![],
            lang: Lang::En,
            kind: Kind::Technique,
            classification: Classification::Public,
            review_by: None,
        }
    }

    /// Trims and de-duplicates what people type, so equal content hashes equally.
    pub fn normalized(mut self) -> Self {
        self.title = self.title.trim().to_string();
        self.summary = self.summary.trim().to_string();
        let mut tags: Vec<String> = self
            .tags
            .iter()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        tags.sort();
        tags.dedup();
        self.tags = tags;
        let mut seen = std::collections::BTreeSet::new();
        self.hs_codes.retain(|c| seen.insert(c.clone()));
        if !self.body.is_empty() && !self.body.ends_with('\n') {
            self.body.push('\n');
        }
        self
    }

    /// Checks what does not need the store: lengths, control characters, the category id's
    /// form and the review date (whether the category exists is checked by the core).
    pub fn check_fields(&self) -> Result<()> {
        super::validate::check_content(self)
    }
}

/// Checks a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Result<jiff::civil::Date> {
    s.parse::<jiff::civil::Date>()
        .ok()
        .filter(|_| s.len() == 10)
        .ok_or_else(|| Error::invalid(format!("`{s}` is not a date: use YYYY-MM-DD")))
}

/// A node of an article's revision DAG. Its id is the hash of its article, parents and content, so the
/// same edit made on two nodes — or the same merge — gets the same id everywhere.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Revision {
    /// Part of the identity: two articles with the same text are different revisions.
    pub article: ArticleId,
    /// Sorted, so that the id does not depend on the order parents were found in.
    pub parents: Vec<Hash>,
    pub content: ArticleContent,
}

impl Revision {
    pub fn new(article: ArticleId, mut parents: Vec<Hash>, content: ArticleContent) -> Self {
        parents.sort();
        parents.dedup();
        Revision {
            article,
            parents,
            content,
        }
    }

    pub fn id(&self) -> Hash {
        // Serializing plain owned data into a Vec cannot fail.
        Hash::of(&postcard::to_stdvec(self).unwrap_or_default())
    }
}

/// A stored revision with who made it. When the same revision arrives from two nodes, the
/// earliest (hlc, node) is kept, so the record does not depend on delivery order.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct RevisionRecord {
    pub article: ArticleId,
    pub revision: Revision,
    pub author: String,
    pub node: NodeId,
    pub hlc: Hlc,
}

/// The materialized state of an article, derived from its ops. Every field is a function of the
/// set of ops applied, never of their order.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ArticleRecord {
    pub id: ArticleId,
    /// Revisions no other revision builds on, sorted. More than one means concurrent edits.
    pub heads: Vec<Hash>,
    /// The revision shown: the only head, or the latest head when there are several.
    pub current: Hash,
    pub content: ArticleContent,
    pub status: Status,
    pub status_hlc: Hlc,
    pub created: Hlc,
    pub updated: Hlc,
    pub origin_node: NodeId,
    pub origin_office: String,
    /// Everyone who wrote a revision, sorted.
    pub authors: Vec<Author>,
    /// Who set the status last; breaks ties between equal clocks.
    pub status_node: NodeId,
    /// Concurrent edits that could not be merged: every head is kept until someone resolves.
    pub conflicted: bool,
    pub revision_count: u32,
    /// The status set by the authors (last writer wins by `status_hlc`, `status_node`).
    pub authors_status: Status,
    /// The status decided by HQ (an administrator on HQ or on a node HQ trusts), last writer
    /// wins. Once HQ has decided, it decides: `status` is HQ's, and authors' changes are refused.
    pub hq_status: Option<StatusStamp>,
    /// The revision HQ published, when a publication named one.
    pub published: Option<Stamped<Hash>>,
    /// The authors' text when it differs from the published one: a proposed revision, which
    /// readers do not see until HQ publishes it. `current` and `content` stay the published.
    pub proposal: Option<Proposal>,
    /// Attachments by name, removals kept (`model::attachment::set_slot`).
    pub attachments: Vec<super::AttachmentSlot>,
    /// The revision two-step evaluation published, stamped by its deciding vote
    /// (`core/evaluation.rs`). Of it and `published`/`hq_status`, the later stands.
    pub evaluated: Option<Stamped<Hash>>,
}

/// A value set by an op, ordered by the op's (clock, node): the latest wins everywhere.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Stamped<T> {
    pub value: T,
    pub hlc: Hlc,
    pub node: NodeId,
}

impl<T> Stamped<T> {
    /// Whether an op at (`hlc`, `node`) comes after this one.
    pub fn is_before(&self, hlc: Hlc, node: NodeId) -> bool {
        (self.hlc, self.node) < (hlc, node)
    }
}

pub type StatusStamp = Stamped<Status>;

/// A revision of a published article that is not (yet) the published text.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Proposal {
    pub revision: Hash,
    pub content: ArticleContent,
}

/// A user on a node: accounts are per node, so the pair names a person.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
pub struct Author {
    pub node: NodeId,
    pub name: String,
}

impl Author {
    /// The token the search index stores for draft visibility.
    pub fn key(&self) -> String {
        format!("{}:{}", self.node, self.name)
    }
}

impl ArticleRecord {
    /// The attachments in force, by name.
    pub fn live_attachments(&self) -> impl Iterator<Item = &super::Attachment> {
        super::attachment::live(&self.attachments)
    }

    pub fn in_conflict(&self) -> bool {
        self.conflicted
    }

    /// The status in force: HQ's decision when there is one, else the authors'.
    pub fn effective_status(&self) -> Status {
        match (self.hq_status, self.evaluated) {
            (Some(hq), Some(ev)) if hq.is_before(ev.hlc, ev.node) => Status::Published,
            (None, Some(_)) => Status::Published,
            (Some(hq), _) => hq.value,
            (None, None) => self.authors_status,
        }
    }

    /// The revision published, by HQ or by evaluation: the later of the two.
    pub fn publication(&self) -> Option<Stamped<Hash>> {
        match (self.published, self.evaluated) {
            (Some(hq), Some(ev)) if hq.is_before(ev.hlc, ev.node) => Some(ev),
            (Some(hq), _) => Some(hq),
            (None, ev) => ev,
        }
    }

    /// The text the authors work on (the revision an edit builds on): the proposal when there
    /// is one, else what readers see.
    pub fn working(&self) -> (Hash, &ArticleContent) {
        match &self.proposal {
            Some(p) => (p.revision, &p.content),
            None => (self.current, &self.content),
        }
    }
}
