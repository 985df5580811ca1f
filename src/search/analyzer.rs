//! The text analyzers, the same at index and query time. They must be registered on every `Index`
//! opened, or tantivy fails with `UnknownTokenizer` at commit or query time.
//!
//! One tokenizer cuts the text into script runs and tokenizes each run the way its script needs:
//! - Thai, Lao, Khmer and Myanmar are written without spaces between words, and tantivy's default
//!   tokenizer cuts them at vowel and tone marks. Their runs go through ICU4X's word segmenter with
//!   the *dictionary* model: the LSTM model segments a word differently alone than inside a
//!   sentence, so a query would not find the word it was cut from (see NOTES.md), and is far slower.
//! - Hangul runs (eojeol) are kept whole. Korean glues particles to nouns (`세관에서`), which no
//!   word segmenter splits off; `outpost_grams` covers those sub-word matches.
//! - Everything else alphanumeric is one token per run, lower-cased and ASCII-folded by filters.
//!   Digits joined by `.` or `-` stay one token, so HS codes (`4403.49.10`) are searchable whole.
//!
//! `outpost_grams` emits overlapping character bigrams of the Thai-family and Hangul runs instead.
//! Indexed with positions, a query's bigrams form a phrase that matches exactly where the query is
//! a substring, whatever the segmenter made of the surrounding text. Each run starts two positions
//! after the one before (see [`RUN_GAP`]), so a query may leave out every other bigram of a run.
//!
//! The index's word fields use `outpost_text_stems`: the words, each followed at its own position
//! by its English stem where stemming changes it, marked (`networks`, `~network`). Exact and
//! stemmed search then cost one pass over the text and one set of fields.
//!
//! Every token carries byte offsets into the original text (snippets highlight from them) and
//! positions numbered consecutively across the whole text, but for the gaps before bigram runs
//! (phrase queries need them).

use std::ops::Range;

use icu_segmenter::WordSegmenter;
use icu_segmenter::WordSegmenterBorrowed;
use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;
use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, TextAnalyzer, TextAnalyzerBuilder, Token, TokenFilter,
    TokenStream, Tokenizer,
};

/// The text analyzers, by what they do. Each is registered on every index under its
/// [`name`](Analyzer::name), which the index's schema records: the names must never change.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Analyzer {
    /// Word tokens for exact-word search in all three languages.
    Text,
    /// As [`Analyzer::Text`], with English stemming of Latin tokens (Thai and Korean pass
    /// unchanged).
    Stem,
    /// What the index's word fields hold: the tokens of [`Analyzer::Text`], each followed, at
    /// the same position, by [`STEM_MARK`] + its English stem where stemming changes it
    /// (`networks` → `networks`, `~network`). One pass over the text serves exact and stemmed
    /// search; a word that is its own stem (seven in ten, measured on the benchmark corpus) is
    /// found as itself.
    IndexedText,
    /// Character bigrams of Thai-family and Hangul text; Latin text yields nothing.
    Grams,
    /// Character bigrams of Thai text folded to one spelling of its variants
    /// (`super::thai_fold`); other text yields nothing.
    ThaiFolded,
}

impl Analyzer {
    pub const ALL: [Analyzer; 5] = [
        Analyzer::Text,
        Analyzer::Stem,
        Analyzer::IndexedText,
        Analyzer::Grams,
        Analyzer::ThaiFolded,
    ];

    /// The name tantivy knows it by (recorded in the index's schema).
    pub fn name(self) -> &'static str {
        match self {
            Analyzer::Text => "outpost_text",
            Analyzer::Stem => "outpost_stem",
            Analyzer::IndexedText => "outpost_text_stems",
            Analyzer::Grams => "outpost_grams",
            Analyzer::ThaiFolded => "outpost_thai_folded",
        }
    }

    fn build(self) -> TextAnalyzer {
        match self {
            Analyzer::Text => text_analyzer(),
            Analyzer::Stem => stem_analyzer(),
            Analyzer::IndexedText => indexed_text_analyzer(),
            Analyzer::Grams => gram_analyzer(),
            Analyzer::ThaiFolded => {
                TextAnalyzer::builder(super::thai_fold::FoldedGrams::default()).build()
            }
        }
    }
}

/// Starts a stem token in the word fields. The tokenizer never emits it (it is not
/// alphanumeric), so a stem token cannot be confused with a word.
pub const STEM_MARK: char = '~';

