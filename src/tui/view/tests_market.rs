//! The reader of an article with comments and helpful votes: the count under the metadata and
//! the threaded comments after the body, in English and Thai; pinned by insta. An article
//! without them shows neither (the other reader snapshots).

use unicode_width::UnicodeWidthStr;

use super::tests::{LANGS, SIZES, render, rows};
use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{context, demo_replica, press, started};

#[test]
fn reader_shows_the_helpful_count_and_the_comments_threaded_after_the_body() {
    let mut replica = demo_replica();
    let admin = replica.resolve_user(None).expect("the only account");
    let id = "timber-inspection-land-border";
    let top = replica
        .comment(
            &admin,
            id,
            None,
            "Teak logs from Laos need a CITES permit too.",
        )
        .expect("comment");
    replica
        .comment(&admin, id, Some(&top), "ไม้สักต้องมีใบอนุญาตด้วย")
        .expect("reply");
    replica.set_helpful(&admin, id, true).expect("helpful");
    let ctx = context(&replica);
    for (width, height) in SIZES {
        for (lang, code) in LANGS {
            let mut state = started(&mut replica, &ctx, width, height, lang);
            press(
                &mut replica,
                &ctx,
                &mut state,
                "/timber inspection<Enter><Enter><End>",
            );
            let terminal = render(&state);
            let text = rows(&terminal);
            assert!(
                text.iter().all(|r| r.width() == usize::from(width)),
                "{code}: {text:#?}"
            );
            let all = state
                .readers
                .last()
                .expect("a reader")
                .laid
                .rendered
                .lines
                .iter()
                .map(|l| l.0.iter().map(|(t, _)| t.as_str()).collect::<String>())
                .collect::<Vec<_>>()
                .join("\n");
            let (helpful, comments) = if lang == UiLang::En {
                ("1 found it helpful", "Comments (1)")
            } else {
                ("1 คนเห็นว่ามีประโยชน์", "ความคิดเห็น (1)")
            };
            assert!(all.contains(helpful), "{all}");
            assert!(all.contains(comments), "{all}");
            assert!(all.contains("CITES permit"), "{all}");
            assert!(all.contains("↳ somchai@"), "the reply is indented: {all}");
            insta::assert_snapshot!(
                format!("reader_market_{width}x{height}_{code}"),
                terminal.backend()
            );
        }
    }
}
