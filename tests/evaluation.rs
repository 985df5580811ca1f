//! Two-step evaluation through the library: a submission from a post, step 1 at HQ, step-2
//! votes at three nodes delivered out of order, a return, a resubmission, publication
//! everywhere; and every rule refused alike wherever the op is judged.

use outpost::Replica;
use std::sync::Arc;

use outpost::core::{ArticlePatch, FixedClock};
use outpost::model::{Author, Payload, Role, Status, User, Verdict};
use outpost::search::SearchRequest;

use crate::common::{T0, admin, content, new_article, replica};
use crate::sync_flow::{enrolled, send};

const STEP2: &str = "evaluation.step2-approvals";

fn hash(r: &Replica) -> String {
    r.state_hash().expect("hash").to_string()
}

fn officer(r: &mut Replica, name: &str) -> User {
    let root = admin(r);
    r.add_user(&root, name, Role::Officer, None)
        .expect("an officer account")
}

fn person(r: &Replica, name: &str) -> Author {
    Author {
        node: r.node_id(),
        name: name.into(),
    }
}

fn grant(hq: &mut Replica, who: &Author, category: &str) {
    let root = admin(hq);
    hq.grant_role(&root, who, Role::Evaluator, Some(category))
        .expect("HQ grants");
}

fn published_titles(r: &Replica, word: &str) -> Vec<String> {
    r.search(&SearchRequest {
        text: word.into(),
        limit: 10,
        status: Some(Status::Published),
        ..Default::default()
    })
    .expect("search")
    .into_iter()
    .map(|h| h.id)
    .collect()
}

/// HQ, post A with the author `lek` and the evaluator `nok`, post B with the evaluator `dao`;
/// HQ's `s1` and `e1` evaluate "clearance". Returns the article `lek` wrote.
struct Net {
    hq: Replica,
    a: Replica,
    b: Replica,
    id: String,
}

fn network() -> Net {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let mut b = enrolled(&mut hq, "Post B");
    let lek = officer(&mut a, "lek");
    officer(&mut a, "nok");
    officer(&mut b, "dao");
    officer(&mut hq, "s1");
    officer(&mut hq, "e1");
    let id = a
        .add_article(
            &lek,
            new_article(
                content(
                    "Container seal checks",
                    "clearance",
                    "Check the seal number.",
                ),
                false,
            ),
        )
        .expect("draft")
        .to_string();
    for who in [
        person(&hq, "s1"),
        person(&hq, "e1"),
        person(&a, "nok"),
        person(&b, "dao"),
    ] {
        grant(&mut hq, &who, "clearance");
    }
    send(&a, &mut hq);
    send(&b, &mut hq);
    send(&hq, &mut a);
    send(&hq, &mut b);
    Net { hq, a, b, id }
}

fn user(r: &Replica, name: &str) -> User {
    r.resolve_user(Some(name)).expect("account")
}

#[test]
fn a_submission_from_a_post_is_evaluated_at_three_nodes_returned_revised_and_published_everywhere()
{
    let Net {
        mut hq,
        mut a,
        mut b,
        id,
    } = network();
    a.submit(&user(&a, "lek"), &id, "ready for review")
        .expect("the author submits");
    assert_eq!(a.evaluation(&id).expect("view").state, "step-1");
    send(&a, &mut hq);

    // Step 1 at HQ.
    let s1 = user(&hq, "s1");
    let queue = hq.review_queue(&s1).expect("queue");
    assert_eq!(queue.len(), 1, "{queue:?}");
    assert_eq!(
        (queue[0].step, queue[0].submitted_by.as_str()),
        (1, "lek@Post A")
    );
    hq.review_approve(&s1, &id, None, "right place")
        .expect("step 1");
    assert!(hq.review_queue(&s1).expect("queue").is_empty());
    send(&hq, &mut a);
    send(&hq, &mut b);

    // Step 2, first round: HQ approves, post B returns; B's return reaches HQ first.
    let e1 = user(&hq, "e1");
    assert_eq!(hq.review_queue(&e1).expect("queue").len(), 1);
    hq.review_approve(&e1, &id, None, "good").expect("vote");
    b.review_return(&user(&b, "dao"), &id, "name the seal types")
        .expect("vote");
    send(&b, &mut hq);
    send(&b, &mut a);
    send(&hq, &mut a);
    let view = a.evaluation(&id).expect("view");
    assert_eq!(view.state, "returned");
    assert_eq!(view.comments, ["dao@Post B: name the seal types"]);

    // The author revises and resubmits: step 2 starts again, step 1 stands.
    let lek = user(&a, "lek");
    a.edit_article(
        &lek,
        &id,
        ArticlePatch {
            body: Some("Check the seal number and its type: bolt or cable.".into()),
            ..Default::default()
        },
    )
    .expect("revised");
    a.submit(&lek, &id, "seal types named").expect("resubmits");
    let view = a.evaluation(&id).expect("view");
    assert_eq!(
        (view.state.as_str(), view.approvals, view.required),
        ("step-2", 0, 3)
    );
    send(&a, &mut hq);
    send(&a, &mut b);

    // Round two: HQ, then A, then B vote, none knowing the others' votes; B's bundle reaches
    // HQ before A's, so HQ holds the third approval before the second.
    hq.review_approve(&e1, &id, None, "good").expect("vote");
    a.review_approve(&user(&a, "nok"), &id, None, "clear")
        .expect("vote");
    b.review_approve(&user(&b, "dao"), &id, None, "better")
        .expect("vote");
    assert_eq!(b.evaluation(&id).expect("view").approvals, 1);
    send(&b, &mut hq);
    let view = hq.evaluation(&id).expect("view");
    assert_eq!((view.state.as_str(), view.approvals), ("step-2", 2));
    send(&a, &mut hq);
    send(&hq, &mut a);
    send(&b, &mut a);
    send(&hq, &mut b);

    for node in [&hq, &a, &b] {
        let record = node.article(&id).expect("article").record;
        assert_eq!(record.status, Status::Published);
        assert!(record.content.body.contains("bolt or cable"));
        let view = node.evaluation(&id).expect("view");
        assert_eq!(view.state, "published");
        assert_eq!((view.approvals, view.required), (3, 3));
        let mut by = view.published_by.clone();
        by.sort();
        assert_eq!(by, ["dao@Post B", "e1@HQ", "nok@Post A"], "{view:?}");
        let step2_approvals = view
            .votes
            .iter()
            .filter(|v| v.action == "approve" && v.step == 2)
            .count();
        assert_eq!(
            step2_approvals, 4,
            "the first round's approval is kept in history; only the second round's publish"
        );
        assert_eq!(published_titles(node, "seal"), [id.as_str()]);
    }
    assert_eq!(hash(&hq), hash(&a));
    assert_eq!(hash(&hq), hash(&b));
}

