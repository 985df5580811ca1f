//! Markdown laid out for the terminal: headings, lists, block quotes, code blocks, tables,
//! emphasis, inline code, links and `[[wiki links]]`, wrapped by display width. Done in `update`
//! (on open and on resize), so the reader scrolls over exactly what is drawn.
//!
//! The text is read by pulldown-cmark with wiki links on, the parser the backlinks and the
//! snippet's links agree with, so the reader, the links pane and the links `apply` keeps find
//! the same `[[links]]` (none inside code). A blank line in the source between two blocks is one
//! blank line on screen, and a heading always has one above it. What the terminal cannot show
//! (HTML, footnotes) is shown as its text.
//!
//! The output is plain data — lines of (text, `Sty`) spans plus the links found, in order — which
//! the view turns into styles from the theme.

mod table;
mod wrap;

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use unicode_width::UnicodeWidthStr;

use self::wrap::hard_wrap;
pub use self::wrap::wrap_spans;

/// How a span is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sty {
    Plain,
    Strong,
    Emphasis,
    Code,
    /// The n-th link of the document.
    Link(usize),
    Heading,
    Title,
    Dim,
    Added,
    Removed,
}

pub type Span = (String, Sty);

/// One screen line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RLine(pub Vec<Span>);

impl RLine {
    pub fn plain(text: impl Into<String>, sty: Sty) -> Self {
        RLine(vec![(text.into(), sty)])
    }

    pub fn text(&self) -> String {
        self.0.iter().map(|(t, _)| t.as_str()).collect()
    }
}

/// Where a link goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// Another article, by id.
    Wiki(String),
    Url(String),
}

/// A laid-out document: its lines, its links, and the first line of each link.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub lines: Vec<RLine>,
    pub links: Vec<Link>,
    pub link_lines: Vec<usize>,
}

/// Lays `markdown` out `width` columns wide.
pub fn render(markdown: &str, width: usize) -> Rendered {
    let mut r = Renderer {
        out: Rendered::default(),
        width: width.max(10),
        spans: Vec::new(),
        strong: 0,
        emphasis: 0,
        link: None,
        heading: false,
        quote: 0,
        lists: Vec::new(),
        item_marker: None,
        items: Vec::new(),
        code: None,
        table: None,
        last_end: 0,
    };
    let options = Options::ENABLE_WIKILINKS | Options::ENABLE_TABLES;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        r.event(markdown, event, range);
    }
    r.flush();
    while r.out.lines.last().is_some_and(|l| l.text().is_empty()) {
        r.out.lines.pop();
    }
    r.out
}

struct Renderer {
    out: Rendered,
    width: usize,
    /// The inline text of the block being read.
    spans: Vec<Span>,
    strong: usize,
    emphasis: usize,
    /// The link being read, by number.
    link: Option<usize>,
    heading: bool,
    /// Block quotes open.
    quote: usize,
    /// Open lists: the next number of an ordered one, `None` for bullets.
    lists: Vec<Option<u64>>,
    /// An item's marker, until its first line is out.
    item_marker: Option<String>,
    /// The open items' hanging indents: where their text starts.
    items: Vec<String>,
    /// The code block being read.
    code: Option<String>,
    table: Option<table::Table>,
    /// Where the last block ended in the source.
    last_end: usize,
}

