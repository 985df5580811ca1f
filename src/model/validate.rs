//! What every op must look like before anything reads it: identifiers, names and text fields
//! within bounds and free of control characters. An op from a bundle is untrusted even when its
//! signature verifies — a post's own key signs whatever that post's laptop says — so these
//! checks run on every op, local or received, before it is authorized or applied.

use super::category::Category;
use super::op::OP_FORMAT;
use super::{ArticleContent, ArticleId, KnowledgeMap, Op, Payload, Revision};
use crate::error::{Error, Result};

/// Policy limits on what one article may hold. A knowledge article is prose: a megabyte of
/// Markdown is several hundred printed pages.
pub mod limits {
    pub const TITLE_CHARS: usize = 200;
    pub const SUMMARY_CHARS: usize = 2_000;
    pub const BODY_BYTES: usize = 1 << 20;
    pub const TAGS: usize = 64;
    pub const TAG_CHARS: usize = 64;
    pub const HS_CODES: usize = 64;
    pub const CATEGORY_ID_BYTES: usize = 128;
    pub const OFFICE_CHARS: usize = 80;
    /// Parents of one revision: a merge of more concurrent heads than this is not plausible.
    pub const PARENTS: usize = 64;
    pub const CATEGORIES: usize = 10_000;
    pub const CATEGORY_NAME_CHARS: usize = 200;
    pub const CATEGORY_DESCRIPTION_CHARS: usize = 2_000;
}

impl Op {
    /// Checks every identifier and text field of the op (not its signature, chain or
    /// authority: those need the store). An op that fails is refused wherever it arrives.
    pub fn validate(&self) -> Result<()> {
        if self.format != OP_FORMAT {
            return Err(Error::invalid(format!(
                "op format {} is not one this Outpost reads ({OP_FORMAT})",
                self.format
            )));
        }
        if self.seq == 0 {
            return Err(Error::invalid("an op numbered 0 does not exist"));
        }
        crate::model::user::check_user_name(&self.user)?;
        self.payload.validate()
    }
}

