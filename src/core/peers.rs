//! What sync needs from a node, and the only way it reaches the node's store and keys: which
//! nodes are known, what each peer is known to hold (its acknowledgement), the ops a peer lacks,
//! ops held back until their predecessors arrive, and the node's own history as peers see it.

use std::collections::{BTreeMap, BTreeSet};

use ed25519_dalek::SigningKey;
use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::Replica;
use super::apply::read_u64;
use crate::error::{Error, Result};
use crate::model::{Enrolment, Hash, NodeId, NodeInfo, SignedOp};
use crate::store::{self, encode, get, meta_keys};

/// What this node knows of a peer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerRecord {
    /// What the peer is known to hold (its last bundle's version vector), node → seq.
    pub known: BTreeMap<NodeId, u64>,
    pub last_sent_millis: u64,
    pub last_received_millis: u64,
}

/// This node's own chain as its peers see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OwnHistory {
    /// The highest own seq held here.
    pub held: u64,
    /// The highest own seq a peer was seen holding: above `held`, ops were lost here.
    pub seen: u64,
    /// The own seq at which a peer holds another op than this node did (0: none).
    pub fork: u64,
}

impl Replica {
    /// Resolves a node by office name (case-insensitive), full id or id prefix (8+ digits).
    pub fn find_node(&self, name: &str) -> Result<NodeInfo> {
        let wanted = name.trim().to_lowercase();
        let matches = |office: &str, id: NodeId| {
            let id = id.to_string();
            office.to_lowercase() == wanted
                || id == wanted
                || (wanted.len() >= 8 && id.starts_with(&wanted))
        };
        let mut found: Vec<NodeInfo> = self
            .known_nodes()?
            .into_iter()
            .filter(|info| matches(&info.office, info.id))
            .collect();
        for e in self.enrolments()? {
            if matches(&e.office, e.node) && !found.iter().any(|f| f.id == e.node) {
                found.push(NodeInfo {
                    id: e.node,
                    office: e.office,
                    hq: false,
                    public_key: e.public_key,
                    age_recipient: e.age_recipient,
                    created: e.hlc,
                });
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(Error::invalid(format!(
                "no known node `{name}`: `outpost node list` shows the nodes"
            ))),
            _ => Err(Error::invalid(format!(
                "`{name}` names several nodes: use the node id"
            ))),
        }
    }

    /// Every node heard from (its first op applied here), this one included, in id order.
    pub fn known_nodes(&self) -> Result<Vec<NodeInfo>> {
        let txn = self.db.begin_read()?;
        let mut out = Vec::new();
        for entry in txn.open_table(store::NODES)?.iter()? {
            out.push(store::decode(entry?.1.value())?);
        }
        Ok(out)
    }

    /// Every enrolment recorded (posts HQ admitted, heard from or not), in id order.
    pub fn enrolments(&self) -> Result<Vec<Enrolment>> {
        let txn = self.db.begin_read()?;
        let mut out = Vec::new();
        for entry in txn.open_table(store::ENROLMENTS)?.iter()? {
            out.push(store::decode(entry?.1.value())?);
        }
        Ok(out)
    }

    /// The trust root (HQ).
    pub fn hq_node(&self) -> Result<NodeId> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(store::META)?;
        let bytes = meta
            .get(meta_keys::TRUST_ROOT)?
            .map(|v| v.value().to_vec())
            .ok_or_else(|| Error::corrupt("the trust root is not recorded"))?;
        Ok(NodeId(bytes.try_into().map_err(|_| {
            Error::corrupt("the trust root is malformed")
        })?))
    }

    pub fn peer(&self, node: NodeId) -> Result<PeerRecord> {
        let txn = self.db.begin_read()?;
        Ok(get(&txn.open_table(store::PEERS)?, node.0)?.unwrap_or_default())
    }

    /// Every peer this node has exchanged a bundle with.
    pub fn peers(&self) -> Result<BTreeMap<NodeId, PeerRecord>> {
        let txn = self.db.begin_read()?;
        let mut out = BTreeMap::new();
        for entry in txn.open_table(store::PEERS)?.iter()? {
            let (k, v) = entry?;
            out.insert(NodeId(k.value()), store::decode(v.value())?);
        }
        Ok(out)
    }

