//! The search box: a single-line editor that moves by grapheme cluster and measures display
//! width, so Thai vowel and tone marks stay with their consonant and Hangul takes two columns.
//! (The textarea crates move by `char` and drop Thai marks under the cursor; see NOTES.md.)
//!
//! Invariant: `cursor` is a byte offset on a grapheme boundary of `text`.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    cursor: usize,
}

impl LineInput {
    pub fn new(text: &str) -> Self {
        LineInput {
            text: text.to_string(),
            cursor: text.len(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn insert(&mut self, c: char) {
        // Newlines would break the one-line layout; a search treats them as spaces anyway.
        let c = if c.is_control() { ' ' } else { c };
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
        // A combining mark typed after a base joins its cluster: the cursor stays after it.
        self.snap();
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    pub fn left(&mut self) {
        self.cursor = self.prev_boundary();
    }

    pub fn right(&mut self) {
        self.cursor = self.next_boundary();
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.len();
    }

    /// Backspace. Thai is typed a mark at a time, so when the cluster before the cursor ends in a
    /// mark only that mark goes (as GTK and Windows do for Thai); other clusters — an emoji
    /// sequence, a Hangul syllable — go whole.
    pub fn delete_back(&mut self) {
        let start = self.prev_boundary();
        let cluster = &self.text[start..self.cursor];
        let last = cluster.chars().next_back();
        let from = match last {
            Some(c) if cluster.chars().count() > 1 && is_typed_mark(c) => {
                self.cursor - c.len_utf8()
            }
            _ => start,
        };
        self.text.replace_range(from..self.cursor, "");
        self.cursor = from;
        self.snap();
    }

    /// Delete: removes the whole cluster under the cursor.
    pub fn delete_forward(&mut self) {
        let end = self.next_boundary();
        self.text.replace_range(self.cursor..end, "");
    }

    /// Ctrl-W: removes the spaces before the cursor, then the word before them.
    pub fn delete_word(&mut self) {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end();
        let from = trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        self.text.replace_range(from..self.cursor, "");
        self.cursor = from;
    }

    /// The part of the text to show in a box `width` columns wide, and the cursor's column in
    /// it. Scrolls so the cursor stays visible, keeping one column for the cursor at the end.
    pub fn visible(&self, width: usize) -> (&str, usize) {
        let before = &self.text[..self.cursor];
        let mut start = 0;
        let mut cursor_col = before.width();
        // Drop whole clusters from the left until the cursor fits.
        let mut clusters = before.grapheme_indices(true);
        while cursor_col + 1 > width && cursor_col > 0 {
            let Some((i, g)) = clusters.next() else { break };
            start = i + g.len();
            cursor_col -= g.width();
        }
        let mut end = start;
        let mut used = 0;
        for (i, g) in self.text[start..].grapheme_indices(true) {
            if used + g.width() > width {
                break;
            }
            used += g.width();
            end = start + i + g.len();
        }
        (&self.text[start..end], cursor_col)
    }

    fn prev_boundary(&self) -> usize {
        self.text[..self.cursor]
            .grapheme_indices(true)
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self) -> usize {
        self.text[self.cursor..]
            .graphemes(true)
            .next()
            .map_or(self.cursor, |g| self.cursor + g.len())
    }

    /// Restores the invariant after an edit that may have joined or split clusters: the cursor
    /// moves to the end of the cluster it falls inside.
    fn snap(&mut self) {
        let mut at = 0;
        for g in self.text.graphemes(true) {
            if at >= self.cursor {
                break;
            }
            at += g.len();
        }
        self.cursor = at;
    }
}

/// A mark typed on its own key: zero-width (Thai above/below vowels and tones) or Thai's spacing
/// SARA AM, which unicode groups into the preceding cluster.
pub fn is_typed_mark(c: char) -> bool {
    c.width() == Some(0) || c == '\u{0E33}'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> LineInput {
        let mut input = LineInput::default();
        s.chars().for_each(|c| input.insert(c));
        input
    }

    #[test]
    fn the_cursor_moves_over_thai_clusters_not_chars() {
        // พิ and กั are one cluster each: three steps from the end to the start.
        let mut input = typed("พิกัด");
        assert_eq!(input.visible(20), ("พิกัด", 3));
        input.left();
        assert_eq!(input.visible(20).1, 2);
        input.left();
        input.left();
        assert_eq!(input.visible(20).1, 0);
        input.left();
        assert_eq!(input.visible(20).1, 0);
        input.right();
        assert_eq!(&input.text()[..input.cursor], "พิ");
    }

    #[test]
    fn backspace_removes_a_thai_mark_then_its_consonant() {
        let mut input = typed("กั");
        input.delete_back();
        assert_eq!(input.text(), "ก");
        input.delete_back();
        assert_eq!(input.text(), "");
        let mut input = typed("ทำ");
        input.delete_back();
        assert_eq!(input.text(), "ท");
    }

    #[test]
    fn hangul_is_two_columns_and_one_step() {
        let mut input = typed("세관 검사");
        assert_eq!(input.visible(40).1, 9);
        input.left();
        assert_eq!(input.visible(40).1, 7);
        input.delete_back();
        assert_eq!(input.text(), "세관 사");
        input.delete_forward();
        assert_eq!(input.text(), "세관 ");
    }

    #[test]
    fn a_long_query_scrolls_to_keep_the_cursor_visible() {
        let input = typed("timber inspection at the border");
        let (shown, col) = input.visible(10);
        assert!(shown.ends_with("border"));
        assert_eq!(col, 9);
        // Wide characters never straddle the edge.
        let input = typed("세관세관세관");
        let (shown, col) = input.visible(5);
        assert_eq!((shown, col), ("세관", 4));
    }

    #[test]
    fn delete_word_and_home_end() {
        let mut input = typed("timber  logs ");
        input.delete_word();
        assert_eq!(input.text(), "timber  ");
        input.home();
        input.insert('x');
        input.end();
        input.insert('y');
        assert_eq!(input.text(), "xtimber  y");
        input.clear();
        assert!(input.is_empty());
    }
}
