//! Operations: every change to Outpost's knowledge is one. Ops are immutable, signed by the node
//! that made them, and chained per node by the hash of that node's previous op.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::{
    ArticleId, Attachment, Audience, Author, Classification, GlossaryEntry, Hash, Hlc, HsCode,
    KnowledgeMap, NodeId, Revision, Role, Status, UserChange, Verdict,
};
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
    /// An administrator changes an account of their own node: clearance, disabled, role.
    UserChanged {
        name: String,
        change: UserChange,
    },
    /// Gives a person an evaluator's or expert's rights over a category subtree (`None`: the
    /// whole map). Privileged: HQ or a node HQ trusts.
    RoleGranted {
        user: Author,
        role: Role,
        category: Option<String>,
    },
    /// Withdraws a grant. The holder's node's ops numbered after `after_seq` (what the revoking
    /// node held of it) no longer carry the role, so every node reaches the same verdict.
    RoleRevoked {
        user: Author,
        role: Role,
        category: Option<String>,
        after_seq: u64,
    },
    /// HQ revokes a node's key (a lost laptop): its ops after `after_seq` are refused.
    NodeRevoked {
        node: NodeId,
        after_seq: u64,
    },
    /// Adds a glossary entry or replaces the one of its id, shipped or not (privileged: an
    /// administrator at HQ or on a node HQ trusts). The latest by `(hlc, node)` stands.
    GlossarySet {
        entry: GlossaryEntry,
    },
    /// Attaches a file to an article, or replaces the attachment of that name (the article's
    /// authors or an administrator). The file's bytes travel apart, as a blob.
    AttachmentAdded {
        article: ArticleId,
        attachment: Attachment,
    },
    /// Removes the attachment `name` from an article (its authors or an administrator).
    AttachmentRemoved {
        article: ArticleId,
        name: String,
    },
    /// An author submits `revision` of their article for evaluation (`core/evaluation.rs`).
    Submitted {
        article: ArticleId,
        revision: Hash,
        note: String,
    },
    /// An evaluator's vote on a submitted revision, in step 1 or step 2.
    Evaluated {
        article: ArticleId,
        revision: Hash,
        step: u8,
        verdict: Verdict,
    },
    /// HQ sets an evaluation policy number (`model::evaluation::policy`), over the whole map
    /// (`category` None) or a category subtree. Privileged: HQ or a node HQ trusts.
    PolicySet {
        key: String,
        value: u32,
        category: Option<String>,
    },
    /// A reader flags an article as needing its owner's look ("outdated", "wrong", …).
    Flagged {
        article: ArticleId,
        reason: String,
    },
    /// The owner or an evaluator of its category says the article is still correct: its
    /// review-by date moves forward and its flags are cleared.
    Confirmed {
        article: ArticleId,
    },
    /// `article` is superseded by `by`: readers are sent to the successor (an evaluator of
    /// its category, or an administrator at HQ or a node HQ trusts).
    Superseded {
        article: ArticleId,
        by: ArticleId,
    },
    /// HQ requires `audience` to read the article by `due` (`YYYY-MM-DD`). Privileged.
    ReadingRequired {
        article: ArticleId,
        audience: Audience,
        due: String,
    },
    /// An officer the article is required of acknowledges having read `revision` of it.
    Acknowledged {
        article: ArticleId,
        revision: Hash,
    },
    /// An officer asks the experts of `category` a question (`core/market.rs`). `experts_only`
    /// is the `market.answer-requires-expert` policy the asker's node held when it was asked.
    QuestionAsked {
        question: String,
        title: String,
        category: String,
        urgent: bool,
        hs: Vec<HsCode>,
        body: String,
        classification: Classification,
        experts_only: bool,
    },
    /// An answer to a question.
    AnswerPosted {
        question: String,
        answer: String,
        body: String,
    },
    /// The asker accepts one answer to their question (the latest acceptance stands).
    AnswerAccepted {
        question: String,
        answer: String,
    },
    /// The answer's author turned it into the draft article `article`, created by an
    /// `ArticleCreated` op earlier in the same commit.
    AnswerPromoted {
        answer: String,
        article: ArticleId,
    },
    /// A comment on a question or an article (`target`); `parent`, a top-level comment on
    /// the same target, makes it a reply.
    CommentPosted {
        target: String,
        comment: String,
        parent: Option<String>,
        text: String,
    },
    /// The signer's "helpful" vote on an answer or an article, set or withdrawn.
    HelpfulSet {
        target: String,
        helpful: bool,
    },
    /// Founds a community of practice (`core/community.rs`). Names are unique: of two creates
    /// of one name, the earlier by `(hlc, node)` stands and the other is refused.
    CommunityCreated {
        name: String,
        description: String,
        category: Option<String>,
    },
    /// The signer joins a community.
    CommunityJoined {
        name: String,
    },
    /// The signer leaves a community they belong to.
    CommunityLeft {
        name: String,
    },
    /// A member records what the community achieved.
    CommunityOutcome {
        name: String,
        title: String,
        /// `YYYY-MM-DD`.
        date: String,
        articles: Vec<ArticleId>,
    },
    /// HQ replaces the mileage rules (`assets/mileage.toml`'s format) for every node.
    /// Privileged: HQ or a node HQ trusts.
    MileageRulesSet {
        toml: String,
    },
}

