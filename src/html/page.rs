//! Whole HTML documents: one article, the index of an export, a category's handbook. Each is
//! self-contained (the stylesheet inline, a Content-Security-Policy that lets nothing load from
//! the network) and marked with its classification on screen and on every printed page.

use super::{escape, marking};
use crate::model::{Classification, Kind, Lang, Status};

const CSS: &str = include_str!("../../assets/html/outpost.css");

/// Nothing from outside: images only as `data:` URIs, the inline stylesheet, no script.
const CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/// An article as a page shows it: the core fills it from the article's record.
#[derive(Clone, Debug)]
pub struct ArticleDoc {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// The category's id and English name.
    pub category: (String, String),
    pub lang: Lang,
    pub kind: Kind,
    pub classification: Classification,
    pub status: Status,
    pub in_conflict: bool,
    /// HS codes with their descriptions.
    pub hs: Vec<(String, String)>,
    pub tags: Vec<String>,
    pub office: String,
    /// `YYYY-MM-DD` of the last change.
    pub updated: String,
    /// The revision shown, abbreviated.
    pub revision: String,
    pub review_by: Option<String>,
    /// The body, already HTML (`html::body::render`).
    pub body: String,
}

/// Where and when an export was made, printed on every document.
#[derive(Clone, Debug)]
pub struct Stamp {
    pub office: String,
    /// `YYYY-MM-DD`.
    pub date: String,
}

/// The cover of a handbook: a Knowledge Map category.
#[derive(Clone, Debug)]
pub struct Cover {
    pub id: String,
    pub en: String,
    /// The Thai and Korean names (empty when there is none).
    pub th: String,
    pub ko: String,
    pub description: String,
}

/// A handbook's articles under one category of its subtree, in Knowledge Map order.
#[derive(Clone, Debug)]
pub struct Section {
    pub category: (String, String),
    pub articles: Vec<ArticleDoc>,
}

fn document(lang: &str, title: &str, class: Classification, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Outpost\">\n\
         <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body class=\"c-{}\">\n{body}</body>\n</html>\n",
        escape(title),
        class.as_str()
    )
}

fn marking_line(class: Classification) -> String {
    format!(
        "<p class=\"marking c-{}\">{}</p>\n",
        class.as_str(),
        marking(class)
    )
}

fn stamp_line(stamp: &Stamp) -> String {
    format!(
        "<p class=\"stamp\">Exported from {} on {} by Outpost.</p>\n",
        escape(&stamp.office),
        escape(&stamp.date)
    )
}

/// The highest classification among `docs` (public when there are none).
pub fn highest<'a>(docs: impl IntoIterator<Item = &'a ArticleDoc>) -> Classification {
    docs.into_iter()
        .map(|d| d.classification)
        .max()
        .unwrap_or(Classification::Public)
}

/// One article as an `<article>` element: marking, notices, title, metadata and body. Its
/// `id` is the article's id, which in-page links of a handbook point at.
pub fn article_section(doc: &ArticleDoc) -> String {
    let mut out = format!(
        "<article class=\"article c-{}\" id=\"{}\" lang=\"{}\">\n",
        doc.classification.as_str(),
        escape(&doc.id),
        doc.lang.as_str()
    );
    out.push_str(&marking_line(doc.classification));
    let notice = match doc.status {
        Status::Draft => Some("DRAFT: not published; it may be wrong or incomplete."),
        Status::Retired => Some("RETIRED: no longer in force; kept for reference."),
        Status::Published => None,
    };
    if let Some(notice) = notice {
        out.push_str(&format!("<p class=\"notice\" lang=\"en\">{notice}</p>\n"));
    }
    if doc.in_conflict {
        out.push_str(
            "<p class=\"notice\" lang=\"en\">IN CONFLICT: edits made at the same time have not \
             been reconciled; this is the latest version.</p>\n",
        );
    }
    out.push_str(&format!("<h1>{}</h1>\n", escape(&doc.title)));
    if !doc.summary.is_empty() {
        out.push_str(&format!(
            "<p class=\"summary\">{}</p>\n",
            escape(&doc.summary)
        ));
    }
    out.push_str(&meta_list(doc));
    out.push_str(&format!("<div class=\"body\">\n{}</div>\n", doc.body));
    out.push_str("</article>\n");
    out
}