fn in_step2(net: &mut Net) {
    let lek = user(&net.a, "lek");
    net.a.submit(&lek, &net.id, "").expect("submits");
    send(&net.a, &mut net.hq);
    let s1 = user(&net.hq, "s1");
    net.hq
        .review_approve(&s1, &net.id, None, "")
        .expect("step 1");
}

fn refused(r: &mut Replica, vote: impl FnOnce(&mut Replica) -> outpost::Result<()>) -> String {
    let before = r.log_len().expect("log");
    let err = vote(r).expect_err("refused");
    assert_eq!(r.log_len().expect("log"), before, "nothing is written");
    err.to_string()
}

#[test]
fn own_work_a_second_vote_another_category_and_the_step_1_evaluator_in_step_2_are_refused() {
    let mut net = network();
    // `lek` is made an evaluator too: still not of their own work.
    let lek_person = person(&net.a, "lek");
    grant(&mut net.hq, &lek_person, "clearance");
    let outsider = person(&net.hq, "admin");
    grant(&mut net.hq, &outsider, "audit");
    send(&net.hq, &mut net.a);
    in_step2(&mut net);
    send(&net.hq, &mut net.a);

    let id = net.id.clone();
    let lek = user(&net.a, "lek");
    let err = refused(&mut net.a, |r| r.review_approve(&lek, &id, None, "mine"));
    assert!(err.contains("nobody evaluates their own work"), "{err}");

    let s1 = user(&net.hq, "s1");
    let err = refused(&mut net.hq, |r| r.review_approve(&s1, &id, None, "again"));
    assert!(err.contains("step-1 evaluator"), "{err}");

    let e1 = user(&net.hq, "e1");
    net.hq.review_approve(&e1, &id, None, "ok").expect("vote");
    let err = refused(&mut net.hq, |r| r.review_approve(&e1, &id, None, "twice"));
    assert!(err.contains("already voted"), "{err}");

    let root = admin(&net.hq);
    let err = refused(&mut net.hq, |r| {
        r.review_approve(&root, &id, None, "outside")
    });
    assert!(err.contains("not an evaluator of category"), "{err}");

    let view = net.hq.evaluation(&id).expect("view");
    assert_eq!((view.state.as_str(), view.approvals), ("step-2", 1));
}

#[test]
fn a_forged_vote_and_a_policy_from_a_post_are_refused_at_hq_and_listed() {
    let mut net = network();
    in_step2(&mut net);
    send(&net.hq, &mut net.a);
    let revision = net.a.article(&net.id).expect("article").record.heads[0];
    let article = outpost::model::ArticleId::parse(&net.id).expect("id");
    // The author's node signs a vote by the author: refused at HQ, whatever the order.
    let forged = net
        .a
        .forge_bundle_for_tests(
            net.hq.node_id(),
            "lek",
            vec![
                Payload::Evaluated {
                    article,
                    revision,
                    step: 2,
                    verdict: Verdict::Approve {
                        category: None,
                        comment: String::new(),
                    },
                },
                Payload::PolicySet {
                    key: STEP2.into(),
                    value: 1,
                    category: None,
                },
            ],
            None,
        )
        .expect("forged");
    let report = net
        .hq
        .import_bundle_bytes("forged", &forged, false)
        .expect("the bundle itself is well signed");
    let kinds: Vec<&str> = report.refused.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["vote", "policy"], "{report:?}");
    assert!(report.refused[0].reason.contains("own work"), "{report:?}");
    assert!(
        report.refused[1].reason.contains("administrator at HQ"),
        "{report:?}"
    );
    assert_eq!(net.hq.policy(STEP2, None).expect("policy"), 3);
    assert_eq!(net.hq.evaluation(&net.id).expect("view").approvals, 0);

    let post_admin = admin(&net.a);
    let err = refused(&mut net.a, |r| r.set_policy(&post_admin, STEP2, 1, None));
    assert!(err.contains("administrator at HQ"), "{err}");
}

