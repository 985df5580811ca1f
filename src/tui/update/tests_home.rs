//! Home's rows lead somewhere: every row of "what needs me" is reached with the arrow keys and
//! `Enter` opens it — required reading and my stale articles in the reader, a submission to
//! review on the Review screen, a new comment in the reader, after which it is no longer new.

use crate::model::{Audience, Role, Status};
use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{context, demo_replica, press, started};
use crate::tui::state::fixtures_review::{PROPOSAL, as_user, review_replica};
use crate::tui::state::lists::HomeItem;
use crate::tui::state::{Screen, State};

const TIMBER: &str = "timber-inspection-land-border";

/// The keys that move Home's selection from the top to the row where `pick` holds.
fn down_to(state: &State, pick: impl Fn(&HomeItem) -> bool) -> String {
    let at = state
        .home
        .items()
        .iter()
        .position(pick)
        .expect("the row is listed");
    "<Down>".repeat(at)
}

fn reading(state: &State) -> Option<&str> {
    state.reader().map(|r| r.laid.doc.id.as_str())
}

#[test]
fn required_reading_and_stale_rows_open_the_reader() {
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
    let flagged = replica
        .list_articles(&crate::core::ArticleFilter {
            status: Some(Status::Published),
            ..Default::default()
        })
        .expect("list")
        .into_iter()
        .find(|r| r.id.as_str() != TIMBER)
        .expect("another article")
        .id
        .to_string();
    replica
        .flag(&user, &flagged, "the form changed")
        .expect("flagged");
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    let home = state.home.data.clone().expect("home");
    assert_eq!(home.required.len(), 1);
    assert_eq!(home.stale.len(), 1);

    let keys = down_to(&state, |i| *i == HomeItem::Read(TIMBER));
    press(&mut replica, &ctx, &mut state, &format!("{keys}<Enter>"));
    assert_eq!(state.screen, Screen::Reader);
    assert_eq!(reading(&state), Some(TIMBER));

    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert_eq!(state.screen, Screen::Home);
    press(&mut replica, &ctx, &mut state, "g");
    let keys = down_to(&state, |i| *i == HomeItem::Read(&flagged));
    press(&mut replica, &ctx, &mut state, &format!("{keys}<Enter>"));
    assert_eq!(reading(&state), Some(flagged.as_str()));
}

#[test]
fn a_to_review_row_opens_that_submission_and_esc_shows_it_selected_in_the_queue() {
    let mut replica = review_replica();
    let ctx = as_user(&replica, "nok");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    let queue: Vec<String> = state
        .home
        .items()
        .iter()
        .filter_map(|i| match i {
            HomeItem::Review(q) => Some(q.article.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(queue.len(), 2, "one row per submission: {queue:?}");
    let keys = down_to(
        &state,
        |i| matches!(i, HomeItem::Review(q) if q.article == PROPOSAL),
    );
    assert_eq!(keys, "<Down>", "the second submission");
    press(&mut replica, &ctx, &mut state, &format!("{keys}<Enter>"));
    assert_eq!(state.screen, Screen::Review);
    let open = state.review.open.as_ref().expect("the submission is open");
    assert_eq!(open.view.article, PROPOSAL);
    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert!(state.review.open.is_none());
    assert_eq!(
        state.review.selected_item().map(|i| i.article.as_str()),
        Some(PROPOSAL)
    );
}

#[test]
fn a_new_comment_opens_its_article_and_is_no_longer_new_after() {
    let mut replica = demo_replica();
    let admin = replica.resolve_user(None).expect("the only account");
    let lek = replica
        .add_user(&admin, "lek", Role::Officer, None)
        .expect("account");
    replica
        .comment(&lek, TIMBER, None, "Which species did you see most?")
        .expect("comment");
    let ctx = as_user(&replica, "somchai");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    let home = state.home.data.clone().expect("home");
    assert_eq!(home.comments.len(), 1, "{:?}", home.comments);
    assert_eq!(home.comments[0].text, "Which species did you see most?");

    let keys = down_to(&state, |i| *i == HomeItem::Read(TIMBER));
    press(&mut replica, &ctx, &mut state, &format!("{keys}<Enter>"));
    assert_eq!(reading(&state), Some(TIMBER));
    assert!(
        replica.new_comments(&admin).expect("new").is_empty(),
        "opening the reader marked them seen"
    );
    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert_eq!(state.screen, Screen::Home);
    let home = state.home.data.clone().expect("home");
    assert!(home.comments.is_empty(), "{:?}", home.comments);
}
