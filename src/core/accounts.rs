//! The accounts of this node as its administrator sees them (the interface's Users screen):
//! each as `name@office`, with role, clearance, whether it is disabled and has a password, and
//! its failed sign-ins. Only an administrator may list them.

use serde::Serialize;

use super::Replica;
use crate::error::{Error, Result};
use crate::model::{Classification, Role, User};

/// One account of this node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountRow {
    /// `name@office`, as the account is known across the network.
    pub person: String,
    pub role: Role,
    pub clearance: Classification,
    pub disabled: bool,
    /// Whether the account has a password on this node.
    pub password: bool,
    /// Failed sign-ins under its name, ever.
    pub failed_sign_ins: u64,
}

impl Replica {
    /// This node's accounts in name order, for `viewer` if they are an enabled administrator;
    /// anyone else is refused.
    pub fn accounts(&self, viewer: &User) -> Result<Vec<AccountRow>> {
        if viewer.role != Role::Admin || viewer.disabled {
            return Err(Error::Denied {
                reason: format!(
                    "only an administrator sees this node's accounts, and {} is {}; ask an administrator",
                    viewer.name,
                    viewer.role.as_str()
                ),
            });
        }
        let failures = self.sign_in_failures()?;
        let mut rows = Vec::new();
        for u in self.users()? {
            let failed = failures
                .iter()
                .find(|(name, _)| *name == u.name)
                .map_or(0, |(_, f)| f.total);
            rows.push(AccountRow {
                person: self.person_name(&u.author()),
                role: u.role,
                clearance: u.clearance,
                disabled: u.disabled,
                password: self.has_password(&u.name)?,
                failed_sign_ins: failed,
            });
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::core::{FixedClock, InitOptions, Replica};
    use crate::model::{Classification, Role};

    #[test]
    fn an_administrator_lists_the_accounts_and_an_officer_is_refused() {
        let mut replica =
            Replica::create_in_memory(&InitOptions::new("Mae Sai"), Arc::new(FixedClock::new(7)))
                .expect("node");
        let admin = replica.resolve_user(None).expect("admin");
        let somchai = replica
            .add_user(&admin, "somchai", Role::Officer, None)
            .expect("officer");
        let rows = replica.accounts(&admin).expect("listed");
        let people: Vec<&str> = rows.iter().map(|r| r.person.as_str()).collect();
        assert_eq!(people, ["admin@Mae Sai", "somchai@Mae Sai"]);
        assert_eq!(rows[1].role, Role::Officer);
        assert_eq!(rows[1].clearance, Classification::CustomsOnly);
        assert!(!rows[1].disabled && !rows[1].password);

        let refused = replica.accounts(&somchai).expect_err("refused");
        assert!(
            refused.to_string().contains("only an administrator"),
            "{refused}"
        );
    }
}
