//! Key sequences against a real (in-memory) demo node: the state machine and the effects
//! together, as an officer would use them.

use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{T, context, demo_replica, press, started};
use crate::tui::state::{Focus, Pane, Screen, SyncPhase};

#[test]
fn slash_timber_enter_j_enter_opens_the_second_result() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    assert_eq!(state.screen, Screen::Home);
    press(&mut replica, &ctx, &mut state, "/timber");
    assert!(
        state.search.results.len() >= 2,
        "{:?}",
        state.search.results
    );
    let second = state.search.results[1].id.clone();
    press(&mut replica, &ctx, &mut state, "<Enter>j<Enter>");
    assert_eq!(state.screen, Screen::Reader);
    assert_eq!(state.reader().map(|r| r.laid.doc.id.clone()), Some(second));
}

#[test]
fn home_lists_my_drafts_and_opens_them() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    let home = state.home.data.clone().expect("home loaded");
    assert_eq!(home.drafts.len(), 2);
    assert_eq!(home.office, "Chiang Khong");
    assert!(home.recent.len() >= 10);
    press(&mut replica, &ctx, &mut state, "<Enter>");
    assert_eq!(state.screen, Screen::Reader);
    assert_eq!(
        state.reader().map(|r| r.laid.doc.id.as_str()),
        Some(home.drafts[0].id.as_str())
    );
}

#[test]
fn the_reader_shows_backlinks_and_a_diff_between_revisions() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 100, 30, UiLang::En);
    press(
        &mut replica,
        &ctx,
        &mut state,
        "/container seal<Enter><Enter>",
    );
    let reader = state.reader().expect("reader");
    assert_eq!(reader.laid.doc.id, "container-seal-checks");
    let backlinks: Vec<&str> = reader
        .laid
        .doc
        .backlinks
        .iter()
        .map(|b| b.id.as_str())
        .collect();
    assert!(
        backlinks.contains(&"pallet-wrap-concealment"),
        "{backlinks:?}"
    );
    // Follow a link from the links pane, then come back.
    press(&mut replica, &ctx, &mut state, "2");
    let entries = state.reader().expect("reader").link_entries();
    assert!(entries.iter().any(|e| e.backlink));
    press(&mut replica, &ctx, &mut state, "<Enter>");
    assert_eq!(state.readers.len(), 2);
    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert_eq!(
        state.reader().map(|r| r.laid.doc.id.as_str()),
        Some("container-seal-checks")
    );

    press(
        &mut replica,
        &ctx,
        &mut state,
        "<Esc><Esc><C-u>timber inspection<Enter><Enter>3<Enter>",
    );
    let reader = state.reader().expect("reader");
    assert_eq!(reader.pane, Pane::History);
    let diff = reader.diff.as_ref().expect("a diff of the two revisions");
    assert!(diff.lines.iter().any(
        |l| matches!(l, crate::core::DiffLine::Added(t) if t.contains("original, not a copy"))
    ));
}

#[test]
fn writing_a_new_article_saves_a_draft_that_search_finds() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(
        &mut replica,
        &ctx,
        &mut state,
        "<C-n>Betel nut in rice sacks<Tab><Enter>smuggling<Enter>areca, rice<Tab>0802.80<Tab><Tab><Tab>Weigh every tenth sack.<Tab>Sacks weigh 2 kg too much.<Enter>ตรวจกระสอบทุกใบ<C-s>",
    );
    assert!(
        state.message.as_ref().is_some_and(|m| !m.error),
        "{:?}",
        state.message
    );
    let id = state
        .editor
        .as_ref()
        .and_then(|e| e.id.clone())
        .expect("saved with an id");
    let view = replica.article(&id).expect("the article exists");
    assert_eq!(view.record.content.category, "enforcement/smuggling-excise");
    assert_eq!(
        view.record.content.body,
        "Sacks weigh 2 kg too much.\nตรวจกระสอบทุกใบ\n"
    );
    assert_eq!(view.record.content.hs_codes.len(), 1);
    // Saved: leaving asks nothing, and the draft is on Home and in search.
    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert_eq!(state.screen, Screen::Home);
    assert!(
        state
            .home
            .data
            .as_ref()
            .is_some_and(|h| h.drafts.iter().any(|d| d.id == id))
    );
    press(&mut replica, &ctx, &mut state, "/betel");
    assert_eq!(
        state.search.results.first().map(|r| r.id.as_str()),
        Some(id.as_str())
    );
}

#[test]
fn editing_an_article_records_a_new_revision() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "/pangolin<Enter><Enter>e");
    assert_eq!(state.screen, Screen::Editor);
    let before = replica
        .article("wildlife-pangolin-scales")
        .expect("demo")
        .history
        .len();
    press(&mut replica, &ctx, &mut state, "<End> (CITES I)<C-s><Esc>");
    let view = replica.article("wildlife-pangolin-scales").expect("demo");
    assert_eq!(view.history.len(), before + 1);
    assert!(view.record.content.title.ends_with("(CITES I)"));
    assert_eq!(state.screen, Screen::Reader, "back where the edit began");
}

