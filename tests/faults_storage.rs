//! Failing writes and a full disk.
//!
//! - The store through a file wrapper (`FailingFile`, over redb's `FileBackend`) whose writes
//!   or syncs fail from a chosen call on: the commit in flight fails with a clear error, every
//!   commit before it is intact after reopening, the failed one is absent, and the node works.
//! - The whole binary with a file-size limit (`ulimit -f`, SIGXFSZ ignored so writes past it
//!   fail with EFBIG, as on a full disk): `sync export` and `export-md` fail clearly, leave no
//!   partial file under a final name, and the node is unchanged and usable.
//! - A read-only directory, where the user can be refused (not as root).

use std::fs::OpenOptions;
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use outpost::Replica;
use outpost::core::{DataDir, NewArticle};
use outpost::model::ArticleContent;
use redb::StorageBackend;
use redb::backends::FileBackend;

use crate::faults::{articles, checked, ok, run};

/// redb's file backend whose `write`s and `sync_data`s fail once `budget` calls are spent, and
/// go on failing (a negative budget never fails and is not counted).
#[derive(Debug)]
struct FailingFile {
    inner: FileBackend,
    budget: Arc<AtomicI64>,
}

impl FailingFile {
    fn spend(&self) -> std::io::Result<()> {
        match self.budget.load(Ordering::SeqCst) {
            left if left < 0 => Ok(()),
            0 => Err(std::io::Error::other("injected write failure")),
            _ => {
                self.budget.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            }
        }
    }
}

impl StorageBackend for FailingFile {
    fn len(&self) -> std::io::Result<u64> {
        self.inner.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        self.inner.read(offset, out)
    }
    fn set_len(&self, len: u64) -> std::io::Result<()> {
        self.inner.set_len(len)
    }
    fn sync_data(&self) -> std::io::Result<()> {
        self.spend()?;
        self.inner.sync_data()
    }
    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        self.spend()?;
        self.inner.write(offset, data)
    }
    fn close(&self) -> std::io::Result<()> {
        self.inner.close()
    }
    fn try_lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, redb::BackendError> {
        self.inner.try_lock_range(s, e)
    }
    fn try_lock_shared_range(
        &self,
        s: Bound<u64>,
        e: Bound<u64>,
    ) -> Result<bool, redb::BackendError> {
        self.inner.try_lock_shared_range(s, e)
    }
    fn lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), redb::BackendError> {
        self.inner.lock_range(s, e)
    }
    fn lock_shared_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), redb::BackendError> {
        self.inner.lock_shared_range(s, e)
    }
    fn unlock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), redb::BackendError> {
        self.inner.unlock_range(s, e)
    }
    fn query_lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, redb::BackendError> {
        self.inner.query_lock_range(s, e)
    }
}

fn open_failing(dir: &DataDir, budget: &Arc<AtomicI64>) -> outpost::Result<Replica> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(dir.database())
        .expect("open the database file");
    let inner = FileBackend::new(file).expect("file backend");
    Replica::open_with_backend(
        dir,
        FailingFile {
            inner,
            budget: Arc::clone(budget),
        },
    )
}

fn article(n: usize) -> NewArticle {
    NewArticle {
        id: None,
        content: ArticleContent::new(
            &format!("Seal check {n}"),
            "commodity",
            &format!("Check seal {n} before the manifest; zqfail."),
        ),
        publish: true,
    }
}

#[test]
fn a_write_failing_at_each_point_of_a_commit_fails_it_clearly_and_loses_nothing_committed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let node = tmp.path().join("node");
    ok(&node, &["init", "--office", "HQ", "--hq"]);
    let dir = DataDir::new(&node);
    // How many writes and syncs one commit makes, counted on an unfailing run.
    let budget = Arc::new(AtomicI64::new(-1));
    let calls = {
        let mut replica = open_failing(&dir, &budget).expect("open");
        let user = replica.resolve_user(None).expect("admin");
        budget.store(1_000_000, Ordering::SeqCst);
        replica.add_article(&user, article(0)).expect("add");
        1_000_000 - budget.load(Ordering::SeqCst)
    };
    assert!(calls > 0, "a commit writes");
    let mut committed = 1;
    let mut failures = 0;
    for point in 0..calls {
        let budget = Arc::new(AtomicI64::new(-1));
        let mut replica = open_failing(&dir, &budget).expect("reopen");
        let user = replica.resolve_user(None).expect("admin");
        budget.store(point, Ordering::SeqCst);
        match replica.add_article(&user, article(committed + 1)) {
            Ok(_) => committed += 1,
            Err(e) => {
                failures += 1;
                let message = e.to_string();
                assert!(
                    message.contains("injected write failure") && !message.contains("panicked"),
                    "write {point} of {calls}: {message}"
                );
            }
        }
        drop(replica);
        let report = checked(
            &node,
            &format!("a write failing at call {point} of {calls}"),
        );
        // A failure before the commit point loses the commit; one after it (the final sync)
        // may keep it: either way the count is whole, and nothing earlier is lost.
        let now = articles(&report) as usize;
        assert!(
            now == committed || now == committed + 1,
            "{now} vs {committed}"
        );
        committed = now;
    }
    assert!(failures > 0, "no injected failure reached a commit");
    println!("failing writes: {calls} write/sync calls per commit, {failures} commits failed");
    // The node still takes writes through the plain file.
    let body = tmp.path().join("body.md");
    std::fs::write(&body, "After the failures.\n").expect("body");
    let body = body.to_str().expect("path");
    ok(
        &node,
        &[
            "add",
            "--title",
            "After the failures",
            "--category",
            "commodity",
            "--body-file",
            body,
        ],
    );
    assert_eq!(
        articles(&checked(&node, "a write after the failures")) as usize,
        committed + 1
    );
}