fn meta_list(doc: &ArticleDoc) -> String {
    let mut rows: Vec<(&str, String)> = vec![
        (
            "Category",
            format!("{} ({})", escape(&doc.category.1), escape(&doc.category.0)),
        ),
        (
            "Kind",
            format!(
                "{} · {} · {}",
                doc.kind.as_str(),
                doc.lang.as_str(),
                marking(doc.classification)
            ),
        ),
    ];
    for (code, description) in &doc.hs {
        rows.push(("HS", format!("{} {}", escape(code), escape(description))));
    }
    if !doc.tags.is_empty() {
        rows.push(("Tags", escape(&doc.tags.join(", "))));
    }
    rows.push((
        "Source",
        format!(
            "{} · updated {} · revision {} · id {}",
            escape(&doc.office),
            escape(&doc.updated),
            escape(&doc.revision),
            escape(&doc.id)
        ),
    ));
    if let Some(date) = &doc.review_by {
        rows.push(("Review by", escape(date)));
    }
    let mut out = String::from("<dl class=\"meta\" lang=\"en\">\n");
    for (name, value) in rows {
        out.push_str(&format!("<dt>{name}</dt><dd>{value}</dd>\n"));
    }
    out.push_str("</dl>\n");
    out
}

/// A page of one article, with a link back to the export's index (`index_href`).
pub fn article_page(doc: &ArticleDoc, stamp: &Stamp, index_href: &str) -> String {
    let body = format!(
        "<p class=\"index-link\" lang=\"en\"><a href=\"{}\">All exported articles</a></p>\n{}{}",
        escape(index_href),
        article_section(doc),
        stamp_line(stamp)
    );
    document(doc.lang.as_str(), &doc.title, doc.classification, &body)
}

/// The index of an export: every article with a link to its page (`href`), and the handbook
/// when there is one (its address and title).
pub fn index_page(
    title: &str,
    entries: &[(String, &ArticleDoc)],
    handbook: Option<(&str, &str)>,
    stamp: &Stamp,
) -> String {
    let class = highest(entries.iter().map(|(_, d)| *d));
    let mut body = marking_line(class);
    body.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    body.push_str(&stamp_line(stamp));
    if let Some((href, name)) = handbook {
        body.push_str(&format!(
            "<p>The whole handbook, to read or print in one piece: <a href=\"{}\">{}</a></p>\n",
            escape(href),
            escape(name)
        ));
    }
    body.push_str(
        "<table class=\"index\">\n<thead><tr><th>Article</th><th>Category</th>\
         <th>Language</th><th>Classification</th></tr></thead>\n<tbody>\n",
    );
    for (href, doc) in entries {
        body.push_str(&format!(
            "<tr><td lang=\"{}\"><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            doc.lang.as_str(),
            escape(href),
            escape(&doc.title),
            escape(&doc.category.1),
            doc.lang.as_str(),
            marking(doc.classification)
        ));
    }
    body.push_str("</tbody>\n</table>\n");
    document("en", title, class, &body)
}

