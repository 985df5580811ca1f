//! The query language through the library: phrases, OR, exclusions, filters, prefixes while
//! typing, and words the analyzer splits becoming phrases.

use outpost::core::NewArticle;
use outpost::model::{ArticleContent, ArticleId, Kind, Lang};
use outpost::search::SearchRequest;

use crate::common::{admin, content, replica};

fn node(docs: &[(&str, ArticleContent)]) -> outpost::Replica {
    let mut r = replica("Chiang Khong HQ", true);
    let user = admin(&r);
    for (id, c) in docs {
        let id = Some(ArticleId::parse(id).expect("id"));
        r.add_article(
            &user,
            NewArticle {
                id,
                content: c.clone(),
                publish: true,
            },
        )
        .expect("add");
    }
    r
}

fn ids(r: &outpost::Replica, text: &str) -> Vec<String> {
    ids_with(
        r,
        SearchRequest {
            text: text.into(),
            limit: 50,
            ..Default::default()
        },
    )
}

fn ids_with(r: &outpost::Replica, request: SearchRequest) -> Vec<String> {
    let mut out: Vec<String> = r
        .search(&request)
        .expect("search")
        .into_iter()
        .map(|h| h.id)
        .collect();
    out.sort();
    out
}

fn doc(title: &str, body: &str) -> ArticleContent {
    content(title, "commodity", body)
}

#[test]
fn phrases_or_and_exclusions() {
    let r = node(&[
        ("aaa", doc("Seal", "the container seal was broken")),
        ("bbb", doc("Seal", "seal on the container door")),
        ("ccc", doc("Bolt", "a bolt seal on a tanker")),
    ]);
    assert_eq!(ids(&r, "\"container seal\""), ["aaa"]);
    assert_eq!(ids(&r, "container OR tanker"), ["aaa", "bbb", "ccc"]);
    assert_eq!(ids(&r, "seal -container"), ["ccc"]);
    assert_eq!(ids(&r, "seal -\"container seal\""), ["bbb", "ccc"]);
    assert_eq!(
        ids(&r, "container seal"),
        ["aaa", "bbb"],
        "plain words are all required"
    );
}

#[test]
fn filters_in_the_query_text() {
    let mut thai = content("ไม้ท่อน", "commodity/timber-wood", "ตรวจไม้ท่อน");
    thai.lang = Lang::Th;
    thai.tags = vec!["timber".into()];
    let mut case = content(
        "Teak case",
        "enforcement/smuggling-excise",
        "teak in a truck",
    );
    case.kind = Kind::Case;
    case.hs_codes = vec![outpost::model::HsCode::parse("4403.42").expect("hs")];
    let r = node(&[
        ("th-teak", thai),
        ("en-teak", case),
        ("other", doc("Teak note", "teak")),
    ]);
    assert_eq!(ids(&r, "lang:th"), ["th-teak"]);
    assert_eq!(ids(&r, "teak kind:case"), ["en-teak"]);
    assert_eq!(ids(&r, "tag:timber"), ["th-teak"]);
    assert_eq!(ids(&r, "category:commodity"), ["other", "th-teak"]);
    assert_eq!(ids(&r, "teak hs:4403"), ["en-teak"]);
    assert_eq!(ids(&r, "teak status:published").len(), 2);
    assert_eq!(ids(&r, "office:\"chiang khong hq\" teak").len(), 2);
    assert!(ids(&r, "office:elsewhere teak").is_empty());
    let err = r.search(&SearchRequest {
        text: "kind:poem".into(),
        ..Default::default()
    });
    assert!(err.is_err_and(|e| e.to_string().contains("not a kind")));
}

#[test]
fn the_last_word_matches_as_a_prefix_only_while_typing() {
    let r = node(&[("aaa", doc("Inspection", "inspection of the load"))]);
    assert!(ids(&r, "insp").is_empty());
    let typing = SearchRequest {
        text: "insp".into(),
        typing: true,
        limit: 10,
        ..Default::default()
    };
    assert_eq!(ids_with(&r, typing), ["aaa"]);
    let done = SearchRequest {
        text: "insp ".into(),
        typing: true,
        limit: 10,
        ..Default::default()
    };
    assert!(
        ids_with(&r, done).is_empty(),
        "a finished word is not a prefix"
    );
}

#[test]
fn a_word_the_analyzer_splits_is_searched_as_a_phrase() {
    // ICU splits ตรวจสอบ into ตรวจ|สอบ; both parts apart, or reversed, must not match.
    let r = node(&[
        ("together", doc("ก", "เจ้าหน้าที่ตรวจสอบเอกสาร")),
        ("apart", doc("ข", "สอบถามคนขับแล้วจึงตรวจรถ")),
    ]);
    assert_eq!(ids(&r, "ตรวจสอบ"), ["together"]);
    // Hyphenated English splits into a phrase too.
    let r = node(&[
        ("aaa", doc("E-mail", "send an e-mail")),
        ("bbb", doc("Mail", "e then mail")),
    ]);
    assert_eq!(ids(&r, "e-mail"), ["aaa"]);
}

