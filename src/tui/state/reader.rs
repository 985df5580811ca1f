//! An article as the reader and the preview show it, and the reader's own state: which pane
//! (article, links, history), the scroll, the selected link, and a diff between two revisions.

use crate::core::{
    ArticleView, AttachmentInfo, Backlink, BacklinkPage, ConflictView, DiffLine, EvaluationView,
};
use crate::model::{ArticleContent, Category, Hash, Status};
use crate::tui::i18n::Catalog;
use crate::tui::markdown::{self, Link, RLine, Rendered, Sty};

/// One revision in the history list, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct RevisionRow {
    pub id: Hash,
    pub author: String,
    pub time: String,
    pub title: String,
}

/// An article with what the reader shows around it.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleDoc {
    pub id: String,
    pub content: ArticleContent,
    pub status: Status,
    pub updated: String,
    pub office: String,
    /// The first author: the person to ask.
    pub owner: String,
    pub in_conflict: bool,
    /// In conflict: every version and the body merged with markers, shown in place of the body.
    pub conflict: Option<ConflictView>,
    pub history: Vec<RevisionRow>,
    /// Articles that link here, as many pages as the links pane has loaded (empty in the
    /// preview, which does not look them up).
    pub backlinks: Vec<Backlink>,
    /// More articles link here than `backlinks` holds: the links pane loads the next page when
    /// its selection comes near the end.
    pub more_backlinks: bool,
    /// Titles of the articles the body links to, by id (empty in the preview); a link to an
    /// article this node does not hold keeps its id.
    pub link_titles: std::collections::BTreeMap<String, String>,
    /// The article's attachments (empty in the preview, which does not look them up).
    pub attachments: Vec<AttachmentInfo>,
    /// Its evaluation, once it was submitted (not looked up for the preview).
    pub evaluation: Option<EvaluationView>,
    /// The article that supersedes this one (id, title): readers are sent there.
    pub successor: Option<(String, String)>,
    /// How many people hold the article helpful.
    pub helpful: u64,
    /// Comments on the article, threaded one level, oldest first.
    pub comments: Vec<crate::core::CommentView>,
}

impl ArticleDoc {
    pub fn new(view: ArticleView, backlinks: BacklinkPage) -> Self {
        let r = view.record;
        let in_conflict = r.in_conflict();
        ArticleDoc {
            id: r.id.to_string(),
            status: r.status,
            updated: r.updated.display(),
            office: r.origin_office,
            owner: r
                .authors
                .first()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            in_conflict,
            conflict: None,
            content: r.content,
            history: view
                .history
                .iter()
                .map(|h| RevisionRow {
                    id: h.revision.id(),
                    author: h.author.clone(),
                    time: h.hlc.display(),
                    title: h.revision.content.title.clone(),
                })
                .collect(),
            backlinks: backlinks.links,
            more_backlinks: backlinks.more,
            link_titles: std::collections::BTreeMap::new(),
            attachments: Vec::new(),
            evaluation: None,
            successor: None,
            helpful: 0,
            comments: Vec::new(),
        }
    }
}

impl ArticleDoc {
    /// The document with what the reader shows of its conflict.
    pub fn with_conflict(mut self, conflict: Option<ConflictView>) -> Self {
        self.conflict = conflict;
        self
    }

    /// The document with its evaluation (state and votes) under its metadata.
    pub fn with_evaluation(mut self, evaluation: Option<EvaluationView>) -> Self {
        self.evaluation = evaluation;
        self
    }

    /// The document with the successor that supersedes it.
    pub fn with_successor(mut self, successor: Option<(String, String)>) -> Self {
        self.successor = successor;
        self
    }

    /// The document with its helpful count (under the metadata) and its comments (after the
    /// body).
    pub fn with_market(mut self, helpful: u64, comments: Vec<crate::core::CommentView>) -> Self {
        self.helpful = helpful;
        self.comments = comments;
        self
    }

    /// The document with its attachments listed under its metadata.
    pub fn with_attachments(mut self, attachments: Vec<AttachmentInfo>) -> Self {
        self.attachments = attachments;
        self
    }
}

/// A document laid out for a width: header, metadata, summary and the rendered body.
#[derive(Clone, Debug, PartialEq)]
pub struct Laid {
    pub doc: ArticleDoc,
    pub width: usize,
    pub rendered: Rendered,
}

