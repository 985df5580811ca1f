//! Communities and mileage through the binary: `cop create|join|leave|list|show|outcome`,
//! `mileage` as a leaderboard and as a person's history, `mileage rules show|set`; HQ and a
//! post exchange bundles and show the same points; refusals say what to do and change nothing.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use serde_json::Value;

fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("JSON")
}

/// Sends everything `to` lacks from `from` by a bundle file.
fn sync(from: &Path, to: &Path, to_office: &str, usb: &Path, name: &str) {
    let out = usb.join(name);
    outpost(from)
        .args(["sync", "export", "--to", to_office, "--out"])
        .arg(&out)
        .assert()
        .success();
    outpost(to)
        .args(["sync", "import"])
        .arg(&out)
        .assert()
        .success();
}

struct Nodes {
    _tmp: tempfile::TempDir,
    hq: PathBuf,
    post: PathBuf,
    usb: PathBuf,
}

fn setup() -> Nodes {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (hq, post, usb) = (
        tmp.path().join("hq"),
        tmp.path().join("post"),
        tmp.path().join("usb"),
    );
    std::fs::create_dir_all(&usb).expect("usb");
    outpost(&hq)
        .args(["init", "--office", "HQ", "--hq"])
        .assert()
        .success();
    let file = usb.join("post.enrol");
    outpost(&hq)
        .args(["node", "enrol", "--office", "Mae Sai", "--out"])
        .arg(&file)
        .assert()
        .success();
    outpost(&post)
        .arg("init")
        .arg("--from")
        .arg(&file)
        .assert()
        .success();
    Nodes {
        _tmp: tmp,
        hq,
        post,
        usb,
    }
}

fn points(board: &Value, list: &str) -> Vec<(String, u64)> {
    board[list]
        .as_array()
        .expect("list")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().expect("name").to_string(),
                s["points"].as_u64().expect("points"),
            )
        })
        .collect()
}

#[test]
fn a_community_and_an_article_earn_the_same_points_at_hq_and_at_the_post() {
    let n = setup();
    let added = json(
        outpost(&n.hq)
            .args([
                "add",
                "--title",
                "Seals",
                "--category",
                "clearance",
                "--publish",
                "--json",
            ])
            .write_stdin("Check the seal number.\n"),
    );
    let id = added["id"].as_str().expect("id").to_string();
    sync(&n.hq, &n.post, "Mae Sai", &n.usb, "1.bundle");

    let founded = json(outpost(&n.post).args([
        "cop",
        "create",
        "Seal checks",
        "--description",
        "Seals, locks and tamper signs",
        "--json",
    ]));
    assert_eq!(founded["members"], serde_json::json!(["admin@Mae Sai"]));
    outpost(&n.post)
        .args([
            "cop",
            "outcome",
            "seal checks",
            "--title",
            "Checklist agreed",
            "--date",
            "2026-11-20",
            "--article",
            &id,
        ])
        .assert()
        .success()
        .stdout(contains("1 outcomes"));
    sync(&n.post, &n.hq, "HQ", &n.usb, "2.bundle");
    sync(&n.hq, &n.post, "Mae Sai", &n.usb, "3.bundle");

    outpost(&n.hq)
        .args(["cop", "list"])
        .assert()
        .success()
        .stdout(contains("Seal checks").and(contains("1 outcomes")));
    let shown = json(outpost(&n.hq).args(["cop", "show", "Seal checks", "--json"]));
    assert_eq!(shown["outcomes"][0]["articles"][0][1], "Seals");
    assert_eq!(shown["outcomes"][0]["by"], "admin@Mae Sai");

    let expected = vec![
        ("admin@HQ".to_string(), 10),
        ("admin@Mae Sai".to_string(), 5),
    ];
    for node in [&n.hq, &n.post] {
        let board = json(outpost(node).args(["mileage", "--json"]));
        assert_eq!(points(&board, "people"), expected);
        assert_eq!(
            points(&board, "offices"),
            vec![("HQ".to_string(), 10), ("Mae Sai".to_string(), 5)]
        );
    }
    let only = json(outpost(&n.hq).args(["mileage", "--office", "Mae Sai", "--json"]));
    assert_eq!(
        points(&only, "people"),
        vec![("admin@Mae Sai".to_string(), 5)]
    );
    let history = json(outpost(&n.hq).args(["mileage", "--person", "admin@HQ", "--json"]));
    assert_eq!(history[0]["kind"], "article-published");
    assert_eq!(history[0]["source"], format!("article {id}"));
    outpost(&n.hq)
        .args(["mileage", "--person", "admin@HQ"])
        .assert()
        .success()
        .stdout(contains("admin@HQ: 10 points"));

    // HQ halves publications; the post learns it and agrees.
    let rules = n.usb.join("rules.toml");
    std::fs::write(&rules, "[points]\narticle-published = 5\n").expect("rules");
    outpost(&n.hq)
        .args(["mileage", "rules", "set"])
        .arg(&rules)
        .assert()
        .success();
    sync(&n.hq, &n.post, "Mae Sai", &n.usb, "4.bundle");
    let shown = json(outpost(&n.post).args(["mileage", "rules", "show", "--json"]));
    assert_eq!(shown["article-published"], 5);
    let board = json(outpost(&n.post).args(["mileage", "--json"]));
    assert_eq!(
        points(&board, "people"),
        vec![
            ("admin@HQ".to_string(), 5),
            ("admin@Mae Sai".to_string(), 5)
        ]
    );

    outpost(&n.post)
        .args(["cop", "leave", "Seal checks"])
        .assert()
        .success();
    let left = json(outpost(&n.post).args(["cop", "show", "Seal checks", "--json"]));
    assert_eq!(left["members"], serde_json::json!([]));
}

