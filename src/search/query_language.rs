//! The query language officers type:
//!
//! - plain words: all must match (ranked);
//! - `"quoted phrases"`: the words in this order;
//! - `a OR b`: either;
//! - `-word`, `-"a phrase"`: must not match;
//! - filters `category:` (sub-groups included), `hs:` (prefix), `tag:`, `lang:`, `kind:`,
//!   `status:`, `office:`; a value with spaces is quoted (`office:"chiang khong"`).
//!
//! Parsing never fails: an unknown `key:value` is searched as text, an unclosed quote runs to the
//! end. Values of filters are checked later, where the error can name what is valid.

/// One thing to match: a word or a phrase as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    Word(String),
    Phrase(String),
}

impl Term {
    pub fn text(&self) -> &str {
        match self {
            Term::Word(t) | Term::Phrase(t) => t,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub category: Option<String>,
    pub hs: Option<String>,
    pub tag: Option<String>,
    pub lang: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub office: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Every group must match; a group matches when any of its terms does (`a OR b`).
    pub groups: Vec<Vec<Term>>,
    pub excluded: Vec<Term>,
    pub filters: Filters,
    /// The last word is still being typed (no space after it): match it as a prefix too.
    pub open_last_word: bool,
}

impl ParsedQuery {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

enum Token {
    Term(Term),
    Not(Term),
    Or,
}

pub fn parse(input: &str) -> ParsedQuery {
    let mut query = ParsedQuery::default();
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    let mut last_was_plain_word = false;
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            last_was_plain_word = false;
            continue;
        }
        let negated = c == '-';
        if negated {
            chars.next();
        }
        // Read one token: a quoted phrase, or a run up to whitespace (with a quoted value after `:`).
        let mut raw = String::new();
        let mut quoted = false;
        let mut in_quotes = false;
        while let Some(&(_, c)) = chars.peek() {
            if c == '"' {
                chars.next();
                in_quotes = !in_quotes;
                quoted = true;
                continue;
            }
            if c.is_whitespace() && !in_quotes {
                break;
            }
            raw.push(c);
            chars.next();
        }
        let _ = start;
        if raw.is_empty() {
            continue;
        }
        if !negated && !quoted && raw == "OR" {
            tokens.push(Token::Or);
            last_was_plain_word = false;
            continue;
        }
        if !negated
            && let Some((key, value)) = raw.split_once(':')
            && set_filter(&mut query.filters, key, value)
        {
            last_was_plain_word = false;
            continue;
        }
        let is_phrase = quoted && !raw.contains(':');
        let term = if is_phrase {
            Term::Phrase(raw)
        } else {
            Term::Word(raw)
        };
        last_was_plain_word = !negated && !is_phrase;
        tokens.push(if negated {
            Token::Not(term)
        } else {
            Token::Term(term)
        });
    }
    query.open_last_word = last_was_plain_word && !input.ends_with(char::is_whitespace);

    let mut join_next = false;
    for token in tokens {
        match token {
            Token::Or => join_next = !query.groups.is_empty(),
            Token::Not(term) => {
                query.excluded.push(term);
                join_next = false;
            }
            Token::Term(term) => {
                match query.groups.last_mut() {
                    Some(group) if join_next => group.push(term),
                    _ => query.groups.push(vec![term]),
                }
                join_next = false;
            }
        }
    }
    query
}

fn set_filter(filters: &mut Filters, key: &str, value: &str) -> bool {
    let slot = match key.to_ascii_lowercase().as_str() {
        "category" | "cat" => &mut filters.category,
        "hs" => &mut filters.hs,
        "tag" => &mut filters.tag,
        "lang" => &mut filters.lang,
        "kind" => &mut filters.kind,
        "status" => &mut filters.status,
        "office" => &mut filters.office,
        _ => return false,
    };
    if value.is_empty() {
        return false;
    }
    *slot = Some(value.trim().to_string());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(groups: &[Vec<Term>]) -> Vec<Vec<&str>> {
        groups
            .iter()
            .map(|g| g.iter().map(Term::text).collect())
            .collect()
    }

    #[test]
    fn plain_words_are_all_required() {
        let q = parse("timber  inspection ");
        assert_eq!(words(&q.groups), [vec!["timber"], vec!["inspection"]]);
        assert!(!q.open_last_word);
        assert!(parse("timber insp").open_last_word);
    }

    #[test]
    fn phrases_or_and_exclusions() {
        let q = parse(r#""container seal" OR bolt -diesel -"free zone" ศุลกากร"#);
        assert_eq!(
            q.groups[0],
            vec![
                Term::Phrase("container seal".into()),
                Term::Word("bolt".into())
            ]
        );
        assert_eq!(q.groups[1], vec![Term::Word("ศุลกากร".into())]);
        assert_eq!(
            q.excluded,
            vec![
                Term::Word("diesel".into()),
                Term::Phrase("free zone".into())
            ]
        );
        assert!(q.open_last_word);
    }

    #[test]
    fn filters_are_taken_out_of_the_text() {
        let q = parse(
            r#"seal category:clearance hs:8309 tag:bolt lang:en kind:procedure status:published office:"chiang khong""#,
        );
        assert_eq!(words(&q.groups), [vec!["seal"]]);
        let f = &q.filters;
        assert_eq!(f.category.as_deref(), Some("clearance"));
        assert_eq!(f.hs.as_deref(), Some("8309"));
        assert_eq!(f.tag.as_deref(), Some("bolt"));
        assert_eq!(f.office.as_deref(), Some("chiang khong"));
        assert!(!q.open_last_word, "a filter is not a word being typed");
    }

    #[test]
    fn odd_input_never_fails() {
        for input in [
            "",
            "OR",
            "-",
            "\"",
            "a OR",
            "OR b",
            "::",
            "http://x",
            "-\"\"",
            "category:",
        ] {
            let _ = parse(input);
        }
        assert_eq!(words(&parse("OR b").groups), [vec!["b"]]);
        assert_eq!(words(&parse("http://x").groups), [vec!["http://x"]]);
    }
}
