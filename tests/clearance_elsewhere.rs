//! Clearance where articles show up beside the reads of `clearance.rs`: an article's
//! attachments and its HTML pages, the evaluation queue and votes, the audit, and a search
//! widened by the glossary. An uncleared user asking for a restricted article by id is told what
//! a missing id gets, and nothing of it (id, title, body) comes out anywhere else.

use outpost::core::attachment_samples;

use super::clearance::{Node, PASSWORD, SECRET, assert_hidden, files_in, json, node, outpost, run};

const ID: &str = "informant-route";
/// An id no article has, as long as `ID`: what a missing article looks like.
const MISSING: &str = "informant-routf";

/// Runs `args` as `user` once as given and once with `id` replaced by `missing`, and asserts
/// that both fail with the same words (the id aside): the article reads as missing.
fn refused_as_missing(n: &Node, user: &str, args: &[&str], id: &str, missing: &str) {
    let swapped: Vec<&str> = args
        .iter()
        .map(|a| if *a == id { missing } else { *a })
        .collect();
    let (ok, out, err) = run(&n.dir, Some(user), args);
    let (missing_ok, missing_out, missing_err) = run(&n.dir, Some(user), &swapped);
    assert!(!ok && !missing_ok, "{args:?} should fail: {out}");
    assert_eq!(out, missing_out, "{args:?}");
    assert_eq!(
        err.replace(id, "ID"),
        missing_err.replace(missing, "ID"),
        "{args:?}"
    );
    assert_hidden(&SECRET[1..], &format!("{args:?}"), &out, &err);
}

/// Adds an article as the administrator, its body from a file.
fn add(n: &Node, id: &str, title: &str, classification: &str, extra: &[&str], body: &str) {
    let file = n.root.join(format!("{id}.md"));
    std::fs::write(&file, body).expect("body");
    let path = file.to_str().expect("path");
    let mut args = vec![
        "add",
        "--id",
        id,
        "--title",
        title,
        "--category",
        "commodity/timber-wood",
        "--classification",
        classification,
        "--body-file",
        path,
    ];
    args.extend(extra);
    let (ok, _, err) = run(&n.dir, Some("admin"), &args);
    assert!(ok, "add {id}: {err}");
}

fn add_user(n: &Node, name: &str, extra: &[&str]) {
    outpost(&n.dir)
        .args(["--user", "admin", "user", "add", name])
        .args(extra)
        .arg("--password-stdin")
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
}

#[test]
fn a_restricted_articles_attachments_and_pages_are_refused_to_an_uncleared_user_as_missing() {
    let n = node();
    let photo = n.root.join("route-map.png");
    std::fs::write(&photo, attachment_samples::png(3, 20_000)).expect("photo");
    let (ok, _, err) = run(
        &n.dir,
        Some("admin"),
        &["attach", ID, photo.to_str().expect("path")],
    );
    assert!(ok, "attach: {err}");
    let listed = json(&n.dir, Some("admin"), &["attachments", ID, "--json"]);
    assert_eq!(listed[0]["name"], "route-map.png", "{listed}");

    let copy = n.root.join("copy.png");
    let pages = n.root.join("pages");
    let copy_path = copy.to_str().expect("path");
    let pages_path = pages.to_str().expect("path");
    for args in [
        ["attachments", ID].as_slice(),
        &["attachments", ID, "--json"],
        &["open", ID, "route-map.png", "--out", copy_path],
        &["export-html", "--out", pages_path, ID],
        &["export-html", "--out", pages_path, "--json", ID],
    ] {
        refused_as_missing(&n, "officer", args, ID, MISSING);
    }
    assert!(!copy.exists(), "no attachment was written");
    assert!(files_in(&pages).is_empty(), "no page was written");

    // A handbook of the category and a search's pages leave it out.
    for (what, args) in [
        ("handbook", ["--category", "commodity"]),
        ("query", ["--query", "timber"]),
    ] {
        let out = n.root.join(what);
        let out_path = out.to_str().expect("path");
        let (ok, _, err) = run(
            &n.dir,
            Some("officer"),
            &[&["export-html", "--out", out_path], args.as_slice()].concat(),
        );
        assert!(ok, "{what}: {err}");
        let written = files_in(&out);
        assert!(!written.is_empty(), "{what} wrote pages");
        for (file, text) in written {
            assert_hidden(&SECRET, &file, &text, "");
        }
    }
    // The administrator exports it.
    let (ok, _, err) = run(
        &n.dir,
        Some("admin"),
        &["export-html", "--out", pages_path, ID],
    );
    assert!(ok, "{err}");
    assert!(
        files_in(&pages)
            .iter()
            .any(|(_, text)| text.contains("Informant route for timber")),
        "the administrator's pages hold it"
    );
}