#[test]
fn refusals_say_what_to_do_and_change_nothing() {
    let n = setup();
    let log_len = |dir: &Path| json(outpost(dir).args(["check", "--json"]))["ops"].clone();
    outpost(&n.post)
        .args(["cop", "create", "Valuation"])
        .assert()
        .success();
    let before = log_len(&n.post);
    for (args, message) in [
        (vec!["cop", "join", "valuation"], "already a member"),
        (vec!["cop", "create", "VALUATION"], "already exists"),
        (vec!["cop", "join", "Nowhere"], "cop list"),
        (
            vec![
                "cop",
                "outcome",
                "Valuation",
                "--title",
                "T",
                "--date",
                "20-11-2026",
            ],
            "YYYY-MM-DD",
        ),
        (vec!["mileage", "--since", "yesterday"], "YYYY-MM-DD"),
        (vec!["mileage", "--person", "nobody"], "NAME@OFFICE"),
        (vec!["stats", "--since", "soon"], "YYYY-MM-DD"),
    ] {
        outpost(&n.post)
            .args(&args)
            .assert()
            .failure()
            .stderr(contains(message));
    }
    outpost(&n.post)
        .args(["cop", "leave", "Valuation"])
        .assert()
        .success();
    outpost(&n.post)
        .args(["cop", "leave", "Valuation"])
        .assert()
        .failure()
        .stderr(contains("not a member"));
    outpost(&n.post)
        .args([
            "cop",
            "outcome",
            "Valuation",
            "--title",
            "T",
            "--date",
            "2026-11-20",
        ])
        .assert()
        .failure()
        .stderr(contains("join it first"));
    let rules = n.usb.join("rules.toml");
    std::fs::write(&rules, "[points]\narticle-published = 50\n").expect("rules");
    outpost(&n.post)
        .args(["mileage", "rules", "set"])
        .arg(&rules)
        .assert()
        .failure()
        .stderr(contains("administrator at HQ"));
    std::fs::write(&rules, "[points]\narticle-publish = 5\n").expect("rules");
    outpost(&n.hq)
        .args(["mileage", "rules", "set"])
        .arg(&rules)
        .assert()
        .failure()
        .stderr(contains("article-published"));
    outpost(&n.hq)
        .args(["mileage", "rules", "set", "no-such-file.toml"])
        .assert()
        .failure()
        .stderr(contains("cannot read the rules"));
    let after = log_len(&n.post);
    assert_eq!(
        after.as_u64().expect("ops"),
        before.as_u64().expect("ops") + 1,
        "only the one leave was written"
    );
}
