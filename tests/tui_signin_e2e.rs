//! Sign-in in a real terminal: tmux runs the binary on a node of two accounts with passwords.
//! It opens on the sign-in screen; a wrong password is refused with the one message that does
//! not say what was wrong; the right one reaches Home. Skipped (with the reason printed) where
//! tmux is missing.

use super::tui_e2e::{BIN, Session, ok, tmux_available};

const ADMIN_PASSWORD: &str = "border-admin-2026";
const SOMCHAI_PASSWORD: &str = "somchai-seal-2026";
/// The catalogue's one refusal (`signin.refused`).
const REFUSED: &str = "Sign-in refused: the name or the password is wrong";

#[test]
fn a_node_of_two_accounts_opens_on_sign_in_refuses_a_wrong_password_and_admits_the_right_one() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed (`.ci/run` installs it; apt-get install tmux)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("node");
    ok(
        &data,
        &[
            "init",
            "--office",
            "Chiang Khong",
            "--hq",
            "--demo",
            "--password-stdin",
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    let added = std::process::Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args([
            "--user",
            "admin",
            "user",
            "add",
            "somchai",
            "--password-stdin",
        ])
        .env("OUTPOST_PASSWORD", ADMIN_PASSWORD)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            if let Some(mut input) = child.stdin.take() {
                input.write_all(format!("{SOMCHAI_PASSWORD}\n").as_bytes())?;
            }
            child.wait_with_output()
        })
        .expect("outpost runs");
    assert!(added.status.success(), "user add: {added:?}");

    let session = Session::start(&data, dir.path(), "signin");
    session.wait_for("Sign in");
    assert!(
        !session.screen().contains("What needs me"),
        "nothing of the node shows before sign-in"
    );
    session.text("somchai");
    session.keys(&["Tab"]);
    session.text("not-the-password");
    session.keys(&["Enter"]);
    let screen = session.wait_for(REFUSED);
    assert!(!screen.contains("What needs me"), "{screen}");

    // The refusal slows the name down (one failure: a second). Let it pass, so that the first
    // try is not told to wait: a "wait" left on the screen from an earlier try would send the
    // password again while the right one signs in, and those keys would reach Home.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    for _ in 0..20 {
        session.text(SOMCHAI_PASSWORD);
        session.keys(&["Enter"]);
        let screen = wait_for_any(&session, &["What needs me", "wait "]);
        if screen.contains("What needs me") {
            assert!(
                screen.contains("somchai"),
                "signed in as somchai:\n{screen}"
            );
            session.keys(&["C-c"]);
            session.wait_until_gone();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    panic!(
        "the right password never reached Home:\n{}",
        session.screen()
    );
}

/// Waits until the screen shows one of `whats`, and returns it.
fn wait_for_any(session: &Session, whats: &[&str]) -> String {
    for _ in 0..900 {
        let screen = session.screen();
        if whats.iter().any(|w| screen.contains(w)) {
            return screen;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!(
        "waited for {whats:?}; the screen shows:\n{}",
        session.screen()
    );
}
