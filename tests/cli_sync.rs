//! Sync through the binary only: enrolment, bundles on "USB sticks", loss, duplication, parts
//! out of order, a three-way conflict, resolution and convergence.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
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

fn state_hash(dir: &Path) -> String {
    json(outpost(dir).args(["check", "--json"]))["state_hash"]
        .as_str()
        .expect("hash")
        .to_string()
}

/// Exports from `from` to `to_office` into `usb/name`; returns the written files.
fn export(from: &Path, to_office: &str, usb: &Path, name: &str, extra: &[&str]) -> Vec<PathBuf> {
    let out = usb.join(name);
    let report = json(
        outpost(from)
            .args(["sync", "export", "--to", to_office, "--json", "--out"])
            .arg(&out)
            .args(extra),
    );
    report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| PathBuf::from(f.as_str().expect("path")))
        .collect()
}

fn import(into: &Path, files: &[PathBuf]) -> Value {
    json(outpost(into).args(["sync", "import", "--json"]).args(files))
}

struct Nodes {
    _tmp: tempfile::TempDir,
    hq: PathBuf,
    a: PathBuf,
    b: PathBuf,
    usb: PathBuf,
}

fn setup() -> Nodes {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (hq, a, b, usb) = (
        tmp.path().join("hq"),
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("usb"),
    );
    std::fs::create_dir_all(&usb).expect("usb");
    outpost(&hq)
        .args(["init", "--office", "HQ", "--hq", "--demo"])
        .assert()
        .success();
    for (office, dir) in [("Chiang Khong", &a), ("Mae Sai", &b)] {
        let file = usb.join(format!("{office}.enrol"));
        outpost(&hq)
            .args(["node", "enrol", "--office", office, "--out"])
            .arg(&file)
            .assert()
            .success();
        outpost(dir)
            .arg("init")
            .arg("--from")
            .arg(&file)
            .assert()
            .success()
            .stdout(contains("enrolled by HQ"));
    }
    Nodes {
        _tmp: tmp,
        hq,
        a,
        b,
        usb,
    }
}

