//! Enrolling a post: HQ makes the post's identity, records an HQ-signed `NodeEnrolled` op with
//! its public keys, and writes an enrolment file holding that identity and a bundle of
//! everything HQ holds (its key, the Knowledge Map, published knowledge). The post starts from
//! the file with `outpost init --from FILE`.
//!
//! File layout: `OUTPOSTE`, format u16 LE (1), then postcard `EnrolmentFile`. The file holds the
//! post's secret keys: it is written readable by its owner only and must be carried like a key.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::bundle::{self, BundleError};
use crate::Replica;
use crate::core::{Clock, DataDir, InitOptions, NodeKeys};
use crate::error::{Error, Result};
use crate::model::{NodeId, Payload, User};

const MAGIC: &[u8; 8] = b"OUTPOSTE";
const VERSION: u16 = 1;

#[derive(Serialize, Deserialize)]
struct EnrolmentFile {
    node: NodeId,
    office: String,
    signing_key: [u8; 32],
    age_identity: String,
    hq: NodeId,
    bundle: Vec<u8>,
}

impl Replica {
    /// `outpost node enrol`: admits a new post and returns its enrolment file's bytes.
    pub fn enrol(&mut self, user: &User, office: &str) -> Result<Vec<u8>> {
        if self.hq_node()? != self.node_id() || !self.node_info()?.hq {
            return Err(Error::Denied {
                reason: "only HQ enrols posts".into(),
            });
        }
        if self.find_node(office).is_ok() {
            return Err(Error::invalid(format!(
                "a node `{office}` exists already: pick another office name"
            )));
        }
        let keys = NodeKeys::generate();
        self.commit(
            &user.name,
            vec![Payload::NodeEnrolled {
                node: keys.node,
                office: office.to_string(),
                public_key: keys.signing.verifying_key().to_bytes(),
                age_recipient: keys.age.to_public().to_string(),
            }],
        )?;
        let ops = self.ops_missing_at(keys.node)?;
        let bundle = self.write_bundle(keys.node, &ops)?;
        use age::secrecy::ExposeSecret;
        let file = EnrolmentFile {
            node: keys.node,
            office: office.to_string(),
            signing_key: keys.signing.to_bytes(),
            age_identity: keys.age.to_string().expose_secret().to_string(),
            hq: self.node_id(),
            bundle,
        };
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend(
            postcard::to_stdvec(&file)
                .map_err(|e| Error::io("cannot encode", std::io::Error::other(e)))?,
        );
        Ok(out)
    }

    /// `outpost node trust NODE`: HQ authorizes a node's administrators to sign privileged ops
    /// (publication, the Knowledge Map, enrolments) — a regional office, say.
    pub fn trust_node(&mut self, user: &User, name: &str) -> Result<NodeId> {
        if self.hq_node()? != self.node_id() {
            return Err(Error::Denied {
                reason: "only HQ trusts nodes".into(),
            });
        }
        let node = self.find_node(name)?;
        if node.id == self.node_id() {
            return Err(Error::invalid("HQ is trusted already"));
        }
        self.commit(&user.name, vec![Payload::NodeTrusted { node: node.id }])?;
        Ok(node.id)
    }

    /// `outpost init --from FILE`: a post starting from its enrolment file.
    pub fn create_from_enrolment(dir: &DataDir, bytes: &[u8], admin: &str) -> Result<Replica> {
        let (file, keys) = read(bytes)?;
        let options = InitOptions {
            office: file.office.clone(),
            hq: false,
            admin: admin.to_string(),
        };
        Replica::create_with(dir, &options, keys, file.hq, |replica| {
            start(replica, &file, &options)
        })
    }

    /// As `create_from_enrolment`, held in memory (tests).
    pub fn enrolled_in_memory(bytes: &[u8], admin: &str, clock: Arc<dyn Clock>) -> Result<Replica> {
        let (file, keys) = read(bytes)?;
        let options = InitOptions {
            office: file.office.clone(),
            hq: false,
            admin: admin.to_string(),
        };
        let mut replica = Replica::in_memory_with(keys, file.hq, clock)?;
        start(&mut replica, &file, &options)?;
        Ok(replica)
    }
}

fn read(bytes: &[u8]) -> Result<(EnrolmentFile, NodeKeys)> {
    let name = "the enrolment file";
    if !bytes.starts_with(MAGIC) {
        return Err(BundleError::NotABundle { file: name.into() }.into());
    }
    let version = bytes
        .get(8..10)
        .map(|v| u16::from_le_bytes([v[0], v[1]]))
        .ok_or(BundleError::Truncated {
            file: name.into(),
            before: "format version",
        })?;
    if version > VERSION {
        return Err(BundleError::NewerFormat {
            file: name.into(),
            format: version,
            reads: VERSION,
        }
        .into());
    }
    if version == 0 {
        return Err(BundleError::Damaged {
            file: name.into(),
            why: "format version 0 does not exist".into(),
        }
        .into());
    }
    let file: EnrolmentFile =
        postcard::from_bytes(&bytes[10..]).map_err(|e| BundleError::Damaged {
            file: name.into(),
            why: format!("it does not decode ({e})"),
        })?;
    let age = file
        .age_identity
        .parse()
        .map_err(|_| BundleError::Damaged {
            file: name.into(),
            why: "its age identity is malformed".into(),
        })?;
    let keys = NodeKeys {
        node: file.node,
        signing: ed25519_dalek::SigningKey::from_bytes(&file.signing_key),
        age,
    };
    Ok((file, keys))
}

/// Applies HQ's bundle, then the post's own first ops (no Knowledge Map: HQ's applies).
fn start(replica: &mut Replica, file: &EnrolmentFile, options: &InitOptions) -> Result<()> {
    let decoded = bundle::decode("the enrolment bundle", &file.bundle)?;
    replica.apply_bundles(vec![("the enrolment bundle".into(), decoded)], false)?;
    let payloads = replica.genesis_payloads(options, false);
    replica.commit(&options.admin, payloads)?;
    Ok(())
}
