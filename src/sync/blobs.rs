//! Attachments' blobs in bundles. A bundle carries the blobs its recipient is not known to hold:
//! a blob sent to a peer, or received from it, is recorded (`store::BLOB_PEERS`) and never sent
//! to it again, even before the peer acknowledges the bundle — blobs are large, and resending
//! them with every unacknowledged bundle is what an email link cannot afford. A bundle lost on
//! the way is covered by the peer: the attachments whose blob it lacks are "to come" there, and
//! every bundle it sends lists them (`BlobIndex::wanted`), which makes this node send them again.
//!
//! The core keeps that record and stores received blobs (`core/remote_blobs.rs`); this module
//! only chooses what one bundle carries and asks for, within the bundle's limits.

use super::bundle::{MAX_BLOB_SECTION, MAX_BLOBS};
use crate::Replica;
use crate::error::Result;
use crate::model::Hash;

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

/// Blobs to ask the peer for: those still to come at `replica`, as many as a bundle lists.
pub(crate) fn wanted(replica: &Replica) -> Result<Vec<Hash>> {
    let mut wanted = replica.blobs_to_come()?;
    wanted.truncate(MAX_BLOBS);
    Ok(wanted)
}