#[test]
fn hqs_policy_per_category_sets_how_many_approvals_publish_even_when_it_arrives_late() {
    let mut net = network();
    in_step2(&mut net);
    send(&net.hq, &mut net.b);
    // B votes before it knows HQ's policy; one approval is not enough by default.
    net.b
        .review_approve(&user(&net.b, "dao"), &net.id, None, "fine")
        .expect("vote");
    assert_eq!(net.b.evaluation(&net.id).expect("view").state, "step-2");
    let root = admin(&net.hq);
    net.hq
        .set_policy(&root, STEP2, 1, Some("clearance"))
        .expect("HQ sets the policy");
    assert_eq!(net.hq.policy(STEP2, Some("clearance/x")).expect("p"), 1);
    assert_eq!(net.hq.policy(STEP2, Some("audit")).expect("p"), 3);
    send(&net.b, &mut net.hq);
    send(&net.hq, &mut net.b);
    for node in [&net.hq, &net.b] {
        assert_eq!(node.evaluation(&net.id).expect("view").state, "published");
        assert_eq!(
            node.article(&net.id).expect("article").record.status,
            Status::Published
        );
        assert_eq!(published_titles(node, "seal"), [net.id.as_str()]);
    }
    assert_eq!(hash(&net.hq), hash(&net.b));
}

#[test]
fn two_posts_casting_the_last_vote_at_once_publish_once_and_a_return_cast_first_wins_anywhere() {
    let mut net = network();
    let root = admin(&net.hq);
    net.hq
        .set_policy(&root, STEP2, 1, None)
        .expect("one step-2 approval publishes");
    in_step2(&mut net);
    send(&net.hq, &mut net.a);
    send(&net.hq, &mut net.b);
    net.a
        .review_approve(&user(&net.a, "nok"), &net.id, None, "yes")
        .expect("vote");
    net.b
        .review_approve(&user(&net.b, "dao"), &net.id, None, "yes too")
        .expect("vote");
    send(&net.a, &mut net.hq);
    send(&net.b, &mut net.hq);
    send(&net.hq, &mut net.a);
    send(&net.hq, &mut net.b);
    for node in [&net.hq, &net.a, &net.b] {
        let view = node.evaluation(&net.id).expect("view");
        assert_eq!(view.state, "published");
        let counted: Vec<bool> = view
            .votes
            .iter()
            .filter(|v| v.step == 2)
            .map(|v| v.counted)
            .collect();
        assert_eq!(counted, [true, false], "the second is kept, not counted");
    }
    assert_eq!(hash(&net.hq), hash(&net.a));
    assert_eq!(hash(&net.hq), hash(&net.b));

    // A new revision: `e1` at HQ returns it while post A's approval is in transit; the return
    // is stamped first, so A's approval does not count at any node, A's own included.
    let lek = user(&net.a, "lek");
    net.a
        .edit_article(
            &lek,
            &net.id,
            ArticlePatch {
                body: Some("A second version.".into()),
                ..Default::default()
            },
        )
        .expect("edit");
    net.a.submit(&lek, &net.id, "v2").expect("submit");
    send(&net.a, &mut net.hq);
    assert_eq!(
        net.hq.evaluation(&net.id).expect("view").state,
        "step-1",
        "after publication a new submission is a new evaluation"
    );
    net.hq
        .review_approve(&user(&net.hq, "s1"), &net.id, None, "")
        .expect("step 1");
    send(&net.hq, &mut net.b);
    net.hq
        .review_return(&user(&net.hq, "e1"), &net.id, "not yet")
        .expect("return");
    // B's clock is a minute ahead: its approval sorts after HQ's return.
    net.b.set_clock(Arc::new(FixedClock::new(T0 + 60_000)));
    net.b
        .review_approve(&user(&net.b, "dao"), &net.id, None, "fine")
        .expect("vote");
    assert_eq!(
        net.b.article(&net.id).expect("a").record.content.body,
        "A second version.\n",
        "B alone publishes the second version"
    );
    send(&net.hq, &mut net.b);
    send(&net.b, &mut net.hq);
    send(&net.hq, &mut net.a);
    for node in [&net.hq, &net.a, &net.b] {
        let view = node.evaluation(&net.id).expect("view");
        assert_eq!(view.state, "returned", "{view:?}");
        let record = node.article(&net.id).expect("a").record;
        assert!(
            record.content.body.contains("Check the seal number"),
            "readers keep the first published version"
        );
    }
    assert_eq!(hash(&net.hq), hash(&net.a));
    assert_eq!(hash(&net.hq), hash(&net.b));
}
