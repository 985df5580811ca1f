//! An article in conflict on every face of the interface: Home lists it, the Reader shows every
//! version by office and the body merged with markers, the editor starts from that text, and
//! saving with markers left in is refused.

use unicode_width::UnicodeWidthStr;

use super::tests::{LANGS, SIZES, render, rows};
use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{conflict_replica, context, press, started};
use crate::tui::state::{Screen, State};

fn screen_text(state: &State) -> String {
    rows(&render(state)).join("\n")
}

#[test]
fn home_lists_the_conflict_and_the_reader_shows_both_versions_by_office() {
    let mut replica = conflict_replica();
    let ctx = context(&replica);
    for (width, height) in SIZES {
        for (lang, code) in LANGS {
            let mut state = started(&mut replica, &ctx, width, height, lang);
            let home = screen_text(&state);
            if lang == UiLang::En {
                assert!(home.contains("In conflict (1)"), "{home}");
            }
            let terminal = render(&state);
            insta::assert_snapshot!(
                format!("home_conflict_{width}x{height}_{code}"),
                terminal.backend()
            );
            press(&mut replica, &ctx, &mut state, "<Enter>");
            assert_eq!(state.screen, Screen::Reader);
            let laid: Vec<String> = state
                .reader()
                .expect("reader")
                .laid
                .rendered
                .lines
                .iter()
                .map(|l| l.0.iter().map(|(t, _)| t.as_str()).collect())
                .collect();
            let laid = laid.join("\n");
            for shown in [
                "stamped at HQ",
                "or a certified copy",
                "Chiang Khong · somchai",
                "Post A · somchai",
                "<<<<<<< ",
                ">>>>>>> ",
            ] {
                assert!(laid.contains(shown), "{code}: {shown} missing from {laid}");
            }
            let terminal = render(&state);
            let text = rows(&terminal);
            assert!(text.iter().all(|r| r.width() == usize::from(width)));
            insta::assert_snapshot!(
                format!("reader_conflict_{width}x{height}_{code}"),
                terminal.backend()
            );
        }
    }
}

#[test]
fn resolving_starts_from_both_versions_and_refuses_markers_left_in() {
    let mut replica = conflict_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "<Enter>R");
    assert_eq!(state.screen, Screen::Editor);
    let body = state.editor.as_ref().expect("editor").body.text();
    assert!(body.contains("stamped at HQ") && body.contains("or a certified copy"));
    assert!(
        body.contains("<<<<<<< ") && body.contains(">>>>>>> "),
        "{body}"
    );

    press(&mut replica, &ctx, &mut state, "<C-s>");
    let message = state.message.clone().expect("a message");
    assert!(message.error, "{message:?}");
    assert!(message.text.contains("conflict markers"), "{message:?}");
    let id = "timber-inspection-land-border";
    assert!(replica.article(id).expect("article").record.in_conflict());

    // Keep HQ's line, drop the markers and the post's line: saved, and resolved.
    let editor = state.editor.as_mut().expect("editor");
    let kept: Vec<&str> = body
        .lines()
        .filter(|l| {
            !l.starts_with("<<<<<<< ")
                && !l.starts_with(">>>>>>> ")
                && *l != "======="
                && !l.contains("or a certified copy")
        })
        .collect();
    editor.body = crate::tui::textarea::TextArea::new(&(kept.join("\n") + "\n"));
    press(&mut replica, &ctx, &mut state, "<C-s>");
    let record = replica.article(id).expect("article").record;
    assert!(!record.in_conflict(), "{:?}", state.message);
    assert!(record.content.body.contains("stamped at HQ"));
}

#[test]
fn resolve_in_the_palette_says_so_when_nothing_is_in_conflict() {
    let mut replica = crate::tui::state::fixtures::demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, ":resolve<Enter>");
    let message = state.message.clone().expect("a message");
    assert!(
        message.text.contains("No article is in conflict"),
        "{message:?}"
    );
}
