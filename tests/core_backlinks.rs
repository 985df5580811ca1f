//! Backlinks a page at a time: pages in the order of the linking article's id, that put
//! together are every backlink, each seen by whom it is visible to.

use outpost::core::NewArticle;
use outpost::model::ArticleId;

use crate::common::{admin, content, replica};

const TARGET: &str = "seal-checks";

/// A node where `published` articles and `drafts` drafts of the administrator link to
/// `TARGET`, plus one article that does not.
fn linked_from(published: usize, drafts: usize) -> outpost::Replica {
    let mut r = replica("HQ", true);
    let user = admin(&r);
    let mut payloads = Vec::new();
    let target = content("Seal checks", "clearance/container-seals", "Check them.");
    let articles = (0..published + drafts).map(|i| {
        let body = format!("Case {i}: see [[{TARGET}|the seals]] first.");
        // Ids in reverse of their numbers, so key order is not the order they were added in.
        let id = format!("case-{:04}", published + drafts - i);
        (
            id,
            content(&format!("Case {i}"), "clearance", &body),
            i >= published,
        )
    });
    let unrelated = (
        "unrelated".to_string(),
        content("Other", "clearance", "No links."),
        false,
    );
    for (id, c, draft) in std::iter::once((TARGET.to_string(), target, false))
        .chain(articles)
        .chain([unrelated])
    {
        let (_, p) = r
            .payloads_for_new(NewArticle {
                id: Some(ArticleId::parse(&id).expect("id")),
                content: c,
                publish: !draft,
            })
            .expect("payloads");
        payloads.extend(p);
    }
    r.commit(&user.name, payloads).expect("commit");
    r
}

#[test]
fn pages_of_backlinks_put_together_are_every_backlink_in_id_order() {
    let r = linked_from(230, 0);
    let all = r.backlinks(TARGET, None).expect("all");
    assert_eq!(all.len(), 230);
    let ids: Vec<&str> = all.iter().map(|b| b.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "in the linking article's id order");

    let mut joined = Vec::new();
    let mut offset = 0;
    let mut pages = Vec::new();
    loop {
        let page = r.backlinks_page(TARGET, None, offset, 100).expect("page");
        pages.push((page.links.len(), page.more));
        offset += page.links.len();
        joined.extend(page.links);
        if !page.more {
            break;
        }
    }
    assert_eq!(pages, [(100, true), (100, true), (30, false)]);
    assert_eq!(joined, all);
    // Page by page from where the last ended: the same pages.
    let mut keyset = r.backlinks_page(TARGET, None, 0, 100).expect("page").links;
    loop {
        let last = keyset.last().map(|b| b.id.clone()).expect("a page");
        let page = r.backlinks_after(TARGET, None, &last, 100).expect("page");
        keyset.extend(page.links);
        if !page.more {
            break;
        }
    }
    assert_eq!(keyset, all);
    // A page that ends exactly at the last link has nothing more.
    let last = r.backlinks_page(TARGET, None, 130, 100).expect("page");
    assert_eq!((last.links.len(), last.more), (100, false));
    let past = r.backlinks_page(TARGET, None, 500, 100).expect("page");
    assert!(past.links.is_empty() && !past.more);
    let none = r.backlinks_page(TARGET, None, 0, 0).expect("page");
    assert!(none.links.is_empty() && none.more);
}

#[test]
fn a_page_counts_only_the_backlinks_its_reader_may_see() {
    let r = linked_from(5, 4);
    let viewer = r.author(&admin(&r));
    // Anyone sees the five published; the administrator also their four drafts.
    let anyone = r.backlinks_page(TARGET, None, 0, 10).expect("page");
    assert_eq!((anyone.links.len(), anyone.more), (5, false));
    let own = r
        .backlinks_page(TARGET, Some(&viewer), 0, 10)
        .expect("page");
    assert_eq!((own.links.len(), own.more), (9, false));
    // Offsets count visible links only: the second page of three for anyone is the last two.
    let second = r.backlinks_page(TARGET, None, 3, 3).expect("page");
    assert_eq!(second.links, anyone.links[3..]);
    assert!(!second.more);
    let after = r
        .backlinks_after(TARGET, None, &anyone.links[2].id, 3)
        .expect("page");
    assert_eq!(after, second);
    assert!(
        r.backlinks_page("unrelated", None, 0, 10)
            .expect("page")
            .links
            .is_empty()
    );
}
