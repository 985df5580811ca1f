//! `outpost sync status`: what waits to leave, what came when, what is held back.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Replica;
use crate::error::Result;

#[derive(Clone, Debug, Serialize)]
pub struct PeerStatus {
    pub node: String,
    pub office: String,
    pub last_sent_millis: Option<u64>,
    pub last_received_millis: Option<u64>,
    /// Ops this node holds that the peer is not known to hold.
    pub unacknowledged: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SyncStatus {
    pub node: String,
    pub hq: String,
    /// Ops not yet acknowledged by HQ, by kind (empty on HQ).
    pub outbox: BTreeMap<String, u64>,
    pub outbox_total: u64,
    pub peers: Vec<PeerStatus>,
    /// Ops received whose predecessors have not arrived.
    pub pending: u64,
    /// Ops received and kept, but refused by the rules (no effect), with why.
    pub refused: Vec<super::exchange::RefusedOp>,
    /// Set when peers hold changes of this node it lacks (restored from an older copy): the
    /// highest such seq; nothing is written until they are back.
    pub own_changes_missing: Option<u64>,
    /// Set when this node's own history forked (its seq): nothing more is written here.
    pub own_fork: Option<u64>,
    pub state_hash: String,
}

impl Replica {
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let hq = self.hq_node()?;
        let this = self.node_id();
        let mut outbox = BTreeMap::new();
        if hq != this {
            for op in self.ops_missing_at(hq)? {
                *outbox.entry(op.op.payload.kind().to_string()).or_insert(0) += 1;
            }
        }
        let mut known_peers = self.peers()?;
        let mut peers = Vec::new();
        for info in self.known_nodes()? {
            if info.id == this {
                continue;
            }
            let record = known_peers.remove(&info.id).unwrap_or_default();
            peers.push(PeerStatus {
                node: info.id.to_string(),
                office: info.office.clone(),
                last_sent_millis: (record.last_sent_millis > 0).then_some(record.last_sent_millis),
                last_received_millis: (record.last_received_millis > 0)
                    .then_some(record.last_received_millis),
                unacknowledged: self.ops_missing_at(info.id)?.len() as u64,
            });
        }
        let own = self.own_history()?;
        let refused = self
            .refused_ops()?
            .into_iter()
            .map(|(node, seq, r)| super::exchange::RefusedOp {
                node: node.short(),
                seq,
                user: r.user,
                kind: r.kind,
                article: r.article,
                reason: r.reason,
            })
            .collect();
        Ok(SyncStatus {
            node: this.to_string(),
            hq: hq.to_string(),
            outbox_total: outbox.values().sum(),
            outbox,
            peers,
            pending: self.pending_count()?,
            refused,
            own_changes_missing: (own.seen > own.held).then_some(own.seen),
            own_fork: (own.fork > 0).then_some(own.fork),
            state_hash: self.state_hash()?.to_string(),
        })
    }
}

/// A node as `outpost node list` shows it.
#[derive(Clone, Debug, Serialize)]
pub struct NodeRow {
    pub node: String,
    pub office: String,
    /// `hq`, `post`, `this node`, or `enrolled` (admitted by HQ, not heard from yet).
    pub role: String,
}

impl Replica {
    pub fn nodes(&self) -> Result<Vec<NodeRow>> {
        let this = self.node_id();
        let mut rows = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for info in self.known_nodes()? {
            seen.insert(info.id);
            let role = if info.id == this {
                "this node"
            } else if info.hq {
                "hq"
            } else {
                "post"
            };
            rows.push(NodeRow {
                node: info.id.to_string(),
                office: info.office,
                role: role.into(),
            });
        }
        for e in self.enrolments()? {
            if !seen.contains(&e.node) {
                rows.push(NodeRow {
                    node: e.node.to_string(),
                    office: e.office,
                    role: "enrolled".into(),
                });
            }
        }
        Ok(rows)
    }
}
