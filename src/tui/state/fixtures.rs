//! Fixed data for the update and snapshot tests: a demo node on a fixed clock with readable
//! ids, hand-made result rows, and a driver that runs keys through `update` and the effects.

use std::sync::Arc;

use super::{ResultRow, State};
use crate::core::{ArticlePatch, FixedClock, InitOptions, NewArticle, Replica};
use crate::model::{ArticleContent, ArticleId, Classification, HsCode, Kind, Lang, Status};
use crate::tui::effects::{Context, settle};
use crate::tui::i18n::{Catalog, UiLang};
use crate::tui::keymap::{Key, Keymap};
use crate::tui::theme::Theme;
use crate::tui::update::Msg;

/// 2026-11-01T00:00:00Z
pub const T: u64 = 1_793_491_200_000;

/// An HQ node with the demo knowledge, one extra revision and two drafts by `admin`.
pub fn demo_replica() -> Replica {
    demo_replica_with_clock().0
}

/// The demo node and its clock (a day after `T`), for fixtures that let time pass.
pub fn demo_replica_with_clock() -> (Replica, Arc<FixedClock>) {
    let options = InitOptions {
        office: "Chiang Khong".into(),
        hq: true,
        admin: "somchai".into(),
    };
    let clock = Arc::new(FixedClock::new(T));
    let mut replica = Replica::create_in_memory(&options, clock.clone()).expect("in-memory node");
    let user = replica.resolve_user(None).expect("the only account");
    crate::demo::load(&mut replica, &user).expect("demo loads");
    clock.advance(86_400_000);
    let id = "timber-inspection-land-border";
    let body = replica
        .article(id)
        .expect("demo article")
        .record
        .content
        .body;
    let body = body.replacen(
        "- Phytosanitary certificate.",
        "- Phytosanitary certificate (original, not a copy).",
        1,
    );
    replica
        .edit_article(
            &user,
            id,
            ArticlePatch {
                body: Some(body),
                ..Default::default()
            },
        )
        .expect("edit");
    for (id, title, lang, hs, body) in [
        (
            "pallet-wrap-concealment",
            "Pallet wrap concealment on cross-border trucks",
            Lang::En,
            "3923.21",
            "Cut one corner of the stretch wrap.\n\nSee [[container-seal-checks]].\n",
        ),
        (
            "tuk-tuk-ingredients",
            "การตรวจสอบวัตถุดิบสมุนไพรที่ด่านพรมแดน",
            Lang::Th,
            "1211.90",
            "ตรวจใบอนุญาตและตัวอย่างสมุนไพรทุกครั้ง\n",
        ),
    ] {
        let content = ArticleContent {
            title: title.into(),
            summary: String::new(),
            body: body.into(),
            category: "enforcement/smuggling-excise".into(),
            tags: vec!["field-note".into()],
            hs_codes: vec![HsCode::parse(hs).expect("hs")],
            lang,
            kind: Kind::Technique,
            classification: Classification::Public,
            review_by: None,
        };
        let new = NewArticle {
            id: Some(ArticleId::parse(id).expect("id")),
            content,
            publish: false,
        };
        replica.add_article(&user, new).expect("draft");
    }
    (replica, clock)
}

pub fn context(replica: &Replica) -> Context {
    Context::new(replica, replica.resolve_user(None).ok(), None)
}

/// A state at `width`×`height` in `lang`, started against `replica`.
pub fn started(
    replica: &mut Replica,
    ctx: &Context,
    width: u16,
    height: u16,
    lang: UiLang,
) -> State {
    let mut state = State::with(
        width,
        height,
        Catalog::new(lang),
        Keymap::default(),
        Theme::default(),
    );
    state.user = ctx.user.as_ref().map(|u| u.name.clone());
    state.now_millis = T + 2 * 86_400_000;
    settle(replica, ctx, &mut state, Msg::Start);
    state
}

/// Types a key string (`"/timber<Enter>j<Enter>"`) through `update` and the effects; returns
/// whether the interface asked to quit. Search times are fixed, for stable snapshots.
pub fn press(replica: &mut Replica, ctx: &Context, state: &mut State, keys: &str) -> bool {
    for key in Key::parse_seq(keys).expect("key string") {
        if settle(replica, ctx, state, Msg::Key(key)) {
            return true;
        }
        if state.search.took_micros.is_some() {
            state.search.took_micros = Some(1_200);
        }
    }
    false
}

pub fn row(id: &str, title: &str, category: &str, hs: &[&str]) -> ResultRow {
    ResultRow {
        id: id.into(),
        title: title.into(),
        category: category.into(),
        status: Status::Published,
        hs_codes: hs.iter().map(|s| s.to_string()).collect(),
        snippet: String::new(),
        lang: "en".into(),
        updated: String::new(),
        via: None,
        helpful: 0,
        answers: None,
    }
}

pub fn rows() -> Vec<ResultRow> {
    vec![
        row(
            "timber-land-border",
            "Inspecting timber at a land border",
            "commodity/timber-wood",
            &["4403.49"],
        ),
        row(
            "hs-classification-thai",
            "การจำแนกพิกัดอัตราศุลกากรไม้แปรรูป",
            "procedure/classification",
            &["4407.29", "4409.10"],
        ),
        row(
            "korean-ginseng",
            "인삼 수입 검사 절차",
            "commodity/agriculture",
            &["1211.20"],
        ),
    ]
}

/// The demo node after a post edited the same line of the timber article as HQ did and its
/// bundle arrived: the article is in conflict, both versions kept.
pub fn conflict_replica() -> Replica {
    let mut hq = demo_replica();
    let user = hq.resolve_user(None).expect("the only account");
    let file = hq.enrol(&user, "Post A").expect("enrol");
    // A day after HQ's edit: the versions' order (by time, then random node id) stays fixed.
    let clock = Arc::new(FixedClock::new(T + 2 * 86_400_000));
    // The same name at both offices: the owner line (first author by node id) stays fixed.
    let mut post = Replica::enrolled_in_memory(&file, "somchai", clock).expect("post starts");
    let id = "timber-inspection-land-border";
    let line = "- Phytosanitary certificate (original, not a copy).";
    for (node, text) in [
        (
            &mut hq,
            "- Phytosanitary certificate (original, stamped at HQ).",
        ),
        (
            &mut post,
            "- Phytosanitary certificate (original or a certified copy).",
        ),
    ] {
        let who = node.resolve_user(None).expect("account");
        let body = node
            .article(id)
            .expect("article")
            .record
            .content
            .body
            .replacen(line, text, 1);
        let patch = ArticlePatch {
            body: Some(body),
            ..Default::default()
        };
        node.edit_article(&who, id, patch).expect("edit");
    }
    let bundle = post.bundle_for(hq.node_id()).expect("bundle");
    let report = hq
        .import_bundle_bytes("post-a.bundle", &bundle, false)
        .expect("import");
    assert_eq!(report.conflicts, vec![id.to_string()]);
    hq
}
