//! Urgent questions travel first (docs/bundle-format.md, "Urgent ops").
//!
//! Ops are hash-chained per node: a receiver applies op n of a node only after op n-1. So an
//! urgent op cannot jump its own node's queue; what moves to the front of a bundle is, for each
//! node, the prefix of its missing ops up to its last urgent one, kept in log order. An urgent
//! question or answer thus arrives with everything its node did before it, and nothing of the
//! nodes that did nothing urgent. An op of that prefix that builds on another node's op left
//! behind waits at the receiver, with the rest of its node's chain, until the next full bundle.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{NodeId, Payload, SignedOp};

/// Whether `op` asks an urgent question, answers one or accepts an answer to one.
pub fn is_urgent(op: &SignedOp, urgent_questions: &BTreeSet<String>) -> bool {
    match &op.op.payload {
        Payload::QuestionAsked { urgent, .. } => *urgent,
        Payload::AnswerPosted { question, .. } | Payload::AnswerAccepted { question, .. } => {
            urgent_questions.contains(question)
        }
        _ => false,
    }
}

/// Splits `ops` (in log order) into the urgent part — each node's ops up to its last urgent
/// op — and the rest, both in log order.
pub fn split_urgent(
    ops: Vec<SignedOp>,
    urgent_questions: &BTreeSet<String>,
) -> (Vec<SignedOp>, Vec<SignedOp>) {
    let mut cut: BTreeMap<NodeId, u64> = BTreeMap::new();
    for op in ops.iter().filter(|o| is_urgent(o, urgent_questions)) {
        let at = cut.entry(op.op.node).or_default();
        *at = (*at).max(op.op.seq);
    }
    ops.into_iter()
        .partition(|o| cut.get(&o.op.node).is_some_and(|c| o.op.seq <= *c))
}
