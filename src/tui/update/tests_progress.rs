//! Long work on the worker, as the state machine sees it: progress messages move the bar,
//! `Esc` on the Sync screen sends one cancel while cancelling is safe and none after, and the
//! rest of the interface goes on moving meanwhile.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::tui::keymap::Key;
use crate::tui::state::{Cancelling, fixtures};

fn press(state: &mut State, keys: &str) -> Vec<Effect> {
    Key::parse_seq(keys)
        .expect("key string")
        .into_iter()
        .flat_map(|key| update(state, Msg::Key(key)))
        .collect()
}

fn progress(state: &mut State, done: u64, total: u64) {
    let label = String::new();
    let effects = update(state, Msg::Progress { label, done, total });
    assert!(effects.is_empty());
}

/// The bottom line of the screen as drawn at the state's size.
fn status_line(state: &State) -> String {
    let mut terminal =
        Terminal::new(TestBackend::new(state.width, state.height)).expect("test backend");
    terminal
        .draw(|frame| crate::tui::view::draw(frame, state))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    let last = buffer.content.chunks(width).last().expect("a row");
    last.iter().map(|c| c.symbol()).collect()
}

/// The Sync screen with an import's dry run handed to the worker.
fn checking_a_bundle() -> State {
    let mut state = State::new(80, 24);
    update(&mut state, Msg::Start);
    let effects = press(&mut state, "S<Tab>bundle.obp<Enter>");
    assert_eq!(
        effects,
        vec![Effect::LoadPeers, Effect::SyncDryRun("bundle.obp".into())]
    );
    assert!(state.busy.is_some());
    state
}

#[test]
fn progress_messages_move_the_bar_and_esc_on_sync_sends_one_cancel() {
    let mut state = checking_a_bundle();
    progress(&mut state, 25_000, 100_000);
    let line = status_line(&state);
    assert!(line.contains(" 25% (25000/100000)"), "{line}");
    assert!(line.contains("Esc: cancel"), "{line}");
    progress(&mut state, 42_000, 100_000);
    let line = status_line(&state);
    assert!(line.contains(" 42% (42000/100000)"), "{line}");

    assert_eq!(press(&mut state, "<Esc>"), vec![Effect::Cancel]);
    assert_eq!(state.screen, Screen::Sync, "Esc cancels instead of leaving");
    assert!(status_line(&state).contains("cancelling…"));
    assert_eq!(press(&mut state, "<Esc>"), vec![], "asked once");

    update(&mut state, Msg::Cancelled);
    assert!(state.busy.is_none());
    let message = state.message.clone().expect("a message");
    assert_eq!(message.text, "Cancelled: nothing was changed.");
    assert!(!message.error);
    // Nothing runs any more: Esc is back to leaving the screen.
    press(&mut state, "<Esc>");
    assert_eq!(state.screen, Screen::Home);
}

#[test]
fn once_the_import_commits_esc_no_longer_cancels_and_the_screen_says_so() {
    let mut state = checking_a_bundle();
    progress(&mut state, 100_000, 100_000);
    assert_eq!(
        state.busy.as_ref().map(|b| b.cancel),
        Some(Cancelling::TooLate)
    );
    let line = status_line(&state);
    assert!(line.contains("100%"), "{line}");
    assert!(line.contains("can no longer be cancelled"), "{line}");
    assert_eq!(press(&mut state, "<Esc>"), vec![]);
    update(
        &mut state,
        Msg::SyncDone(vec!["brought 3 new changes".into()]),
    );
    assert!(state.busy.is_none());
    assert!(state.message.is_none());
}

#[test]
fn a_cancel_that_comes_too_late_is_told_with_the_report() {
    let mut state = checking_a_bundle();
    progress(&mut state, 99_000, 100_000);
    assert_eq!(press(&mut state, "<Esc>"), vec![Effect::Cancel]);
    // The worker had passed its last safe point: the import finished anyway.
    update(
        &mut state,
        Msg::SyncDone(vec!["brought 3 new changes".into()]),
    );
    assert!(state.busy.is_none());
    let message = state.message.clone().expect("a message");
    assert!(
        message.text.contains("finished before it could stop"),
        "{message:?}"
    );
}

#[test]
fn the_interface_moves_while_the_worker_imports_and_esc_elsewhere_keeps_its_meaning() {
    let mut state = checking_a_bundle();
    progress(&mut state, 10_000, 100_000);
    // A search is typed and sent as usual, and the selection moves down its results.
    let effects = press(&mut state, "<C-f>timber");
    assert!(effects.iter().any(|e| matches!(e, Effect::Search { .. })));
    let generation = state.search.generation;
    let rows = fixtures::rows();
    assert!(rows.len() >= 3);
    update(
        &mut state,
        Msg::Results {
            generation,
            rows,
            took_micros: 400,
            corrections: Vec::new(),
        },
    );
    press(&mut state, "<Enter>jj");
    assert_eq!(state.search.selected, 2);
    progress(&mut state, 20_000, 100_000);
    let line = status_line(&state);
    assert!(line.contains(" 20%"), "{line}");
    assert!(
        !line.contains("Esc: cancel"),
        "only the Sync screen cancels: {line}"
    );
    // Esc leaves the list, clears the box and goes back to Sync: it never cancels there.
    let effects = press(&mut state, "<Esc><Esc><Esc>");
    assert!(!effects.contains(&Effect::Cancel), "{effects:?}");
    assert_eq!(state.screen, Screen::Sync);
    assert_eq!(state.busy.as_ref().map(|b| b.done), Some(20_000));
    assert_eq!(press(&mut state, "<Esc>"), vec![Effect::Cancel]);
}
