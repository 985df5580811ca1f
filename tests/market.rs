//! The Knowledge Market through the library: a question from a post answered by an expert at
//! another post via HQ, accepted and promoted; comments and helpful votes; where a question is;
//! and every rule refused alike, for local ops and for ops that arrive in a bundle.

use outpost::Replica;
use outpost::core::{Journey, NewQuestion, QuestionFilter};
use outpost::model::market::ANSWER_REQUIRES_EXPERT;
use outpost::model::{Author, Classification, Payload, Role, User};

use crate::common::{admin, replica};
use crate::sync_flow::{enrolled, send};

fn officer(r: &mut Replica, name: &str) -> User {
    let root = admin(r);
    r.add_user(&root, name, Role::Officer, None)
        .expect("an officer account")
}

fn user(r: &Replica, name: &str) -> User {
    r.resolve_user(Some(name)).expect("account")
}

fn person(r: &Replica, name: &str) -> Author {
    Author {
        node: r.node_id(),
        name: name.into(),
    }
}

fn question(title: &str, urgent: bool) -> NewQuestion {
    NewQuestion {
        title: title.into(),
        category: "clearance".into(),
        urgent,
        hs: vec!["2915.21".into()],
        body: "A drum labelled acetic acid smells of solvent. What should I test?".into(),
        classification: None,
    }
}

/// Expects `change` to fail with nothing written; returns its message.
fn refused<T: std::fmt::Debug>(
    r: &mut Replica,
    change: impl FnOnce(&mut Replica) -> outpost::Result<T>,
) -> String {
    let before = r.log_len().expect("log");
    let err = change(r).expect_err("refused");
    assert_eq!(r.log_len().expect("log"), before, "nothing is written");
    err.to_string()
}

/// HQ, post A with the officers `lek` and `nok`, post B with the expert `dao` (granted over
/// "clearance" by HQ); everyone has heard from everyone.
struct Net {
    hq: Replica,
    a: Replica,
    b: Replica,
}

fn network() -> Net {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let mut b = enrolled(&mut hq, "Post B");
    officer(&mut a, "lek");
    officer(&mut a, "nok");
    officer(&mut b, "dao");
    officer(&mut b, "som");
    send(&a, &mut hq);
    send(&b, &mut hq);
    let root = admin(&hq);
    hq.grant_role(&root, &person(&b, "dao"), Role::Expert, Some("clearance"))
        .expect("HQ grants");
    send(&hq, &mut a);
    send(&hq, &mut b);
    Net { hq, a, b }
}

#[test]
fn a_question_from_a_post_reaches_an_expert_at_another_post_and_its_answer_comes_back() {
    let Net {
        mut hq,
        mut a,
        mut b,
    } = network();
    let lek = user(&a, "lek");
    let qid = a.ask(&lek, question("Solvent smell", true)).expect("asks");
    let mine = a.questions(&lek, QuestionFilter::Mine).expect("list");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].journey, Journey::Queued);
    assert_eq!(mine[0].classification, Classification::CustomsOnly);

    send(&a, &mut hq);
    send(&hq, &mut a);
    let mine = a.questions(&lek, QuestionFilter::Mine).expect("list");
    assert_eq!(mine[0].journey, Journey::AtHq, "HQ acknowledged it");
    send(&hq, &mut b);

    // The expert of the category sees it in the inbox; another officer at B does not.
    let dao = user(&b, "dao");
    let inbox = b.questions(&dao, QuestionFilter::Inbox).expect("inbox");
    assert_eq!(inbox.iter().map(|q| &q.id).collect::<Vec<_>>(), [&qid]);
    assert!(
        b.questions(&user(&b, "som"), QuestionFilter::Inbox)
            .expect("inbox")
            .is_empty()
    );
    let answer = b
        .answer(&dao, &qid, "Test the flash point first.")
        .expect("answers");
    send(&b, &mut hq);
    send(&hq, &mut a);

    let view = a.question(&lek, &qid).expect("view");
    assert_eq!(view.summary.journey, Journey::Answered);
    assert_eq!(view.answers.len(), 1);
    assert_eq!(view.answers[0].by, "dao@Post B");
    a.accept(&lek, &qid, &answer).expect("the asker accepts");
    let view = a.question(&lek, &qid).expect("view");
    assert_eq!(view.summary.journey, Journey::Accepted);
    assert!(view.answers[0].accepted);
    assert!(
        a.questions(&lek, QuestionFilter::Open)
            .expect("open")
            .is_empty()
    );

    // The expert promotes the answer into a draft article linked back to the question.
    let article = b.promote(&dao, &answer).expect("promotes");
    let shown = b.article(article.as_str()).expect("the draft");
    assert!(shown.record.working().1.body.contains(&qid), "linked back");
    b.submit(&dao, article.as_str(), "from the market")
        .expect("the promoted draft goes to evaluation");

    send(&a, &mut hq);
    send(&b, &mut hq);
    send(&hq, &mut a);
    send(&hq, &mut b);
    let hash = hq.state_hash().expect("hash");
    assert_eq!(a.state_hash().expect("hash"), hash);
    assert_eq!(b.state_hash().expect("hash"), hash);
    let at_hq = hq.question(&admin(&hq), &qid).expect("view");
    assert_eq!(at_hq.answers[0].article.as_deref(), Some(article.as_str()));
}

