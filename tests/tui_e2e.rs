//! The interface as a person uses it: tmux runs the real binary on a demo node; we type a
//! search, open an article, write a new one, save it and quit, reading the screen as we go.
//! Then the command line confirms the new article exists. Skipped (with the reason printed)
//! where tmux is missing; `.ci/run` installs it.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_outpost");

/// A tmux session that is killed when the test ends, however it ends.
pub(crate) struct Session {
    name: String,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = tmux(&["kill-session", "-t", &self.name]);
    }
}

fn tmux(args: &[&str]) -> std::io::Result<std::process::Output> {
    Command::new("tmux").args(args).output()
}

impl Session {
    pub(crate) fn start(data_dir: &Path, home: &Path, tag: &str) -> Session {
        Self::start_with(data_dir, home, tag, "")
    }

    /// As `start`, with more `NAME=value` settings in the environment.
    pub(crate) fn start_with(data_dir: &Path, home: &Path, tag: &str, env: &str) -> Session {
        let name = format!("outpost-e2e-{tag}-{}", std::process::id());
        let command = format!(
            "env HOME={home} XDG_CONFIG_HOME={home}/config OUTPOST_LANG=en NO_COLOR=1 TERM=xterm-256color {env} {BIN} --data-dir {data}",
            home = home.display(),
            data = data_dir.display()
        );
        let out = tmux(&[
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            "100",
            "-y",
            "30",
            &command,
        ])
        .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Session { name }
    }

