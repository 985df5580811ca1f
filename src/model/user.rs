//! Accounts, their clearance, and the category roles HQ grants. Accounts and grants are ops, so
//! every node knows who is an evaluator or an expert of what; passwords stay on their node.

use serde::{Deserialize, Serialize};

use super::{Author, Classification, Hlc, NodeId};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Officer,
    Evaluator,
    Expert,
    Admin,
}

impl Role {
    pub const ALL: &'static [Role] = &[Role::Officer, Role::Evaluator, Role::Expert, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Evaluator => "evaluator",
            Role::Expert => "expert",
            Role::Admin => "admin",
        }
    }

    /// Evaluator and expert rights hold over a subtree of the Knowledge Map and are granted by
    /// HQ (`RoleGranted`); officer and administrator are an account's own role on its node.
    pub fn is_granted(self) -> bool {
        matches!(self, Role::Evaluator | Role::Expert)
    }
}

/// An account on one node. Accounts are per node (a shift shares a laptop); the same name on two
/// nodes is two people.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct User {
    pub node: NodeId,
    pub name: String,
    pub role: Role,
    /// The most classified content this account may see.
    pub clearance: Classification,
    /// A disabled account cannot sign in or act; its history stays.
    pub disabled: bool,
}

impl User {
    /// The clearance an account has until its administrator sets one: an administrator sees
    /// everything on their node, everyone else what is for customs eyes.
    pub fn default_clearance(role: Role) -> Classification {
        match role {
            Role::Admin => Classification::Restricted,
            _ => Classification::CustomsOnly,
        }
    }

    pub fn author(&self) -> Author {
        Author {
            node: self.node,
            name: self.name.clone(),
        }
    }
}

/// A change to an account, made by an administrator of its node (`Payload::UserChanged`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum UserChange {
    Clearance(Classification),
    Disabled,
    Enabled,
    Role(Role),
}

/// One category role granted to a person: `category` None is the whole Knowledge Map, else the
/// subtree under that category id.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub category: Option<String>,
    /// The grant's latest op, `(hlc, node)`: the later of a grant and a revocation of the
    /// same role and category stands, whatever the delivery order.
    pub hlc: Hlc,
    pub by: NodeId,
    /// `Some(seq)` once revoked: the holder's node's ops after `seq` (what HQ held of that node
    /// when it revoked) no longer carry the role, at every node alike.
    pub revoked_after: Option<u64>,
}

impl Grant {
    /// Whether the grant covers `category` for an op numbered `seq` of the holder's node.
    pub fn covers(&self, role: Role, category: &str, seq: u64) -> bool {
        self.role == role
            && self.revoked_after.is_none_or(|cut| seq <= cut)
            && self.category.as_deref().is_none_or(|root| {
                category == root
                    || category
                        .strip_prefix(root)
                        .is_some_and(|rest| rest.starts_with('/'))
            })
    }

    /// In force for new work: granted and not revoked.
    pub fn in_force(&self) -> bool {
        self.revoked_after.is_none()
    }
}

/// A node HQ revoked (a lost laptop): its ops after `after_seq` are refused everywhere.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct NodeRevocation {
    pub after_seq: u64,
    pub hlc: Hlc,
    pub by: NodeId,
}

/// Checks a user name: 1–32 characters, letters, digits, `.`, `_`, `-`.
pub fn check_user_name(name: &str) -> crate::Result<()> {
    let ok = (1..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(crate::Error::invalid(format!(
            "`{name}` is not a valid user name: use 1-32 letters, digits, '.', '_' or '-'"
        )))
    }
}