/// A post enrolled by `hq`, a day later, whose account is `nok`.
fn mae_sai(hq: &mut crate::core::Replica) -> crate::core::Replica {
    let admin = hq.resolve_user(None).expect("admin");
    let enrolment = hq.enrol(&admin, "Mae Sai").expect("enrol");
    let clock = std::sync::Arc::new(crate::core::FixedClock::new(T + 86_400_000));
    crate::core::Replica::enrolled_in_memory(&enrolment, "nok", clock).expect("post")
}

/// The status line's text.
fn status_line(state: &crate::tui::state::State) -> String {
    state
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn a_saved_edit_shows_at_once_in_the_reader_on_home_and_in_the_results() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "/pangolin<Enter><Enter>");
    let before = state.reader().expect("reader").laid.doc.history.len();
    press(&mut replica, &ctx, &mut state, "e<End> (CITES I)<C-s><Esc>");
    assert_eq!(state.screen, Screen::Reader);
    let doc = &state.reader().expect("reader").laid.doc;
    assert!(
        doc.content.title.ends_with("(CITES I)"),
        "{}",
        doc.content.title
    );
    assert_eq!(doc.history.len(), before + 1);
    let title = doc.content.title.clone();
    let shown = |rows: &[crate::tui::state::ResultRow]| {
        rows.iter()
            .any(|r| r.id == "wildlife-pangolin-scales" && r.title == title)
    };
    assert!(shown(&state.search.results), "{:?}", state.search.results);
    let home = state.home.data.as_ref().expect("home");
    assert!(shown(&home.recent), "{:?}", home.recent);
}

#[test]
fn saving_says_whether_the_edit_is_published_or_only_proposed() {
    // At HQ, an administrator's edit of a published article is published with it.
    let mut hq = demo_replica();
    let hq_ctx = context(&hq);
    let mut state = started(&mut hq, &hq_ctx, 80, 24, UiLang::En);
    press(
        &mut hq,
        &hq_ctx,
        &mut state,
        "/pangolin<Enter><Enter>e<End> (CITES I)<C-s>",
    );
    let said = status_line(&state);
    assert!(said.contains("is published"), "{said}");

    // At a post, the same edit is a proposal: readers keep the published text.
    let mut post = mae_sai(&mut hq);
    let post_ctx = context(&post);
    let mut state = started(&mut post, &post_ctx, 80, 24, UiLang::En);
    press(
        &mut post,
        &post_ctx,
        &mut state,
        "/pangolin<Enter><Enter>e<End> (seen at Mae Sai)<C-s>",
    );
    let said = status_line(&state);
    assert!(said.contains("proposed revision"), "{said}");
    let record = post
        .article("wildlife-pangolin-scales")
        .expect("demo")
        .record;
    assert!(
        !record.content.title.contains("Mae Sai"),
        "readers see HQ's text"
    );
    assert!(record.proposal.is_some());
}

#[test]
fn an_export_to_a_file_that_exists_is_refused_and_the_file_kept() {
    let mut hq = demo_replica();
    let mut post = mae_sai(&mut hq);
    let ctx = context(&post);
    let usb = tempfile::tempdir().expect("temp dir");
    let incoming = usb.path().join("hq-to-mae-sai.bundle");
    std::fs::write(&incoming, b"HQ's bundle, not yet imported").expect("write");
    let mut state = started(&mut post, &ctx, 80, 24, UiLang::En);
    press(
        &mut post,
        &ctx,
        &mut state,
        &format!("S<C-u>{}<Enter>", incoming.display()),
    );
    let said = status_line(&state);
    assert!(said.contains("already exists"), "{said}");
    assert_eq!(
        std::fs::read(&incoming).expect("kept"),
        b"HQ's bundle, not yet imported"
    );
}

#[test]
fn a_core_refusal_goes_to_the_status_line() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    // A code the form accepts but the nomenclature does not: the core refuses, Outpost stays.
    press(
        &mut replica,
        &ctx,
        &mut state,
        "<C-n>Test<Tab><Enter>timber<Enter><Tab>4499<C-s>",
    );
    let message = state.message.clone().expect("a message");
    assert!(
        message.error && message.text.contains("4499"),
        "{message:?}"
    );
    assert_eq!(state.screen, Screen::Editor);
}

