//! Printing: JSON for scripts, aligned text for people.

use serde::Serialize;

use crate::error::{Error, Result};

pub fn json<T: Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::invalid(format!("cannot encode the output as JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

/// Marks highlighted byte ranges of `text` with `[` `]`, for plain-text output.
pub fn mark(text: &str, highlights: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len() + highlights.len() * 2);
    let mut at = 0;
    for &(start, end) in highlights {
        if start < at
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push('[');
        out.push_str(&text[start..end]);
        out.push(']');
        at = end;
    }
    out.push_str(&text[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn highlights_are_bracketed_and_whitespace_folded() {
        assert_eq!(
            super::mark("check the\n timber logs", &[(11, 17)]),
            "check the [timber] logs"
        );
    }
}
