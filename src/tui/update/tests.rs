//! `update` driven by key strings, with hand-made data and no Replica: what each key does.

use super::*;
use crate::tui::keymap::Key;
use crate::tui::state::{Focus, Pane, fixtures};

/// Feeds each key of `keys` (e.g. `"timber<Down><Enter>"`) and collects the effects.
fn press(state: &mut State, keys: &str) -> Vec<Effect> {
    Key::parse_seq(keys)
        .expect("key string")
        .into_iter()
        .flat_map(|key| update(state, Msg::Key(key)))
        .collect()
}

/// The search screen at `width`×24 showing the fixture rows for the last search sent.
fn searching(width: u16, keys: &str) -> State {
    let mut state = State::new(width, 24);
    update(&mut state, Msg::Start);
    press(&mut state, keys);
    deliver(&mut state, fixtures::rows());
    state
}

fn deliver(state: &mut State, rows: Vec<crate::tui::state::ResultRow>) -> Vec<Effect> {
    let generation = state.search.generation;
    update(
        state,
        Msg::Results {
            generation,
            rows,
            took_micros: 900,
            corrections: Vec::new(),
        },
    )
}

fn last_search(effects: &[Effect]) -> Option<&SearchSpec> {
    effects.iter().rev().find_map(|e| match e {
        Effect::Search { spec, .. } => Some(spec),
        _ => None,
    })
}

#[test]
fn slash_timber_enter_j_enter_opens_the_second_result() {
    let mut state = State::new(80, 24);
    update(&mut state, Msg::Start);
    let effects = press(&mut state, "/timber");
    assert_eq!(
        last_search(&effects).map(|s| s.text.as_str()),
        Some("timber")
    );
    deliver(&mut state, fixtures::rows());
    let effects = press(&mut state, "<Enter>j<Enter>");
    assert_eq!(
        effects,
        vec![Effect::OpenArticle("hs-classification-thai".into())]
    );
}

#[test]
fn every_typed_key_searches_and_an_overtaken_result_is_dropped() {
    let mut state = State::new(80, 24);
    update(&mut state, Msg::Start);
    let effects = press(&mut state, "/ti");
    assert_eq!(
        effects
            .iter()
            .filter(|e| matches!(e, Effect::Search { .. }))
            .count(),
        2
    );
    let stale = state.search.generation - 1;
    update(
        &mut state,
        Msg::Results {
            generation: stale,
            rows: fixtures::rows(),
            took_micros: 1,
            corrections: Vec::new(),
        },
    );
    assert!(state.search.results.is_empty());
    deliver(&mut state, fixtures::rows());
    assert_eq!(state.search.results.len(), 3);
}

#[test]
fn q_types_in_the_search_box_and_quits_from_the_results() {
    let mut state = searching(80, "/");
    assert!(!press(&mut state, "quota").contains(&Effect::Quit));
    assert_eq!(state.search.query.text(), "quota");
    deliver(&mut state, fixtures::rows());
    press(&mut state, "<Enter>");
    assert_eq!(state.search.focus, Focus::List);
    assert_eq!(press(&mut state, "q"), vec![Effect::Quit]);
}

#[test]
fn esc_goes_back_step_by_step() {
    let mut state = searching(80, "/log");
    press(&mut state, "<Enter>");
    press(&mut state, "<Esc>");
    assert_eq!(state.search.focus, Focus::Input, "first back to the box");
    press(&mut state, "<Esc>");
    assert_eq!(state.search.query.text(), "", "then the words go");
    press(&mut state, "<Esc>");
    assert_eq!(state.screen, Screen::Home, "then back home");
    assert_eq!(
        press(&mut state, "<Esc>"),
        vec![],
        "Home is where Esc stops"
    );
}