pub fn register(index: &Index) {
    let tokenizers = index.tokenizers();
    for analyzer in Analyzer::ALL {
        tokenizers.register(analyzer.name(), analyzer.build());
    }
}

/// Runs an analyzer outside an index (query building, snippets, tests): the tokens' text and
/// byte ranges.
pub fn tokens(analyzer: Analyzer, text: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    for_each_token(analyzer, text, |token, range, _| {
        out.push((token.to_string(), range))
    });
    out
}

/// As [`tokens`], handing each token (text, byte range, position) to `each` instead of
/// collecting them (no allocation per token: snippets run this over every hit's text).
pub fn for_each_token(
    analyzer: Analyzer,
    text: &str,
    mut each: impl FnMut(&str, Range<usize>, usize),
) {
    // Building an analyzer (and its ICU segmenter) costs more than analyzing a word, and
    // snippets analyze many words per query: keep one of each per thread.
    thread_local! {
        static ANALYZERS: [std::cell::RefCell<TextAnalyzer>; Analyzer::ALL.len()] =
            Analyzer::ALL.map(|a| std::cell::RefCell::new(a.build()));
    }
    // `ALL` lists the analyzers in their declaration order.
    let slot = analyzer as usize;
    let mut run = |analyzer: &mut TextAnalyzer| {
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            each(&t.text, t.offset_from..t.offset_to, t.position);
        }
    };
    ANALYZERS.with(|analyzers| match analyzers[slot].try_borrow_mut() {
        Ok(mut cached) => run(&mut cached),
        // `each` itself ran this analyzer (a snippet stems inside its word loop, but with
        // another analyzer): a fresh one is correct, only slower.
        Err(_) => run(&mut analyzer.build()),
    });
}

/// Whether `text` has letters of a script written without spaces between words (Thai, Lao,
/// Khmer, Myanmar) or with particles glued to nouns (Hangul): such words also need sub-word search.
pub fn needs_grams(text: &str) -> bool {
    text.chars()
        .any(|c| Script::of(c).is_some_and(|s| s != Script::Word))
}

/// Whether `text` has a character outside ASCII that a word token may hold (a Latin letter with
/// a diacritic, another alphabet's letter, a combining mark): there lower-casing and folding
/// can change what the token's letters are, not only their case.
pub fn may_fold(text: &str) -> bool {
    !text.is_ascii()
        && text
            .chars()
            .any(|c| !c.is_ascii() && (Script::of(c) == Some(Script::Word) || is_mark(c)))
}

/// Word tokens, lower-cased and folded; both filters leave Thai and Hangul unchanged.
fn word_analyzer() -> TextAnalyzerBuilder<impl Tokenizer> {
    let tokenizer = ScriptTokenizer::new(Mode::Words);
    TextAnalyzer::builder(tokenizer)
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
}

fn text_analyzer() -> TextAnalyzer {
    word_analyzer().build()
}

fn stem_analyzer() -> TextAnalyzer {
    // The English stemmer only rewrites Latin suffixes, so Thai and Korean tokens pass unchanged
    // (pinned by a test below).
    word_analyzer()
        .filter(MemoStemmer { alongside: false })
        .build()
}

fn indexed_text_analyzer() -> TextAnalyzer {
    word_analyzer()
        .filter(MemoStemmer { alongside: true })
        .build()
}

/// Words an analyzer remembers the stems of (about 4 MB at most); once full, further words are
/// stemmed each time. The frequent words come early and stay.
const STEM_MEMO: usize = 100_000;

/// English stemming (Snowball, the algorithm of tantivy's `Stemmer`) that remembers the stem of
/// every word it has seen: words repeat, and stemming was a third of the indexing time. It
/// replaces each word by its stem, or (`alongside`) keeps the word and adds the changed stems
/// as [`STEM_MARK`] tokens at the word's position.
#[derive(Clone)]
struct MemoStemmer {
    alongside: bool,
}

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter {
            inner,
            alongside: self.alongside,
            stems: StemMemo::default(),
        }
    }
}

#[derive(Clone)]
struct MemoStemmerFilter<T> {
    inner: T,
    alongside: bool,
    /// Word → its stem, `None` when the word is its own stem (most are: no copy to make).
    stems: StemMemo,
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
            alongside: self.alongside,
            stem_next: false,
            stem: String::new(),
            next_stem: String::new(),
            stems: &mut self.stems,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }
}

