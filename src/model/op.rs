//! Operations: every change to Outpost's knowledge is one. Ops are immutable, signed by the node
//! that made them, and chained per node by the hash of that node's previous op.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::{ArticleId, Hash, Hlc, KnowledgeMap, NodeId, Revision, Role, Status};
use crate::error::{Error, Result};

/// Bumped whenever the encoding of `Op` changes; old versions must stay decodable.
pub const OP_FORMAT: u8 = 1;

/// What an op does. New variants go at the end: postcard encodes the variant index.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum Payload {
    /// A node's first op: who it is and the key its ops are signed with.
    NodeCreated {
        office: String,
        hq: bool,
        public_key: [u8; 32],
        /// The node's age recipient (`age1…`): bundles for it are encrypted to this.
        age_recipient: String,
    },
    UserCreated {
        name: String,
        role: Role,
    },
    /// Adds or replaces categories of the Knowledge Map (privileged).
    KnowledgeMapSet {
        map: KnowledgeMap,
    },
    /// A new revision of an article; a revision without parents creates the article.
    RevisionAdded {
        article: ArticleId,
        revision: Revision,
    },
    StatusSet {
        article: ArticleId,
        status: Status,
    },
    /// HQ admits a new post (privileged): its ops are accepted once this op is known.
    NodeEnrolled {
        node: NodeId,
        office: String,
        public_key: [u8; 32],
        age_recipient: String,
    },
    /// HQ authorizes a node's administrators to sign privileged ops (privileged, HQ only).
    NodeTrusted {
        node: NodeId,
    },
    /// A new article with its first revision (no parents) and its status, in one op: what
    /// `RevisionAdded` then `StatusSet` say, authorized as both (publishing stays an HQ
    /// administrator's). An article published as it is written, or imported, then costs one
    /// signed op instead of two.
    ArticleCreated {
        article: ArticleId,
        revision: Revision,
        status: Status,
    },
    /// Makes `revision` the article's published text (privileged: HQ or a node HQ trusts).
    /// Other nodes' later revisions of a published article are proposals until one is
    /// published in turn.
    RevisionPublished {
        article: ArticleId,
        revision: Hash,
    },
}

impl Payload {
    /// The article this op touches, if any.
    pub fn article(&self) -> Option<&ArticleId> {
        match self {
            Payload::RevisionAdded { article, .. }
            | Payload::StatusSet { article, .. }
            | Payload::ArticleCreated { article, .. }
            | Payload::RevisionPublished { article, .. } => Some(article),
            _ => None,
        }
    }

    /// The revision this op adds, if any.
    pub fn revision(&self) -> Option<&Revision> {
        match self {
            Payload::RevisionAdded { revision, .. } | Payload::ArticleCreated { revision, .. } => {
                Some(revision)
            }
            _ => None,
        }
    }

    /// A short name for reports.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::NodeCreated { .. } => "node",
            Payload::UserCreated { .. } => "user",
            Payload::KnowledgeMapSet { .. } => "knowledge-map",
            Payload::RevisionAdded { .. } => "revision",
            Payload::StatusSet { .. } => "status",
            Payload::NodeEnrolled { .. } => "enrolment",
            Payload::NodeTrusted { .. } => "trust",
            Payload::ArticleCreated { .. } => "article",
            Payload::RevisionPublished { .. } => "publication",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Op {
    pub format: u8,
    pub node: NodeId,
    /// 1, 2, 3 … per node, without gaps.
    pub seq: u64,
    pub hlc: Hlc,
    /// The acting user's name on `node`.
    pub user: String,
    /// Hash of this node's op `seq - 1`; zero for the first.
    pub prev: Hash,
    pub payload: Payload,
}

impl Op {
    /// The op's identity, and what its signature covers: a domain tag plus the encoded op.
    pub fn hash(&self) -> Hash {
        let mut bytes = b"outpost-op\0".to_vec();
        // Encoding owned plain data into a Vec cannot fail.
        bytes.extend(postcard::to_stdvec(self).unwrap_or_default());
        Hash::of(&bytes)
    }

    pub fn sign(self, key: &SigningKey) -> SignedOp {
        let hash = self.hash();
        self.sign_hash(hash, key)
    }

    /// Signs `hash`, which the caller computed as `self.hash()` (a chain needs it anyway).
    pub(crate) fn sign_hash(self, hash: Hash, key: &SigningKey) -> SignedOp {
        let signature = key.sign(&hash.0).to_bytes().to_vec();
        SignedOp {
            op: self,
            signature,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct SignedOp {
    pub op: Op,
    /// Ed25519 over `op.hash()`, 64 bytes.
    pub signature: Vec<u8>,
}

impl SignedOp {
    pub fn verify(&self, public_key: &[u8; 32]) -> Result<()> {
        let bad = || Error::Corrupt {
            what: format!(
                "op {} of node {} has an invalid signature",
                self.op.seq,
                self.op.node.short()
            ),
        };
        let key = VerifyingKey::from_bytes(public_key).map_err(|_| bad())?;
        let bytes: [u8; 64] = self.signature.as_slice().try_into().map_err(|_| bad())?;
        key.verify(&self.op.hash().0, &Signature::from_bytes(&bytes))
            .map_err(|_| bad())
    }

    pub fn encode(&self) -> Vec<u8> {
        postcard::to_stdvec(self).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        Ok(postcard::from_bytes(bytes)?)
    }
}
