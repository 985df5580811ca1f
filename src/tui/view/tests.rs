//! Every screen rendered into ratatui's `TestBackend` at 80×24 and 120×40, in English and in
//! Thai, from a demo node on a fixed clock with readable ids; pinned by insta.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{context, demo_replica, press, started};

pub(super) const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
pub(super) const LANGS: [(UiLang, &str); 2] = [(UiLang::En, "en"), (UiLang::Th, "th")];

pub(super) fn render(state: &State) -> Terminal<TestBackend> {
    let mut terminal =
        Terminal::new(TestBackend::new(state.width, state.height)).expect("test backend");
    terminal
        .draw(|frame| draw(frame, state))
        .expect("test backend");
    terminal
}

/// The screen's rows as text. A wide cluster's trailing cell is skipped, as a terminal would.
pub(super) fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
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

/// Renders the screen reached by `keys` in every size and language, snapshots each, and checks
/// that no row is wider than the terminal (a mis-measured Thai or Hangul row would be).
fn snap_all(name: &str, keys: &str, check: impl Fn(&str, UiLang)) {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    for (width, height) in SIZES {
        for (lang, code) in LANGS {
            let mut state = started(&mut replica, &ctx, width, height, lang);
            press(&mut replica, &ctx, &mut state, keys);
            let terminal = render(&state);
            let text = rows(&terminal);
            assert!(
                text.iter().all(|r| r.width() == usize::from(width)),
                "{name} {code}: {text:#?}"
            );
            check(&text.join("\n"), lang);
            insta::assert_snapshot!(
                format!("{name}_{width}x{height}_{code}"),
                terminal.backend()
            );
        }
    }
}

#[test]
fn home_shows_my_drafts_recent_articles_and_the_outbox() {
    snap_all("home", "", |text, lang| {
        assert!(text.contains("การตรวจสอบวัตถุดิบสมุนไพร"), "{text}");
        if lang == UiLang::En {
            assert!(text.contains("My drafts (2)"), "{text}");
        }
    });
}

#[test]
fn search_lists_results_with_count_time_chips_and_a_preview_when_wide() {
    snap_all("search", "/timber<Down>", |text, _| {
        assert!(text.contains("1.2 ms"), "{text}");
    });
}

#[test]
fn search_with_filters_shows_them_as_chips() {
    snap_all("search_filters", "/rice<A-l><A-k><A-k>", |text, lang| {
        if lang == UiLang::En {
            assert!(text.contains("[Language: English ×]"), "{text}");
        }
    });
}

#[test]
fn reader_renders_markdown_with_metadata() {
    snap_all(
        "reader",
        "/timber inspection<Enter><Enter>",
        |text, lang| {
            assert!(text.contains("4403.49"), "{text}");
            if lang == UiLang::En {
                assert!(
                    text.contains("Timber & wood") || text.contains("Timber"),
                    "{text}"
                );
            }
        },
    );
}

#[test]
fn reader_links_pane_shows_links_both_ways() {
    snap_all(
        "reader_links",
        "/container seal<Enter><Enter>2",
        |text, _| {
            assert!(text.contains("pallet-wrap-concealment"), "{text}");
            // Links from the article are named by their articles' titles, not their ids.
            assert!(text.contains("Reading X-ray images"), "{text}");
            assert!(text.contains("→ Reading X-ray images"), "{text}");
        },
    );
}

#[test]
fn reader_history_shows_a_diff_between_revisions() {
    snap_all(
        "reader_diff",
        "/timber inspection<Enter><Enter>3<Enter>",
        |text, _| {
            assert!(
                text.contains("+ - Phytosanitary certificate (original"),
                "{text}"
            );
        },
    );
}

#[test]
fn a_diff_shows_a_changed_title_and_counts_it() {
    snap_all(
        "reader_diff_title",
        "/pangolin<Enter><Enter>e<C-u>Pangolin scales (CITES I)<C-s><Esc>3<Enter>",
        |text, lang| {
            assert!(text.contains("(CITES I)"), "{text}");
            if lang == UiLang::En {
                assert!(text.contains(": +1 −1"), "{text}");
                assert!(text.contains("+ Title: "), "{text}");
            }
        },
    );
}

