//! Markdown import and export through the library.

use outpost::core::ArticleFilter;

use crate::common::{admin, replica};

#[test]
fn the_demo_knowledge_loads_and_round_trips_through_markdown() {
    let mut hq = replica("HQ", true);
    let user = admin(&hq);
    let report = outpost::demo::load(&mut hq, &user).expect("demo loads");
    assert!(report.created.len() >= 40);

    let first = tempfile::tempdir().expect("tempdir");
    let count = hq.export_markdown_dir(first.path()).expect("export");
    assert_eq!(count, report.created.len());

    let mut fresh = replica("Other HQ", true);
    let user = admin(&fresh);
    let again = fresh
        .import_markdown_dir(&user, first.path(), true)
        .expect("import");
    assert_eq!(again.created.len(), count);
    let second = tempfile::tempdir().expect("tempdir");
    fresh
        .export_markdown_dir(second.path())
        .expect("export again");
    for entry in std::fs::read_dir(first.path()).expect("read") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name");
        let a = std::fs::read(&path).expect("first");
        let b = std::fs::read(second.path().join(name)).expect("second");
        assert!(
            a == b,
            "{} differs after a round trip",
            name.to_string_lossy()
        );
    }

    // Importing the same files again updates nothing and duplicates nothing.
    let before = fresh.state_hash().expect("hash");
    let third = fresh
        .import_markdown_dir(&user, first.path(), true)
        .expect("re-import");
    assert_eq!(third.unchanged.len(), count);
    assert_eq!(fresh.state_hash().expect("hash"), before);
    assert_eq!(
        fresh
            .list_articles(&ArticleFilter::default())
            .expect("list")
            .len(),
        count
    );
}

#[test]
fn an_invalid_file_imports_nothing_and_names_every_problem() {
    let mut r = replica("HQ", true);
    let user = admin(&r);
    let good = b"---\ntitle: Fine\ncategory: commodity\n---\nok\n".to_vec();
    let files = vec![
        ("a-good.md".to_string(), good),
        (
            "b-category.md".to_string(),
            b"---\ntitle: X\ncategory: nowhere\n---\n".to_vec(),
        ),
        (
            "c-title.md".to_string(),
            b"---\ncategory: commodity\n---\n".to_vec(),
        ),
        (
            "d-hs.md".to_string(),
            b"---\ntitle: X\ncategory: commodity\nhs_codes: [\"9\"]\n---\n".to_vec(),
        ),
        ("e-binary.md".to_string(), vec![0xff, 0xfe, 0xfd]),
        (
            "f-yaml.md".to_string(),
            b"---\ntitle: [oops\n---\n".to_vec(),
        ),
    ];
    let before = r.state_hash().expect("hash");
    let err = r
        .import_markdown_files(&user, files, false)
        .expect_err("refused")
        .to_string();
    for expected in [
        "b-category.md: unknown category `nowhere`",
        "c-title.md: missing title",
        "d-hs.md: `9` is not an HS code",
        "e-binary.md: the file is not UTF-8",
        "f-yaml.md: the front matter does not parse",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    assert!(!err.contains("a-good.md"));
    assert_eq!(r.state_hash().expect("hash"), before);
}