#[test]
fn sub_word_matches_never_straddle_a_space_or_a_field() {
    // The sub-word phrase leaves out every other bigram: `ข้อมูล` is ข้ _ อม _ ูล. Text where
    // those bigrams sit at the same distances but across a space, a Latin word, or title and
    // body must not match, and a real substring anywhere must.
    let r = node(&[
        ("inside", doc("ก", "ระบบฐานข้อมูลกลาง")),
        ("space", doc("ข", "มีข้x อมxูล")),
        ("latin", doc("ค", "ข้ขอม abc มูล")),
        ("fields", doc("ข้ขอ", "มมูล")),
        ("korean", doc("ง", "국제라이브러리에서")),
        ("korean-apart", doc("จ", "라이 브러 리")),
    ]);
    assert_eq!(ids(&r, "ข้อมูล"), ["inside"]);
    assert_eq!(ids(&r, "라이브러리"), ["korean"]);
    // Two runs in one quoted phrase keep their gap and still match where they follow each other.
    let r = node(&[
        ("both", doc("ก", "ข้อมูล ส่วนตัว")),
        ("one", doc("ข", "ข้อมูล และ ส่วนตัว")),
    ]);
    assert_eq!(ids(&r, "\"ข้อมูล ส่วนตัว\""), ["both"]);
}

#[test]
fn exact_words_rank_above_corrected_typos_and_snippets_mark_them() {
    let r = node(&[
        ("exact", doc("Valuation", "customs valuation of used cars")),
        ("other", doc("Cars", "used cars at the border")),
    ]);
    let hits = r
        .search(&SearchRequest {
            text: "valuaton".into(),
            limit: 10,
            ..Default::default()
        })
        .expect("search");
    assert_eq!(hits.first().map(|h| h.id.as_str()), Some("exact"));
    let marked: Vec<&str> = hits[0]
        .highlights
        .iter()
        .map(|&(a, b)| &hits[0].snippet[a..b])
        .collect();
    assert_eq!(marked, ["valuation"]);
}

#[test]
fn a_word_finds_every_word_of_its_stem_whether_or_not_the_word_is_its_own_stem() {
    // The stem field holds only stems that differ from their words: `network` (its own stem)
    // must be found through the word fields, `library` (stem `librari`) through the stem field.
    let r = node(&[
        ("aaa", doc("Links", "the network was down")),
        ("bbb", doc("Links", "networking at the border")),
        ("ccc", doc("Links", "two networks meet")),
        ("ddd", doc("Books", "the library of tariffs")),
        ("eee", doc("Books", "libraries of rulings")),
        ("fff", doc("Other", "nothing related here")),
    ]);
    for query in ["network", "networks", "networking"] {
        assert_eq!(ids(&r, query), ["aaa", "bbb", "ccc"], "{query}");
    }
    for query in ["library", "libraries"] {
        assert_eq!(ids(&r, query), ["ddd", "eee"], "{query}");
    }
    // The exact word still ranks first.
    let hits = r
        .search(&SearchRequest {
            text: "networks".into(),
            limit: 10,
            ..Default::default()
        })
        .expect("search");
    assert_eq!(hits[0].id, "ccc");
}

/// Found by fuzzing the query language over the demo knowledge: every highlight of every hit
/// lies inside its snippet on character boundaries, also for a one-letter word beside Thai text.
#[test]
fn highlights_fall_on_character_boundaries_of_the_snippet() {
    let mut hq = replica("HQ", true);
    let user = admin(&hq);
    outpost::demo::load(&mut hq, &user).expect("the demo knowledge loads");
    for text in [
        "\"bolt seal\" OR e -tanker",
        "e",
        "ก",
        "e ตรวจ",
        "seal OR e",
    ] {
        for typing in [false, true] {
            let request = SearchRequest {
                text: text.to_string(),
                limit: 10,
                typing,
                now_millis: crate::common::T0,
                ..SearchRequest::default()
            };
            let found = hq.find(&request).expect("a search");
            for hit in found.hits {
                for (start, end) in hit.highlights {
                    assert!(
                        start <= end && end <= hit.snippet.len(),
                        "{text}: {start}..{end}"
                    );
                    assert!(
                        hit.snippet.is_char_boundary(start) && hit.snippet.is_char_boundary(end),
                        "{text} (typing {typing}): {start}..{end} in {:?}",
                        hit.snippet
                    );
                }
            }
        }
    }
}