#[test]
fn the_market_rules_are_refused_locally_with_nothing_written() {
    let Net {
        mut hq,
        mut a,
        mut b,
    } = network();
    let lek = user(&a, "lek");
    let nok = user(&a, "nok");
    let err = refused(&mut a, |r| r.answer(&lek, "q-nosuchquestion", "x"));
    assert!(err.contains("no question"), "{err}");

    // HQ asks for experts in "clearance"; a question asked after that demands one.
    let root = admin(&hq);
    hq.set_policy(&root, ANSWER_REQUIRES_EXPERT, 1, Some("clearance"))
        .expect("policy");
    send(&hq, &mut a);
    let qid = a.ask(&lek, question("Seal", false)).expect("asks");
    let err = refused(&mut a, |r| r.answer(&nok, &qid, "guess"));
    assert!(err.contains("not an expert of `clearance`"), "{err}");

    send(&a, &mut hq);
    send(&hq, &mut b);
    let dao = user(&b, "dao");
    let answer = b.answer(&dao, &qid, "Check the number.").expect("expert");
    send(&b, &mut hq);
    send(&hq, &mut a);
    let err = refused(&mut a, |r| r.accept(&nok, &qid, &answer));
    assert!(err.contains("only the asker"), "{err}");
    let err = refused(&mut a, |r| r.accept(&lek, &qid, "a-nosuchanswer"));
    assert!(err.contains("has no answer"), "{err}");

    a.set_helpful(&lek, &answer, true).expect("helpful");
    let err = refused(&mut a, |r| r.set_helpful(&lek, &answer, true));
    assert!(err.contains("already marked"), "{err}");
    a.set_helpful(&lek, &answer, false).expect("changed");
    let err = refused(&mut a, |r| r.set_helpful(&lek, &answer, false));
    assert!(err.contains("nothing to undo"), "{err}");
    a.set_helpful(&nok, &answer, true).expect("another voter");
    assert_eq!(a.helpful_count(&answer).expect("count"), 1);
    let err = refused(&mut b, |r| r.set_helpful(&dao, &answer, true));
    assert!(err.contains("own answer"), "{err}");

    let err = refused(&mut a, |r| r.promote(&lek, &answer));
    assert!(err.contains("only the author"), "{err}");
    b.promote(&dao, &answer).expect("promotes");
    let err = refused(&mut b, |r| r.promote(&dao, &answer));
    assert!(err.contains("already promoted"), "{err}");

    let err = refused(&mut a, |r| {
        r.ask(
            &lek,
            NewQuestion {
                category: "no-such-category".into(),
                ..question("x", false)
            },
        )
    });
    assert!(err.contains("unknown category"), "{err}");
    let err = refused(&mut a, |r| r.ask(&lek, question("  ", false)));
    assert!(err.contains("empty"), "{err}");
}

