//! Communities, Mileage and Statistics at 80×24 and 120×40 in English and Thai, on the demo
//! node with a community, a second member from the same node and an outcome linking a demo
//! article: reached by F7, F8 and F9, every row the terminal's width.

use unicode_width::UnicodeWidthStr;

use super::tests::{LANGS, SIZES, render, rows};
use crate::model::Role;
use crate::tui::state::Screen;
use crate::tui::state::fixtures::{context, demo_replica, press, started};

fn with_a_community() -> crate::core::Replica {
    let mut replica = demo_replica();
    let admin = replica.resolve_user(None).expect("the only account");
    let lek = replica
        .add_user(&admin, "lek", Role::Officer, None)
        .expect("second account");
    replica
        .cop_create(
            &admin,
            "Timber inspection",
            "Logs, sawn wood and their papers",
            None,
        )
        .expect("founded");
    replica.cop_join(&lek, "Timber inspection").expect("joined");
    replica
        .cop_outcome(
            &admin,
            "Timber inspection",
            "Land-border checklist agreed",
            "2026-11-20",
            &["timber-inspection-land-border".to_string()],
        )
        .expect("outcome");
    replica
        .cop_create(&lek, "Seals and locks", "", None)
        .expect("founded");
    replica
}

#[test]
fn the_participation_screens_draw_their_charts_in_both_languages() {
    let mut replica = with_a_community();
    let ctx = context(&replica);
    for (width, height) in SIZES {
        for (lang, code) in LANGS {
            for (keys, screen, name) in [
                ("<F7>", Screen::Communities, "communities"),
                ("<F8>", Screen::Mileage, "mileage"),
                ("<F9>", Screen::Statistics, "statistics"),
            ] {
                let mut state = started(&mut replica, &ctx, width, height, lang);
                press(&mut replica, &ctx, &mut state, keys);
                assert_eq!(state.screen, screen);
                let text = rows(&render(&state));
                assert!(
                    text.iter().all(|r| r.width() == usize::from(width)),
                    "{code}: {text:#?}"
                );
                insta::assert_snapshot!(
                    format!("{name}_{width}x{height}_{code}"),
                    render(&state).backend()
                );
            }
        }
    }
}

#[test]
fn communities_show_the_selected_ones_members_and_outcomes() {
    let mut replica = with_a_community();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, LANGS[0].0);
    press(&mut replica, &ctx, &mut state, "<F7>");
    assert_eq!(state.communities.shown(), 2);
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains(">Seals and locks"), "{text}");
    press(&mut replica, &ctx, &mut state, "j");
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains(">Timber inspection"), "{text}");
    assert!(
        text.contains("lek@Chiang Khong, somchai@Chiang Khong"),
        "{text}"
    );
    assert!(text.contains("Land-border checklist agreed"), "{text}");
    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert_ne!(state.screen, Screen::Communities);
}

#[test]
fn the_leaderboard_leads_with_the_most_points_and_counts_the_outcome() {
    let mut replica = with_a_community();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, LANGS[0].0);
    press(&mut replica, &ctx, &mut state, "<F8>");
    let board = state.mileage.board.as_ref().expect("loaded");
    assert_eq!(board.people[0].name, "somchai@Chiang Khong");
    // Every published demo article is somchai's, and the outcome adds 5.
    assert_eq!(board.people[0].points % 10, 5);
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains(&board.people[0].points.to_string()), "{text}");
}
