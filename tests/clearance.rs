//! Classification and clearance through the binary: an article above a user's clearance is
//! asked for through every command that reads articles, and nothing of it comes out — not its
//! id, title, body, a count or a snippet; `show` of it says exactly what it says of a missing
//! id. Restricted content does not leave the node in a plain bundle.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// Every account of the test's node has this password: a node of several accounts needs one.
pub(crate) const PASSWORD: &str = "timber-seal-2026";

pub(crate) fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .env("OUTPOST_PASSWORD", PASSWORD)
        .arg("--data-dir")
        .arg(dir);
    cmd
}

/// Runs `outpost --user USER ARGS` (no `--user` for `None`) and returns (success, stdout,
/// stderr).
pub(crate) fn run(dir: &Path, user: Option<&str>, args: &[&str]) -> (bool, String, String) {
    let mut cmd = outpost(dir);
    if let Some(user) = user {
        cmd.args(["--user", user]);
    }
    let out = cmd.args(args).output().expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub(crate) fn json(dir: &Path, user: Option<&str>, args: &[&str]) -> Value {
    let (ok, out, err) = run(dir, user, args);
    assert!(ok, "{args:?} failed: {err}");
    serde_json::from_str(&out).expect("JSON")
}

/// What identifies the restricted article: none of these may reach an uncleared user.
pub(crate) const SECRET: [&str; 4] = [
    "informant-route",
    "Informant route",
    "zebraquartz",
    "Wombatix",
];
/// The same for the customs-only article, hidden from a public-cleared user.
const CUSTOMS: [&str; 3] = ["seal-quokka", "Seal tampering", "quokkaseal"];

pub(crate) fn assert_hidden(marks: &[&str], what: &str, out: &str, err: &str) {
    for mark in marks {
        assert!(!out.contains(mark), "{what}: `{mark}` on stdout:\n{out}");
        assert!(!err.contains(mark), "{what}: `{mark}` on stderr:\n{err}");
    }
}

pub(crate) struct Node {
    _tmp: tempfile::TempDir,
    pub(crate) dir: PathBuf,
    pub(crate) root: PathBuf,
}

/// An HQ with an administrator (restricted clearance), an officer (customs-only) and a guest
/// (public), and three published timber articles: public, customs-only and restricted. The
/// restricted one links to the public one; another article was restricted once (`Wombatix`)
/// and is public now.
pub(crate) fn node() -> Node {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().to_path_buf();
    let dir = root.join("hq");
    outpost(&dir)
        .args(["init", "--office", "HQ", "--hq", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    for args in [
        ["user", "add", "officer", "--role", "officer"].as_slice(),
        &["user", "add", "guest", "--clearance", "public"],
    ] {
        outpost(&dir)
            .args(["--user", "admin"])
            .args(args)
            .arg("--password-stdin")
            .write_stdin(format!("{PASSWORD}\n"))
            .assert()
            .success();
    }
    let articles: [(&str, &str, &str, &str); 4] = [
        (
            "timber-basics",
            "Timber basics",
            "public",
            "Check timber logs against the permit.",
        ),
        (
            "seal-quokka",
            "Seal tampering on timber trucks",
            "customs-only",
            "Timber trucks with a quokkaseal pattern are suspect.",
        ),
        (
            "informant-route",
            "Informant route for timber",
            "restricted",
            "The zebraquartz route moves timber at night. See [[timber-basics]].",
        ),
        (
            "declassified",
            "Old secret Wombatix",
            "restricted",
            "Wombatix timber matter.",
        ),
    ];
    for (id, title, classification, body) in articles {
        let file = root.join(format!("{id}.md"));
        std::fs::write(&file, body).expect("body");
        let (ok, _, err) = run(
            &dir,
            Some("admin"),
            &[
                "add",
                "--id",
                id,
                "--title",
                title,
                "--category",
                "commodity/timber-wood",
                "--classification",
                classification,
                "--publish",
                "--body-file",
                file.to_str().expect("path"),
            ],
        );
        assert!(ok, "add {id}: {err}");
    }
    // The once-restricted article is public now, under another title and body: its restricted
    // revision stays in its history.
    let file = root.join("declassified-now.md");
    std::fs::write(&file, "Timber matter, public now.").expect("body");
    let (ok, _, err) = run(
        &dir,
        Some("admin"),
        &[
            "edit",
            "declassified",
            "--title",
            "Declassified timber note",
            "--classification",
            "public",
            "--body-file",
            file.to_str().expect("path"),
        ],
    );
    assert!(ok, "edit: {err}");
    Node {
        _tmp: tmp,
        dir,
        root,
    }
}

/// Every reading command, as `user` asks it.
fn readings(root: &Path) -> Vec<Vec<String>> {
    let out = |name: &str| root.join(name).to_str().expect("path").to_string();
    let s = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    vec![
        s(&["search", "timber"]),
        s(&["search", "timber", "--json"]),
        s(&["search", "zebraquartz", "--json"]),
        s(&["search", "quokkaseal"]),
        s(&["search", "wombatix", "--json"]),
        s(&["search", "--hs-suggestions", "--json", "timber"]),
        s(&["list"]),
        s(&["list", "--json"]),
        s(&["list", "--category", "commodity", "--json"]),
        s(&["categories"]),
        s(&["categories", "--json"]),
        s(&["show", "timber-basics", "--json"]),
        s(&["show", "timber-basics"]),
        s(&["show", "declassified", "--json"]),
        s(&["show", "declassified"]),
        s(&["conflicts", "--json"]),
        s(&["conflicts"]),
        s(&["hs", "timber", "--json"]),
        vec!["export-md".into(), out("export")],
    ]
}

fn timber_count(dir: &Path, user: Option<&str>) -> u64 {
    let cats = json(dir, user, &["categories", "--json"]);
    let rows = cats.as_array().expect("rows");
    let count = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .and_then(|r| r["articles"].as_u64())
            .expect("a count")
    };
    assert_eq!(
        count("commodity"),
        count("commodity/timber-wood"),
        "the group counts what its sub-groups hold"
    );
    count("commodity/timber-wood")
}

/// Every file under `dir`, with its text.
pub(crate) fn files_in(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        out.push((entry.display().to_string(), text));
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_restricted_article_reveals_nothing_to_an_uncleared_user_through_any_command() {
    let n = node();
    for user in [Some("officer"), Some("guest")] {
        let _ = std::fs::remove_dir_all(n.root.join("export"));
        for args in readings(&n.root) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (ok, out, err) = run(&n.dir, user, &args);
            assert!(ok, "{user:?} {args:?} failed: {err}");
            assert_hidden(&SECRET, &format!("{user:?} {args:?}"), &out, &err);
        }
        for (path, text) in files_in(&n.root.join("export")) {
            assert_hidden(&SECRET, &format!("{user:?} export-md"), &path, &text);
        }
    }
}

#[test]
fn show_of_an_article_above_clearance_says_what_it_says_of_a_missing_id() {
    let n = node();
    for json in [false, true] {
        let args = |id: &'static str| {
            let mut v = vec!["show", id];
            if json {
                v.push("--json");
            }
            v
        };
        let (ok, out, err) = run(&n.dir, Some("officer"), &args("informant-route"));
        let (missing_ok, missing_out, missing_err) =
            run(&n.dir, Some("officer"), &args("informant-routf"));
        assert!(!ok && !missing_ok);
        assert_eq!(out, missing_out);
        assert_eq!(
            err.replace("informant-route", "ID"),
            missing_err.replace("informant-routf", "ID")
        );
        assert!(
            err.contains("informant-route"),
            "it echoes what was asked: {err}"
        );
        assert!(!err.contains("Informant route") && !err.contains("zebraquartz"));
    }
    // Nor can an uncleared user edit, retire or publish it: each is told it does not exist.
    for args in [
        ["edit", "informant-route", "--title", "Taken over"].as_slice(),
        &["retire", "informant-route"],
    ] {
        let (ok, out, err) = run(&n.dir, Some("officer"), args);
        let missing: Vec<&str> = args
            .iter()
            .map(|a| {
                if *a == "informant-route" {
                    "informant-routf"
                } else {
                    *a
                }
            })
            .collect();
        let (_, _, missing_err) = run(&n.dir, Some("officer"), &missing);
        assert!(!ok, "{args:?}: {out}");
        assert_eq!(
            err.replace("informant-route", "ID"),
            missing_err.replace("informant-routf", "ID"),
            "{args:?}"
        );
    }
    let (_, out, _) = run(&n.dir, Some("admin"), &["show", "informant-route"]);
    assert!(out.contains("Informant route for timber"), "{out}");
}

#[test]
fn a_customs_only_article_is_hidden_from_a_public_user_and_shown_to_an_officer() {
    let n = node();
    for args in readings(&n.root) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (ok, out, err) = run(&n.dir, Some("guest"), &args);
        assert!(ok, "guest {args:?} failed: {err}");
        assert_hidden(&CUSTOMS, &format!("guest {args:?}"), &out, &err);
    }
    let (ok, _, _) = run(&n.dir, Some("guest"), &["show", "seal-quokka"]);
    assert!(!ok);
    let officer = json(&n.dir, Some("officer"), &["search", "quokkaseal", "--json"]);
    assert_eq!(officer[0]["id"], "seal-quokka");
    let shown = json(&n.dir, Some("officer"), &["show", "seal-quokka", "--json"]);
    assert_eq!(shown["classification"], "customs-only");
}

