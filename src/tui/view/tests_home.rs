//! Home's "New comments (n)" for the author, with a comment row selected, in both sizes and
//! languages.

use unicode_width::UnicodeWidthStr;

use super::tests::{LANGS, SIZES, render, rows};
use crate::model::Role;
use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{demo_replica, press, started};
use crate::tui::state::fixtures_review::as_user;
use crate::tui::state::lists::HomeItem;

const TIMBER: &str = "timber-inspection-land-border";

#[test]
fn home_lists_new_comments_on_my_articles_and_selects_them() {
    let mut replica = demo_replica();
    let admin = replica.resolve_user(None).expect("the only account");
    let lek = replica
        .add_user(&admin, "lek", Role::Officer, None)
        .expect("account");
    let mine = replica
        .comment(&admin, TIMBER, None, "Photos of the end grain to follow.")
        .expect("my comment");
    replica
        .comment(&lek, TIMBER, Some(&mine), "Please add one of the bark too.")
        .expect("reply");
    replica
        .comment(
            &lek,
            "container-seal-checks",
            None,
            "Does this cover bolt seals?",
        )
        .expect("comment");
    let ctx = as_user(&replica, "somchai");
    for (width, height) in SIZES {
        for (lang, code) in LANGS {
            let mut state = started(&mut replica, &ctx, width, height, lang);
            let at = state
                .home
                .items()
                .iter()
                .position(|i| matches!(i, HomeItem::Read(_)))
                .expect("a comment row");
            press(&mut replica, &ctx, &mut state, &"<Down>".repeat(at));
            let terminal = render(&state);
            let text = rows(&terminal);
            assert!(text.iter().all(|r| r.width() == usize::from(width)));
            let home = text.join("\n");
            if lang == UiLang::En {
                assert!(home.contains("New comments (2)"), "{home}");
                assert!(home.contains("lek@Chiang Khong"), "{home}");
            }
            // The newest first, and it is the one selected.
            let selected = text
                .iter()
                .find(|r| r.contains("> "))
                .expect("a selected row");
            assert!(selected.to_lowercase().contains("seal"), "{selected}");
            insta::assert_snapshot!(
                format!("home_new_comments_{width}x{height}_{code}"),
                terminal.backend()
            );
        }
    }
}
