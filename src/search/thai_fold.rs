//! Thai spelling variants: a folded form of Thai text, indexed as character bigrams beside the
//! text (`outpost_thai_folded`), so that a query finds the spellings of a loanword that differ
//! from it only in what folding removes.
//!
//! Thai writes loanwords several ways: `ซอฟต์แวร์` (the Royal Institute) and `ซอฟแวร์`,
//! `อินเทอร์เน็ต` and `อินเตอร์เน็ต`, `แอปพลิเคชัน` and `แอพพลิเคชั่น`. Folding
//! - drops a letter silenced by the karan (`์`) together with the karan and any vowel sign on
//!   the letter (`ต์`, `ร์`, `ธุ์`): whether a silent letter is written varies, and it is never
//!   heard;
//! - drops the mai ek, the mai tri, the mai chattawa and the mai taikhu (`่ ๊ ๋ ็`), which
//!   loanwords carry or not; the mai tho (`้`) stays, since native words differ by it;
//! - writes `ท` and `ธ` as `ต`, `พ` as `ป` and `ค` as `ก`: the letters foreign t, p and k are
//!   spelt with (`อิเล็กทรอนิกส์` / `อิเล็คทรอนิคส์`).
//!
//! Bigrams of the folded text are used rather than folded words because the word segmenter
//! cuts a variant it does not know differently from the spelling its dictionary holds
//! (`ซอฟแวร์` is not one word to it): a folded query's bigrams, as a phrase, match wherever its
//! folded form is part of the folded text, however either was segmented.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Folded text shorter than this (in characters) is not searched: two letters are part of too
/// many unrelated words (`ไฟล์` folds to `ไฟ`, which every `ไฟฟ้า` holds).
pub const MIN_FOLDED_CHARS: usize = 3;

const KARAN: char = '\u{0E4C}';

fn is_thai(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E3A}' | '\u{0E40}'..='\u{0E4E}' | '\u{0E50}'..='\u{0E59}')
}

fn is_consonant(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E2E}')
}

/// Vowel signs above and below a consonant, and the marks written over them.
fn is_combining(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// The marks folding drops: the mai taikhu, the mai ek and the two tone marks that are almost
/// only written in loanwords (mai tri, mai chattawa). The mai tho stays: native words differ by
/// it from words with a mai ek or none (`ด้าน` / `ด่าน`, `ไม้` / `ไม่`), and loanwords rarely
/// vary in it.
fn is_tone(c: char) -> bool {
    matches!(c, '\u{0E47}' | '\u{0E48}' | '\u{0E4A}' | '\u{0E4B}')
}

/// Appends the folded form of one Thai character run `run` to `out` (see the module docs).
pub fn fold_into(run: &str, out: &mut String) {
    let start = out.len();
    for c in run.chars() {
        if c == KARAN {
            // The silenced letter and the signs on it go with the karan.
            while out.len() > start && out.ends_with(is_combining) {
                out.pop();
            }
            if out.len() > start && out.ends_with(is_consonant) {
                out.pop();
            }
            continue;
        }
        if is_tone(c) {
            continue;
        }
        out.push(match c {
            'ท' | 'ธ' => 'ต',
            'พ' => 'ป',
            'ค' => 'ก',
            c => c,
        });
    }
}

/// The folded form of `text`'s Thai letters, runs of other characters left out and each Thai
/// run ended by a space.
pub fn fold(text: &str) -> String {
    let mut out = String::new();
    each_thai_run(text, |run| {
        fold_into(run, &mut out);
        out.push(' ');
    });
    out
}

/// Calls `each` with every maximal run of Thai characters in `text`.
fn each_thai_run(text: &str, mut each: impl FnMut(&str)) {
    let mut open: Option<usize> = None;
    for (at, c) in text.char_indices() {
        match (open, is_thai(c)) {
            (None, true) => open = Some(at),
            (Some(from), false) => {
                each(&text[from..at]);
                open = None;
            }
            _ => {}
        }
    }
    if let Some(from) = open {
        each(&text[from..]);
    }
}

/// Bigrams of the folded Thai runs of the text, each run [`super::analyzer::RUN_GAP`]
/// positions after the last (as `outpost_grams` does). Offsets are the whole run's: folded
/// bigrams are searched, never highlighted.
#[derive(Clone, Default)]
pub struct FoldedGrams {
    /// Each token: its text's range in `folded`, and the byte range of its run in the text.
    tokens: Vec<(std::ops::Range<usize>, std::ops::Range<usize>, usize)>,
    folded: String,
}

impl FoldedGrams {
    fn tokenize(&mut self, text: &str) {
        self.tokens.clear();
        self.folded.clear();
        if text.is_ascii() {
            return;
        }
        let base = text.as_ptr() as usize;
        let (tokens, folded) = (&mut self.tokens, &mut self.folded);
        let mut position = 0;
        each_thai_run(text, |run| {
            let from = run.as_ptr() as usize - base;
            let source = from..from + run.len();
            let start = folded.len();
            fold_into(run, folded);
            let bounds: Vec<usize> = folded[start..]
                .char_indices()
                .map(|(i, _)| start + i)
                .chain(std::iter::once(folded.len()))
                .collect();
            if bounds.len() < 2 {
                return;
            }
            position += super::analyzer::RUN_GAP;
            if bounds.len() == 2 {
                tokens.push((bounds[0]..bounds[1], source, position));
                position += 1;
                return;
            }
            for pair in bounds.windows(3) {
                tokens.push((pair[0]..pair[2], source.clone(), position));
                position += 1;
            }
        });
    }
}

impl Tokenizer for FoldedGrams {
    type TokenStream<'a> = FoldedGramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FoldedGramStream<'a> {
        self.tokenize(text);
        FoldedGramStream {
            grams: self,
            next: 0,
            token: Token::default(),
        }
    }
}

pub struct FoldedGramStream<'a> {
    grams: &'a FoldedGrams,
    next: usize,
    token: Token,
}

