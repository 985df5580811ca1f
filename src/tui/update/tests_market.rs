//! Market keys against a real (in-memory) node: `Q` opens the inbox, `Tab` the other lists,
//! `Enter` a question; an answer through the line (and the refusal of a non-expert's, its
//! text kept), accepting refused for someone who did not ask and done by the asker, and the
//! helpful toggle.

use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::press;
use crate::tui::state::fixtures::started;
use crate::tui::state::fixtures_market::{ADMIN_TITLE, TIMBER_TITLE, URGENT_TITLE, market_replica};
use crate::tui::state::fixtures_review::as_user;
use crate::tui::state::market::MarketTab;
use crate::tui::state::{Overlay, Screen, State};

fn titles(state: &State) -> Vec<String> {
    state
        .market
        .list
        .iter()
        .flatten()
        .map(|q| q.title.clone())
        .collect()
}

fn open_title(state: &State) -> Option<&str> {
    state
        .market
        .open
        .as_ref()
        .map(|o| o.view.summary.title.as_str())
}

#[test]
fn q_opens_the_inbox_urgent_first_and_tab_goes_through_the_lists() {
    let (mut replica, _) = market_replica();
    let ctx = as_user(&replica, "nok");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "Q");
    assert_eq!(state.screen, Screen::Market);
    assert_eq!(state.market.tab, MarketTab::Inbox);
    assert_eq!(titles(&state), [URGENT_TITLE, TIMBER_TITLE]);
    press(&mut replica, &ctx, &mut state, "<Tab>");
    assert_eq!(state.market.tab, MarketTab::Mine);
    assert!(titles(&state).is_empty(), "nok asked nothing");
    press(&mut replica, &ctx, &mut state, "<Tab>");
    assert_eq!(state.market.tab, MarketTab::Open);
    assert_eq!(titles(&state), [URGENT_TITLE, ADMIN_TITLE, TIMBER_TITLE]);
    press(&mut replica, &ctx, &mut state, "<Tab>");
    assert_eq!(state.market.tab, MarketTab::Inbox);
}

#[test]
fn enter_opens_the_selected_question_and_esc_goes_back_to_the_list() {
    let (mut replica, _) = market_replica();
    let ctx = as_user(&replica, "nok");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "Qj<Enter>");
    assert_eq!(open_title(&state), Some(TIMBER_TITLE));
    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert!(state.market.open.is_none());
    assert_eq!(state.screen, Screen::Market);
    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert_eq!(state.screen, Screen::Home);
}

#[test]
fn an_expert_answers_through_the_line_and_the_answer_is_shown() {
    let (mut replica, _) = market_replica();
    let ctx = as_user(&replica, "nok");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(
        &mut replica,
        &ctx,
        &mut state,
        "Qj<Enter>aYes: 4407 until it is planed.<Enter>",
    );
    assert!(state.overlay.is_none(), "{:?}", state.overlay);
    let open = state.market.open.as_ref().expect("still open");
    assert_eq!(open.view.answers.len(), 1);
    assert_eq!(open.view.answers[0].by, "nok@Chiang Khong");
    assert_eq!(open.view.answers[0].body, "Yes: 4407 until it is planed.");
    let message = state.message.clone().expect("a message");
    assert!(!message.error, "{message:?}");
}

#[test]
fn a_non_experts_answer_is_refused_in_the_line_with_the_text_kept() {
    let (mut replica, urgent) = market_replica();
    let ctx = as_user(&replica, "pim");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    // pim's inbox is empty; the open list holds the urgent question first.
    press(&mut replica, &ctx, &mut state, "Q<Tab><Tab><Enter>");
    assert_eq!(open_title(&state), Some(URGENT_TITLE));
    press(&mut replica, &ctx, &mut state, "aOpen one drum<Enter>");
    let Some(Overlay::Market(input)) = &state.overlay else {
        panic!("the line stays up: {:?}", state.overlay);
    };
    assert_eq!(input.input.text(), "Open one drum");
    assert!(!input.sending);
    let error = input.error.clone().expect("the refusal");
    assert!(error.contains("not an expert"), "{error}");
    let user = replica.resolve_user(Some("pim")).expect("pim");
    let view = replica.question(&user, &urgent).expect("question");
    assert_eq!(view.answers.len(), 1, "nothing was added");
    // Typing again clears the refusal; Esc drops the line.
    press(&mut replica, &ctx, &mut state, "!");
    assert!(matches!(&state.overlay, Some(Overlay::Market(i)) if i.error.is_none()));
    press(&mut replica, &ctx, &mut state, "<Esc>");
    assert!(state.overlay.is_none());
}

#[test]
fn accepting_is_refused_for_someone_who_did_not_ask_and_done_by_the_asker() {
    let (mut replica, urgent) = market_replica();
    let ctx = as_user(&replica, "pim");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "Q<Tab><Tab><Enter>A");
    let message = state.message.clone().expect("a message");
    assert!(message.error, "{message:?}");
    let lek = replica.resolve_user(Some("lek")).expect("lek");
    assert!(
        replica
            .question(&lek, &urgent)
            .expect("q")
            .summary
            .accepted
            .is_none()
    );

    let ctx = as_user(&replica, "lek");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "Q<Tab><Enter>A");
    assert_eq!(open_title(&state), Some(URGENT_TITLE));
    let open = state.market.open.as_ref().expect("open");
    assert!(open.view.answers[0].accepted, "shown accepted");
    assert_eq!(state.message.clone().map(|m| m.error), Some(false));
}

#[test]
fn h_toggles_the_selected_answer_helpful() {
    let (mut replica, _) = market_replica();
    let ctx = as_user(&replica, "lek");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "Q<Tab><Enter>h");
    let answer = |s: &State| {
        let a = &s.market.open.as_ref().expect("open").view.answers[0];
        (a.helpful, a.helpful_mine)
    };
    assert_eq!(answer(&state), (1, true));
    press(&mut replica, &ctx, &mut state, "h");
    assert_eq!(answer(&state), (0, false));
}

#[test]
fn accept_and_helpful_on_a_question_without_answers_say_so() {
    let (mut replica, _) = market_replica();
    let ctx = as_user(&replica, "lek");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "Q<Tab>j<Enter>A");
    assert_eq!(open_title(&state), Some(TIMBER_TITLE));
    let message = state.message.clone().expect("a message");
    assert_eq!(message.text, "Select an answer first (j/k).");
}

#[test]
fn the_palette_entry_market_opens_the_screen() {
    let (mut replica, _) = market_replica();
    let ctx = as_user(&replica, "nok");
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, ":market<Enter>");
    assert_eq!(state.screen, Screen::Market);
    assert_eq!(titles(&state), [URGENT_TITLE, TIMBER_TITLE]);
}
