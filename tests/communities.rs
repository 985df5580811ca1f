//! Communities of practice through the library: founded at one post, joined from another,
//! outcomes recorded with their articles; every rule refused in the core, for local and
//! imported ops alike; two posts founding one name converge on the earlier.

use std::sync::Arc;

use outpost::Replica;
use outpost::core::FixedClock;
use outpost::model::{Classification, Payload, Role, User};

use crate::common::{T0, admin, content, new_article, replica};
use crate::sync_flow::{enrolled, send};

fn officer(r: &mut Replica, name: &str) -> User {
    let root = admin(r);
    r.add_user(&root, name, Role::Officer, None)
        .expect("an officer account")
}

fn refused(r: &mut Replica, act: impl FnOnce(&mut Replica) -> outpost::Result<()>) -> String {
    let before = r.log_len().expect("log");
    let err = act(r).expect_err("refused");
    assert_eq!(r.log_len().expect("log"), before, "nothing is written");
    err.to_string()
}

#[test]
fn a_community_founded_at_one_post_is_joined_from_another_and_records_an_outcome() {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let mut b = enrolled(&mut hq, "Post B");
    let lek = officer(&mut a, "lek");
    let dao = officer(&mut b, "dao");
    a.cop_create(
        &lek,
        "Timber inspection",
        "Logs and sawn wood",
        Some("commodity"),
    )
    .expect("founded");
    send(&a, &mut hq);
    send(&hq, &mut b);
    // Any case finds it.
    b.cop_join(&dao, "timber INSPECTION").expect("joined");
    let root = admin(&hq);
    let id = hq
        .add_article(
            &root,
            new_article(
                content("Teak grading", "commodity", "Count the rings."),
                true,
            ),
        )
        .expect("article")
        .to_string();
    send(&hq, &mut b);
    b.cop_outcome(
        &dao,
        "Timber inspection",
        "Grading guide",
        "2026-11-20",
        std::slice::from_ref(&id),
    )
    .expect("outcome");
    send(&b, &mut hq);
    send(&hq, &mut a);

    for node in [&a, &b, &hq] {
        let view = node.community("timber inspection", None).expect("view");
        assert_eq!(view.name, "Timber inspection");
        assert_eq!(view.members, ["dao@Post B", "lek@Post A"]);
        assert_eq!(view.founded_by, "lek@Post A");
        assert_eq!(view.outcomes.len(), 1);
        assert_eq!(view.outcomes[0].by, "dao@Post B");
        assert_eq!(
            view.outcomes[0].articles,
            [(id.clone(), "Teak grading".to_string())]
        );
    }
    let list = a.communities().expect("list");
    assert_eq!((list.len(), list[0].members, list[0].outcomes), (1, 2, 1));
    assert_eq!(a.state_hash().expect("hash"), b.state_hash().expect("hash"));

    b.cop_leave(&dao, "Timber inspection").expect("left");
    assert_eq!(
        b.community("Timber inspection", None)
            .expect("view")
            .members,
        ["lek@Post A"]
    );
}

