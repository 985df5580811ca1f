//! The Knowledge Market screen in English and Thai: an expert's inbox (urgent first, with
//! where each question is), empty lists that say how they fill, a question with its answer,
//! helpful count and comment, and the answer line with a non-expert's refusal in it.

use unicode_width::UnicodeWidthStr;

use super::tests::{LANGS, SIZES, render, rows};
use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{press, started};
use crate::tui::state::fixtures_market::market_replica;
use crate::tui::state::fixtures_review::as_user;

/// Renders what `keys` reach as `who` (after `prepare` on the node), checks every row fits
/// and `check` holds, and snapshots it as `name_WxH_lang`.
fn snap(
    name: &str,
    who: &str,
    keys: &str,
    sizes: &[(u16, u16)],
    prepare: impl Fn(&mut crate::core::Replica, &str),
    check: impl Fn(&str, UiLang),
) {
    let (mut replica, urgent) = market_replica();
    prepare(&mut replica, &urgent);
    let ctx = as_user(&replica, who);
    for &(width, height) in sizes {
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
fn an_experts_inbox_lists_the_urgent_question_first_with_where_each_is() {
    snap(
        "market_inbox",
        "nok",
        "Q",
        &SIZES,
        |_, _| {},
        |text, lang| {
            let urgent = text.find("Unlabelled drums of solvent");
            let timber = text.find("Are sawn teak boards under 4407?");
            assert!(urgent.is_some() && timber > urgent, "{text}");
            if lang == UiLang::En {
                assert!(text.contains("[Inbox]"), "{text}");
                assert!(text.contains("[URGENT]"), "{text}");
                assert!(text.contains("lek@Chiang Khong"), "{text}");
                assert!(text.contains("answered"), "{text}");
            } else {
                assert!(text.contains("[ด่วน]"), "{text}");
            }
        },
    );
}

#[test]
fn empty_lists_say_how_they_fill() {
    snap(
        "market_inbox_empty",
        "pim",
        "Q",
        &SIZES[..1],
        |_, _| {},
        |text, lang| {
            if lang == UiLang::En {
                assert!(text.contains("No questions in your categories"), "{text}");
            }
        },
    );
    snap(
        "market_mine_empty",
        "pim",
        "Q<Tab>",
        &SIZES[..1],
        |_, _| {},
        |text, lang| {
            if lang == UiLang::En {
                assert!(text.contains("You have not asked a question"), "{text}");
            }
        },
    );
}

#[test]
fn a_question_shows_its_asker_body_answers_with_helpful_counts_and_comments() {
    let prepare = |r: &mut crate::core::Replica, urgent: &str| {
        let pim = r.resolve_user(Some("pim")).expect("pim");
        r.set_helpful(&pim, &answer_of(r, urgent), true)
            .expect("helpful");
        r.comment(
            &pim,
            urgent,
            None,
            "Same drums came through Mukdahan last week.",
        )
        .expect("comment");
        let lek = r.resolve_user(Some("lek")).expect("lek");
        r.accept(&lek, urgent, &answer_of(r, urgent))
            .expect("accept");
    };
    snap(
        "market_question",
        "lek",
        "Q<Tab><Enter>",
        &SIZES,
        prepare,
        |text, lang| {
            if lang == UiLang::En {
                assert!(text.contains("asked by lek@Chiang Khong"), "{text}");
                assert!(text.contains("Twenty blue drums"), "{text}");
                assert!(text.contains("Answers (1)"), "{text}");
                assert!(text.contains("nok@Chiang Khong"), "{text}");
                assert!(text.contains("✓ accepted"), "{text}");
                assert!(text.contains("1 found it helpful"), "{text}");
                assert!(text.contains("Comments (1)"), "{text}");
                assert!(text.contains("Mukdahan"), "{text}");
            }
        },
    );
}

fn answer_of(r: &crate::core::Replica, question: &str) -> String {
    let lek = r.resolve_user(Some("lek")).expect("lek");
    r.question(&lek, question).expect("question").answers[0]
        .id
        .clone()
}

#[test]
fn the_answer_line_shows_a_non_experts_refusal_with_the_text_kept() {
    snap(
        "market_answer_refused",
        "pim",
        "Q<Tab><Tab><Enter>aOpen one drum<Enter>",
        &SIZES[..1],
        |_, _| {},
        |text, lang| {
            assert!(text.contains("Open one drum"), "{text}");
            assert!(text.contains("not an expert"), "{text}");
            if lang == UiLang::En {
                assert!(text.contains("Answer “Unlabelled drums"), "{text}");
            }
        },
    );
}