impl Payload {
    pub fn validate(&self) -> Result<()> {
        match self {
            Payload::NodeCreated {
                office,
                age_recipient,
                ..
            }
            | Payload::NodeEnrolled {
                office,
                age_recipient,
                ..
            } => {
                check_office(office)?;
                check_age_recipient(age_recipient)
            }
            Payload::UserCreated { name, .. } => crate::model::user::check_user_name(name),
            Payload::KnowledgeMapSet { map } => check_map(map),
            Payload::RevisionAdded { article, revision }
            | Payload::ArticleCreated {
                article, revision, ..
            } => check_revision(article, revision),
            Payload::StatusSet { article, .. } => check_article_id(article),
            Payload::RevisionPublished { article, .. } => check_article_id(article),
            Payload::NodeTrusted { .. } | Payload::NodeRevoked { .. } => Ok(()),
            Payload::UserChanged { name, .. } => crate::model::user::check_user_name(name),
            Payload::GlossarySet { entry } => entry.check(),
            Payload::AttachmentAdded {
                article,
                attachment,
            } => super::attachment::check(article, attachment),
            Payload::AttachmentRemoved { article, name } => {
                check_article_id(article)?;
                super::attachment::check_name(name)
            }
            Payload::RoleGranted {
                user,
                role,
                category,
            }
            | Payload::RoleRevoked {
                user,
                role,
                category,
                ..
            } => {
                crate::model::user::check_user_name(&user.name)?;
                if !role.is_granted() {
                    return Err(Error::invalid(format!(
                        "`{}` is an account's own role, not one granted over categories",
                        role.as_str()
                    )));
                }
                match category {
                    Some(c) => check_category_id(c),
                    None => Ok(()),
                }
            }
            Payload::Submitted { article, note, .. } => {
                check_article_id(article)?;
                check_comment("the submission's note", note, false)
            }
            Payload::Evaluated {
                article,
                step,
                verdict,
                ..
            } => {
                check_article_id(article)?;
                check_verdict(*step, verdict)
            }
            Payload::PolicySet {
                key,
                value,
                category,
            } => {
                use super::evaluation::policy;
                if policy::default_of(key).is_none() {
                    let keys: Vec<&str> = policy::KEYS.iter().map(|(k, _)| *k).collect();
                    return Err(Error::invalid(format!(
                        "`{}` is not a policy Outpost knows: use one of {}",
                        escape(key),
                        keys.join(", ")
                    )));
                }
                if key == super::market::ANSWER_REQUIRES_EXPERT {
                    if *value > 1 {
                        return Err(Error::invalid(format!(
                            "{key} is 1 (only experts answer) or 0 (anyone answers), not {value}"
                        )));
                    }
                } else if !(1..=policy::max_of(key)).contains(value) {
                    return Err(Error::invalid(format!(
                        "{key} must be between 1 and {} (not {value})",
                        policy::max_of(key)
                    )));
                }
                match category {
                    Some(c) => check_category_id(c),
                    None => Ok(()),
                }
            }
            Payload::Flagged { article, reason } => {
                check_article_id(article)?;
                check_comment("the flag's reason", reason, true)
            }
            Payload::Confirmed { article } | Payload::Acknowledged { article, .. } => {
                check_article_id(article)
            }
            Payload::Superseded { article, by } => {
                check_article_id(article)?;
                check_article_id(by)?;
                if article == by {
                    return Err(Error::invalid(format!(
                        "`{article}` cannot supersede itself: name its successor"
                    )));
                }
                Ok(())
            }
            Payload::ReadingRequired {
                article,
                audience,
                due,
            } => {
                check_article_id(article)?;
                super::article::parse_date(due)?;
                match audience {
                    super::Audience::Office(o) => check_office(o),
                    super::Audience::Role(_) => Ok(()),
                }
            }
            Payload::QuestionAsked {
                question,
                title,
                category,
                hs,
                body,
                ..
            } => {
                use super::market;
                market::check_id("question", question)?;
                market::check_title(title)?;
                check_category_id(category)?;
                if hs.len() > limits::HS_CODES {
                    return Err(Error::invalid(format!(
                        "a question names at most {} HS codes",
                        limits::HS_CODES
                    )));
                }
                market::check_text("the question", body, market::BODY_BYTES)
            }
            Payload::AnswerPosted {
                question,
                answer,
                body,
            } => {
                use super::market;
                market::check_id("question", question)?;
                market::check_id("answer", answer)?;
                market::check_text("the answer", body, market::BODY_BYTES)
            }
            Payload::AnswerAccepted { question, answer } => {
                super::market::check_id("question", question)?;
                super::market::check_id("answer", answer)
            }
            Payload::AnswerPromoted { answer, article } => {
                super::market::check_id("answer", answer)?;
                check_article_id(article)
            }
            Payload::CommentPosted {
                target,
                comment,
                parent,
                text,
            } => {
                use super::market;
                market::check_id("question or article", target)?;
                market::check_id("comment", comment)?;
                if let Some(p) = parent {
                    market::check_id("comment", p)?;
                }
                market::check_text("the comment", text, market::COMMENT_CHARS)
            }
            Payload::HelpfulSet { target, .. } => {
                super::market::check_id("answer or article", target)
            }
            Payload::CommunityCreated {
                name,
                description,
                category,
            } => {
                super::community::check_name(name)?;
                super::community::check_description(description)?;
                match category {
                    Some(c) => check_category_id(c),
                    None => Ok(()),
                }
            }
            Payload::CommunityJoined { name } | Payload::CommunityLeft { name } => {
                super::community::check_name(name)
            }
            Payload::CommunityOutcome {
                name,
                title,
                date,
                articles,
            } => {
                super::community::check_name(name)?;
                super::community::check_outcome(title, date, articles)
            }
            Payload::MileageRulesSet { toml } => {
                super::mileage::MileageRules::parse(toml, false).map(|_| ())
            }
        }
    }
}

/// The longest comment, note or reason an evaluation op carries.
pub const COMMENT_CHARS: usize = 4_000;

fn check_comment(what: &str, text: &str, required: bool) -> Result<()> {
    if required && text.trim().is_empty() {
        return Err(Error::invalid(format!("{what} is empty: say why")));
    }
    if text.chars().count() > COMMENT_CHARS {
        return Err(Error::invalid(format!(
            "{what} is longer than {COMMENT_CHARS} characters: shorten it"
        )));
    }
    check_text(what, text)
}

fn check_verdict(step: u8, verdict: &super::Verdict) -> Result<()> {
    use super::Verdict;
    if !(1..=2).contains(&step) {
        return Err(Error::invalid(format!(
            "evaluation has steps 1 and 2, not {step}"
        )));
    }
    match verdict {
        Verdict::Approve { category, comment } => {
            if let Some(c) = category {
                if step != 1 {
                    return Err(Error::invalid(
                        "only a step-1 approval places the article in a category",
                    ));
                }
                check_category_id(c)?;
            }
            check_comment("the approval's comment", comment, false)
        }
        Verdict::Return { comment } => check_comment("the return's comment", comment, true),
        Verdict::Reject { reason } => check_comment("the rejection's reason", reason, true),
    }
}

