//! Printing: JSON for scripts, aligned text for people.
//!
//! Every line goes through [`line`] (the [`say!`] macro), which returns write errors instead of
//! panicking as `println!` does: a full disk becomes an error that says so, and a reader that
//! closed the pipe early (`outpost list | head -1`) ends the command quietly (see
//! [`is_closed_pipe`]). Text that came from other nodes or files can hold terminal escapes, so
//! [`line`] shows every control character as `\u{1b}` rather than sending it to the terminal.
//!
//! On a terminal each line shows as it is written. Into a pipe or a file, output is buffered
//! whole (64 KiB at a time), as C's standard output is: a search's forty lines were forty
//! writes, each waking the reader on the other end. [`flush`] sends what is left; the command
//! line calls it once a command ends, also when it failed.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{BufWriter, IsTerminal, Stdout, Write as _};
use std::sync::{LazyLock, Mutex, PoisonError};

use serde::Serialize;

use crate::error::{Error, Result};

/// Prints one line (`format!` arguments) through [`line`]; evaluates to its `Result`.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::output::line(&format!($($arg)*))
    };
}
pub(crate) use say;

/// Writes `text` and a newline to standard output, control characters escaped (newlines and
/// tabs kept, since they are the layout).
pub fn line(text: &str) -> Result<()> {
    write_out(&[escape(text, true).as_bytes(), b"\n"])
}

/// Standard output's whole buffer when it is not a terminal (`None` on a terminal).
static PIPED: LazyLock<Option<Mutex<BufWriter<Stdout>>>> = LazyLock::new(|| {
    let stdout = std::io::stdout();
    (!stdout.is_terminal()).then(|| Mutex::new(BufWriter::with_capacity(64 * 1024, stdout)))
});

fn write_out(parts: &[&[u8]]) -> Result<()> {
    let written = match &*PIPED {
        Some(buffer) => {
            let mut out = buffer.lock().unwrap_or_else(PoisonError::into_inner);
            parts.iter().try_for_each(|part| out.write_all(part))
        }
        None => {
            let mut out = std::io::stdout().lock();
            parts.iter().try_for_each(|part| out.write_all(part))
        }
    };
    written.map_err(write_error)
}

/// Sends what standard output still buffers: it can fail to write too.
pub fn flush() -> Result<()> {
    if let Some(buffer) = &*PIPED {
        buffer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .flush()
            .map_err(write_error)?;
    }
    std::io::stdout().flush().map_err(write_error)
}

pub fn json<T: Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::invalid(format!("cannot encode the output as JSON: {e}")))?;
    // serde_json escapes C0 controls but passes DEL and the C1 block (U+009B is a CSI in some
    // terminals) through; they can only occur inside strings, where `\u00XX` is valid JSON.
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) {
            let _ = write!(escaped, "\\u{:04x}", u32::from(c));
        } else {
            escaped.push(c);
        }
    }
    write_out(&[escaped.as_bytes(), b"\n"])
}

fn write_error(e: std::io::Error) -> Error {
    Error::io("cannot write the output", e)
}

/// Whether `error` is the reader of standard output having gone away: not a failure of the
/// command, so it ends quietly with status 0, as `rg` does.
pub fn is_closed_pipe(error: &Error) -> bool {
    matches!(error, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

/// One field of a one-line row (a title in `list`, an office name): like [`line`], and
/// newlines and tabs escaped too, so a field cannot forge a row of its own.
pub fn field(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Shows control characters and bidirectional overrides as `\u{…}`; keeps the layout — `\n`,
/// `\t` and the `\r` of a CRLF line end — when `layout` is true. A lone `\r` is shown, since
/// it lets text print over what came before it on the line.
pub fn escape(text: &str, layout: bool) -> Cow<'_, str> {
    let mut chars = text.char_indices().peekable();
    let mut escaped: Option<String> = None;
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if hidden(c, next, layout) {
            let out = escaped.get_or_insert_with(|| {
                let mut out = String::with_capacity(text.len() + 8);
                out.push_str(&text[..at]);
                out
            });
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else if let Some(out) = &mut escaped {
            out.push(c);
        }
    }
    escaped.map_or(Cow::Borrowed(text), Cow::Owned)
}

fn hidden(c: char, next: Option<char>, layout: bool) -> bool {
    let kept = layout && (c == '\n' || c == '\t' || (c == '\r' && next == Some('\n')));
    let bidi = ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c);
    !kept && (c.is_control() || bidi)
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
    use super::*;

    #[test]
    fn highlights_are_bracketed_and_whitespace_folded() {
        assert_eq!(
            super::mark("check the\n timber logs", &[(11, 17)]),
            "check the [timber] logs"
        );
    }

    #[test]
    fn terminal_escapes_are_shown_not_sent() {
        assert_eq!(
            escape("a\u{1b}[2Jb\u{7}\r\u{9b}c\u{202e}d", true),
            "a\\u{1b}[2Jb\\u{7}\\u{d}\\u{9b}c\\u{202e}d"
        );
        assert_eq!(escape("line\n\tnext ไม้ 세관", true), "line\n\tnext ไม้ 세관");
        assert_eq!(
            escape("crlf\r\nover\rwrite", true),
            "crlf\r\nover\\u{d}write"
        );
        assert!(matches!(escape("plain", true), Cow::Borrowed(_)));
        assert_eq!(field("two\nrows\there"), "two\\u{a}rows\\u{9}here");
    }
}
