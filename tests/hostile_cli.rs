//! Hostile and broken input at the command line, through the real binary: file writers that
//! stay in their folder, size limits on Markdown and bodies, output pipes that close or fill,
//! and terminal escapes in what is printed.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

const TIMBER: &str = "timber-inspection-land-border";

fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

/// The same command as a plain process, for wiring its standard output by hand.
fn process(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_outpost"));
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("valid JSON")
}

fn article_count(dir: &Path) -> usize {
    json(outpost(dir).args(["list", "--json"]))
        .as_array()
        .expect("list")
        .len()
}

fn node(parent: &Path, demo: bool) -> PathBuf {
    let dir = parent.join(if demo { "demo" } else { "node" });
    let mut init = outpost(&dir);
    init.args(["init", "--office", "HQ", "--hq"]);
    if demo {
        init.arg("--demo");
    }
    init.assert().success();
    dir
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn export_md_never_writes_outside_its_folder_whatever_the_article_id() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = node(tmp.path(), false);
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).expect("outside");
    let export = tmp.path().join("deep").join("er").join("export");
    let hostile = [
        "../../../outside/PWNED".to_string(),
        format!("{}/ABSOLUTE", outside.display()),
    ];
    // Put the ids into the store however the library lets it: an id deserialized from a record
    // is not checked as a typed one is. Whether the store refuses them or export-md does,
    // nothing may be written outside the export folder.
    let stored = {
        let mut replica =
            outpost::Replica::open(&outpost::core::DataDir::new(&dir)).expect("open node");
        let user = replica.resolve_user(Some("admin")).expect("admin");
        for id in &hostile {
            let Ok(id) = serde_json::from_value::<outpost::model::ArticleId>(id.as_str().into())
            else {
                continue;
            };
            let content = outpost::model::ArticleContent::new(
                "Hostile id",
                "commodity/timber-wood",
                "written to escape the export folder",
            );
            let _ = replica.add_article(
                &user,
                outpost::core::NewArticle {
                    id: Some(id),
                    content,
                    publish: false,
                },
            );
        }
        let all = outpost::core::ArticleFilter {
            all_drafts: true,
            ..Default::default()
        };
        replica
            .list_articles(&all)
            .expect("list")
            .iter()
            .any(|r| hostile.iter().any(|h| h.as_str() == r.id.as_str()))
    };

    let run = outpost(&dir).arg("export-md").arg(&export).assert();
    assert_eq!(files_under(&outside), Vec::<PathBuf>::new());
    let escaped: Vec<PathBuf> = files_under(tmp.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("PWNED") || p.ends_with("ABSOLUTE.md"))
        .collect();
    assert_eq!(
        escaped,
        Vec::<PathBuf>::new(),
        "written outside the export folder"
    );
    if stored {
        run.failure()
            .stderr(contains(
                "does not make a file name inside the export folder",
            ))
            .stderr(contains("nothing was exported"));
        assert_eq!(files_under(&export), Vec::<PathBuf>::new());
    } else {
        run.success();
    }
}

#[test]
fn export_md_writes_retired_articles_with_their_status_and_import_keeps_them_retired() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = node(tmp.path(), true);
    let live = article_count(&dir);
    outpost(&dir).args(["retire", TIMBER]).assert().success();
    let out = tmp.path().join("export");
    outpost(&dir)
        .arg("export-md")
        .arg(&out)
        .assert()
        .success()
        .stdout(contains(format!("Exported {live} articles")));
    let text = std::fs::read_to_string(out.join(format!("{TIMBER}.md"))).expect("retired file");
    assert!(text.contains("\nstatus: retired\n"), "{text}");

    let fresh = tmp.path().join("fresh");
    outpost(&fresh)
        .args(["init", "--office", "HQ2", "--hq"])
        .assert()
        .success();
    outpost(&fresh)
        .arg("import-md")
        .arg(&out)
        .arg("--publish")
        .assert()
        .success();
    let shown = json(outpost(&fresh).args(["show", TIMBER, "--json"]));
    assert_eq!(shown["status"], "retired");
    assert_eq!(article_count(&fresh), live - 1);
}