/// An article id as received: the same rule as one typed (`ArticleId::parse`).
pub fn check_article_id(id: &ArticleId) -> Result<()> {
    ArticleId::parse(id.as_str()).map(|_| ())
}

fn check_revision(article: &ArticleId, revision: &Revision) -> Result<()> {
    check_article_id(article)?;
    check_article_id(&revision.article)?;
    if revision.parents.len() > limits::PARENTS {
        return Err(Error::invalid(format!(
            "a revision of `{article}` names {} parents (at most {})",
            revision.parents.len(),
            limits::PARENTS
        )));
    }
    revision.content.check_fields()
}

/// A field of an article's content, as problems name it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ContentField {
    Title,
    Summary,
    Body,
    Tag,
}

impl ContentField {
    /// The catalogue key's last part, and the field's name in English messages.
    pub fn name(self) -> &'static str {
        match self {
            ContentField::Title => "title",
            ContentField::Summary => "summary",
            ContentField::Body => "body",
            ContentField::Tag => "tag",
        }
    }
}

/// What is wrong with an article's content, with the figures a message needs: the interface
/// words it in its own language, `check_content` in English.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ContentProblem {
    EmptyTitle,
    TitleTooLong { max: usize },
    SummaryTooLong { max: usize },
    BodyTooLong { bytes: usize, max: usize },
    TooManyTags { count: usize, max: usize },
    BadTag { tag: String, max: usize },
    TooManyHsCodes { count: usize, max: usize },
    ControlCharacter { field: ContentField, code: u32 },
}

impl std::fmt::Display for ContentProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContentProblem::EmptyTitle => write!(f, "the title is empty: give the article a title"),
            ContentProblem::TitleTooLong { max } => {
                write!(f, "the title is longer than {max} characters: shorten it")
            }
            ContentProblem::SummaryTooLong { max } => write!(
                f,
                "the summary is longer than {max} characters: shorten it (the body holds the detail)"
            ),
            ContentProblem::BodyTooLong { bytes, max } => write!(
                f,
                "the body is {bytes} bytes, more than the {max} an article may hold: split it into several articles"
            ),
            ContentProblem::TooManyTags { count, max } => {
                write!(f, "{count} tags is more than the {max} an article may have")
            }
            ContentProblem::BadTag { tag, max } => {
                write!(f, "the tag `{}` must be 1-{max} characters", escape(tag))
            }
            ContentProblem::TooManyHsCodes { count, max } => {
                write!(
                    f,
                    "{count} HS codes is more than the {max} an article may name"
                )
            }
            ContentProblem::ControlCharacter { field, code } => {
                let what = match field {
                    ContentField::Tag => "a tag".to_string(),
                    other => format!("the {}", other.name()),
                };
                write!(
                    f,
                    "{what} holds the control character U+{code:04X}: remove it"
                )
            }
        }
    }
}

/// The first problem of an article's written fields (title, summary, body, tags, HS codes),
/// if any; the category and the review date are checked apart (`check_content`).
pub fn content_problem(c: &ArticleContent) -> Option<ContentProblem> {
    let line_control = |field, s: &str| {
        s.chars()
            .find(|&c| c.is_control() || is_bidi_control(c))
            .map(|c| ContentProblem::ControlCharacter {
                field,
                code: u32::from(c),
            })
    };
    let text_control = |field, s: &str| {
        s.chars()
            .find(|&c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
            .map(|c| ContentProblem::ControlCharacter {
                field,
                code: u32::from(c),
            })
    };
    if c.title.trim().is_empty() {
        return Some(ContentProblem::EmptyTitle);
    }
    if c.title.chars().count() > limits::TITLE_CHARS {
        return Some(ContentProblem::TitleTooLong {
            max: limits::TITLE_CHARS,
        });
    }
    if let Some(p) = line_control(ContentField::Title, &c.title) {
        return Some(p);
    }
    if c.summary.chars().count() > limits::SUMMARY_CHARS {
        return Some(ContentProblem::SummaryTooLong {
            max: limits::SUMMARY_CHARS,
        });
    }
    if let Some(p) = text_control(ContentField::Summary, &c.summary) {
        return Some(p);
    }
    if c.body.len() > limits::BODY_BYTES {
        return Some(ContentProblem::BodyTooLong {
            bytes: c.body.len(),
            max: limits::BODY_BYTES,
        });
    }
    if let Some(p) = text_control(ContentField::Body, &c.body) {
        return Some(p);
    }
    if c.tags.len() > limits::TAGS {
        return Some(ContentProblem::TooManyTags {
            count: c.tags.len(),
            max: limits::TAGS,
        });
    }
    for tag in &c.tags {
        if tag.is_empty() || tag.chars().count() > limits::TAG_CHARS {
            return Some(ContentProblem::BadTag {
                tag: tag.clone(),
                max: limits::TAG_CHARS,
            });
        }
        if let Some(p) = line_control(ContentField::Tag, tag) {
            return Some(p);
        }
    }
    if c.hs_codes.len() > limits::HS_CODES {
        return Some(ContentProblem::TooManyHsCodes {
            count: c.hs_codes.len(),
            max: limits::HS_CODES,
        });
    }
    None
}

/// The fields of an article's content (see `ArticleContent::check_fields`).
pub(super) fn check_content(c: &ArticleContent) -> Result<()> {
    if let Some(problem) = content_problem(c) {
        return Err(Error::invalid(problem.to_string()));
    }
    check_category_id(&c.category)?;
    if let Some(date) = &c.review_by {
        super::article::parse_date(date)?;
    }
    Ok(())
}

/// A category id: lower-case ASCII words joined by `/` (`commodity/timber-wood`).
pub fn check_category_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= limits::CATEGORY_ID_BYTES
        && id.split('/').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "`{}` is not a category id: `outpost categories` lists them",
            escape(id)
        )))
    }
}

