//! Hostile and broken files through the binary: files given to `sync import` that are not what
//! they claim (endless, huge, truncated, lying about their length), and a damaged database or
//! search index under `check`. Outpost reports and exits non-zero; it never panics, hangs or
//! runs out of memory.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use outpost::model::{Hash, NodeId};
use outpost::sync::bundle::{self, BundleHeader};

use crate::common::copy_dir;

fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(dir)
        .timeout(Duration::from_secs(120));
    cmd
}

/// A node made with the demo knowledge, in a fresh temporary folder.
struct Node {
    tmp: tempfile::TempDir,
    dir: PathBuf,
}

fn demo_node() -> Node {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("node");
    outpost(&dir)
        .args(["init", "--office", "HQ", "--hq", "--demo"])
        .assert()
        .success();
    Node { tmp, dir }
}

impl Node {
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.tmp.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    /// `sync import` of `file` fails, saying `message`, without a panic.
    fn import_refused(&self, file: &Path, message: &str) -> String {
        let out = outpost(&self.dir)
            .args(["sync", "import"])
            .arg(file)
            .assert()
            .failure()
            .get_output()
            .clone();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(stderr.contains(message), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    }
}

fn golden() -> Vec<u8> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden-bundle-v1.outpost");
    std::fs::read(path).expect("golden bundle")
}

/// A correctly framed and signed bundle whose header claims `body_len` body bytes.
fn bundle_claiming(body_len: u64, body: &[u8]) -> Vec<u8> {
    let header = BundleHeader {
        bundle_id: [1; 16],
        sender: NodeId([2; 16]),
        recipient: NodeId([3; 16]),
        created_millis: 0,
        op_count: 1,
        body_len,
        raw_len: 1 << 10,
        body_hash: Hash::of(body),
        version_vector: vec![],
    };
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    bundle::seal(&header, body, &key).expect("seal")
}

#[test]
fn a_large_file_of_zeros_is_refused_as_no_bundle_without_being_read_whole() {
    let node = demo_node();
    let path = node.tmp.path().join("zeros.outpost");
    // Sparse: 64 MiB that take no disk and are read only if the reader reads them.
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(64 << 20))
        .expect("sparse file");
    let started = Instant::now();
    node.import_refused(&path, "is not an Outpost bundle");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[cfg(target_os = "linux")]
#[test]
fn an_endless_device_is_refused_after_its_first_bytes() {
    let node = demo_node();
    // Under a 4 GiB address-space limit, a reader that read `/dev/zero` to its end would fail
    // to allocate instead of taking the machine's memory.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4194304; exec \"$0\" --data-dir \"$1\" sync import /dev/zero")
        .arg(assert_cmd::cargo::cargo_bin("outpost"))
        .arg(&node.dir)
        .env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("/dev/zero is not an Outpost bundle"),
        "{stderr}"
    );
}

#[test]
fn a_folder_without_a_bundle_is_refused_with_a_hint() {
    let node = demo_node();
    let folder = node.tmp.path().join("usb");
    std::fs::create_dir_all(&folder).expect("folder");
    node.import_refused(&folder, "holds no bundle for this node (it is empty)");
    std::fs::write(folder.join("photo.jpg"), b"\xff\xd8\xff\xe0 not a bundle").expect("photo");
    node.import_refused(&folder, "photo.jpg — not a bundle");
}

#[test]
fn a_bundle_claiming_a_body_beyond_the_format_is_refused_before_reading_it() {
    let node = demo_node();
    let file = node.file("huge.outpost", &bundle_claiming(1 << 40, b"tiny"));
    node.import_refused(&file, "its header claims a body of 1099511627776 bytes");
}

#[test]
fn a_truncated_bundle_and_one_with_bytes_after_its_signature_are_refused() {
    let node = demo_node();
    let golden = golden();
    let cut = node.file("cut.outpost", &golden[..golden.len() - 10]);
    node.import_refused(&cut, "is truncated: it ends before the signature");
    let mut longer = golden.clone();
    longer.extend_from_slice(&[0; 1000]);
    let longer = node.file("longer.outpost", &longer);
    node.import_refused(&longer, "1000 unexpected bytes after the signature");
}

#[test]
fn a_part_longer_than_its_whole_bundle_is_refused() {
    let node = demo_node();
    let golden = golden();
    let mut part = format!(
        "OUTPOST-PART 1 {} 1/1 {} {}\n",
        "ab".repeat(16),
        golden.len(),
        Hash::of(&golden)
    )
    .into_bytes();
    part.extend_from_slice(&golden);
    part.extend_from_slice(&[0; 4096]);
    let file = node.file("long.part1of1", &part);
    node.import_refused(&file, "the part is longer than the whole bundle");
}

