//! Questions of the Knowledge Market in search, through the library: found beside articles by
//! their title, body and answers (in Thai too), limited by kind, hidden above the reader's
//! clearance, kept in step when questions and answers arrive in a bundle and when the index is
//! rebuilt; and the helpful counts every hit carries.

use outpost::Replica;
use outpost::core::NewQuestion;
use outpost::model::{Classification, Kind, Role, User};
use outpost::search::{SearchHit, SearchKind, SearchRequest};

use crate::common::{admin, content, new_article, replica};
use crate::sync_flow::{enrolled, send};

fn ask(r: &mut Replica, user: &User, title: &str, body: &str) -> String {
    let question = NewQuestion {
        title: title.into(),
        category: "clearance".into(),
        urgent: false,
        hs: vec!["2915.21".into()],
        body: body.into(),
        classification: None,
    };
    r.ask(user, question).expect("asks")
}

fn find(r: &Replica, words: &str, kind: Option<SearchKind>) -> Vec<SearchHit> {
    r.search(&SearchRequest {
        text: words.into(),
        kind,
        limit: 20,
        ..Default::default()
    })
    .expect("search")
}

fn ids(hits: &[SearchHit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}

/// A node holding a published procedure and a published technique about acetic acid, and a
/// question about it asked by the officer `lek`; with the procedure's and the question's ids.
fn node() -> (Replica, User, String) {
    let (r, lek, qid, _) = node_with_procedure();
    (r, lek, qid)
}

fn node_with_procedure() -> (Replica, User, String, String) {
    let mut r = replica("HQ", true);
    let root = admin(&r);
    let mut procedure = content(
        "Sampling acetic acid drums",
        "clearance",
        "Draw a sample of the acetic acid with a glass pipette.",
    );
    procedure.kind = Kind::Procedure;
    let procedure = r
        .add_article(&root, new_article(procedure, true))
        .expect("procedure")
        .to_string();
    let technique = content(
        "Smelling acetic acid safely",
        "clearance",
        "Waft the vapour of acetic acid towards you; never sniff the drum.",
    );
    r.add_article(&root, new_article(technique, true))
        .expect("technique");
    let lek = r
        .add_user(&root, "lek", Role::Officer, None)
        .expect("officer");
    let qid = ask(
        &mut r,
        &lek,
        "Acetic acid drum smells of solvent",
        "The drum is labelled acetic acid but smells of turpentine. What should I test?",
    );
    (r, lek, qid, procedure)
}

#[test]
fn a_question_is_found_by_its_title_its_body_and_its_answers_words() {
    let (mut r, _, qid) = node();
    let root = admin(&r);
    let by_title = find(&r, "solvent", None);
    assert_eq!(ids(&by_title), [qid.as_str()]);
    assert!(by_title[0].is_question());
    assert_eq!(by_title[0].kind, "question");
    assert_eq!(by_title[0].answers, Some(0));
    assert_eq!(ids(&find(&r, "turpentine", None)), [qid.as_str()]);
    assert!(find(&r, "flashpoint", None).is_empty());

    r.answer(&root, &qid, "Measure its flashpoint before anything else.")
        .expect("answers");
    let by_answer = find(&r, "flashpoint", None);
    assert_eq!(ids(&by_answer), [qid.as_str()]);
    assert_eq!(by_answer[0].answers, Some(1));
    assert!(
        by_answer[0].snippet.contains("flashpoint"),
        "the snippet shows the answer's words: {}",
        by_answer[0].snippet
    );
    // By HS code, as articles are.
    let by_code = r
        .search(&SearchRequest {
            hs: Some("2915".into()),
            limit: 20,
            ..Default::default()
        })
        .expect("search");
    assert_eq!(ids(&by_code), [qid.as_str()]);
}

#[test]
fn a_thai_question_is_found_by_a_word_inside_its_sentences() {
    let (mut r, lek, _) = node();
    let qid = ask(
        &mut r,
        &lek,
        "ถังสารเคมีมีกลิ่นแปลก",
        "ถังบรรจุกรดน้ำส้มแต่มีกลิ่นตัวทำละลาย ควรตรวจสอบอย่างไร",
    );
    assert_eq!(ids(&find(&r, "สารเคมี", None)), [qid.as_str()]);
    assert_eq!(ids(&find(&r, "ตัวทำละลาย", None)), [qid.as_str()]);
    let root = admin(&r);
    r.answer(&root, &qid, "ให้วัดจุดวาบไฟก่อนเปิดถัง")
        .expect("answers");
    assert_eq!(ids(&find(&r, "จุดวาบไฟ", None)), [qid.as_str()]);
}

#[test]
fn default_search_holds_questions_and_articles_and_a_kind_limits_it() {
    let (r, _, qid, procedure) = node_with_procedure();
    let all = find(&r, "acetic", None);
    assert_eq!(all.len(), 3, "{:?}", ids(&all));
    assert!(ids(&all).contains(&qid.as_str()));

    let questions = find(&r, "acetic", Some(SearchKind::Questions));
    assert_eq!(ids(&questions), [qid.as_str()]);
    let articles = find(&r, "acetic", Some(SearchKind::Articles));
    assert_eq!(articles.len(), 2);
    assert!(articles.iter().all(|h| !h.is_question()));
    let procedures = find(&r, "acetic", Some(SearchKind::Article(Kind::Procedure)));
    assert_eq!(ids(&procedures), [procedure.as_str()]);
    // The same through the query language.
    assert_eq!(ids(&find(&r, "acetic kind:question", None)), [qid.as_str()]);
    assert_eq!(find(&r, "acetic kind:article", None).len(), 2);
    assert_eq!(
        "question".parse::<SearchKind>().expect("kind"),
        SearchKind::Questions
    );
    let wrong = "questions".parse::<SearchKind>().expect_err("not a kind");
    assert!(wrong.to_string().contains("question"), "{wrong}");
}

#[test]
fn a_question_above_the_readers_clearance_is_neither_found_nor_counted() {
    let (mut r, lek, _) = node();
    let secret = NewQuestion {
        title: "Acetic acid route of the informant".into(),
        category: "clearance".into(),
        urgent: false,
        hs: vec![],
        body: "Zebraquartz drums cross at night.".into(),
        classification: Some(Classification::Restricted),
    };
    let root = admin(&r);
    let hidden = r.ask(&root, secret).expect("asks");
    assert_eq!(ids(&find(&r, "zebraquartz", None)), [hidden.as_str()]);

    r.set_clearance(lek.clearance);
    assert!(lek.clearance < Classification::Restricted);
    assert!(find(&r, "zebraquartz", None).is_empty());
    let acetic = find(&r, "acetic", None);
    assert_eq!(acetic.len(), 3, "only what the reader may see is counted");
    assert!(!ids(&acetic).contains(&hidden.as_str()));
    // Nor does `show` say that it is a question.
    let shown = r.article(&hidden).expect_err("not for this reader");
    assert!(!shown.to_string().contains("question"), "{shown}");
}

#[test]
fn showing_a_question_as_an_article_says_how_to_open_it() {
    let (r, _, qid) = node();
    let err = r.article(&qid).expect_err("not an article");
    assert!(
        err.to_string().contains(&format!("outpost question {qid}")),
        "{err}"
    );
}

#[test]
fn hits_carry_helpful_counts_a_question_those_of_its_answers() {
    let (mut r, lek, qid, procedure) = node_with_procedure();
    let root = admin(&r);
    let answer = r
        .answer(&root, &qid, "Test the flashpoint.")
        .expect("answers");
    r.set_helpful(&lek, &answer, true).expect("votes");
    r.set_helpful(&lek, &procedure, true).expect("votes");
    let nok = r
        .add_user(&root, "nok", Role::Officer, None)
        .expect("officer");
    r.set_helpful(&nok, &procedure, true).expect("votes");
    let hits = find(&r, "acetic", None);
    let helpful = |id: &str| hits.iter().find(|h| h.id == id).expect("hit").helpful;
    assert_eq!(helpful(&qid), 1);
    assert_eq!(helpful(&procedure), 2);
    let technique = hits
        .iter()
        .find(|h| h.title.starts_with("Smelling"))
        .expect("hit");
    assert_eq!(technique.helpful, 0);
    // A vote withdrawn is no longer counted.
    r.set_helpful(&nok, &procedure, false).expect("withdraws");
    let hits = find(&r, "sampling", None);
    assert_eq!(hits[0].helpful, 1);
}

#[test]
fn questions_and_answers_that_arrive_in_a_bundle_become_searchable() {
    let mut hq = replica("HQ", true);
    let mut post = enrolled(&mut hq, "Post A");
    let root = admin(&post);
    let lek = post
        .add_user(&root, "lek", Role::Officer, None)
        .expect("officer");
    let qid = ask(
        &mut post,
        &lek,
        "Wombat hide declared as leather",
        "Which chapter do raw hides fall under?",
    );
    assert!(find(&hq, "wombat", None).is_empty());
    send(&post, &mut hq);
    let at_hq = find(&hq, "wombat", None);
    assert_eq!(ids(&at_hq), [qid.as_str()]);
    let office = hq
        .search(&SearchRequest {
            text: "wombat office:\"post a\"".into(),
            limit: 5,
            ..Default::default()
        })
        .expect("search");
    assert_eq!(ids(&office), [qid.as_str()], "the office it was asked at");

    let hq_root = admin(&hq);
    hq.answer(&hq_root, &qid, "Chapter 41, rawhides and skins.")
        .expect("answers");
    send(&hq, &mut post);
    assert_eq!(ids(&find(&post, "rawhides", None)), [qid.as_str()]);
}

#[test]
fn a_rebuilt_index_holds_the_questions_and_checks_out() {
    let (mut r, _, qid) = node();
    let root = admin(&r);
    r.answer(&root, &qid, "Measure its flashpoint.")
        .expect("answers");
    r.rebuild_index(&mut |_, _| {}).expect("rebuilt");
    assert_eq!(ids(&find(&r, "flashpoint", None)), [qid.as_str()]);
    assert_eq!(find(&r, "acetic", None).len(), 3);
    let report = r.check().expect("check");
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.index_documents, 3);
}
