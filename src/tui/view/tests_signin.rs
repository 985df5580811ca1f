//! The sign-in screen, the set-password screen and the idle lock: rendered in English and
//! Thai, and driven by keys through `update` and the effects against an in-memory node.

use super::tests::{LANGS, render, rows};
use crate::core::Replica;
use crate::model::Role;
use crate::tui::effects::{Context, settle};
use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{context, demo_replica, press, started};
use crate::tui::state::{SignInState, State};
use crate::tui::update::Msg;

const SOMCHAI_PW: &str = "somchai-secret";
const MALEE_PW: &str = "malee-secret1";

/// The demo node with passwords: administrator `somchai` and officer `malee`.
fn node_with_passwords() -> Replica {
    let mut replica = demo_replica();
    replica
        .store_password("somchai", SOMCHAI_PW)
        .expect("password");
    let admin = replica.resolve_user(Some("somchai")).expect("admin");
    replica
        .add_account(&admin, "malee", Role::Officer, None, Some(MALEE_PW))
        .expect("malee");
    replica
}

/// Signed in as `somchai`, the demo's administrator.
fn somchai(replica: &Replica) -> Context {
    Context::new(replica, replica.resolve_user(Some("somchai")).ok(), None)
}

fn locked_state(replica: &mut Replica, ctx: &Context, lang: UiLang) -> State {
    let mut state = started(replica, ctx, 80, 24, lang);
    state.user = None;
    state.signin = Some(SignInState::sign_in(Some("somchai"), None));
    state
}

#[test]
fn sign_in_refuses_a_wrong_password_with_the_one_message_and_masks_what_is_typed() {
    for (lang, code) in LANGS {
        let mut replica = node_with_passwords();
        let ctx = context(&replica).with_catalog(crate::tui::i18n::Catalog::new(lang));
        let mut state = locked_state(&mut replica, &ctx, lang);
        press(&mut replica, &ctx, &mut state, "wrong-password<Enter>abc");
        let signin = state.signin.as_ref().expect("still on sign-in");
        assert_eq!(
            signin.error.as_deref(),
            Some(state.i18n.t("signin.refused"))
        );
        let text = rows(&render(&state)).join("\n");
        assert!(text.contains("•••"), "{text}");
        assert!(
            !text.contains("abc") && !text.contains("wrong-password"),
            "{text}"
        );
        assert!(
            !text.contains("Pallet"),
            "nothing behind the lock shows: {text}"
        );
        insta::assert_snapshot!(
            format!("signin_refused_80x24_{code}"),
            render(&state).backend()
        );
    }
}

#[test]
fn a_second_try_too_soon_shows_the_wait() {
    let mut replica = node_with_passwords();
    let ctx = context(&replica);
    let mut state = locked_state(&mut replica, &ctx, UiLang::En);
    press(&mut replica, &ctx, &mut state, "wrong-password<Enter>");
    press(
        &mut replica,
        &ctx,
        &mut state,
        &format!("{SOMCHAI_PW}<Enter>"),
    );
    let error = state.signin.as_ref().and_then(|s| s.error.clone());
    assert_eq!(
        error.as_deref(),
        Some("Too many failed sign-ins: wait 1 s and try again.")
    );
}

#[test]
fn the_idle_lock_keeps_an_unsaved_edit_for_the_same_person() {
    let mut replica = node_with_passwords();
    let ctx = somchai(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "<C-n>Seal log");
    assert!(!settle(&mut replica, &ctx, &mut state, Msg::Idle));
    assert!(state.signin.is_some(), "locked");
    let text = rows(&render(&state)).join("\n");
    assert!(!text.contains("Seal log"), "the edit is hidden: {text}");
    press(
        &mut replica,
        &ctx,
        &mut state,
        &format!("{SOMCHAI_PW}<Enter>"),
    );
    assert!(state.signin.is_none());
    assert_eq!(state.user.as_deref(), Some("somchai"));
    let editor = state.editor.as_ref().expect("the edit is still there");
    assert_eq!(editor.title.text(), "Seal log");
}

#[test]
fn someone_else_starts_at_home_and_the_edit_waits_for_its_author() {
    let mut replica = node_with_passwords();
    let ctx = somchai(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "<C-n>Seal log<F12>");
    assert!(state.signin.is_some(), "switch user locks");
    press(
        &mut replica,
        &ctx,
        &mut state,
        &format!("malee<Tab>{MALEE_PW}<Enter>"),
    );
    assert_eq!(state.user.as_deref(), Some("malee"));
    assert!(state.editor.is_none(), "malee does not see somchai's edit");
    assert_eq!(state.screen, crate::tui::state::Screen::Home);
    press(&mut replica, &ctx, &mut state, "<F12>");
    press(
        &mut replica,
        &ctx,
        &mut state,
        &format!("somchai<Tab>{SOMCHAI_PW}<Enter>"),
    );
    let editor = state.editor.as_ref().expect("given back");
    assert_eq!(editor.title.text(), "Seal log");
}

#[test]
fn set_password_screen_in_english_and_thai() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    for (lang, code) in LANGS {
        let mut state = started(&mut replica, &ctx, 80, 24, lang);
        state.no_password = true;
        press(&mut replica, &ctx, &mut state, "Pone<Tab>two<Enter>");
        let signin = state.signin.as_ref().expect("set-password screen");
        assert!(signin.error.is_some(), "too short is refused");
        insta::assert_snapshot!(
            format!("set_password_80x24_{code}"),
            render(&state).backend()
        );
    }
    let mut state = started(&mut replica, &ctx, 120, 40, UiLang::En);
    state.no_password = true;
    let text = rows(&render(&state)).join("\n");
    assert!(text.contains("no password"), "{text}");
    press(
        &mut replica,
        &ctx,
        &mut state,
        "Pnew-secret-1<Tab>new-secret-1<Enter>",
    );
    assert!(state.signin.is_none());
    assert!(!state.no_password);
    assert!(replica.passwords_in_use().expect("read"));
}
