//! Word wrapping by display width, done in `update` (on open and on resize) so the reader knows
//! how many lines it has to scroll through and drawing stays a pure copy of the state.
//!
//! Lines break at spaces; a run without spaces that is wider than the line (Thai writes words
//! without spaces) breaks between grapheme clusters, never inside one, so no mark is lost.
//! Breaking Thai at word boundaries (ICU's dictionary segmenter) is a later refinement.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Wraps one paragraph (no newlines) to `width` columns. An empty paragraph is one empty line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for token in tokens(text) {
        let w = token.width();
        let is_space = token.starts_with(char::is_whitespace);
        if used + w <= width {
            line.push_str(token);
            used += w;
            continue;
        }
        if is_space {
            // Spaces at a break are dropped: the next line starts with the next word.
            push_line(&mut lines, &mut line);
            used = 0;
            continue;
        }
        if used > 0 && w <= width {
            push_line(&mut lines, &mut line);
            line.push_str(token);
            used = w;
            continue;
        }
        // Too long for any line: fill this one cluster by cluster, then carry on.
        for g in token.graphemes(true) {
            let gw = g.width();
            if used + gw > width && used > 0 {
                push_line(&mut lines, &mut line);
                used = 0;
            }
            line.push_str(g);
            used += gw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

fn push_line(lines: &mut Vec<String>, line: &mut String) {
    lines.push(line.trim_end().to_string());
    line.clear();
}

/// Alternating runs of whitespace and non-whitespace.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let space = first.is_whitespace();
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace() != space)
            .map_or(rest.len(), |(i, _)| i);
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some(token)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_breaks_at_spaces() {
        assert_eq!(
            wrap("check the stamp on every log end", 12),
            vec!["check the", "stamp on", "every log", "end"]
        );
        assert_eq!(wrap("", 10), vec![""]);
    }

    #[test]
    fn a_word_longer_than_the_line_breaks_between_clusters() {
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        // พิ and กั are one column each and must not lose their marks.
        let lines = wrap("พิกัดอัตราศุลกากร", 4);
        assert_eq!(lines.concat(), "พิกัดอัตราศุลกากร");
        assert!(lines.iter().all(|l| l.width() <= 4));
        assert_eq!(lines[0], "พิกัดอั");
    }

    #[test]
    fn hangul_counts_two_columns() {
        assert_eq!(wrap("세관 검사 절차", 5), vec!["세관", "검사", "절차"]);
    }
}