/// Field labels are padded to this many columns so values line up.
pub const LABEL_WIDTH: usize = 12;

impl Laid {
    pub fn new(
        doc: ArticleDoc,
        width: usize,
        i18n: &Catalog,
        categories: &[Category],
        now_millis: u64,
    ) -> Self {
        let rendered = lay_out(&doc, width, i18n, categories, now_millis);
        Laid {
            doc,
            width,
            rendered,
        }
    }
}

/// The evaluation under the metadata: where it stands, then each submission and vote, the
/// return comments with them (what the author must address).
fn evaluation_fields(doc: &ArticleDoc, i18n: &Catalog) -> Vec<(&'static str, String)> {
    let Some(e) = &doc.evaluation else {
        return Vec::new();
    };
    let mut out = vec![(
        "reader.evaluation",
        super::review::evaluation_state(i18n, e),
    )];
    out.extend(
        e.votes
            .iter()
            .map(|v| ("", super::review::vote_line(i18n, v))),
    );
    out
}

/// One attachment as the reader lists it: name, type, size, caption, and what is missing.
fn attachment_line(a: &AttachmentInfo, i18n: &Catalog) -> String {
    let size = if a.size >= 1_000_000 {
        format!("{:.1} MB", a.size as f64 / 1e6)
    } else {
        format!("{} KB", a.size.div_ceil(1_000))
    };
    let mut line = format!("{} · {} · {size}", a.name, a.mime);
    if !a.caption.is_empty() {
        line.push_str(&format!(" · {}", a.caption));
    }
    if a.text == crate::model::TextStatus::Unreadable {
        line.push_str(&format!(" ({})", i18n.t("reader.attachment_unreadable")));
    }
    if !a.present {
        line.push_str(&format!(" ({})", i18n.t("reader.attachment_to_come")));
    }
    line
}

