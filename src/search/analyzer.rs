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
//! a substring, whatever the segmenter made of the surrounding text.
//!
//! Every token carries byte offsets into the original text (snippets highlight from them) and
//! positions numbered consecutively across the whole text (phrase queries need them).

use std::ops::Range;
use std::vec::Drain;

use icu_segmenter::WordSegmenter;
use icu_segmenter::WordSegmenterBorrowed;
use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, Stemmer, TextAnalyzer, TextAnalyzerBuilder, Token,
    TokenStream, Tokenizer,
};

/// Word tokens for exact-word search in all three languages.
pub const TEXT_ANALYZER: &str = "outpost_text";
/// As [`TEXT_ANALYZER`], with English stemming of Latin tokens (Thai and Korean pass unchanged).
pub const STEM_ANALYZER: &str = "outpost_stem";
/// Character bigrams of Thai-family and Hangul text; Latin text yields nothing.
pub const GRAM_ANALYZER: &str = "outpost_grams";

pub fn register(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(TEXT_ANALYZER, text_analyzer());
    tokenizers.register(STEM_ANALYZER, stem_analyzer());
    tokenizers.register(GRAM_ANALYZER, gram_analyzer());
}

/// Runs a named analyzer outside an index (query building, snippets, tests): the tokens' text
/// and byte ranges. An unknown name yields nothing.
pub fn tokens(analyzer: &str, text: &str) -> Vec<(String, Range<usize>)> {
    // Building an analyzer (and its ICU segmenter) costs more than analyzing a word, and
    // snippets analyze many words per query: keep one of each per thread.
    thread_local! {
        static ANALYZERS: std::cell::RefCell<[TextAnalyzer; 3]> =
            std::cell::RefCell::new([text_analyzer(), stem_analyzer(), gram_analyzer()]);
    }
    let slot = match analyzer {
        TEXT_ANALYZER => 0,
        STEM_ANALYZER => 1,
        GRAM_ANALYZER => 2,
        _ => return Vec::new(),
    };
    ANALYZERS.with_borrow_mut(|analyzers| {
        let mut stream = analyzers[slot].token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.offset_from..t.offset_to));
        }
        out
    })
}

/// Whether `text` has letters of a script written without spaces between words (Thai, Lao,
/// Khmer, Myanmar) or with particles glued to nouns (Hangul): such words also need sub-word search.
pub fn needs_grams(text: &str) -> bool {
    text.chars()
        .any(|c| Script::of(c).is_some_and(|s| s != Script::Word))
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
        .filter(Stemmer::new(Language::English))
        .build()
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

/// Splits `text` into maximal runs of one script. A mark extends the run before it and is dropped
/// where no run is open (a lone mark cannot be searched for). `.` or `-` between two digits joins
/// a word run, so numbers and HS codes stay whole.
fn script_runs(text: &str) -> Vec<(Script, Range<usize>)> {
    let mut runs = Vec::new();
    let mut open: Option<(Script, usize)> = None;
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let script = Script::of(c);
        let extends = match (open, script) {
            (Some((run, _)), Some(s)) => run == s,
            (Some(_), None) if is_mark(c) => true,
            (Some((Script::Word, _)), None) => {
                matches!(c, '.' | '-')
                    && prev.is_some_and(|p| p.is_numeric())
                    && next.is_some_and(|n| n.is_numeric())
            }
            _ => false,
        };
        if !extends {
            if let Some((run, start)) = open.take() {
                runs.push((run, start..at));
            }
            open = script.map(|s| (s, at));
        }
        prev = Some(c);
    }
    if let Some((run, start)) = open {
        runs.push((run, start..text.len()));
    }
    runs
}

/// The tokenizer behind all three analyzers. It tokenizes the whole text up front into a buffer
/// it keeps, so the allocation is reused from one document to the next.
#[derive(Clone)]
struct ScriptTokenizer {
    mode: Mode,
    // Borrows ICU's compiled-in data, so it is `Copy` and cheap to clone per indexing thread.
    segmenter: WordSegmenterBorrowed<'static>,
    tokens: Vec<Token>,
}

impl ScriptTokenizer {
    fn new(mode: Mode) -> Self {
        Self {
            mode,
            segmenter: WordSegmenter::new_dictionary(Default::default()),
            tokens: Vec::new(),
        }
    }

    fn tokenize(&mut self, text: &str) {
        self.tokens.clear();
        for (script, range) in script_runs(text) {
            match (self.mode, script) {
                (Mode::Words, Script::Word) => {
                    // Drop the combining marks so `cafe` + U+0301 indexes like `café` → `cafe`.
                    let folded = text[range.clone()]
                        .chars()
                        .filter(|&c| !is_mark(c))
                        .collect();
                    self.push(range, folded);
                }
                (Mode::Words, Script::Hangul) => self.push(range.clone(), text[range].into()),
                (Mode::Words, _) => self.push_segments(text, range),
                (Mode::Grams, Script::Word) => {}
                (Mode::Grams, _) => self.push_bigrams(text, range),
            }
        }
    }

    fn push(&mut self, range: Range<usize>, text: String) {
        self.tokens.push(Token {
            offset_from: range.start,
            offset_to: range.end,
            position: self.tokens.len(),
            text,
            position_length: 1,
        });
    }

    /// ICU word segments of one Thai-family run; spaces and punctuation segments are skipped.
    fn push_segments(&mut self, text: &str, range: Range<usize>) {
        let run = &text[range.clone()];
        let mut from = 0;
        for (to, kind) in self.segmenter.segment_str(run).iter_with_word_type() {
            if to > from && kind.is_word_like() {
                let span = range.start + from..range.start + to;
                self.push(span, run[from..to].into());
            }
            from = to;
        }
    }

    /// Overlapping bigrams by `char`; a one-character run yields that character.
    fn push_bigrams(&mut self, text: &str, range: Range<usize>) {
        let end = range.end;
        let mut bounds = text[range.clone()]
            .char_indices()
            .map(|(i, _)| range.start + i)
            .chain(std::iter::once(end));
        let (Some(mut a), Some(mut b)) = (bounds.next(), bounds.next()) else {
            return;
        };
        if b == end {
            self.push(a..b, text[a..b].into());
            return;
        }
        for c in bounds {
            self.push(a..c, text[a..c].into());
            (a, b) = (b, c);
        }
    }
}

impl Tokenizer for ScriptTokenizer {
    type TokenStream<'a> = ScriptTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ScriptTokenStream<'a> {
        self.tokenize(text);
        ScriptTokenStream {
            tokens: self.tokens.drain(..),
            current: Token::default(),
        }
    }
}

struct ScriptTokenStream<'a> {
    tokens: Drain<'a, Token>,
    current: Token,
}

impl TokenStream for ScriptTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.tokens.next().map(|t| self.current = t).is_some()
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
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

    /// Runs an analyzer and checks the invariants every token stream must keep.
    fn run(mut analyzer: TextAnalyzer, text: &str) -> Vec<Token> {
        let mut stream = analyzer.token_stream(text);
        let mut tokens = Vec::new();
        while let Some(token) = stream.next() {
            tokens.push(token.clone());
        }
        for (i, t) in tokens.iter().enumerate() {
            assert_eq!(t.position, i, "positions are consecutive in {text:?}");
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
    }

    #[test]
    fn gram_phrase_queries_find_substrings_only() {
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING | STORED);
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(GRAM_ANALYZER)
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
