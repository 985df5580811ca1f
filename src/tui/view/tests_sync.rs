//! The Sync screen and the import confirmation, rendered at 80×24 and 120×40 in English and
//! Thai: the report of a dry run scrolls inside its box and the keys that answer stay in view.

use super::tests::{LANGS, SIZES, render, rows};
use crate::tui::keymap::Key;
use crate::tui::state::fixtures::{context, demo_replica, started};
use crate::tui::state::{Overlay, State};
use crate::tui::update::{Msg, update};

fn report() -> Vec<String> {
    let mut lines = vec![
        "1 bundle(s) from Post A".to_string(),
        "would bring 42 new changes (0 already here, 0 waiting for earlier ones)".to_string(),
        "new articles: 7".to_string(),
    ];
    for i in 1..=16 {
        lines.push(format!(
            "skipped: /media/usb/DCIM/IMG_{i:04}.jpg — not a bundle"
        ));
    }
    lines.push("updated articles: 3".to_string());
    lines.push(
        "in conflict (both versions kept): timber-inspection-land-border".to_string(),
    );
    lines
}

fn keys(state: &mut State, keys: &str) {
    for key in Key::parse_seq(keys).expect("keys") {
        update(state, Msg::Key(key));
    }
}

#[test]
fn the_import_report_scrolls_and_its_keys_stay_on_screen() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    for (width, height) in SIZES {
        for (lang, code) in LANGS {
            let mut state = started(&mut replica, &ctx, width, height, lang);
            update(
                &mut state,
                Msg::DryRun {
                    path: "/media/usb".into(),
                    report: report(),
                },
            );
            let key_hint = state.i18n.t("confirm.import_keys").to_string();
            let text = rows(&render(&state)).join("\n");
            assert!(text.contains(&key_hint), "{code} {width}: {text}");
            insta::assert_snapshot!(
                format!("import_confirm_{width}x{height}_{code}"),
                render(&state).backend()
            );
            // The end of the report is reached with the keys, and the keys are still shown.
            keys(&mut state, "<PageDown><PageDown><PageDown>");
            let text = rows(&render(&state)).join("\n");
            assert!(text.contains(&key_hint), "{code} {width}: {text}");
            assert!(text.contains("timber-inspection-land-border"), "{text}");
            assert!(text.contains("updated articles: 3"), "{text}");
            if height == 24 {
                insta::assert_snapshot!(
                    format!("import_confirm_end_{width}x{height}_{code}"),
                    render(&state).backend()
                );
            }
            // Scrolling answers nothing: the question is still open.
            assert!(matches!(state.overlay, Some(Overlay::Confirm(_))));
            keys(&mut state, "n");
            assert!(state.overlay.is_none());
        }
    }
}
