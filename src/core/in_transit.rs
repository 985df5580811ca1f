//! Votes in transit: what this node knows of evaluation ops made elsewhere that have not
//! applied here yet, by office.
//!
//! Two facts are at hand. Ops held back (received, waiting for a predecessor that a lost or
//! later bundle carries) are here to read: a vote among them is a vote known to be on its way,
//! with its article. And every bundle carries its sender's version vector, kept per peer: where
//! a peer holds more of a node's chain than this node does, those ops exist and have not come —
//! but nothing says what they are, so they are counted as ops, not as votes.

use std::collections::BTreeMap;

use redb::ReadableTable;
use serde::Serialize;

use super::Replica;
use crate::error::Result;
use crate::model::{ArticleId, NodeId, Payload, SignedOp};
use crate::store;

/// What is known to be on its way from one office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InTransit {
    pub office: String,
    /// Votes on the article held back here until earlier ops of their node arrive.
    pub votes: u32,
    /// Ops of that office a peer is known to hold and this node has not received (what they
    /// are is not known until they come).
    pub ops: u64,
}

impl Replica {
    /// What is known to be in transit towards this node that bears on `article`'s evaluation.
    pub fn in_transit(&self, article: &ArticleId) -> Result<Vec<InTransit>> {
        let txn = self.read()?;
        let mut votes: BTreeMap<NodeId, u32> = BTreeMap::new();
        let mut pending: BTreeMap<NodeId, u64> = BTreeMap::new();
        for entry in txn.open_table(store::PENDING)?.iter()? {
            let (_, v) = entry?;
            let Ok(op) = SignedOp::decode(v.value()) else {
                continue;
            };
            *pending.entry(op.op.node).or_default() += 1;
            if let Payload::Evaluated { article: a, .. } = &op.op.payload
                && a == article
            {
                *votes.entry(op.op.node).or_default() += 1;
            }
        }
        let chains = txn.open_table(store::CHAINS)?;
        let mut missing: BTreeMap<NodeId, u64> = BTreeMap::new();
        for peer in self.peers()?.values() {
            for (node, known) in &peer.known {
                if *node == self.node_id() {
                    continue;
                }
                let held = chains.get(node.0)?.map_or(0, |v| v.value().0);
                let not_here = known
                    .saturating_sub(held)
                    .saturating_sub(pending.get(node).copied().unwrap_or(0));
                let slot = missing.entry(*node).or_default();
                *slot = (*slot).max(not_here);
            }
        }
        let mut by_office: BTreeMap<String, InTransit> = BTreeMap::new();
        let nodes: std::collections::BTreeSet<NodeId> =
            votes.keys().chain(missing.keys()).copied().collect();
        for node in nodes {
            let (v, m) = (
                votes.get(&node).copied().unwrap_or(0),
                missing.get(&node).copied().unwrap_or(0),
            );
            if v == 0 && m == 0 {
                continue;
            }
            let office = self.office_of(node);
            let slot = by_office.entry(office.clone()).or_insert(InTransit {
                office,
                votes: 0,
                ops: 0,
            });
            slot.votes += v;
            slot.ops += m;
        }
        Ok(by_office.into_values().collect())
    }

    /// A node's office, else its short id.
    fn office_of(&self, node: NodeId) -> String {
        self.node(&node)
            .map(|n| n.office)
            .or_else(|_| self.find_node(&node.to_string()).map(|n| n.office))
            .unwrap_or_else(|_| node.short())
    }
}

/// "1 vote known to be in transit from Chiang Khong; 3 more ops known to exist at Post B": the
/// author's line, empty when nothing is known to be on its way.
pub fn describe(items: &[InTransit]) -> String {
    let mut parts = Vec::new();
    for i in items.iter().filter(|i| i.votes > 0) {
        let s = if i.votes == 1 { "" } else { "s" };
        parts.push(format!(
            "{} vote{s} known to be in transit from {}",
            i.votes, i.office
        ));
    }
    for i in items.iter().filter(|i| i.ops > 0) {
        let s = if i.ops == 1 { "" } else { "s" };
        parts.push(format!(
            "{} op{s} from {} known to exist and not yet here",
            i.ops, i.office
        ));
    }
    parts.join("; ")
}