struct MemoStemmerStream<'a, T> {
    tail: T,
    alongside: bool,
    /// The current word's stem, when it has one of its own.
    stem: String,
    /// The word just emitted has a stem of its own to emit next: `next_stem`.
    stem_next: bool,
    next_stem: String,
    stems: &'a mut StemMemo,
    stemmer: frostem::Stemmer,
}

/// Word → its stem, `None` when the word is its own stem (most are: no copy to make). Words are
/// kept inline (see [`inline_word`]), so a lookup does not follow a pointer to compare them.
type StemMemo = FxHashMap<InlineWord, Option<Box<str>>>;

/// A word of at most 23 bytes, zero-padded, its length in the last byte.
type InlineWord = [u8; 24];

fn inline_word(word: &str) -> Option<InlineWord> {
    let bytes = word.as_bytes();
    let len = u8::try_from(bytes.len()).ok().filter(|&n| n < 24)?;
    let mut key = [0u8; 24];
    key[..bytes.len()].copy_from_slice(bytes);
    key[23] = len;
    Some(key)
}

/// Whether Snowball's English stemmer can change `word`. It leaves words of two letters or less
/// alone, and otherwise only rewrites endings, each of which (in its rules and its exceptions)
/// ends in one of these letters. A third of the tokens need no stemming then (checked against
/// the stemmer on 150,000 distinct words of real text and every four-character word; a
/// proptest below keeps checking).
fn stem_may_change(word: &str) -> bool {
    word.len() > 2
        && matches!(
            word.as_bytes()[word.len() - 1],
            b'c' | b'd' | b'e' | b'g' | b'i' | b'l' | b'm' | b'n' | b'r' | b's' | b't' | b'y'
        )
}

/// Writes the stem of `word` into `out` when it differs from `word`, remembered in `stems`.
fn stem_if_changed(
    stems: &mut StemMemo,
    stemmer: &frostem::Stemmer,
    word: &str,
    out: &mut String,
) -> bool {
    out.clear();
    if !stem_may_change(word) {
        return false;
    }
    // Writes the stem into `out` when it differs from the word.
    let stem_now = |out: &mut String| {
        let stem = stemmer.stem(word);
        let changed = *stem != *word;
        if changed {
            out.push_str(&stem);
        }
        changed
    };
    let Some(key) = inline_word(word) else {
        return stem_now(out);
    };
    // One hash lookup: a word seen before is read, a new one stemmed and (while the memo has
    // room) kept.
    let room = stems.len() < STEM_MEMO;
    match stems.entry(key) {
        Entry::Occupied(known) => {
            if let Some(stem) = known.get() {
                out.push_str(stem);
            }
            known.get().is_some()
        }
        Entry::Vacant(slot) => {
            let changed = stem_now(out);
            if room {
                slot.insert(changed.then(|| Box::from(out.as_str())));
            }
            changed
        }
    }
}

impl<T: TokenStream> TokenStream for MemoStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if std::mem::take(&mut self.stem_next) {
            // The word was emitted; its stem follows at the same position and offsets.
            let token = self.tail.token_mut();
            token.text.clear();
            token.text.push_str(&self.next_stem);
            return true;
        }
        if !self.tail.advance() {
            return false;
        }
        let word = &self.tail.token().text;
        if !stem_if_changed(self.stems, &self.stemmer, word, &mut self.stem) {
            return true;
        }
        if self.alongside {
            self.next_stem.clear();
            self.next_stem.push(STEM_MARK);
            self.next_stem.push_str(&self.stem);
            self.stem_next = true;
        } else {
            let token = self.tail.token_mut();
            token.text.clear();
            token.text.push_str(&self.stem);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

fn gram_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(ScriptTokenizer::new(Mode::Grams)).build()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Words,
    Grams,
}

/// The script class of a run. Thai-family scripts are kept apart so a Thai–Lao boundary is a
/// token boundary even without a space.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Script {
    Thai,
    Lao,
    Khmer,
    Myanmar,
    Hangul,
    Word,
}

