//! The Sync screen and the import confirmation, rendered at 80×24 and 120×40 in English and
//! Thai: the report of a dry run scrolls inside its box and the keys that answer stay in view.

use super::tests::{LANGS, SIZES, render, rows};
use crate::tui::i18n::UiLang;
use crate::tui::keymap::Key;
use crate::tui::state::fixtures::{context, demo_replica, press, started};
use crate::tui::state::{Overlay, State};
use crate::tui::update::{Msg, update};

fn report() -> Vec<String> {
    let mut lines = vec![
        "1 bundle from Post A".to_string(),
        "would bring 42 new changes (0 already here, 0 waiting for earlier ones)".to_string(),
        "new articles: 7".to_string(),
    ];
    for i in 1..=16 {
        lines.push(format!(
            "skipped: /media/usb/DCIM/IMG_{i:04}.jpg — not a bundle"
        ));
    }
    lines.push("updated articles: 3".to_string());
    lines.push("in conflict (both versions kept): timber-inspection-land-border".to_string());
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

/// HQ (the demo node) with two posts enrolled.
fn hq_with_posts() -> crate::core::Replica {
    let mut hq = demo_replica();
    let admin = hq.resolve_user(None).expect("admin");
    for office in ["Mae Sai", "Chiang Saen"] {
        hq.enrol(&admin, office).expect("enrol");
    }
    hq
}

#[test]
fn hq_picks_the_post_a_bundle_is_for_and_never_replaces_one_on_the_stick() {
    let mut replica = hq_with_posts();
    let ctx = context(&replica);
    let usb = tempfile::tempdir().expect("stick");
    let usb_path = usb.path().display().to_string();
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "S");
    let offices: Vec<&str> = state.sync.peers.iter().map(|p| p.office.as_str()).collect();
    assert_eq!(offices, ["Chiang Saen", "Mae Sai"]);
    assert!(state.sync.peers.iter().all(|p| p.lacks > 0));
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("Sync with the posts"), "{text}");
    assert!(
        text.contains("Chiang Saen · lacks") && text.contains("(1/2)"),
        "{text}"
    );

    // PgDn picks Mae Sai; a bundle for it goes into the folder under a new name, twice.
    press(
        &mut replica,
        &ctx,
        &mut state,
        &format!("<PageDown><C-u>{usb_path}<Enter>"),
    );
    press(&mut replica, &ctx, &mut state, "<Enter>");
    let mut names: Vec<String> = std::fs::read_dir(usb.path())
        .expect("stick")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "chiang-khong-to-mae-sai-2026-11-02-1.bundle",
            "chiang-khong-to-mae-sai-2026-11-02-2.bundle"
        ],
        "{:?}",
        state.message
    );
    let bytes = std::fs::read(usb.path().join(&names[0])).expect("bundle");
    let bundle = crate::sync::bundle::decode("b", &bytes).expect("a bundle");
    let mae_sai = &state.sync.peers[1];
    assert_eq!(bundle.header.recipient.to_string(), mae_sai.node);
}

#[test]
fn the_sync_screen_on_hq_lists_the_posts() {
    let mut replica = hq_with_posts();
    let ctx = context(&replica);
    for (width, height) in SIZES {
        for (lang, code) in LANGS {
            let mut state = started(&mut replica, &ctx, width, height, lang);
            press(&mut replica, &ctx, &mut state, "S<PageDown>");
            let terminal = render(&state);
            insta::assert_snapshot!(
                format!("sync_hq_{width}x{height}_{code}"),
                terminal.backend()
            );
        }
    }
}

#[test]
fn the_demo_node_says_so_in_the_top_bar() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    for (lang, code) in LANGS {
        let mut state = started(&mut replica, &ctx, 80, 24, lang);
        let top = rows(&render(&state))[0].clone();
        assert!(!top.contains(state.i18n.t("demo.badge")), "{top}");
        if let Some(home) = state.home.data.as_mut() {
            home.demo = true;
        }
        let terminal = render(&state);
        let top = rows(&terminal)[0].clone();
        assert!(
            top.contains(&format!("{} · somchai", state.i18n.t("demo.badge"))),
            "{top}"
        );
        insta::assert_snapshot!(format!("home_demo_80x24_{code}"), terminal.backend());
    }
}

#[test]
fn a_failed_import_is_explained_in_full_on_the_sync_screen() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let usb = tempfile::tempdir().expect("stick");
    std::fs::write(usb.path().join("photo.jpg"), b"\xff\xd8 not a bundle").expect("photo");
    std::fs::write(usb.path().join("notes.txt"), b"call HQ on Monday").expect("notes");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    let keys = format!("S<Tab>{}<Enter>", usb.path().display());
    press(&mut replica, &ctx, &mut state, &keys);
    let text = rows(&render(&state)).join("\n");
    // The reason ends with the last skipped file, wrapped inside the panel.
    assert!(text.contains("holds no bundle for this node"), "{text}");
    assert!(text.contains("photo.jpg — not a"), "{text}");
    assert!(text.contains("bundle): bundles are the files"), "{text}");
}

#[test]
fn a_report_and_a_failure_on_the_sync_screen_are_in_the_interface_language() {
    let mut replica = demo_replica();
    let ctx = context(&replica).with_catalog(crate::tui::i18n::Catalog::new(UiLang::Th));
    let usb = tempfile::tempdir().expect("stick");
    let note = usb.path().join("notes.txt");
    std::fs::write(&note, b"call HQ on Monday").expect("notes");
    let mut state = started(&mut replica, &ctx, 200, 50, UiLang::Th);
    let keys = format!("S<Tab>{}<Enter>", note.display());
    press(&mut replica, &ctx, &mut state, &keys);
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("ไม่ใช่บันเดิลของ Outpost"), "{text}");
    assert!(!text.contains("is not an Outpost bundle"), "{text}");
    // HQ without a post: the export says so in Thai too.
    let mut state = started(&mut replica, &ctx, 200, 50, UiLang::Th);
    let keys = format!("S<C-u>{}<Enter>", usb.path().display());
    press(&mut replica, &ctx, &mut state, &keys);
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("ยังไม่มีด่านที่ลงทะเบียน"), "{text}");
}

#[test]
fn a_long_path_that_is_not_focused_shows_its_start() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    let long = "/media/officer/KINGSTON-USB-STICK/outpost/bundles/for-headquarters/2026/december";
    let keys = format!("S<C-u>{long}<Tab>");
    press(&mut replica, &ctx, &mut state, &keys);
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("[/media/officer/KINGSTON"), "{text}");
}