#[test]
fn three_nodes_exchange_bundles_in_any_order_and_converge() {
    let n = setup();
    // A post starts with HQ's knowledge.
    let hits = json(outpost(&n.a).args(["search", "timber", "--json"]));
    assert_eq!(hits[0]["id"], "timber-inspection-land-border");

    // Each post writes; one article is then edited at both posts and HQ.
    let body = n.usb.join("body.md");
    std::fs::write(&body, "line one\nline two\nline three\n").expect("body");
    outpost(&n.a)
        .args([
            "add",
            "--id",
            "shared-note",
            "--title",
            "Shared note",
            "--category",
            "clearance/border-trade",
            "--body-file",
        ])
        .arg(&body)
        .assert()
        .success();
    std::fs::write(&body, "Mae Sai only.\n").expect("body");
    outpost(&n.b)
        .args([
            "add",
            "--id",
            "mae-sai-note",
            "--title",
            "Mae Sai note",
            "--category",
            "clearance/border-trade",
            "--body-file",
        ])
        .arg(&body)
        .assert()
        .success();

    // A → HQ (delivered twice), HQ → B.
    let files = export(&n.a, "HQ", &n.usb, "a-to-hq-1", &[]);
    let first = import(&n.hq, &files);
    assert_eq!(first["new_articles"][0], "shared-note");
    let again = import(&n.hq, &files);
    assert_eq!(again["new_ops"], 0, "the same bundle twice changes nothing");
    let files = export(
        &n.hq,
        "Mae Sai",
        &n.usb,
        "hq-to-b-1",
        &["--encrypt-to", "Mae Sai", "--armor"],
    );
    import(&n.b, &files);

    // Concurrent edits of the same line at A, B and HQ.
    for (dir, text) in [(&n.a, "A"), (&n.b, "B"), (&n.hq, "HQ")] {
        std::fs::write(&body, format!("line one\nline two\nline three ({text})\n")).expect("body");
        outpost(dir)
            .args(["edit", "shared-note", "--body-file"])
            .arg(&body)
            .assert()
            .success();
    }
    let big: String = (0..3000)
        .map(|i| {
            format!(
                "log line {i}: seal {} checked at gate {}\n",
                i * 7919 % 10007,
                i % 13
            )
        })
        .collect();
    std::fs::write(&body, big).expect("body");
    outpost(&n.a)
        .args([
            "add",
            "--title",
            "Gate log",
            "--category",
            "clearance/container-seals",
            "--body-file",
        ])
        .arg(&body)
        .assert()
        .success();
    // A's bundle to HQ is lost; A sends the next one in parts, delivered out of order.
    let _lost = export(&n.a, "HQ", &n.usb, "a-to-hq-lost", &[]);
    let mut parts = export(&n.a, "HQ", &n.usb, "a-to-hq-2", &["--max-part-size", "8K"]);
    assert!(parts.len() > 1, "split into parts");
    parts.reverse();
    let missing = &parts[1..];
    outpost(&n.hq)
        .args(["sync", "import"])
        .args(missing)
        .assert()
        .failure()
        .stderr(contains("are missing"));
    import(&n.hq, &parts);
    // B relays to A directly (post → post), and B → HQ.
    import(&n.a, &export(&n.b, "Chiang Khong", &n.usb, "b-to-a", &[]));
    import(&n.hq, &export(&n.b, "HQ", &n.usb, "b-to-hq", &[]));
    // Everyone catches up.
    for (from, to, office) in [
        (&n.hq, &n.a, "Chiang Khong"),
        (&n.hq, &n.b, "Mae Sai"),
        (&n.a, &n.hq, "HQ"),
        (&n.b, &n.hq, "HQ"),
    ] {
        import(
            to,
            &export(
                from,
                office,
                &n.usb,
                &format!(
                    "catch-up-{office}-from-{}",
                    from.file_name().unwrap_or_default().to_string_lossy()
                ),
                &[],
            ),
        );
    }
    let hashes: Vec<String> = [&n.hq, &n.a, &n.b].iter().map(|d| state_hash(d)).collect();
    assert_eq!(hashes[0], hashes[1]);
    assert_eq!(hashes[0], hashes[2]);

    // The conflict shows every version.
    let conflicts = json(outpost(&n.hq).args(["conflicts", "--json"]));
    assert_eq!(conflicts[0]["id"], "shared-note");
    let shown = json(outpost(&n.b).args(["show", "shared-note", "--json"]));
    assert_eq!(shown["in_conflict"], true);
    let bodies: Vec<&str> = shown["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .filter_map(|v| v["body"].as_str())
        .collect();
    for who in ["(A)", "(B)", "(HQ)"] {
        assert!(
            bodies.iter().any(|b| b.contains(who)),
            "version {who} kept: {bodies:?}"
        );
    }
    outpost(&n.b)
        .args(["show", "shared-note"])
        .assert()
        .success()
        .stdout(contains("CONFLICT: 3 versions"));

    // Resolve at B; everyone converges again.
    let version = shown["versions"][0]["revision"].as_str().expect("rev")[..12].to_string();
    outpost(&n.b)
        .args(["resolve", "shared-note", "--take", &version])
        .assert()
        .success();
    import(&n.hq, &export(&n.b, "HQ", &n.usb, "resolved-b-hq", &[]));
    import(
        &n.a,
        &export(&n.hq, "Chiang Khong", &n.usb, "resolved-hq-a", &[]),
    );
    import(&n.hq, &export(&n.a, "HQ", &n.usb, "resolved-a-hq", &[]));
    import(
        &n.b,
        &export(&n.hq, "Mae Sai", &n.usb, "resolved-hq-b", &[]),
    );
    let hashes: Vec<String> = [&n.hq, &n.a, &n.b].iter().map(|d| state_hash(d)).collect();
    assert_eq!(hashes[0], hashes[1]);
    assert_eq!(hashes[0], hashes[2]);
    assert_eq!(
        json(outpost(&n.a).args(["conflicts", "--json"]))
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let status = json(outpost(&n.a).args(["sync", "status", "--json"]));
    assert_eq!(status["outbox_total"], 0, "HQ has acknowledged everything");
    assert_eq!(status["state_hash"].as_str(), Some(hashes[0].as_str()));
}

/// A setup with one valid bundle from post A to HQ, and HQ's state before importing it.
struct Bad {
    n: Nodes,
    good: PathBuf,
    bytes: Vec<u8>,
    before: String,
}

fn bad_setup() -> Bad {
    let n = setup();
    outpost(&n.a)
        .args(["add", "--title", "Note", "--category", "commodity"])
        .write_stdin("x")
        .assert()
        .success();
    let good = export(&n.a, "HQ", &n.usb, "good", &[]).remove(0);
    let bytes = std::fs::read(&good).expect("bundle");
    let before = state_hash(&n.hq);
    Bad {
        n,
        good,
        bytes,
        before,
    }
}

impl Bad {
    /// Importing `data` at HQ fails with `message` and leaves HQ as it was.
    fn refused(&self, name: &str, data: &[u8], message: &str) {
        let path = self.n.usb.join(name);
        std::fs::write(&path, data).expect("write");
        self.refused_files(&[path], message);
    }

    fn refused_files(&self, files: &[PathBuf], message: &str) {
        outpost(&self.n.hq)
            .args(["sync", "import"])
            .args(files)
            .assert()
            .failure()
            .stderr(contains(message));
        assert_eq!(state_hash(&self.n.hq), self.before, "nothing changed");
    }
}

#[test]
fn a_truncated_bundle_is_refused() {
    let b = bad_setup();
    b.refused("truncated", &b.bytes[..b.bytes.len() / 3], "is truncated");
}

#[test]
fn a_flipped_byte_anywhere_is_refused() {
    let b = bad_setup();
    for at in [
        9,
        20,
        b.bytes.len() / 2,
        b.bytes.len() - 70,
        b.bytes.len() - 1,
    ] {
        let mut data = b.bytes.clone();
        data[at] ^= 0x40;
        let path = b.n.usb.join(format!("flipped-{at}"));
        std::fs::write(&path, &data).expect("write");
        let out = outpost(&b.n.hq)
            .args(["sync", "import"])
            .arg(&path)
            .assert()
            .failure()
            .get_output()
            .stderr
            .clone();
        let message = String::from_utf8_lossy(&out);
        assert!(
            [
                "damaged",
                "not signed by its sender",
                "newer Outpost",
                "is refused",
                "truncated"
            ]
            .iter()
            .any(|m| message.contains(m)),
            "byte {at}: {message}"
        );
    }
    assert_eq!(state_hash(&b.n.hq), b.before);
}

#[test]
fn a_wrong_signature_is_refused() {
    let b = bad_setup();
    let mut data = b.bytes.clone();
    let end = data.len() - 1;
    data[end] ^= 1;
    b.refused("signature", &data, "is not signed by its sender");
}

#[test]
fn a_sender_that_is_not_enrolled_is_refused() {
    let b = bad_setup();
    // A node HQ never enrolled writes a bundle addressed to HQ's id.
    let stranger = b.n.usb.join("stranger");
    outpost(&stranger)
        .args(["init", "--office", "Stranger", "--hq"])
        .assert()
        .success();
    let hq_id = json(outpost(&b.n.hq).args(["sync", "status", "--json"]))["node"]
        .as_str()
        .expect("id")
        .to_string();
    let bytes = outpost::Replica::open(&outpost::core::DataDir::new(&stranger))
        .and_then(|r| r.bundle_for(hq_id.parse().expect("node id")))
        .expect("bundle");
    b.refused("stranger.bundle", &bytes, "is not enrolled here");
}

#[test]
fn a_bundle_for_another_node_is_refused() {
    let b = bad_setup();
    let before_b = state_hash(&b.n.b);
    outpost(&b.n.b)
        .args(["sync", "import"])
        .arg(&b.good)
        .assert()
        .failure()
        .stderr(contains("is meant for node"));
    assert_eq!(state_hash(&b.n.b), before_b);
}

#[test]
fn a_bundle_encrypted_to_someone_else_is_refused() {
    let b = bad_setup();
    let mae_sai =
        json(outpost(&b.n.hq).args(["node", "show", "Mae Sai", "--json"]))["age_recipient"]
            .as_str()
            .expect("recipient")
            .to_string();
    let sealed = export(
        &b.n.a,
        "HQ",
        &b.n.usb,
        "sealed",
        &["--encrypt-to", &mae_sai],
    );
    b.refused_files(&sealed, "encrypted to someone else");
    let wrong = b.n.usb.join("wrong.key");
    std::fs::write(
        &wrong,
        "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQSAAXYL\n",
    )
    .expect("key");
    outpost(&b.n.hq)
        .args(["sync", "import", "--identity"])
        .arg(&wrong)
        .args(&sealed)
        .assert()
        .failure();
    assert_eq!(state_hash(&b.n.hq), b.before);
}

#[test]
fn a_missing_part_or_a_part_of_another_bundle_is_refused() {
    let b = bad_setup();
    let big: String = (0..3000)
        .map(|i| {
            format!(
                "log line {i}: seal {} checked at gate {}\n",
                i * 7919 % 10007,
                i % 13
            )
        })
        .collect();
    std::fs::write(b.n.usb.join("big.md"), big).expect("write");
    outpost(&b.n.a)
        .args([
            "add",
            "--title",
            "Big",
            "--category",
            "commodity",
            "--body-file",
        ])
        .arg(b.n.usb.join("big.md"))
        .assert()
        .success();
    let p1 = export(
        &b.n.a,
        "HQ",
        &b.n.usb,
        "split-1",
        &["--max-part-size", "8K"],
    );
    assert!(p1.len() > 2);
    b.refused_files(&p1[1..], "are missing");
    outpost(&b.n.a)
        .args(["add", "--title", "More", "--category", "commodity"])
        .write_stdin("y")
        .assert()
        .success();
    let p2 = export(
        &b.n.a,
        "HQ",
        &b.n.usb,
        "split-2",
        &["--max-part-size", "8K"],
    );
    let mut mixed = p1.clone();
    mixed[1] = p2[1].clone();
    b.refused_files(&mixed, "bundle");
}

#[test]
fn a_newer_format_version_is_refused() {
    let b = bad_setup();
    let mut data = b.bytes.clone();
    data[8] = 9;
    b.refused("newer", &data, "newer Outpost");
}

#[test]
fn absurd_header_lengths_and_counts_are_refused() {
    let b = bad_setup();
    let mut data = b.bytes.clone();
    data[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
    b.refused("header", &data, "its header claims");
    b.refused(
        "garbage",
        b"hello, this is not a bundle",
        "is not an Outpost bundle",
    );
}

#[test]
fn a_decompression_bomb_is_refused_before_inflating() {
    let b = bad_setup();
    let bomb = outpost::sync::bundle::forge_bomb_for_tests(1 << 30);
    b.refused("bomb", &bomb, "decompression bomb");
}

#[test]
fn a_replayed_bundle_is_harmless_and_a_dry_run_changes_nothing() {
    let b = bad_setup();
    let dry = json(
        outpost(&b.n.hq)
            .args(["sync", "import", "--dry-run", "--json"])
            .arg(&b.good),
    );
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["new_articles"].as_array().map(Vec::len), Some(1));
    assert_eq!(state_hash(&b.n.hq), b.before);
    import(&b.n.hq, std::slice::from_ref(&b.good));
    let after = state_hash(&b.n.hq);
    let replay = import(&b.n.hq, std::slice::from_ref(&b.good));
    assert_eq!(replay["new_ops"], 0);
    assert_eq!(
        state_hash(&b.n.hq),
        after,
        "replaying an old bundle changes nothing"
    );
}

#[test]
fn an_op_that_violates_authorization_is_refused_and_listed() {
    // A post's bundle carrying a publication (only HQ may publish): the bundle's other ops
    // apply, the publication is kept in the post's chain as refused, listed, and changes nothing.
    let b = bad_setup();
    let a = outpost::Replica::open(&outpost::core::DataDir::new(&b.n.a)).expect("open a");
    let forged = outpost::sync::bundle::forge_publish_for_tests(&a, "HQ").expect("forged");
    drop(a);
    let path = b.n.usb.join("forged");
    std::fs::write(&path, &forged).expect("write");
    let report = import(&b.n.hq, &[path]);
    let refused = report["refused"].as_array().expect("refused");
    assert_eq!(refused.len(), 1, "{report}");
    assert_eq!(refused[0]["kind"], "status");
    assert!(
        refused[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("may publish")),
        "{report}"
    );
    let article = refused[0]["article"].as_str().expect("article").to_string();
    let shown = json(outpost(&b.n.hq).args(["show", "--json", &article]));
    assert_eq!(shown["status"], "draft", "{shown}");
}

#[test]
fn a_posts_edit_of_a_published_article_reaches_hq_as_a_proposal_hq_publishes() {
    let n = setup();
    let id = "timber-inspection-land-border";
    outpost(&n.a)
        .args(["edit", id, "--title", "Timber at land borders (post notes)"])
        .assert()
        .success()
        .stdout(contains("as a proposal"));
    let files = export(&n.a, "HQ", &n.usb, "a-to-hq", &[]);
    import(&n.hq, &files);
    let shown = json(outpost(&n.hq).args(["show", "--json", id]));
    assert_eq!(
        shown["title"],
        "Inspecting timber imported across a land border"
    );
    assert_eq!(
        shown["proposal"]["title"],
        "Timber at land borders (post notes)"
    );
    outpost(&n.hq)
        .args(["show", id])
        .assert()
        .success()
        .stdout(contains("PROPOSED"));
    outpost(&n.hq).args(["publish", id]).assert().success();
    let shown = json(outpost(&n.hq).args(["show", "--json", id]));
    assert_eq!(shown["title"], "Timber at land borders (post notes)");
    assert!(shown["proposal"].is_null(), "{shown}");
}

#[test]
fn an_export_never_replaces_a_file_without_force() {
    let n = setup();
    // HQ's bundle for the post waits on the stick; the post exports to the same name.
    let stick = export(&n.hq, "Chiang Khong", &n.usb, "hq-to-ck.bundle", &[]).remove(0);
    let waiting = std::fs::read(&stick).expect("HQ's bundle");
    outpost(&n.a)
        .args(["sync", "export", "--out"])
        .arg(&stick)
        .assert()
        .failure()
        .stderr(contains("already exists"))
        .stderr(contains("--force"));
    assert_eq!(std::fs::read(&stick).expect("still there"), waiting);
    let leftovers: Vec<_> = std::fs::read_dir(&n.usb)
        .expect("usb")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left behind");
    outpost(&n.a)
        .args(["sync", "export", "--force", "--out"])
        .arg(&stick)
        .assert()
        .success();
    assert_ne!(std::fs::read(&stick).expect("replaced"), waiting);
}

#[test]
fn importing_a_folder_takes_every_bundle_and_part_and_lists_the_rest() {
    let n = setup();
    // Post A's change leaves in parts, Post B's whole; HQ's bundle for Mae Sai and the
    // enrolment files stay on the stick, with a photo.
    // Numbers that do not compress, so the bundle needs several parts.
    let mut x: u64 = 7;
    let long: String = (0..3000)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            format!("seal {x:x}\n")
        })
        .collect();
    outpost(&n.a)
        .args(["add", "--title", "Seal log", "--category", "commodity"])
        .write_stdin(long)
        .assert()
        .success();
    outpost(&n.b)
        .args(["add", "--title", "Mae Sai note", "--category", "commodity"])
        .write_stdin("x")
        .assert()
        .success();
    let parts = export(&n.a, "HQ", &n.usb, "a", &["--max-part-size", "8k"]);
    assert!(parts.len() > 1, "{parts:?}");
    export(&n.b, "HQ", &n.usb, "b", &[]);
    export(&n.hq, "Mae Sai", &n.usb, "hq-to-mae-sai", &[]);
    std::fs::write(n.usb.join("photo.jpg"), b"\xff\xd8\xff\xe0 jpeg").expect("photo");
    std::fs::create_dir_all(n.usb.join("DCIM")).expect("folder");

    let out = outpost(&n.hq)
        .args(["sync", "import"])
        .arg(&n.usb)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8_lossy(&out);
    for said in [
        "Skipped (not bundles for this node):",
        "photo.jpg — not a bundle",
        "Chiang Khong.enrol — an enrolment file",
        "hq-to-mae-sai — a bundle for Mae Sai, not for this node",
        "DCIM — a folder",
    ] {
        assert!(out.contains(said), "{said}: {out}");
    }
    let applied = out.lines().next().unwrap_or_default();
    assert!(
        applied.starts_with("Applied")
            && applied.contains("Chiang Khong")
            && applied.contains("Mae Sai"),
        "{out}"
    );
    assert!(out.contains("New articles (2)"), "{out}");
}
