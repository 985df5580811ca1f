//! `outpost questions --search`: the Market's list filtered by words of the title, the body, the
//! answers and the HS codes, run through the search index's own analyzer (Thai segmented, Latin
//! folded and stemmed), every word required. It scans the questions; `outpost search` finds them
//! through the tantivy index instead, ranked with the articles (`search/questions.rs`).

use std::collections::BTreeSet;

use super::Replica;
use super::questions::QuestionSummary;
use crate::error::{Error, Result};
use crate::model::User;
use crate::model::market::QuestionRecord;
use crate::search::analyzer::{Analyzer, tokens};

fn words(text: &str) -> BTreeSet<String> {
    tokens(Analyzer::Stem, text)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

/// How well `q` matches every word of `wanted` (title words count double); `None` when a word
/// is missing. A digit word also matches as an HS code prefix (`2915` finds `2915.21`).
fn score(q: &QuestionRecord, wanted: &BTreeSet<String>) -> Option<usize> {
    let title = words(&q.title);
    let mut text = q.body.clone();
    for a in &q.answers {
        text.push('\n');
        text.push_str(&a.body);
    }
    let body = words(&text);
    let codes: Vec<String> = q
        .hs_codes
        .iter()
        .flat_map(|c| c.prefixes().map(str::to_string))
        .collect();
    let mut total = 0;
    for w in wanted {
        let digits: String = w.chars().filter(char::is_ascii_digit).collect();
        let in_code = !digits.is_empty() && codes.contains(&digits);
        let hit = 2 * usize::from(title.contains(w)) + usize::from(body.contains(w) || in_code);
        if hit == 0 {
            return None;
        }
        total += hit;
    }
    Some(total)
}

impl Replica {
    /// The questions `user` may read whose words hold every word of `text`, best first (then
    /// urgent, then newest).
    pub fn search_questions(&self, user: &User, text: &str) -> Result<Vec<QuestionSummary>> {
        let wanted = words(text);
        if wanted.is_empty() {
            return Err(Error::invalid(
                "give words to look for, e.g. `outpost questions --search solvent`",
            ));
        }
        let mut found = Vec::new();
        for q in self.question_records()? {
            if q.classification > user.clearance {
                continue;
            }
            if let Some(s) = score(&q, &wanted) {
                found.push((s, q.urgent, q.hlc, self.summary(&q)?));
            }
        }
        found.sort_by_key(|f| std::cmp::Reverse((f.0, f.1, f.2)));
        Ok(found.into_iter().map(|(.., s)| s).collect())
    }
}
