//! Fixed data for the update and snapshot tests: no Replica, no clock.

use super::{ArticleDoc, ResultRow};
use crate::model::Status;

pub fn row(id: &str, title: &str, category: &str, hs: &[&str]) -> ResultRow {
    ResultRow {
        id: id.into(),
        title: title.into(),
        category: category.into(),
        status: Status::Published,
        hs_codes: hs.iter().map(|s| s.to_string()).collect(),
        snippet: String::new(),
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

pub fn doc() -> ArticleDoc {
    ArticleDoc {
        id: "timber-land-border".into(),
        title: "Inspecting timber at a land border".into(),
        category: "commodity/timber-wood".into(),
        status: Status::Published,
        hs_codes: vec!["4403.49".into(), "4407.29".into()],
        updated: "2025-03-14 09:30".into(),
        office: "Chiang Khong".into(),
        summary: "What to check before releasing a truck of logs.".into(),
        body: "## Before the truck arrives\nAsk for the CITES permit and the species list. \
               Rosewood (Dalbergia) needs a permit from the exporting country.\n\n\
               ## At the truck\nCount the logs, measure three at random, and compare the \
               end stamps with the permit. ตรวจสอบตราประทับที่ปลายไม้ทุกท่อน\n"
            .into(),
    }
}
