//! Nodes (Outpost installations) and the categories they publish, as materialized.

use serde::{Deserialize, Serialize};

use super::{Category, Hlc, NodeId};

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct NodeInfo {
    pub id: NodeId,
    pub office: String,
    /// Headquarters: the authority for privileged operations.
    pub hq: bool,
    pub public_key: [u8; 32],
    pub age_recipient: String,
    pub created: Hlc,
}

/// HQ's admission of a node, materialized from `Payload::NodeEnrolled`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Enrolment {
    pub node: NodeId,
    pub office: String,
    pub public_key: [u8; 32],
    pub age_recipient: String,
    pub by: NodeId,
    pub hlc: Hlc,
}

/// A category with the op that last set it: the latest (hlc, node) wins, on every node alike.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CategoryRecord {
    pub category: Category,
    pub hlc: Hlc,
    pub node: NodeId,
}