impl Payload {
    /// The article this op touches, if any.
    pub fn article(&self) -> Option<&ArticleId> {
        match self {
            Payload::RevisionAdded { article, .. }
            | Payload::StatusSet { article, .. }
            | Payload::ArticleCreated { article, .. }
            | Payload::RevisionPublished { article, .. }
            | Payload::AttachmentAdded { article, .. }
            | Payload::AttachmentRemoved { article, .. } => Some(article),
            Payload::Submitted { article, .. } | Payload::Evaluated { article, .. } => {
                Some(article)
            }
            Payload::Flagged { article, .. }
            | Payload::Confirmed { article }
            | Payload::Superseded { article, .. }
            | Payload::ReadingRequired { article, .. }
            | Payload::Acknowledged { article, .. } => Some(article),
            _ => None,
        }
    }

    /// The question whose search document an op changes: the asking, and each answer (whose
    /// words the question is found by).
    pub fn indexed_question(&self) -> Option<&str> {
        match self {
            Payload::QuestionAsked { question, .. } | Payload::AnswerPosted { question, .. } => {
                Some(question)
            }
            _ => None,
        }
    }

    /// The question, answer or comment target a Knowledge Market op names, for refusal
    /// reports and for ops that build on a refused one.
    pub fn market_subject(&self) -> Option<&str> {
        match self {
            Payload::QuestionAsked { question, .. }
            | Payload::AnswerPosted { question, .. }
            | Payload::AnswerAccepted { question, .. } => Some(question),
            Payload::AnswerPromoted { answer, .. } => Some(answer),
            Payload::CommentPosted { target, .. } | Payload::HelpfulSet { target, .. } => {
                Some(target)
            }
            _ => None,
        }
    }