#[test]
fn counts_and_searches_hold_only_what_the_user_may_see_and_an_administrator_sees_all() {
    let n = node();
    assert_eq!(timber_count(&n.dir, Some("admin")), 4);
    assert_eq!(timber_count(&n.dir, Some("officer")), 3);
    assert_eq!(timber_count(&n.dir, Some("guest")), 2);

    let ids = |user: &str| -> Vec<String> {
        let hits = json(&n.dir, Some(user), &["search", "timber", "--json"]);
        let mut ids: Vec<String> = hits
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["id"].as_str().expect("id").to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        ids("admin"),
        [
            "declassified",
            "informant-route",
            "seal-quokka",
            "timber-basics"
        ]
    );
    assert_eq!(
        ids("officer"),
        ["declassified", "seal-quokka", "timber-basics"]
    );
    assert_eq!(ids("guest"), ["declassified", "timber-basics"]);
    // The top holds what the user may see, however small the limit: hidden articles take no
    // place in it.
    let top = json(
        &n.dir,
        Some("guest"),
        &["search", "timber", "--limit", "2", "--json"],
    );
    assert_eq!(top.as_array().expect("hits").len(), 2);

    // The administrator sees the restricted article, its backlink and its past.
    let shown = json(&n.dir, Some("admin"), &["show", "timber-basics", "--json"]);
    assert_eq!(shown["backlinks"][0]["id"], "informant-route");
    let shown = json(&n.dir, Some("admin"), &["show", "declassified", "--json"]);
    assert_eq!(shown["history"].as_array().expect("history").len(), 2);
    let shown = json(&n.dir, Some("officer"), &["show", "declassified", "--json"]);
    assert_eq!(shown["history"].as_array().expect("history").len(), 1);
    let listed = json(&n.dir, Some("admin"), &["list", "--json"]);
    assert_eq!(listed.as_array().expect("rows").len(), 4);
}

