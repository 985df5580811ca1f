//! An article's Markdown body as HTML, through pulldown-cmark's renderer. Before rendering, the
//! events are rewritten so the page stays self-contained and every link it keeps resolves:
//! - raw HTML in the body is shown as text (no script, no remote image, no stray markup);
//! - `[[id]]` becomes a link to the exported article, or the plain title when it is not exported;
//! - a link to a web or mail address is kept; a link to a heading of the article is kept and
//!   pointed at that heading; any other link (a file that did not travel) is plain text;
//! - an image is embedded as a `data:` URI from the bytes the caller finds for its name, or
//!   said to be missing — never fetched.
//!
//! Headings move down one level (the article's title is the page's `h1`) and get ids prefixed
//! with the article's id and a `.` (which no article id holds), so the articles of a handbook
//! share one page without clashing with each other or with the articles' own anchors.

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use super::{data_uri, escape};

/// Where a wiki link's target went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WikiTarget {
    /// Exported too: the link goes to `href` and, without a label, reads as `title`.
    Exported { href: String, title: String },
    /// Not exported: the link's label, else `title` (or the id when it is not known), as text.
    Elsewhere { title: Option<String> },
}

/// What the body of one article needs from outside to render.
pub struct Context<'a> {
    /// The article's id: the prefix of its heading ids.
    pub article: &'a str,
    /// Where a wiki link's target (an article id) went.
    pub wiki: &'a dyn Fn(&str) -> WikiTarget,
    /// The bytes of an image the body names (a relative name, e.g. `seal.jpg`), when this node
    /// has them.
    pub image: &'a dyn Fn(&str) -> Option<Vec<u8>>,
}

/// The Markdown features a body may use: those the reader shows. Footnotes are left out: their
/// ids are not per article and would clash in a handbook.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_WIKILINKS
}

/// The id of a heading: the article's id, `.`, then the heading's ASCII letters and digits
/// (`s1`, `s2`… for a heading with none, e.g. in Thai), made unique within the article.
fn heading_ids(article: &str, events: &[Event]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut text: Option<String> = None;
    for event in events {
        match event {
            Event::Start(Tag::Heading { .. }) => text = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(s) = text.as_mut() {
                    s.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let base = slug(text.take().as_deref().unwrap_or_default());
                let base = if base.is_empty() {
                    format!("s{}", ids.len() + 1)
                } else {
                    base
                };
                let mut id = format!("{article}.{base}");
                let mut n = 2;
                while ids.contains(&id) {
                    id = format!("{article}.{base}-{n}");
                    n += 1;
                }
                ids.push(id);
            }
            _ => {}
        }
    }
    ids
}

/// `Steps to follow!` → `steps-to-follow`: ASCII letters and digits, lower-case, joined by `-`.
pub fn slug(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

fn deeper(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// Whether a link leaves for the web or a mail program rather than another file.
fn is_external(dest: &str) -> bool {
    let lower = dest.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

/// A `data:` image URI in the Markdown itself, kept when it declares a raster type and holds
/// nothing but base64.
fn inline_data_image(dest: &str) -> Option<String> {
    let rest = dest.trim().strip_prefix("data:")?;
    let (mime, payload) = rest.split_once(";base64,")?;
    let raster = ["image/png", "image/jpeg", "image/gif", "image/webp"];
    let clean = payload
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    (raster.contains(&mime.to_ascii_lowercase().as_str()) && clean && !payload.is_empty())
        .then(|| format!("data:{};base64,{payload}", mime.to_ascii_lowercase()))
}

/// The plain text of events (an image's alternative text).
fn plain_text(events: &[Event]) -> String {
    let mut out = String::new();
    for event in events {
        if let Event::Text(t) | Event::Code(t) = event {
            out.push_str(t);
        }
    }
    out
}

/// Where the `End` matching the `Start` at `start` is (links and images do not nest in
/// themselves), or the last event.
fn matching_end(events: &[Event], start: usize, end: TagEnd) -> usize {
    events
        .iter()
        .enumerate()
        .skip(start + 1)
        .find(|(_, e)| **e == Event::End(end))
        .map_or(events.len().saturating_sub(1), |(i, _)| i)
}

/// Raw HTML as text: shown, never interpreted.
fn defuse(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        Event::Start(Tag::HtmlBlock) => {
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Indented))
        }
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::CodeBlock),
        other => other,
    }
}

