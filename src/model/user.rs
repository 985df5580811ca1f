//! Accounts. Passwords and clearances come with the accounts issue; roles are kept now.

use serde::{Deserialize, Serialize};

use super::NodeId;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Officer,
    Evaluator,
    Expert,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Evaluator => "evaluator",
            Role::Expert => "expert",
            Role::Admin => "admin",
        }
    }
}

/// An account on one node. Accounts are per node (a shift shares a laptop); the same name on two
/// nodes is two people.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct User {
    pub node: NodeId,
    pub name: String,
    pub role: Role,
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