/// `outpost ARGS` with writes past `blocks` 512-byte blocks failing with EFBIG.
fn limited(dir: &Path, blocks: u64, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_outpost"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER");
    cmd.output().expect("sh")
}

/// Files in `dir` (names), sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A node with articles whose bodies do not compress away, so a bundle is tens of KB.
fn node_with_articles(tmp: &Path) -> std::path::PathBuf {
    let node = tmp.join("node");
    ok(&node, &["init", "--office", "HQ", "--hq"]);
    let md = tmp.join("md");
    std::fs::create_dir_all(&md).expect("md");
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..80 {
        let mut body = String::new();
        for _ in 0..150 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            body.push_str(&format!("w{:x} ", x % 1_000_000));
        }
        let text = format!(
            "---\nid: full-{i}\ntitle: Full disk {i}\ncategory: commodity\n---\n\n{body}\n"
        );
        std::fs::write(md.join(format!("full-{i}.md")), text).expect("write");
    }
    ok(&node, &["import-md", "--publish", md.to_str().expect("md")]);
    node
}

#[test]
fn an_export_onto_a_full_disk_fails_clearly_and_leaves_no_partial_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let node = node_with_articles(tmp.path());
    let enrol = tmp.path().join("post.enrol");
    ok(
        &node,
        &[
            "node",
            "enrol",
            "--office",
            "Post",
            "--out",
            enrol.to_str().expect("p"),
        ],
    );
    let before = checked(&node, "setup")["state_hash"].clone();
    let whole = tmp.path().join("whole");
    std::fs::create_dir_all(&whole).expect("dir");
    let full_bundle = whole.join("b.outpost");
    ok(
        &node,
        &[
            "sync",
            "export",
            "--to",
            "Post",
            "--out",
            full_bundle.to_str().expect("p"),
        ],
    );
    let bundle_size = std::fs::metadata(&full_bundle).expect("bundle").len();
    assert!(bundle_size > 16 * 1024, "the bundle is {bundle_size} bytes");
    let (mut refused, mut refused_md) = (0, 0);
    for blocks in [1, 8, bundle_size / 512 / 2, bundle_size / 512 - 1] {
        let usb = tmp.path().join(format!("usb-{blocks}"));
        std::fs::create_dir_all(&usb).expect("usb");
        let out_file = usb.join("to-post.outpost");
        let out = limited(
            &node,
            blocks,
            &[
                "sync",
                "export",
                "--to",
                "Post",
                "--out",
                out_file.to_str().expect("p"),
            ],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        if !out.status.success() {
            refused += 1;
            assert!(
                err.contains("cannot write") || err.contains("File too large"),
                "{err}"
            );
            assert_eq!(names(&usb), Vec::<String>::new(), "limit {blocks}: {err}");
        } else {
            let written = std::fs::metadata(&out_file).expect("written").len();
            assert_eq!(written, bundle_size, "limit {blocks}: a short bundle");
        }
        let md = tmp.path().join(format!("md-{blocks}"));
        let out = limited(&node, blocks, &["export-md", md.to_str().expect("p")]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        // The limit is per file: every article (about 1.3 KB) is over one block.
        if blocks == 1 || !out.status.success() {
            assert!(
                !out.status.success(),
                "export-md under {blocks} blocks: {out:?}"
            );
            assert!(err.contains("cannot write"), "{err}");
            refused_md += 1;
        }
        for name in names(&md) {
            assert!(
                !name.starts_with(".outpost-"),
                "limit {blocks}: a temporary file left: {name}"
            );
            let text = std::fs::read_to_string(md.join(&name)).expect("read");
            assert!(
                outpost::markdown::parse(text.as_bytes()).is_ok(),
                "limit {blocks}: {name} is a partial article"
            );
        }
        assert_eq!(checked(&node, "a full disk")["state_hash"], before);
    }
    assert!(refused >= 3, "only {refused} bundle exports hit the limit");
    assert!(refused_md >= 1, "no Markdown export hit the limit");
    println!(
        "full disk: {refused} of 4 bundle exports and {refused_md} of 4 Markdown exports failed"
    );
    // The node is usable: an export without the limit is whole and a post imports it.
    let usb = tmp.path().join("usb-free");
    std::fs::create_dir_all(&usb).expect("usb");
    let bundle = usb.join("to-post.outpost");
    ok(
        &node,
        &[
            "sync",
            "export",
            "--to",
            "Post",
            "--out",
            bundle.to_str().expect("p"),
            "--force",
        ],
    );
    let post = tmp.path().join("post");
    ok(&post, &["init", "--from", enrol.to_str().expect("p")]);
    ok(&post, &["sync", "import", bundle.to_str().expect("p")]);
    assert_eq!(articles(&checked(&post, "the import")), 80);
}

#[test]
fn an_export_into_a_read_only_directory_is_refused_and_writes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let node = tmp.path().join("node");
    ok(&node, &["init", "--office", "HQ", "--hq", "--demo"]);
    let usb = tmp.path().join("usb");
    std::fs::create_dir_all(&usb).expect("usb");
    std::fs::set_permissions(&usb, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    if std::fs::write(usb.join("probe"), b"x").is_ok() {
        println!("skipped: this user (root?) writes into a read-only directory anyway");
        return;
    }
    let out = run(&node, &["export-md", usb.to_str().expect("p")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot write") && !err.contains("panicked"),
        "{err}"
    );
    assert_eq!(names(&usb), Vec::<String>::new());
}