#[test]
fn import_md_refuses_front_matter_that_aliases_blow_up_and_imports_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = node(tmp.path(), false);
    let files = tmp.path().join("md");
    std::fs::create_dir_all(&files).expect("md dir");
    // 8 KiB written once and repeated 20 times: 160 KiB once expanded, from 8 KiB of text.
    let yaml = format!(
        "title: Aliases\ncategory: commodity/timber-wood\ntags: [&a \"{}\", {}]\n",
        "x".repeat(8 * 1024),
        vec!["*a"; 20].join(", ")
    );
    std::fs::write(files.join("bomb.md"), format!("---\n{yaml}---\n\nbody\n")).expect("write");
    outpost(&dir)
        .arg("import-md")
        .arg(&files)
        .assert()
        .failure()
        .stderr(contains(
            "bomb.md: the front matter expands to more than 64 KiB through YAML aliases",
        ));
    assert_eq!(article_count(&dir), 0);
}

#[test]
fn add_refuses_a_body_over_one_mib_and_adds_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = node(tmp.path(), false);
    let add = || {
        let mut cmd = outpost(&dir);
        cmd.args([
            "add",
            "--title",
            "Big",
            "--category",
            "commodity/timber-wood",
        ]);
        cmd
    };
    add()
        .write_stdin(vec![b'a'; (1 << 20) + 1])
        .assert()
        .failure()
        .stderr(contains("the body is larger than 1 MiB"))
        .stderr(contains(
            "may be at most 1 MiB: split it into several articles",
        ));
    assert_eq!(article_count(&dir), 0);
    let body = "timber ".repeat((1 << 20) / 7);
    add().write_stdin(body).assert().success();
}

#[test]
#[cfg(target_os = "linux")]
fn an_endless_body_file_is_read_no_further_than_the_limit() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = node(tmp.path(), false);
    outpost(&dir)
        .args([
            "add",
            "--title",
            "Zeros",
            "--category",
            "commodity/timber-wood",
        ])
        .args(["--body-file", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .failure()
        .stderr(contains("the body is larger than 1 MiB"));
}

#[test]
fn commands_whose_reader_closed_the_pipe_end_quietly_without_panicking() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = node(tmp.path(), true);
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["search", "timber"],
        &["show", TIMBER],
        &["categories"],
    ] {
        let mut child = process(&dir, args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn");
        // The reader goes away before the command writes anything, as `| head -0` would.
        drop(child.stdout.take());
        let out: Output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
#[cfg(target_os = "linux")]
fn output_to_a_full_disk_is_an_error_that_says_so() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = node(tmp.path(), true);
    for args in [&["list", "--json"][..], &["list"], &["search", "timber"]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = process(&dir, args).stdout(full).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error: cannot write the output: No space left on device"),
            "{args:?}: {stderr}"
        );
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
}

#[test]
fn no_command_prints_a_terminal_escape_raw() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = node(tmp.path(), false);
    let title = "Seals \u{1b}[2J\u{1b}]0;owned\u{7} checked";
    let added = outpost(&dir)
        .args([
            "add",
            "--title",
            title,
            "--category",
            "commodity/timber-wood",
        ])
        .args(["--tags", "seal\u{1b}[31m", "--json"])
        .write_stdin("seal body \u{1b}[5m blinking\n")
        .output()
        .expect("add");
    let mut printed = vec![added.stdout.clone(), added.stderr.clone()];
    // Whichever layer stops them — refused on input, or escaped on output — none reaches the
    // terminal raw.
    if added.status.success() {
        let id: Value = serde_json::from_slice(&added.stdout).expect("JSON");
        let id = id["id"].as_str().expect("id").to_string();
        for args in [
            vec!["list".to_string()],
            vec!["show".into(), id.clone()],
            vec!["search".into(), "seals".into()],
        ] {
            let out = outpost(&dir).args(&args).assert().success();
            let stdout = out.get_output().stdout.clone();
            let text = String::from_utf8_lossy(&stdout).into_owned();
            assert!(text.contains("Seals \\u{1b}[2J"), "{args:?}: {text}");
            printed.push(stdout);
        }
    }
    for bytes in printed {
        assert!(
            !bytes.contains(&0x1b) && !bytes.contains(&0x07),
            "{}",
            String::from_utf8_lossy(&bytes)
        );
    }
}

