//! The search query language: arbitrary text → `query_language::parse`, then the whole search
//! (`Replica::find`: whole words, stems, Thai/Korean bigrams, typo corrections, prefixes,
//! filters, snippets), typed and not, over an in-memory node holding the demo knowledge (English
//! and Thai articles). Nothing may panic; a search either answers or says what is wrong with the
//! query, and every highlight lies inside its snippet on character boundaries.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use outpost::Replica;
use outpost::core::{FixedClock, InitOptions};
use outpost::search::SearchRequest;
use outpost::search::query_language;

/// 2026-11-01T00:00:00Z, as the tests use.
const T0: u64 = 1_793_491_200_000;

thread_local! {
    static NODE: Replica = demo_node();
}

fn demo_node() -> Replica {
    let options = InitOptions {
        office: "HQ".into(),
        hq: true,
        admin: "admin".into(),
    };
    let mut hq = Replica::create_in_memory(&options, Arc::new(FixedClock::new(T0)))
        .expect("an in-memory node");
    let user = hq.resolve_user(Some("admin")).expect("admin");
    outpost::demo::load(&mut hq, &user).expect("the demo knowledge loads");
    hq
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = query_language::parse(text);
    assert!(
        parsed.groups.iter().all(|group| !group.is_empty()),
        "no empty group"
    );
    NODE.with(|hq| {
        for typing in [false, true] {
            let request = SearchRequest {
                text: text.to_string(),
                limit: 10,
                typing,
                now_millis: T0,
                ..SearchRequest::default()
            };
            match hq.find(&request) {
                Ok(found) => {
                    for hit in found.hits {
                        for (start, end) in hit.highlights {
                            assert!(start <= end && end <= hit.snippet.len());
                            assert!(hit.snippet.is_char_boundary(start));
                            assert!(hit.snippet.is_char_boundary(end));
                        }
                    }
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
    });
});
