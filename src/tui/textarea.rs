//! The article body editor: many lines, soft-wrapped to the pane, moving by grapheme cluster and
//! measuring display width, so Thai vowel and tone marks stay on their consonant and Hangul takes
//! two columns (the textarea crates move by `char`; see NOTES.md).
//!
//! Invariants: `lines` is never empty; `col` is a byte offset on a grapheme boundary of
//! `lines[row]`. Visual rows (wrapping) are computed for a width; `top` is the first visual row
//! shown and is kept by `scroll_into_view`, called from `update`.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::input::is_typed_mark;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextArea {
    lines: Vec<String>,
    row: usize,
    col: usize,
    /// First visual row shown.
    pub top: usize,
}

impl Default for TextArea {
    fn default() -> Self {
        TextArea::new("")
    }
}

impl TextArea {
    /// A text area holding `text`, the cursor at the start.
    pub fn new(text: &str) -> Self {
        let mut lines: Vec<String> = text.split('\n').map(|l| l.replace('\r', "")).collect();
        if lines.len() > 1 && lines.last().is_some_and(String::is_empty) {
            lines.pop(); // the final newline of a file is not an extra empty line
        }
        TextArea {
            lines,
            row: 0,
            col: 0,
            top: 0,
        }
    }

    /// The text, one `\n` after every line.
    pub fn text(&self) -> String {
        let mut out = self.lines.join("\n");
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The cursor as (line, byte offset).
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    pub fn insert(&mut self, c: char) {
        if c == '\n' {
            return self.newline();
        }
        let c = if c == '\t' { ' ' } else { c };
        if c.is_control() {
            return;
        }
        let line = &mut self.lines[self.row];
        line.insert(self.col, c);
        self.col += c.len_utf8();
        self.snap();
    }

    pub fn newline(&mut self) {
        let rest = self.lines[self.row].split_off(self.col);
        self.lines.insert(self.row + 1, rest);
        self.row += 1;
        self.col = 0;
    }

    /// Backspace: a Thai mark alone (as typed), otherwise the whole cluster; at the start of a
    /// line, joins it to the line above.
    pub fn delete_back(&mut self) {
        if self.col == 0 {
            if self.row > 0 {
                let line = self.lines.remove(self.row);
                self.row -= 1;
                self.col = self.lines[self.row].len();
                self.lines[self.row].push_str(&line);
            }
            return;
        }
        let line = &self.lines[self.row];
        let start = prev_boundary(line, self.col);
        let cluster = &line[start..self.col];
        let from = match cluster.chars().next_back() {
            Some(c) if cluster.chars().count() > 1 && is_typed_mark(c) => self.col - c.len_utf8(),
            _ => start,
        };
        self.lines[self.row].replace_range(from..self.col, "");
        self.col = from;
        self.snap();
    }

    pub fn delete_forward(&mut self) {
        let line = &self.lines[self.row];
        if self.col == line.len() {
            if self.row + 1 < self.lines.len() {
                let next = self.lines.remove(self.row + 1);
                self.lines[self.row].push_str(&next);
            }
            return;
        }
        let end = next_boundary(line, self.col);
        self.lines[self.row].replace_range(self.col..end, "");
    }

    /// Removes the spaces before the cursor, then the word before them (within the line).
    pub fn delete_word(&mut self) {
        let before = &self.lines[self.row][..self.col];
        let from = before
            .trim_end()
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        self.lines[self.row].replace_range(from..self.col, "");
        self.col = from;
    }

    /// Empties the current line.
    pub fn clear_line(&mut self) {
        self.lines[self.row].clear();
        self.col = 0;
    }

    pub fn left(&mut self) {
        if self.col > 0 {
            self.col = prev_boundary(&self.lines[self.row], self.col);
        } else if self.row > 0 {
            self.row -= 1;
            self.col = self.lines[self.row].len();
        }
    }

    pub fn right(&mut self) {
        if self.col < self.lines[self.row].len() {
            self.col = next_boundary(&self.lines[self.row], self.col);
        } else if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = 0;
        }
    }

    pub fn home(&mut self) {
        self.col = 0;
    }

    pub fn end(&mut self) {
        self.col = self.lines[self.row].len();
    }

    /// Moves `delta` visual rows up or down at `width`, keeping the display column.
    pub fn vertical(&mut self, delta: isize, width: usize) {
        let rows = self.visual_rows(width);
        let (current, column) = self.cursor_visual(width);
        let target = current
            .saturating_add_signed(delta)
            .min(rows.len().saturating_sub(1));
        let Some(&(line, start, end)) = rows.get(target) else {
            return;
        };
        let text = &self.lines[line];
        let mut at = start;
        let mut used = 0;
        for (i, g) in text[start..end].grapheme_indices(true) {
            if used + g.width() > column {
                break;
            }
            used += g.width();
            at = start + i + g.len();
        }
        self.row = line;
        self.col = at;
    }

