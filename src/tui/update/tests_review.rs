//! Review keys against a real (in-memory) node: approve after moving the category, return
//! with a comment, reject from the queue, what is refused before and by the core, `Esc`, and
//! the author's submit from the reader.

use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{press, started};
use crate::tui::state::fixtures_review::{
    IN_STEP2, LEKS_RETURNED, PROPOSAL, as_user, review_replica,
};
use crate::tui::state::{Overlay, Screen, VerdictKind};

fn queue_ids(state: &crate::tui::state::State) -> Vec<String> {
    state
        .review
        .queue
        .iter()
        .flatten()
        .map(|i| i.article.clone())
        .collect()
}

#[test]
fn step_1_moves_the_category_with_the_picker_then_approves() {
    let mut replica = review_replica();
    let ctx = as_user(&replica, "nok");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "V");
    assert_eq!(state.screen, Screen::Review);
    assert_eq!(queue_ids(&state), [IN_STEP2, PROPOSAL]);
    press(&mut replica, &ctx, &mut state, "j<Enter>cwildlife<Enter>");
    let open = state.review.open.as_ref().expect("the submission is open");
    assert_eq!(open.view.article, PROPOSAL);
    assert_eq!(open.move_to.as_deref(), Some("enforcement/wildlife-cites"));
    // The node changing elsewhere reads the submission again and keeps the choice.
    crate::tui::effects::settle(
        &mut replica,
        &ctx,
        &mut state,
        crate::tui::update::Msg::ChangedElsewhere,
    );
    let open = state.review.open.as_ref().expect("still open");
    assert_eq!(open.move_to.as_deref(), Some("enforcement/wildlife-cites"));
    press(&mut replica, &ctx, &mut state, "a");
    assert!(matches!(
        &state.overlay,
        Some(Overlay::Verdict(v)) if v.kind == VerdictKind::Approve {
            category: Some("enforcement/wildlife-cites".into())
        }
    ));
    press(&mut replica, &ctx, &mut state, "<Enter>");
    let e = replica.evaluation(PROPOSAL).expect("evaluation");
    assert_eq!(
        (e.state.as_str(), e.category.as_str()),
        ("step-2", "enforcement/wildlife-cites")
    );
    assert!(state.overlay.is_none());
    assert!(state.review.open.is_none(), "back to the queue");
    assert_eq!(queue_ids(&state), [IN_STEP2]);
    let message = state.message.clone().expect("a message");
    assert!(!message.error, "{message:?}");
    assert!(
        message.text.starts_with("Approved: step 2"),
        "{}",
        message.text
    );
}

#[test]
fn a_return_carries_the_comment_typed_to_the_author() {
    let mut replica = review_replica();
    let ctx = as_user(&replica, "nok");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(
        &mut replica,
        &ctx,
        &mut state,
        "Vj<Enter>rCite the regulation<Enter>",
    );
    let e = replica.evaluation(PROPOSAL).expect("evaluation");
    assert_eq!(e.state, "returned");
    assert_eq!(e.comments, ["nok@Chiang Khong: Cite the regulation"]);
    assert!(state.overlay.is_none());
    assert_eq!(queue_ids(&state), [IN_STEP2]);
    let lek = replica.resolve_user(Some("lek")).expect("lek");
    let returned = replica.returned_to(&lek).expect("returned");
    assert!(
        returned.iter().any(|r| r.article == PROPOSAL),
        "{returned:?}"
    );
}

#[test]
fn an_empty_return_comment_is_asked_for_and_nothing_is_sent() {
    let mut replica = review_replica();
    let ctx = as_user(&replica, "nok");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "Vj<Enter>r  <Enter>");
    let Some(Overlay::Verdict(v)) = &state.overlay else {
        panic!("the line stays up: {:?}", state.overlay);
    };
    assert!(!v.sending);
    assert!(
        v.error
            .as_deref()
            .is_some_and(|e| e.starts_with("Type it first")),
        "{v:?}"
    );
    assert_eq!(
        replica.evaluation(PROPOSAL).expect("evaluation").state,
        "step-1"
    );
    // Typing clears the reason; Esc drops the line and votes nothing.
    press(&mut replica, &ctx, &mut state, "x");
    assert!(matches!(&state.overlay, Some(Overlay::Verdict(v)) if v.error.is_none()));
    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert!(state.overlay.is_none());
    assert_eq!(state.screen, Screen::Review);
    assert_eq!(
        replica.evaluation(PROPOSAL).expect("evaluation").state,
        "step-1"
    );
}

#[test]
fn a_submission_is_rejected_from_the_queue_with_its_reason() {
    let mut replica = review_replica();
    let ctx = as_user(&replica, "nok");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "Vjxnot customs work<Enter>");
    let e = replica.evaluation(PROPOSAL).expect("evaluation");
    assert_eq!(e.state, "rejected");
    assert_eq!(e.comments, ["nok@Chiang Khong: not customs work"]);
}