#[test]
fn the_evaluation_queue_and_votes_keep_a_restricted_submission_from_an_uncleared_evaluator() {
    let n = node();
    add_user(&n, "eva", &["--role", "evaluator"]);
    add_user(
        &n,
        "vera",
        &["--role", "evaluator", "--clearance", "restricted"],
    );
    add(
        &n,
        "night-convoy",
        "Night convoy zebraquartz",
        "restricted",
        &[],
        "The zebraquartz convoy crosses at night.",
    );
    add(
        &n,
        "open-seal",
        "Open seal checks",
        "public",
        &[],
        "Check every seal.",
    );
    for id in ["night-convoy", "open-seal"] {
        let (ok, _, err) = run(&n.dir, Some("admin"), &["submit", id]);
        assert!(ok, "submit {id}: {err}");
    }
    let queued = |user: &str| -> Vec<String> {
        let items = json(&n.dir, Some(user), &["review", "queue", "--json"]);
        items
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["article"].as_str().expect("id").to_string())
            .collect()
    };
    assert_eq!(queued("vera"), ["night-convoy", "open-seal"]);
    assert_eq!(queued("eva"), ["open-seal"]);
    let (ok, out, err) = run(&n.dir, Some("eva"), &["review", "queue"]);
    assert!(ok, "{err}");
    assert_hidden(
        &["night-convoy", "Night convoy", "zebraquartz"],
        "queue",
        &out,
        &err,
    );

    for args in [
        ["review", "approve", "night-convoy"].as_slice(),
        &["review", "return", "night-convoy", "--comment", "why"],
        &["review", "reject", "night-convoy", "--reason", "no"],
        &["show", "night-convoy", "--json"],
    ] {
        refused_as_missing(&n, "eva", args, "night-convoy", "night-convoz");
    }
    // Nothing was voted: the cleared evaluator still finds it waiting, with no vote.
    assert_eq!(queued("vera"), ["night-convoy", "open-seal"]);
    let shown = json(&n.dir, Some("admin"), &["show", "night-convoy", "--json"]);
    assert_eq!(shown["evaluation"]["state"], "step-1", "{shown}");
    assert_eq!(shown["evaluation"]["approvals"], 0, "{shown}");
}

/// `outpost audit ARGS` as `user`: audit's own `--user` filters, so the acting user comes from
/// `OUTPOST_USER`.
fn audit(n: &Node, user: &str, args: &[&str]) -> (bool, String, String) {
    let out = outpost(&n.dir)
        .env("OUTPOST_USER", user)
        .arg("audit")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn audit_json(n: &Node, user: &str, args: &[&str]) -> serde_json::Value {
    let (ok, out, err) = audit(n, user, &[args, &["--json"]].concat());
    assert!(ok, "audit {args:?}: {err}");
    serde_json::from_str(&out).expect("JSON")
}

#[test]
fn an_uncleared_users_audit_shows_the_ops_but_not_what_they_name() {
    let n = node();
    let (ok, out, err) = audit(&n, "officer", &["--json"]);
    assert!(ok, "{err}");
    assert_hidden(&SECRET, "audit --json", &out, &err);
    let entries: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let whats: Vec<&str> = entries
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["what"].as_str())
        .collect();
    assert!(
        whats.contains(&"an article above your clearance"),
        "the restricted article's ops are listed, masked: {whats:?}"
    );
    assert!(
        whats.contains(&"declassified a revision above your clearance"),
        "a public article's restricted past is masked: {whats:?}"
    );
    let (ok, out, err) = audit(&n, "officer", &[]);
    assert!(ok, "{err}");
    assert_hidden(&SECRET, "audit", &out, &err);

    // Asked for by id, it has no history, as a missing id has none.
    let by_id = |id: &str| audit_json(&n, "officer", &["--article", id]);
    assert_eq!(by_id(ID), serde_json::json!([]));
    assert_eq!(by_id(MISSING), serde_json::json!([]));

    let (ok, out, err) = audit(&n, "admin", &["--json"]);
    assert!(ok, "{err}");
    assert!(out.contains("Informant route for timber"), "{out}");
    assert!(out.contains("Old secret Wombatix"), "{out}");
    let admin_by_id = audit_json(&n, "admin", &["--article", ID]);
    assert!(!admin_by_id.as_array().expect("entries").is_empty());
}

