//! A submission as an evaluator reads it: the revision that waits for evaluation, who sent it
//! with what note, and what it changes against the published text (every line, for a new
//! article). What the Review screen opens.

use super::Replica;
use super::reading::{DiffLine, field_diff, line_diff};
use crate::error::{Error, Result};
use crate::model::{ArticleContent, Status};

/// The submission of an article that waits for evaluation, with its diff.
#[derive(Clone, Debug, PartialEq)]
pub struct SubmissionView {
    pub article: String,
    /// The submitted revision's title.
    pub title: String,
    /// The step it waits in (1 or 2).
    pub step: u8,
    /// The category the step runs in (step 1 may have moved it).
    pub category: String,
    /// The submitted revision's short id.
    pub revision: String,
    /// `name@office` of whoever submitted it, and their note.
    pub submitted_by: String,
    pub note: String,
    /// The published revision's short id the diff is against; `None` for an article never
    /// published (every line is then new).
    pub base: Option<String>,
    pub lines: Vec<DiffLine>,
}

/// Counts of a diff's changed rows, for a title line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: usize,
    pub removed: usize,
}

impl SubmissionView {
    pub fn changes(&self) -> Changes {
        let mut c = Changes::default();
        for line in &self.lines {
            match line {
                DiffLine::Added(_) => c.added += 1,
                DiffLine::Removed(_) => c.removed += 1,
                DiffLine::Field { from, to, .. } => {
                    c.added += usize::from(!to.is_empty());
                    c.removed += usize::from(!from.is_empty());
                }
                DiffLine::Same(_) => {}
            }
        }
        c
    }
}

impl Replica {
    /// The submission of `id` that waits for evaluation, diffed against the published text.
    pub fn submission(&self, id: &str) -> Result<SubmissionView> {
        let view = self.article(id)?;
        let evaluation = self.evaluation(id)?;
        let (Some(step), Some(short)) = (evaluation.step, evaluation.revision.clone()) else {
            return Err(Error::invalid(format!(
                "`{id}` waits for no evaluation (it is {}): the review queue lists what does",
                evaluation.state
            )));
        };
        let submitted = view
            .history
            .iter()
            .find(|r| r.revision.id().short() == short)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "the submitted revision {short} of `{id}` is not here yet: import the bundle that carries it"
                ))
            })?;
        let record = &view.record;
        // A published article keeps its published text in `current`/`content` while a
        // proposal waits; an article never published is diffed against nothing.
        let base = (record.status == Status::Published).then_some(record.current);
        let empty = ArticleContent::new("", "", "");
        let old = if base.is_some() {
            &record.content
        } else {
            &empty
        };
        let new = &submitted.revision.content;
        let mut lines = field_diff(old, new);
        lines.extend(line_diff(&old.body, &new.body));
        let submission = evaluation
            .votes
            .iter()
            .rev()
            .find(|v| v.action == "submit" && v.revision == short);
        let (submitted_by, note) = submission
            .map(|v| (v.who.clone(), v.text.clone()))
            .unwrap_or_default();
        Ok(SubmissionView {
            article: record.id.to_string(),
            title: new.title.clone(),
            step,
            category: evaluation.category,
            revision: short,
            submitted_by,
            note,
            base: base.map(|b| b.short()),
            lines,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::core::{ArticlePatch, FixedClock, InitOptions, NewArticle, Replica};
    use crate::model::{ArticleContent, Role};

    fn hq() -> Replica {
        let options = InitOptions {
            office: "HQ".into(),
            hq: true,
            admin: "admin".into(),
        };
        let clock = Arc::new(FixedClock::new(1_793_491_200_000));
        let mut r = Replica::create_in_memory(&options, clock).expect("node");
        let admin = r.resolve_user(None).expect("admin");
        r.add_user(&admin, "lek", Role::Officer, None)
            .expect("author");
        r
    }

    #[test]
    fn a_new_article_is_all_added_and_a_revision_of_a_published_one_shows_its_changes() {
        let mut r = hq();
        let lek = r.resolve_user(Some("lek")).expect("lek");
        let content = ArticleContent::new("Seal checks", "clearance", "Check the seal.\n");
        let new = NewArticle {
            id: None,
            content,
            publish: false,
        };
        let id = r.add_article(&lek, new).expect("draft").to_string();
        r.submit(&lek, &id, "please check").expect("submit");
        let s = r.submission(&id).expect("submission");
        assert_eq!((s.step, s.base.as_deref()), (1, None));
        assert_eq!(s.note, "please check");
        assert!(s.submitted_by.starts_with("lek@"), "{}", s.submitted_by);
        assert!(
            s.lines
                .contains(&super::DiffLine::Added("Check the seal.".into()))
        );
        assert_eq!(s.changes().removed, 0);

        // Published by HQ, then revised by its author and submitted again: the diff is
        // against the published text.
        let admin = r.resolve_user(Some("admin")).expect("admin");
        r.set_status(&admin, &id, crate::model::Status::Published)
            .expect("publish");
        let body = Some("Check the seal number.\n".to_string());
        let patch = ArticlePatch {
            body,
            ..Default::default()
        };
        r.edit_article(&lek, &id, patch).expect("revision");
        r.submit(&lek, &id, "").expect("submit again");
        let s = r.submission(&id).expect("submission");
        assert!(s.base.is_some());
        assert_eq!(
            s.lines,
            vec![
                super::DiffLine::Removed("Check the seal.".into()),
                super::DiffLine::Added("Check the seal number.".into()),
            ]
        );
    }

    #[test]
    fn an_article_that_waits_for_no_evaluation_has_no_submission() {
        let mut r = hq();
        let lek = r.resolve_user(Some("lek")).expect("lek");
        let content = ArticleContent::new("Seal checks", "clearance", "Check the seal.\n");
        let new = NewArticle {
            id: None,
            content,
            publish: false,
        };
        let id = r.add_article(&lek, new).expect("draft").to_string();
        let e = r.submission(&id).expect_err("a draft");
        assert!(e.to_string().contains("waits for no evaluation"), "{e}");
    }

    #[test]
    fn a_returned_submission_is_listed_for_its_author_with_its_comments_only() {
        let mut r = hq();
        let admin = r.resolve_user(Some("admin")).expect("admin");
        r.add_user(&admin, "nok", Role::Officer, None)
            .expect("evaluator");
        let nok = crate::model::Author {
            node: r.node_id(),
            name: "nok".into(),
        };
        r.grant_role(&admin, &nok, Role::Evaluator, Some("clearance"))
            .expect("grant");
        let lek = r.resolve_user(Some("lek")).expect("lek");
        let nok = r.resolve_user(Some("nok")).expect("nok");
        let content = ArticleContent::new("Seal checks", "clearance", "Check the seal.\n");
        let new = NewArticle {
            id: None,
            content,
            publish: false,
        };
        let id = r.add_article(&lek, new).expect("draft").to_string();
        r.submit(&lek, &id, "").expect("submit");
        assert!(r.returned_to(&lek).expect("returned").is_empty());
        r.review_return(&nok, &id, "name the seal types")
            .expect("return");
        let returned = r.returned_to(&lek).expect("returned");
        assert_eq!(returned.len(), 1);
        assert_eq!(
            (returned[0].article.as_str(), returned[0].comments),
            (id.as_str(), 1)
        );
        assert_eq!(returned[0].title, "Seal checks");
        assert!(r.returned_to(&nok).expect("returned").is_empty());
        // Submitted again, it is no longer waiting on its author.
        r.submit(&lek, &id, "named them").expect("resubmit");
        assert!(r.returned_to(&lek).expect("returned").is_empty());
    }
}
