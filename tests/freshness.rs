//! Freshness, supersession, required reading and votes in transit through the library: review-by
//! dates from HQ's policy, flags cleared by a confirmation, successors without cycles, what
//! officers must read and who did; every rule refused alike for a local op and an imported one.

use std::sync::Arc;

use outpost::Replica;
use outpost::core::FixedClock;
use outpost::model::{ArticleId, Audience, Author, Kind, Payload, Role, Status, User, Verdict};

use crate::common::{T0, admin, content, new_article, replica};
use crate::sync_flow::{enrolled, send};

const HOUR: u64 = 60 * 60 * 1000;
const DAY: u64 = 24 * HOUR;

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

fn published(r: &mut Replica, title: &str, kind: Kind) -> String {
    let root = admin(r);
    let mut c = content(title, "clearance", "Check the seal number.");
    c.kind = kind;
    r.add_article(&root, new_article(c, true))
        .expect("published")
        .to_string()
}

fn at(r: &mut Replica, millis: u64) {
    r.set_clock(Arc::new(FixedClock::new(millis)));
}

fn refused(r: &mut Replica, act: impl FnOnce(&mut Replica) -> outpost::Result<()>) -> String {
    let before = r.log_len().expect("log");
    let err = act(r).expect_err("refused");
    assert_eq!(r.log_len().expect("log"), before, "nothing is written");
    err.to_string()
}

fn id(s: &str) -> ArticleId {
    ArticleId::parse(s).expect("id")
}

#[test]
fn review_by_follows_hqs_policy_per_kind_and_a_confirmation_pushes_it_and_clears_flags() {
    let mut hq = replica("HQ", true);
    let procedure = published(&mut hq, "Seal procedure", Kind::Procedure);
    let technique = published(&mut hq, "Seal technique", Kind::Technique);
    let f = hq.freshness(&procedure).expect("freshness");
    assert_eq!(
        (f.owner.as_str(), f.review_by.as_str()),
        ("admin@HQ", "2027-11-01")
    );
    assert_eq!(hq.freshness(&technique).expect("f").review_by, "2028-11-01");
    assert!(hq.stale().expect("stale").is_empty());

    // 350 days on, the procedure is due within 30 days; the technique is not.
    at(&mut hq, T0 + 350 * DAY);
    let stale = hq.stale().expect("stale");
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!(
        (stale[0].article.as_str(), stale[0].due.as_str()),
        (procedure.as_str(), "due-soon")
    );
    assert_eq!(stale[0].days_left, 15);

    // HQ shortens techniques to 6 months: now it is past due.
    let root = admin(&hq);
    hq.set_policy(&root, "freshness.review-months.technique", 6, None)
        .expect("policy");
    let stale = hq.stale().expect("stale");
    assert_eq!(stale[0].article, technique);
    assert_eq!(stale[0].due, "past-due");

    // A flag lists an article whatever its date; the owner's confirmation clears it.
    let lek = officer(&mut hq, "lek");
    at(&mut hq, T0 + 360 * DAY);
    hq.flag(&lek, &procedure, "the form changed")
        .expect("anyone flags");
    let f = hq.freshness(&procedure).expect("f");
    assert_eq!(f.flags.len(), 1);
    assert_eq!(f.flags[0].reason, "the form changed");
    assert_eq!(hq.my_stale(&root).expect("mine").len(), 2);
    assert!(hq.my_stale(&lek).expect("mine").is_empty());
    hq.confirm(&root, &procedure).expect("the owner confirms");
    let f = hq.freshness(&procedure).expect("f");
    assert!(f.flags.is_empty());
    assert_eq!(f.review_by, "2028-10-27");
    let ids: Vec<String> = hq
        .stale()
        .expect("s")
        .into_iter()
        .map(|i| i.article)
        .collect();
    assert_eq!(ids, std::slice::from_ref(&technique));

    // Bad input changes nothing.
    let err = refused(&mut hq, |r| r.flag(&lek, &procedure, "  "));
    assert!(err.contains("--reason"), "{err}");
    let err = refused(&mut hq, |r| {
        r.set_policy(&root, "freshness.review-months.technique", 500, None)
    });
    assert!(err.contains("between 1 and 120"), "{err}");
}

