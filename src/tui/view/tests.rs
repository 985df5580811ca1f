//! Screens rendered into ratatui's `TestBackend` from hand-built state, pinned by insta.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::tui::keymap::Key;
use crate::tui::state::fixtures;
use crate::tui::update::{Msg, update};

fn state_with(width: u16, height: u16, query: &str) -> State {
    let mut state = State::new(width, height);
    update(&mut state, Msg::Start);
    for key in Key::parse_seq(query).expect("key string") {
        update(&mut state, Msg::Key(key));
    }
    let generation = state.generation;
    update(
        &mut state,
        Msg::Results {
            generation,
            rows: fixtures::rows(),
        },
    );
    state
}

fn render(state: &State) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(state.width, state.height))
        .expect("the test backend cannot fail");
    terminal
        .draw(|frame| draw(frame, state))
        .expect("the test backend cannot fail");
    terminal
}

/// The screen's rows as text. A wide cluster's trailing cell is skipped, as a terminal would.
fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    buffer
        .content
        .chunks(width)
        .map(|cells| {
            let mut row = String::new();
            let mut skip = 0;
            for cell in cells {
                if skip == 0 {
                    row.push_str(cell.symbol());
                }
                skip = skip.max(cell.symbol().width()).saturating_sub(1);
            }
            row
        })
        .collect()
}

#[test]
fn the_search_screen_lists_results_in_english_thai_and_korean() {
    let state = state_with(80, 24, "ไม้");
    let mut terminal = render(&state);
    insta::assert_snapshot!(terminal.backend());
    let text = rows(&terminal);
    // Every vowel and tone mark survives: the title appears exactly as written.
    assert!(
        text.iter()
            .any(|r| r.contains("การจำแนกพิกัดอัตราศุลกากรไม้แปรรูป"))
    );
    assert!(text.iter().any(|r| r.contains("인삼 수입 검사 절차")));
    // The right border is not pushed out by the Thai row.
    assert!(text.iter().all(|r| r.width() == 80), "{text:#?}");
    // The cursor sits after the query's two clusters (ไ and ม้), not after three chars.
    assert_eq!(
        terminal
            .get_cursor_position()
            .expect("the test backend cannot fail"),
        Position::new(4, 1)
    );
}

#[test]
fn thai_sara_am_takes_two_cells_as_in_the_terminal() {
    let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
    Line::from("นำ세관").render(buf.area, &mut buf);
    split_spaced_clusters(&mut buf);
    let cells: Vec<&str> = buf.content.iter().map(|c| c.symbol()).collect();
    assert_eq!(cells, vec!["น", "ำ", "세", " ", "관", " "]);
}

#[test]
fn the_reader_shows_title_fields_and_wrapped_body() {
    let mut state = state_with(80, 24, "");
    update(&mut state, Msg::Opened(fixtures::doc()));
    let terminal = render(&state);
    insta::assert_snapshot!(terminal.backend());
    let text = rows(&terminal);
    assert!(
        text.iter()
            .any(|r| r.contains("ตรวจสอบตราประทับที่ปลายไม้ทุกท่อน"))
    );
}

#[test]
fn a_wide_terminal_shows_the_preview_pane() {
    let mut state = state_with(120, 24, "");
    update(&mut state, Msg::Preview(fixtures::doc()));
    insta::assert_snapshot!(render(&state).backend());
}

#[test]
fn a_search_with_no_results_says_what_to_try() {
    let mut state = state_with(80, 24, "zzz");
    let generation = state.generation;
    update(
        &mut state,
        Msg::Results {
            generation,
            rows: vec![],
        },
    );
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("Nothing matches “zzz”"), "{text}");
}