impl Script {
    fn of(c: char) -> Option<Script> {
        // Most text is ASCII: answer it without walking the ranges below.
        if c.is_ascii() {
            return c.is_ascii_alphanumeric().then_some(Script::Word);
        }
        match c {
            // Thai letters, vowels, tone marks and digits; not ฿ or the punctuation ๏ ๚ ๛.
            '\u{0E01}'..='\u{0E3A}' | '\u{0E40}'..='\u{0E4E}' | '\u{0E50}'..='\u{0E59}' => {
                Some(Script::Thai)
            }
            '\u{0E80}'..='\u{0EFF}' => Some(Script::Lao),
            '\u{1780}'..='\u{17FF}' | '\u{19E0}'..='\u{19FF}' => Some(Script::Khmer),
            '\u{1000}'..='\u{109F}' | '\u{A9E0}'..='\u{A9FF}' | '\u{AA60}'..='\u{AA7F}' => {
                Some(Script::Myanmar)
            }
            '\u{AC00}'..='\u{D7AF}'
            | '\u{1100}'..='\u{11FF}'
            | '\u{3130}'..='\u{318F}'
            | '\u{A960}'..='\u{A97F}'
            | '\u{D7B0}'..='\u{D7FF}' => Some(Script::Hangul),
            c if c.is_alphanumeric() => Some(Script::Word),
            _ => None,
        }
    }
}

/// Script-neutral combining marks (and ZWNJ/ZWJ). They are not alphanumeric, yet belong to the
/// character before them: `e` + U+0301 is `é` in decomposed form. Marks of the scripts above lie
/// inside their blocks and are classified with them.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{200C}'..='\u{200D}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Calls `each` with the maximal runs of one script in `text`, and whether the run holds a
/// combining mark. A mark extends the run before it and is dropped where no run is open (a lone
/// mark cannot be searched for). `.` or `-` between two digits joins a word run, so numbers and
/// HS codes stay whole.
fn script_runs(text: &str, mut each: impl FnMut(Script, Range<usize>, bool)) {
    let bytes = text.as_bytes();
    let mut open: Option<(Script, usize)> = None;
    let mut marked = false;
    let mut prev: Option<char> = None;
    let mut at = 0;
    while at < bytes.len() {
        // Most of the text: ASCII letters and digits inside a word run just extend it.
        if matches!(open, Some((Script::Word, _))) && bytes[at].is_ascii_alphanumeric() {
            while bytes.get(at).is_some_and(u8::is_ascii_alphanumeric) {
                at += 1;
            }
            prev = Some(char::from(bytes[at - 1]));
            continue;
        }
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        let next_at = at + c.len_utf8();
        let script = Script::of(c);
        let extends = match (open, script) {
            (Some((run, _)), Some(s)) => run == s,
            (Some(_), None) if is_mark(c) => {
                marked = true;
                true
            }
            (Some((Script::Word, _)), None) => {
                matches!(c, '.' | '-')
                    && prev.is_some_and(|p| p.is_numeric())
                    && text[next_at..].chars().next().is_some_and(char::is_numeric)
            }
            _ => false,
        };
        if !extends {
            if let Some((run, start)) = open.take() {
                each(run, start..at, marked);
            }
            marked = false;
            open = script.map(|s| (s, at));
        }
        prev = Some(c);
        at = next_at;
    }
    if let Some((run, start)) = open {
        each(run, start..text.len(), marked);
    }
}

/// Positions left empty before each run of bigrams. A phrase whose terms are at most two
/// positions apart then never matches across two runs (or two values of a field), so a query
/// needs only every other bigram of a run, plus the last: `ข้อมูล` is `ข้`, `อม`, `ูล` at
/// offsets 0, 2, 4 instead of five bigrams, and phrase matching costs less.
pub const RUN_GAP: usize = 2;

/// Where one token lies in the text; its text is made when the stream reaches it.
#[derive(Clone, Copy)]
struct Span {
    from: usize,
    to: usize,
    /// Positions to leave empty before this token ([`RUN_GAP`] at the start of a bigram run).
    gap: usize,
    /// Drop combining marks from the token's text (`cafe` + U+0301 indexes like `café` → `cafe`).
    strip_marks: bool,
}