#[test]
fn joining_twice_leaving_when_not_a_member_an_outsiders_outcome_and_a_taken_name_are_refused() {
    let mut hq = replica("HQ", true);
    let lek = officer(&mut hq, "lek");
    let nok = officer(&mut hq, "nok");
    hq.cop_create(&lek, "Seals", "", None).expect("founded");

    let err = refused(&mut hq, |r| r.cop_join(&lek, "Seals"));
    assert!(err.contains("already a member"), "{err}");
    let err = refused(&mut hq, |r| r.cop_leave(&nok, "Seals"));
    assert!(err.contains("not a member"), "{err}");
    let err = refused(&mut hq, |r| {
        r.cop_outcome(&nok, "Seals", "A checklist", "2026-11-02", &[])
    });
    assert!(err.contains("only members"), "{err}");
    let err = refused(&mut hq, |r| r.cop_create(&nok, " seals ", "again", None));
    assert!(err.contains("already exists"), "{err}");
    let err = refused(&mut hq, |r| r.cop_join(&nok, "Sealz"));
    assert!(err.contains("no community"), "{err}");
    let err = refused(&mut hq, |r| {
        r.cop_outcome(&lek, "Seals", "A checklist", "2026-02-30", &[])
    });
    assert!(err.contains("not a date"), "{err}");
    let err = refused(&mut hq, |r| {
        r.cop_outcome(
            &lek,
            "Seals",
            "A checklist",
            "2026-11-02",
            &["no-such-article".into()],
        )
    });
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn an_outcome_linking_a_restricted_article_does_not_name_it_to_a_reader_without_clearance() {
    let mut hq = replica("HQ", true);
    let root = admin(&hq);
    let mut secret = content("Informant routes", "commodity", "…");
    secret.classification = Classification::Restricted;
    let id = hq
        .add_article(&root, new_article(secret, true))
        .expect("article")
        .to_string();
    hq.cop_create(&root, "Smuggling", "", None)
        .expect("founded");
    hq.cop_outcome(&root, "Smuggling", "Routes mapped", "2026-11-02", &[id])
        .expect("outcome");
    let public = hq
        .add_user(&root, "guest", Role::Officer, Some(Classification::Public))
        .expect("guest");
    let seen = hq.community("Smuggling", Some(&public)).expect("view");
    assert!(seen.outcomes[0].articles.is_empty());
    assert_eq!(seen.outcomes[0].hidden_articles, 1);
    let cleared = hq.community("Smuggling", Some(&root)).expect("view");
    assert_eq!(cleared.outcomes[0].articles.len(), 1);
}

#[test]
fn imported_ops_breaking_the_rules_are_refused_and_listed() {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    officer(&mut a, "lek");
    send(&a, &mut hq);
    // Post A's laptop signs what its own commands would refuse.
    let forged = a
        .forge_bundle_for_tests(
            hq.node_id(),
            "lek",
            vec![
                Payload::CommunityCreated {
                    name: "Valuation".into(),
                    description: String::new(),
                    category: None,
                },
                Payload::CommunityLeft {
                    name: "Valuation".into(),
                },
                Payload::CommunityJoined {
                    name: "Valuation".into(),
                },
                Payload::CommunityJoined {
                    name: "valuation".into(),
                },
                Payload::MileageRulesSet {
                    toml: "[points]\narticle-published = 1000\n".into(),
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
        ["community-leave", "community-join", "mileage-rules"],
        "{report:?}"
    );
    assert!(report.refused[0].reason.contains("not a member"));
    assert!(report.refused[1].reason.contains("already a member"));
    assert!(report.refused[2].reason.contains("administrator at HQ"));
    assert_eq!(
        hq.community("Valuation", None).expect("view").members,
        ["lek@Post A"]
    );
}

#[test]
fn two_posts_founding_one_name_converge_on_the_earlier_and_refuse_the_later_at_both() {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let mut b = enrolled(&mut hq, "Post B");
    let lek = officer(&mut a, "lek");
    let dao = officer(&mut b, "dao");
    send(&a, &mut hq);
    send(&b, &mut hq);
    send(&hq, &mut a);
    send(&hq, &mut b);
    // B founds it first by the clock; A, not knowing, founds one of the same name later.
    b.set_clock(Arc::new(FixedClock::new(T0 + 60_000)));
    a.set_clock(Arc::new(FixedClock::new(T0 + 120_000)));
    b.cop_create(&dao, "Origin rules", "from B", None)
        .expect("B founds");
    a.cop_create(&lek, "origin rules", "from A", None)
        .expect("A founds");
    // HQ hears A first, then B; A hears B directly.
    send(&a, &mut hq);
    send(&b, &mut hq);
    send(&b, &mut a);
    send(&a, &mut b);
    for node in [&hq, &a, &b] {
        let view = node.community("Origin rules", None).expect("view");
        assert_eq!(
            (view.description.as_str(), view.founded_by.as_str()),
            ("from B", "dao@Post B")
        );
        // Each founder's own join stands: membership is by name.
        assert_eq!(view.members.len(), 2);
        let refused: Vec<String> = node
            .refused_ops()
            .expect("refused")
            .into_iter()
            .map(|(_, _, r)| r.kind)
            .collect();
        assert_eq!(refused, ["community"], "{}", view.founded_by);
    }
    assert_eq!(
        hq.state_hash().expect("hash"),
        a.state_hash().expect("hash")
    );
    assert_eq!(a.state_hash().expect("hash"), b.state_hash().expect("hash"));
}