#[test]
fn editor_shows_fields_the_hs_check_and_the_body() {
    let keys = "<C-n>การตรวจไม้แปรรูป<Tab><Enter>timber<Enter>logs, ไม้<Tab>4403.49, 4403.4<Tab><Tab><Tab>\
                Check end stamps.<Tab>## ขั้นตอน<Enter>- นับท่อนไม้<Enter>- 세관 검사";
    snap_all("editor", keys, |text, _| {
        assert!(text.contains("4403.4:"), "{text}");
        assert!(text.contains("- นับท่อนไม้"), "{text}");
    });
}

#[test]
fn knowledge_map_shows_the_tree_with_counts() {
    snap_all("map", "Mjjl", |text, _| {
        assert!(text.contains("▾"), "{text}");
    });
}

#[test]
fn sync_shows_the_paths_and_what_they_do() {
    snap_all("sync", "S", |_, _| {});
}

#[test]
fn help_is_generated_from_the_keymap_of_the_screen() {
    snap_all("help", "/timber inspection<Enter><Enter>?", |text, _| {
        assert!(text.contains("Tab"), "{text}");
    });
}

#[test]
fn the_palette_lists_actions_by_name() {
    snap_all("palette", ":se", |text, lang| {
        assert!(text.contains("search"), "{text}");
        // The key column is whole, at 80 columns too.
        if lang == UiLang::En {
            assert!(text.contains(" F5 │") && text.contains(" Esc │"), "{text}");
        }
    });
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
fn a_thai_cluster_under_an_overlay_border_leaves_the_border_whole() {
    let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
    Line::from("จำนวน").render(buf.area, &mut buf);
    buf[(1, 0)].set_symbol("│");
    split_spaced_clusters(&mut buf);
    let cells: Vec<&str> = buf.content.iter().map(|c| c.symbol()).collect();
    assert_eq!(cells[..2], ["จ", "│"]);
}

#[test]
fn no_color_keeps_every_meaning_in_text() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    state.theme = crate::tui::theme::Theme::new(&Default::default(), true).expect("theme");
    press(
        &mut replica,
        &ctx,
        &mut state,
        "/timber inspection<Enter><Enter>3<Enter>",
    );
    let terminal = render(&state);
    let buffer = terminal.backend().buffer();
    assert!(
        buffer
            .content
            .iter()
            .all(|c| c.fg == ratatui::style::Color::Reset && c.bg == ratatui::style::Color::Reset)
    );
    let text = rows(&terminal).join("\n");
    assert!(text.contains("+ ") && text.contains("[Reader]"), "{text}");
}

#[test]
fn a_refused_hs_prefix_keeps_the_prompt_open_with_the_reason() {
    snap_all(
        "search_hs_refused",
        "/timber<A-h>12AB<Enter>",
        |text, lang| {
            assert!(text.contains("12AB"), "{text}");
            if lang == UiLang::En {
                assert!(text.contains("is not an HS prefix"), "{text}");
            }
        },
    );
}

#[test]
fn a_corrected_typo_is_named_over_the_results() {
    snap_all("search_corrected", "/timbr", |text, lang| {
        if lang == UiLang::En {
            assert!(text.contains("showing results for “timber”"), "{text}");
        }
    });
}

#[test]
fn clearing_the_words_does_not_leave_nothing_matches_on_screen() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "/qqqzzz");
    assert!(rows(&render(&state)).join("\n").contains("Nothing matches"));
    // Esc clears the words; the new search has not answered yet.
    for key in crate::tui::keymap::Key::parse_seq("<Esc>").expect("keys") {
        crate::tui::update::update(&mut state, crate::tui::update::Msg::Key(key));
    }
    let text = rows(&render(&state)).join("\n");
    assert!(!text.contains("Nothing matches"), "{text}");
}

/// The top row of the screen reached by `keys`, in English at 80×24.
fn top_bar(keys: &str) -> String {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, keys);
    rows(&render(&state)).swap_remove(0)
}