#[test]
fn step_2_cannot_move_the_category_enter_reads_it_and_esc_goes_back_to_the_queue_then_home() {
    let mut replica = review_replica();
    let ctx = as_user(&replica, "nok");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "V<Enter>c");
    assert!(state.overlay.is_none(), "no picker in step 2");
    let message = state.message.clone().expect("a message");
    assert!(
        message.error && message.text.contains("Step 1 settled"),
        "{message:?}"
    );
    // Enter reads the article; Esc comes back to the submission.
    press(&mut replica, &ctx, &mut state, "<Enter>");
    assert_eq!(state.screen, Screen::Reader);
    assert_eq!(
        state.reader().map(|r| r.laid.doc.id.as_str()),
        Some(IN_STEP2)
    );
    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert_eq!(state.screen, Screen::Review);
    assert!(state.review.open.is_some());
    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert_eq!(state.screen, Screen::Review);
    assert!(state.review.open.is_none());
    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert_eq!(state.screen, Screen::Home);
}

#[test]
fn home_s_to_review_row_opens_the_review_screen() {
    let mut replica = review_replica();
    let ctx = as_user(&replica, "nok");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "<Enter>");
    assert_eq!(state.screen, Screen::Review);
    assert_eq!(queue_ids(&state).len(), 2);
}

#[test]
fn the_author_resubmits_a_returned_article_from_the_reader() {
    let mut replica = review_replica();
    let ctx = as_user(&replica, "lek");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "<Enter>");
    assert_eq!(state.screen, Screen::Reader);
    assert_eq!(
        state.reader().map(|r| r.laid.doc.id.as_str()),
        Some(LEKS_RETURNED)
    );
    press(&mut replica, &ctx, &mut state, "sNamed the posts<Enter>");
    assert!(state.overlay.is_none(), "{:?}", state.overlay);
    let e = replica.evaluation(LEKS_RETURNED).expect("evaluation");
    assert_eq!(e.state, "step-1");
    let message = state.message.clone().expect("a message");
    assert!(
        message.text.starts_with("Submitted for evaluation: step 1"),
        "{message:?}"
    );
    // The reader was read again: its evaluation block has the new submission.
    let doc = &state.reader().expect("reader").laid.doc;
    let votes = &doc.evaluation.as_ref().expect("evaluation shown").votes;
    assert_eq!(
        votes.last().map(|v| v.text.as_str()),
        Some("Named the posts")
    );
}

#[test]
fn someone_else_s_submit_is_refused_by_the_core_and_said_in_the_line() {
    let mut replica = review_replica();
    let ctx = as_user(&replica, "nok");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    // `nok` reads lek's returned article (opened as `Enter` on a link would) and tries to
    // submit it.
    let msg = crate::tui::effects::perform(
        &mut replica,
        &ctx,
        crate::tui::update::Effect::OpenArticle(LEKS_RETURNED.into()),
    )
    .expect("a message");
    crate::tui::effects::settle(&mut replica, &ctx, &mut state, msg);
    press(&mut replica, &ctx, &mut state, "splease<Enter>");
    let Some(Overlay::Verdict(v)) = &state.overlay else {
        panic!("the line stays up: {:?}", state.overlay);
    };
    assert_eq!(v.input.text(), "please");
    let error = v.error.clone().unwrap_or_default();
    assert!(error.contains("only an author"), "{error}");
    assert_eq!(
        replica.evaluation(LEKS_RETURNED).expect("evaluation").state,
        "returned"
    );
}

#[test]
fn the_palette_submits_from_the_editor_once_the_article_is_saved() {
    let mut replica = review_replica();
    let ctx = as_user(&replica, "lek");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "<Enter>e");
    assert_eq!(state.screen, Screen::Editor);
    // Unsaved changes: saving comes first.
    press(&mut replica, &ctx, &mut state, "!<C-p>submit<Enter>");
    assert!(state.overlay.is_none(), "{:?}", state.overlay);
    let message = state.message.clone().expect("a message");
    assert!(
        message.error && message.text.contains("Save the article first"),
        "{message:?}"
    );
    press(&mut replica, &ctx, &mut state, "<C-s><C-p>submit<Enter>");
    assert!(
        matches!(&state.overlay, Some(Overlay::Verdict(v)) if v.kind == VerdictKind::Submit
            && v.article == LEKS_RETURNED),
        "{:?}",
        state.overlay
    );
    press(&mut replica, &ctx, &mut state, "<Enter>");
    assert_eq!(
        replica.evaluation(LEKS_RETURNED).expect("evaluation").state,
        "step-1"
    );
}
