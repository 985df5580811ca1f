//! Everything the screen shows, as plain data: the search box, the results, the preview and the
//! reader. Built from the core's types by plain conversions; no IO, no terminal.

use super::input::LineInput;
use super::keymap::Keymap;
use super::wrap::wrap;
use crate::core::ArticleView;
use crate::model::{ArticleRecord, Status};
use crate::search::SearchHit;

/// The whole state of the interface.
#[derive(Clone, Debug)]
pub struct State {
    pub mode: Mode,
    pub keymap: Keymap,
    pub query: LineInput,
    /// The text the current results are for ("" for the recent-articles list).
    pub results_for: String,
    pub results: Vec<ResultRow>,
    pub selected: usize,
    /// First result shown; kept by `update` so the selection stays in view.
    pub list_offset: usize,
    /// The selected result's article, when it has been loaded and the preview is shown.
    pub preview: Option<DocView>,
    /// A recoverable error or notice for the status line; cleared by the next key.
    pub message: Option<String>,
    pub width: u16,
    pub height: u16,
    /// Counts searches sent, so results of an older one can be told apart and dropped.
    pub generation: u64,
}

/// Which screen is up. The search state lives on under the reader, for `Esc` to return to.
#[derive(Clone, Debug)]
pub enum Mode {
    Search,
    Reader(Box<DocView>),
}

impl State {
    pub fn new(width: u16, height: u16) -> Self {
        State {
            mode: Mode::Search,
            keymap: Keymap::default(),
            query: LineInput::default(),
            results_for: String::new(),
            results: Vec::new(),
            selected: 0,
            list_offset: 0,
            preview: None,
            message: None,
            width,
            height,
            generation: 0,
        }
    }

    /// The whole terminal, for the layout functions.
    pub fn area(&self) -> ratatui::layout::Rect {
        ratatui::layout::Rect::new(0, 0, self.width, self.height)
    }

    pub fn selected_row(&self) -> Option<&ResultRow> {
        self.results.get(self.selected)
    }
}

/// One line of the result list.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRow {
    pub id: String,
    pub title: String,
    pub category: String,
    pub status: Status,
    pub hs_codes: Vec<String>,
    pub snippet: String,
}

impl From<SearchHit> for ResultRow {
    fn from(hit: SearchHit) -> Self {
        ResultRow {
            id: hit.id,
            title: hit.title,
            category: hit.category,
            status: hit.status,
            hs_codes: hit.hs_codes,
            snippet: hit.snippet,
        }
    }
}

impl From<ArticleRecord> for ResultRow {
    fn from(record: ArticleRecord) -> Self {
        let c = record.content;
        ResultRow {
            id: record.id.to_string(),
            title: c.title,
            category: c.category,
            status: record.status,
            hs_codes: c.hs_codes.iter().map(ToString::to_string).collect(),
            snippet: c.summary,
        }
    }
}

/// An article as the preview and the reader show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleDoc {
    pub id: String,
    pub title: String,
    pub category: String,
    pub status: Status,
    pub hs_codes: Vec<String>,
    pub updated: String,
    pub office: String,
    pub summary: String,
    /// Markdown, shown as text for now.
    pub body: String,
}

impl From<ArticleView> for ArticleDoc {
    fn from(view: ArticleView) -> Self {
        let r = view.record;
        ArticleDoc {
            id: r.id.to_string(),
            title: r.content.title,
            category: r.content.category,
            status: r.status,
            hs_codes: r.content.hs_codes.iter().map(ToString::to_string).collect(),
            updated: r.updated.display(),
            office: r.origin_office,
            summary: r.content.summary,
            body: r.content.body,
        }
    }
}

/// How a document line is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Title,
    /// `label` then a value, e.g. `Category  commodity/timber-wood`; "" on continuation lines.
    Field(&'static str),
    Summary,
    Heading,
    Body,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocLine {
    pub kind: LineKind,
    pub text: String,
}

/// An article laid out for a given width, with a scroll position (the reader's).
#[derive(Clone, Debug, PartialEq)]
pub struct DocView {
    pub doc: ArticleDoc,
    pub width: usize,
    pub lines: Vec<DocLine>,
    pub scroll: usize,
}

/// Field labels are padded to this width so values line up.
pub const LABEL_WIDTH: usize = 10;

impl DocView {
    pub fn new(doc: ArticleDoc, width: usize) -> Self {
        let lines = layout(&doc, width);
        DocView {
            doc,
            width,
            lines,
            scroll: 0,
        }
    }

    /// Lays the document out again for a new width (the caller clamps the scroll).
    pub fn rewrap(&mut self, width: usize) {
        if width != self.width {
            self.lines = layout(&self.doc, width);
            self.width = width;
        }
    }
}

fn layout(doc: &ArticleDoc, width: usize) -> Vec<DocLine> {
    let mut out = Vec::new();
    let mut push = |kind, text: &str, width| {
        for line in wrap(text, width) {
            out.push(DocLine { kind, text: line });
        }
    };
    push(LineKind::Title, &doc.title, width);
    let value_width = width.saturating_sub(LABEL_WIDTH);
    let hs = if doc.hs_codes.is_empty() {
        "—".to_string()
    } else {
        doc.hs_codes.join(", ")
    };
    let status = format!("{} · updated {} · {}", doc.status, doc.updated, doc.office);
    for (label, value) in [
        ("Category", &doc.category),
        ("Status", &status),
        ("HS codes", &hs),
    ] {
        // The label goes on the first line only; continuation lines are indented under the value.
        for (i, line) in wrap(value, value_width).into_iter().enumerate() {
            let label = if i == 0 { label } else { "" };
            push(LineKind::Field(label), &line, usize::MAX);
        }
    }
    push(LineKind::Body, "", width);
    if !doc.summary.is_empty() {
        push(LineKind::Summary, &doc.summary, width);
        push(LineKind::Body, "", width);
    }
    for paragraph in doc.body.trim_end().lines() {
        match paragraph.trim_start_matches('#') {
            heading if heading.len() < paragraph.len() => {
                push(LineKind::Heading, heading.trim(), width);
            }
            _ => push(LineKind::Body, paragraph, width),
        }
    }
    out
}

#[cfg(test)]
pub(super) mod fixtures;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_lays_out_title_fields_then_body() {
        let view = DocView::new(fixtures::doc(), 40);
        let kinds: Vec<LineKind> = view.lines.iter().take(4).map(|l| l.kind).collect();
        assert_eq!(
            kinds,
            vec![
                LineKind::Title,
                LineKind::Field("Category"),
                LineKind::Field("Status"),
                LineKind::Field(""),
            ]
        );
        assert!(
            view.lines
                .iter()
                .any(|l| l.kind == LineKind::Heading && l.text == "At the truck")
        );
        assert!(
            view.lines
                .iter()
                .all(|l| unicode_width::UnicodeWidthStr::width(l.text.as_str()) <= 40)
        );
    }
}