fn check_map(map: &KnowledgeMap) -> Result<()> {
    if map.categories.len() > limits::CATEGORIES {
        return Err(Error::invalid(format!(
            "a Knowledge Map of {} categories is more than the {} allowed",
            map.categories.len(),
            limits::CATEGORIES
        )));
    }
    map.categories.iter().try_for_each(check_category)
}

fn check_category(c: &Category) -> Result<()> {
    check_category_id(&c.id)?;
    for name in [&c.en, &c.th, &c.ko] {
        if name.chars().count() > limits::CATEGORY_NAME_CHARS {
            return Err(Error::invalid(format!(
                "a name of category `{}` is too long",
                c.id
            )));
        }
        check_line("a category name", name)?;
    }
    if c.description.chars().count() > limits::CATEGORY_DESCRIPTION_CHARS {
        return Err(Error::invalid(format!(
            "the description of category `{}` is too long",
            c.id
        )));
    }
    check_text("a category description", &c.description)
}

/// An office name: 1-80 characters on one line.
pub fn check_office(office: &str) -> Result<()> {
    let chars = office.chars().count();
    if office.trim().is_empty() || chars > limits::OFFICE_CHARS {
        return Err(Error::invalid(format!(
            "the office name must be 1-{} characters, e.g. --office \"Chiang Khong\"",
            limits::OFFICE_CHARS
        )));
    }
    check_line("the office name", office)
}

fn check_age_recipient(recipient: &str) -> Result<()> {
    recipient
        .parse::<age::x25519::Recipient>()
        .map(|_| ())
        .map_err(|_| {
            Error::invalid(format!(
                "`{}` is not an age recipient",
                escape(&recipient.chars().take(80).collect::<String>())
            ))
        })
}

/// Text shown on one line (a title, a tag, a name): no control characters at all, and none of
/// the bidirectional overrides that make a line display other than it reads.
pub(crate) fn check_line(what: &str, s: &str) -> Result<()> {
    match s.chars().find(|&c| c.is_control() || is_bidi_control(c)) {
        Some(c) => Err(Error::invalid(format!(
            "{what} holds the control character U+{:04X}: remove it",
            u32::from(c)
        ))),
        None => Ok(()),
    }
}