fn link<'a>(href: String) -> Event<'a> {
    Event::Start(Tag::Link {
        link_type: LinkType::Inline,
        dest_url: CowStr::from(href),
        title: CowStr::from(""),
        id: CowStr::from(""),
    })
}

/// Renders `markdown` as an HTML fragment (no page around it).
pub fn render(markdown: &str, ctx: &Context) -> String {
    let events: Vec<Event> = Parser::new_ext(markdown, options()).map(defuse).collect();
    let ids = heading_ids(ctx.article, &events);
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut headings = ids.iter();
    let mut i = 0;
    while let Some(event) = events.get(i) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => out.push(Event::Start(Tag::Heading {
                level: deeper(*level),
                id: headings.next().map(|id| CowStr::from(id.clone())),
                classes: vec![],
                attrs: vec![],
            })),
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::End(TagEnd::Heading(deeper(*level))));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let end = matching_end(&events, i, TagEnd::Link);
                let inner = events.get(i + 1..end).unwrap_or_default();
                match link_type {
                    LinkType::WikiLink { has_pothole } => {
                        wiki_link(&mut out, ctx, dest_url, *has_pothole, inner);
                    }
                    _ => plain_link(&mut out, ctx, &ids, event, dest_url, inner),
                }
                i = end;
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let end = matching_end(&events, i, TagEnd::Image);
                let alt = plain_text(events.get(i + 1..end).unwrap_or_default());
                out.push(Event::InlineHtml(CowStr::from(image(ctx, dest_url, &alt))));
                i = end;
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    html
}

fn wiki_link<'a>(
    out: &mut Vec<Event<'a>>,
    ctx: &Context,
    target: &str,
    labelled: bool,
    inner: &[Event<'a>],
) {
    let target = target.trim();
    match (ctx.wiki)(target) {
        WikiTarget::Exported { href, title } => {
            out.push(link(href));
            if labelled {
                out.extend(inner.iter().cloned());
            } else {
                out.push(Event::Text(CowStr::from(title)));
            }
            out.push(Event::End(TagEnd::Link));
        }
        WikiTarget::Elsewhere { title } => {
            out.push(Event::InlineHtml(CowStr::from(
                "<span class=\"not-exported\">",
            )));
            if labelled {
                out.extend(inner.iter().cloned());
            } else {
                out.push(Event::Text(CowStr::from(
                    title.unwrap_or_else(|| target.to_string()),
                )));
            }
            out.push(Event::InlineHtml(CowStr::from("</span>")));
        }
    }
}

fn plain_link<'a>(
    out: &mut Vec<Event<'a>>,
    ctx: &Context,
    ids: &[String],
    start: &Event<'a>,
    dest: &str,
    inner: &[Event<'a>],
) {
    let heading = dest
        .strip_prefix('#')
        .map(|fragment| format!("{}.{}", ctx.article, slug(fragment)))
        .filter(|id| ids.contains(id));
    let email = matches!(
        start,
        Event::Start(Tag::Link {
            link_type: LinkType::Email,
            ..
        })
    );
    if email || is_external(dest) {
        out.push(start.clone());
    } else if let Some(id) = heading {
        out.push(link(format!("#{id}")));
    } else {
        // A file that did not travel with the export: its words stay, the link does not.
        out.extend(inner.iter().cloned());
        if !dest.trim().is_empty() {
            out.push(Event::Text(CowStr::from(format!(" ({})", dest.trim()))));
        }
        return;
    }
    out.extend(inner.iter().cloned());
    out.push(Event::End(TagEnd::Link));
}