#[test]
fn slash_searches_from_any_screen_but_types_in_the_editor() {
    let mut state = State::new(80, 24);
    for screen_key in ["M", "S", "H"] {
        press(&mut state, screen_key);
        if screen_key == "S" {
            press(&mut state, "<Esc>");
        }
        press(&mut state, "/");
        assert_eq!(state.screen, Screen::Search, "after {screen_key}");
        press(&mut state, "<Esc>");
    }
    press(&mut state, "<C-n>");
    assert_eq!(state.screen, Screen::Editor);
    press(&mut state, "a/b");
    assert_eq!(
        state
            .editor
            .as_ref()
            .map(|e| e.title.text().to_string())
            .as_deref(),
        Some("a/b")
    );
}

#[test]
fn ctrl_c_quits_even_while_typing() {
    let mut state = searching(80, "/log");
    assert_eq!(press(&mut state, "<C-c>").last(), Some(&Effect::Quit));
}

#[test]
fn filters_show_as_chips_and_go_into_the_search() {
    let mut state = searching(80, "/rice");
    let effects = press(&mut state, "<A-l><A-l>");
    let spec = last_search(&effects).expect("a search");
    assert_eq!(spec.text, "rice lang:th");
    let effects = press(&mut state, "<A-k>");
    assert_eq!(
        last_search(&effects).map(|s| s.text.as_str()),
        Some("rice lang:th kind:procedure")
    );
    // After the five article kinds come the questions alone, then no kind filter.
    let searched = |effects: Vec<Effect>| last_search(&effects).map(|s| s.text.clone());
    for (keys, text) in [
        ("<A-k><A-k><A-k><A-k><A-k>", "rice lang:th kind:question"),
        ("<A-k>", "rice lang:th"),
        ("<A-k>", "rice lang:th kind:procedure"),
    ] {
        assert_eq!(searched(press(&mut state, keys)).as_deref(), Some(text));
    }
    press(&mut state, "<A-h>");
    assert!(matches!(state.overlay, Some(Overlay::Prompt { .. })));
    let effects = press(&mut state, "4403<Enter>");
    assert_eq!(
        last_search(&effects).and_then(|s| s.hs.as_deref()),
        Some("4403")
    );
    let effects = press(&mut state, "<A-x>");
    assert_eq!(
        last_search(&effects),
        Some(&SearchSpec {
            text: "rice".into(),
            ..Default::default()
        })
    );
}

#[test]
fn a_refused_hs_prefix_is_not_applied_and_the_prompt_says_why() {
    let mut state = searching(80, "/rice");
    let effects = press(&mut state, "<A-h>12AB<Enter>");
    assert_eq!(last_search(&effects), None, "nothing searched");
    assert_eq!(state.search.filters.hs, None, "no chip");
    match &state.overlay {
        Some(Overlay::Prompt { input, error, .. }) => {
            assert_eq!(input.text(), "12AB", "the entry stays to be corrected");
            assert!(
                error.as_deref().is_some_and(|e| e.contains("12AB")),
                "{error:?}"
            );
        }
        other => panic!("the prompt stays open: {other:?}"),
    }
    // Correcting the entry clears the refusal; a good prefix filters.
    press(&mut state, "<BS><BS>");
    assert!(matches!(
        state.overlay,
        Some(Overlay::Prompt { error: None, .. })
    ));
    let effects = press(&mut state, "<Enter>");
    assert_eq!(
        last_search(&effects).and_then(|s| s.hs.as_deref()),
        Some("12")
    );
    assert_eq!(state.overlay, None);
}

#[test]
fn a_wide_terminal_previews_the_selection_and_a_narrow_one_does_not() {
    let mut state = searching(120, "/");
    let effects = deliver(&mut state, fixtures::rows());
    assert_eq!(
        effects,
        vec![Effect::LoadPreview("timber-land-border".into())]
    );
    assert_eq!(
        press(&mut state, "<Down>"),
        vec![Effect::LoadPreview("hs-classification-thai".into())]
    );
    let mut narrow = searching(80, "/");
    assert!(deliver(&mut narrow, fixtures::rows()).is_empty());
    let effects = update(
        &mut narrow,
        Msg::Resize {
            width: 120,
            height: 30,
        },
    );
    assert_eq!(
        effects,
        vec![Effect::LoadPreview("timber-land-border".into())]
    );
}