/// The tokenizer behind all three analyzers. It finds the token spans of the whole text up front
/// into a buffer it keeps, and the stream writes each token's text into one reused `String`: no
/// allocation per token or per document once warm (indexing speed depends on it).
#[derive(Clone)]
struct ScriptTokenizer {
    mode: Mode,
    // Borrows ICU's compiled-in data, so it is `Copy` and cheap to clone per indexing thread.
    segmenter: WordSegmenterBorrowed<'static>,
    spans: Vec<Span>,
}

impl ScriptTokenizer {
    fn new(mode: Mode) -> Self {
        Self {
            mode,
            segmenter: WordSegmenter::new_dictionary(Default::default()),
            spans: Vec::new(),
        }
    }

    fn tokenize(&mut self, text: &str) {
        self.spans.clear();
        // Bigrams are only made of Thai-family and Hangul letters, which ASCII text lacks.
        if self.mode == Mode::Grams && text.is_ascii() {
            return;
        }
        let (mode, segmenter, spans) = (self.mode, self.segmenter, &mut self.spans);
        script_runs(text, |script, range, marked| match (mode, script) {
            (Mode::Words, Script::Word) => spans.push(Span {
                from: range.start,
                to: range.end,
                gap: 0,
                strip_marks: marked,
            }),
            (Mode::Words, Script::Hangul) => spans.push(Span {
                from: range.start,
                to: range.end,
                gap: 0,
                strip_marks: false,
            }),
            (Mode::Words, _) => push_segments(segmenter, spans, text, range),
            (Mode::Grams, Script::Word) => {}
            (Mode::Grams, _) => push_bigrams(spans, text, range),
        });
    }
}

/// ICU word segments of one Thai-family run; spaces and punctuation segments are skipped.
fn push_segments(
    segmenter: WordSegmenterBorrowed<'static>,
    spans: &mut Vec<Span>,
    text: &str,
    range: Range<usize>,
) {
    let run = &text[range.clone()];
    let mut from = 0;
    for (to, kind) in segmenter.segment_str(run).iter_with_word_type() {
        if to > from && kind.is_word_like() {
            spans.push(Span {
                from: range.start + from,
                to: range.start + to,
                gap: 0,
                strip_marks: false,
            });
        }
        from = to;
    }
}

/// Overlapping bigrams by `char`; a one-character run yields that character.
fn push_bigrams(spans: &mut Vec<Span>, text: &str, range: Range<usize>) {
    let end = range.end;
    let first = spans.len();
    let span = |from, to| Span {
        from,
        to,
        gap: 0,
        strip_marks: false,
    };
    let mut bounds = text[range.clone()]
        .char_indices()
        .map(|(i, _)| range.start + i)
        .chain(std::iter::once(end));
    let (Some(mut a), Some(mut b)) = (bounds.next(), bounds.next()) else {
        return;
    };
    if b == end {
        spans.push(span(a, b));
    } else {
        for c in bounds {
            spans.push(span(a, c));
            (a, b) = (b, c);
        }
    }
    if let Some(start) = spans.get_mut(first) {
        start.gap = RUN_GAP;
    }
}

impl Tokenizer for ScriptTokenizer {
    type TokenStream<'a> = ScriptTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ScriptTokenStream<'a> {
        self.tokenize(text);
        ScriptTokenStream {
            text,
            spans: self.spans.iter(),
            token: Token::default(),
            position: 0,
        }
    }
}

struct ScriptTokenStream<'a> {
    text: &'a str,
    spans: std::slice::Iter<'a, Span>,
    token: Token,
    position: usize,
}