fn lay_out(
    doc: &ArticleDoc,
    width: usize,
    i18n: &Catalog,
    categories: &[Category],
    now_millis: u64,
) -> Rendered {
    let c = &doc.content;
    let mut lines: Vec<RLine> =
        markdown::wrap_spans(&[(c.title.clone(), Sty::Title)], width, "", "");
    if let Some((id, title)) = &doc.successor {
        let line = i18n.f("reader.superseded_by", &[("title", title), ("id", id)]);
        lines.extend(markdown::wrap_spans(&[(line, Sty::Strong)], width, "", ""));
    }
    let dash = "—".to_string();
    let hs = if c.hs_codes.is_empty() {
        dash.clone()
    } else {
        c.hs_codes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let review = match &c.review_by {
        Some(date) if is_past(date, now_millis) => format!("{date} ({})", i18n.t("reader.overdue")),
        Some(date) => date.clone(),
        None => dash.clone(),
    };
    let mut status = format!(
        "{} · {} {}",
        i18n.t(&format!("status.{}", doc.status)),
        i18n.t("reader.updated"),
        doc.updated
    );
    if doc.in_conflict {
        status.push_str(&format!(" · {}", i18n.t("reader.conflict")));
    }
    let fields = [
        (
            "reader.category",
            category_path(categories, i18n.lang.code(), &c.category),
        ),
        ("reader.hs", hs),
        ("reader.owner", format!("{} · {}", doc.owner, doc.office)),
        ("reader.review_by", review),
        ("reader.status", status),
        (
            "reader.tags",
            if c.tags.is_empty() {
                dash
            } else {
                c.tags.join(", ")
            },
        ),
    ];
    // The label once, on the first attachment's line.
    let files = doc.attachments.iter().enumerate().map(|(at, a)| {
        let key = if at == 0 { "reader.attachments" } else { "" };
        (key, attachment_line(a, i18n))
    });
    let helpful = (doc.helpful > 0).then(|| {
        (
            "reader.helpful",
            i18n.f("reader.helpful_count", &[("n", &doc.helpful)]),
        )
    });
    let evaluation = evaluation_fields(doc, i18n);
    for (key, value) in fields
        .into_iter()
        .chain(files)
        .chain(helpful)
        .chain(evaluation)
    {
        // The label on the first line; continuation lines indented under the value.
        let text = if key.is_empty() { "" } else { i18n.t(key) };
        let mut label = Some(pad(text, LABEL_WIDTH));
        let value_width = width.saturating_sub(LABEL_WIDTH).max(10);
        for line in markdown::wrap_spans(&[(value, Sty::Plain)], value_width, "", "") {
            let prefix = label
                .take()
                .map_or((" ".repeat(LABEL_WIDTH), Sty::Plain), |l| (l, Sty::Dim));
            let mut spans = vec![prefix];
            spans.extend(line.0);
            lines.push(RLine(spans));
        }
    }
    lines.push(RLine::default());
    if !c.summary.is_empty() {
        lines.extend(markdown::wrap_spans(
            &[(c.summary.clone(), Sty::Emphasis)],
            width,
            "",
            "",
        ));
        lines.push(RLine::default());
    }
    if let Some(conflict) = &doc.conflict {
        lines.extend(conflict_lines(conflict, width, i18n));
        return Rendered {
            lines,
            links: Vec::new(),
            link_lines: Vec::new(),
        };
    }
    let body = markdown::render(&c.body, width);
    let offset = lines.len();
    lines.extend(body.lines);
    lines.extend(comment_lines(&doc.comments, width, i18n));
    Rendered {
        lines,
        links: body.links,
        link_lines: body.link_lines.into_iter().map(|l| l + offset).collect(),
    }
}

/// The comments after the body: a heading, then each comment with its replies indented.
fn comment_lines(
    comments: &[crate::core::CommentView],
    width: usize,
    i18n: &Catalog,
) -> Vec<RLine> {
    if comments.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![RLine::default()];
    lines.extend(markdown::wrap_spans(
        &[(
            i18n.f("reader.comments", &[("n", &comments.len())]),
            Sty::Heading,
        )],
        width,
        "",
        "",
    ));
    for c in comments {
        let thread =
            std::iter::once((c, "• ", "  ")).chain(c.replies.iter().map(|r| (r, "  ↳ ", "    ")));
        for (comment, first, rest) in thread {
            lines.extend(markdown::wrap_spans(
                &[
                    (format!("{} · {}: ", comment.by, comment.when), Sty::Dim),
                    (comment.text.clone(), Sty::Plain),
                ],
                width,
                first,
                rest,
            ));
        }
    }
    lines
}

/// An article in conflict: who wrote each version, how to resolve, and the body merged with
/// each overlap between markers naming the offices, shown verbatim (Markdown would turn the
/// `=======` line into a heading).
fn conflict_lines(conflict: &ConflictView, width: usize, i18n: &Catalog) -> Vec<RLine> {
    let mut lines = markdown::wrap_spans(
        &[(
            i18n.f("conflict.versions", &[("n", &conflict.versions.len())]),
            Sty::Heading,
        )],
        width,
        "",
        "",
    );
    for v in &conflict.versions {
        let text = format!(
            "{} · {} · {} · “{}”",
            v.office, v.author, v.time, v.content.title
        );
        lines.extend(markdown::wrap_spans(
            &[(text, Sty::Plain)],
            width,
            "• ",
            "  ",
        ));
    }
    lines.extend(markdown::wrap_spans(
        &[(i18n.t("conflict.how").to_string(), Sty::Dim)],
        width,
        "",
        "",
    ));
    lines.push(RLine::default());
    for line in conflict.marked_body.lines() {
        let sty =
            if line.starts_with("<<<<<<< ") || line.starts_with(">>>>>>> ") || line == "=======" {
                Sty::Strong
            } else {
                Sty::Code
            };
        lines.extend(markdown::wrap_spans(
            &[(line.to_string(), sty)],
            width,
            "",
            "",
        ));
    }
    lines
}

/// `text` padded with spaces to `width` display columns.
pub fn pad(text: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w).max(1)))
}

