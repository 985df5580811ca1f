//! The questions' side of keeping the search index in step with the store
//! (`search::questions`): the questions asked or answered, read with the office of the node
//! each was asked on, for the index to (re)write their documents.

use std::collections::BTreeSet;

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use crate::error::Result;
use crate::model::NodeInfo;
use crate::model::market::QuestionRecord;
use crate::search::IndexedQuestion;
use crate::store::{self, get};

/// `record` with the office of the node it was asked on (empty when that node is unknown).
fn with_office(
    nodes: &impl ReadableTable<[u8; 16], &'static [u8]>,
    record: QuestionRecord,
) -> Result<IndexedQuestion> {
    let node: Option<NodeInfo> = get(nodes, record.asker.node.0)?;
    Ok(IndexedQuestion {
        office: node.map(|n| n.office).unwrap_or_default(),
        record,
    })
}

/// The questions of `ids` held in `txn` (an id not held is skipped).
pub(super) fn indexed_in(
    txn: &WriteTransaction,
    ids: &BTreeSet<String>,
) -> Result<Vec<IndexedQuestion>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let questions = txn.open_table(store::QUESTIONS)?;
    let nodes = txn.open_table(store::NODES)?;
    held(&questions, &nodes, ids)
}

/// The questions of `ids` that `questions` holds, each with its office.
fn held(
    questions: &impl ReadableTable<&'static str, &'static [u8]>,
    nodes: &impl ReadableTable<[u8; 16], &'static [u8]>,
    ids: &BTreeSet<String>,
) -> Result<Vec<IndexedQuestion>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(record) = get::<_, QuestionRecord>(questions, id.as_str())? {
            out.push(with_office(nodes, record)?);
        }
    }
    Ok(out)
}

/// The questions of `ids` as a read transaction sees them, or every question with `ids`
/// `None` (a rebuild).
pub(super) fn indexed_read(
    txn: &ReadTransaction,
    ids: Option<&BTreeSet<String>>,
) -> Result<Vec<IndexedQuestion>> {
    let questions = txn.open_table(store::QUESTIONS)?;
    let nodes = txn.open_table(store::NODES)?;
    let Some(ids) = ids else {
        let mut out = Vec::new();
        for entry in questions.iter()? {
            let record: QuestionRecord = store::decode(entry?.1.value())?;
            out.push(with_office(&nodes, record)?);
        }
        return Ok(out);
    };
    held(&questions, &nodes, ids)
}
