//! The Glossary screen at 80×24 and 120×40 in English and Thai: every entry from `F6`, the
//! entries holding the search box's words from the search screen; and a result found through
//! the glossary says which term found it.

use unicode_width::UnicodeWidthStr;

use super::tests::{LANGS, SIZES, render, rows};
use crate::tui::state::Screen;
use crate::tui::state::fixtures::{context, demo_replica, press, started};

#[test]
fn the_glossary_lists_every_entry_in_three_languages_and_the_selected_one_in_full() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    for (width, height) in SIZES {
        for (lang, code) in LANGS {
            let mut state = started(&mut replica, &ctx, width, height, lang);
            press(&mut replica, &ctx, &mut state, "<F6>jj");
            assert_eq!(state.screen, Screen::Glossary);
            assert!(state.glossary.shown() >= 300, "{}", state.glossary.shown());
            let text = rows(&render(&state));
            assert!(
                text.iter().all(|r| r.width() == usize::from(width)),
                "{code}: {text:#?}"
            );
            insta::assert_snapshot!(
                format!("glossary_{width}x{height}_{code}"),
                render(&state).backend()
            );
        }
    }
}

#[test]
fn the_glossary_opened_from_a_search_shows_the_entries_holding_its_words() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    for (lang, code) in LANGS {
        let mut state = started(&mut replica, &ctx, 80, 24, lang);
        press(&mut replica, &ctx, &mut state, "/ถ่ายลำ<F6>");
        let text = rows(&render(&state)).join("\n");
        assert!(
            text.contains("transshipment") && text.contains("환적"),
            "{text}"
        );
        insta::assert_snapshot!(
            format!("glossary_lookup_80x24_{code}"),
            render(&state).backend()
        );
        // Esc goes back to the search.
        press(&mut replica, &ctx, &mut state, "<Esc>");
        assert_eq!(state.screen, Screen::Search);
    }
}

#[test]
fn a_result_found_through_the_glossary_says_so_and_the_chip_turns_it_off() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    // At 80 columns the chips run past the edge; 120 shows the glossary's.
    let mut state = started(&mut replica, &ctx, 120, 40, LANGS[0].0);
    press(&mut replica, &ctx, &mut state, "/timber ");
    let via: Vec<_> = state
        .search
        .results
        .iter()
        .filter_map(|r| r.via.clone())
        .collect();
    assert!(!via.is_empty(), "some result is found through the glossary");
    // The list says "via glossary: …" under such a result (the search_80x24 snapshots).
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("Glossary: on"), "{text}");
    let all = state.search.results.len();
    press(&mut replica, &ctx, &mut state, "<A-g>");
    assert!(state.search.filters.no_glossary);
    assert!(state.search.results.iter().all(|r| r.via.is_none()));
    assert!(state.search.results.len() < all);
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("[Glossary: off ×]"), "{text}");
}

#[test]
fn at_80_columns_the_chips_fit_and_the_glossary_chip_stays_whole() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    for (lang, code) in LANGS {
        let mut state = started(&mut replica, &ctx, 80, 24, lang);
        // Every filter set, the category a long Thai or English path, the glossary off.
        press(&mut replica, &ctx, &mut state, "/ไม้<A-l><A-k><A-g>");
        state.search.filters.category = Some("commodity/timber-wood".into());
        state.search.filters.hs = Some("4403.49".into());
        let terminal = render(&state);
        let chips = rows(&terminal)[4].clone();
        assert_eq!(chips.width(), 80, "{code}: {chips}");
        let glossary = if code == "en" {
            "[Glossary: off ×]"
        } else {
            "[อภิธานศัพท์: ปิด ×]"
        };
        assert!(chips.trim_end().ends_with(glossary), "{code}: {chips}");
        assert!(chips.contains('…'), "the other chips are cut: {chips}");
        insta::assert_snapshot!(format!("search_chips_80x24_{code}"), terminal.backend());
        // With the glossary on, its chip shows its key.
        press(&mut replica, &ctx, &mut state, "<A-g>");
        let chips = rows(&render(&state))[4].clone();
        assert!(chips.trim_end().ends_with("Alt-G"), "{code}: {chips}");
    }
}