fn is_past(date: &str, now_millis: u64) -> bool {
    let Ok(date) = date.parse::<jiff::civil::Date>() else {
        return false;
    };
    let now = i64::try_from(now_millis)
        .ok()
        .and_then(|m| jiff::Timestamp::from_millisecond(m).ok());
    now.is_some_and(|now| now_millis > 0 && date < now.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// A category's name with its parents, `Commodity information › Timber & wood`.
pub fn category_path(categories: &[Category], lang: &str, id: &str) -> String {
    let mut parts = Vec::new();
    let mut at = Some(id);
    while let Some(current) = at {
        match categories.iter().find(|c| c.id == current) {
            Some(c) => {
                parts.push(c.name(lang).to_string());
                at = c.parent();
            }
            None => {
                parts.push(current.to_string());
                break;
            }
        }
    }
    parts.reverse();
    parts.join(" › ")
}

/// The reader's panes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pane {
    #[default]
    Article,
    Links,
    History,
}

/// An entry of the links pane: where it goes, and whether it links here or from here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkEntry {
    pub target: Link,
    pub title: String,
    pub backlink: bool,
}

/// A diff between two revisions, laid out.
#[derive(Clone, Debug, PartialEq)]
pub struct DiffView {
    pub from: String,
    pub to: String,
    pub lines: Vec<DiffLine>,
    pub scroll: usize,
}

impl DiffView {
    /// How many rows the diff takes: a changed field shows its old and its new value, each on
    /// its own row, and an empty side is left out.
    pub fn rows(&self) -> usize {
        diff_row_count(&self.lines)
    }
}

/// How many rows a diff takes (see `DiffView::rows`).
pub fn diff_row_count(lines: &[DiffLine]) -> usize {
    lines
        .iter()
        .map(|line| match line {
            DiffLine::Field { from, to, .. } => {
                usize::from(!from.is_empty()) + usize::from(!to.is_empty())
            }
            _ => 1,
        })
        .sum()
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReaderState {
    pub laid: Laid,
    pub pane: Pane,
    pub scroll: usize,
    /// The link selected with Tab in the article pane.
    pub link: Option<usize>,
    pub links_selected: usize,
    pub history_selected: usize,
    /// The revision marked as the base of a diff (`m`).
    pub mark: Option<usize>,
    pub diff: Option<DiffView>,
    /// A next page of backlinks has been asked for and not come yet.
    pub loading_backlinks: bool,
}

/// Backlinks loaded at a time: the first page when an article opens, the next one when the
/// links pane's selection comes within a screen of the end of what is loaded.
pub const BACKLINKS_PAGE: usize = 100;

impl ReaderState {
    pub fn new(laid: Laid) -> Self {
        let history_selected = laid.doc.history.len().saturating_sub(1);
        ReaderState {
            laid,
            pane: Pane::Article,
            scroll: 0,
            link: None,
            links_selected: 0,
            history_selected,
            mark: None,
            diff: None,
            loading_backlinks: false,
        }
    }

    /// Where the next page of backlinks starts (how many are loaded, and the last one's id),
    /// when the links pane's selection is within `page` entries of the end of what is loaded,
    /// more are there and none are on their way.
    pub fn next_backlinks(&self, page: usize) -> Option<(usize, String)> {
        let doc = &self.laid.doc;
        let loaded = self.link_entries().len();
        let last = doc.backlinks.last()?;
        (doc.more_backlinks && !self.loading_backlinks && self.links_selected + page >= loaded)
            .then(|| (doc.backlinks.len(), last.id.clone()))
    }

    /// A page of backlinks arrived: kept if it follows what is loaded (an article read again
    /// in the meantime starts over from its first page).
    pub fn add_backlinks(&mut self, offset: usize, page: BacklinkPage) {
        let doc = &mut self.laid.doc;
        if offset == doc.backlinks.len() && doc.more_backlinks {
            doc.backlinks.extend(page.links);
            doc.more_backlinks = page.more;
            self.loading_backlinks = false;
        }
    }

    /// The links pane: links from this article (in order, once each), then links to it.
    pub fn link_entries(&self) -> Vec<LinkEntry> {
        let mut out: Vec<LinkEntry> = Vec::new();
        for link in &self.laid.rendered.links {
            if out.iter().any(|e| e.target == *link) {
                continue;
            }
            let title = match link {
                Link::Wiki(id) => self
                    .laid
                    .doc
                    .link_titles
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| id.clone()),
                Link::Url(url) => url.clone(),
            };
            out.push(LinkEntry {
                target: link.clone(),
                title,
                backlink: false,
            });
        }
        for b in &self.laid.doc.backlinks {
            out.push(LinkEntry {
                target: Link::Wiki(b.id.clone()),
                title: b.title.clone(),
                backlink: true,
            });
        }
        out
    }
}