    /// Notes that a bundle for `peer` was written now.
    pub fn record_sent(&mut self, peer: NodeId) -> Result<()> {
        let now = self.now_millis();
        let txn = self.db.begin_write()?;
        {
            let mut peers = txn.open_table(store::PEERS)?;
            let mut record: PeerRecord = get(&peers, peer.0)?.unwrap_or_default();
            record.last_sent_millis = now;
            peers.insert(peer.0, encode(&record).as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Notes that a bundle for `peer` written now carries this node's own ops up to `seq`.
    pub fn record_own_sent(&mut self, peer: NodeId, seq: u64) -> Result<()> {
        let now = self.now_millis();
        let txn = self.db.begin_write()?;
        txn.open_table(store::OWN_SENT)?
            .insert(peer.0, (now, seq))?;
        txn.commit()?;
        Ok(())
    }

    /// Per peer, when the last bundle carrying own ops was written and the highest own seq in it.
    pub fn own_sent(&self) -> Result<BTreeMap<NodeId, (u64, u64)>> {
        let txn = self.db.begin_read()?;
        let mut out = BTreeMap::new();
        let table = match txn.open_table(store::OWN_SENT) {
            Ok(t) => t,
            // A store opened read-only before its first write has no such table yet.
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(out),
            Err(e) => return Err(e.into()),
        };
        for entry in table.iter()? {
            let (k, v) = entry?;
            out.insert(NodeId(k.value()), v.value());
        }
        Ok(out)
    }

    /// This node's version vector: node → highest contiguous seq held.
    pub fn version_vector(&self) -> Result<BTreeMap<NodeId, u64>> {
        let txn = self.db.begin_read()?;
        let mut out = BTreeMap::new();
        for entry in txn.open_table(store::CHAINS)?.iter()? {
            let (k, v) = entry?;
            out.insert(NodeId(k.value()), v.value().0);
        }
        Ok(out)
    }

    /// The last op held of `node`'s chain: (seq, hash), (0, zero) when none.
    pub fn chain_tip(&self, node: NodeId) -> Result<(u64, Hash)> {
        let txn = self.db.begin_read()?;
        let tip = txn
            .open_table(store::CHAINS)?
            .get(node.0)?
            .map(|v| v.value());
        Ok(tip.map_or((0, Hash::ZERO), |(seq, hash)| (seq, Hash(hash))))
    }

    /// Every op `peer` is not known to hold, in the order this node applied them (so every op
    /// comes after what it builds on).
    pub fn ops_missing_at(&self, peer: NodeId) -> Result<Vec<SignedOp>> {
        let known = self.peer(peer)?.known;
        let txn = self.db.begin_read()?;
        let ops = txn.open_table(store::OPS)?;
        let mut out = Vec::new();
        for entry in txn.open_table(store::LOG)?.iter()? {
            let (_, key) = entry?;
            let (node, seq) = key.value();
            if seq > known.get(&NodeId(node)).copied().unwrap_or(0) {
                let bytes = ops
                    .get((node, seq))?
                    .ok_or_else(|| Error::corrupt("the log names a missing op"))?;
                out.push(SignedOp::decode(bytes.value())?);
            }
        }
        Ok(out)
    }

    /// How many received ops wait for predecessors that have not arrived.
    pub fn pending_count(&self) -> Result<u64> {
        let txn = self.db.begin_read()?;
        Ok(txn.open_table(store::PENDING)?.len()?)
    }

    /// This node's own chain as its peers see it.
    pub fn own_history(&self) -> Result<OwnHistory> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(store::META)?;
        let held = txn
            .open_table(store::CHAINS)?
            .get(self.node.0)?
            .map_or(0, |v| v.value().0);
        Ok(OwnHistory {
            held,
            seen: read_u64(&meta, meta_keys::OWN_SEQ_SEEN)?,
            fork: read_u64(&meta, meta_keys::OWN_FORK)?,
        })
    }

    /// The ids of every article held.
    pub fn article_ids(&self) -> Result<BTreeSet<String>> {
        let txn = self.db.begin_read()?;
        let mut ids = BTreeSet::new();
        for entry in txn.open_table(store::ARTICLES)?.iter()? {
            ids.insert(entry?.0.value().to_string());
        }
        Ok(ids)
    }

    /// The key this node signs its ops and bundles with.
    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The age identity bundles encrypted to this node open with.
    pub(crate) fn age_identity(&self) -> &age::x25519::Identity {
        &self.age
    }
}

/// Keeps `op`, which waits for predecessors, in the pending table of `txn`.
pub(crate) fn hold_pending(txn: &WriteTransaction, op: &SignedOp) -> Result<()> {
    txn.open_table(store::PENDING)?
        .insert((op.op.node.0, op.op.seq), op.encode().as_slice())?;
    Ok(())
}

/// An op's place: (node, seq).
pub(crate) type OpKey = ([u8; 16], u64);

/// The ops waiting in the pending table of `txn`, in (node, seq) order.
pub(crate) fn pending_ops(txn: &WriteTransaction) -> Result<Vec<(OpKey, SignedOp)>> {
    let table = txn.open_table(store::PENDING)?;
    let mut out = Vec::new();
    for entry in table.iter()? {
        let (k, v) = entry?;
        out.push((k.value(), SignedOp::decode(v.value())?));
    }
    Ok(out)
}

/// Takes the op at `key` out of the pending table of `txn`.
pub(crate) fn release_pending(txn: &WriteTransaction, key: OpKey) -> Result<()> {
    txn.open_table(store::PENDING)?.remove(key)?;
    Ok(())
}

/// How many ops wait in the pending table of `txn`.
pub(crate) fn pending_in(txn: &WriteTransaction) -> Result<u64> {
    Ok(txn.open_table(store::PENDING)?.len()?)
}

/// Records in `txn` what `sender` holds (its acknowledgement, its version vector `known`) and
/// that its bundle came at `now`. The vector replaces what was known (a node restored from an
/// older copy holds less than it did, and must be sent again what it lost); a node whose
/// history forked at `seq` is taken to hold only what came before, so that it is sent this
/// node's version from there.
pub(crate) fn record_ack(
    txn: &WriteTransaction,
    sender: NodeId,
    known: &[(NodeId, u64)],
    now: u64,
    forked: &BTreeMap<NodeId, u64>,
) -> Result<()> {
    let mut peers = txn.open_table(store::PEERS)?;
    let mut record: PeerRecord = get(&peers, sender.0)?.unwrap_or_default();
    record.known = known.iter().copied().collect();
    for (node, seq) in forked {
        let known = record.known.entry(*node).or_default();
        *known = (*known).min(seq.saturating_sub(1));
    }
    record.last_received_millis = now;
    peers.insert(sender.0, encode(&record).as_slice())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::core::{Applied, Batch, FixedClock, InitOptions, apply_op};

    fn node(office: &str) -> Replica {
        let clock = Arc::new(FixedClock::new(1_700_000_000_000));
        Replica::create_in_memory(&InitOptions::new(office), clock).expect("node")
    }

    #[test]
    fn an_op_whose_predecessor_is_missing_waits_as_an_outcome_not_an_error() {
        let (here, other) = (node("Here"), node("Other"));
        let ops = other.ops_missing_at(here.node_id()).expect("ops");
        let second = ops.get(1).expect("a second op");
        let txn = here.db.begin_write().expect("txn");
        let mut batch = Batch::open(&txn).expect("batch");
        let applied = apply_op(&mut batch, second, true, None).expect("no error");
        let Applied::Waits { reason } = applied else {
            panic!("expected the op to wait, got {applied:?}");
        };
        assert!(reason.contains("waits for op 1"), "{reason}");
    }

    #[test]
    fn an_acknowledgement_leaves_nothing_missing_at_the_peer() {
        let (mut here, other) = (node("Here"), node("Other"));
        let peer = other.node_id();
        let missing = here.ops_missing_at(peer).expect("ops").len();
        assert!(missing > 0);
        let vector: Vec<(NodeId, u64)> = here.version_vector().expect("vv").into_iter().collect();
        let txn = here.db.begin_write().expect("txn");
        record_ack(&txn, peer, &vector, 42, &BTreeMap::new()).expect("ack");
        txn.commit().expect("commit");
        assert!(here.ops_missing_at(peer).expect("ops").is_empty());
        assert_eq!(here.peer(peer).expect("peer").last_received_millis, 42);
        // A fork at this node's op 2 makes the peer hold only op 1 of it.
        let forked = BTreeMap::from([(here.node_id(), 2)]);
        let txn = here.db.begin_write().expect("txn");
        record_ack(&txn, peer, &vector, 43, &forked).expect("ack");
        txn.commit().expect("commit");
        assert_eq!(here.ops_missing_at(peer).expect("ops").len(), missing - 1);
        here.record_sent(peer).expect("sent");
        assert_eq!(
            here.peer(peer).expect("peer").last_sent_millis,
            1_700_000_000_000
        );
    }
}
