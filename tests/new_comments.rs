//! New comments for authors through the library: a comment by someone else on my article is
//! new until I open it, my own is not, a reply counts, one from another post counts when it
//! arrives, and an article above my clearance is never named.

use outpost::Replica;
use outpost::model::{Classification, Role, User};

use crate::common::{admin, content, new_article, replica};
use crate::sync_flow::{enrolled, send};

fn officer(r: &mut Replica, name: &str) -> User {
    let root = admin(r);
    r.add_user(&root, name, Role::Officer, None)
        .expect("an officer account")
}

/// Post A with `lek` and `nok`; `lek` wrote an article (a draft: publishing is HQ's): (node, lek, nok, article).
fn post() -> (Replica, User, User, String) {
    let mut a = replica("Post A", false);
    let lek = officer(&mut a, "lek");
    let nok = officer(&mut a, "nok");
    let id = a
        .add_article(
            &lek,
            new_article(
                content(
                    "Timber at Chiang Khong",
                    "clearance",
                    "Look at the end grain.",
                ),
                false,
            ),
        )
        .expect("article");
    (a, lek, nok, id.to_string())
}

fn texts(r: &Replica, user: &User) -> Vec<String> {
    r.new_comments(user)
        .expect("new comments")
        .into_iter()
        .map(|c| c.text)
        .collect()
}

#[test]
fn a_comment_by_someone_else_on_my_article_is_new_and_my_own_is_not() {
    let (mut a, lek, nok, id) = post();
    assert!(texts(&a, &lek).is_empty());
    a.comment(&lek, &id, None, "Photos to follow.")
        .expect("my comment");
    assert!(
        texts(&a, &lek).is_empty(),
        "my own comment is not new to me"
    );
    let c = a
        .comment(&nok, &id, None, "Which species?")
        .expect("comment");
    let new = a.new_comments(&lek).expect("new");
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].comment, c);
    assert_eq!(new[0].article, id);
    assert_eq!(new[0].title, "Timber at Chiang Khong");
    assert_eq!(new[0].by, "nok@Post A");
    assert_eq!(new[0].reply_to, None);
    // The commenter did not write the article: nothing is new to them.
    assert!(texts(&a, &nok).is_empty());
}

#[test]
fn a_reply_counts_and_the_newest_comes_first() {
    let (mut a, lek, nok, id) = post();
    let mine = a
        .comment(&lek, &id, None, "Photos to follow.")
        .expect("my comment");
    a.comment(&nok, &id, None, "Which species?")
        .expect("comment");
    a.comment(&nok, &id, Some(&mine), "Please add the invoice too.")
        .expect("reply");
    assert_eq!(
        texts(&a, &lek),
        ["Please add the invoice too.", "Which species?"]
    );
    let new = a.new_comments(&lek).expect("new");
    assert_eq!(new[0].reply_to.as_deref(), Some(mine.as_str()));
}

#[test]
fn marking_an_article_seen_clears_its_comments_only_and_listing_writes_nothing() {
    let (mut a, lek, nok, id) = post();
    let other = a
        .add_article(
            &lek,
            new_article(content("Used cars", "clearance", "Check the VIN."), false),
        )
        .expect("article")
        .to_string();
    a.comment(&nok, &id, None, "Which species?")
        .expect("comment");
    a.comment(&nok, &other, None, "Which year?")
        .expect("comment");
    let log = a.log_len().expect("log");
    assert_eq!(texts(&a, &lek).len(), 2);
    assert_eq!(a.log_len().expect("log"), log, "listing writes no op");

    assert_eq!(a.mark_comments_seen(&lek, Some(&id)).expect("marked"), 1);
    assert_eq!(texts(&a, &lek), ["Which year?"]);
    assert_eq!(a.log_len().expect("log"), log, "seen is not an op");
    // Seen is per person: nok's marks are not lek's.
    assert_eq!(a.mark_comments_seen(&nok, Some(&other)).expect("none"), 0);
    assert_eq!(texts(&a, &lek), ["Which year?"]);

    a.comment(&nok, &id, None, "And the port of loading?")
        .expect("comment");
    assert_eq!(
        texts(&a, &lek),
        ["And the port of loading?", "Which year?"],
        "a comment after the visit is new again"
    );
    assert_eq!(a.mark_comments_seen(&lek, None).expect("all"), 2);
    assert!(texts(&a, &lek).is_empty());
    assert_eq!(a.mark_comments_seen(&lek, None).expect("nothing"), 0);
}

#[test]
fn a_comment_from_another_post_is_new_when_it_arrives() {
    let mut hq = replica("HQ", true);
    let mut a = enrolled(&mut hq, "Post A");
    let lek = officer(&mut a, "lek");
    let id = a
        .add_article(
            &lek,
            new_article(content("Timber", "clearance", "End grain."), false),
        )
        .expect("article")
        .to_string();
    send(&a, &mut hq);
    let root = admin(&hq);
    hq.comment(&root, &id, None, "Share this with Nong Khai.")
        .expect("HQ comments");
    assert!(texts(&a, &lek).is_empty(), "not here yet");
    send(&hq, &mut a);
    let new = a.new_comments(&lek).expect("new");
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].by, "admin@HQ");
    // HQ never learns what lek has seen on Post A.
    a.mark_comments_seen(&lek, Some(&id)).expect("seen");
    let log = a.log_len().expect("log");
    send(&a, &mut hq);
    assert_eq!(a.log_len().expect("log"), log);
}

#[test]
fn an_article_above_my_clearance_is_not_named() {
    let (mut a, lek, nok, _) = post();
    let mut secret = content("Informant network", "clearance", "Names.");
    secret.classification = Classification::Restricted;
    let id = a
        .add_article(&lek, new_article(secret, false))
        .expect("article")
        .to_string();
    a.comment(&nok, &id, None, "Noted.").expect("comment");
    assert_eq!(
        texts(&a, &lek),
        ["Noted."],
        "everything is seen until a reader is set"
    );
    a.set_clearance(Classification::CustomsOnly);
    let new = a.new_comments(&lek).expect("new");
    assert!(new.is_empty(), "{new:?}");
    assert_eq!(
        a.mark_comments_seen(&lek, Some(&id))
            .expect("nothing named"),
        0
    );
    a.set_clearance(Classification::Restricted);
    assert_eq!(texts(&a, &lek), ["Noted."], "still unseen");
}
