//! The reader of an article with attachments: a photo with a caption and a PDF whose text could
//! not be read, listed under the metadata, in English and Thai; pinned by insta.

use unicode_width::UnicodeWidthStr;

use super::tests::{LANGS, SIZES, render, rows};
use crate::core::attachment_samples;
use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{context, demo_replica, press, started};

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
