//! Articles through the library: writing, revising, statuses, rules, search freshness.

use outpost::core::{ArticleFilter, ArticlePatch, NewArticle};
use outpost::model::{ArticleId, HsCode, Payload, Revision, Status};
use outpost::search::SearchRequest;

use crate::common::{admin, content, new_article, replica};

fn search_ids(r: &outpost::Replica, text: &str, req: SearchRequest) -> Vec<String> {
    let request = SearchRequest {
        text: text.into(),
        limit: 20,
        ..req
    };
    r.search(&request)
        .expect("search")
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn an_edit_is_a_new_revision_built_on_the_previous_one() {
    let mut r = replica("HQ", true);
    let user = admin(&r);
    let id = r
        .add_article(
            &user,
            new_article(
                content("Seal checks", "clearance/container-seals", "Old text."),
                true,
            ),
        )
        .expect("add");
    let first = r.article(id.as_str()).expect("show").record.current;
    let patch = ArticlePatch {
        body: Some("New text.".into()),
        ..Default::default()
    };
    let second = r
        .edit_article(&user, id.as_str(), patch)
        .expect("edit")
        .expect("changed");
    let view = r.article(id.as_str()).expect("show");
    assert_eq!(view.history.len(), 2);
    assert_eq!(view.history[1].revision.parents, vec![first]);
    assert_eq!(view.record.current, second);
    assert_eq!(view.record.content.body, "New text.\n");
    assert_eq!(view.record.heads, vec![second]);
}

#[test]
fn an_edit_that_changes_nothing_makes_no_revision() {
    let mut r = replica("HQ", true);
    let user = admin(&r);
    let id = r
        .add_article(&user, new_article(content("A", "commodity", "x"), false))
        .expect("add");
    let before = r.log_len().expect("log");
    let patch = ArticlePatch {
        title: Some("A".into()),
        ..Default::default()
    };
    assert_eq!(
        r.edit_article(&user, id.as_str(), patch).expect("edit"),
        None
    );
    assert_eq!(r.log_len().expect("log"), before);
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let mut r = replica("HQ", true);
    let user = admin(&r);
    let before = r.state_hash().expect("hash");
    let cases = [
        (
            content("T", "no/such-category", "b"),
            "unknown category `no/such-category`",
        ),
        (content("   ", "commodity", "b"), "the title is empty"),
    ];
    for (c, message) in cases {
        let err = r
            .add_article(&user, new_article(c, false))
            .expect_err("refused")
            .to_string();
        assert!(err.contains(message), "{err}");
    }
    let err = r
        .article("no-such-article")
        .expect_err("missing")
        .to_string();
    assert!(err.contains("article `no-such-article`"), "{err}");
    let patch = ArticlePatch {
        category: Some("nowhere".into()),
        ..Default::default()
    };
    assert!(r.edit_article(&user, "no-such-article", patch).is_err());
    assert_eq!(r.state_hash().expect("hash"), before);
    assert!(HsCode::parse("0901.2").is_err());
}

#[test]
fn only_an_hq_administrator_may_publish_directly() {
    let mut post = replica("Chiang Khong", false);
    let user = admin(&post);
    let before = post.state_hash().expect("hash");
    let err = post
        .add_article(&user, new_article(content("T", "commodity", "b"), true))
        .expect_err("post may not publish")
        .to_string();
    assert!(
        err.contains("only an administrator on the HQ node"),
        "{err}"
    );
    assert_eq!(
        post.state_hash().expect("hash"),
        before,
        "the refused add left no trace"
    );

    let mut hq = replica("HQ", true);
    let user = admin(&hq);
    let id = hq
        .add_article(&user, new_article(content("T", "commodity", "b"), true))
        .expect("add");
    assert_eq!(
        hq.article(id.as_str()).expect("show").record.status,
        Status::Published
    );
}

#[test]
fn a_saved_edit_is_searchable_at_once_and_retired_articles_vanish() {
    let mut r = replica("HQ", true);
    let user = admin(&r);
    let id = r
        .add_article(
            &user,
            new_article(
                content("Teak logs", "commodity/timber-wood", "Measure the girth."),
                true,
            ),
        )
        .expect("add");
    assert_eq!(
        search_ids(&r, "girth", SearchRequest::default()),
        vec![id.to_string()]
    );
    let patch = ArticlePatch {
        body: Some("Measure the diameter.".into()),
        ..Default::default()
    };
    r.edit_article(&user, id.as_str(), patch).expect("edit");
    assert!(search_ids(&r, "girth", SearchRequest::default()).is_empty());
    assert_eq!(
        search_ids(&r, "diameter", SearchRequest::default()),
        vec![id.to_string()]
    );

    r.set_status(&user, id.as_str(), Status::Retired)
        .expect("retire");
    assert!(search_ids(&r, "diameter", SearchRequest::default()).is_empty());
    assert!(
        r.list_articles(&ArticleFilter::default())
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        r.article(id.as_str()).expect("still shown").record.status,
        Status::Retired
    );
}

#[test]
fn drafts_are_visible_only_to_their_authors() {
    let mut r = replica("Post", false);
    let user = admin(&r);
    let id = r
        .add_article(
            &user,
            new_article(content("Draft note", "commodity", "pallets"), false),
        )
        .expect("add");
    assert!(search_ids(&r, "pallets", SearchRequest::default()).is_empty());
    let mine = SearchRequest {
        viewer: Some(r.author(&user)),
        ..Default::default()
    };
    assert_eq!(search_ids(&r, "pallets", mine), vec![id.to_string()]);
    let anyone = ArticleFilter::default();
    assert!(r.list_articles(&anyone).expect("list").is_empty());
}

#[test]
fn category_filters_include_sub_groups_and_hs_filters_match_prefixes() {
    let mut r = replica("HQ", true);
    let user = admin(&r);
    let mut timber = content("Logs", "commodity/timber-wood", "wood");
    timber.hs_codes = vec![HsCode::parse("4403.49").expect("code")];
    let timber = r
        .add_article(&user, new_article(timber, true))
        .expect("add");
    let seals = r
        .add_article(
            &user,
            new_article(content("Seals", "clearance/container-seals", "wood"), true),
        )
        .expect("add");
    let in_commodity = SearchRequest {
        category: Some("commodity".into()),
        ..Default::default()
    };
    assert_eq!(
        search_ids(&r, "wood", in_commodity),
        vec![timber.to_string()]
    );
    for prefix in ["44", "4403", "4403.49", "440349"] {
        let by_hs = SearchRequest {
            hs: Some(prefix.into()),
            ..Default::default()
        };
        assert_eq!(
            search_ids(&r, "wood", by_hs),
            vec![timber.to_string()],
            "prefix {prefix}"
        );
    }
    let other = SearchRequest {
        hs: Some("0901".into()),
        ..Default::default()
    };
    assert!(search_ids(&r, "wood", other).is_empty());
    let mut both = search_ids(&r, "wood", SearchRequest::default());
    both.sort();
    let mut expected = vec![timber.to_string(), seals.to_string()];
    expected.sort();
    assert_eq!(both, expected);
    let bad = SearchRequest {
        category: Some("nowhere".into()),
        ..Default::default()
    };
    assert!(
        r.search(&SearchRequest {
            text: "wood".into(),
            ..bad
        })
        .is_err()
    );
}

#[test]
fn readable_ids_are_kept_and_duplicates_refused() {
    let mut r = replica("HQ", true);
    let user = admin(&r);
    let id = ArticleId::parse("seal-checks").expect("id");
    let new = NewArticle {
        id: Some(id.clone()),
        content: content("S", "commodity", "b"),
        publish: false,
    };
    assert_eq!(r.add_article(&user, new.clone()).expect("add"), id);
    let err = r
        .add_article(&user, new)
        .expect_err("duplicate")
        .to_string();
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn a_fresh_node_checks_out() {
    let r = replica("HQ", true);
    let report = r.check().expect("check");
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.ops, 3, "node, admin account, knowledge map");
}

#[test]
fn an_article_published_as_it_is_written_is_one_op_that_reads_like_two() {
    let mut hq = replica("HQ", true);
    let user = admin(&hq);
    let before = hq.log_len().expect("log");
    let id = hq
        .add_article(
            &user,
            new_article(content("Seals", "commodity", "Check the bolt."), true),
        )
        .expect("add");
    assert_eq!(hq.log_len().expect("log"), before + 1, "one op");
    let view = hq.article(id.as_str()).expect("view");
    assert_eq!(view.record.status, Status::Published);
    assert_eq!(view.history.len(), 1);
    assert_eq!(view.history[0].revision.content.title, "Seals");
    let hits = search_ids(&hq, "bolt", SearchRequest::default());
    assert_eq!(hits, [id.to_string()]);
    assert!(hq.check().expect("check").ok());
}

#[test]
fn an_op_that_creates_an_article_from_other_revisions_is_refused() {
    let mut hq = replica("HQ", true);
    let user = admin(&hq);
    let id = hq
        .add_article(
            &user,
            new_article(content("Seals", "commodity", "Check the bolt."), false),
        )
        .expect("add");
    let parent = hq.article(id.as_str()).expect("view").record.current;
    let before = hq.state_hash().expect("hash");
    let revision = Revision::new(id.clone(), vec![parent], content("Seals", "commodity", "x"));
    let err = hq
        .commit(
            &user.name,
            vec![Payload::ArticleCreated {
                article: id,
                revision,
                status: Status::Published,
            }],
        )
        .expect_err("a creation builds on nothing")
        .to_string();
    assert!(err.contains("builds on others"), "{err}");
    assert_eq!(hq.state_hash().expect("hash"), before);
}

#[test]
fn hs_suggestions_correct_only_words_the_knowledge_base_does_not_hold() {
    let mut r = replica("HQ", true);
    let user = admin(&r);
    let codes = |found: Vec<outpost::search::HsMatch>| -> Vec<String> {
        found.into_iter().map(|m| m.code).collect()
    };
    let coffee = |codes: &[String]| codes.iter().any(|c| c.starts_with("0901"));
    // Nothing holds `coffe`: it is taken as a typo of the nomenclature's `coffee`.
    assert!(coffee(&codes(r.hs_suggestions("coffe", 5).expect("hs"))));
    r.add_article(
        &user,
        new_article(
            content("Coffe brand", "commodity", "Coffe is a trade mark."),
            true,
        ),
    )
    .expect("add");
    // Now an article holds it as written: a search's suggestions leave it uncorrected, while
    // `outpost hs` (the nomenclature alone) still corrects it.
    assert!(codes(r.hs_suggestions("coffe", 5).expect("hs")).is_empty());
    let hs = r.hs_search().expect("hs index");
    assert!(coffee(&codes(hs.search("coffe", 5).expect("hs"))));
}