#[test]
fn a_confirmation_by_someone_else_is_refused_here_and_when_it_comes_in_a_bundle() {
    let mut hq = replica("HQ", true);
    let article = published(&mut hq, "Seal procedure", Kind::Procedure);
    let mut post = enrolled(&mut hq, "Post A");
    let nok = officer(&mut post, "nok");
    let err = refused(&mut post, |r| r.confirm(&nok, &article));
    assert!(err.contains("only the owner"), "{err}");

    // An evaluator of the category may confirm.
    let root = admin(&hq);
    officer(&mut post, "dao");
    hq.grant_role(
        &root,
        &person(&post, "dao"),
        Role::Evaluator,
        Some("clearance"),
    )
    .expect("grant");
    send(&hq, &mut post);
    let dao = user(&post, "dao");
    post.flag(&nok, &article, "outdated").expect("flag");
    post.confirm(&dao, &article).expect("an evaluator confirms");
    send(&post, &mut hq);
    assert!(hq.freshness(&article).expect("f").flags.is_empty());
    assert_eq!(hq.state_hash().expect("h"), post.state_hash().expect("h"));

    // The post's laptop signs a confirmation by `nok` anyway: HQ refuses it, keeps the flag.
    let forged = post
        .forge_bundle_for_tests(
            hq.node_id(),
            "nok",
            vec![
                Payload::Flagged {
                    article: id(&article),
                    reason: "wrong".into(),
                },
                Payload::Confirmed {
                    article: id(&article),
                },
            ],
            Some(T0 + HOUR),
        )
        .expect("forged");
    let report = hq
        .import_bundle_bytes("forged", &forged, false)
        .expect("the bundle itself is well signed");
    let kinds: Vec<&str> = report.refused.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["confirmation"], "{report:?}");
    assert!(
        report.refused[0].reason.contains("only the owner"),
        "{report:?}"
    );
    assert_eq!(
        hq.freshness(&article).expect("f").flags.len(),
        1,
        "the flag stands"
    );
}

#[test]
fn supersession_sends_readers_on_and_refuses_itself_a_retired_article_and_cycles() {
    let mut hq = replica("HQ", true);
    let root = admin(&hq);
    let a = published(&mut hq, "Old seal rule", Kind::Procedure);
    let b = published(&mut hq, "New seal rule", Kind::Procedure);
    let c = published(&mut hq, "Newest seal rule", Kind::Procedure);
    hq.supersede(&root, &a, &b).expect("supersede");
    let f = hq.freshness(&a).expect("f");
    assert_eq!(f.superseded_by.as_deref(), Some(b.as_str()));
    assert_eq!(f.successor_title.as_deref(), Some("New seal rule"));
    assert!(hq.freshness(&b).expect("f").superseded_by.is_none());

    let err = refused(&mut hq, |r| r.supersede(&root, &b, &a));
    assert!(
        err.contains("cycle") && err.contains(&format!("{b} → {a} → {b}")),
        "{err}"
    );
    hq.supersede(&root, &b, &c).expect("a chain is fine");
    let err = refused(&mut hq, |r| r.supersede(&root, &c, &a));
    assert!(err.contains("cycle"), "{err}");
    let err = refused(&mut hq, |r| r.supersede(&root, &a, &a));
    assert!(err.contains("itself"), "{err}");
    hq.set_status(&root, &c, Status::Retired).expect("retire");
    let d = published(&mut hq, "Another rule", Kind::Procedure);
    let err = refused(&mut hq, |r| r.supersede(&root, &c, &d));
    assert!(err.contains("retired"), "{err}");
    let err = refused(&mut hq, |r| r.supersede(&root, &d, "nosuchid1"));
    assert!(err.contains("nosuchid1"), "{err}");

    // A post's administrator without evaluator rights may not supersede.
    let post = enrolled(&mut hq, "Post A");
    let forged = post
        .forge_bundle_for_tests(
            hq.node_id(),
            "admin",
            vec![Payload::Superseded {
                article: id(&d),
                by: id(&b),
            }],
            None,
        )
        .expect("forged");
    let report = hq
        .import_bundle_bytes("forged", &forged, false)
        .expect("import");
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert!(
        report.refused[0].reason.contains("may not supersede"),
        "{report:?}"
    );

    // An evaluator's own cycle, signed by their post anyway, is refused at HQ too.
    let mut post = enrolled(&mut hq, "Post B");
    officer(&mut post, "nok");
    send(&post, &mut hq);
    hq.grant_role(&root, &person(&post, "nok"), Role::Evaluator, None)
        .expect("grant");
    let e = published(&mut hq, "Fifth", Kind::Procedure);
    let f = published(&mut hq, "Sixth", Kind::Procedure);
    send(&hq, &mut post);
    let forged = post
        .forge_bundle_for_tests(
            hq.node_id(),
            "nok",
            vec![
                Payload::Superseded {
                    article: id(&e),
                    by: id(&f),
                },
                Payload::Superseded {
                    article: id(&f),
                    by: id(&e),
                },
            ],
            None,
        )
        .expect("forged");
    let report = hq
        .import_bundle_bytes("forged", &forged, false)
        .expect("import");
    let kinds: Vec<&str> = report.refused.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["supersession"], "{report:?}");
    assert!(report.refused[0].reason.contains("cycle"), "{report:?}");
    assert_eq!(
        hq.freshness(&e).expect("f").superseded_by.as_deref(),
        Some(f.as_str())
    );
    assert!(hq.freshness(&f).expect("f").superseded_by.is_none());
}

