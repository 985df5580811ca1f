//! Two-step evaluation on screen, in English and Thai: the Review queue (empty, and with a
//! step-2 and a step-1 submission), a submission's diff against the published text, the
//! comment line of a return (and a refusal in it), the reader's evaluation block for an
//! evaluator and for the author of a returned submission, and Home's evaluation rows.

use unicode_width::UnicodeWidthStr;

use super::tests::{LANGS, SIZES, render, rows};
use crate::tui::effects::{Context, perform, settle};
use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{press, started};
use crate::tui::state::fixtures_review::{IN_STEP2, LEKS_RETURNED, as_user, review_replica};
use crate::tui::state::{Overlay, Screen, State};
use crate::tui::update::Effect;

/// Renders what `keys` reach as `who`, checks every row fits and `check` holds, and snapshots
/// it as `name_WxH_lang`.
fn snap(name: &str, who: &str, keys: &str, sizes: &[(u16, u16)], check: impl Fn(&str, UiLang)) {
    let mut replica = review_replica();
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
fn the_queue_lists_what_waits_for_me_oldest_first_with_how_long_it_waited() {
    snap("review_queue", "nok", "V", &SIZES, |text, lang| {
        let step2 = text.find("False compartments in fuel tankers");
        let step1 = text.find("Inspecting timber imported across a land border");
        assert!(step2.is_some() && step1 > step2, "{text}");
        if lang == UiLang::En {
            assert!(text.contains("To review · 2 waiting"), "{text}");
            assert!(text.contains("waiting 3 days"), "{text}");
            assert!(text.contains("by lek@Chiang Khong"), "{text}");
            assert!(text.contains("a approve"), "the keys are hinted: {text}");
        }
    });
}

#[test]
fn an_officer_who_evaluates_nothing_sees_an_empty_queue_that_says_so() {
    snap(
        "review_queue_empty",
        "lek",
        "V",
        &SIZES[..1],
        |text, lang| {
            if lang == UiLang::En {
                assert!(text.contains("Nothing waits for you"), "{text}");
            }
        },
    );
}

#[test]
fn a_submission_opens_with_its_diff_against_the_published_text_at_the_first_change() {
    snap(
        "review_submission",
        "nok",
        "Vj<Enter>",
        &SIZES,
        |text, lang| {
            assert!(
                text.contains("+ - Phytosanitary certificate (original, not a copy), checked"),
                "{text}"
            );
            assert!(
                text.contains("- - Phytosanitary certificate (original, not a copy)."),
                "{text}"
            );
            if lang == UiLang::En {
                assert!(text.contains("+1 −1"), "{text}");
                assert!(
                    text.contains("Note: The register check caught two fakes"),
                    "{text}"
                );
            }
        },
    );
}

#[test]
fn a_new_article_is_shown_whole_as_added() {
    snap(
        "review_new_article",
        "nok",
        "<F10><Enter>",
        &SIZES[..1],
        |text, lang| {
            assert!(text.contains("+ Knock along the tank"), "{text}");
            if lang == UiLang::En {
                assert!(text.contains("A new article"), "{text}");
            }
        },
    );
}

#[test]
fn the_return_comment_line_shows_what_is_typed_and_what_enter_does() {
    snap(
        "review_return",
        "nok",
        "Vj<Enter>rCite the regulation",
        &SIZES[..1],
        |text, lang| {
            assert!(text.contains("Cite the regulation"), "{text}");
            if lang == UiLang::En {
                assert!(text.contains("Enter return"), "{text}");
            }
        },
    );
}

/// `nok` opens a submission, then votes on it from another terminal: the interface's vote is
/// refused by the core, said in the comment line, and the comment stays.
fn refused_state(lang: UiLang) -> (State, crate::core::Replica) {
    let mut replica = review_replica();
    // Failures are worded in the interface's language, as the event loop's context does.
    let ctx = as_user(&replica, "nok").with_catalog(crate::tui::i18n::Catalog::new(lang));
    let mut state = started(&mut replica, &ctx, 80, 24, lang);
    press(&mut replica, &ctx, &mut state, "V<Enter>");
    let nok = replica.resolve_user(Some("nok")).expect("nok");
    replica
        .review_approve(&nok, IN_STEP2, None, "from the command line")
        .expect("the first vote");
    press(&mut replica, &ctx, &mut state, "agood work<Enter>");
    (state, replica)
}

#[test]
fn a_refused_vote_is_said_in_the_comment_line_and_keeps_what_was_typed() {
    for (lang, code) in LANGS {
        let (state, _) = refused_state(lang);
        let Some(Overlay::Verdict(v)) = &state.overlay else {
            panic!("the comment line stays up: {:?}", state.overlay);
        };
        assert_eq!(v.input.text(), "good work");
        let error = v.error.clone().unwrap_or_default();
        assert!(error.contains("already voted"), "{error}");
        let text = rows(&render(&state)).join("\n");
        assert!(text.contains("good work"), "{text}");
        insta::assert_snapshot!(
            format!("review_refused_80x24_{code}"),
            render(&state).backend()
        );
    }
}

/// Opens `id` in the reader as the loop would after `Enter` on it.
fn read(replica: &mut crate::core::Replica, ctx: &Context, state: &mut State, id: &str) {
    let msg = perform(replica, ctx, Effect::OpenArticle(id.into())).expect("a message");
    settle(replica, ctx, state, msg);
    assert_eq!(state.screen, Screen::Reader);
}

#[test]
fn the_reader_shows_the_evaluation_state_and_every_vote() {
    let mut replica = review_replica();
    let ctx = as_user(&replica, "nok");
    for (lang, code) in LANGS {
        let mut state = started(&mut replica, &ctx, 80, 24, lang);
        read(&mut replica, &ctx, &mut state, IN_STEP2);
        let text = rows(&render(&state)).join("\n");
        assert!(text.contains("dao@Chiang Khong"), "{text}");
        assert!(text.contains("pim@Chiang Khong"), "{text}");
        if lang == UiLang::En {
            assert!(text.contains("step 2 · approved by 1 of 3"), "{text}");
            assert!(text.contains("“clear and useful”"), "{text}");
        }
        insta::assert_snapshot!(
            format!("reader_votes_80x24_{code}"),
            render(&state).backend()
        );
    }
}

#[test]
fn home_lists_what_waits_for_my_review_and_my_returned_submissions() {
    snap("home_evaluation", "nok", "", &SIZES, |text, lang| {
        assert!(text.contains("Counting logs on a"), "{text}");
        if lang == UiLang::En {
            assert!(text.contains("To review (2)"), "{text}");
            assert!(text.contains("step 2 · from "), "{text}");
            assert!(text.contains("Returned to me (1)"), "{text}");
            assert!(text.contains("1 comment"), "{text}");
        }
    });
}

#[test]
fn the_author_opens_a_returned_submission_from_home_and_reads_the_comment() {
    snap(
        "reader_returned",
        "lek",
        "<Enter>",
        &SIZES[..1],
        |text, lang| {
            assert!(text.contains("Fuel smuggled in jerrycans"), "{text}");
            assert!(
                text.contains("Name the border posts where this was seen."),
                "{text}"
            );
            if lang == UiLang::En {
                assert!(text.contains("returned to the author"), "{text}");
            }
        },
    );
    // The id is the one Home lists first for `lek`.
    let replica = review_replica();
    let lek = replica.resolve_user(Some("lek")).expect("lek");
    let returned = replica.returned_to(&lek).expect("returned");
    assert_eq!(returned[0].article, LEKS_RETURNED);
    assert_eq!(returned[0].comments, 1);
}
