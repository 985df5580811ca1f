//! Two-step evaluation on the demo node, for the Review screen's tests: an author (`lek`),
//! evaluators of Enforcement and Commodity (`nok`, `dao`) and of Enforcement (`pim`), and
//! submissions in every state the screens show, made at readable times.

use super::fixtures::demo_replica_with_clock;
use crate::core::{ArticlePatch, NewArticle, Replica};
use crate::model::{ArticleContent, ArticleId, Author, Role};
use crate::tui::effects::Context;

const HOUR: u64 = 3_600_000;

/// A new article by `lek` in step 2, approved by `dao` (step 1) and `pim`: 1 of 3.
pub const IN_STEP2: &str = "tanker-false-compartments";
/// `lek`'s revision of a published demo article, waiting in step 1.
pub const PROPOSAL: &str = "timber-inspection-land-border";
/// `nok`'s own article, returned by `dao`.
pub const NOKS: &str = "counting-logs-on-a-flatbed";
/// `lek`'s article, returned by `dao`.
pub const LEKS_RETURNED: &str = "fuel-in-jerrycans";

fn article(r: &mut Replica, who: &str, id: &str, title: &str, category: &str, body: &str) {
    let user = r.resolve_user(Some(who)).expect("author");
    let new = NewArticle {
        id: Some(ArticleId::parse(id).expect("id")),
        content: ArticleContent::new(title, category, body),
        publish: false,
    };
    r.add_article(&user, new).expect("draft");
}

fn user(r: &Replica, name: &str) -> crate::model::User {
    r.resolve_user(Some(name)).expect("account")
}

/// The demo node with the people and submissions above; its clock 3 days after the last.
pub fn review_replica() -> Replica {
    let (mut r, clock) = demo_replica_with_clock();
    let admin = r.resolve_user(None).expect("admin");
    for name in ["lek", "nok", "dao", "pim"] {
        r.add_user(&admin, name, Role::Officer, None)
            .expect("account");
    }
    let grants = [
        ("nok", "enforcement"),
        ("nok", "commodity"),
        ("dao", "enforcement"),
        ("dao", "commodity"),
        ("pim", "enforcement"),
    ];
    for (name, category) in grants {
        let who = Author {
            node: r.node_id(),
            name: name.into(),
        };
        r.grant_role(&admin, &who, Role::Evaluator, Some(category))
            .expect("grant");
    }
    let later = |hours: u64| clock.advance(hours * HOUR);
    later(1);
    article(
        &mut r,
        "lek",
        IN_STEP2,
        "False compartments in fuel tankers",
        "enforcement/smuggling-excise",
        "Knock along the tank: a false wall sounds hollow.\n\nMeasure the dipstick depth against the tank's plate.\n",
    );
    r.submit(
        &user(&r, "lek"),
        IN_STEP2,
        "Seen twice at our post this year",
    )
    .expect("submit");
    later(1);
    r.review_approve(&user(&r, "dao"), IN_STEP2, None, "right category")
        .expect("step 1");
    later(1);
    r.review_approve(&user(&r, "pim"), IN_STEP2, None, "clear and useful")
        .expect("step 2");
    later(1);
    article(
        &mut r,
        "nok",
        NOKS,
        "Counting logs on a flatbed",
        "commodity/timber-wood",
        "Count the log ends at the back, row by row.\n",
    );
    r.submit(&user(&r, "nok"), NOKS, "").expect("submit");
    later(1);
    r.review_return(&user(&r, "dao"), NOKS, "Add the photo of the tally sheet.")
        .expect("return");
    later(24);
    let lek = user(&r, "lek");
    let body = r.article(PROPOSAL).expect("demo").record.content.body;
    let body = body.replacen(
        "- Phytosanitary certificate (original, not a copy).",
        "- Phytosanitary certificate (original, not a copy), checked against the exporter's register.",
        1,
    );
    let patch = ArticlePatch {
        body: Some(body),
        ..Default::default()
    };
    r.edit_article(&lek, PROPOSAL, patch).expect("proposal");
    r.submit(&lek, PROPOSAL, "The register check caught two fakes")
        .expect("submit");
    later(1);
    article(
        &mut r,
        "lek",
        LEKS_RETURNED,
        "Fuel smuggled in jerrycans",
        "enforcement/smuggling-excise",
        "Jerrycans under sacks of rice.\n",
    );
    r.submit(&lek, LEKS_RETURNED, "").expect("submit");
    later(1);
    r.review_return(
        &user(&r, "dao"),
        LEKS_RETURNED,
        "Name the border posts where this was seen.",
    )
    .expect("return");
    later(72);
    r
}

/// The interface signed in as `name`.
pub fn as_user(r: &Replica, name: &str) -> Context {
    Context::new(r, Some(user(r, name)), None)
}
