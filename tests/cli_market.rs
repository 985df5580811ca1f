//! The Knowledge Market through the binary: an officer at post A asks an urgent question, the
//! urgent bundle reaches HQ, an expert signed in at post B answers (bundles via HQ), the asker
//! accepts, the answer is promoted, evaluated and published, and the three nodes agree.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

pub(crate) const PASSWORD: &str = "seal-check-2026";

pub(crate) fn outpost(dir: &Path, user: &str) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .env("OUTPOST_PASSWORD", PASSWORD)
        .arg("--data-dir")
        .arg(dir)
        .args(["--user", user]);
    cmd
}

pub(crate) fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("valid JSON")
}

pub(crate) fn text(v: &Value) -> String {
    v.as_str().expect("a string").to_string()
}

pub(crate) fn add_user(dir: &Path, name: &str) {
    outpost(dir, "admin")
        .args(["user", "add", name, "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
}

/// Carries everything `from` has for `to_office` to `to`, with `extra` export flags.
pub(crate) fn carry(from: &Path, to_office: &str, to: &Path, usb: &Path, extra: &[&str]) -> Value {
    let out = usb.join(format!("bundle-{}", rand_name()));
    let report = json(
        outpost(from, "admin")
            .args(["sync", "export", "--to", to_office, "--json", "--out"])
            .arg(&out)
            .args(extra),
    );
    let files: Vec<PathBuf> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| PathBuf::from(text(f)))
        .collect();
    json(
        outpost(to, "admin")
            .args(["sync", "import", "--json"])
            .args(&files),
    );
    report
}

fn rand_name() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

pub(crate) fn state_hash(dir: &Path) -> String {
    text(&json(outpost(dir, "admin").args(["check", "--json"]))["state_hash"])
}

fn journey(dir: &Path, user: &str) -> Value {
    let mine = json(outpost(dir, user).args(["questions", "--mine", "--json"]));
    mine[0]["journey"].clone()
}

#[test]
fn an_urgent_question_from_post_a_is_answered_at_post_b_accepted_promoted_and_published() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (hq, a, b, usb) = (
        tmp.path().join("hq"),
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("usb"),
    );
    std::fs::create_dir_all(&usb).expect("usb");
    let mut init = Command::cargo_bin("outpost").expect("binary");
    init.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(&hq)
        .args(["init", "--office", "HQ", "--hq", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    for (office, dir) in [("Post A", &a), ("Post B", &b)] {
        let file = usb.join(format!("{office}.enrol"));
        outpost(&hq, "admin")
            .args(["node", "enrol", "--office", office, "--out"])
            .arg(&file)
            .assert()
            .success();
        let mut init = Command::cargo_bin("outpost").expect("binary");
        init.env_remove("OUTPOST_HOME")
            .env_remove("OUTPOST_USER")
            .arg("--data-dir")
            .arg(dir)
            .args(["init", "--password-stdin", "--from"])
            .arg(&file)
            .write_stdin(format!("{PASSWORD}\n"))
            .assert()
            .success();
    }
    add_user(&a, "lek");
    add_user(&b, "dao");
    for evaluator in ["s1", "e1"] {
        add_user(&hq, evaluator);
    }
    carry(&a, "HQ", &hq, &usb, &[]);
    carry(&b, "HQ", &hq, &usb, &[]);
    for (person, role) in [
        ("dao@Post B", "expert"),
        ("s1@HQ", "evaluator"),
        ("e1@HQ", "evaluator"),
    ] {
        outpost(&hq, "admin")
            .args(["role", "grant", person, role, "--category", "clearance"])
            .assert()
            .success();
    }
    outpost(&hq, "admin")
        .args(["policy", "set", "evaluation.step2-approvals", "1"])
        .assert()
        .success();
    carry(&hq, "Post A", &a, &usb, &[]);
    carry(&hq, "Post B", &b, &usb, &[]);

    // Post A asks; the question waits at the post.
    let asked = json(
        outpost(&a, "lek")
            .args([
                "ask",
                "--title",
                "Drum smells of solvent",
                "--category",
                "clearance",
                "--urgent",
                "--hs",
                "2915.21",
                "--json",
            ])
            .write_stdin("A drum labelled acetic acid smells of solvent. What do I test?\n"),
    );
    let qid = text(&asked["question"]);
    assert_eq!(journey(&a, "lek"), "queued");

    // The urgent bundle leaves for HQ; HQ's acknowledgement comes back.
    carry(&a, "HQ", &hq, &usb, &["--urgent-only"]);
    assert!(
        journey(&a, "lek").get("in-bundle").is_some(),
        "{}",
        journey(&a, "lek")
    );
    carry(&hq, "Post A", &a, &usb, &[]);
    assert_eq!(journey(&a, "lek"), "at-hq");

    // The expert at post B finds it in the inbox and answers.
    carry(&hq, "Post B", &b, &usb, &[]);
    let inbox = json(outpost(&b, "dao").args(["questions", "--inbox", "--json"]));
    assert_eq!(inbox[0]["id"], qid.as_str());
    assert_eq!(inbox[0]["urgent"], true);
    let answered = json(
        outpost(&b, "dao")
            .args(["answer", &qid, "--json"])
            .write_stdin("Test the flash point before you open it.\n"),
    );
    let answer = text(&answered["answer"]);
    carry(&b, "HQ", &hq, &usb, &[]);
    carry(&hq, "Post A", &a, &usb, &[]);

    // The asker reads it, accepts it, and a second helpful vote is refused with a reason.
    let view = json(outpost(&a, "lek").args(["question", &qid, "--json"]));
    assert_eq!(view["journey"], "answered");
    assert_eq!(view["answers"][0]["by"], "dao@Post B");
    outpost(&a, "lek")
        .args(["accept", &qid, &answer])
        .assert()
        .success()
        .stdout(contains("Accepted"));
    outpost(&a, "lek")
        .args(["helpful", &answer])
        .assert()
        .success();
    outpost(&a, "lek")
        .args(["helpful", &answer])
        .assert()
        .failure()
        .stderr(contains("already marked"));
    outpost(&a, "admin")
        .args(["accept", &qid, &answer])
        .assert()
        .failure()
        .stderr(contains("only the asker"));
    outpost(&a, "lek")
        .args([
            "comment",
            &qid,
            "--text",
            "Thank you: flash point was 40 °C.",
        ])
        .assert()
        .success();
    assert_eq!(journey(&a, "lek"), "accepted");

    // The expert promotes the answer; HQ's evaluators publish it.
    let promoted = json(outpost(&b, "dao").args(["promote", &answer, "--json"]));
    let article = text(&promoted["article"]);
    outpost(&b, "dao")
        .args(["promote", &answer])
        .assert()
        .failure()
        .stderr(contains("already promoted"));
    outpost(&b, "dao")
        .args(["submit", &article])
        .assert()
        .success();
    carry(&b, "HQ", &hq, &usb, &[]);
    outpost(&hq, "s1")
        .args(["review", "approve", &article])
        .assert()
        .success()
        .stdout(contains("step 2"));
    outpost(&hq, "e1")
        .args(["review", "approve", &article])
        .assert()
        .success()
        .stdout(contains("published"));

    carry(&a, "HQ", &hq, &usb, &[]);
    carry(&hq, "Post A", &a, &usb, &[]);
    carry(&hq, "Post B", &b, &usb, &[]);
    let hashes: Vec<String> = [&hq, &a, &b].iter().map(|d| state_hash(d)).collect();
    assert_eq!(hashes[0], hashes[1]);
    assert_eq!(hashes[0], hashes[2]);
    let at_b = json(outpost(&b, "dao").args(["question", &qid, "--json"]));
    assert_eq!(at_b["accepted"], answer.as_str());
    assert_eq!(at_b["answers"][0]["helpful"], 1);
    assert_eq!(at_b["answers"][0]["article"], article.as_str());
    assert_eq!(at_b["comments"].as_array().map(Vec::len), Some(1));
    let shown = json(outpost(&b, "dao").args(["show", &article, "--json"]));
    assert_eq!(shown["status"], "published");

    // Mileage and statistics are functions of the ops: the three nodes agree on both, and
    // the answer's author has the points of an accepted answer.
    let boards: Vec<Value> = [&hq, &a, &b]
        .iter()
        .map(|d| json(outpost(d, "admin").args(["mileage", "--json"])))
        .collect();
    assert_eq!(boards[0], boards[1]);
    assert_eq!(boards[0], boards[2]);
    assert!(
        boards[0].to_string().contains("dao@Post B"),
        "{}",
        boards[0]
    );
    let stats: Vec<Value> = [&hq, &a, &b]
        .iter()
        .map(|d| json(outpost(d, "admin").args(["stats", "--json"]))["questions"].clone())
        .collect();
    assert_eq!(stats[0], stats[1]);
    assert_eq!(stats[0], stats[2]);
    assert_eq!(
        (stats[0]["asked"].as_u64(), stats[0]["answered"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn asking_without_a_body_or_in_an_unknown_category_says_what_to_do_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let mut init = Command::cargo_bin("outpost").expect("binary");
    init.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(d)
        .args(["init", "--office", "HQ", "--hq"])
        .assert()
        .success();
    outpost(d, "admin")
        .args(["ask", "--title", "T", "--category", "nowhere"])
        .write_stdin("body\n")
        .assert()
        .failure()
        .stderr(contains("outpost categories"));
    outpost(d, "admin")
        .args(["ask", "--title", "T", "--category", "clearance"])
        .write_stdin("")
        .assert()
        .failure()
        .stderr(contains("empty"));
    outpost(d, "admin")
        .args(["answer", "q-nothing-here"])
        .write_stdin("body\n")
        .assert()
        .failure()
        .stderr(contains("no question"));
    let list = json(outpost(d, "admin").args(["questions", "--json"]));
    assert_eq!(list, Value::Array(vec![]));
}
