//! The interface of a user not cleared for a restricted article: Home, Search, the Knowledge
//! Map and the Reader (its links pane included) show nothing of it, on screen or in the state
//! behind the screen; an administrator sees it.

use super::tests::{render, rows};
use crate::core::{NewArticle, Replica};
use crate::model::{ArticleContent, ArticleId, Classification, Role};
use crate::tui::effects::{Context, perform};
use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{demo_replica, press, started};
use crate::tui::state::{Screen, State};
use crate::tui::update::{Effect, Msg};

const ID: &str = "informant-route";
/// What identifies the restricted article.
const MARKS: [&str; 3] = [ID, "Informant route", "zebraquartz"];

/// The demo node with a published restricted article that links to a demo article, and an
/// officer cleared for customs-only content.
fn node() -> (Replica, Context, Context) {
    let mut replica = demo_replica();
    let admin = replica.resolve_user(None).expect("admin");
    let officer = replica
        .add_user(&admin, "officer", Role::Officer, None)
        .expect("officer");
    let content = ArticleContent {
        classification: Classification::Restricted,
        ..ArticleContent::new(
            "Informant route for timber",
            "commodity/timber-wood",
            "The zebraquartz route moves timber at night; see [[timber-inspection-land-border]].",
        )
    };
    let new = NewArticle {
        id: Some(ArticleId::parse(ID).expect("id")),
        content,
        publish: true,
    };
    replica
        .add_article(&admin, new)
        .expect("restricted article");
    let admin_ctx = Context::new(&replica, Some(admin), None);
    let officer_ctx = Context::new(&replica, Some(officer), None);
    (replica, admin_ctx, officer_ctx)
}

fn screen(state: &State) -> String {
    rows(&render(state)).join("\n")
}

fn assert_hidden(what: &str, text: &str) {
    for mark in MARKS {
        assert!(!text.contains(mark), "{what} shows `{mark}`:\n{text}");
    }
}

#[test]
fn home_search_map_and_reader_show_an_uncleared_user_nothing_of_a_restricted_article() {
    let (mut replica, _, ctx) = node();
    let mut state = started(&mut replica, &ctx, 120, 40, UiLang::En);
    assert_eq!(state.screen, Screen::Home);
    assert_hidden("Home", &screen(&state));
    assert_hidden("Home's data", &format!("{:?}", state.home.data));

    press(&mut replica, &ctx, &mut state, "/timber");
    assert!(!state.search.results.is_empty(), "the officer finds timber");
    assert_hidden("Search", &screen(&state));
    assert_hidden("Search's results", &format!("{:?}", state.search.results));
    let mut state = started(&mut replica, &ctx, 120, 40, UiLang::En);
    press(&mut replica, &ctx, &mut state, "/zebraquartz");
    assert!(
        state.search.results.is_empty(),
        "{:?}",
        state.search.results
    );
    // The word typed shows in the query box and is echoed quoted in "nothing matches"; nothing
    // else on the screen may name the article.
    let shown = screen(&state);
    assert!(shown.contains("Results (0)"), "{shown}");
    let rest: Vec<&str> = shown.lines().skip(3).collect();
    assert_hidden(
        "Search for its word",
        &rest.join("\n").replace("“zebraquartz”", ""),
    );

    // The article it links to: its links pane lists no backlink from the restricted one.
    let opened = perform(
        &mut replica,
        &ctx,
        Effect::OpenArticle("timber-inspection-land-border".into()),
    );
    let Some(Msg::Opened(doc)) = opened else {
        panic!("the public article opens: {opened:?}");
    };
    assert_hidden("Reader's backlinks", &format!("{:?}", doc.backlinks));

    // Opening the restricted article fails exactly as opening a missing one does.
    let mut failure = |id: &str| match perform(&mut replica, &ctx, Effect::OpenArticle(id.into())) {
        Some(Msg::Failed(text)) => text.replace(id, "ID"),
        other => panic!("{id} should not open: {other:?}"),
    };
    assert_eq!(failure(ID), failure("informant-routf"));

    let mut state = started(&mut replica, &ctx, 120, 40, UiLang::En);
    press(&mut replica, &ctx, &mut state, "M");
    assert_eq!(state.screen, Screen::Map);
    assert_hidden("Map", &screen(&state));
}

#[test]
fn the_map_counts_the_restricted_article_for_an_administrator_only() {
    let (mut replica, admin, officer) = node();
    let timber = |ctx: &Context, replica: &mut Replica| {
        let mut state = started(replica, ctx, 120, 40, UiLang::En);
        press(replica, ctx, &mut state, "M");
        let counts = state.map.counts.clone().expect("counts loaded");
        (
            counts.get("commodity/timber-wood").copied().unwrap_or(0),
            counts.get("commodity").copied().unwrap_or(0),
        )
    };
    let (admin_timber, admin_all) = timber(&admin, &mut replica);
    let (officer_timber, officer_all) = timber(&officer, &mut replica);
    assert_eq!(officer_timber + 1, admin_timber);
    assert_eq!(officer_all + 1, admin_all);

    // And the administrator's search and reader show it.
    let mut state = started(&mut replica, &admin, 120, 40, UiLang::En);
    press(&mut replica, &admin, &mut state, "/zebraquartz");
    assert_eq!(
        state.search.results.first().map(|r| r.id.as_str()),
        Some(ID)
    );
    press(&mut replica, &admin, &mut state, "<Enter><Enter>");
    assert_eq!(state.screen, Screen::Reader);
    assert!(screen(&state).contains("Informant route"));
}
