//! Tables: a grid when every column fits the width, else one card per row, each cell as a
//! `header: value` line.

use unicode_width::UnicodeWidthStr;

use super::{RLine, Renderer, Span, Sty};

/// A table's cells as read, the header row first.
#[derive(Default)]
pub(super) struct Table {
    pub rows: Vec<Vec<Vec<Span>>>,
    /// Reading the header row.
    pub head: bool,
}

impl Table {
    pub fn in_header(&self) -> bool {
        self.head
    }

    pub fn lay_out(mut self, r: &mut Renderer) {
        if self.rows.is_empty() {
            return;
        }
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        for row in &mut self.rows {
            row.resize(columns, Vec::new());
        }
        let width = |cell: &[Span]| cell.iter().map(|(t, _)| t.width()).sum::<usize>();
        let widths: Vec<usize> = (0..columns)
            .map(|c| self.rows.iter().map(|r| width(&r[c])).max().unwrap_or(0))
            .collect();
        let total = widths.iter().sum::<usize>() + 3 * columns.saturating_sub(1);
        if total <= r.width {
            self.grid(r, &widths);
        } else {
            self.cards(r);
        }
    }

    fn grid(&self, r: &mut Renderer, widths: &[usize]) {
        let columns = widths.len();
        for (n, row) in self.rows.iter().enumerate() {
            let mut spans = Vec::new();
            for (c, cell) in row.iter().enumerate() {
                if c > 0 {
                    spans.push((" │ ".to_string(), Sty::Dim));
                }
                let used: usize = cell.iter().map(|(t, _)| t.width()).sum();
                spans.extend(cell.iter().cloned());
                if c + 1 < columns {
                    spans.push((" ".repeat(widths[c].saturating_sub(used)), Sty::Plain));
                }
            }
            spans.retain(|(t, _)| !t.is_empty());
            r.push_line(RLine(spans));
            if n == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                r.push_line(RLine::plain(rule.join("─┼─"), Sty::Dim));
            }
        }
    }

    fn cards(&self, r: &mut Renderer) {
        let Some((header, rows)) = self.rows.split_first() else {
            return;
        };
        for row in rows {
            for (c, cell) in row.iter().enumerate() {
                let name: String = header
                    .get(c)
                    .map(|h| h.iter().map(|(t, _)| t.as_str()).collect())
                    .unwrap_or_default();
                let mut spans = vec![(format!("{name}: "), Sty::Strong)];
                spans.extend(cell.iter().cloned());
                r.push_wrapped(spans, "", "  ");
            }
            r.out.lines.push(RLine::default());
        }
    }
}
