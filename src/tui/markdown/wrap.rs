//! Wrapping styled text by display width at Unicode line-break opportunities.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::{RLine, Span, Sty};

/// Line-break opportunities by Unicode's line-breaking rules, with ICU's dictionary for Thai
/// (and Lao, Khmer, Myanmar), which write words without spaces between them.
static LINE_BREAKS: std::sync::LazyLock<icu_segmenter::LineSegmenterBorrowed<'static>> =
    std::sync::LazyLock::new(|| icu_segmenter::LineSegmenter::new_dictionary(Default::default()));

/// Wraps styled spans where a line may break (between words, Thai ones included), or between
/// clusters for a word wider than the line. `first` goes before the first line, `rest` before
/// the others.
pub fn wrap_spans(spans: &[Span], width: usize, first: &str, rest: &str) -> Vec<RLine> {
    let text: String = spans.iter().map(|(t, _)| t.as_str()).collect();
    let breaks: Vec<usize> = LINE_BREAKS.segment_str(&text).collect();
    // The style at each byte, by span.
    let mut bounds = Vec::with_capacity(spans.len());
    let mut at = 0;
    for (t, sty) in spans {
        bounds.push((at, at + t.len(), *sty));
        at += t.len();
    }
    let mut lines = Vec::new();
    let mut line: Vec<Span> = vec![(first.to_string(), Sty::Plain)];
    let mut used = first.width();
    let indent = rest.width();
    let push = |line: &mut Vec<Span>, from: usize, to: usize| {
        for &(a, b, sty) in &bounds {
            let (a, b) = (a.max(from), b.min(to));
            if a < b {
                match line.last_mut() {
                    Some((t, s)) if *s == sty => t.push_str(&text[a..b]),
                    _ => line.push((text[a..b].to_string(), sty)),
                }
            }
        }
    };
    for pair in breaks.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        let word = &text[from..to];
        let visible = word.trim_end().width();
        if used + visible > width && used > indent {
            lines.push(RLine(std::mem::take(&mut line)));
            line = vec![(rest.to_string(), Sty::Plain)];
            used = indent;
        }
        if used + visible <= width {
            push(&mut line, from, to);
            used += word.width();
            continue;
        }
        // Wider than a whole line: fill cluster by cluster.
        for (i, g) in word.grapheme_indices(true) {
            if used + g.width() > width && used > indent {
                lines.push(RLine(std::mem::take(&mut line)));
                line = vec![(rest.to_string(), Sty::Plain)];
                used = indent;
            }
            push(&mut line, from + i, from + i + g.len());
            used += g.width();
        }
    }
    lines.push(RLine(line));
    for l in &mut lines {
        l.0.retain(|(t, _)| !t.is_empty());
        if let Some((t, _)) = l.0.last_mut() {
            let trimmed = t.trim_end().len();
            t.truncate(trimmed);
        }
    }
    lines
}

pub(super) fn hard_wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut used = 0;
    for g in text.graphemes(true) {
        if used + g.width() > width.max(1) && used > 0 {
            out.push(String::new());
            used = 0;
        }
        if let Some(last) = out.last_mut() {
            last.push_str(g);
        }
        used += g.width();
    }
    out
}