#[test]
fn forged_market_ops_from_a_post_are_refused_at_hq_and_listed_in_the_report() {
    let Net {
        mut hq,
        mut a,
        mut b,
    } = network();
    let root = admin(&hq);
    hq.set_policy(&root, ANSWER_REQUIRES_EXPERT, 1, None)
        .expect("policy");
    send(&hq, &mut a);
    let lek = user(&a, "lek");
    let qid = a.ask(&lek, question("Drum", true)).expect("asks");
    send(&a, &mut hq);
    send(&hq, &mut b);
    let answer = b
        .answer(&user(&b, "dao"), &qid, "Flash point.")
        .expect("answers");
    send(&b, &mut hq);
    send(&hq, &mut a);
    // Post A's node signs what its own checks would have stopped.
    let forged = a
        .forge_bundle_for_tests(
            hq.node_id(),
            "nok",
            vec![
                Payload::AnswerPosted {
                    question: qid.clone(),
                    answer: "a-forgedanswer".into(),
                    body: "not an expert".into(),
                },
                Payload::AnswerAccepted {
                    question: qid.clone(),
                    answer: answer.clone(),
                },
                Payload::HelpfulSet {
                    target: answer.clone(),
                    helpful: true,
                },
                Payload::HelpfulSet {
                    target: answer.clone(),
                    helpful: true,
                },
                Payload::AnswerPromoted {
                    answer: answer.clone(),
                    article: outpost::model::ArticleId::parse("forged-article").expect("id"),
                },
            ],
            None,
        )
        .expect("forged");
    let report = hq
        .import_bundle_bytes("forged", &forged, false)
        .expect("the bundle itself is well signed");
    let kinds: Vec<&str> = report.refused.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["answer", "acceptance", "helpful", "promotion"],
        "{report:?}"
    );
    assert!(
        report.refused[0].reason.contains("not an expert"),
        "{report:?}"
    );
    assert!(
        report.refused[1].reason.contains("only the asker"),
        "{report:?}"
    );
    assert!(
        report.refused[2].reason.contains("already marked"),
        "{report:?}"
    );
    assert!(
        report.refused[3].reason.contains("only the author"),
        "{report:?}"
    );
    let view = hq.question(&root, &qid).expect("view");
    assert_eq!(view.answers.len(), 1);
    assert_eq!(view.answers[0].helpful, 1, "the first vote stands");
    assert_eq!(view.summary.accepted, None);
}

#[test]
fn comments_thread_one_level_and_an_answer_reaches_a_new_post_with_the_question_it_builds_on() {
    let Net {
        mut hq,
        mut a,
        mut b,
    } = network();
    let lek = user(&a, "lek");
    let nok = user(&a, "nok");
    let qid = a.ask(&lek, question("Timber", false)).expect("asks");
    let top = a
        .comment(&nok, &qid, None, "Which species?")
        .expect("comment");
    let reply = a
        .comment(&lek, &qid, Some(&top), "Teak, I think.")
        .expect("reply");
    let err = refused(&mut a, |r| r.comment(&nok, &qid, Some(&reply), "deeper"));
    assert!(err.contains("itself a reply"), "{err}");
    let err = refused(&mut a, |r| r.comment(&nok, "no-such-thing", None, "?"));
    assert!(err.contains("no question or article"), "{err}");
    let err = refused(&mut a, |r| r.comment(&nok, &qid, None, "\u{1b}[2J"));
    assert!(err.contains("control character"), "{err}");
    let comments = a.comments(&qid).expect("comments");
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].replies.len(), 1);
    assert_eq!(comments[0].replies[0].text, "Teak, I think.");

    // A post that never heard of the question gets it with the answer: a bundle carries
    // what its ops build on.
    send(&a, &mut hq);
    send(&hq, &mut b);
    let answer = b
        .answer(&user(&b, "dao"), &qid, "Look at the end grain.")
        .expect("answers");
    let mut c = enrolled(&mut hq, "Post C");
    send(&hq, &mut c);
    let early = b.bundle_for(c.node_id()).expect("bundle");
    let report = c
        .import_bundle_bytes("early", &early, false)
        .expect("import");
    assert!(report.refused.is_empty(), "{report:?}");
    assert!(c.question(&admin(&c), &qid).is_ok());
    assert_eq!(
        c.question(&admin(&c), &qid).expect("view").answers[0].id,
        answer
    );
}

#[test]
fn a_restricted_question_is_not_shown_to_a_reader_not_cleared_for_it() {
    let Net { mut a, .. } = network();
    let root = admin(&a);
    let qid = a
        .ask(
            &root,
            NewQuestion {
                classification: Some(Classification::Restricted),
                ..question("Informant report", false)
            },
        )
        .expect("an administrator is cleared for restricted");
    let lek = user(&a, "lek");
    assert!(
        a.questions(&lek, QuestionFilter::All)
            .expect("list")
            .is_empty()
    );
    let err = a.question(&lek, &qid).expect_err("hidden");
    assert!(err.to_string().contains("no question"), "{err}");
    let err = refused(&mut a, |r| {
        r.ask(
            &lek,
            NewQuestion {
                classification: Some(Classification::Restricted),
                ..question("x", false)
            },
        )
    });
    assert!(err.contains("cleared for customs-only"), "{err}");
    assert_eq!(
        a.questions(&root, QuestionFilter::All).expect("list").len(),
        1
    );
}

