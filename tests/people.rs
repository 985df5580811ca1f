//! People across the network (issue: accounts, roles, clearance): who may grant what, how
//! grants and revocations travel, and that every node reaches the same verdict whatever order
//! the bundles arrive in.

use outpost::Replica;
use outpost::model::{Author, Classification, Payload, Role, UserChange};

use crate::common::{admin, content, new_article, replica};
use crate::sync_flow::{enrolled, send};

fn hash(r: &Replica) -> String {
    r.state_hash().expect("hash").to_string()
}

fn person(r: &Replica, name: &str) -> Author {
    Author {
        node: r.node_id(),
        name: name.into(),
    }
}

#[test]
fn an_hq_grant_travels_and_holds_at_every_node() {
    let mut hq = replica("HQ", true);
    let mut post = enrolled(&mut hq, "Chiang Khong");
    let post_admin = admin(&post);
    post.add_user(&post_admin, "lek", Role::Officer, None)
        .expect("a post's admin creates officers");
    send(&post, &mut hq);
    let lek = person(&post, "lek");
    hq.grant_role(&admin(&hq), &lek, Role::Evaluator, Some("clearance"))
        .expect("HQ grants");
    send(&hq, &mut post);
    for node in [&hq, &post] {
        assert!(
            node.has_role(&lek, Role::Evaluator, "clearance/container-seals")
                .expect("role")
        );
        assert!(!node.has_role(&lek, Role::Evaluator, "audit").expect("role"));
        assert!(
            !node
                .has_role(&lek, Role::Expert, "clearance")
                .expect("role")
        );
    }
    assert_eq!(hq.person_name(&lek), "lek@Chiang Khong");
    assert_eq!(post.grants().expect("grants")[0].user, "lek@Chiang Khong");
    assert_eq!(hash(&hq), hash(&post));

    hq.revoke_role(&admin(&hq), &lek, Role::Evaluator, Some("clearance"))
        .expect("HQ revokes");
    send(&hq, &mut post);
    assert!(
        !post
            .has_role(&lek, Role::Evaluator, "clearance")
            .expect("role")
    );
    assert_eq!(hash(&hq), hash(&post));
}

#[test]
fn a_posts_admin_cannot_grant_evaluator_rights_and_nothing_changes() {
    let mut hq = replica("HQ", true);
    let mut post = enrolled(&mut hq, "Chiang Khong");
    let post_admin = admin(&post);
    let before = post.log_len().expect("log");
    let lek = person(&post, "admin");
    let err = post
        .grant_role(&post_admin, &lek, Role::Evaluator, None)
        .expect_err("refused");
    assert!(
        err.to_string()
            .contains("granted by an administrator at HQ"),
        "{err}"
    );
    let err = post
        .add_user(&post_admin, "nok", Role::Evaluator, None)
        .expect_err("refused");
    assert!(
        err.to_string()
            .contains("outpost role grant nok@Chiang Khong evaluator"),
        "{err}"
    );
    assert_eq!(post.log_len().expect("log"), before);
    assert!(post.grants().expect("grants").is_empty());
}

#[test]
fn a_grant_forged_by_a_post_is_refused_at_hq_and_listed() {
    let mut hq = replica("HQ", true);
    let post = enrolled(&mut hq, "Chiang Khong");
    let forged = post
        .forge_bundle_for_tests(
            hq.node_id(),
            "admin",
            vec![Payload::RoleGranted {
                user: person(&post, "admin"),
                role: Role::Evaluator,
                category: None,
            }],
            None,
        )
        .expect("forged");
    let report = hq
        .import_bundle_bytes("forged", &forged, false)
        .expect("the bundle itself is well signed");
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert_eq!(report.refused[0].kind, "role-grant");
    assert!(
        report.refused[0].reason.contains("administrator at HQ"),
        "{report:?}"
    );
    assert!(hq.grants().expect("grants").is_empty());
}

