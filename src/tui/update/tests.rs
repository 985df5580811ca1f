//! `update` driven by key strings, with fixed data and no Replica.

use super::*;
use crate::tui::keymap::Key;
use crate::tui::state::fixtures;

/// Feeds each key of `keys` (e.g. `"timber<Down><Enter>"`) and collects the effects.
fn press(state: &mut State, keys: &str) -> Vec<Effect> {
    Key::parse_seq(keys)
        .expect("key string")
        .into_iter()
        .flat_map(|key| update(state, Msg::Key(key)))
        .collect()
}

/// A state at `width`×24 showing the fixture rows as the recent-articles list.
fn with_results(width: u16) -> State {
    let mut state = State::new(width, 24);
    let effects = update(&mut state, Msg::Start);
    assert_eq!(
        effects,
        vec![Effect::Search {
            generation: 1,
            text: String::new()
        }]
    );
    update(
        &mut state,
        Msg::Results {
            generation: 1,
            rows: fixtures::rows(),
        },
    );
    state
}

fn in_reader(state: &State) -> bool {
    matches!(state.mode, Mode::Reader(_))
}

#[test]
fn typing_timber_searches_as_you_type() {
    let mut state = with_results(80);
    let effects = press(&mut state, "timber");
    assert_eq!(effects.len(), 6);
    assert_eq!(
        effects.last(),
        Some(&Effect::Search {
            generation: 7,
            text: "timber".into()
        })
    );
}

#[test]
fn down_then_enter_opens_the_second_result() {
    let mut state = with_results(80);
    let effects = press(&mut state, "<Down><Enter>");
    assert_eq!(
        effects,
        vec![Effect::OpenArticle("hs-classification-thai".into())]
    );
    assert!(
        !in_reader(&state),
        "the reader opens when the article has loaded"
    );
    update(&mut state, Msg::Opened(fixtures::doc()));
    assert!(in_reader(&state));
}

#[test]
fn enter_with_no_results_does_nothing() {
    let mut state = State::new(80, 24);
    assert_eq!(press(&mut state, "<Enter><Down>"), vec![]);
}

#[test]
fn q_quits_from_an_empty_search_but_types_into_a_non_empty_one() {
    let mut state = with_results(80);
    assert_eq!(press(&mut state, "q"), vec![Effect::Quit]);
    let effects = press(&mut state, "aq");
    assert_eq!(state.query.text(), "aq");
    assert!(!effects.contains(&Effect::Quit));
}

#[test]
fn esc_clears_the_search_then_quits() {
    let mut state = with_results(80);
    press(&mut state, "timber");
    let effects = press(&mut state, "<Esc>");
    assert_eq!(state.query.text(), "");
    assert!(matches!(&effects[..], [Effect::Search { text, .. }] if text.is_empty()));
    assert_eq!(press(&mut state, "<Esc>"), vec![Effect::Quit]);
}

#[test]
fn ctrl_c_quits_even_while_typing() {
    let mut state = with_results(80);
    assert_eq!(press(&mut state, "log<C-c>").last(), Some(&Effect::Quit));
}

#[test]
fn in_the_reader_q_quits_and_esc_goes_back_to_the_search() {
    let mut state = with_results(80);
    press(&mut state, "rose");
    update(&mut state, Msg::Opened(fixtures::doc()));
    assert_eq!(press(&mut state, "q"), vec![Effect::Quit]);
    assert_eq!(press(&mut state, "<Esc>"), vec![]);
    assert!(!in_reader(&state));
    assert_eq!(
        state.query.text(),
        "rose",
        "the search is kept under the reader"
    );
}

#[test]
fn the_reader_scrolls_but_not_past_the_last_page() {
    let mut state = State::new(40, 12);
    update(&mut state, Msg::Opened(fixtures::doc()));
    let page = view::reader_layout(state.area()).page_height();
    let scroll = |state: &State| match &state.mode {
        Mode::Reader(doc) => (doc.scroll, doc.lines.len()),
        Mode::Search => panic!("not in the reader"),
    };
    let (_, lines) = scroll(&state);
    assert!(lines > page, "the fixture must be longer than a page");
    press(&mut state, "jj");
    assert_eq!(scroll(&state).0, 2);
    press(&mut state, "k<Up><Up>");
    assert_eq!(scroll(&state).0, 0);
    press(&mut state, "<PageDown><PageDown><PageDown><PageDown>j");
    assert_eq!(scroll(&state).0, lines - page);
    press(&mut state, "g");
    assert_eq!(scroll(&state).0, 0);
    press(&mut state, "G");
    assert_eq!(scroll(&state).0, lines - page);
}

#[test]
fn results_of_an_overtaken_search_are_dropped() {
    let mut state = with_results(80);
    press(&mut state, "ti");
    let stale = Msg::Results {
        generation: 2,
        rows: vec![],
    };
    update(&mut state, stale);
    assert_eq!(state.results.len(), 3);
    update(
        &mut state,
        Msg::Results {
            generation: 3,
            rows: vec![],
        },
    );
    assert!(state.results.is_empty());
    assert_eq!(state.results_for, "ti");
}

#[test]
fn a_wide_terminal_previews_the_selection_and_a_narrow_one_does_not() {
    let mut state = State::new(120, 30);
    update(&mut state, Msg::Start);
    let effects = update(
        &mut state,
        Msg::Results {
            generation: 1,
            rows: fixtures::rows(),
        },
    );
    assert_eq!(
        effects,
        vec![Effect::LoadPreview("timber-land-border".into())]
    );
    assert_eq!(
        press(&mut state, "<Down>"),
        vec![Effect::LoadPreview("hs-classification-thai".into())]
    );
    // The first article arrives late: the selection has moved on, so it is not shown.
    update(&mut state, Msg::Preview(fixtures::doc()));
    assert!(state.preview.is_none());

    assert_eq!(with_results(80).preview, None);
    assert_eq!(press(&mut with_results(80), "<Down>"), vec![]);
    // Widening the terminal asks for the preview that is now visible.
    let mut state = with_results(80);
    let effects = update(
        &mut state,
        Msg::Resize {
            width: 120,
            height: 24,
        },
    );
    assert_eq!(
        effects,
        vec![Effect::LoadPreview("timber-land-border".into())]
    );
}

#[test]
fn the_list_scrolls_to_keep_the_selection_in_view() {
    let mut state = with_results(80);
    let rows = (0..30)
        .map(|i| fixtures::row(&format!("a{i}"), "t", "c", &[]))
        .collect();
    update(&mut state, Msg::Start);
    let generation = state.generation;
    update(&mut state, Msg::Results { generation, rows });
    let visible = view::search_layout(state.area()).visible_items();
    press(&mut state, &"<Down>".repeat(visible + 2));
    assert_eq!(state.selected, visible + 2);
    assert_eq!(state.list_offset, 3);
    press(&mut state, "<PageUp><PageUp>");
    assert_eq!((state.selected, state.list_offset), (0, 0));
}

#[test]
fn a_failed_effect_shows_a_message_until_the_next_key() {
    let mut state = with_results(80);
    update(&mut state, Msg::Failed("article `x` not found".into()));
    assert!(state.message.is_some());
    press(&mut state, "<Down>");
    assert!(state.message.is_none());
}