#[test]
fn an_uncleared_user_cannot_write_what_they_could_not_read() {
    let n = node();
    let (ok, _, err) = run(
        &n.dir,
        Some("officer"),
        &[
            "add",
            "--title",
            "Above me",
            "--category",
            "commodity/timber-wood",
            "--classification",
            "restricted",
        ],
    );
    assert!(!ok);
    assert!(err.contains("cleared for customs-only"), "{err}");
    assert_eq!(timber_count(&n.dir, Some("admin")), 4, "nothing was added");
}

#[test]
fn export_refuses_a_plain_bundle_holding_restricted_articles_and_names_them() {
    let n = node();
    let enrol = n.root.join("post.enrol");
    let (ok, _, err) = run(
        &n.dir,
        Some("admin"),
        &[
            "node",
            "enrol",
            "--office",
            "Mae Sai",
            "--out",
            enrol.to_str().expect("path"),
        ],
    );
    assert!(ok, "{err}");
    let bundle = n.root.join("usb").join("to-post.bundle");
    std::fs::create_dir_all(n.root.join("usb")).expect("usb");
    let export = |user: &str, extra: &[&str]| {
        let mut args = vec![
            "sync",
            "export",
            "--to",
            "Mae Sai",
            "--out",
            bundle.to_str().expect("path"),
        ];
        args.extend(extra);
        run(&n.dir, Some(user), &args)
    };
    let (ok, out, err) = export("admin", &[]);
    assert!(!ok, "{out}");
    assert!(
        err.contains("informant-route"),
        "the article is named: {err}"
    );
    assert!(
        err.contains("--encrypt-to"),
        "it says how to proceed: {err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    // A public article's restricted past travels with it, so it is named; one never
    // restricted is not.
    assert!(err.contains("declassified"), "{err}");
    assert!(
        !err.contains("timber-basics"),
        "a public article is not named: {err}"
    );
    assert!(
        std::fs::read_dir(n.root.join("usb"))
            .expect("usb")
            .next()
            .is_none(),
        "no file was written"
    );

    // Someone not cleared for it is refused too, without being told which article.
    let (ok, _, err) = export("officer", &[]);
    assert!(!ok);
    assert!(err.contains("--encrypt-to"), "{err}");
    assert_hidden(&SECRET, "officer's export", "", &err);
    assert!(!bundle.exists());

    let (ok, _, err) = export("admin", &["--encrypt-to", "Mae Sai"]);
    assert!(ok, "{err}");
    assert!(bundle.exists());
}
