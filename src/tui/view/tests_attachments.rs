//! The reader of an article with attachments: a photo with a caption and a PDF whose text could
//! not be read, listed under the metadata, in English and Thai; pinned by insta.

use unicode_width::UnicodeWidthStr;

use super::reader_layout;
use super::tests::{LANGS, SIZES, render, rows};
use crate::core::attachment_samples;
use crate::tui::i18n::UiLang;
use crate::tui::keymap::{Key, KeyCode};
use crate::tui::picture::Shown;
use crate::tui::state::State;
use crate::tui::state::fixtures::{context, demo_replica, press, started};
use crate::tui::update::{Effect, Msg, update};

#[test]
fn reader_lists_attachments_under_the_metadata() {
    let mut replica = demo_replica();
    let user = replica.resolve_user(None).expect("the only account");
    let id = "timber-inspection-land-border";
    replica
        .attach(
            &user,
            id,
            "seal-0412.png",
            &attachment_samples::png(7, 48_000),
            "Broken seal, truck 70-1234",
        )
        .expect("photo");
    let mut scan = b"%PDF-1.4\n".to_vec();
    scan.extend_from_slice(&[0xCD; 2_000]);
    replica
        .attach(&user, id, "permit-scan.pdf", &scan, "")
        .expect("a PDF that cannot be read is attached");
    let ctx = context(&replica);
    for (width, height) in SIZES {
        for (lang, code) in LANGS {
            let mut state = started(&mut replica, &ctx, width, height, lang);
            press(
                &mut replica,
                &ctx,
                &mut state,
                "/timber inspection<Enter><Enter>",
            );
            let terminal = render(&state);
            let text = rows(&terminal);
            assert!(
                text.iter().all(|r| r.width() == usize::from(width)),
                "{code}: {text:#?}"
            );
            let text = text.join("\n");
            assert!(text.contains("seal-0412.png · image/png · 48 KB"), "{text}");
            assert!(text.contains("permit-scan.pdf"), "{text}");
            let label = if lang == UiLang::En {
                "Files"
            } else {
                "ไฟล์แนบ"
            };
            assert!(text.contains(label), "{text}");
            insta::assert_snapshot!(
                format!("reader_attachments_{width}x{height}_{code}"),
                terminal.backend()
            );
        }
    }
}

/// The timber article with `bytes` attached as `seal.png`, read in the reader at 80×24 in
/// `lang`, scrolled so that the picture's rows are all on the page.
fn reader_with_picture(
    bytes: &[u8],
    lang: UiLang,
) -> (ratatui::Terminal<ratatui::backend::TestBackend>, State) {
    let mut replica = demo_replica();
    let user = replica.resolve_user(None).expect("the only account");
    let id = "timber-inspection-land-border";
    replica
        .attach(&user, id, "seal.png", bytes, "Broken seal, truck 70-1234")
        .expect("attached");
    // The worker words its reasons in the interface's language, as the loop's context does.
    let ctx = context(&replica).with_catalog(crate::tui::i18n::Catalog::new(lang));
    let mut state = started(&mut replica, &ctx, 80, 24, lang);
    press(
        &mut replica,
        &ctx,
        &mut state,
        "/timber inspection<Enter><Enter><Down><Down><Down>",
    );
    let reader = state.reader().expect("the reader is open");
    let slot = reader.laid.pictures.first().expect("a picture slot");
    let page = reader_layout(state.area()).page_height();
    assert!(
        slot.line >= reader.scroll && slot.line + usize::from(slot.rows) <= reader.scroll + page,
        "the picture's rows are on the page"
    );
    (render(&state), state)
}

#[test]
fn the_reader_draws_an_attached_photo_in_half_blocks() {
    let photo = attachment_samples::photo_png(400, 300);
    for (lang, code) in LANGS {
        let (terminal, state) = reader_with_picture(&photo, lang);
        let reader = state.reader().expect("reader");
        let key = reader.laid.pictures[0].key();
        assert!(
            matches!(state.pictures.get(&key), Some(Shown::Ready(_))),
            "decoded and fitted by the effect: {:?}",
            state.pictures.get(&key)
        );
        let text = rows(&terminal).join("\n");
        let blocks = text.chars().filter(|c| matches!(c, '▀' | '▄')).count();
        // A 4:3 photo in 10 rows of half-blocks (20 pixels high) is about 27 columns wide.
        assert!(blocks > 100, "{code}: {blocks} half-blocks\n{text}");
        assert!(text.contains("▣ seal.png · Broken seal"), "{text}");
        insta::assert_snapshot!(format!("reader_picture_80x24_{code}"), terminal.backend());
    }
}

#[test]
fn a_damaged_photo_shows_a_placeholder_with_the_reason() {
    let mut photo = attachment_samples::photo_png(400, 300);
    photo.truncate(photo.len() / 3);
    for (lang, code) in LANGS {
        let (terminal, state) = reader_with_picture(&photo, lang);
        let text = rows(&terminal).join("\n");
        assert!(!text.contains('▀'), "nothing is drawn of it");
        let said = if lang == UiLang::En {
            "seal.png cannot be shown: the file is damaged"
        } else {
            "แสดง seal.png ไม่ได้: ไฟล์เสียหาย"
        };
        assert!(text.contains(said), "{code}: {text}");
        assert!(
            !state.pictures.is_empty()
                && state
                    .pictures
                    .values()
                    .all(|s| matches!(s, Shown::Unshowable(_)))
        );
        insta::assert_snapshot!(
            format!("reader_picture_damaged_80x24_{code}"),
            terminal.backend()
        );
    }
}

#[test]
fn a_picture_is_loaded_once_for_its_size_and_again_after_a_resize() {
    let mut replica = demo_replica();
    let user = replica.resolve_user(None).expect("the only account");
    let id = "timber-inspection-land-border";
    let photo = attachment_samples::photo_png(64, 48);
    replica
        .attach(&user, id, "seal.png", &photo, "")
        .expect("attached");
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(
        &mut replica,
        &ctx,
        &mut state,
        "/timber inspection<Enter><Enter>",
    );
    let loads = |effects: &[Effect]| {
        effects
            .iter()
            .filter(|e| matches!(e, Effect::LoadPicture(_)))
            .count()
    };
    // Already there: scrolling asks for nothing.
    let effects = update(&mut state, Msg::Key(Key::new(KeyCode::Down)));
    assert_eq!(loads(&effects), 0);
    // A new width is a new size: asked for once, and shown as loading until it comes.
    let effects = update(
        &mut state,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    assert_eq!(loads(&effects), 1, "{effects:?}");
    let key = state.reader().expect("reader").laid.pictures[0].key();
    assert_eq!(state.pictures.get(&key), Some(&Shown::Loading));
    let terminal = render(&state);
    assert!(
        rows(&terminal)
            .join("\n")
            .contains("seal.png: loading the picture…")
    );
}