impl TokenStream for FoldedGramStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((text, source, position)) = self.grams.tokens.get(self.next) else {
            return false;
        };
        self.next += 1;
        let t = &mut self.token;
        t.text.clear();
        t.text.push_str(&self.grams.folded[text.clone()]);
        t.offset_from = source.start;
        t.offset_to = source.end;
        t.position = *position;
        t.position_length = 1;
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
    use super::*;

    fn folded(text: &str) -> String {
        fold(text).trim_end().to_string()
    }

    #[test]
    fn the_spellings_of_a_loanword_fold_alike() {
        for (a, b) in [
            ("ซอฟต์แวร์", "ซอฟแวร์"),
            ("อินเทอร์เน็ต", "อินเตอร์เน็ต"),
            ("แอปพลิเคชัน", "แอพพลิเคชั่น"),
            ("เซิร์ฟเวอร์", "เซิฟเวอร์"),
        ] {
            assert_eq!(folded(a), folded(b), "{a} / {b}");
        }
    }

    #[test]
    fn different_words_stay_different() {
        assert_ne!(folded("ภาษี"), folded("ภาษา"));
        assert_ne!(folded("พิกัด"), folded("พิการ"));
        assert_ne!(folded("ด่าน"), folded("ด้าน"));
        assert_ne!(folded("ไม่"), folded("ไม้"));
        assert_eq!(folded("customs ภาษี 12"), "ภาษี");
    }

    #[test]
    fn a_karan_takes_its_letter_and_the_vowel_on_it() {
        assert_eq!(folded("พันธุ์"), "ปัน");
        assert_eq!(folded("อิเล็กทรอนิกส์"), folded("อิเล็คทรอนิคส์"));
        assert_eq!(folded("์"), "");
        assert_eq!(folded("ก์ข"), "ข");
    }

    #[test]
    fn bigrams_of_each_run_start_two_positions_on() {
        let mut grams = FoldedGrams::default();
        let mut stream = grams.token_stream("ซอฟต์แวร์ and ภาษี");
        let mut got = Vec::new();
        while stream.advance() {
            let t = stream.token();
            got.push((t.text.clone(), t.position));
        }
        let expected: Vec<(String, usize)> = [
            ("ซอ", 2),
            ("อฟ", 3),
            ("ฟแ", 4),
            ("แว", 5),
            ("ภา", 8),
            ("าษ", 9),
            ("ษี", 10),
        ]
        .iter()
        .map(|(t, p)| (t.to_string(), *p))
        .collect();
        assert_eq!(got, expected);
    }
}
