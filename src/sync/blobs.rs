//! Attachments' blobs in bundles. A bundle carries the blobs its recipient is not known to hold:
//! a blob sent to a peer, or received from it, is recorded (`store::BLOB_PEERS`) and never sent
//! to it again, even before the peer acknowledges the bundle — blobs are large, and resending
//! them with every unacknowledged bundle is what an email link cannot afford. A bundle lost on
//! the way is covered by the peer: the attachments whose blob it lacks are "to come" there, and
//! every bundle it sends lists them (`BlobIndex::wanted`), which makes this node send them again.

use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};

use super::bundle::{Bundle, MAX_BLOB_SECTION, MAX_BLOBS};
use crate::Replica;
use crate::core::attachments::store_blobs;
use crate::error::Result;
use crate::model::{Hash, NodeId, Payload};
use crate::store;

impl Replica {
    /// The blobs this node holds that `peer` is not known to hold, with their lengths.
    pub fn blobs_lacking_at(&self, peer: NodeId) -> Result<Vec<(Hash, u64)>> {
        let txn = self.db.begin_read()?;
        let sizes = txn.open_table(store::BLOB_SIZES)?;
        let peers = txn.open_table(store::BLOB_PEERS)?;
        let mut out = Vec::new();
        for entry in sizes.iter()? {
            let (hash, len) = entry?;
            if peers.get((peer.0, hash.value()))?.is_none() {
                out.push((Hash(hash.value()), len.value()));
            }
        }
        Ok(out)
    }

    /// The bytes of `chosen` blobs, in order.
    pub(crate) fn load_blobs(&self, chosen: &[(Hash, u64)]) -> Result<Vec<(Hash, Vec<u8>)>> {
        let mut out = Vec::with_capacity(chosen.len());
        for (hash, _) in chosen {
            if let Some(bytes) = self.blob(hash)? {
                out.push((*hash, bytes));
            }
        }
        Ok(out)
    }

    /// Blobs to ask the peer for: those still to come here.
    pub(crate) fn blobs_wanted(&self) -> Result<Vec<Hash>> {
        let mut wanted = self.blobs_to_come()?;
        wanted.truncate(MAX_BLOBS);
        Ok(wanted)
    }

    /// Records that `peer` holds `sent` (the bundle carrying them has been written).
    pub(crate) fn record_blobs_sent(&mut self, peer: NodeId, sent: &[(Hash, u64)]) -> Result<()> {
        if sent.is_empty() {
            return Ok(());
        }
        let txn = self.db.begin_write()?;
        {
            let mut peers = txn.open_table(store::BLOB_PEERS)?;
            for (hash, _) in sent {
                peers.insert((peer.0, hash.0), ())?;
            }
        }
        txn.commit()?;
        Ok(())
    }
}

/// Which of `lacking` one bundle carries: as many as its limits allow, in order; the rest go in
/// the next bundle.
pub(crate) fn choose(lacking: &[(Hash, u64)]) -> Vec<(Hash, u64)> {
    let mut total = 0u64;
    let mut out = Vec::new();
    for (hash, len) in lacking {
        if out.len() == MAX_BLOBS || total + len > MAX_BLOB_SECTION {
            break;
        }
        total += len;
        out.push((*hash, *len));
    }
    out
}

/// Keeps the blobs `bundle` carries and notes what its sender holds and wants. Returns how many
/// blobs were new here.
pub(crate) fn receive(txn: &WriteTransaction, bundle: &Bundle) -> Result<u64> {
    let sender = bundle.header.sender.0;
    {
        let mut peers = txn.open_table(store::BLOB_PEERS)?;
        for hash in &bundle.wanted {
            peers.remove((sender, hash.0))?;
        }
        for (hash, _) in &bundle.blobs {
            peers.insert((sender, hash.0), ())?;
        }
    }
    let blobs: Vec<(Hash, &[u8])> = bundle
        .blobs
        .iter()
        .map(|(h, b)| (*h, b.as_slice()))
        .collect();
    store_blobs(txn, &blobs)
}

/// Marks as "to come" the blobs named by attachment ops of `bundles` that this node does not
/// hold. Returns how many are to come in all.
pub(crate) fn note_to_come(txn: &WriteTransaction, bundles: &[(String, Bundle)]) -> Result<u64> {
    let sizes = txn.open_table(store::BLOB_SIZES)?;
    let mut to_come = txn.open_table(store::BLOBS_TO_COME)?;
    for (_, bundle) in bundles {
        for op in &bundle.ops {
            if let Payload::AttachmentAdded { attachment, .. } = &op.op.payload
                && sizes.get(attachment.blob.0)?.is_none()
            {
                to_come.insert(attachment.blob.0, ())?;
            }
        }
    }
    Ok(to_come.len()?)
}
