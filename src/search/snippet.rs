//! Snippets: the part of an article that best shows why it matched, with the matched words
//! marked. Cut by characters and grapheme clusters, never bytes, so Thai vowel and tone marks
//! stay with their consonant; highlights come from the same analyzers as the search.

use std::ops::Range;

use memchr::memmem;
use serde::Serialize;
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

use super::analyzer::{self, Analyzer};

/// A fragment with the matched words marked (byte ranges into `text`, merged when adjacent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

/// What to mark, derived from the query.
#[derive(Clone, Debug, Default)]
pub struct Marker {
    /// Latin words: (token, stem, is a prefix being typed).
    words: Vec<(String, String, bool)>,
    /// Thai and Korean query text: marked wherever it occurs.
    substrings: Vec<String>,
    /// [`Self::needles`] ready for memchr's SIMD search: built once per query, not per snippet.
    finders: Vec<memmem::Finder<'static>>,
}

impl Marker {
    pub fn add(&mut self, text: &str, prefix: bool) {
        if analyzer::needs_grams(text) {
            for (token, _) in analyzer::tokens(Analyzer::Text, text) {
                if analyzer::needs_grams(&token) {
                    self.substrings.push(token);
                }
            }
            // Also the text as typed: a Thai word the segmenter splits is still one substring.
            self.substrings.push(text.to_string());
        }
        for (token, _) in analyzer::tokens(Analyzer::Text, text) {
            if analyzer::needs_grams(&token) {
                continue;
            }
            let stem = stem_of(&token);
            self.words.push((token, stem, prefix));
        }
        let finders = self
            .needles()
            .map(|n| memmem::Finder::new(n).into_owned())
            .collect();
        self.finders = finders;
    }

    /// The first byte offset of `text` where something to mark may begin (a cheap probe: a
    /// case-insensitive search for each word and its stem, an exact one for Thai and Korean).
    fn first_candidate(&self, text: &str) -> Option<usize> {
        let substring = self
            .substrings
            .iter()
            .filter_map(|n| memmem::find(text.as_bytes(), n.as_bytes()))
            .min();
        let word = self.first_word_candidate(text.as_bytes());
        word.into_iter().chain(substring).min()
    }

    /// Where a word or its stem first occurs in `text`, case-insensitively. The text is
    /// lower-cased a chunk at a time (each with room for a needle reaching past its end), so a
    /// match near the start, the usual case, costs little of a long body.
    fn first_word_candidate(&self, text: &[u8]) -> Option<usize> {
        const CHUNK: usize = 512;
        let reach = self.finders.iter().map(|f| f.needle().len()).max()?;
        let mut lower = Vec::with_capacity(CHUNK + reach);
        let mut from = 0;
        while from < text.len() {
            let to = text.len().min(from + CHUNK + reach);
            lower.clear();
            lower.extend_from_slice(&text[from..to]);
            lower.make_ascii_lowercase();
            let first = self.finders.iter().filter_map(|f| f.find(&lower)).min();
            // A match starting past the chunk may have an earlier one cut off by `to`: the
            // next chunk decides.
            if let Some(at) = first.filter(|&at| at < CHUNK || to == text.len()) {
                return Some(from + at);
            }
            if to == text.len() {
                return None;
            }
            from += CHUNK;
        }
        None
    }