#[test]
fn officers_and_disabled_accounts_cannot_act_as_administrators() {
    let mut hq = replica("HQ", true);
    let root = admin(&hq);
    let somchai = hq
        .add_user(
            &root,
            "somchai",
            Role::Officer,
            Some(Classification::Public),
        )
        .expect("add");
    assert_eq!(somchai.clearance, Classification::Public);
    let err = hq
        .add_user(&somchai, "x", Role::Officer, None)
        .expect_err("an officer cannot add accounts");
    assert!(err.to_string().contains("not an administrator"), "{err}");
    let err = hq
        .change_user(&somchai, "admin", UserChange::Disabled)
        .expect_err("an officer cannot disable");
    assert!(err.to_string().contains("not an administrator"), "{err}");
    let err = hq
        .change_user(&root, "admin", UserChange::Disabled)
        .expect_err("the last administrator stays");
    assert!(err.to_string().contains("last administrator"), "{err}");

    hq.change_user(&root, "somchai", UserChange::Disabled)
        .expect("disable");
    let disabled = hq.resolve_user(Some("somchai")).expect("still listed");
    assert!(disabled.disabled);
    let before = hq.log_len().expect("log");
    let err = hq
        .add_article(&disabled, new_article(content("T", "audit", "b"), false))
        .expect_err("a disabled account cannot write");
    assert!(err.to_string().contains("disabled"), "{err}");
    assert_eq!(hq.log_len().expect("log"), before);
    let err = hq
        .change_user(
            &root,
            "somchai",
            UserChange::Clearance(Classification::Restricted),
        )
        .map(|()| hq.resolve_user(Some("somchai")).expect("user").clearance);
    assert_eq!(
        err.expect("an admin may clear up to their own"),
        Classification::Restricted
    );
}

#[test]
fn ops_signed_by_a_revoked_key_are_refused_everywhere() {
    let mut hq = replica("HQ", true);
    let mut post = enrolled(&mut hq, "Chiang Khong");
    let officer = admin(&post);
    let before = post
        .add_article(
            &officer,
            new_article(content("Before", "audit", "b"), false),
        )
        .expect("add");
    send(&post, &mut hq);
    hq.revoke_node(&admin(&hq), "Chiang Khong").expect("revoke");
    let after = post
        .add_article(&officer, new_article(content("After", "audit", "b"), false))
        .expect("the lost laptop still writes locally");
    let report = send(&post, &mut hq);
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert!(
        report.refused[0].reason.contains("revoked the key"),
        "{report:?}"
    );
    assert!(hq.article(before.as_str()).is_ok());
    assert!(
        hq.article(after.as_str()).is_err(),
        "an op after the cut never applies"
    );
}

/// A post's ops beyond the cut reach another post before HQ's revocation does: when the
/// revocation arrives, that post replays its log and reaches HQ's verdicts.
#[test]
fn a_late_revocation_is_replayed_and_every_node_agrees() {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Chiang Khong");
    let mut b = enrolled(&mut hq, "Mae Sai");
    send(&hq, &mut b);
    send(&a, &mut hq);
    send(&hq, &mut b);
    hq.revoke_node(&admin(&hq), "Chiang Khong").expect("revoke");
    let officer = admin(&a);
    let late = a
        .add_article(&officer, new_article(content("Late", "audit", "b"), false))
        .expect("add");
    // A's op reaches B first: B knows nothing of the revocation yet and applies it.
    send(&a, &mut b);
    assert!(b.article(late.as_str()).is_ok());
    // HQ's revocation arrives: B replays and the op no longer has any effect.
    send(&hq, &mut b);
    assert!(b.article(late.as_str()).is_err());
    send(&a, &mut hq);
    send(&b, &mut hq);
    send(&hq, &mut b);
    assert_eq!(hash(&hq), hash(&b));
    assert!(hq.article(late.as_str()).is_err());
    assert!(b.check().expect("check").problems.is_empty());
}