#[test]
fn the_knowledge_map_counts_articles_and_opens_a_filtered_search() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "M");
    assert_eq!(state.screen, Screen::Map);
    let counts = state.map.counts.clone().expect("counts loaded");
    assert!(counts.get("commodity").copied().unwrap_or(0) >= 5);
    // Top categories in id order: audit, clearance, commodity, …
    press(&mut replica, &ctx, &mut state, "jj<Enter>");
    assert_eq!(state.screen, Screen::Search);
    assert_eq!(state.search.filters.category.as_deref(), Some("commodity"));
    assert!(
        state
            .search
            .results
            .iter()
            .all(|r| r.category.starts_with("commodity"))
    );
    assert!(!state.search.results.is_empty());
}

#[test]
fn a_category_opened_from_the_map_starts_from_an_empty_query() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(
        &mut replica,
        &ctx,
        &mut state,
        "/timber<Enter><A-h>4403<Enter>",
    );
    assert_eq!(state.search.query.text(), "timber");
    press(&mut replica, &ctx, &mut state, "<Enter>M");
    assert_eq!(state.screen, Screen::Map);
    // The second top category, where nothing matches `timber` with HS 4403.
    press(&mut replica, &ctx, &mut state, "j<Enter>");
    assert_eq!(state.screen, Screen::Search);
    assert_eq!(state.search.query.text(), "");
    assert_eq!(state.search.filters.hs, None);
    assert_eq!(state.search.filters.category.as_deref(), Some("clearance"));
    assert!(!state.search.results.is_empty());
}

#[test]
fn a_post_exports_a_bundle_and_hq_imports_it_after_a_dry_run() {
    let mut hq = demo_replica();
    let hq_ctx = context(&hq);
    let mut post = mae_sai(&mut hq);
    let post_ctx = context(&post);
    let usb = tempfile::tempdir().expect("temp dir");
    let usb_path = usb.path().display().to_string();

    // The post writes an article; Home says it waits for HQ.
    let mut state = started(&mut post, &post_ctx, 80, 24, UiLang::En);
    press(
        &mut post,
        &post_ctx,
        &mut state,
        "<C-n>River raft checks<Tab><Enter>timber<Enter><C-s><Esc>",
    );
    let home = state.home.data.clone().expect("home");
    assert!(
        home.post && home.changes >= 1 && home.last_sent.is_none(),
        "{home:?}"
    );
    // Sync: an empty path is refused; a directory gets a bundle named after the office.
    press(&mut post, &post_ctx, &mut state, "S<Enter>");
    assert!(state.message.as_ref().is_some_and(|m| m.error));
    press(
        &mut post,
        &post_ctx,
        &mut state,
        &format!("<C-u>{usb_path}<Enter>"),
    );
    assert!(state.busy.is_none());
    let SyncPhase::Done(report) = &state.sync.phase else {
        panic!("no report: {:?}", state.message);
    };
    assert!(
        report
            .iter()
            .any(|l| l.contains("mae-sai-to-chiang-khong-2026-11-")),
        "{report:?}"
    );
    assert!(
        state
            .home
            .data
            .as_ref()
            .is_some_and(|h| h.last_sent.is_some())
    );

    // HQ: a dry run first, shown for confirmation; `y` imports.
    let mut state = started(&mut hq, &hq_ctx, 80, 24, UiLang::En);
    press(
        &mut hq,
        &hq_ctx,
        &mut state,
        &format!("S<Tab>{usb_path}<Enter>"),
    );
    let Some(crate::tui::state::Overlay::Confirm(crate::tui::state::Confirm::Import {
        report,
        ..
    })) = &state.overlay
    else {
        panic!("no dry run: {:?}", state.message);
    };
    assert!(
        report.iter().any(|l| l.contains("new articles: 1")),
        "{report:?}"
    );
    assert!(
        hq.list_articles(&Default::default())
            .expect("list")
            .iter()
            .all(|a| a.content.title != "River raft checks")
    );
    press(&mut hq, &hq_ctx, &mut state, "y");
    assert!(
        matches!(state.sync.phase, SyncPhase::Done(_)),
        "{:?}",
        state.message
    );
    let all = crate::core::ArticleFilter {
        all_drafts: true,
        ..Default::default()
    };
    assert!(
        hq.list_articles(&all)
            .expect("list")
            .iter()
            .any(|a| a.content.title == "River raft checks")
    );
}

#[test]
fn hq_without_posts_is_told_to_enrol_one() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "S/tmp<Enter>");
    assert!(
        state
            .message
            .as_ref()
            .is_some_and(|m| m.error && m.text.contains("No post is enrolled yet")),
        "{:?}",
        state.message
    );
    assert_eq!(state.screen, Screen::Sync);
}

#[test]
fn a_search_in_thai_and_korean_finds_articles() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::Th);
    press(&mut replica, &ctx, &mut state, "/พิกัด");
    assert!(!state.search.results.is_empty());
    press(&mut replica, &ctx, &mut state, "<C-u>세관");
    assert!(!state.search.results.is_empty());
    assert_eq!(state.search.focus, Focus::Input);
}