    /// What a case-insensitive search looks for: each word, and the start of its stem (a stem
    /// may end unlike its words: `happy` and `happiness` → `happi`, so one byte less of it).
    fn needles(&self) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .flat_map(|(word, stem, _)| {
                let start = floor_char_boundary(stem, stem.len().saturating_sub(1).max(3));
                [word.as_str(), &stem[..start]]
            })
            .filter(|n| !n.is_empty())
    }

    /// The byte ranges of `text` to mark, sorted and merged where they touch.
    fn ranges(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for needle in &self.substrings {
            if needle.is_empty() {
                continue;
            }
            out.extend(
                text.match_indices(needle.as_str())
                    .map(|(i, m)| i..i + m.len()),
            );
        }
        if !self.words.is_empty() {
            if analyzer::may_fold(text) {
                self.word_ranges_by_tokens(text, &mut out);
            } else {
                self.word_ranges(text, &mut out);
            }
        }
        out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        // Merge overlapping and touching ranges.
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in out {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }

    /// The tokens of `text` that match a marked word, for text the analyzer's folding leaves
    /// ASCII letters alone in: every word a marked token could be holds the word, or the start
    /// of its stem, in ASCII lower case. So a case-insensitive search finds the candidates, and
    /// only the run of letters around each is analyzed (as [`Self::word_ranges_by_tokens`] would).
    fn word_ranges(&self, text: &str, out: &mut Vec<Range<usize>>) {
        let lower = text.to_ascii_lowercase();
        let mut runs_seen: Vec<usize> = Vec::new();
        for finder in &self.finders {
            let len = finder.needle().len();
            for at in finder.find_iter(lower.as_bytes()) {
                let run = run_around(text, at, at + len);
                if runs_seen.contains(&run.start) {
                    continue;
                }
                runs_seen.push(run.start);
                let piece = &text[run.clone()];
                if piece.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    // What the analyzer makes of it: one token, lower-cased.
                    if self.is_hit(&lower[run.clone()]) {
                        out.push(run);
                    }
                    continue;
                }
                analyzer::for_each_token(Analyzer::Text, piece, |token, r, _| {
                    if self.is_hit(token) {
                        out.push(run.start + r.start..run.start + r.end);
                    }
                });
            }
        }
    }

    /// The tokens of `text` that match a marked word, by analyzing all of it.
    fn word_ranges_by_tokens(&self, text: &str, out: &mut Vec<Range<usize>>) {
        analyzer::for_each_token(Analyzer::Text, text, |token, range, _| {
            if self.is_hit(token) {
                out.push(range);
            }
        });
    }

    /// Whether an analyzed token is a marked word, starts a word being typed, or shares a marked
    /// word's stem.
    fn is_hit(&self, token: &str) -> bool {
        self.words.iter().any(|(word, stem, prefix)| {
            token == word
                || (*prefix && token.starts_with(word.as_str()))
                // Stemming every token is the costly part: only tokens that begin like the stem
                // can share it.
                || (token.len() > 3
                    && token.as_bytes().get(..3) == stem.as_bytes().get(..3)
                    && stem_of(token) == *stem)
        })
    }
}

/// The run of letters, digits, dots and hyphens around `from..to`: what the analyzer needs to
/// see to tokenize the word there as it would in the whole text.
fn run_around(text: &str, from: usize, to: usize) -> Range<usize> {
    let in_run = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-');
    let start = text[..from]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| in_run(c))
        .last()
        .map_or(from, |(i, _)| i);
    let end = text[to..]
        .char_indices()
        .find(|&(_, c)| !in_run(c))
        .map_or(text.len(), |(i, _)| to + i);
    start..end
}

/// The largest char boundary of `text` at or below `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn stem_of(token: &str) -> String {
    analyzer::tokens(Analyzer::Stem, token)
        .into_iter()
        .next()
        .map_or_else(|| token.to_string(), |(t, _)| t)
}

/// Markdown reduced to readable text: no heading marks, emphasis, code ticks or table pipes;
/// `[[id|text]]` shows its text; runs of white space become one space. One pass, one allocation.
pub fn plain_text(markdown: &str) -> String {
    plain_text_until(markdown, usize::MAX)
}