/// Deterministic positions and lengths for damage (xorshift64*), so a failing seed can be rerun.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1) as u64) as usize
    }
}

/// Runs `outpost check`: whether it passed, and its standard output and error. It never panics
/// and is never killed: it reports.
fn check(dir: &Path, json: bool) -> (bool, String, String) {
    let mut cmd = outpost(dir);
    cmd.arg("check");
    if json {
        cmd.arg("--json");
    }
    let out = cmd.output().expect("run check");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.code().is_some(), "killed: {stderr}");
    (out.status.success(), stdout, stderr)
}

#[test]
fn check_on_a_database_with_damaged_page_headers_reports_and_never_panics() {
    let node = demo_node();
    let pristine = std::fs::read(node.dir.join("outpost.redb")).expect("database");
    let pages = pristine.len() / 4096;
    let (mut passed, mut reported) = (0, 0);
    for seed in 1..=40 {
        let copy = node.tmp.path().join(format!("db{seed}"));
        copy_dir(&node.dir, &copy);
        let mut rng = Rng::new(seed);
        let mut bytes = pristine.clone();
        // A page's first bytes are where redb reads the lengths and offsets it trusts.
        let at = rng.below(pages) * 4096 + rng.below(64);
        bytes[at] ^= 1 + rng.below(255) as u8;
        std::fs::write(copy.join("outpost.redb"), &bytes).expect("write");
        let (ok, stdout, stderr) = check(&copy, false);
        if ok {
            assert!(stdout.contains("OK: "), "seed {seed}: {stdout}");
            passed += 1;
        } else {
            let said = stderr.contains("error: ") || stdout.contains("PROBLEM: ");
            assert!(said, "seed {seed}: no message: {stdout} {stderr}");
            reported += 1;
        }
        std::fs::remove_dir_all(&copy).expect("clean up");
    }
    // Many flips land in pages in use and are reported; those in free space or in the pages of
    // tables still empty change nothing `check` reads.
    assert!(reported >= 10, "{reported} reported, {passed} passed");
}

const QUERIES: [&str; 6] = ["seal", "timber", "vehicle", "diamond", "pangolin", "x-ray"];

/// The ids each of `QUERIES` finds (all of them, sorted: the order of equal scores follows the
/// index's segment layout, which a rebuild changes), or how the search failed.
fn searches(dir: &Path) -> Vec<String> {
    QUERIES
        .iter()
        .map(|q| {
            let out = outpost(dir)
                .args(["search", q, "--json", "--limit", "1000"])
                .output()
                .expect("run search");
            let Ok(hits) = serde_json::from_slice::<serde_json::Value>(&out.stdout) else {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let first: Vec<&str> = stderr.trim().lines().take(2).collect();
                return format!("failed: {}", first.join(" "));
            };
            let ids = hits.as_array().into_iter().flatten();
            let mut ids: Vec<&str> = ids.map(|h| h["id"].as_str().unwrap_or("?")).collect();
            ids.sort_unstable();
            ids.join(" ")
        })
        .collect()
}

/// Damages one file of `index` by `seed`: flips bytes, truncates it, or deletes it.
fn damage_index(index: &Path, seed: u64) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(index)
        .expect("index")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    let mut rng = Rng::new(seed);
    let file = files[rng.below(files.len())].clone();
    let mut bytes = std::fs::read(&file).expect("index file");
    let name = file.file_name().map(|n| n.to_string_lossy().to_string());
    let name = name.unwrap_or_default();
    match seed % 4 {
        0 => {
            let len = rng.below(bytes.len());
            bytes.truncate(len);
            std::fs::write(&file, &bytes).expect("truncate");
            format!("{name} cut to {len} bytes")
        }
        1 => {
            std::fs::remove_file(&file).expect("delete");
            format!("{name} deleted")
        }
        _ => {
            for _ in 0..4 {
                let at = rng.below(bytes.len());
                bytes[at] ^= 1 + rng.below(255) as u8;
            }
            std::fs::write(&file, &bytes).expect("flip");
            format!("4 bytes of {name} flipped")
        }
    }
}

