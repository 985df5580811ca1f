//! Markdown laid out for the terminal: headings, lists, block quotes, code blocks, tables,
//! emphasis, inline code, links and `[[wiki links]]`, wrapped by display width. Done in `update`
//! (on open and on resize), so the reader scrolls over exactly what is drawn.
//!
//! The output is plain data — lines of (text, `Sty`) spans plus the links found, in order — which
//! the view turns into styles from the theme. This is a small renderer for what officers write,
//! not a full CommonMark implementation: what it does not know is shown as text.

mod wrap;

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
    let width = width.max(10);
    let mut r = Renderer {
        out: Rendered::default(),
        width,
    };
    let lines: Vec<&str> = markdown.lines().collect();
    let mut i = 0;
    let mut paragraph: Vec<&str> = Vec::new();
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let block_start = trimmed.starts_with("```")
            || trimmed.starts_with('#')
            || trimmed.starts_with('|')
            || trimmed.starts_with('>')
            || list_marker(trimmed).is_some()
            || is_rule(trimmed)
            || trimmed.is_empty();
        if !block_start {
            paragraph.push(trimmed);
            i += 1;
            continue;
        }
        r.flush(&mut paragraph);
        if trimmed.is_empty() {
            r.blank();
            i += 1;
        } else if let Some(fence) = trimmed.strip_prefix("```") {
            let _lang = fence;
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                r.code(lines[i]);
                i += 1;
            }
            i += 1;
        } else if trimmed.starts_with('|') {
            let start = i;
            while i < lines.len() && lines[i].trim_start().starts_with('|') {
                i += 1;
            }
            r.table(&lines[start..i]);
        } else {
            r.block_line(line);
            i += 1;
        }
    }
    r.flush(&mut paragraph);
    while r.out.lines.last().is_some_and(|l| l.text().is_empty()) {
        r.out.lines.pop();
    }
    r.out
}

struct Renderer {
    out: Rendered,
    width: usize,
}

impl Renderer {
    fn blank(&mut self) {
        if self.out.lines.last().is_some_and(|l| !l.0.is_empty()) {
            self.out.lines.push(RLine::default());
        }
    }

    fn flush(&mut self, paragraph: &mut Vec<&str>) {
        if !paragraph.is_empty() {
            let text = paragraph.join(" ");
            let spans = self.inline(&text, Sty::Plain);
            self.push_wrapped(spans, "", "");
            paragraph.clear();
        }
    }

    fn block_line(&mut self, line: &str) {
        let trimmed = line.trim_start();
        let indent = (line.len() - trimmed.len()) / 2;
        if let Some(rest) = heading(trimmed) {
            self.blank();
            let spans = self.inline(rest, Sty::Heading);
            self.push_wrapped(spans, "", "");
        } else if is_rule(trimmed) {
            self.out
                .lines
                .push(RLine::plain("─".repeat(self.width), Sty::Dim));
        } else if let Some(rest) = trimmed.strip_prefix('>') {
            let spans = self.inline(rest.trim_start(), Sty::Emphasis);
            self.push_wrapped(spans, "│ ", "│ ");
        } else if let Some((marker, rest)) = list_marker(trimmed) {
            let pad = "  ".repeat(indent.min(4));
            let first = format!("{pad}{marker} ");
            let hang = " ".repeat(first.width());
            let spans = self.inline(rest, Sty::Plain);
            self.push_wrapped(spans, &first, &hang);
        } else {
            let spans = self.inline(trimmed, Sty::Plain);
            self.push_wrapped(spans, "", "");
        }
    }

    fn code(&mut self, line: &str) {
        let line = line.replace('\t', "    ");
        for piece in hard_wrap(&line, self.width.saturating_sub(2)) {
            self.out
                .lines
                .push(RLine(vec![("  ".into(), Sty::Plain), (piece, Sty::Code)]));
        }
    }