/// Text of several lines (a body, a summary): line breaks and tabs, and no other control
/// character (a NUL, or an escape sequence that would drive the reader's terminal).
pub(crate) fn check_text(what: &str, s: &str) -> Result<()> {
    match s
        .chars()
        .find(|&c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        Some(c) => Err(Error::invalid(format!(
            "{what} holds the control character U+{:04X}: remove it",
            u32::from(c)
        ))),
        None => Ok(()),
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with control characters shown as `\u{…}` escapes, for messages.
pub fn escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || is_bidi_control(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hash, Hlc, NodeId, Role};

    fn op(payload: Payload) -> Op {
        Op {
            format: OP_FORMAT,
            node: NodeId([1; 16]),
            seq: 1,
            hlc: Hlc::default(),
            user: "somchai".into(),
            prev: Hash::ZERO,
            payload,
        }
    }

    fn revision(id: &str, content: ArticleContent) -> Payload {
        // Built without `ArticleId::parse`, as a decoded op would be.
        let article: ArticleId =
            postcard::from_bytes(&postcard::to_stdvec(id).unwrap_or_default()).expect("id");
        Payload::RevisionAdded {
            article: article.clone(),
            revision: Revision::new(article, vec![], content),
        }
    }

    fn content() -> ArticleContent {
        ArticleContent::new("Timber", "commodity/timber-wood", "Body\n")
    }

    #[test]
    fn evaluation_ops_are_checked_for_step_verdict_text_and_policy() {
        let article = ArticleId::parse("seal-checks").expect("id");
        let vote = |step: u8, verdict: crate::model::Verdict| {
            op(Payload::Evaluated {
                article: article.clone(),
                revision: Hash::ZERO,
                step,
                verdict,
            })
            .validate()
        };
        use crate::model::Verdict;
        let approve = |category: Option<&str>| Verdict::Approve {
            category: category.map(String::from),
            comment: "ok".into(),
        };
        assert!(vote(1, approve(Some("clearance"))).is_ok());
        assert!(vote(2, approve(None)).is_ok());
        assert!(vote(3, approve(None)).is_err(), "two steps only");
        assert!(
            vote(2, approve(Some("clearance"))).is_err(),
            "step 2 moves nothing"
        );
        assert!(vote(1, approve(Some("../x"))).is_err());
        let empty = Verdict::Return {
            comment: "  ".into(),
        };
        assert!(vote(2, empty).is_err(), "a return says why");
        let control = Verdict::Reject {
            reason: "no\u{1b}[2J".into(),
        };
        assert!(vote(2, control).is_err());
        let long = Payload::Submitted {
            article: article.clone(),
            revision: Hash::ZERO,
            note: "x".repeat(COMMENT_CHARS + 1),
        };
        assert!(op(long).validate().is_err());
        let policy = |key: &str, value: u32| {
            op(Payload::PolicySet {
                key: key.into(),
                value,
                category: None,
            })
            .validate()
        };
        assert!(policy("evaluation.step2-approvals", 3).is_ok());
        assert!(policy("evaluation.step2-approvals", 0).is_err());
        assert!(policy("evaluation.step2-approvals", 21).is_err());
        let err = policy("evaluation.quorum", 3).expect_err("unknown key");
        assert!(
            err.to_string().contains("evaluation.step1-approvals"),
            "{err}"
        );
    }

    #[test]
    fn a_well_formed_op_passes() {
        assert!(op(revision("timber-1", content())).validate().is_ok());
        let user = Payload::UserCreated {
            name: "somchai".into(),
            role: Role::Officer,
        };
        assert!(op(user).validate().is_ok());
    }

    #[test]
    fn path_like_and_absolute_article_ids_are_refused() {
        for id in ["../../../../tmp/x/PWNED", "/etc/passwd", "a/b", "..", "x"] {
            let e = op(revision(id, content())).validate().expect_err("refused");
            assert!(
                e.to_string().contains("not a valid article id"),
                "{id}: {e}"
            );
        }
    }

    #[test]
    fn control_characters_are_refused_where_text_is_shown() {
        let mut c = content();
        c.title = "Timber\u{1b}[2J".into();
        assert!(op(revision("timber-1", c)).validate().is_err());
        let mut c = content();
        c.body = "a\0b\n".into();
        assert!(op(revision("timber-1", c)).validate().is_err());
        let mut c = content();
        c.tags = vec!["ok\u{202e}".into()];
        assert!(op(revision("timber-1", c)).validate().is_err());
        let mut c = content();
        c.body = "line\n\ttabbed\r\n".into();
        assert!(op(revision("timber-1", c)).validate().is_ok());
    }

    #[test]
    fn oversized_fields_and_bad_names_are_refused() {
        let mut c = content();
        c.body = "x".repeat(limits::BODY_BYTES + 1);
        assert!(op(revision("timber-1", c)).validate().is_err());
        let mut c = content();
        c.category = "../etc".into();
        assert!(op(revision("timber-1", c)).validate().is_err());
        let mut bad_user = op(revision("timber-1", content()));
        bad_user.user = "../root".into();
        assert!(bad_user.validate().is_err());
        let node = Payload::NodeCreated {
            office: "Chiang\nKhong".into(),
            hq: false,
            public_key: [0; 32],
            age_recipient: "age1nope".into(),
        };
        assert!(op(node).validate().is_err());
    }

    #[test]
    fn escape_shows_control_characters() {
        assert_eq!(escape("a\u{1b}[31mb"), "a\\u{1b}[31mb");
    }
}
