//! The Markdown importer: arbitrary bytes as one `.md` file → `markdown::parse` (front matter,
//! YAML, sizes, every field), then, when it parses, `Replica::import_markdown_files` on a fresh
//! in-memory HQ node (what `outpost import-md` does with each file) and `markdown::render` of
//! what was stored. Nothing may panic; a file that imports renders to a file that parses again
//! to the same content.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use outpost::Replica;
use outpost::core::{FixedClock, InitOptions};

/// 2026-11-01T00:00:00Z, as the tests use.
const T0: u64 = 1_793_491_200_000;

fuzz_target!(|data: &[u8]| {
    let parsed = match outpost::markdown::parse(data) {
        Ok(parsed) => parsed,
        Err(problems) => {
            assert!(!problems.is_empty(), "a refused file names a problem");
            return;
        }
    };
    let _ = outpost::markdown::detect_lang(&parsed.content.body);
    let options = InitOptions {
        office: "HQ".into(),
        hq: true,
        admin: "admin".into(),
    };
    let mut hq = Replica::create_in_memory(&options, Arc::new(FixedClock::new(T0)))
        .expect("an in-memory node");
    let user = hq.resolve_user(Some("admin")).expect("admin");
    let files = vec![("fuzz.md".to_string(), data.to_vec())];
    match hq.import_markdown_files(&user, files, true) {
        Err(e) => {
            let _ = e.to_string();
        }
        Ok(report) => {
            assert_eq!(report.created.len(), 1, "one new file creates one article");
            // A file marked `status: retired` imports retired, which lists leave out.
            let record = hq
                .article(&report.created[0])
                .expect("the imported article")
                .record;
            let text = outpost::markdown::render(&record);
            let again = outpost::markdown::parse(text.as_bytes()).expect("a rendered file parses");
            assert_eq!(again.content, record.content, "render → parse keeps the content");
        }
    }
});