#[test]
fn an_urgent_only_bundle_carries_the_urgent_question_with_its_chain_and_nothing_after_it() {
    let Net { mut hq, mut a, .. } = network();
    let lek = user(&a, "lek");
    let tmp = tempfile::tempdir().expect("tempdir");
    let urgent_only = |from: &mut Replica, name: &str| {
        from.sync_export(&outpost::sync::ExportOptions {
            to: Some("HQ".into()),
            out: tmp.path().join(name),
            urgent_only: true,
            ..Default::default()
        })
    };
    let err = urgent_only(&mut a, "none").expect_err("nothing urgent");
    assert!(err.to_string().contains("nothing urgent"), "{err}");

    let before = a.ask(&lek, question("Routine", false)).expect("asks");
    let urgent = a.ask(&lek, question("Chemical drum", true)).expect("asks");
    let after = a.ask(&lek, question("Later routine", false)).expect("asks");
    let report = urgent_only(&mut a, "urgent").expect("export");
    assert_eq!(
        report.ops, 2,
        "the chain's earlier op and the urgent question"
    );
    let journeys: Vec<(String, Journey)> = a
        .questions(&lek, QuestionFilter::Mine)
        .expect("list")
        .into_iter()
        .map(|q| (q.id, q.journey))
        .collect();
    assert_eq!(journeys.len(), 3);
    for (id, journey) in &journeys {
        let left = matches!(journey, Journey::InBundle { to, .. } if to == "HQ");
        assert_eq!(left, *id != after, "{id}: {journey:?}");
    }
    hq.sync_import(&report.files, None, false).expect("import");
    let root = admin(&hq);
    assert!(hq.question(&root, &before).is_ok(), "the chain needs it");
    assert!(hq.question(&root, &urgent).is_ok());
    assert!(
        hq.question(&root, &after).is_err(),
        "waits for the next bundle"
    );

    // Every bundle puts the urgent part first: here the answer to the urgent question.
    send(&hq, &mut a);
    let routine = a
        .ask(&lek, question("Another routine", false))
        .expect("asks");
    let nok = user(&a, "nok");
    a.answer(&nok, &urgent, "Keep it closed.").expect("answers");
    let (first, rest) = a.missing_urgent_first(hq.node_id()).expect("ops");
    let kinds: Vec<&str> = first.iter().map(|o| o.op.payload.kind()).collect();
    assert_eq!(kinds, ["question", "question", "answer"], "{kinds:?}");
    assert!(rest.is_empty());
    send(&a, &mut hq);
    assert!(hq.question(&root, &routine).is_ok());
    assert_eq!(
        hq.state_hash().expect("hash"),
        a.state_hash().expect("hash")
    );
}

#[test]
fn questions_are_found_by_their_words_in_english_and_thai_their_answers_and_hs_codes() {
    let Net {
        mut hq,
        mut a,
        mut b,
    } = network();
    let lek = user(&a, "lek");
    let solvent = a.ask(&lek, question("Solvent smell", true)).expect("asks");
    let thai = a
        .ask(
            &lek,
            NewQuestion {
                title: "ไม้สักท่อนจากลาว".into(),
                body: "ต้องตรวจเอกสารอะไรบ้าง".into(),
                hs: vec!["4403.49".into()],
                ..question("x", false)
            },
        )
        .expect("asks");
    let root = admin(&a);
    let hidden = a
        .ask(
            &root,
            NewQuestion {
                classification: Some(Classification::Restricted),
                ..question("Solvent informant", false)
            },
        )
        .expect("asks");
    let ids = |found: Vec<outpost::core::QuestionSummary>| -> Vec<String> {
        found.into_iter().map(|q| q.id).collect()
    };
    assert_eq!(
        ids(a.search_questions(&lek, "solvents").expect("search")),
        [solvent.as_str()]
    );
    assert_eq!(
        ids(a.search_questions(&lek, "ไม้สัก").expect("search")),
        [thai.as_str()]
    );
    assert_eq!(
        ids(a.search_questions(&lek, "4403").expect("search")),
        [thai.as_str()]
    );
    assert!(
        a.search_questions(&lek, "solvent timber")
            .expect("search")
            .is_empty()
    );
    let cleared = ids(a.search_questions(&root, "solvent").expect("search"));
    assert_eq!(cleared.len(), 2);
    assert!(cleared.contains(&hidden));
    let err = a.search_questions(&lek, "  ").expect_err("no words");
    assert!(err.to_string().contains("give words"), "{err}");

    // An answer's words find its question too.
    send(&a, &mut hq);
    send(&hq, &mut b);
    b.answer(&user(&b, "dao"), &thai, "Ask for the CITES permit.")
        .expect("answers");
    let found = ids(b
        .search_questions(&user(&b, "dao"), "permit")
        .expect("search"));
    assert_eq!(found, [thai]);
}