    /// A table fits as a grid, or else is shown one row at a time as `header: value` lines.
    fn table(&mut self, rows: &[&str]) {
        let cells = |row: &str| -> Vec<String> {
            let row = row.trim().trim_start_matches('|').trim_end_matches('|');
            row.split('|').map(|c| c.trim().to_string()).collect()
        };
        let mut parsed: Vec<Vec<String>> = rows
            .iter()
            .filter(|r| !r.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')))
            .map(|r| cells(r))
            .collect();
        if parsed.is_empty() {
            return;
        }
        let columns = parsed.iter().map(Vec::len).max().unwrap_or(0);
        for row in &mut parsed {
            row.resize(columns, String::new());
        }
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                parsed
                    .iter()
                    .map(|r| plain(&r[c]).width())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let total = widths.iter().sum::<usize>() + 3 * columns.saturating_sub(1);
        if total <= self.width {
            for (n, row) in parsed.iter().enumerate() {
                let mut spans = Vec::new();
                for (c, cell) in row.iter().enumerate() {
                    if c > 0 {
                        spans.push((" │ ".to_string(), Sty::Dim));
                    }
                    let sty = if n == 0 { Sty::Strong } else { Sty::Plain };
                    let text = plain(cell);
                    let pad = widths[c].saturating_sub(text.width());
                    spans.extend(self.inline(cell, sty));
                    if c + 1 < columns {
                        spans.push((" ".repeat(pad), Sty::Plain));
                    }
                }
                self.out.lines.push(RLine(spans));
                if n == 0 {
                    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                    self.out
                        .lines
                        .push(RLine::plain(rule.join("─┼─"), Sty::Dim));
                }
            }
            return;
        }
        let header = parsed[0].clone();
        for row in &parsed[1..] {
            for (c, cell) in row.iter().enumerate() {
                let label = format!("{}: ", plain(&header[c]));
                let mut spans = vec![(label, Sty::Strong)];
                spans.extend(self.inline(cell, Sty::Plain));
                self.push_wrapped(spans, "", "  ");
            }
            self.out.lines.push(RLine::default());
        }
    }

    /// Inline Markdown to spans; links are numbered as they are met.
    fn inline(&mut self, text: &str, base: Sty) -> Vec<Span> {
        let mut spans: Vec<Span> = Vec::new();
        let mut strong = false;
        let mut emphasis = false;
        let mut buf = String::new();
        let style = |strong: bool, emphasis: bool| match (base, strong, emphasis) {
            (Sty::Plain, true, _) => Sty::Strong,
            (Sty::Plain, false, true) => Sty::Emphasis,
            (other, ..) => other,
        };
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let flush = |buf: &mut String, spans: &mut Vec<Span>, sty| {
                if !buf.is_empty() {
                    spans.push((std::mem::take(buf), sty));
                }
            };
            if rest.starts_with("**") || rest.starts_with("__") {
                flush(&mut buf, &mut spans, style(strong, emphasis));
                strong = !strong;
                rest = &rest[2..];
            } else if (c == '*' || c == '_') && emphasis_toggle(&buf, rest, emphasis) {
                flush(&mut buf, &mut spans, style(strong, emphasis));
                emphasis = !emphasis;
                rest = &rest[1..];
            } else if c == '`'
                && let Some(end) = rest[1..].find('`')
            {
                flush(&mut buf, &mut spans, style(strong, emphasis));
                spans.push((rest[1..1 + end].to_string(), Sty::Code));
                rest = &rest[end + 2..];
            } else if rest.starts_with("[[")
                && let Some(end) = rest.find("]]")
            {
                flush(&mut buf, &mut spans, style(strong, emphasis));
                let inner = &rest[2..end];
                let (target, label) = inner.split_once('|').unwrap_or((inner, inner));
                spans.push((
                    label.trim().to_string(),
                    Sty::Link(self.link(Link::Wiki(target.trim().into()))),
                ));
                rest = &rest[end + 2..];
            } else if c == '['
                && let Some(close) = rest.find("](")
                && let Some(end) = rest[close..].find(')')
            {
                flush(&mut buf, &mut spans, style(strong, emphasis));
                let label = &rest[1..close];
                let url = &rest[close + 2..close + end];
                spans.push((
                    label.to_string(),
                    Sty::Link(self.link(Link::Url(url.into()))),
                ));
                rest = &rest[close + end + 1..];
            } else {
                buf.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        if !buf.is_empty() {
            spans.push((buf, style(strong, emphasis)));
        }
        spans
    }

    fn link(&mut self, link: Link) -> usize {
        self.out.links.push(link);
        self.out.link_lines.push(self.out.lines.len());
        self.out.links.len() - 1
    }

    /// Wraps spans into lines, `first` before the first line and `rest` before the others.
    fn push_wrapped(&mut self, spans: Vec<Span>, first: &str, rest: &str) {
        let start = self.out.lines.len();
        for line in wrap_spans(&spans, self.width, first, rest) {
            self.out.lines.push(line);
        }
        // Links were numbered at the paragraph's first line; move each to the line it is on.
        for (n, line) in self.out.lines[start..].iter().enumerate() {
            for (_, sty) in &line.0 {
                if let Sty::Link(i) = sty
                    && self.out.link_lines.get(*i) == Some(&start)
                {
                    self.out.link_lines[*i] = start + n;
                }
            }
        }
    }
}

fn heading(line: &str) -> Option<&str> {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    (1..=6)
        .contains(&hashes)
        .then(|| line[hashes..].trim())
        .filter(|_| line[hashes..].starts_with(' ') || line.len() == hashes)
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3 && (t.chars().all(|c| c == '-') || t.chars().all(|c| c == '*'))
}

/// A list item's marker as shown (`•` or `3.`) and its text.
fn list_marker(line: &str) -> Option<(String, &str)> {
    for bullet in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return Some(("•".to_string(), rest));
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 4 {
        let rest = &line[digits..];
        if let Some(text) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some((format!("{}.", &line[..digits]), text));
        }
    }
    None
}

/// `*` or `_` toggles emphasis when it opens before a word or closes after one (so `2 * 3` and
/// `snake_case` stay text).
fn emphasis_toggle(before: &str, rest: &str, open: bool) -> bool {
    let next = rest[1..].chars().next();
    let prev = before.chars().next_back();
    if open {
        prev.is_some_and(|c| !c.is_whitespace())
    } else {
        next.is_some_and(|c| !c.is_whitespace()) && prev.is_none_or(|c| !c.is_alphanumeric())
    }
}

/// A cell's text without Markdown marks, to measure it.
fn plain(cell: &str) -> String {
    let mut r = Renderer {
        out: Rendered::default(),
        width: usize::MAX / 2,
    };
    r.inline(cell, Sty::Plain)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

#[cfg(test)]
mod tests;
