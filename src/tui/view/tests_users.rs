//! The Users screen at 80×24 and 120×40 in English and Thai: an administrator sees every account
//! of the node as `name@office` with its role, clearance and notes (disabled, no password,
//! failed sign-ins); an officer is told only an administrator sees them, and sees no account.

use unicode_width::UnicodeWidthStr;

use super::tests::{LANGS, SIZES, render, rows};
use crate::core::Replica;
use crate::model::{Classification, Role, UserChange};
use crate::tui::effects::Context;
use crate::tui::state::Screen;
use crate::tui::state::fixtures::{demo_replica, press, started};

/// The demo node (administrator `somchai`) with an officer who failed to sign in once, a
/// restricted-cleared evaluator with a password, and a disabled officer.
fn node() -> (Replica, Context, Context) {
    let mut replica = demo_replica();
    let admin = replica.resolve_user(None).expect("admin");
    let lek = replica
        .add_user(&admin, "lek", Role::Officer, None)
        .expect("officer");
    replica
        .add_user(
            &admin,
            "nok",
            Role::Evaluator,
            Some(Classification::Restricted),
        )
        .expect("evaluator");
    replica
        .set_password(&admin, "nok", "river-seal-2026")
        .expect("password");
    replica
        .add_user(&admin, "ploy", Role::Officer, None)
        .expect("officer");
    replica
        .change_user(&admin, "ploy", UserChange::Disabled)
        .expect("disabled");
    let _ = replica.sign_in(Some("lek"), Some("not-the-password"));
    let admin_ctx = Context::new(&replica, Some(admin), None);
    let lek_ctx = Context::new(&replica, Some(lek), None);
    (replica, admin_ctx, lek_ctx)
}

#[test]
fn an_administrator_sees_every_account_with_its_role_clearance_and_notes() {
    let (mut replica, ctx, _) = node();
    for (width, height) in SIZES {
        for (lang, code) in LANGS {
            let mut state = started(&mut replica, &ctx, width, height, lang);
            press(&mut replica, &ctx, &mut state, "<F11>j");
            assert_eq!(state.screen, Screen::Users);
            assert_eq!(state.users.shown(), 4);
            assert_eq!(state.users.selected, 1);
            let text = rows(&render(&state));
            assert!(
                text.iter().all(|r| r.width() == usize::from(width)),
                "{code}: {text:#?}"
            );
            let all = text.join("\n");
            for person in ["somchai@Chiang Khong", "lek@Chiang Khong", "ploy@Chiang"] {
                assert!(all.contains(person), "{code}: {person} in\n{all}");
            }
            insta::assert_snapshot!(
                format!("users_{width}x{height}_{code}"),
                render(&state).backend()
            );
            press(&mut replica, &ctx, &mut state, "<Esc>");
            assert_eq!(state.screen, Screen::Home);
        }
    }
}

#[test]
fn an_officer_is_told_only_an_administrator_sees_the_accounts() {
    let (mut replica, _, ctx) = node();
    for (lang, code) in LANGS {
        let mut state = started(&mut replica, &ctx, 80, 24, lang);
        press(&mut replica, &ctx, &mut state, "<F11>");
        assert_eq!(state.screen, Screen::Users);
        assert_eq!(state.users.shown(), 0);
        let all = rows(&render(&state)).join("\n");
        for name in ["somchai@", "nok@", "ploy@"] {
            assert!(!all.contains(name), "{code}: {name} shown to an officer");
        }
        insta::assert_snapshot!(
            format!("users_refused_80x24_{code}"),
            render(&state).backend()
        );
    }
}