#[test]
fn the_top_bar_shows_the_keys_that_work_at_the_moment() {
    let home = top_bar("");
    assert!(
        home.contains("[H Home]") && home.contains(" M Map"),
        "{home}"
    );
    // Typing in the search box: H, M and S are text, so the bar offers keys that type nothing.
    let typing = top_bar("/timber");
    assert!(
        typing.contains(" F2 Home") && typing.contains("[Ctrl-F Search]"),
        "{typing}"
    );
    assert!(
        typing.contains(" F3 Map") && typing.contains(" F4 Sync"),
        "{typing}"
    );
    let results = top_bar("/timber<Enter>");
    assert!(
        results.contains(" H Home") && results.contains("[/ Search]"),
        "{results}"
    );
    // The palette takes every key: no screen key works, none is shown.
    let palette = top_bar(":");
    assert!(
        !palette.contains(" H ") && !palette.contains("F2"),
        "{palette}"
    );
}

#[test]
fn results_at_80x24_show_the_matching_text_under_each_title() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "/rewritten");
    let text = rows(&render(&state)).join("\n");
    // The word is deep in the body, in no title: only a snippet can show it.
    assert!(text.contains("rewritten"), "{text}");
    insta::assert_snapshot!("search_snippet_80x24_en", text);
}

#[test]
fn the_preview_scrolls_to_the_first_match() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 120, 40, UiLang::En);
    press(&mut replica, &ctx, &mut state, "/rewritten");
    assert!(
        state.search.preview_scroll > 0,
        "the match is past the first page"
    );
    let screen = rows(&render(&state));
    let preview: String = screen
        .iter()
        .map(|r| r.chars().skip(56).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(preview.contains("rewritten"), "{preview}");
    insta::assert_snapshot!("search_preview_match_120x40_en", screen.join("\n"));
}

#[test]
fn the_hs_lookup_shows_a_code_with_its_chapter_and_subheadings() {
    snap_all("hs_lookup", "/timber<F5>4403", |text, _| {
        assert!(text.contains("4403.49"), "{text}");
    });
}

#[test]
fn the_hs_lookup_finds_descriptions_by_words() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "<F5>coffee");
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("0901"), "{text}");
}

#[test]
fn searching_an_hs_code_names_it_over_the_results() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 120, 40, UiLang::En);
    press(&mut replica, &ctx, &mut state, "/4403");
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("4403 Wood in the rough"), "{text}");
}

#[test]
fn a_long_field_that_is_not_focused_shows_its_start() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    let title =
        "Check species and volume against the permit before the logs leave the yard at night";
    press(&mut replica, &ctx, &mut state, &format!("<C-n>{title}"));
    let focused = rows(&render(&state)).join("\n");
    assert!(focused.contains("leave the yard at night"), "{focused}");
    press(&mut replica, &ctx, &mut state, "<Tab>");
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("Check species and volume"), "{text}");
    assert!(!text.contains("yard at night"), "{text}");
}

#[test]
fn a_bad_hs_code_is_refused_in_the_interface_language() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::Th);
    press(
        &mut replica,
        &ctx,
        &mut state,
        "<C-n><Tab><Tab><Tab>99ZZ<C-s>",
    );
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("'99ZZ'") || text.contains("“99ZZ”"), "{text}");
    assert!(text.contains("ไม่ใช่พิกัด HS"), "{text}");
    assert!(!text.contains("is not an HS code"), "{text}");
    // A code of the right form that does not exist names its nearest code, in Thai.
    press(&mut replica, &ctx, &mut state, "<C-u>0111");
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("ไม่มีในพิกัด HS 2022"), "{text}");
}

#[test]
fn the_hs_prompt_shows_its_whole_hint() {
    snap_all("search_hs_prompt", "/timber<A-h>", |text, lang| {
        // The hint wraps inside the box; its last words are on screen.
        match lang {
            UiLang::En => assert!(text.contains("Esc: cancel"), "{text}"),
            UiLang::Th => assert!(text.contains("Esc: ยกเลิก"), "{text}"),
        }
    });
}