#[test]
fn the_list_scrolls_to_keep_the_selection_in_view() {
    let mut state = searching(80, "/x");
    let rows = (0..30)
        .map(|i| fixtures::row(&format!("a{i}"), "t", "c", &[]))
        .collect();
    deliver(&mut state, rows);
    let visible = crate::tui::view::search_layout(state.area()).visible_items();
    press(&mut state, &"<Down>".repeat(visible + 2));
    assert_eq!(state.search.selected, visible + 2);
    assert_eq!(state.search.list_offset, 3);
    press(&mut state, "<PageUp><PageUp><PageUp>");
    assert_eq!((state.search.selected, state.search.list_offset), (0, 0));
}

#[test]
fn a_failed_effect_shows_a_message_until_the_next_key_and_never_quits() {
    let mut state = searching(80, "/");
    let effects = update(&mut state, Msg::Failed("article `x` not found".into()));
    assert!(effects.is_empty());
    assert!(state.message.as_ref().is_some_and(|m| m.error));
    press(&mut state, "<Down>");
    assert!(state.message.is_none());
}

#[test]
fn help_and_the_palette_open_everywhere_and_close_with_esc() {
    let mut state = State::new(80, 24);
    press(&mut state, "?");
    assert!(matches!(state.overlay, Some(Overlay::Help { .. })));
    press(&mut state, "<Esc>");
    assert!(state.overlay.is_none());
    press(&mut state, ":");
    assert!(matches!(state.overlay, Some(Overlay::Palette { .. })));
    // Type to filter, Enter runs: the palette knows every action by name.
    press(&mut state, "knowledge map<Enter>");
    assert_eq!(state.screen, Screen::Map);
    press(&mut state, "<C-p>new-art<Enter>");
    assert_eq!(state.screen, Screen::Editor);
}

#[test]
fn an_editor_with_changes_asks_before_leaving_and_can_discard() {
    let mut state = State::new(80, 24);
    press(&mut state, "<C-n>Seal checks");
    assert_eq!(press(&mut state, "<Esc>"), vec![]);
    assert!(matches!(state.overlay, Some(Overlay::Confirm(_))));
    press(&mut state, "<Esc>");
    assert_eq!(state.screen, Screen::Editor, "Esc keeps editing");
    assert_eq!(press(&mut state, "<C-c>"), vec![], "quitting asks too");
    press(&mut state, "d");
    assert!(state.editor.is_none());
    // An untouched editor leaves without asking.
    press(&mut state, "<C-n><Esc>");
    assert_ne!(state.screen, Screen::Editor);
}

#[test]
fn saving_from_the_question_saves_then_quits() {
    let mut state = State::new(80, 24);
    state.categories = crate::model::KnowledgeMap::builtin().categories;
    press(&mut state, "<C-n>Seal checks<Tab><Enter>seal<Enter>");
    assert!(
        state
            .editor
            .as_ref()
            .is_some_and(|e| e.category.contains("seal"))
    );
    press(&mut state, "<C-c>");
    let effects = press(&mut state, "s");
    let Some(Effect::Save {
        id: None,
        content,
        then: Some(Action::Quit),
    }) = effects.first()
    else {
        panic!("expected a save, got {effects:?}");
    };
    assert_eq!(content.title, "Seal checks");
    let effects = update(
        &mut state,
        Msg::Saved {
            id: "abc123".into(),
            then: Some(Action::Quit),
            outcome: crate::tui::update::SavedAs::Draft,
        },
    );
    assert!(effects.contains(&Effect::Quit));
}

#[test]
fn saving_without_a_category_is_refused_on_the_status_line() {
    let mut state = State::new(80, 24);
    let effects = press(&mut state, "<C-n>Title<C-s>");
    assert!(effects.is_empty());
    assert!(state.message.as_ref().is_some_and(|m| m.error));
}