#[test]
fn sync_import_names_at_most_ten_ids_per_list_and_json_keeps_them_all() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hq = node(tmp.path(), false);
    let usb = tmp.path().join("usb");
    std::fs::create_dir_all(&usb).expect("usb");
    let enrol = usb.join("post.enrol");
    outpost(&hq)
        .args(["node", "enrol", "--office", "Post", "--out"])
        .arg(&enrol)
        .assert()
        .success();
    let post = tmp.path().join("post");
    outpost(&post)
        .arg("init")
        .arg("--from")
        .arg(&enrol)
        .assert()
        .success();
    let md = tmp.path().join("md");
    std::fs::create_dir_all(&md).expect("md");
    let new = 25;
    for i in 0..new {
        let file =
            format!("---\ntitle: Note {i}\ncategory: commodity/timber-wood\n---\n\nbody {i}\n");
        std::fs::write(md.join(format!("note-{i:02}.md")), file).expect("write");
    }
    outpost(&hq)
        .arg("import-md")
        .arg(&md)
        .arg("--publish")
        .assert()
        .success();
    let report = json(
        outpost(&hq)
            .args(["sync", "export", "--to", "Post", "--json", "--out"])
            .arg(usb.join("to-post")),
    );
    let files: Vec<PathBuf> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| PathBuf::from(f.as_str().expect("path")))
        .collect();

    let dry = json(
        outpost(&post)
            .args(["sync", "import", "--dry-run", "--json"])
            .args(&files),
    );
    assert_eq!(dry["new_articles"].as_array().map(Vec::len), Some(new));

    let out = outpost(&post)
        .args(["sync", "import"])
        .args(&files)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let line = text
        .lines()
        .find(|l| l.starts_with("New articles"))
        .expect("new articles line");
    assert!(
        line.starts_with(&format!("New articles ({new}): ")),
        "{line}"
    );
    assert!(
        line.ends_with(&format!(" and {} more (`--json` lists them all)", new - 10)),
        "{line}"
    );
    assert_eq!(line.matches(", ").count(), 9, "{line}");
}

#[test]
fn sync_import_lists_refused_ops_briefly_with_their_escapes_shown() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hq = node(tmp.path(), false);
    let enrol = tmp.path().join("post.enrol");
    outpost(&hq)
        .args(["node", "enrol", "--office", "Post", "--out"])
        .arg(&enrol)
        .assert()
        .success();
    let post = tmp.path().join("post");
    outpost(&post)
        .arg("init")
        .arg("--from")
        .arg(&enrol)
        .assert()
        .success();
    let open =
        |dir: &Path| outpost::Replica::open(&outpost::core::DataDir::new(dir)).expect("open node");
    let hq_id = open(&hq).node_id();
    // Twelve ops signed with the post's own key whose ids hold a path and a terminal escape.
    let payloads = (0..12)
        .map(|i| {
            let id: outpost::model::ArticleId =
                serde_json::from_value(format!("../../x\u{1b}[2J{i}").into()).expect("raw id");
            let content =
                outpost::model::ArticleContent::new("Pwned", "commodity/timber-wood", "body");
            outpost::model::Payload::RevisionAdded {
                article: id.clone(),
                revision: outpost::model::Revision::new(id, vec![], content),
            }
        })
        .collect();
    let bytes = open(&post)
        .forge_bundle_for_tests(hq_id, "admin", payloads, None)
        .expect("forged bundle");
    let file = tmp.path().join("forged.outpost");
    std::fs::write(&file, bytes).expect("write bundle");

    let out = outpost(&hq)
        .args(["sync", "import"])
        .arg(&file)
        .assert()
        .success();
    let stdout = out.get_output().stdout.clone();
    let text = String::from_utf8_lossy(&stdout);
    assert!(!stdout.contains(&0x1b), "{text}");
    assert!(
        text.contains("Refused (12): kept in the log with no effect"),
        "{text}"
    );
    let listed = text
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains("../../x\\u{1b}[2J"))
        .count();
    assert_eq!(listed, 10, "{text}");
    assert!(
        text.contains("\n  and 2 more (`--json` lists them all)\n"),
        "{text}"
    );
}