    /// Whether the op belongs to an urgent question (the question itself; answers are told
    /// urgent by the question they answer, see `sync` export).
    pub fn is_urgent_question(&self) -> bool {
        matches!(self, Payload::QuestionAsked { urgent: true, .. })
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
            Payload::UserChanged { .. } => "user-change",
            Payload::RoleGranted { .. } => "role-grant",
            Payload::RoleRevoked { .. } => "role-revocation",
            Payload::NodeRevoked { .. } => "node-revocation",
            Payload::GlossarySet { .. } => "glossary",
            Payload::AttachmentAdded { .. } => "attachment",
            Payload::AttachmentRemoved { .. } => "detachment",
            Payload::Submitted { .. } => "submission",
            Payload::Evaluated { .. } => "vote",
            Payload::PolicySet { .. } => "policy",
            Payload::Flagged { .. } => "flag",
            Payload::Confirmed { .. } => "confirmation",
            Payload::Superseded { .. } => "supersession",
            Payload::ReadingRequired { .. } => "requirement",
            Payload::Acknowledged { .. } => "acknowledgement",
            Payload::QuestionAsked { .. } => "question",
            Payload::AnswerPosted { .. } => "answer",
            Payload::AnswerAccepted { .. } => "acceptance",
            Payload::AnswerPromoted { .. } => "promotion",
            Payload::CommentPosted { .. } => "comment",
            Payload::HelpfulSet { .. } => "helpful",
            Payload::CommunityCreated { .. } => "community",
            Payload::CommunityJoined { .. } => "community-join",
            Payload::CommunityLeft { .. } => "community-leave",
            Payload::CommunityOutcome { .. } => "community-outcome",
            Payload::MileageRulesSet { .. } => "mileage-rules",
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
        let signature = SignatureBytes(key.sign(&hash.0).to_bytes());
        SignedOp {
            op: self,
            signature,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct SignedOp {
    pub op: Op,
    /// Ed25519 over `op.hash()`.
    pub signature: SignatureBytes,
}

/// An Ed25519 signature: 64 bytes. On the wire it is a byte string (a length, then the bytes),
/// exactly as the `Vec<u8>` it replaced, so stored ops and bundles read the same; one of
/// another length does not decode.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SignatureBytes(pub [u8; 64]);

impl Serialize for SignatureBytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for SignatureBytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Bytes64;
        impl<'de> serde::de::Visitor<'de> for Bytes64 {
            type Value = SignatureBytes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("64 bytes of signature")
            }
            fn visit_bytes<E: serde::de::Error>(
                self,
                v: &[u8],
            ) -> std::result::Result<Self::Value, E> {
                <[u8; 64]>::try_from(v)
                    .map(SignatureBytes)
                    .map_err(|_| E::invalid_length(v.len(), &self))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut out = [0u8; 64];
                for (i, byte) in out.iter_mut().enumerate() {
                    *byte = seq
                        .next_element()?
                        .ok_or_else(|| serde::de::Error::invalid_length(i, &self))?;
                }
                if seq.next_element::<u8>()?.is_some() {
                    return Err(serde::de::Error::invalid_length(65, &self));
                }
                Ok(SignatureBytes(out))
            }
        }
        d.deserialize_bytes(Bytes64)
    }
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
        key.verify(&self.op.hash().0, &Signature::from_bytes(&self.signature.0))
            .map_err(|_| bad())
    }

    pub fn encode(&self) -> Vec<u8> {
        postcard::to_stdvec(self).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        Ok(postcard::from_bytes(bytes)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Do not edit: a failure means bundles holding Knowledge Market ops can no longer be read.
    #[test]
    fn knowledge_market_payloads_keep_their_variant_indices() {
        let id = || "q-abcdefghij".to_string();
        let payloads = [
            Payload::QuestionAsked {
                question: id(),
                title: "t".into(),
                category: "clearance".into(),
                urgent: true,
                hs: vec![],
                body: "b".into(),
                classification: Classification::CustomsOnly,
                experts_only: false,
            },
            Payload::AnswerPosted {
                question: id(),
                answer: id(),
                body: "b".into(),
            },
            Payload::AnswerAccepted {
                question: id(),
                answer: id(),
            },
            Payload::AnswerPromoted {
                answer: id(),
                article: ArticleId::parse("some-article").expect("id"),
            },
            Payload::CommentPosted {
                target: id(),
                comment: id(),
                parent: None,
                text: "c".into(),
            },
            Payload::HelpfulSet {
                target: id(),
                helpful: true,
            },
        ];
        for (index, payload) in (24u8..).zip(&payloads) {
            let bytes = postcard::to_stdvec(payload).expect("encodes");
            assert_eq!(bytes[0], index, "{payload:?}");
            let back: Payload = postcard::from_bytes(&bytes).expect("decodes");
            assert_eq!(&back, payload);
        }
        let urgent = postcard::to_stdvec(&payloads[0]).expect("encodes");
        assert_eq!(
            urgent,
            [
                24, 12, b'q', b'-', b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h', b'i', b'j', 1,
                b't', 9, b'c', b'l', b'e', b'a', b'r', b'a', b'n', b'c', b'e', 1, 0, 1, b'b', 1, 0
            ]
        );
    }

    #[test]
    fn a_signature_is_encoded_as_the_byte_vector_it_replaced() {
        let bytes: Vec<u8> = (0..64).collect();
        let fixed = SignatureBytes(bytes.as_slice().try_into().expect("64"));
        let encoded = postcard::to_stdvec(&fixed).expect("encodes");
        assert_eq!(encoded, postcard::to_stdvec(&bytes).expect("encodes"));
        let back: SignatureBytes = postcard::from_bytes(&encoded).expect("decodes");
        assert_eq!(back, fixed);
        let short = postcard::to_stdvec(&vec![7u8; 63]).expect("encodes");
        assert!(postcard::from_bytes::<SignatureBytes>(&short).is_err());
    }
}
