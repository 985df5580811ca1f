//! The Knowledge Market on the demo node, for the Market screen's tests: an officer (`lek`)
//! who asked two questions in Commodity (one urgent), an expert of Commodity (`nok`) who
//! answered the urgent one, an officer who is no expert (`pim`), HQ's policy that only experts
//! answer in Commodity, and a question of the administrator's in Enforcement.

use super::fixtures::demo_replica_with_clock;
use crate::core::{NewQuestion, Replica};
use crate::model::market::ANSWER_REQUIRES_EXPERT;
use crate::model::{Author, Role};

const HOUR: u64 = 3_600_000;

pub const URGENT_TITLE: &str = "Unlabelled drums of solvent on a truck";
pub const TIMBER_TITLE: &str = "Are sawn teak boards under 4407?";
pub const ADMIN_TITLE: &str = "Where to store seized cigarettes overnight";

fn ask(
    r: &mut Replica,
    who: &str,
    title: &str,
    category: &str,
    urgent: bool,
    body: &str,
) -> String {
    let user = r.resolve_user(Some(who)).expect("asker");
    let q = NewQuestion {
        title: title.into(),
        category: category.into(),
        urgent,
        hs: Vec::new(),
        body: body.into(),
        classification: None,
    };
    r.ask(&user, q).expect("ask")
}

/// The node with the people and questions above, and the id of the urgent question.
pub fn market_replica() -> (Replica, String) {
    let (mut r, clock) = demo_replica_with_clock();
    let admin = r.resolve_user(None).expect("admin");
    for name in ["lek", "nok", "pim"] {
        r.add_user(&admin, name, Role::Officer, None)
            .expect("account");
    }
    let nok = Author {
        node: r.node_id(),
        name: "nok".into(),
    };
    r.grant_role(&admin, &nok, Role::Expert, Some("commodity"))
        .expect("grant");
    r.set_policy(&admin, ANSWER_REQUIRES_EXPERT, 1, Some("commodity"))
        .expect("policy");
    clock.advance(HOUR);
    ask(
        &mut r,
        "lek",
        TIMBER_TITLE,
        "commodity/tariff-classification",
        false,
        "Planed on two sides, 25 mm thick. The importer says 4409.",
    );
    clock.advance(HOUR);
    let urgent = ask(
        &mut r,
        "lek",
        URGENT_TITLE,
        "commodity",
        true,
        "Twenty blue drums, no labels, a sharp smell.\nThe driver has an invoice for paint thinner.",
    );
    clock.advance(HOUR);
    ask(
        &mut r,
        "somchai",
        ADMIN_TITLE,
        "enforcement",
        false,
        "The post has no bonded store.",
    );
    clock.advance(HOUR);
    let expert = r.resolve_user(Some("nok")).expect("expert");
    r.answer(
        &expert,
        &urgent,
        "Do not open them. Take a photo of the drums and ask for the safety data sheet.",
    )
    .expect("answer");
    clock.advance(HOUR);
    (r, urgent)
}
