//! Typo tolerance: which indexed words a misspelt query word may have meant.
//!
//! A word of five to eight letters is corrected to the indexed words one edit away (a letter
//! deleted, inserted, replaced, or two neighbours swapped), longer words to those two edits away.
//! One edit away, the neighbours of a word are few enough (about 400 for seven letters) to look
//! up one by one in the term dictionary, a few hundred nanoseconds each; walking the dictionary
//! with a Levenshtein automaton visits every branch an edit could take, and cost a millisecond at
//! 100,000 articles. Two edits away the neighbours run to tens of thousands: there the automaton
//! walk is used.

use std::collections::BTreeSet;

/// Letters and digits an edit may insert or put in place of another: the index's Latin words
/// are lower-cased and ASCII-folded.
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Every string one edit from `word` (Damerau–Levenshtein with adjacent swaps), `word` itself
/// excluded; `None` unless `word` is ASCII (the alphabet above is the index's).
pub fn one_edit_away(word: &str) -> Option<BTreeSet<String>> {
    if !word.is_ascii() {
        return None;
    }
    let bytes = word.as_bytes();
    let mut out = BTreeSet::new();
    let mut push = |candidate: Vec<u8>| {
        // Only ASCII bytes are ever spliced in, so the result is valid UTF-8.
        if let Ok(text) = String::from_utf8(candidate) {
            out.insert(text);
        }
    };
    for i in 0..=bytes.len() {
        for &c in ALPHABET {
            push([&bytes[..i], &[c], &bytes[i..]].concat());
        }
        if i < bytes.len() {
            push([&bytes[..i], &bytes[i + 1..]].concat());
            for &c in ALPHABET.iter().filter(|&&c| c != bytes[i]) {
                push([&bytes[..i], &[c], &bytes[i + 1..]].concat());
            }
        }
        if i + 1 < bytes.len() && bytes[i] != bytes[i + 1] {
            let mut swapped = bytes.to_vec();
            swapped.swap(i, i + 1);
            push(swapped);
        }
    }
    out.remove(word);
    Some(out)
}

/// Levenshtein distance by characters.
pub fn edit_distance(a: &str, b: &str) -> u32 {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<u32> = (0..=b.len() as u32).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i as u32 + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + u32::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("valuaton", "valuation"), 1);
        assert_eq!(edit_distance("ศุลกากร", "ศุลกากา"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn one_edit_away_holds_each_kind_of_edit() {
        let near = one_edit_away("netwrok").expect("ascii");
        for meant in ["network", "netwok", "netwroks", "betwrok", "netwr0k"] {
            assert!(near.contains(meant), "{meant}");
        }
        assert!(!near.contains("netwrok"));
        assert!(!near.contains("nework"), "two edits away");
        // 7 deletions, 8 × 36 insertions, 7 × 35 replacements, 6 swaps, less duplicates.
        assert!(near.len() < 7 + 8 * 36 + 7 * 35 + 6);
        assert!(one_edit_away("café").is_none());
    }

    proptest! {
        #[test]
        fn every_neighbour_is_one_edit_or_one_swap_away(word in "[a-z]{1,9}") {
            let near = one_edit_away(&word).expect("ascii");
            for candidate in &near {
                let d = edit_distance(&word, candidate);
                // A swap of two neighbours is two Levenshtein edits.
                prop_assert!(d == 1 || (d == 2 && candidate.len() == word.len()), "{candidate}");
            }
        }

        #[test]
        fn every_word_one_edit_away_is_a_neighbour(word in "[a-z]{2,8}", other in "[a-z0-9]{1,9}") {
            if edit_distance(&word, &other) == 1 {
                prop_assert!(one_edit_away(&word).expect("ascii").contains(&other));
            }
        }
    }
}