/// Damages eight bytes of `file` at positions and with values picked by `seed` (a fixed
/// generator, so every run damages the same bytes). Single flips rarely reach a panic in redb;
/// eight reached one in 9 of 300 trials before `check` caught them.
fn flip(file: &Path, seed: u64) {
    let mut bytes = std::fs::read(file).expect("read");
    let len = bytes.len() as u64;
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    for _ in 0..8 {
        let at = (next() % len) as usize;
        bytes[at] ^= (next() % 255 + 1) as u8;
    }
    std::fs::write(file, bytes).expect("write");
}

#[test]
fn check_on_a_database_with_flipped_bytes_reports_and_never_panics() {
    let node = demo_node();
    let (mut damaged_reports, mut caught) = (0, 0);
    for seed in 0..60 {
        let copy = node.tmp.path().join(format!("copy-{seed}"));
        copy_dir(&node.dir, &copy);
        flip(&copy.join("outpost.redb"), seed);
        let out = outpost(&copy).arg("check").output().expect("check runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "seed {seed}: {stderr}");
        assert!(
            out.status.code().is_some(),
            "seed {seed}: killed by a signal"
        );
        caught += usize::from(
            stderr.contains("stopped on data it could not read")
                || stderr.contains("its database file is damaged"),
        );
        if !out.status.success() {
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                // A copy's folder is not 0700: the fix of its mode is said first.
                stderr.lines().any(|l| l.starts_with("error: ")) || stdout.contains("PROBLEM"),
                "seed {seed}: {stdout}{stderr}"
            );
            damaged_reports += 1;
        }
        std::fs::remove_dir_all(&copy).expect("clean");
    }
    eprintln!(
        "{damaged_reports} of 60 damaged copies reported, {caught} of them a dependency's panic caught"
    );
}

#[test]
fn check_finds_a_damaged_search_index_and_reindex_repairs_it() {
    let node = demo_node();
    let expected = searches(&node.dir);
    assert!(expected.iter().all(|ids| !ids.is_empty()), "{expected:?}");
    let mut reported = 0;
    for seed in 1..=16 {
        let copy = node.tmp.path().join(format!("index{seed}"));
        copy_dir(&node.dir, &copy);
        let what = damage_index(&copy.join("index"), seed);
        let (ok, stdout, stderr) = check(&copy, true);
        let report: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{what}: {stderr}"));
        assert_eq!(ok, report["ok"] == true, "{what}");
        if ok {
            // Damage that changed nothing a search reads (or that opening repaired) may pass,
            // but never with a wrong answer.
            assert_eq!(
                searches(&copy),
                expected,
                "{what}: check passed a wrong index"
            );
        } else {
            let problems = report["problems"].to_string();
            assert!(
                problems.contains("the search index is damaged: run `outpost reindex`"),
                "{what}: {problems}"
            );
            assert_eq!(report["index_ok"], false, "{what}");
            reported += 1;
        }
        outpost(&copy).arg("reindex").assert().success();
        let (ok, stdout, _) = check(&copy, false);
        assert!(ok, "{what}: after reindex: {stdout}");
        assert_eq!(searches(&copy), expected, "{what}: after reindex");
        std::fs::remove_dir_all(&copy).expect("clean up");
    }
    assert!(reported > 0, "no damage was reported");
}

#[test]
fn every_index_file_with_eight_flipped_bytes_is_reported_or_still_searched_right() {
    let node = demo_node();
    let index = node.dir.join("index");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&index)
        .expect("index")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x != "lock") && p.is_file())
        .collect();
    files.sort();
    let mut reported = 0;
    for (seed, file) in files.iter().enumerate() {
        let copy = node.tmp.path().join(format!("ix-{seed}"));
        copy_dir(&node.dir, &copy);
        let target = copy.join("index").join(file.file_name().expect("name"));
        flip(&target, seed as u64);
        let out = outpost(&copy).arg("check").output().expect("check");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains("panicked"), "{}: {text}", file.display());
        if out.status.success() {
            // "ok" only when searches are right.
            let hits = outpost(&copy)
                .args(["search", "timber", "--json"])
                .output()
                .expect("search");
            let hits: serde_json::Value = serde_json::from_slice(&hits.stdout).unwrap_or_default();
            assert_eq!(
                hits[0]["id"],
                "timber-inspection-land-border",
                "{} damaged, check ok, search wrong: {hits}",
                file.display()
            );
        } else {
            assert!(
                text.contains("outpost reindex"),
                "{}: {text}",
                file.display()
            );
            reported += 1;
            outpost(&copy).arg("reindex").assert().success();
            outpost(&copy).arg("check").assert().success();
        }
        std::fs::remove_dir_all(&copy).expect("clean");
    }
    eprintln!("{reported} of {} damaged index files reported", files.len());
}