/// [`plain_text`] of the first lines of `markdown`, as many as it takes to hold more than
/// `chars` characters (all of them when it has fewer).
fn plain_text_until(markdown: &str, chars: usize) -> String {
    let mut out = String::with_capacity(markdown.len().min(chars.saturating_mul(4)));
    let push = |piece: &str, out: &mut String, space: &mut bool| {
        // Most pieces are plain ASCII words between single spaces: copied whole.
        if is_plain_ascii(piece) {
            let words = piece.trim_matches(' ');
            if words.is_empty() {
                *space |= !piece.is_empty();
                return;
            }
            if (*space || piece.starts_with(' ')) && !out.is_empty() {
                out.push(' ');
            }
            out.push_str(words);
            *space = piece.ends_with(' ');
            return;
        }
        let bytes = piece.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            // Copy a run of ordinary characters at once (most of any text, in any script).
            let from = at;
            while let Some(&b) = bytes.get(at) {
                if b.is_ascii() {
                    if !is_kept_ascii(b) {
                        break;
                    }
                    at += 1;
                } else {
                    match piece[at..].chars().next() {
                        Some(c) if !c.is_whitespace() => at += c.len_utf8(),
                        _ => break,
                    }
                }
            }
            if at > from {
                if *space && !out.is_empty() {
                    out.push(' ');
                }
                *space = false;
                out.push_str(&piece[from..at]);
                continue;
            }
            // Emphasis and code ticks vanish; a pipe or white space separates.
            let Some(c) = piece[at..].chars().next() else {
                break;
            };
            at += c.len_utf8();
            if !matches!(c, '*' | '`' | '_') {
                *space = true;
            }
        }
    };
    for line in markdown.lines() {
        // Whether a space is due before the next visible character: lines are apart.
        let mut space = true;
        let Some(line) = text_line(line) else {
            continue;
        };
        line_pieces(line, |piece, _target| push(piece, &mut out, &mut space));
        // Bytes ≥ characters: count the characters only once there may be enough.
        if out.len() > chars && out.chars().count() > chars {
            break;
        }
    }
    out
}

/// A line of Markdown without its heading and quote marks; `None` for a table's rule line.
fn text_line(line: &str) -> Option<&str> {
    let line = line.trim_start_matches('#').trim_start_matches(['>', ' ']);
    (!line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))).then_some(line)
}

/// The link path: `line` as pieces of text in order, a wiki link `[[id]]` or `[[id|text]]` as
/// the text it shows with its target (`Some(id)`), any other piece with `None`. The proptests
/// pin the links found here to those pulldown-cmark finds (the reader's and backlinks' parser).
fn line_pieces<'a>(line: &'a str, mut visit: impl FnMut(&'a str, Option<&'a str>)) {
    let mut rest = line;
    // (`[` is rare: a byte search before the pattern search.)
    while rest.as_bytes().contains(&b'[')
        && let Some(start) = rest.find("[[")
    {
        let after = &rest[start + 2..];
        match after.find("]]") {
            Some(end) => {
                // The link is the innermost one: from the last `[[` before its `]]`.
                let open = after[..end].rfind("[[").map_or(start, |i| start + 2 + i);
                visit(&rest[..open], None);
                let link = &rest[open + 2..start + 2 + end];
                let (target, text) = link.split_once('|').unwrap_or((link, link));
                visit(text, Some(target));
                rest = &after[end + 2..];
            }
            None => {
                visit(&rest[..start], None);
                rest = after;
            }
        }
    }
    visit(rest, None);
}

/// Whether `piece` is ASCII that `plain_text` keeps as it is, but for single spaces between
/// words: no emphasis, code tick, pipe, other white space or run of spaces.
fn is_plain_ascii(piece: &str) -> bool {
    let mut after_space = false;
    piece.bytes().all(|b| {
        let space = b == b' ';
        let plain = if space {
            !after_space
        } else {
            is_kept_ascii(b)
        };
        after_space = space;
        plain
    })
}

/// An ASCII byte `plain_text` keeps as it is: not emphasis, a code tick, a pipe or white space.
fn is_kept_ascii(b: u8) -> bool {
    b.is_ascii()
        && !matches!(
            b,
            b'*' | b'`' | b'_' | b'|' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b' '
        )
}

/// Bodies shorter than this are always reduced and searched whole.
const PROBE_FROM: usize = 1024;