/// A category's handbook in one document: a cover, a table of contents by sub-category, then
/// every article, each starting a printed page.
pub fn handbook_page(cover: &Cover, sections: &[Section], stamp: &Stamp) -> String {
    let docs = || sections.iter().flat_map(|s| &s.articles);
    let class = highest(docs());
    let count = docs().count();
    let title = format!("Handbook: {}", cover.en);
    let mut body = format!("<section class=\"cover\">\n{}", marking_line(class));
    body.push_str(&format!("<h1>{}</h1>\n", escape(&title)));
    for (lang, name) in [("th", &cover.th), ("ko", &cover.ko)] {
        if !name.is_empty() {
            body.push_str(&format!(
                "<p class=\"names\" lang=\"{lang}\">{}</p>\n",
                escape(name)
            ));
        }
    }
    if !cover.description.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", escape(&cover.description)));
    }
    body.push_str(&format!(
        "<p>{count} published article{} of <code>{}</code> and its sub-groups.</p>\n{}</section>\n",
        if count == 1 { "" } else { "s" },
        escape(&cover.id),
        stamp_line(stamp)
    ));
    body.push_str(&format!(
        "<nav class=\"toc c-{}\">\n<h2>Contents</h2>\n<ol>\n",
        class.as_str()
    ));
    for section in sections {
        body.push_str(&format!("<li>{}\n<ol>\n", escape(&section.category.1)));
        for doc in &section.articles {
            body.push_str(&format!(
                "<li lang=\"{}\"><a href=\"#{}\">{}</a></li>\n",
                doc.lang.as_str(),
                escape(&doc.id),
                escape(&doc.title)
            ));
        }
        body.push_str("</ol>\n</li>\n");
    }
    body.push_str("</ol>\n</nav>\n");
    for doc in docs() {
        body.push_str(&article_section(doc));
    }
    document("en", &title, class, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, title: &str, lang: Lang, classification: Classification) -> ArticleDoc {
        ArticleDoc {
            id: id.into(),
            title: title.into(),
            summary: "What to look at first.".into(),
            category: (
                "clearance/container-seals".into(),
                "Containers & seals".into(),
            ),
            lang,
            kind: Kind::Procedure,
            classification,
            status: Status::Published,
            in_conflict: false,
            hs: vec![("8309.90".into(), "Other".into())],
            tags: vec!["seals".into(), "transit".into()],
            office: "Chiang Khong".into(),
            updated: "2026-11-01".into(),
            revision: "93db8a512fce".into(),
            review_by: Some("2027-06-30".into()),
            body: "<p>Check the seal.</p>\n".into(),
        }
    }

    fn stamp() -> Stamp {
        Stamp {
            office: "Central HQ".into(),
            date: "2026-12-05".into(),
        }
    }

    /// The part of a document after its inline stylesheet.
    fn body(html: &str) -> &str {
        html.find("<body").map_or(html, |at| &html[at..])
    }

    #[test]
    fn an_article_page_shows_its_marking_notices_metadata_and_body() {
        let mut draft = doc(
            "seal-xray",
            "การตรวจตราผนึก <ด้วยเอกซเรย์>",
            Lang::Th,
            Classification::CustomsOnly,
        );
        draft.status = Status::Draft;
        let html = article_page(&draft, &stamp(), "../index.html");
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"th\">"));
        assert!(html.contains("<title>การตรวจตราผนึก &lt;ด้วยเอกซเรย์&gt;</title>"));
        insta::assert_snapshot!("article_page_customs_only_draft_th", body(&html));
    }

    #[test]
    fn a_handbook_has_a_cover_contents_and_every_article_under_the_highest_marking() {
        let sections = vec![
            Section {
                category: (
                    "clearance/container-seals".into(),
                    "Containers & seals".into(),
                ),
                articles: vec![
                    doc(
                        "seal-basics",
                        "Seal basics",
                        Lang::En,
                        Classification::Public,
                    ),
                    doc(
                        "seal-ring",
                        "봉인 첩보",
                        Lang::Ko,
                        Classification::Restricted,
                    ),
                ],
            },
            Section {
                category: ("clearance/inspection-xray".into(), "X-ray".into()),
                articles: vec![doc(
                    "seal-xray",
                    "ตราผนึก",
                    Lang::Th,
                    Classification::CustomsOnly,
                )],
            },
        ];
        let cover = Cover {
            id: "clearance".into(),
            en: "Clearance support".into(),
            th: "การสนับสนุนงานพิธีการศุลกากร".into(),
            ko: "통관지원".into(),
            description: "Practical guidance.".into(),
        };
        let html = handbook_page(&cover, &sections, &stamp());
        insta::assert_snapshot!("handbook_three_articles", body(&html));
    }
}
