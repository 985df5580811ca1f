//! Mileage through the library: points from publications, evaluation votes and community
//! outcomes, times the rules in force; HQ's rules reach every node; a post's are refused; the
//! same ops give the same table everywhere.

use outpost::Replica;
use outpost::core::MileageFilter;
use outpost::model::{Author, Classification, Role, User};

use crate::common::{admin, content, new_article, replica};
use crate::sync_flow::{enrolled, send};

fn officer(r: &mut Replica, name: &str) -> User {
    let root = admin(r);
    r.add_user(&root, name, Role::Officer, None)
        .expect("an officer account")
}

/// (name, points) rows of a leaderboard.
type Points = Vec<(String, u64)>;

/// (name, points) of the people, then of the offices.
fn table(r: &Replica, filter: &MileageFilter) -> (Points, Points) {
    let board = r.mileage(filter).expect("mileage");
    let pairs = |s: &[outpost::core::Standing]| {
        s.iter()
            .map(|s| (s.name.clone(), s.points))
            .collect::<Vec<_>>()
    };
    (pairs(&board.people), pairs(&board.offices))
}

fn pairs(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(n, p)| (n.to_string(), *p)).collect()
}

#[test]
fn publications_votes_and_outcomes_earn_the_shipped_points_and_every_node_agrees() {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let lek = officer(&mut a, "lek");
    let nok = officer(&mut a, "nok");
    let root = admin(&hq);
    // Two publications by HQ's admin, a draft (no points) by lek.
    for title in ["Seals", "Logs"] {
        hq.add_article(&root, new_article(content(title, "clearance", "b"), true))
            .expect("published");
    }
    a.add_article(&lek, new_article(content("Draft", "clearance", "b"), false))
        .expect("draft");
    a.cop_create(&lek, "Seals", "", None).expect("founded");
    a.cop_outcome(&lek, "Seals", "Checklist", "2026-11-02", &[])
        .expect("outcome");
    a.cop_join(&nok, "Seals").expect("joined");
    send(&a, &mut hq);
    send(&hq, &mut a);

    let expected = (
        pairs(&[("admin@HQ", 20), ("lek@Post A", 5)]),
        pairs(&[("HQ", 20), ("Post A", 5)]),
    );
    assert_eq!(table(&hq, &MileageFilter::default()), expected);
    assert_eq!(table(&a, &MileageFilter::default()), expected);
    let only_a = MileageFilter {
        office: Some("post a".into()),
        since_millis: None,
    };
    assert_eq!(
        table(&hq, &only_a),
        (pairs(&[("lek@Post A", 5)]), pairs(&[("Post A", 5)]))
    );
    let later = MileageFilter {
        office: None,
        since_millis: Some(crate::common::T0 + 86_400_000),
    };
    assert_eq!(table(&hq, &later), (vec![], vec![]));

    let history = hq
        .mileage_history(
            &Author {
                node: a.node_id(),
                name: "lek".into(),
            },
            None,
            None,
        )
        .expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].kind, history[0].points), ("cop-outcome", 5));
    assert!(
        history[0].source.contains('#'),
        "the op behind it: {}",
        history[0].source
    );
}

#[test]
fn hqs_rules_change_every_contribution_alike_at_every_node_and_a_posts_are_refused() {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let root = admin(&hq);
    hq.add_article(&root, new_article(content("Seals", "clearance", "b"), true))
        .expect("published");
    let rules = hq
        .set_mileage_rules(&root, "[points]\narticle-published = 4\n")
        .expect("HQ sets the rules");
    assert_eq!(rules.points.len(), 9, "the others keep the shipped numbers");
    send(&hq, &mut a);
    for node in [&hq, &a] {
        assert_eq!(
            table(node, &MileageFilter::default()).0,
            pairs(&[("admin@HQ", 4)])
        );
    }
    let post_admin = admin(&a);
    let before = a.log_len().expect("log");
    let err = a
        .set_mileage_rules(&post_admin, "[points]\narticle-published = 99\n")
        .expect_err("a post does not set the rules");
    assert!(err.to_string().contains("administrator at HQ"), "{err}");
    let err = hq
        .set_mileage_rules(&root, "[points]\nbogus = 1\n")
        .expect_err("unknown names are refused");
    assert!(err.to_string().contains("bogus"), "{err}");
    let err = hq
        .set_mileage_rules(&root, "[points\n")
        .expect_err("broken TOML is refused");
    assert!(err.to_string().contains("not valid"), "{err}");
    assert_eq!(a.log_len().expect("log"), before, "nothing is written");
}

#[test]
fn a_history_does_not_name_an_article_its_reader_may_not_see() {
    let mut hq = replica("HQ", true);
    let root = admin(&hq);
    let mut secret = content("Informant routes", "clearance", "b");
    secret.classification = Classification::Restricted;
    let id = hq
        .add_article(&root, new_article(secret, true))
        .expect("published")
        .to_string();
    let guest = hq
        .add_user(&root, "guest", Role::Officer, Some(Classification::Public))
        .expect("guest");
    let me = hq.author(&root);
    let seen = hq
        .mileage_history(&me, None, Some(&guest))
        .expect("history");
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].points, 10,
        "the points count wherever they come from"
    );
    assert!(seen[0].article.is_none() && !seen[0].source.contains(&id));
    let own = hq.mileage_history(&me, None, Some(&root)).expect("history");
    assert_eq!(own[0].article.as_deref(), Some(id.as_str()));
}
