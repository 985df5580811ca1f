//! Statistics through the library: articles by category, office, status and month, counted
//! only where the reader may see them; contributions; evaluation throughput and step times;
//! communities. And the HTML report: one page, charts as inline SVG, nothing fetched.

use std::sync::Arc;

use outpost::Replica;
use outpost::core::{FixedClock, StatsFilter};
use outpost::model::{Author, Classification, Role, User};

use crate::common::{T0, admin, content, new_article, replica};
use crate::sync_flow::{enrolled, send};

const DAY: u64 = 86_400_000;

fn officer(r: &mut Replica, name: &str) -> User {
    let root = admin(r);
    r.add_user(&root, name, Role::Officer, None)
        .expect("an officer account")
}

fn map(pairs: &[(&str, u64)]) -> std::collections::BTreeMap<String, u64> {
    pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

#[test]
fn articles_are_counted_by_category_office_status_and_month_where_the_reader_may_see_them() {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let lek = officer(&mut a, "lek");
    let root = admin(&hq);
    hq.add_article(
        &root,
        new_article(content("Seals", "clearance/container-seals", "b"), true),
    )
    .expect("published");
    let mut secret = content("Routes", "enforcement", "b");
    secret.classification = Classification::Restricted;
    hq.add_article(&root, new_article(secret, true))
        .expect("restricted");
    // A month later, lek's draft at post A.
    a.set_clock(Arc::new(FixedClock::new(T0 + 31 * DAY)));
    a.add_article(&lek, new_article(content("Logs", "commodity", "b"), false))
        .expect("draft");
    send(&a, &mut hq);

    let guest = hq
        .add_user(&root, "guest", Role::Officer, Some(Classification::Public))
        .expect("guest");
    let seen = hq
        .stats(&StatsFilter::default(), Some(&guest))
        .expect("stats");
    assert_eq!(
        seen.articles.total, 1,
        "neither the restricted nor lek's draft"
    );
    assert_eq!(seen.articles.by_category, map(&[("clearance", 1)]));
    assert_eq!(seen.articles.by_status, map(&[("published", 1)]));

    let cleared = hq
        .stats(&StatsFilter::default(), Some(&root))
        .expect("stats");
    assert_eq!(cleared.articles.total, 2);
    assert_eq!(cleared.articles.by_office, map(&[("HQ", 2)]));
    let at_a = a.stats(&StatsFilter::default(), Some(&lek)).expect("stats");
    assert_eq!(
        at_a.articles.by_status,
        map(&[("draft", 1)]),
        "lek sees only their own draft here: A has not heard from HQ"
    );
    send(&hq, &mut a);
    let at_a = a.stats(&StatsFilter::default(), Some(&lek)).expect("stats");
    // An officer is not cleared for the restricted article.
    assert_eq!(
        at_a.articles.by_month,
        map(&[("2026-11", 1), ("2026-12", 1)])
    );
    assert_eq!(at_a.articles.by_office, map(&[("HQ", 1), ("Post A", 1)]));

    let since = StatsFilter {
        since_millis: Some(T0 + DAY),
    };
    let recent = a.stats(&since, Some(&lek)).expect("stats");
    assert_eq!(recent.articles.total, 1);
    assert_eq!(
        recent.contributions.by_person,
        map(&[]),
        "no contribution since"
    );
    let all = a.stats(&StatsFilter::default(), Some(&lek)).expect("stats");
    assert_eq!(all.contributions.by_person, map(&[("admin@HQ", 2)]));
    assert_eq!(all.contributions.by_kind, map(&[("article-published", 2)]));
    assert_eq!(all.questions.asked, 0);
    assert_eq!(all.questions.median_hours_to_answer, None);
}

#[test]
fn evaluation_throughput_and_the_days_each_step_took_come_from_the_votes_clocks() {
    let mut hq = replica("HQ", true);
    let lek = officer(&mut hq, "lek");
    let root = admin(&hq);
    for name in ["s1", "e1", "e2", "e3"] {
        officer(&mut hq, name);
        let who = Author {
            node: hq.node_id(),
            name: name.into(),
        };
        hq.grant_role(&root, &who, Role::Evaluator, Some("clearance"))
            .expect("grant");
    }
    let id = hq
        .add_article(&lek, new_article(content("Seals", "clearance", "b"), false))
        .expect("draft")
        .to_string();
    hq.submit(&lek, &id, "").expect("submitted");
    let vote_on = |hq: &mut Replica, day: u64, who: &str| {
        hq.set_clock(Arc::new(FixedClock::new(T0 + day * DAY)));
        let u = hq.resolve_user(Some(who)).expect("evaluator");
        hq.review_approve(&u, &id, None, "").expect("vote");
    };
    vote_on(&mut hq, 2, "s1");
    vote_on(&mut hq, 3, "e1");
    vote_on(&mut hq, 5, "e2");
    vote_on(&mut hq, 6, "e3");
    let e = hq
        .stats(&StatsFilter::default(), Some(&root))
        .expect("stats")
        .evaluation;
    assert_eq!(
        (e.submissions, e.votes, e.published, e.waiting),
        (1, 4, 1, 0)
    );
    assert_eq!(e.median_days_step1, Some(2.0));
    assert_eq!(e.median_days_step2, Some(4.0));
    let mileage = hq
        .mileage(&outpost::core::MileageFilter::default())
        .expect("mileage");
    let lek_points = mileage
        .people
        .iter()
        .find(|s| s.name == "lek@HQ")
        .map(|s| s.points);
    assert_eq!(lek_points, Some(10), "the author of a published article");
    assert_eq!(
        mileage.people.iter().filter(|s| s.points == 3).count(),
        4,
        "each vote"
    );
}

#[test]
fn the_html_report_is_one_page_with_inline_charts_and_nothing_to_fetch() {
    let mut hq = replica("HQ", true);
    let root = admin(&hq);
    hq.add_article(
        &root,
        new_article(content("<Seals>", "clearance", "b"), true),
    )
    .expect("published");
    hq.cop_create(&root, "Seals & locks", "", None)
        .expect("cop");
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("report.html");
    let stats = hq
        .write_stats_html(&StatsFilter::default(), Some(&root), &path)
        .expect("written");
    let html = std::fs::read_to_string(&path).expect("read");
    assert_eq!(stats.communities.communities, 1);
    assert!(html.contains("<svg"), "charts are inline SVG");
    assert!(html.contains("Seals &amp; locks"), "escaped");
    assert!(!html.contains("<script"), "no script");
    // The only address is the SVG namespace, which names and fetches nothing.
    let addresses = html.matches("http://").count() + html.matches("https://").count();
    assert_eq!(
        addresses,
        html.matches("http://www.w3.org/2000/svg").count(),
        "nothing fetched"
    );
}
