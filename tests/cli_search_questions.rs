//! `outpost search` and questions, through the binary: a question hit says it is one and how to
//! open it, `--kind` limits the hits, every hit carries its helpful count, and a question above
//! the reader's clearance neither appears nor is counted.

use std::path::Path;

use serde_json::Value;

use crate::clearance::{json, node, run};

/// Asks a question as `user` with `body` (customs-only unless `classification` says other);
/// returns its id.
fn ask(dir: &Path, user: &str, title: &str, body: &str, classification: &str) -> String {
    let mut cmd = crate::clearance::outpost(dir);
    let out = cmd
        .args(["--user", user, "ask", "--title", title])
        .args([
            "--category",
            "clearance",
            "--classification",
            classification,
        ])
        .arg("--json")
        .write_stdin(format!("{body}\n"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let asked: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    asked["question"].as_str().expect("id").to_string()
}

fn hits_of(v: &Value) -> &Vec<Value> {
    v.as_array().expect("an array of hits")
}

#[test]
fn search_finds_questions_beside_articles_with_their_kind_helpful_count_and_command() {
    let n = node();
    let dir = &n.dir;
    let qid = ask(
        dir,
        "admin",
        "Timber logs with forged seals",
        "The seals on the timber logs look reprinted. Who checks them?",
        "customs-only",
    );
    let secret = ask(
        dir,
        "admin",
        "Timber convoy okapiwood",
        "Okapiwood timber crosses at dawn.",
        "restricted",
    );
    let mut answer = crate::clearance::outpost(dir);
    let answered = answer
        .args(["--user", "officer", "answer", &qid, "--json"])
        .write_stdin("Compare the seal numbers with the permit.\n")
        .output()
        .expect("runs");
    assert!(answered.status.success());
    let answered: Value = serde_json::from_slice(&answered.stdout).expect("JSON");
    let answer_id = answered["answer"].as_str().expect("answer id");
    let (ok, _, err) = run(dir, Some("admin"), &["helpful", answer_id]);
    assert!(ok, "{err}");

    // The officer: the customs-only question among the articles, not the restricted one.
    let hits = json(dir, Some("officer"), &["search", "timber", "--json"]);
    let hits = hits_of(&hits);
    let questions: Vec<&Value> = hits.iter().filter(|h| h["kind"] == "question").collect();
    assert_eq!(questions.len(), 1, "{hits:?}");
    assert_eq!(questions[0]["id"], qid.as_str());
    assert_eq!(questions[0]["open"], format!("outpost question {qid}"));
    assert_eq!(questions[0]["helpful"], 1);
    assert_eq!(questions[0]["answers"], 1);
    let articles: Vec<&Value> = hits.iter().filter(|h| h["kind"] != "question").collect();
    assert_eq!(articles.len(), 3, "the officer's three timber articles");
    for article in &articles {
        assert_eq!(article["helpful"], 0);
        let id = article["id"].as_str().expect("id");
        assert_eq!(article["open"], format!("outpost show {id}"));
    }
    assert!(!hits.iter().any(|h| h["id"] == secret.as_str()));
    let (ok, out, _) = run(dir, Some("officer"), &["search", "okapiwood"]);
    assert!(ok);
    assert!(out.contains("0 results"), "{out}");
    assert!(!out.contains(&secret) && !out.contains("convoy"), "{out}");

    // The text says what the hit is and how to open it.
    let (ok, out, err) = run(dir, Some("officer"), &["search", "forged", "seals"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("question · clearance · 1 answers · 1 helpful"),
        "{out}"
    );
    assert!(
        out.contains(&format!("open it with `outpost question {qid}`")),
        "{out}"
    );

    // `show` of a question's id points at `question`; for a reader it is hidden from, nothing.
    let (ok, _, err) = run(dir, Some("officer"), &["show", &qid]);
    assert!(!ok);
    assert!(err.contains(&format!("outpost question {qid}")), "{err}");
    let (ok, _, err) = run(dir, Some("guest"), &["show", &qid]);
    assert!(!ok);
    assert!(!err.contains("question"), "{err}");
}

#[test]
fn search_kind_limits_the_hits_to_questions_an_article_kind_or_every_article() {
    let n = node();
    let dir = &n.dir;
    let qid = ask(
        dir,
        "admin",
        "Timber permit stamps",
        "Which stamp does a timber permit carry?",
        "public",
    );
    let only = |kind: &str| {
        let hits = json(
            dir,
            Some("admin"),
            &["search", "timber", "--kind", kind, "--json"],
        );
        hits_of(&hits).clone()
    };
    let questions = only("question");
    assert_eq!(questions.len(), 1);
    assert_eq!(questions[0]["id"], qid.as_str());
    let articles = only("article");
    assert_eq!(articles.len(), 4, "{articles:?}");
    assert!(articles.iter().all(|h| h["kind"] != "question"));
    // Every article of the node is of one kind (`add`'s default); no other kind finds any.
    let kind = articles[0]["kind"].as_str().expect("kind").to_string();
    assert!(articles.iter().all(|h| h["kind"] == kind.as_str()));
    assert_eq!(only(&kind).len(), 4);
    let other = if kind == "procedure" {
        "case"
    } else {
        "procedure"
    };
    assert!(only(other).is_empty());
    // The guest (public) sees the public question and the two public articles only.
    let guest = json(dir, Some("guest"), &["search", "timber", "--json"]);
    assert_eq!(hits_of(&guest).len(), 3, "{guest:?}");
    assert!(hits_of(&guest).iter().any(|h| h["id"] == qid.as_str()));

    let (ok, _, err) = run(
        dir,
        Some("admin"),
        &["search", "timber", "--kind", "questions"],
    );
    assert!(!ok);
    assert!(err.contains("question"), "the error names the kinds: {err}");
}
