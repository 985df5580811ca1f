//! The command line: one function per command over `&Replica`. Prints text, or JSON with
//! `--json`. Errors go to stderr with a message that says what to do; nothing here holds
//! business rules.

mod args;
mod articles;
mod attach;
mod audit;
mod backup;
mod community;
mod evaluation;
mod export_html;
mod freshness;
mod glossary;
mod market;
mod mileage;
mod node;
mod output;
mod people;
mod reference;
mod signin;
mod stats;
mod sync;

use std::io::IsTerminal;

pub use args::{Cli, Command};

use crate::core::{DataDir, Replica};
use crate::error::{Error, Result};
use crate::markdown;
use crate::tui::i18n::UiLang;
use output::say;

/// Runs the command line; returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse_noting_user();
    // A write that waits for another Outpost process (the interface, another command) says so.
    crate::core::set_wait_notice(complain);
    let outcome = without_panics(|| dispatch(cli));
    // What a command printed leaves now, also when it then failed: the lines before an error
    // are part of its report.
    let flushed = output::flush();
    let outcome = outcome.map(|result| result.and_then(|code| flushed.map(|()| code)));
    match outcome {
        Ok(Ok(code)) => code,
        Ok(Err(e)) if output::is_closed_pipe(&e) => 0,
        Ok(Err(e)) => {
            complain(&format!("error: {e}"));
            1
        }
        Err(what) => {
            complain(&format!(
                "error: Outpost stopped on data it could not read ({what}). Run `outpost check` to see what is damaged: `outpost reindex` rebuilds a damaged search index; a damaged store needs a backup restored, or HQ to enrol this post again"
            ));
            1
        }
    }
}

/// Runs `work`, turning a panic — a dependency meeting damaged data, e.g. redb on a page whose
/// bytes were flipped — into an error: no input makes Outpost crash with a backtrace. The
/// panic's message is kept for the error; nothing is printed when it happens.
fn without_panics<T>(work: impl FnOnce() -> T) -> std::result::Result<T, String> {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Option<String>>> = Arc::default();
    let hook_seen = Arc::clone(&seen);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an unexpected state".into());
        if let Ok(mut slot) = hook_seen.lock() {
            *slot = Some(message);
        }
    }));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    std::panic::set_hook(previous);
    outcome.map_err(|_| {
        seen.lock()
            .ok()
            .and_then(|mut slot| slot.take())
            .unwrap_or_else(|| "an unexpected state".into())
    })
}

/// Writes to standard error without panicking if it is closed or full (there is nowhere left
/// to report that), with terminal escapes from the message's data shown, not sent.
fn complain(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{}", output::escape(message, true));
}

fn dispatch(cli: Cli) -> Result<i32> {
    let dir = DataDir::resolve(cli.data_dir.clone())?;
    let Some(command) = cli.command else {
        return open_tui(&dir, cli.user.as_deref(), cli.lang);
    };
    match command {
        Command::Init(a) => node::init(&dir, a),
        // Restore runs on a node that may be damaged, or not there yet: it opens nothing first.
        Command::Restore {
            file,
            as_new_node,
            json,
        } => backup::restore(&dir, &file, as_new_node, json),
        Command::Reindex => {
            // A damaged index may not even open: it is thrown away and built anew from the
            // store, which opening the node then does (with a progress bar on a terminal).
            let started = std::time::Instant::now();
            Replica::discard_index(&dir)?;
            signin::sign_in(&dir, open(&dir)?, cli.user.as_deref())?;
            say!("Reindexed in {:.2} s", started.elapsed().as_secs_f64())?;
            Ok(0)
        }
        other => {
            let replica = if other.reads_only() {
                let mut replica = Replica::open_read_only_with_progress(
                    &dir,
                    &mut progress_bar("rebuilding the search index", 1_000),
                )?;
                replica.pin_snapshot()?;
                replica
            } else {
                open(&dir)?
            };
            // `audit --user` names whose ops to list: who runs it is OUTPOST_USER.
            let login = if cli.user_typed && matches!(other, Command::Audit { .. }) {
                std::env::var("OUTPOST_USER").ok()
            } else {
                cli.user.clone()
            };
            let (mut replica, user) = signin::sign_in(&dir, replica, login.as_deref())?;
            if let Command::Audit {
                article,
                since,
                json,
            } = other
            {
                node::read_as(&mut replica, user.as_deref());
                let by = cli.user.filter(|_| cli.user_typed);
                return audit::audit(&replica, article, by, since.as_deref(), json);
            }
            let code = node::run(&mut replica, user.as_deref(), other);
            if replica.is_read_only() {
                // The process ends next: the kernel unmaps the index's files and takes back the
                // memory at once, where dropping the handle would do it piece by piece. A
                // read-only handle holds nothing unwritten.
                std::mem::forget(replica);
            }
            code
        }
    }
}

/// Opens a node, showing a progress bar on a terminal when the index must be rebuilt.
pub(crate) fn open(dir: &DataDir) -> Result<Replica> {
    Replica::open_with_progress(dir, &mut progress_bar("rebuilding the search index", 1_000))
}

/// A progress callback that draws a bar on a terminal for work of at least `min` steps.
pub(crate) fn progress_bar(message: &'static str, min: u64) -> impl FnMut(u64, u64) {
    let mut bar: Option<indicatif::ProgressBar> = None;
    let terminal = std::io::stderr().is_terminal();
    move |done, total| {
        if !terminal || total < min {
            return;
        }
        let b = bar.get_or_insert_with(|| {
            let b = indicatif::ProgressBar::new(total);
            b.set_message(message);
            b
        });
        b.set_position(done);
        if done >= total {
            b.finish_and_clear();
        }
    }
}

fn open_tui(dir: &DataDir, user: Option<&str>, lang: Option<UiLang>) -> Result<i32> {
    if !std::io::stdout().is_terminal() {
        complain(
            "outpost: no terminal here, so the interactive interface cannot start.\n\
             Run a command instead, e.g. `outpost search timber` (see `outpost --help`).",
        );
        return Ok(2);
    }
    let mut replica = if dir.is_initialized() {
        open(dir)?
    } else {
        complain(&format!(
            "No knowledge base in {} yet: creating a demo one…",
            dir.path().display()
        ));
        node::create_demo(dir)?
    };
    // Without an account (several, and none named) the interface still reads; saving says why
    // not. A node that asks for sign-in opens on the sign-in screen.
    let user = replica.resolve_user(user).ok();
    crate::tui::run(&mut replica, user, lang)?;
    Ok(0)
}

/// Reads an article body from a file, or from standard input for `-`: at most
/// [`markdown::MAX_BODY`] bytes and one more to notice, never the whole of a huge stream.
pub(crate) fn read_body(source: &str) -> Result<String> {
    let bytes = if source == "-" {
        markdown::read_at_most(std::io::stdin().lock(), markdown::MAX_BODY)
            .map_err(|e| Error::io("cannot read the body from standard input", e))?
    } else {
        std::fs::File::open(source)
            .and_then(|file| markdown::read_at_most(file, markdown::MAX_BODY))
            .map_err(|e| Error::io(format!("cannot read {source}"), e))?
    };
    if bytes.len() > markdown::MAX_BODY {
        return Err(Error::invalid(markdown::body_too_large(bytes.len())));
    }
    String::from_utf8(bytes)
        .map_err(|_| Error::invalid("the body is not UTF-8 text; save it as UTF-8 and try again"))
}