/// A snippet of a Markdown body. A body of 1 KB or more is not reduced and tokenized whole (that made
/// snippets the costliest part of a query): only whole lines around the first place a marked
/// word may occur are, or, when nothing can be marked, only the first lines. When the window
/// marks nothing, the whole body is used after all, so the result differs from
/// `make(&plain_text(body), ..)` at most in which cluster of matches it shows.
pub fn make_markdown(body: &str, marker: &Marker, width: usize) -> Snippet {
    if body.len() < PROBE_FROM {
        return make(&plain_text(body), marker, width);
    }
    let Some(at) = marker.first_candidate(body) else {
        // Without a candidate only folding (`Café` for `cafe`) could still mark a word.
        if marker.words.is_empty() || !analyzer::may_fold(body) {
            // The snippet is the start: one character past its width settles where it is cut.
            return make(&plain_text_until(body, width + 1), marker, width);
        }
        return make(&plain_text(body), marker, width);
    };
    // The window: before the first candidate, what `make` may show ahead of a match; after it,
    // twice the width, so that every window starting at a match up to a width further on is
    // weighed whole for the densest cluster.
    let before = back_chars(body, at, lead(width) + SNAP_TO_WORD);
    let after = forward_chars(body, at, 2 * width);
    let from = body[..before].rfind('\n').map_or(0, |i| i + 1);
    let to = body[after..].find('\n').map_or(body.len(), |i| after + i);
    let mut snippet = make(&plain_text(&body[from..to]), marker, width);
    if snippet.highlights.is_empty() {
        return make(&plain_text(body), marker, width);
    }
    if from > 0 && !snippet.text.starts_with('…') {
        snippet.text.insert(0, '…');
        let shift = '…'.len_utf8();
        for h in &mut snippet.highlights {
            *h = (h.0 + shift, h.1 + shift);
        }
    }
    if to < body.len() && !snippet.text.ends_with('…') {
        snippet.text.push('…');
    }
    snippet
}

/// Cuts a snippet of about `width` characters around the densest cluster of matches.
pub fn make(text: &str, marker: &Marker, width: usize) -> Snippet {
    let ranges = marker.ranges(text);
    let Some(first) = ranges.first() else {
        return Snippet {
            text: cut(text, 0, width).0,
            highlights: vec![],
        };
    };
    // The window that starts a little before some match and holds the most matches.
    let lead = lead(width);
    // Byte offsets of the characters (and the end), to count characters by index.
    let chars: Vec<usize> = if text.is_ascii() {
        Vec::new()
    } else {
        text.char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect()
    };
    let mut best = (0usize, first.start);
    for r in &ranges {
        let (start, end) = if chars.is_empty() {
            let start = r.start.saturating_sub(lead);
            (start, (start + width).min(text.len()))
        } else {
            let at = chars.partition_point(|&i| i < r.start);
            let start = chars[at.saturating_sub(lead)];
            let from = chars.partition_point(|&i| i < start);
            (start, chars[(from + width).min(chars.len() - 1)])
        };
        let count = ranges
            .iter()
            .filter(|x| x.start >= start && x.end <= end)
            .count();
        if count > best.0 {
            best = (count, start);
        }
    }
    let start = snap_to_word(text, best.1);
    let (fragment, offset, prefix_len, end) = cut(text, start, width);
    let highlights = ranges
        .iter()
        .filter(|r| r.start >= offset && r.end <= end.max(offset))
        .map(|r| (r.start - offset + prefix_len, r.end - offset + prefix_len))
        .collect();
    Snippet {
        text: fragment,
        highlights,
    }
}

/// How many characters a snippet shows before the match it is cut around.
fn lead(width: usize) -> usize {
    (width / 5).max(1)
}

/// How far back (in bytes) a snippet's start moves to begin at a word.
const SNAP_TO_WORD: usize = 24;

