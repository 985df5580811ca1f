//! Attachments' blobs between nodes, as the core keeps them: which blobs each peer is known to
//! hold (`store::BLOB_PEERS`), the blobs an envelope carries, stored only when their bytes match
//! their BLAKE3 hash, and the blobs "to come" — named by an attachment op this node holds, their
//! bytes not arrived yet. What a bundle carries and asks for is sync's choice (`sync::blobs`).

use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};

use super::Replica;
use super::attachments::store_blobs;
use super::remote::Envelope;
use crate::error::{Error, Result};
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

    /// The bytes of `chosen` blobs, in order (a blob this node lacks is left out).
    pub fn load_blobs(&self, chosen: &[(Hash, u64)]) -> Result<Vec<(Hash, Vec<u8>)>> {
        let mut out = Vec::with_capacity(chosen.len());
        for (hash, _) in chosen {
            if let Some(bytes) = self.blob(hash)? {
                out.push((*hash, bytes));
            }
        }
        Ok(out)
    }

    /// Records that `peer` holds `sent` (the bundle carrying them has been written).
    pub fn record_blobs_sent(&mut self, peer: NodeId, sent: &[(Hash, u64)]) -> Result<()> {
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

/// Keeps the blobs `envelope` carries and notes what its sender holds and wants, in `txn`.
/// Every blob is checked against its hash first: a mismatch refuses the envelope, nothing kept.
/// Returns how many blobs were new here.
pub(super) fn receive<E: Envelope>(txn: &WriteTransaction, envelope: &E) -> Result<u64> {
    let carried = envelope.blobs();
    if let Some((hash, _)) = carried.iter().find(|(h, b)| Hash::of(b) != *h) {
        return Err(envelope.rejected(Error::corrupt(format!(
            "the blob {} does not match its hash",
            hash.short()
        ))));
    }
    let sender = envelope.sender().0;
    {
        let mut peers = txn.open_table(store::BLOB_PEERS)?;
        for hash in envelope.wanted() {
            peers.remove((sender, hash.0))?;
        }
        for (hash, _) in carried {
            peers.insert((sender, hash.0), ())?;
        }
    }
    let blobs: Vec<(Hash, &[u8])> = carried.iter().map(|(h, b)| (*h, b.as_slice())).collect();
    store_blobs(txn, &blobs)
}

/// Marks as "to come" the blobs named by attachment ops of `envelopes` that this node does not
/// hold. Returns how many are to come in all.
pub(super) fn note_to_come<E: Envelope>(txn: &WriteTransaction, envelopes: &[E]) -> Result<u64> {
    let sizes = txn.open_table(store::BLOB_SIZES)?;
    let mut to_come = txn.open_table(store::BLOBS_TO_COME)?;
    for envelope in envelopes {
        for op in envelope.ops() {
            if let Payload::AttachmentAdded { attachment, .. } = &op.op.payload
                && sizes.get(attachment.blob.0)?.is_none()
            {
                to_come.insert(attachment.blob.0, ())?;
            }
        }
    }
    Ok(to_come.len()?)
}