#[test]
fn two_posts_closing_a_cycle_unknowingly_converge_on_the_earlier_supersession() {
    let mut hq = replica("HQ", true);
    let root = admin(&hq);
    let a = published(&mut hq, "Rule A", Kind::Procedure);
    let b = published(&mut hq, "Rule B", Kind::Procedure);
    let mut p = enrolled(&mut hq, "Post P");
    let mut q = enrolled(&mut hq, "Post Q");
    officer(&mut p, "pim");
    officer(&mut q, "qua");
    for who in [person(&p, "pim"), person(&q, "qua")] {
        hq.grant_role(&root, &who, Role::Evaluator, None)
            .expect("grant");
    }
    send(&hq, &mut p);
    send(&hq, &mut q);
    // Within the day a clock may run ahead of another's.
    at(&mut p, T0 + HOUR);
    at(&mut q, T0 + 2 * HOUR);
    p.supersede(&user(&p, "pim"), &a, &b).expect("P: A by B");
    q.supersede(&user(&q, "qua"), &b, &a)
        .expect("Q: B by A, not knowing");
    // HQ hears Q first, P hears Q's through HQ: both end with P's earlier supersession.
    send(&q, &mut hq);
    send(&p, &mut hq);
    send(&hq, &mut p);
    send(&hq, &mut q);
    for node in [&hq, &p, &q] {
        assert_eq!(
            node.freshness(&a).expect("f").superseded_by.as_deref(),
            Some(b.as_str())
        );
        assert!(node.freshness(&b).expect("f").superseded_by.is_none());
    }
    let hash = hq.state_hash().expect("h");
    assert_eq!(p.state_hash().expect("h"), hash);
    assert_eq!(q.state_hash().expect("h"), hash);
}

#[test]
fn required_reading_is_acknowledged_by_whom_it_addresses_and_reported_per_office() {
    let mut hq = replica("HQ", true);
    let root = admin(&hq);
    let circular = published(&mut hq, "Code of conduct", Kind::RegulationNote);
    let mut a = enrolled(&mut hq, "Chiang Khong");
    let mut b = enrolled(&mut hq, "Post B");
    let lek = officer(&mut a, "lek");
    officer(&mut a, "nok");
    let dao = officer(&mut b, "dao");
    officer(&mut b, "tam");
    send(&a, &mut hq);
    send(&b, &mut hq);

    let err = refused(&mut hq, |r| {
        r.require(
            &root,
            &circular,
            Audience::Office("Nowhere".into()),
            "2026-12-01",
        )
    });
    assert!(err.contains("no known office"), "{err}");
    let err = refused(&mut hq, |r| {
        r.require(
            &root,
            &circular,
            Audience::Office("Chiang Khong".into()),
            "1st of May",
        )
    });
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    // Due the day before today: whoever has not read it is overdue.
    hq.require(
        &root,
        &circular,
        Audience::Office("Chiang Khong".into()),
        "2026-10-31",
    )
    .expect("HQ requires it");
    send(&hq, &mut a);
    send(&hq, &mut b);

    let mine = a.required_reading(&lek).expect("mine");
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].due.as_str(), mine[0].acknowledged.is_none()),
        ("2026-10-31", true)
    );
    a.ack(&lek, &circular).expect("lek acknowledges");
    let err = refused(&mut a, |r| r.ack(&lek, &circular));
    assert!(err.contains("already acknowledged"), "{err}");
    let err = refused(&mut b, |r| r.ack(&dao, &circular));
    assert!(err.contains("not required of dao@Post B"), "{err}");
    assert!(b.required_reading(&dao).expect("none").is_empty());

    send(&a, &mut hq);
    let report = hq.ack_report(None).expect("report");
    let ck = report
        .iter()
        .find(|o| o.office == "Chiang Khong")
        .expect("office");
    assert_eq!((ck.required, ck.acknowledged), (3, 1), "{ck:?}");
    assert!(ck.latest_bundle.is_some());
    assert!(ck.latest_change.is_some());
    let people: Vec<(&str, bool, bool)> = ck
        .people
        .iter()
        .map(|p| (p.person.as_str(), p.acknowledged.is_some(), p.overdue))
        .collect();
    assert_eq!(
        people,
        [
            ("admin@Chiang Khong", false, true),
            ("lek@Chiang Khong", true, false),
            ("nok@Chiang Khong", false, true)
        ]
    );
    assert!(
        report
            .iter()
            .find(|o| o.office == "Post B")
            .expect("b")
            .people
            .is_empty()
    );
    let only = hq.ack_report(Some("post b")).expect("one office");
    assert_eq!(only.len(), 1);
    assert!(hq.ack_report(Some("Atlantis")).is_err());

    // A role requirement reaches evaluators wherever they are.
    hq.grant_role(&root, &person(&b, "dao"), Role::Evaluator, None)
        .expect("grant");
    hq.require(
        &root,
        &circular,
        Audience::Role(Role::Evaluator),
        "2027-01-31",
    )
    .expect("require");
    send(&hq, &mut b);
    b.ack(&dao, &circular).expect("an evaluator acknowledges");
    send(&b, &mut hq);
    send(&hq, &mut a);
    assert_eq!(hq.state_hash().expect("h"), a.state_hash().expect("h"));

    // A forged acknowledgement from Post B, and a requirement from a post, are refused at HQ.
    let revision = b.article(&circular).expect("a").record.current;
    let forged = b
        .forge_bundle_for_tests(
            hq.node_id(),
            "tam",
            vec![
                Payload::Acknowledged {
                    article: id(&circular),
                    revision,
                },
                Payload::ReadingRequired {
                    article: id(&circular),
                    audience: Audience::Office("Post B".into()),
                    due: "2026-12-24".into(),
                },
            ],
            None,
        )
        .expect("forged");
    let report = hq
        .import_bundle_bytes("forged", &forged, false)
        .expect("import");
    let kinds: Vec<&str> = report.refused.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["acknowledgement", "requirement"], "{report:?}");
    assert!(
        report.refused[0]
            .reason
            .contains("not required of tam@Post B"),
        "{report:?}"
    );
    assert!(
        report.refused[1].reason.contains("administrator at HQ"),
        "{report:?}"
    );
}

