//! The terminal face, and the only code that touches crossterm. It owns the terminal (raw mode
//! and alternate screen, restored on exit, on error and — through ratatui's hook — on panic) and
//! runs a synchronous loop: an input thread sends `Msg`s over a channel; the loop feeds them to
//! `update`, performs the `Effect`s it returns against the Replica, feeds the results back as
//! `Msg`s, and draws once nothing is left to do.
//!
//! The submodules are plain data and pure functions: `state` (what is shown), `update` (the state
//! machine), `view` (drawing), `keymap` (keys to named actions), `input` (the search box editor)
//! and `wrap` (line wrapping by display width).

pub mod input;
pub mod keymap;
pub mod state;
pub mod update;
pub mod view;
pub mod wrap;

use std::io;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use crossterm::event::{self, Event, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::DefaultTerminal;

use self::keymap::{Key, KeyCode};
use self::state::{ResultRow, State};
use self::update::{Effect, Msg, update};
use crate::core::{ArticleFilter, Replica};
use crate::error::{Error, Result};
use crate::model::Author;
use crate::search::SearchRequest;

/// How many results a search shows: more than a screen, few enough to stay instant.
const RESULT_LIMIT: usize = 50;
/// How often the input thread checks whether the loop has finished.
const INPUT_POLL: Duration = Duration::from_millis(100);

/// Runs the interface until the user quits. `viewer` decides which drafts are visible.
pub fn run(replica: &mut Replica, viewer: Option<Author>) -> Result<()> {
    // `try_init` also installs the panic hook that restores the terminal: the one place for it.
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(e) => {
            // Raw mode may be on even though the alternate screen failed.
            ratatui::restore();
            return Err(Error::io("terminal", e));
        }
    };
    let result = event_loop(&mut terminal, replica, viewer.as_ref());
    let restored = ratatui::try_restore().map_err(|e| Error::io("terminal", e));
    result.and(restored)
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    replica: &Replica,
    viewer: Option<&Author>,
) -> Result<()> {
    let size = terminal.size().map_err(|e| Error::io("terminal", e))?;
    let mut state = State::new(size.width, size.height);
    let (tx, rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let input = spawn_input(tx, Arc::clone(&stop));

    let result = (|| {
        let mut msgs = vec![Msg::Start];
        loop {
            let mut effects: Vec<Effect> = msgs
                .drain(..)
                .flat_map(|msg| update(&mut state, msg))
                .collect();
            // Effects can lead to more (results → load the first preview); settle them all.
            while !effects.is_empty() {
                let mut next = Vec::new();
                for effect in coalesce(effects) {
                    match perform(replica, viewer, effect) {
                        ControlFlow::Break(()) => return Ok(()),
                        ControlFlow::Continue(msg) => next.extend(update(&mut state, msg)),
                    }
                }
                effects = next;
            }
            terminal
                .draw(|frame| view::draw(frame, &state))
                .map_err(|e| Error::io("terminal", e))?;
            // Wait for input, then take everything already queued so that fast typing runs one
            // search for the whole burst rather than one per key.
            let first = rx.recv().map_err(|_| input_gone())?;
            msgs.push(first.map_err(|e| Error::io("terminal input", e))?);
            while let Ok(msg) = rx.try_recv() {
                msgs.push(msg.map_err(|e| Error::io("terminal input", e))?);
            }
        }
    })();

    // Stop the input thread before the terminal is restored, so it cannot swallow a key
    // typed into the shell afterwards.
    stop.store(true, Ordering::Relaxed);
    let _ = input.join();
    result
}

fn input_gone() -> Error {
    Error::io(
        "terminal input",
        io::Error::other("the input thread stopped"),
    )
}

/// Reads terminal events until `stop` is set or the loop hangs up. A read error is sent on and
/// ends the thread: without input the interface cannot go on.
fn spawn_input(tx: mpsc::Sender<io::Result<Msg>>, stop: Arc<AtomicBool>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            let event = match event::poll(INPUT_POLL) {
                Ok(false) => continue,
                Ok(true) => event::read(),
                Err(e) => Err(e),
            };
            let msg = match event {
                Ok(event) => match to_msg(event) {
                    Some(msg) => Ok(msg),
                    None => continue,
                },
                Err(e) => Err(e),
            };
            let failed = msg.is_err();
            if tx.send(msg).is_err() || failed {
                return;
            }
        }
    })
}