    /// Visual rows at `width`: (line, start byte, end byte). Breaks after a space when it can,
    /// else between clusters; an empty line is one row.
    pub fn visual_rows(&self, width: usize) -> Vec<(usize, usize, usize)> {
        let width = width.max(2);
        let mut out = Vec::new();
        for (n, line) in self.lines.iter().enumerate() {
            let mut start = 0;
            loop {
                let (end, next) = row_end(line, start, width);
                out.push((n, start, end));
                if end >= line.len() {
                    break;
                }
                start = next;
            }
        }
        out
    }

    /// The cursor's visual row and display column at `width`.
    pub fn cursor_visual(&self, width: usize) -> (usize, usize) {
        let rows = self.visual_rows(width);
        let mut found = (0, 0);
        for (i, &(line, start, end)) in rows.iter().enumerate() {
            if line != self.row || self.col < start {
                continue;
            }
            let last_of_line = rows.get(i + 1).is_none_or(|r| r.0 != line);
            if self.col < end || (self.col == end && last_of_line) {
                found = (i, self.lines[line][start..self.col].width());
                break;
            }
        }
        found
    }

    /// Keeps the cursor within `height` rows from `top`.
    pub fn scroll_into_view(&mut self, width: usize, height: usize) {
        let (row, _) = self.cursor_visual(width);
        let height = height.max(1);
        if row < self.top {
            self.top = row;
        } else if row >= self.top + height {
            self.top = row + 1 - height;
        }
    }

    fn snap(&mut self) {
        let line = &self.lines[self.row];
        let mut at = 0;
        for g in line.graphemes(true) {
            if at >= self.col {
                break;
            }
            at += g.len();
        }
        self.col = at;
    }
}

/// Where the row starting at `start` ends, and where the next one starts.
fn row_end(line: &str, start: usize, width: usize) -> (usize, usize) {
    let mut used = 0;
    let mut last_space = None;
    for (i, g) in line[start..].grapheme_indices(true) {
        let at = start + i;
        if used + g.width() > width && at > start {
            return match last_space {
                Some(after) if after > start => (after, after),
                _ => (at, at),
            };
        }
        used += g.width();
        if g.chars().all(char::is_whitespace) {
            last_space = Some(at + g.len());
        }
    }
    (line.len(), line.len())
}

fn prev_boundary(text: &str, at: usize) -> usize {
    text[..at]
        .grapheme_indices(true)
        .next_back()
        .map_or(0, |(i, _)| i)
}

fn next_boundary(text: &str, at: usize) -> usize {
    text[at..]
        .graphemes(true)
        .next()
        .map_or(at, |g| at + g.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> TextArea {
        let mut area = TextArea::default();
        s.chars().for_each(|c| area.insert(c));
        area
    }

    #[test]
    fn thai_marks_stay_with_their_consonant() {
        let mut area = typed("พิกัด");
        assert_eq!(area.cursor_visual(20), (0, 3));
        area.left();
        area.left();
        assert_eq!(area.cursor_visual(20), (0, 1));
        area.delete_back(); // the mark of พิ goes first, as typed
        assert_eq!(area.text(), "พกัด\n");
        area.delete_back();
        assert_eq!(area.text(), "กัด\n");
    }

    #[test]
    fn hangul_is_two_columns_and_one_step() {
        let mut area = typed("세관 검사");
        assert_eq!(area.cursor_visual(40), (0, 9));
        area.left();
        area.delete_back();
        assert_eq!(area.text(), "세관 사\n");
    }

    #[test]
    fn newlines_split_and_backspace_joins_lines() {
        let mut area = typed("ab\ncd");
        assert_eq!(area.lines(), ["ab", "cd"]);
        area.home();
        area.delete_back();
        assert_eq!(area.lines(), ["abcd"]);
        assert_eq!(area.cursor(), (0, 2));
        area.end();
        area.delete_forward();
        assert_eq!(area.text(), "abcd\n");
    }

    #[test]
    fn long_lines_wrap_at_spaces_and_up_down_move_by_visual_row() {
        let mut area = TextArea::new("check the stamp on every log end\nnext");
        let rows: Vec<&str> = area
            .visual_rows(12)
            .iter()
            .map(|&(l, s, e)| &area.lines()[l][s..e])
            .collect();
        assert_eq!(
            rows,
            ["check the ", "stamp on ", "every log ", "end", "next"]
        );
        area.vertical(1, 12);
        assert_eq!(area.cursor_visual(12), (1, 0));
        area.right();
        area.vertical(3, 12);
        assert_eq!(area.cursor(), (1, 1));
        area.vertical(-10, 12);
        assert_eq!(area.cursor(), (0, 1), "the column is kept");
        area.scroll_into_view(12, 2);
        assert_eq!(area.top, 0);
        area.vertical(4, 12);
        area.scroll_into_view(12, 2);
        assert_eq!(area.top, 3);
    }

    #[test]
    fn a_file_round_trips() {
        let text = "# Title\n\nline ไทย 한국어\n";
        assert_eq!(TextArea::new(text).text(), text);
        assert_eq!(TextArea::new("").text(), "");
    }
}