/// An `<img>` with the image's bytes inside, or a note that it is not available here.
fn image(ctx: &Context, dest: &str, alt: &str) -> String {
    let dest = dest.trim();
    let src = if dest.starts_with("data:") {
        inline_data_image(dest)
    } else if is_external(dest) || dest.contains("://") {
        None
    } else {
        (ctx.image)(dest).and_then(|bytes| data_uri(&bytes))
    };
    match src {
        Some(src) => format!("<img src=\"{src}\" alt=\"{}\">", escape(alt)),
        None => {
            let name = if dest.starts_with("data:") { "" } else { dest };
            let label = match (alt.is_empty(), name.is_empty()) {
                (false, false) => format!("{alt} ({name})"),
                (false, true) => alt.to_string(),
                (true, _) => name.to_string(),
            };
            format!(
                "<span class=\"missing-image\">[image not available here: {}]</span>",
                escape(&label)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\nrest-of-a-png";

    fn render_with(markdown: &str) -> String {
        let wiki = |id: &str| match id {
            "seal-checks" => WikiTarget::Exported {
                href: "seal-checks.html".into(),
                title: "Container seal checks".into(),
            },
            "secret-one" => WikiTarget::Elsewhere {
                title: Some("Another article".into()),
            },
            _ => WikiTarget::Elsewhere { title: None },
        };
        let image = |name: &str| (name == "seal.png").then(|| PNG.to_vec());
        render(
            markdown,
            &Context {
                article: "timber",
                wiki: &wiki,
                image: &image,
            },
        )
    }

    #[test]
    fn wiki_links_go_to_exported_articles_and_read_as_text_otherwise() {
        let html = render_with(
            "See [[seal-checks]], [[seal-checks|the seals]], [[secret-one]], [[gone-one]] and \
             [[secret-one|that note]].",
        );
        assert!(
            html.contains(r#"<a href="seal-checks.html">Container seal checks</a>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<a href="seal-checks.html">the seals</a>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="not-exported">Another article</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="not-exported">gone-one</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="not-exported">that note</span>"#),
            "{html}"
        );
        assert_eq!(html.matches("<a ").count(), 2, "{html}");
    }

    #[test]
    fn only_web_links_and_links_to_headings_stay_links() {
        let html = render_with(
            "## Steps to follow\n\n[law](https://law.example/act), [mail](mailto:hq@example.org), \
             [up](#steps-to-follow), [nowhere](#missing), [form](forms/f1.pdf), \
             [bad](javascript:alert(1)), <hq@example.org>\n\n## Steps to follow\n",
        );
        assert!(
            html.contains(r#"<h3 id="timber.steps-to-follow">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<h3 id="timber.steps-to-follow-2">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<a href="https://law.example/act">law</a>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<a href="mailto:hq@example.org">mail</a>"#),
            "{html}"
        );
        assert!(
            html.contains(r##"<a href="#timber.steps-to-follow">up</a>"##),
            "{html}"
        );
        assert!(html.contains("nowhere (#missing)"), "{html}");
        assert!(html.contains("form (forms/f1.pdf)"), "{html}");
        assert!(!html.contains("javascript:alert(1)\""), "{html}");
        assert!(html.contains(r#"<a href="mailto:hq@example.org">hq@example.org</a>"#));
        assert_eq!(html.matches("<a ").count(), 4, "{html}");
    }

    #[test]
    fn images_are_embedded_from_their_bytes_or_said_to_be_missing() {
        let html = render_with(
            "![A cut seal](seal.png) ![X-ray](xray.jpg) ![remote](https://example.org/a.png) \
             ![inline](data:image/png;base64,iVBORw0KGgo=) ![svg](data:image/svg+xml;base64,PHN2Zz4=)",
        );
        assert!(
            html.contains(&format!(
                r#"<img src="data:image/png;base64,{}" alt="A cut seal">"#,
                super::super::base64(PNG)
            )),
            "{html}"
        );
        assert!(html.contains(r#"<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">"#));
        assert!(
            html.contains("[image not available here: X-ray (xray.jpg)]"),
            "{html}"
        );
        assert!(html.contains("[image not available here: remote (https://example.org/a.png)]"));
        assert!(html.contains("[image not available here: svg]"), "{html}");
        assert_eq!(html.matches("<img ").count(), 2, "{html}");
    }

    #[test]
    fn raw_html_in_a_body_is_shown_as_text_never_run() {
        let html = render_with(
            "<script src=\"https://evil.example/x.js\"></script>\n\nText <img src=x onerror=alert(1)> here.\n",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script src="), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
    }

    #[test]
    fn headings_move_down_a_level_and_thai_headings_get_numbered_ids() {
        let html = render_with("# ขั้นตอน\n\n## 절차\n\n###### Deep\n");
        assert!(html.contains("<h2 id=\"timber.s1\">ขั้นตอน</h2>"), "{html}");
        assert!(html.contains("<h3 id=\"timber.s2\">절차</h3>"), "{html}");
        assert!(html.contains("<h6 id=\"timber.deep\">Deep</h6>"), "{html}");
    }
}