impl TokenStream for ScriptTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(span) = self.spans.next() else {
            return false;
        };
        let slice = &self.text[span.from..span.to];
        let t = &mut self.token;
        t.text.clear();
        if span.strip_marks {
            t.text.extend(slice.chars().filter(|&c| !is_mark(c)));
        } else {
            t.text.push_str(slice);
        }
        t.offset_from = span.from;
        t.offset_to = span.to;
        self.position += span.gap;
        t.position = self.position;
        t.position_length = 1;
        self.position += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::QueryParser;
    use tantivy::schema::{
        IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
    };
    use tantivy::{TantivyDocument, doc};

    use super::*;

    #[test]
    fn analyzers_keep_the_names_indexes_record_and_their_own_slot() {
        let names: Vec<&str> = Analyzer::ALL.iter().map(|a| a.name()).collect();
        assert_eq!(
            names,
            [
                "outpost_text",
                "outpost_stem",
                "outpost_text_stems",
                "outpost_grams",
                "outpost_thai_folded"
            ]
        );
        for (slot, analyzer) in Analyzer::ALL.into_iter().enumerate() {
            assert_eq!(analyzer as usize, slot);
        }
        let stems: Vec<String> = tokens(Analyzer::Stem, "Networks")
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(stems, ["network"]);
        assert!(tokens(Analyzer::Grams, "customs").is_empty());
    }

    /// Runs an analyzer and checks the invariants every token stream must keep.
    fn run(mut analyzer: TextAnalyzer, text: &str) -> Vec<Token> {
        let mut stream = analyzer.token_stream(text);
        let mut tokens = Vec::new();
        while let Some(token) = stream.next() {
            tokens.push(token.clone());
        }
        let mut next = 0;
        for t in &tokens {
            // Consecutive, except that a run of bigrams starts `RUN_GAP` further on and a stem
            // shares its word's position.
            assert!(
                t.position == next
                    || t.position == next + RUN_GAP
                    || (t.text.starts_with(STEM_MARK) && t.position + 1 == next),
                "positions follow on in {text:?}"
            );
            next = t.position + 1;
            assert!(t.offset_from < t.offset_to && t.offset_to <= text.len());
            assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to));
        }
        tokens
    }

    fn texts(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    fn split(spaced: &str) -> Vec<&str> {
        spaced.split(' ').collect()
    }

    fn slices<'t>(text: &'t str, tokens: &[Token]) -> Vec<&'t str> {
        tokens
            .iter()
            .map(|t| &text[t.offset_from..t.offset_to])
            .collect()
    }

    const THAI: &str = "การจำแนกพิกัดอัตราศุลกากรสำหรับไม้ท่อน";
    const KOREAN: &str = "인천세관에서 통관 절차를";

    #[test]
    fn english_is_lowercased_and_folded_and_hs_codes_stay_whole() {
        let text = "Café Müller imports Coffee (HS 0901.21) and logs 4403.49.10, naïve!";
        let tokens = run(text_analyzer(), text);
        let expected = split("cafe muller imports coffee hs 0901.21 and logs 4403.49.10 naive");
        assert_eq!(texts(&tokens), expected);
        assert_eq!(slices(text, &tokens)[..2], ["Café", "Müller"]);
        assert_eq!(slices(text, &tokens)[5], "0901.21");
    }

    #[test]
    fn dots_and_hyphens_join_only_digits() {
        let tokens = run(text_analyzer(), "4403.49.10. A-1 2020-01-05 v.2 -7");
        assert_eq!(texts(&tokens), split("4403.49.10 a 1 2020-01-05 v 2 7"));
    }

    #[test]
    fn stemming_touches_latin_tokens_only() {
        let text = "Imported goods ศุลกากร การตรวจสอบ 인천세관에서 4403.49.10";
        let stemmed = run(stem_analyzer(), text);
        assert_eq!(texts(&stemmed)[..2], ["import", "good"]);
        assert_eq!(
            texts(&stemmed)[2..],
            texts(&run(text_analyzer(), text))[2..]
        );
    }

    #[test]
    fn the_indexed_text_analyzer_adds_changed_stems_beside_their_words() {
        let text = "Networks network imported ศุลกากร 인천세관에서 4403.49.10 goods";
        let tokens = run(indexed_text_analyzer(), text);
        assert_eq!(
            texts(&tokens),
            split(
                "networks ~network network imported ~import ศุลกากร 인천세관에서 4403.49.10 goods ~good"
            )
        );
        // A stem shares its word's position and offsets; the words keep theirs.
        assert_eq!(tokens[0].position, tokens[1].position);
        assert_eq!(slices(text, &tokens)[..2], ["Networks", "Networks"]);
        let words = run(text_analyzer(), text);
        let unmarked: Vec<&Token> = tokens
            .iter()
            .filter(|t| !t.text.starts_with(STEM_MARK))
            .collect();
        assert_eq!(unmarked.len(), words.len());
        for (a, b) in unmarked.iter().zip(&words) {
            assert_eq!((a.position, &a.text), (b.position, &b.text));
        }
    }

    #[test]
    fn thai_is_segmented_into_dictionary_words() {
        let tokens = run(text_analyzer(), THAI);
        let words = split("การ จำแนก พิกัด อัตรา ศุลกากร สำหรับ ไม้ ท่อน");
        assert_eq!(texts(&tokens), words);
        assert_eq!(slices(THAI, &tokens), words);
        // The same word alone and inside compounds: what makes a query find it.
        for text in ["ศุลกากร", "กรมศุลกากร", "ด่านศุลกากรหนองคาย"]
        {
            assert!(
                texts(&run(text_analyzer(), text)).contains(&"ศุลกากร"),
                "{text}"
            );
        }
        assert_eq!(texts(&run(text_analyzer(), "อัตราอากรขาเข้า"))[1], "อากร");
    }

    #[test]
    fn thai_bigrams_overlap_by_char() {
        let tokens = run(gram_analyzer(), "อากร ไม้");
        assert_eq!(texts(&tokens), ["อา", "าก", "กร", "ไม", "ม้"]);
        assert_eq!(slices("อากร ไม้", &tokens), texts(&tokens));
        assert_eq!(run(gram_analyzer(), THAI).len(), THAI.chars().count() - 1);
        // A one-character run emits that character.
        assert_eq!(texts(&run(gram_analyzer(), "ก 세 x")), ["ก", "세"]);
    }

    #[test]
    fn bigram_runs_start_after_a_gap_and_words_do_not() {
        let positions = |tokens: Vec<Token>| tokens.iter().map(|t| t.position).collect::<Vec<_>>();
        assert_eq!(
            positions(run(gram_analyzer(), "อากร ไม้ x ก")),
            [2, 3, 4, 7, 8, 11]
        );
        assert_eq!(positions(run(text_analyzer(), "อากร ไม้ x")), [0, 1, 2]);
    }

    #[test]
    fn korean_keeps_eojeol_whole_and_bigrams_find_nouns_inside() {
        let words = run(text_analyzer(), KOREAN);
        assert_eq!(texts(&words), ["인천세관에서", "통관", "절차를"]);
        assert_eq!(slices(KOREAN, &words), texts(&words));
        let grams = run(gram_analyzer(), KOREAN);
        let expected = split("인천 천세 세관 관에 에서 통관 절차 차를");
        assert_eq!(texts(&grams), expected);
        assert_eq!(slices(KOREAN, &grams), expected);
    }

    #[test]
    fn mixed_scripts_split_at_script_changes() {
        let text = "HS0901.21กาแฟคั่ว 커피Coffee ພາສີ";
        let tokens = run(text_analyzer(), text);
        assert_eq!(texts(&tokens)[..4], ["hs0901.21", "กาแฟ", "คั่ว", "커피"]);
        assert_eq!(texts(&tokens)[4], "coffee");
        assert_eq!(slices(text, &tokens)[5..].concat(), "ພາສີ");
        let grams = run(gram_analyzer(), text);
        assert_eq!(texts(&grams)[..2], ["กา", "าแ"]);
        assert_eq!(texts(&grams)[grams.len() - 4..], ["커피", "ພາ", "າສ", "ສີ"]);
    }

    #[test]
    fn empty_and_blank_text_yield_no_tokens() {
        for text in ["", " ", " \t\n\u{3000} ", "—…!?"] {
            assert!(run(text_analyzer(), text).is_empty());
            assert!(run(stem_analyzer(), text).is_empty());
            assert!(run(gram_analyzer(), text).is_empty());
        }
    }

    #[test]
    fn combining_marks_join_the_run_before_them() {
        // A lone mark with no run before it is dropped; after a letter it folds away with it.
        let text = "\u{0301}cafe\u{0301} x\u{0301}\u{0301}";
        let tokens = run(text_analyzer(), text);
        assert_eq!(texts(&tokens), ["cafe", "x"]);
        assert_eq!(slices(text, &tokens), ["cafe\u{0301}", "x\u{0301}\u{0301}"]);
        // A Thai run starting with a vowel sign: ICU makes the sign its own segment.
        let thai = "\u{0E34}การ";
        assert_eq!(texts(&run(text_analyzer(), thai)), ["\u{0E34}", "การ"]);
        assert_eq!(
            texts(&run(gram_analyzer(), thai)),
            ["\u{0E34}ก", "กา", "าร"]
        );
    }

    proptest! {
        #[test]
        fn any_text_yields_well_formed_tokens(text in "[a-zé0-9.\\- \u{0301}กาศุลรอ่้ัิ세관인천에서]{0,40}") {
            // `run` asserts the invariants; grams must also slice back to their text.
            run(text_analyzer(), &text);
            run(stem_analyzer(), &text);
            let grams = run(gram_analyzer(), &text);
            prop_assert_eq!(slices(&text, &grams), texts(&grams));
        }

        #[test]
        fn words_the_stemmer_cannot_change_are_left_alone(word in "[a-z0-9]{0,14}|[a-z]{0,6}(y|ies|ing|ly|ed|ss|us|s|e)") {
            if !stem_may_change(&word) {
                let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
                prop_assert_eq!(&*stemmer.stem(&word), word.as_str());
            }
        }

        #[test]
        fn the_stem_memo_gives_the_stemmer_s_answer_first_and_second_time(
            words in proptest::collection::vec("[a-z]{0,30}", 1..20)
        ) {
            let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
            let mut memo = StemMemo::default();
            let mut out = String::new();
            for word in words.iter().chain(&words) {
                let expected = stemmer.stem(word);
                let changed = stem_if_changed(&mut memo, &stemmer, word, &mut out);
                prop_assert_eq!(changed, *expected != **word);
                if changed {
                    prop_assert_eq!(out.as_str(), &*expected);
                }
            }
        }

        #[test]
        fn script_runs_match_a_char_by_char_reading(
            text in "[a-zA-Z0-9.\\-, é\u{0301}กาศุลรอ่้ัิ세관인천에서ລ]{0,40}|\\PC{0,30}"
        ) {
            let mut fast = Vec::new();
            script_runs(&text, |script, range, marked| fast.push((script, range, marked)));
            prop_assert_eq!(fast, script_runs_char_by_char(&text));
        }
    }

    /// `script_runs` as first written, one `char` at a time: the reference for its fast path.
    fn script_runs_char_by_char(text: &str) -> Vec<(Script, Range<usize>, bool)> {
        let mut out = Vec::new();
        let mut open: Option<(Script, usize)> = None;
        let mut marked = false;
        let mut prev: Option<char> = None;
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let script = Script::of(c);
            let extends = match (open, script) {
                (Some((run, _)), Some(s)) => run == s,
                (Some(_), None) if is_mark(c) => {
                    marked = true;
                    true
                }
                (Some((Script::Word, _)), None) => {
                    matches!(c, '.' | '-')
                        && prev.is_some_and(|p| p.is_numeric())
                        && chars.peek().is_some_and(|&(_, n)| n.is_numeric())
                }
                _ => false,
            };
            if !extends {
                if let Some((run, start)) = open.take() {
                    out.push((run, start..at, marked));
                }
                marked = false;
                open = script.map(|s| (s, at));
            }
            prev = Some(c);
        }
        if let Some((run, start)) = open {
            out.push((run, start..text.len(), marked));
        }
        out
    }

    #[test]
    fn gram_phrase_queries_find_substrings_only() {
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING | STORED);
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(Analyzer::Grams.name())
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let body = builder.add_text_field(
            "body",
            TextOptions::default().set_indexing_options(indexing),
        );
        let index = Index::create_in_ram(builder.build());
        register(&index);
        let mut writer = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        let docs = [
            ("duty", "อัตราอากรขาเข้า"),
            ("scattered", "อากาศ กรม"), // อา, าก and กร, but not as one phrase
            ("incheon", KOREAN),
            ("tax", "관세 신고"), // 관세, never 세관
        ];
        for (key, text) in docs {
            writer
                .add_document(doc!(id => key, body => text))
                .expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let parser = QueryParser::for_index(&index, vec![body]);
        let find = |q: &str| -> Vec<String> {
            let query = parser.parse_query(q).expect("query parses");
            let top = TopDocs::with_limit(10).order_by_score();
            let hits = searcher.search(&query, &top).expect("search");
            let doc = |a| searcher.doc::<TantivyDocument>(a).expect("stored doc");
            let key =
                |d: TantivyDocument| d.get_first(id).and_then(|v| v.as_str()).map(String::from);
            hits.into_iter().filter_map(|(_, a)| key(doc(a))).collect()
        };
        assert_eq!(find("อากร"), ["duty"]);
        assert_eq!(find("세관"), ["incheon"]);
        assert_eq!(find("관세"), ["tax"]);
    }
}
