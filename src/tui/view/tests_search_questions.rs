//! Search results that hold a question of the Knowledge Market beside articles: the question
//! marked as one, with its answers and helpful count, in English and Thai; `Enter` on it opens
//! it on the Market screen; the kind filter (`Alt-K`) ends with the questions alone. Pinned by
//! insta.

use unicode_width::UnicodeWidthStr;

use super::tests::{LANGS, SIZES, render, rows};
use crate::tui::i18n::UiLang;
use crate::tui::state::Screen;
use crate::tui::state::fixtures::{press, started};
use crate::tui::state::fixtures_market::{URGENT_TITLE, market_replica};
use crate::tui::state::fixtures_review::as_user;

/// The Market's node, where the asker (`lek`) found the expert's answer to the urgent question
/// helpful.
fn node() -> (crate::core::Replica, String) {
    let (mut replica, urgent) = market_replica();
    let lek = replica.resolve_user(Some("lek")).expect("asker");
    let view = replica.question(&lek, &urgent).expect("question");
    replica
        .set_helpful(&lek, &view.answers[0].id, true)
        .expect("helpful");
    (replica, urgent)
}

#[test]
fn a_question_hit_is_marked_with_its_answers_and_helpful_count() {
    let (mut replica, _) = node();
    let ctx = as_user(&replica, "lek");
    for (width, height) in SIZES {
        for (lang, code) in LANGS {
            let mut state = started(&mut replica, &ctx, width, height, lang);
            press(&mut replica, &ctx, &mut state, "/drums");
            let terminal = render(&state);
            let text = rows(&terminal);
            assert!(
                text.iter().all(|r| r.width() == usize::from(width)),
                "{code}: {text:#?}"
            );
            let text = text.join("\n");
            let (mark, answers, helpful) = if lang == UiLang::En {
                ("[Question] Unlabelled drums", "1 answer", "helpful: 1")
            } else {
                ("[คำถาม] Unlabelled drums", "1 คำตอบ", "มีประโยชน์: 1")
            };
            for wanted in [mark, answers, helpful] {
                assert!(text.contains(wanted), "{code}: `{wanted}` in\n{text}");
            }
            insta::assert_snapshot!(
                format!("search_question_{width}x{height}_{code}"),
                terminal.backend()
            );
        }
    }
}

#[test]
fn enter_on_a_question_hit_opens_it_on_the_market_screen() {
    let (mut replica, urgent) = node();
    let ctx = as_user(&replica, "lek");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "/unlabelled drums<Enter>");
    let row = state.search.selected_row().expect("a hit");
    assert!(row.is_question(), "{row:?}");
    assert_eq!(row.id, urgent);
    press(&mut replica, &ctx, &mut state, "<Enter>");
    assert_eq!(state.screen, Screen::Market);
    let open = state.market.open.as_ref().expect("the question open");
    assert_eq!(open.view.summary.id, urgent);
    assert_eq!(open.view.summary.title, URGENT_TITLE);
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("Do not open them"), "its answer: {text}");
}

#[test]
fn the_kind_filter_ends_with_the_questions_alone() {
    let (mut replica, urgent) = node();
    let ctx = as_user(&replica, "lek");
    let mut state = started(&mut replica, &ctx, 120, 40, UiLang::En);
    press(&mut replica, &ctx, &mut state, "/drums<A-k>");
    // An article kind leaves the questions out.
    assert!(state.search.results.iter().all(|r| !r.is_question()));
    // After the five article kinds: the questions alone, shown on the kind chip.
    press(&mut replica, &ctx, &mut state, "<A-k><A-k><A-k><A-k><A-k>");
    let results = &state.search.results;
    assert!(results.iter().any(|r| r.id == urgent), "{results:?}");
    assert!(results.iter().all(|r| r.is_question()), "{results:?}");
    let chips = rows(&render(&state))[4].clone();
    assert!(chips.contains("Kind: questions"), "{chips}");
}