#[test]
fn hs_codes_are_checked_as_they_are_typed() {
    let mut state = State::new(80, 24);
    press(&mut state, "<C-n><Tab><Tab><Tab>4403.4");
    let editor = state.editor.as_ref().expect("editor");
    assert_eq!(editor.field, crate::tui::state::EditorField::Hs);
    assert!(!editor.hs_notes[0].ok);
    press(&mut state, "9, 4499");
    let notes = &state.editor.as_ref().expect("editor").hs_notes;
    assert!(
        notes[0].ok && notes[0].text.to_lowercase().contains("wood"),
        "{notes:?}"
    );
    assert!(!notes[1].ok);
}

#[test]
fn the_reader_scrolls_switches_panes_and_asks_for_a_diff() {
    let mut state = State::new(60, 16);
    let mut doc = reader_doc();
    let first = doc.history[0].id;
    doc.history.push(crate::tui::state::RevisionRow {
        id: crate::model::Hash([7; 32]),
        ..doc.history[0].clone()
    });
    update(&mut state, Msg::Opened(Box::new(doc)));
    assert_eq!(state.screen, Screen::Reader);
    press(&mut state, "jjk");
    assert_eq!(state.reader().map(|r| r.scroll), Some(1));
    press(&mut state, "G");
    let (scroll, lines) = state
        .reader()
        .map(|r| (r.scroll, r.laid.rendered.lines.len()))
        .expect("reader");
    let page = crate::tui::view::reader_layout(state.area()).page_height();
    assert_eq!(scroll, lines - page);
    press(&mut state, "3");
    assert_eq!(state.reader().map(|r| r.pane), Some(Pane::History));
    let effects = press(&mut state, "<Enter>");
    assert!(matches!(&effects[..], [Effect::LoadDiff { from, .. }] if *from == first));
    press(&mut state, "2<Enter>");
    assert_eq!(state.screen, Screen::Reader);
}

#[test]
fn tab_selects_a_wiki_link_and_enter_follows_it() {
    let mut state = State::new(80, 24);
    update(&mut state, Msg::Opened(Box::new(reader_doc())));
    let effects = press(&mut state, "<Tab><Enter>");
    assert_eq!(
        effects,
        vec![Effect::OpenArticle("container-seal-checks".into())]
    );
    let mut next = reader_doc();
    next.id = "container-seal-checks".into();
    update(&mut state, Msg::Opened(Box::new(next)));
    assert_eq!(state.readers.len(), 2);
    press(&mut state, "<Esc>");
    assert_eq!(
        state.readers.len(),
        1,
        "Esc returns to the article we came from"
    );
}

pub(super) fn reader_doc() -> crate::tui::state::ArticleDoc {
    let row = crate::tui::state::RevisionRow {
        id: crate::model::Hash([1; 32]),
        author: "somchai".into(),
        time: "2026-11-01 00:00".into(),
        title: "Timber".into(),
    };
    crate::tui::state::ArticleDoc {
        id: "timber-land-border".into(),
        content: crate::model::ArticleContent {
            title: "Inspecting timber at a land border".into(),
            summary: "What to check.".into(),
            body: "## Steps\n\nSee [[container-seal-checks]] first.\n\n".repeat(8),
            category: "commodity/timber-wood".into(),
            tags: vec![],
            hs_codes: vec![],
            lang: crate::model::Lang::En,
            kind: crate::model::Kind::Technique,
            classification: crate::model::Classification::Public,
            review_by: None,
        },
        status: crate::model::Status::Published,
        updated: "2026-11-01 00:00".into(),
        office: "Chiang Khong".into(),
        owner: "somchai".into(),
        in_conflict: false,
        conflict: None,
        history: vec![row],
        backlinks: vec![],
        more_backlinks: false,
        evaluation: None,
        link_titles: Default::default(),
        attachments: vec![],
        successor: None,
        helpful: 0,
        comments: vec![],
    }
}

