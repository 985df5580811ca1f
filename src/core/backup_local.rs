//! The node-local tables a backup carries beside the log: passwords and sign-in failures, so
//! that a restored node signs its people in as before (and keeps slowing down a name being
//! guessed), and the attachments' files with what is known of their travels, which no replay
//! of the log can bring back (an op names a file by its hash; the bytes live only here).

use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::attachments::store_blobs;
use super::auth::{PASSWORDS, SIGN_IN_FAILURES, open_local};
use crate::error::Result;
use crate::model::Hash;
use crate::store;

/// Node-local tables as a backup holds them (backup format 2 and later).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct LocalTables {
    /// Account name → PHC string of its Argon2id hash.
    pub passwords: Vec<(String, String)>,
    /// Name tried → encoded `auth::Failures`.
    pub sign_in_failures: Vec<(String, Vec<u8>)>,
    /// BLAKE3 → the attachment's bytes.
    pub blobs: Vec<([u8; 32], Vec<u8>)>,
    /// Blobs named by received attachments that have not arrived.
    pub blobs_to_come: Vec<[u8; 32]>,
    /// (peer, blob): blobs a peer is known to hold.
    pub blob_peers: Vec<([u8; 16], [u8; 32])>,
}

impl LocalTables {
    /// Reads the tables in `txn`, the backup's one read transaction.
    pub fn read(txn: &ReadTransaction) -> Result<Self> {
        let mut out = LocalTables::default();
        if let Some(table) = open_local(txn, PASSWORDS)? {
            for row in table.iter()? {
                let (k, v) = row?;
                out.passwords
                    .push((k.value().to_string(), v.value().to_string()));
            }
        }
        if let Some(table) = open_local(txn, SIGN_IN_FAILURES)? {
            for row in table.iter()? {
                let (k, v) = row?;
                out.sign_in_failures
                    .push((k.value().to_string(), v.value().to_vec()));
            }
        }
        for row in txn.open_table(store::BLOBS)?.iter()? {
            let (k, v) = row?;
            out.blobs.push((k.value(), v.value().to_vec()));
        }
        for row in txn.open_table(store::BLOBS_TO_COME)?.iter()? {
            out.blobs_to_come.push(row?.0.value());
        }
        for row in txn.open_table(store::BLOB_PEERS)?.iter()? {
            out.blob_peers.push(row?.0.value());
        }
        Ok(out)
    }

    /// The first blob whose bytes do not hash to its name: a backup holding one is damaged.
    pub fn misnamed_blob(&self) -> Option<Hash> {
        self.blobs
            .iter()
            .find(|(hash, bytes)| Hash::of(bytes).0 != *hash)
            .map(|(hash, _)| Hash(*hash))
    }

    /// Writes the sign-in tables into the restored store.
    pub fn write_sign_in(&self, txn: &WriteTransaction) -> Result<()> {
        if !self.passwords.is_empty() {
            let mut table = txn.open_table(PASSWORDS)?;
            for (name, phc) in &self.passwords {
                table.insert(name.as_str(), phc.as_str())?;
            }
        }
        if !self.sign_in_failures.is_empty() {
            let mut table = txn.open_table(SIGN_IN_FAILURES)?;
            for (name, failures) in &self.sign_in_failures {
                table.insert(name.as_str(), failures.as_slice())?;
            }
        }
        Ok(())
    }

    /// Writes the attachments' files and their bookkeeping into the restored store. Those still
    /// to come are noted first, so that a blob the backup holds is not asked for again.
    pub fn write_blobs(&self, txn: &WriteTransaction) -> Result<()> {
        {
            let mut to_come = txn.open_table(store::BLOBS_TO_COME)?;
            for hash in &self.blobs_to_come {
                to_come.insert(*hash, ())?;
            }
            let mut peers = txn.open_table(store::BLOB_PEERS)?;
            for key in &self.blob_peers {
                peers.insert(*key, ())?;
            }
        }
        let blobs: Vec<(Hash, &[u8])> = self
            .blobs
            .iter()
            .map(|(hash, bytes)| (Hash(*hash), bytes.as_slice()))
            .collect();
        store_blobs(txn, &blobs)?;
        Ok(())
    }
}
