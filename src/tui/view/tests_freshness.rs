//! Freshness and required reading on the interface: Home lists what the user must read and the
//! stale articles they own; the Reader sends readers of a superseded article to its successor.

use unicode_width::UnicodeWidthStr;

use super::tests::{LANGS, SIZES, render, rows};
use crate::model::{Audience, Status};
use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{context, demo_replica, press, started};

const TIMBER: &str = "timber-inspection-land-border";

/// The demo node with the timber article required of Chiang Khong and superseded by another
/// published article, which is flagged; returns the successor's id and title.
fn fresh_replica() -> (crate::Replica, String, String) {
    let mut replica = demo_replica();
    let user = replica.resolve_user(None).expect("the only account");
    replica
        .require(
            &user,
            TIMBER,
            Audience::Office("Chiang Khong".into()),
            "2026-12-31",
        )
        .expect("required");
    let next = replica
        .list_articles(&crate::core::ArticleFilter {
            status: Some(Status::Published),
            ..Default::default()
        })
        .expect("list")
        .into_iter()
        .find(|r| r.id.as_str() != TIMBER)
        .expect("another article");
    replica
        .supersede(&user, TIMBER, next.id.as_str())
        .expect("superseded");
    replica
        .flag(&user, next.id.as_str(), "the form changed")
        .expect("flagged");
    (replica, next.id.to_string(), next.content.title)
}

#[test]
fn home_lists_required_reading_and_my_stale_articles_and_the_reader_names_the_successor() {
    let (mut replica, next, next_title) = fresh_replica();
    let ctx = context(&replica);
    for (width, height) in SIZES {
        for (lang, code) in LANGS {
            let mut state = started(&mut replica, &ctx, width, height, lang);
            let terminal = render(&state);
            let home = rows(&terminal).join("\n");
            if lang == UiLang::En && width == 80 {
                assert!(home.contains("read by 2026-12-31"), "{home}");
            }
            if lang == UiLang::En {
                assert!(home.contains("Required reading (1)"), "{home}");
                assert!(home.contains("My stale articles (1)"), "{home}");
            }
            insta::assert_snapshot!(
                format!("home_freshness_{width}x{height}_{code}"),
                terminal.backend()
            );
            press(
                &mut replica,
                &ctx,
                &mut state,
                "/timber inspection<Enter><Enter>",
            );
            let laid: String = state
                .reader()
                .expect("reader")
                .laid
                .rendered
                .lines
                .iter()
                .map(|l| l.0.iter().map(|(t, _)| t.as_str()).collect::<String>() + "\n")
                .collect();
            // The successor's id may wrap; the line names it whole.
            assert!(laid.replace('\n', "").contains(&next), "{code}: {laid}");
            if lang == UiLang::En {
                assert!(
                    laid.contains(&format!("Superseded by {next_title}")),
                    "{laid}"
                );
            }
            let terminal = render(&state);
            let text = rows(&terminal);
            assert!(text.iter().all(|r| r.width() == usize::from(width)));
            insta::assert_snapshot!(
                format!("reader_superseded_{width}x{height}_{code}"),
                terminal.backend()
            );
        }
    }
}