#[test]
fn end_scrolls_the_help_to_its_end_and_does_not_close_it() {
    let mut state = State::new(60, 15);
    press(&mut state, "?<End>");
    let last = crate::tui::view::help_max_scroll(&state, state.area());
    assert!(last > 0, "the help is longer than the screen");
    assert_eq!(state.overlay, Some(Overlay::Help { scroll: last }));
    press(&mut state, "<Down><Down>");
    assert_eq!(
        state.overlay,
        Some(Overlay::Help { scroll: last }),
        "no further"
    );
    press(&mut state, "<Home>");
    assert_eq!(state.overlay, Some(Overlay::Help { scroll: 0 }));
}

#[test]
fn capital_letters_typed_in_the_search_box_and_a_path_stay_text_and_f_keys_switch_screens() {
    let mut state = State::new(80, 24);
    update(&mut state, Msg::Start);
    press(&mut state, "/timberHMS?");
    assert_eq!(state.search.query.text(), "timberHMS?");
    assert_eq!(state.screen, Screen::Search);
    press(&mut state, "<F4>");
    assert_eq!(state.screen, Screen::Sync);
    press(&mut state, "bundleH??G");
    assert_eq!(state.sync.export_path.text(), "bundleH??G");
    assert_eq!(state.screen, Screen::Sync);
    press(&mut state, "<F3>");
    assert_eq!(state.screen, Screen::Map);
    press(&mut state, "<F2>");
    assert_eq!(state.screen, Screen::Home);
}

#[test]
fn m_is_never_the_map_on_home_so_it_means_one_thing_mark_revision() {
    let mut state = State::new(80, 24);
    update(&mut state, Msg::Start);
    press(&mut state, "m");
    assert_eq!(state.screen, Screen::Home);
    press(&mut state, "M");
    assert_eq!(state.screen, Screen::Map);
    let home = state.keymap.resolve(
        crate::tui::keymap::Scope::Home,
        Key::parse("m").expect("key"),
    );
    assert_eq!(home, None);
}

#[test]
fn f5_looks_up_an_hs_code_and_enter_searches_by_it() {
    let mut state = State::new(80, 24);
    update(&mut state, Msg::Start);
    let effects = press(&mut state, "<F5>4403");
    assert!(
        effects.is_empty(),
        "a code is looked up without IO: {effects:?}"
    );
    let Some(Overlay::HsLookup { rows, .. }) = &state.overlay else {
        panic!("the HS lookup is open: {:?}", state.overlay);
    };
    assert_eq!(rows[0].code, "44");
    assert!(rows[1].code == "4403" && rows[1].description.to_lowercase().contains("wood"));
    assert!(
        rows.iter().any(|r| r.code == "4403.49" && r.depth == 2),
        "{rows:?}"
    );
    let effects = press(&mut state, "<Down><Enter>");
    assert_eq!(state.screen, Screen::Search);
    assert_eq!(state.search.filters.hs.as_deref(), Some("4403"));
    assert_eq!(
        last_search(&effects).and_then(|s| s.hs.as_deref()),
        Some("4403")
    );
}

#[test]
fn words_in_the_hs_lookup_ask_the_hs_index_and_a_late_answer_is_dropped() {
    let mut state = State::new(80, 24);
    let effects = press(&mut state, "<F5>coffee");
    assert_eq!(effects.last(), Some(&Effect::HsWords("coffee".into())));
    let line = |code: &str| crate::tui::state::search::HsLine {
        code: code.into(),
        description: "Coffee".into(),
        depth: 0,
    };
    update(
        &mut state,
        Msg::HsFound {
            words: "coffe".into(),
            rows: vec![line("0902")],
        },
    );
    update(
        &mut state,
        Msg::HsFound {
            words: "coffee".into(),
            rows: vec![line("0901")],
        },
    );
    let Some(Overlay::HsLookup { rows, .. }) = &state.overlay else {
        panic!("the HS lookup is open");
    };
    assert_eq!(rows, &vec![line("0901")]);
}