fn back_chars(text: &str, at: usize, n: usize) -> usize {
    let start = at.saturating_sub(n);
    if n > 0 && text.as_bytes()[start..at].is_ascii() {
        return start;
    }
    text[..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

fn forward_chars(text: &str, at: usize, n: usize) -> usize {
    let end = text.len().min(at.saturating_add(n));
    if text.as_bytes()[at..end].is_ascii() {
        return end;
    }
    text[at..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| at + i)
}

/// The grapheme cluster boundary at or before `at`, or the end of the cluster that starts at
/// `start` when that cluster reaches past `at` (a fragment holds at least one cluster).
fn cluster_end(text: &str, start: usize, at: usize) -> usize {
    let mut cursor = GraphemeCursor::new(at, text.len(), true);
    if cursor.is_boundary(text, 0).unwrap_or(true) {
        return at;
    }
    match cursor.prev_boundary(text, 0) {
        Ok(Some(boundary)) if boundary > start => boundary,
        _ => {
            let mut cursor = GraphemeCursor::new(start, text.len(), true);
            cursor
                .next_boundary(text, 0)
                .ok()
                .flatten()
                .unwrap_or(text.len())
        }
    }
}

/// Moves `at` back to the start of its word (after a space) when one is near, else to the start
/// of its grapheme cluster, so a snippet never begins with a lone vowel or tone mark.
fn snap_to_word(text: &str, at: usize) -> usize {
    if let Some(space) = text[..at].rfind(' ')
        && at - space < SNAP_TO_WORD
    {
        return space + 1;
    }
    // No cluster spans white space: start counting clusters at the last one before `at`.
    let base = text[..at].rfind(char::is_whitespace).unwrap_or(0);
    text[base..]
        .grapheme_indices(true)
        .map(|(i, _)| base + i)
        .take_while(|&i| i <= at)
        .last()
        .unwrap_or(base)
}

/// About `width` characters from `start`, ending on a grapheme boundary (at a space when one is
/// near), with `…` where text was cut. Returns the fragment, the byte offset of `start`, how
/// many bytes the leading `…` adds, and the byte offset in `text` where the kept text ends.
fn cut(text: &str, start: usize, width: usize) -> (String, usize, usize, usize) {
    let ahead = &text.as_bytes()[start..text.len().min(start.saturating_add(width + 1))];
    let mut end = if ahead.is_ascii() && !ahead.contains(&b'\r') {
        // ASCII without CR: every byte is a cluster of its own.
        (start + width).min(text.len())
    } else {
        // `width` characters, less the marks of a cluster they would split: no more than
        // `width` clusters, counted without walking them (the costly part for Thai).
        cluster_end(text, start, forward_chars(text, start, width))
    };
    if end < text.len()
        && let Some(space) = text[start..end].rfind(' ')
        && end - (start + space) < 24
    {
        end = start + space;
    }
    let mut out = String::new();
    let mut prefix_len = 0;
    if start > 0 {
        out.push('…');
        prefix_len = '…'.len_utf8();
    }
    let kept = text[start..end].trim_end();
    out.push_str(kept);
    if end < text.len() {
        out.push('…');
    }
    // Where the kept text ends in `text`: a match past it (under the closing `…`) is not shown.
    (out, start, prefix_len, start + kept.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `plain_text` as first written, one `char` at a time: the reference for its fast path.
    fn plain_text_char_by_char(markdown: &str) -> String {
        let mut out = String::new();
        let push = |piece: &str, out: &mut String, space: &mut bool| {
            for c in piece.chars() {
                match c {
                    '*' | '`' | '_' => {}
                    '|' => *space = true,
                    c if c.is_whitespace() => *space = true,
                    c => {
                        if *space && !out.is_empty() {
                            out.push(' ');
                        }
                        *space = false;
                        out.push(c);
                    }
                }
            }
        };
        for line in markdown.lines() {
            let mut space = true;
            let line = line.trim_start_matches('#').trim_start_matches(['>', ' ']);
            if line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
                continue;
            }
            let mut rest = line;
            while let Some(start) = rest.find("[[") {
                let after = &rest[start + 2..];
                match after.find("]]") {
                    Some(end) => {
                        let open = after[..end].rfind("[[").map_or(start, |i| start + 2 + i);
                        push(&rest[..open], &mut out, &mut space);
                        let link = &rest[open + 2..start + 2 + end];
                        let text = link.split_once('|').map_or(link, |(_, text)| text);
                        push(text, &mut out, &mut space);
                        rest = &after[end + 2..];
                    }
                    None => {
                        push(&rest[..start], &mut out, &mut space);
                        rest = after;
                    }
                }
            }
            push(rest, &mut out, &mut space);
        }
        out
    }

    /// The text pulldown-cmark reads from `markdown` (wiki links as their labels), white space
    /// collapsed: the reader's reading, which the snippet's fast path must match.
    fn text_as_pulldown_reads_it(markdown: &str) -> String {
        use pulldown_cmark::{Event, Options, Parser};
        let mut out = String::new();
        for event in Parser::new_ext(markdown, Options::ENABLE_WIKILINKS) {
            match event {
                Event::Text(t) => out.push_str(&t),
                Event::SoftBreak | Event::HardBreak => out.push(' '),
                _ => {}
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The wiki links the snippet's link path finds in `markdown`: (target, text shown).
    fn links_by_snippet(markdown: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for line in markdown.lines().filter_map(text_line) {
            line_pieces(line, |text, target| {
                if let Some(target) = target {
                    out.push((target.to_string(), text.to_string()));
                }
            });
        }
        out
    }

    /// The wiki links pulldown-cmark finds in `markdown`, as the reader and backlinks read them.
    fn links_by_pulldown(markdown: &str) -> Vec<(String, String)> {
        use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
        let mut out = Vec::new();
        let mut open: Option<(String, String)> = None;
        for event in Parser::new_ext(markdown, Options::ENABLE_WIKILINKS) {
            match event {
                Event::Start(Tag::Link {
                    link_type: LinkType::WikiLink { .. },
                    dest_url,
                    ..
                }) => open = Some((dest_url.to_string(), String::new())),
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, text)) = &mut open {
                        text.push_str(&t);
                    }
                }
                Event::End(TagEnd::Link) => out.extend(open.take()),
                _ => {}
            }
        }
        out
    }

    /// A line as officers write them: a block mark, then words, marked words and links.
    fn line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let mark = prop_oneof![
            Just(""),
            Just("# "),
            Just("## "),
            Just("> "),
            Just("- "),
            Just("1. "),
            Just("  ")
        ];
        let piece = prop_oneof![
            4 => piece(),
            1 => "[a-z]{1,6}".prop_map(|w| format!("*{w}*")),
            1 => "[a-z]{1,6}".prop_map(|w| format!("**{w}**")),
            1 => "[a-z][a-z-]{0,8}".prop_map(|t| format!("*[[{t}]]*")),
            1 => "[a-z]{1,6}".prop_map(|w| format!("[{w}](https://x.test/{w})")),
            1 => "[a-z]{1,6}".prop_map(|w| format!("[[{w}")),
        ];
        (mark, proptest::collection::vec(piece, 1..8))
            .prop_map(|(mark, pieces)| format!("{mark}{}", pieces.join(" ")))
    }

    fn piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            3 => "[a-z]{1,6}",
            1 => "[a-z][a-z-]{0,8}".prop_map(|t| format!("[[{t}]]")),
            1 => ("[a-z][a-z-]{0,8}", "[a-z][a-z ]{0,8}[a-z]")
                .prop_map(|(t, l)| format!("[[{t}|{l}]]")),
        ]
    }

    proptest::proptest! {
        #[test]
        fn plain_text_matches_a_char_by_char_reading(
            text in "[a-z #>*`_|\\[\\]\n\t\r\u{0b}\u{0c}\u{85}\u{a0}\u{3000}ศุล세관é-]{0,60}|\\PC{0,40}|([a-z ]{0,30}[\n*|]?){0,4}"
        ) {
            proptest::prop_assert_eq!(plain_text(&text), plain_text_char_by_char(&text));
        }

        #[test]
        fn wiki_links_show_the_labels_pulldown_cmark_reads(
            lines in proptest::collection::vec(proptest::collection::vec(piece(), 1..8), 1..4)
        ) {
            let body: Vec<String> = lines.iter().map(|l| l.join(" ")).collect();
            let body = body.join("\n");
            proptest::prop_assert_eq!(plain_text(&body), text_as_pulldown_reads_it(&body));
        }

        #[test]
        fn the_link_path_finds_the_wiki_links_pulldown_cmark_finds(
            lines in proptest::collection::vec(line(), 1..6)
        ) {
            let body = lines.join("\n");
            proptest::prop_assert_eq!(links_by_snippet(&body), links_by_pulldown(&body));
        }

        #[test]
        fn a_body_without_matches_gives_its_start_as_the_whole_would(
            body in "[a-y #>*`_|\\[\\]\n\r\u{0301}ศุล세관é-]{0,400}", width in 1usize..60
        ) {
            // `z` never occurs: nothing to mark, whichever way the body is read.
            let mut m = Marker::default();
            m.add("zebra", false);
            let body = body.repeat(1 + PROBE_FROM / body.len().max(1));
            proptest::prop_assert_eq!(
                make_markdown(&body, &m, width),
                make(&plain_text(&body), &m, width)
            );
        }

        #[test]
        fn the_first_candidate_is_the_first_match_anywhere(
            text in "([a-zA-Z ]{0,40}(Net|net|NETWORK|works|ศุล)?){0,60}",
            word in "(net|network|work|xyz)",
            at in 0usize..3000,
        ) {
            let mut m = Marker::default();
            m.add(&word, false);
            // The reference: the whole text lower-cased, every needle searched.
            let lower = text.to_ascii_lowercase();
            let expected = m.needles().filter_map(|n| lower.find(n)).min();
            proptest::prop_assert_eq!(m.first_candidate(&text), expected);
            // And with the word placed anywhere in a long body.
            let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let long = format!("{}{}{}", &text[..at], word.to_uppercase(), &text[at..]);
            let lower = long.to_ascii_lowercase();
            let expected = m.needles().filter_map(|n| lower.find(n)).min();
            proptest::prop_assert_eq!(m.first_candidate(&long), expected);
        }

        #[test]
        fn back_and_forward_chars_count_characters(
            text in "[a-z ศุ세]{0,40}", at in 0usize..120, n in 0usize..50
        ) {
            let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let back = text[..at].char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i);
            let forward = text[at..].char_indices().nth(n).map_or(text.len(), |(i, _)| at + i);
            proptest::prop_assert_eq!(back_chars(&text, at, n), back);
            proptest::prop_assert_eq!(forward_chars(&text, at, n), forward);
        }

        #[test]
        fn an_ascii_alphanumeric_run_is_one_lower_cased_token(run in "[A-Za-z0-9]{1,40}") {
            // What `word_ranges` assumes when it skips the analyzer.
            let tokens: Vec<String> =
                analyzer::tokens(Analyzer::Text, &run).into_iter().map(|(t, _)| t).collect();
            proptest::prop_assert_eq!(tokens, vec![run.to_ascii_lowercase()]);
        }

        #[test]
        fn cut_keeps_whole_grapheme_clusters(
            text in "[a-z \r\n\u{0301}ศุล]{0,30}", width in 1usize..12
        ) {
            let (fragment, _, prefix, _) = cut(&text, 0, width);
            let body = fragment.trim_end_matches('…');
            let clusters: Vec<&str> = text.graphemes(true).collect();
            proptest::prop_assert!(prefix == 0);
            proptest::prop_assert!(body.graphemes(true).count() <= width);
            proptest::prop_assert!(text.starts_with(body));
            let ends: Vec<usize> = clusters
                .iter()
                .scan(0, |n, g| {
                    *n += g.len();
                    Some(*n)
                })
                .collect();
            proptest::prop_assert!(body.is_empty() || ends.contains(&body.len()));
        }
    }

    fn marked(s: &Snippet) -> Vec<&str> {
        s.highlights.iter().map(|&(a, b)| &s.text[a..b]).collect()
    }

    #[test]
    fn english_matches_are_marked_with_stems_and_prefixes() {
        let mut m = Marker::default();
        m.add("timber", false);
        m.add("valu", true);
        let s = make(
            "Logs of Timber and sawn timbers need valuation at the border.",
            &m,
            200,
        );
        assert_eq!(marked(&s), ["Timber", "timbers", "valuation"]);
    }

    #[test]
    fn thai_snippets_keep_combining_marks_and_mark_substrings() {
        let text = "ก".repeat(300) + " เจ้าหน้าที่กรมศุลกากรตรวจสอบพิกัดอัตราศุลกากร";
        let mut m = Marker::default();
        m.add("ศุลกากร", false);
        let s = make(&text, &m, 60);
        assert_eq!(marked(&s), ["ศุลกากร", "ศุลกากร"]);
        assert!(s.text.starts_with('…'));
        // Every cut is on a grapheme boundary: no mark starts a cluster.
        for g in s.text.graphemes(true) {
            assert!(
                !g.starts_with(['\u{0E34}', '\u{0E38}', '\u{0E48}', '\u{0E49}']),
                "{g}"
            );
        }
    }

    #[test]
    fn korean_nouns_inside_eojeol_are_marked() {
        let mut m = Marker::default();
        m.add("세관", false);
        let s = make("인천세관에서 화물을 검사했다. 세관 직원", &m, 100);
        assert_eq!(marked(&s), ["세관", "세관"]);
    }

    #[test]
    fn markdown_is_reduced_to_text() {
        assert_eq!(
            plain_text(
                "## Steps\n| a | b |\n|---|---|\n**Check** the `seal`; see [[seal-checks|seal checks]]."
            ),
            "Steps a b Check the seal; see seal checks."
        );
    }

    #[test]
    fn long_bodies_are_probed_and_give_the_same_marks() {
        let filler = "Plain words about nothing in particular.\n".repeat(150);
        let body = format!("{filler}## Timber\nSawn **Timber** needs a permit.\n{filler}");
        let mut m = Marker::default();
        m.add("timber", false);
        let probed = make_markdown(&body, &m, 80);
        assert_eq!(marked(&probed), ["Timber", "Timber"]);
        assert!(probed.text.starts_with('…') && probed.text.ends_with('…'));
        let whole = make(&plain_text(&body), &m, 80);
        assert_eq!(probed, whole);
        // A probe that lands inside another word falls back to the whole body.
        let mut m = Marker::default();
        m.add("work", false);
        let body = format!("network {filler} the work");
        assert_eq!(marked(&make_markdown(&body, &m, 80)), ["work"]);
        // Nothing to mark: the start, as before.
        let none = make_markdown(&body, &Marker::default(), 20);
        assert!(none.text.starts_with("network") && none.highlights.is_empty());
        // Thai: the window's edges fall inside three-byte characters.
        let thai = "ข้อมูลทั่วไป สำหรับระบบ ".repeat(200);
        let body = format!("{thai}\nกรมศุลกากร\n{thai}x");
        let mut m = Marker::default();
        m.add("ศุลกากร", false);
        for width in [20, 60, 61, 80] {
            let probed = make_markdown(&body, &m, width);
            assert_eq!(marked(&probed), ["ศุลกากร"], "width {width}");
        }
    }

    #[test]
    fn a_long_body_marks_a_word_that_shares_only_the_query_stem() {
        // `happiness` and `happy` share the stem `happi`, which `happy` does not contain.
        let filler = "Plain words about nothing in particular.\n".repeat(40);
        let body = format!("{filler}Officers were happy with the new seals.\n{filler}");
        let mut m = Marker::default();
        m.add("happiness", false);
        assert_eq!(marked(&make_markdown(&body, &m, 80)), ["happy"]);
    }

    #[test]
    fn no_match_gives_the_start() {
        let s = make("short text", &Marker::default(), 100);
        assert_eq!(s.text, "short text");
        assert!(s.highlights.is_empty());
    }
}
