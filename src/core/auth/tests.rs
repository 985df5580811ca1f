use std::sync::Arc;

use super::*;
use crate::core::{FixedClock, InitOptions};
use crate::model::UserChange;

const T0: u64 = 1_800_000_000_000;

fn node() -> (Replica, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(T0));
    let r =
        Replica::create_in_memory(&InitOptions::new("Chiang Khong"), clock.clone()).expect("node");
    (r, clock)
}

/// A node with `admin` (password "admin-secret") and officer `somchai` ("somchai-secret").
fn two_accounts() -> (Replica, Arc<FixedClock>) {
    let (mut r, clock) = node();
    let admin = r.sign_in(None, None).expect("no password yet");
    r.set_password(&admin, "admin", "admin-secret")
        .expect("passwd");
    r.add_account(
        &admin,
        "somchai",
        Role::Officer,
        None,
        Some("somchai-secret"),
    )
    .expect("add");
    (r, clock)
}

#[test]
fn delay_doubles_from_one_second_up_to_a_minute() {
    let delays: Vec<u64> = (0..9)
        .map(|n| {
            Failures {
                in_a_row: n,
                ..Default::default()
            }
            .delay_secs()
        })
        .collect();
    assert_eq!(delays, vec![0, 1, 2, 4, 8, 16, 32, 60, 60]);
    let huge = Failures {
        in_a_row: u32::MAX,
        ..Default::default()
    };
    assert_eq!(huge.delay_secs(), 60);
}

#[test]
fn a_node_without_passwords_signs_in_by_name_alone() {
    let (mut r, _) = node();
    assert!(!r.sign_in_needed().expect("needed"));
    assert_eq!(r.sign_in(None, None).expect("sign in").name, "admin");
}

#[test]
fn the_hash_is_an_argon2id_phc_string_with_the_documented_parameters() {
    let (r, _) = two_accounts();
    let phc = r.password_of("admin").expect("read").expect("set");
    assert!(phc.starts_with("$argon2id$v=19$m=65536,t=6,p=1$"), "{phc}");
    assert!(!phc.contains("admin-secret"));
}

#[test]
fn right_password_signs_in_and_wrong_unknown_disabled_are_refused_alike() {
    let (mut r, clock) = two_accounts();
    assert_eq!(
        r.sign_in(Some("somchai"), Some("somchai-secret"))
            .expect("right")
            .name,
        "somchai"
    );
    let admin = r.resolve_user(Some("admin")).expect("admin");
    r.change_user(&admin, "somchai", UserChange::Disabled)
        .expect("disable");
    let mut messages = Vec::new();
    for (name, password) in [
        ("admin", "wrong-password"),
        ("nobody", "whatever-it-is"),
        ("somchai", "somchai-secret"),
    ] {
        let e = r.sign_in(Some(name), Some(password)).expect_err(name);
        messages.push(e.to_string());
        clock.advance(120_000);
    }
    assert!(matches!(messages.as_slice(), [a, b, c] if a == b && b == c));
    assert!(
        messages[0].starts_with("sign-in refused"),
        "{}",
        messages[0]
    );
}

#[test]
fn each_failure_doubles_the_wait_and_a_success_clears_it() {
    let (mut r, clock) = two_accounts();
    let mut waits = Vec::new();
    for _ in 0..4 {
        assert!(matches!(
            r.sign_in(Some("somchai"), Some("bad-password")),
            Err(Error::SignInRefused)
        ));
        match r.sign_in(Some("somchai"), Some("somchai-secret")) {
            Err(Error::SignInDelayed { seconds, .. }) => waits.push(seconds),
            other => panic!("expected a wait, got {other:?}"),
        }
        clock.advance(waits.last().copied().unwrap_or(0) * 1000);
    }
    assert_eq!(waits, vec![1, 2, 4, 8]);
    let failures = r.sign_in_failures().expect("failures");
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].0, "somchai");
    assert_eq!((failures[0].1.in_a_row, failures[0].1.total), (4, 4));
    r.sign_in(Some("somchai"), Some("somchai-secret"))
        .expect("after the wait");
    let failures = r.sign_in_failures().expect("failures");
    assert_eq!((failures[0].1.in_a_row, failures[0].1.total), (0, 4));
}

#[test]
fn a_second_account_needs_a_password_for_itself_and_the_first() {
    let (mut r, _) = node();
    let admin = r.sign_in(None, None).expect("admin");
    let e = r
        .add_account(
            &admin,
            "somchai",
            Role::Officer,
            None,
            Some("somchai-secret"),
        )
        .expect_err("admin has no password");
    assert!(e.to_string().contains("outpost user passwd admin"), "{e}");
    r.set_password(&admin, "admin", "admin-secret")
        .expect("passwd");
    let e = r
        .add_account(&admin, "somchai", Role::Officer, None, None)
        .expect_err("no password for somchai");
    assert!(e.to_string().contains("--password-stdin"), "{e}");
    assert_eq!(r.users().expect("users").len(), 1, "nothing was changed");
    r.add_account(
        &admin,
        "somchai",
        Role::Officer,
        None,
        Some("somchai-secret"),
    )
    .expect("add");
    assert!(r.sign_in_needed().expect("needed"));
}

#[test]
fn an_officer_cannot_set_anothers_password_but_can_set_their_own() {
    let (mut r, _) = two_accounts();
    let somchai = r.resolve_user(Some("somchai")).expect("somchai");
    assert!(matches!(
        r.set_password(&somchai, "admin", "taken-over!"),
        Err(Error::Denied { .. })
    ));
    r.sign_in(Some("admin"), Some("admin-secret"))
        .expect("admin's password unchanged");
    r.set_password(&somchai, "somchai", "new-secret-1")
        .expect("own");
    r.sign_in(Some("somchai"), Some("new-secret-1"))
        .expect("new");
}

#[test]
fn short_passwords_are_refused() {
    let (mut r, _) = node();
    let admin = r.sign_in(None, None).expect("admin");
    assert!(r.set_password(&admin, "admin", "short").is_err());
    assert!(!r.passwords_in_use().expect("read"));
}