impl Renderer {
    fn event(&mut self, source: &str, event: Event<'_>, range: Range<usize>) {
        if !matches!(event, Event::Start(_) | Event::End(_)) {
            if matches!(event, Event::Rule) {
                self.block_gap(source, &range);
            }
            self.last_end = self.last_end.max(range.end);
        }
        match event {
            Event::Start(tag) => self.start(source, tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(text) => match &mut self.code {
                Some(code) => code.push_str(&text),
                None => self.text(&text, None),
            },
            Event::Code(text) => self.text(&text, Some(Sty::Code)),
            Event::Html(text) => {
                // A line of an HTML block: shown as it is written, one line each.
                self.text(text.trim_end_matches(['\n', '\r']), None);
                self.flush();
            }
            Event::InlineHtml(text) => self.text(&text, None),
            Event::InlineMath(text) | Event::DisplayMath(text) => self.text(&text, None),
            Event::FootnoteReference(label) => self.text(&format!("[^{label}]"), None),
            Event::SoftBreak => self.text(" ", None),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.flush();
                self.push_line(RLine::plain("─".repeat(self.width), Sty::Dim));
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }, None),
        }
    }

    fn start(&mut self, source: &str, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock | Tag::BlockQuote(_) | Tag::Table(_) => {
                self.block_gap(source, &range);
                self.flush();
                match tag {
                    Tag::BlockQuote(_) => self.quote += 1,
                    Tag::Table(_) => self.table = Some(table::Table::default()),
                    _ => {}
                }
            }
            Tag::Heading { .. } => {
                self.flush();
                self.blank();
                self.heading = true;
            }
            Tag::CodeBlock(_) => {
                self.block_gap(source, &range);
                self.flush();
                self.code = Some(String::new());
            }
            Tag::List(first) => {
                if self.lists.is_empty() {
                    self.block_gap(source, &range);
                }
                self.flush();
                self.lists.push(first);
            }
            Tag::Item => {
                self.block_gap(source, &range);
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}.", *n - 1)
                    }
                    _ => "•".to_string(),
                };
                // A nested list's marker goes under its parent item's text.
                let pad = self.items.last().map_or("", String::as_str);
                let marker = format!("{pad}{marker} ");
                self.items.push(" ".repeat(marker.width()));
                self.item_marker = Some(marker);
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                    t.head = matches!(tag, Tag::TableHead);
                }
            }
            Tag::TableCell => self.spans.clear(),
            Tag::Emphasis => self.emphasis += 1,
            Tag::Strong => self.strong += 1,
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                let link = match link_type {
                    LinkType::WikiLink { .. } => Link::Wiki(dest_url.trim().to_string()),
                    _ => Link::Url(dest_url.to_string()),
                };
                self.link = Some(self.number(link));
            }
            Tag::Image { dest_url, .. } => {
                self.link = Some(self.number(Link::Url(dest_url.to_string())));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => self.flush(),
            TagEnd::Item => {
                self.flush();
                self.items.pop();
            }
            TagEnd::Heading(_) => {
                self.flush();
                self.heading = false;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                for line in code.lines() {
                    self.code_line(line);
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.spans);
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.head = false;
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    t.lay_out(self);
                }
            }
            TagEnd::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Link | TagEnd::Image => self.link = None,
            _ => {}
        }
        if matches!(
            tag,
            TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::Table
        ) {
            self.last_end = self.last_end.max(range.end);
        }
    }

    /// One blank line where the source has one between this block and the text before it
    /// (`last_end`, the end of the last text read or block closed): two line ends between them.
    fn block_gap(&mut self, source: &str, range: &Range<usize>) {
        let before = source.get(..self.last_end).unwrap_or_default();
        let end = before.trim_end_matches(['\n', '\r']).len();
        let gap = source.get(end..range.start).unwrap_or_default();
        if gap.matches('\n').count() >= 2 {
            self.flush();
            self.blank();
        }
    }

    fn blank(&mut self) {
        if self.out.lines.last().is_some_and(|l| !l.0.is_empty()) {
            self.out.lines.push(RLine::default());
        }
    }

    /// Inline text in the style of where it is: `sty` (inline code) or the link, the heading,
    /// the quote, a table's header, bold or italic.
    fn text(&mut self, text: &str, sty: Option<Sty>) {
        let header = self.table.as_ref().is_some_and(table::Table::in_header);
        let sty = match (sty, self.link) {
            (Some(sty), _) => sty,
            (None, Some(n)) => Sty::Link(n),
            (None, None) if self.heading => Sty::Heading,
            (None, None) if header => Sty::Strong,
            (None, None) if self.quote > 0 => Sty::Emphasis,
            (None, None) if self.strong > 0 => Sty::Strong,
            (None, None) if self.emphasis > 0 => Sty::Emphasis,
            (None, None) => Sty::Plain,
        };
        match self.spans.last_mut() {
            Some((t, s)) if *s == sty => t.push_str(text),
            _ => self.spans.push((text.to_string(), sty)),
        }
    }

    /// The inline text read so far as wrapped lines, under the list item's marker or the
    /// quote's bar.
    fn flush(&mut self) {
        if self.spans.is_empty() || self.table.is_some() {
            return;
        }
        let mut spans = std::mem::take(&mut self.spans);
        if let Some((first, _)) = spans.first_mut() {
            let trimmed = first.trim_start().len();
            first.replace_range(..first.len() - trimmed, "");
        }
        let bar = "│ ".repeat(self.quote);
        let hang = self.items.last().map_or("", String::as_str);
        let first = match self.item_marker.take() {
            Some(marker) => format!("{bar}{marker}"),
            None => format!("{bar}{hang}"),
        };
        let rest = format!("{bar}{hang}");
        self.push_wrapped(spans, &first, &rest);
    }

    fn code_line(&mut self, line: &str) {
        let line = line.replace('\t', "    ");
        for piece in hard_wrap(&line, self.width.saturating_sub(2)) {
            self.push_line(RLine(vec![("  ".into(), Sty::Plain), (piece, Sty::Code)]));
        }
    }

    /// Numbers a link in the order met; its line is known once it is laid out.
    fn number(&mut self, link: Link) -> usize {
        self.out.links.push(link);
        self.out.link_lines.push(usize::MAX);
        self.out.links.len() - 1
    }

    /// Wraps spans into lines, `first` before the first line and `rest` before the others.
    fn push_wrapped(&mut self, spans: Vec<Span>, first: &str, rest: &str) {
        for line in wrap_spans(&spans, self.width, first, rest) {
            self.push_line(line);
        }
    }

    /// Adds a line; each link first seen on it has this line as its own.
    fn push_line(&mut self, line: RLine) {
        let at = self.out.lines.len();
        for (_, sty) in &line.0 {
            if let Sty::Link(i) = sty
                && let Some(l) = self.out.link_lines.get_mut(*i)
                && *l == usize::MAX
            {
                *l = at;
            }
        }
        self.out.lines.push(line);
    }
}

#[cfg(test)]
mod tests;