#[test]
fn a_search_widened_by_the_glossary_finds_no_restricted_article_for_an_uncleared_user() {
    let n = node();
    add(
        &n,
        ID.replace("route", "river").as_str(),
        "Informant route by river",
        "restricted",
        &["--lang", "en", "--publish"],
        "Transshipment of zebraquartz cargo at the river port.",
    );
    // "การถ่ายลำ" is Thai for transshipment: only the glossary links it to the English body.
    let search = |user: &str| run(&n.dir, Some(user), &["search", "การถ่ายลำ", "--json"]);
    let (ok, out, err) = search("admin");
    assert!(ok, "{err}");
    let hits: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(hits[0]["id"], "informant-river", "{hits}");
    assert_eq!(hits[0]["via"], "transshipment", "{hits}");

    for user in ["officer", "guest"] {
        let (ok, out, err) = search(user);
        assert!(ok, "{err}");
        assert_hidden(
            &["informant-river", "Informant route", "zebraquartz"],
            user,
            &out,
            &err,
        );
        let (ok, out, err) = run(
            &n.dir,
            Some(user),
            &["search", "การถ่ายลำ", "--hs-suggestions", "--json"],
        );
        assert!(ok, "{err}");
        assert_hidden(&["informant-river", "zebraquartz"], user, &out, &err);
    }
}

#[test]
fn required_reading_and_successors_above_clearance_are_not_named() {
    let n = node();
    for id in [ID, "timber-basics"] {
        let (ok, _, err) = run(
            &n.dir,
            Some("admin"),
            &["require", id, "--office", "HQ", "--by", "2030-01-31"],
        );
        assert!(ok, "require {id}: {err}");
    }
    let (ok, _, err) = run(
        &n.dir,
        Some("admin"),
        &["supersede", "timber-basics", "--by", ID],
    );
    assert!(ok, "supersede: {err}");

    // The administrator sees both requirements and the successor.
    let all = json(&n.dir, Some("admin"), &["ack", "--json"]).to_string();
    assert!(all.contains(ID) && all.contains("timber-basics"), "{all}");
    let shown = json(&n.dir, Some("admin"), &["show", "timber-basics", "--json"]);
    assert_eq!(shown["freshness"]["superseded_by"], ID, "{shown}");

    // The officer is asked to read what they may see, and is sent nowhere they may not go.
    let mine = json(&n.dir, Some("officer"), &["ack", "--json"]).to_string();
    assert!(mine.contains("timber-basics"), "{mine}");
    let shown = json(
        &n.dir,
        Some("officer"),
        &["show", "timber-basics", "--json"],
    );
    assert!(shown["freshness"]["superseded_by"].is_null(), "{shown}");
    for args in [
        ["ack", "--json"].as_slice(),
        &["ack", "report", "--json"],
        &["show", "timber-basics", "--json"],
        &["search", "timber", "--json"],
        &["stale", "--json"],
    ] {
        let (_, out, err) = run(&n.dir, Some("officer"), args);
        assert_hidden(&SECRET, &format!("{args:?}"), &out, &err);
    }
}