#[test]
fn a_vote_held_back_behind_a_lost_bundle_is_known_to_be_in_transit() {
    let mut hq = replica("HQ", true);
    let root = admin(&hq);
    let mut a = enrolled(&mut hq, "Post A");
    let mut b = enrolled(&mut hq, "Chiang Khong");
    let lek = officer(&mut a, "lek");
    officer(&mut hq, "s1");
    officer(&mut b, "dao");
    let article = a
        .add_article(
            &lek,
            new_article(content("Seal checks", "clearance", "Check it."), false),
        )
        .expect("draft")
        .to_string();
    for who in [person(&hq, "s1"), person(&b, "dao")] {
        hq.grant_role(&root, &who, Role::Evaluator, Some("clearance"))
            .expect("grant");
    }
    send(&b, &mut hq);
    a.submit(&lek, &article, "").expect("submit");
    send(&a, &mut hq);
    hq.review_approve(&user(&hq, "s1"), &article, None, "")
        .expect("step 1");
    send(&hq, &mut b);
    // Chiang Khong flags something, then votes; the bundle with the flag is lost.
    let dao = user(&b, "dao");
    b.flag(&dao, &article, "typo in step 2").expect("flag");
    b.review_approve(&dao, &article, None, "good")
        .expect("vote");
    let mut ops = b.ops_missing_at(hq.node_id()).expect("ops");
    let vote = ops.pop().expect("the vote");
    assert!(matches!(
        vote.op.payload,
        Payload::Evaluated {
            verdict: Verdict::Approve { .. },
            ..
        }
    ));
    let only_vote = b.write_bundle(hq.node_id(), &[vote]).expect("bundle");
    let report = hq
        .import_bundle_bytes("late", &only_vote, false)
        .expect("import");
    assert_eq!(report.held_back, 1, "{report:?}");
    let view = hq.evaluation(&article).expect("view");
    assert_eq!((view.approvals, view.required), (0, 3));
    assert_eq!(view.in_transit.len(), 1, "{view:?}");
    assert_eq!(
        (
            view.in_transit[0].office.as_str(),
            view.in_transit[0].votes,
            view.in_transit[0].ops
        ),
        ("Chiang Khong", 1, 1)
    );
    assert_eq!(
        outpost::core::describe_in_transit(&view.in_transit),
        "1 vote known to be in transit from Chiang Khong; 1 op from Chiang Khong known to exist and not yet here"
    );
    // The lost bundle comes again: nothing is in transit, the vote counts.
    send(&b, &mut hq);
    let view = hq.evaluation(&article).expect("view");
    assert_eq!(view.approvals, 1);
    assert!(view.in_transit.is_empty(), "{view:?}");
}