    pub(crate) fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.name];
        args.extend_from_slice(keys);
        let out = tmux(&args).expect("tmux send-keys");
        assert!(out.status.success(), "send-keys {keys:?}");
    }

    /// Types text literally (no key names).
    pub(crate) fn text(&self, text: &str) {
        let out = tmux(&["send-keys", "-t", &self.name, "-l", text]).expect("tmux send-keys");
        assert!(out.status.success(), "send-keys -l {text:?}");
    }

    pub(crate) fn screen(&self) -> String {
        let out = tmux(&["capture-pane", "-p", "-t", &self.name]).expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen shows `what`; fails with the screen after `timeout`.
    pub(crate) fn wait_for(&self, what: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let screen = self.screen();
            if screen.contains(what) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub(crate) fn wait_until_gone(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while tmux(&["has-session", "-t", &self.name]).is_ok_and(|o| o.status.success()) {
            assert!(
                Instant::now() < deadline,
                "Outpost did not quit; the screen shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

pub(crate) fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn an_officer_searches_reads_writes_and_quits_in_a_real_terminal() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed (`.ci/run` installs it; apt-get install tmux)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("node");
    let init = Command::new(BIN)
        .args(["--data-dir"])
        .arg(&data)
        .args(["init", "--office", "Chiang Khong", "--hq", "--demo"])
        .output()
        .expect("outpost init runs");
    assert!(
        init.status.success(),
        "init: {}",
        String::from_utf8_lossy(&init.stderr)
    );

    let session = Session::start(&data, dir.path(), "officer");
    session.wait_for("What needs me");

    // Search as you type, move to the results, open the first.
    session.keys(&["/"]);
    session.text("timber");
    session.wait_for("Results (");
    session.keys(&["Enter"]);
    session.keys(&["Enter"]);
    let screen = session.wait_for("Review by");
    assert!(screen.contains("HS codes"), "{screen}");

    // Write a new article: title, category from the picker, tags, HS code, summary, body.
    session.keys(&["C-n"]);
    session.wait_for("New article");
    session.text("Bamboo rafts at the river crossing");
    session.keys(&["Tab", "Enter"]);
    session.wait_for("Category for this article");
    session.text("timber");
    session.keys(&["Enter"]);
    session.text("bamboo, river");
    session.keys(&["Tab"]);
    session.text("1401.10");
    session.wait_for("✓ 1401.10");
    session.keys(&["Tab", "Tab", "Tab"]);
    session.text("Rafts hide sawn timber under the bamboo.");
    session.keys(&["Tab"]);
    session.text("Lift the top layer of every third raft.");
    session.keys(&["Enter"]);
    session.text("ตรวจแพทุกลำ");
    session.wait_for("unsaved changes");
    session.keys(&["C-s"]);
    session.wait_for("Saved ");
    session.keys(&["Escape"]);
    session.wait_for("[Reader]");
    session.keys(&["q"]);
    session.wait_until_gone();

    let list = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args(["list", "--json"])
        .output()
        .expect("outpost list runs");
    assert!(
        list.status.success(),
        "list: {}",
        String::from_utf8_lossy(&list.stderr)
    );
    let articles: serde_json::Value = serde_json::from_slice(&list.stdout).expect("JSON");
    let found = articles
        .as_array()
        .expect("an array")
        .iter()
        .find(|a| a["title"] == "Bamboo rafts at the river crossing")
        .unwrap_or_else(|| panic!("the new article is listed: {articles}"));
    assert_eq!(found["category"], "commodity/timber-wood");
    let id = found["id"].as_str().expect("an id");
    let show = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args(["show", id, "--json"])
        .output()
        .expect("outpost show runs");
    let article: serde_json::Value = serde_json::from_slice(&show.stdout).expect("JSON");
    assert_eq!(
        article["body"],
        "Lift the top layer of every third raft.\nตรวจแพทุกลำ\n"
    );
    assert_eq!(article["hs_codes"][0], "1401.10");
}

pub(crate) fn outpost(data: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("outpost runs");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).expect("stdin");
    }
    child.wait_with_output().expect("outpost finishes")
}

#[test]
fn commands_work_beside_the_open_interface_and_it_shows_their_changes() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed (`.ci/run` installs it; apt-get install tmux)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("node");
    let init = outpost(&data, &["init", "--office", "HQ", "--hq", "--demo"], "");
    assert!(init.status.success(), "{init:?}");
    let session = Session::start(&data, dir.path(), "beside");
    session.wait_for("What needs me");

    // Reads at once, beside the interface.
    for args in [
        &["search", "timber"][..],
        &["list"],
        &["sync", "status"],
        &["check"],
    ] {
        let out = outpost(&data, args, "");
        assert!(out.status.success(), "{args:?}: {out:?}");
    }
    // A write from another pane: applied, and the interface shows it on its own.
    let out = outpost(
        &data,
        &[
            "add",
            "--title",
            "Written in another pane",
            "--category",
            "clearance/container-seals",
        ],
        "body",
    );
    assert!(out.status.success(), "{out:?}");
    session.wait_for("Written in another pane");

    // Several writers at once all succeed, taking turns.
    let writers: Vec<_> = (0..4)
        .map(|i| {
            let data = data.clone();
            std::thread::spawn(move || {
                let title = format!("Writer {i}");
                outpost(
                    &data,
                    &[
                        "add",
                        "--title",
                        &title,
                        "--category",
                        "clearance/container-seals",
                    ],
                    "body",
                )
            })
        })
        .collect();
    for writer in writers {
        let out = writer.join().expect("writer thread");
        assert!(out.status.success(), "{out:?}");
    }
    let check = outpost(&data, &["check"], "");
    assert!(check.status.success(), "{check:?}");
    session.keys(&["C-c"]);
    session.wait_until_gone();
}

/// The progress line's figures: (done, total), once real progress has been reported.
fn progress(screen: &str) -> Option<(u64, u64)> {
    let line = screen.lines().rev().find(|l| l.contains("% ("))?;
    let figures = line.split("% (").nth(1)?.split(')').next()?;
    let (done, total) = figures.split_once('/')?;
    let (done, total) = (done.trim().parse().ok()?, total.trim().parse().ok()?);
    (total > 1).then_some((done, total))
}

/// The screen without its status line.
fn body(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[..lines.len().saturating_sub(1)].join("\n")
}

impl Session {
    /// Waits until `ok` holds for the screen; fails with the screen after 90 s.
    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// HQ (a demo node made by the binary) in `dir/node`, and a bundle of `ops` new articles from
/// an enrolled post in `dir/to-hq.bundle`, made through the library.
fn hq_and_a_large_bundle(dir: &Path, ops: usize) -> (std::path::PathBuf, std::path::PathBuf) {
    let data = dir.join("node");
    let init = outpost(&data, &["init", "--office", "HQ", "--hq", "--demo"], "");
    assert!(init.status.success(), "{init:?}");
    let mut hq = outpost::Replica::open(&outpost::core::DataDir::new(&data)).expect("HQ opens");
    // On the system clock, as HQ is: the post must not see HQ's enrolment as from the future.
    let admin = hq.resolve_user(Some("admin")).expect("admin");
    let enrolment = hq.enrol(&admin, "Mae Sai").expect("enrol");
    let clock = std::sync::Arc::new(outpost::core::SystemClock);
    let mut post =
        outpost::Replica::enrolled_in_memory(&enrolment, "admin", clock).expect("post starts");
    crate::sync_cancel::add_articles(&mut post, ops);
    let file = dir.join("to-hq.bundle");
    let bytes = post.bundle_for(hq.node_id()).expect("bundle");
    std::fs::write(&file, bytes).expect("write the bundle");
    (data, file)
}

/// While the worker imports, the screen is drawn again and again: a search runs, the selection
/// moves down its results and the bar advances, all before the import ends.
fn the_interface_moves_while_a_bundle_imports(ops: usize) {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed (`.ci/run` installs it; apt-get install tmux)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (data, file) = hq_and_a_large_bundle(dir.path(), ops);
    let session = Session::start(&data, dir.path(), &format!("import{ops}"));
    session.wait_for("What needs me");

    // Check the bundle first (a dry run, on the worker too), then import it.
    session.keys(&["S"]);
    session.wait_for("Import from");
    session.keys(&["Tab", "C-u"]);
    session.text(&file.display().to_string());
    session.keys(&["Enter"]);
    session.wait_for("would bring");
    session.keys(&["y"]);

    let started = session.wait_until("the import's progress", |s| {
        progress(s).is_some_and(|(done, total)| done < total)
    });
    let (first, total) = progress(&started).expect("progress");
    assert!(total >= ops as u64, "{started}");
    assert!(started.contains("Esc: cancel"), "{started}");

    // Search, and move down the results, while the import goes on.
    session.keys(&["C-f"]);
    session.text("timber");
    let results = session.wait_until("search results during the import", |s| {
        s.contains("Results (") && progress(s).is_some_and(|(d, t)| d < t)
    });
    session.keys(&["Enter", "j"]);
    let moved = session.wait_until("the selection to move during the import", |s| {
        body(s) != body(&results) && progress(s).is_some_and(|(d, t)| d < t)
    });
    let (during, _) = progress(&moved).expect("progress");
    let later = session.wait_until("the bar to advance", |s| {
        progress(s).is_some_and(|(d, _)| d > first.max(during))
    });
    assert!(later.contains("Results ("), "{later}");

    // The import ends, and its report is on the Sync screen.
    session.wait_until("the import to end", |s| progress(s).is_none());
    session.keys(&["S"]);
    let report = session.wait_for("brought");
    assert!(!report.contains("brought 0 "), "{report}");
    session.keys(&["C-c"]);
    session.wait_until_gone();
    let check = outpost(&data, &["check"], "");
    assert!(check.status.success(), "{check:?}");
}

#[test]
fn the_interface_moves_and_shows_progress_while_a_bundle_of_20_000_ops_imports() {
    the_interface_moves_while_a_bundle_imports(20_000);
}

#[test]
#[ignore = "slow on two cores: builds and imports a 100,000-op bundle"]
fn the_interface_moves_and_shows_progress_while_a_bundle_of_100_000_ops_imports() {
    the_interface_moves_while_a_bundle_imports(100_000);
}

/// Runs `outpost` and insists it succeeds; returns its standard output.
pub(crate) fn ok(data: &Path, args: &[&str], stdin: &str) -> String {
    let out = outpost(data, args, stdin);
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn hq_exports_beside_a_bundle_imports_a_folder_and_resolves_a_conflict_seeing_both_versions() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed (`.ci/run` installs it; apt-get install tmux)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (hq, post, usb) = (
        dir.path().join("hq"),
        dir.path().join("post"),
        dir.path().join("usb"),
    );
    std::fs::create_dir_all(&usb).expect("usb");
    ok(&hq, &["init", "--office", "HQ", "--hq", "--demo"], "");
    let enrol = usb.join("mae-sai.enrol");
    let enrol_path = enrol.display().to_string();
    ok(
        &hq,
        &["node", "enrol", "--office", "Mae Sai", "--out", &enrol_path],
        "",
    );
    ok(&post, &["init", "--from", &enrol_path], "");

    // The same line of one article edited at HQ and at the post.
    let list: serde_json::Value =
        serde_json::from_str(&ok(&hq, &["list", "--json"], "")).expect("JSON");
    let id = list[0]["id"].as_str().expect("an id").to_string();
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&hq, &["show", &id, "--json"], "")).expect("JSON");
    let body = shown["body"].as_str().expect("a body").to_string();
    let line = body.lines().find(|l| !l.trim().is_empty()).expect("a line");
    for (node, mark) in [(&hq, "stamped at HQ"), (&post, "as the post does it")] {
        let edited = body.replacen(line, &format!("{line} ({mark})"), 1);
        ok(node, &["edit", &id, "--body-file", "-"], &edited);
    }
    // The post's bundle waits on the stick, beside the enrolment file.
    let from_post = usb.join("post.bundle");
    ok(
        &post,
        &["sync", "export", "--out", &from_post.display().to_string()],
        "",
    );
    let post_bundle = std::fs::read(&from_post).expect("bundle");

    // EDITOR keeps every line and drops the conflict markers.
    let editor = dir.path().join("keep-both.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i -e '/^<<<<<<< /d' -e '/^=======$/d' -e '/^>>>>>>> /d' \"$1\"\n",
    )
    .expect("editor script");
    let chmod = Command::new("chmod").arg("+x").arg(&editor).status();
    assert!(chmod.is_ok_and(|s| s.success()));
    let session = Session::start_with(
        &hq,
        dir.path(),
        "stick",
        &format!("EDITOR={}", editor.display()),
    );
    session.wait_for("What needs me");

    // Export to the stick's folder: HQ picks the post; the bundle already there stays.
    session.keys(&["S"]);
    let screen = session.wait_for("Mae Sai · lacks");
    assert!(screen.contains("Sync with the posts"), "{screen}");
    session.text(&usb.display().to_string());
    session.keys(&["Enter"]);
    session.wait_for("Bundle for Mae Sai");
    assert_eq!(std::fs::read(&from_post).expect("bundle"), post_bundle);
    let written = std::fs::read_dir(&usb)
        .expect("usb")
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("hq-to-mae-sai-")
        })
        .count();
    assert_eq!(written, 1);

    // Import the whole folder: the report and its keys are on screen; `y` imports.
    session.keys(&["Tab"]);
    session.text(&usb.display().to_string());
    session.keys(&["Enter"]);
    let screen = session.wait_for("y import");
    assert!(screen.contains("from Mae Sai"), "{screen}");
    session.keys(&["y"]);
    // The check before the import already names the conflict; "brought" is the import's report.
    let screen = session.wait_for("brought ");
    assert!(screen.contains("in conflict"), "{screen}");

    // Home lists the conflict; the Reader shows both versions before any edit.
    session.keys(&["Escape"]);
    session.wait_for("In conflict (1)");
    session.keys(&["Enter"]);
    session.wait_for("In conflict: 2 versions");
    let mut seen = String::new();
    for _ in 0..40 {
        seen.push_str(&session.screen());
        if seen.contains("stamped at HQ") && seen.contains("as the post does it") {
            break;
        }
        session.keys(&["PageDown"]);
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        seen.contains("stamped at HQ") && seen.contains("as the post does it"),
        "{seen}"
    );
    assert!(seen.contains("<<<<<<< "), "{seen}");

    // Saving the markers is refused; with them gone (both lines kept) it saves and resolves.
    session.keys(&["R"]);
    session.wait_for("unsaved changes");
    session.keys(&["C-s"]);
    session.wait_for("conflict markers");
    session.keys(&["C-e"]);
    // The editor hands the terminal back when it is done; until then a save is refused again
    // (the markers are still in), so save until it is taken.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        session.keys(&["C-s"]);
        std::thread::sleep(Duration::from_millis(300));
        let screen = session.screen();
        if screen.contains("Saved ") {
            break;
        }
        assert!(Instant::now() < deadline, "not saved:\n{screen}");
    }
    session.keys(&["C-c"]);
    session.wait_until_gone();
    let conflicts = ok(&hq, &["conflicts", "--json"], "");
    assert_eq!(conflicts.trim(), "[]", "{conflicts}");
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&hq, &["show", &id, "--json"], "")).expect("JSON");
    let resolved = shown["body"].as_str().expect("body");
    assert!(
        resolved.contains("stamped at HQ") && resolved.contains("as the post does it"),
        "{resolved}"
    );
    assert!(!resolved.contains("<<<<<<<"), "{resolved}");
}