fn to_msg(event: Event) -> Option<Msg> {
    match event {
        // Windows reports releases too; a key counts once, when pressed (or repeated).
        Event::Key(key) if key.kind != KeyEventKind::Release => to_key(key).map(Msg::Key),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

fn to_key(key: KeyEvent) -> Option<Key> {
    use crossterm::event::KeyCode as C;
    let code = match key.code {
        C::Char(c) => KeyCode::Char(c),
        C::Enter => KeyCode::Enter,
        C::Esc => KeyCode::Esc,
        C::Backspace => KeyCode::Backspace,
        C::Delete => KeyCode::Delete,
        C::Tab => KeyCode::Tab,
        C::Up => KeyCode::Up,
        C::Down => KeyCode::Down,
        C::Left => KeyCode::Left,
        C::Right => KeyCode::Right,
        C::Home => KeyCode::Home,
        C::End => KeyCode::End,
        C::PageUp => KeyCode::PageUp,
        C::PageDown => KeyCode::PageDown,
        _ => return None,
    };
    Some(Key {
        code,
        ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
        alt: key.modifiers.contains(KeyModifiers::ALT),
    })
}

/// Drops searches and preview loads that a later one in the same batch makes pointless.
fn coalesce(effects: Vec<Effect>) -> Vec<Effect> {
    let last_search = effects
        .iter()
        .rposition(|e| matches!(e, Effect::Search { .. }));
    let last_preview = effects
        .iter()
        .rposition(|e| matches!(e, Effect::LoadPreview(_)));
    effects
        .into_iter()
        .enumerate()
        .filter(|(i, e)| match e {
            Effect::Search { .. } => Some(*i) == last_search,
            Effect::LoadPreview(_) => Some(*i) == last_preview,
            _ => true,
        })
        .map(|(_, e)| e)
        .collect()
}

/// Does the IO an effect asks for. Failures become a status-line message, never an exit.
fn perform(replica: &Replica, viewer: Option<&Author>, effect: Effect) -> ControlFlow<(), Msg> {
    let result = match effect {
        Effect::Quit => return ControlFlow::Break(()),
        Effect::Search { generation, text } => {
            fetch(replica, viewer, &text).map(|rows| Msg::Results { generation, rows })
        }
        Effect::LoadPreview(id) => replica.article(&id).map(|a| Msg::Preview(a.into())),
        Effect::OpenArticle(id) => replica.article(&id).map(|a| Msg::Opened(a.into())),
    };
    ControlFlow::Continue(result.unwrap_or_else(|e| Msg::Failed(e.to_string())))
}

/// The result list for `text`: a search, or with no text the most recently updated articles.
fn fetch(replica: &Replica, viewer: Option<&Author>, text: &str) -> Result<Vec<ResultRow>> {
    if text.trim().is_empty() {
        let filter = ArticleFilter {
            viewer: viewer.cloned(),
            ..Default::default()
        };
        let records = replica.list_articles(&filter)?;
        return Ok(records
            .into_iter()
            .take(RESULT_LIMIT)
            .map(ResultRow::from)
            .collect());
    }
    let request = SearchRequest {
        text: text.to_string(),
        limit: RESULT_LIMIT,
        viewer: viewer.cloned(),
        typing: true,
        ..Default::default()
    };
    Ok(replica
        .search(&request)?
        .into_iter()
        .map(ResultRow::from)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_typing_runs_one_search() {
        let search = |generation: u64| Effect::Search {
            generation,
            text: "x".repeat(generation as usize),
        };
        let effects = vec![
            search(1),
            Effect::LoadPreview("a".into()),
            search(2),
            Effect::LoadPreview("b".into()),
            Effect::OpenArticle("c".into()),
        ];
        assert_eq!(
            coalesce(effects),
            vec![
                search(2),
                Effect::LoadPreview("b".into()),
                Effect::OpenArticle("c".into())
            ]
        );
    }

    #[test]
    fn crossterm_keys_become_our_keys() {
        use crossterm::event::KeyCode as C;
        let ctrl_c = KeyEvent::new(C::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(to_key(ctrl_c), Some(Key::ctrl('c')));
        let shifted = KeyEvent::new(C::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(to_key(shifted).and_then(Key::typed_char), Some('G'));
        let release = KeyEvent::new_with_kind(C::Down, KeyModifiers::NONE, KeyEventKind::Release);
        assert!(to_msg(Event::Key(release)).is_none());
    }
}
