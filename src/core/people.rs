//! People across the network: accounts of this node, the category roles HQ grants, revoked
//! nodes, and how a person is named (`name@office`). Every change is a signed op; the rules are
//! `core::apply::authorize`'s, so a node's own commands and received bundles are judged alike.

use redb::ReadableTable;

use super::Replica;
use crate::error::{Error, Result};
use crate::model::{
    Author, Classification, Grant, NodeId, NodeRevocation, Payload, Role, User, UserChange,
};
use crate::store;

/// A grant as listed: who holds it, named for people.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct GrantView {
    /// `name@office`.
    pub user: String,
    pub node: String,
    pub role: Role,
    /// `None`: the whole Knowledge Map.
    pub category: Option<String>,
    /// The holder's node's ops after this seq no longer carry the role.
    pub revoked_after: Option<u64>,
}

impl Replica {
    /// Whether this node signs privileged ops: HQ, or a node HQ trusts.
    pub fn is_privileged(&self) -> Result<bool> {
        Ok(self.hq_node()? == self.node_id() || self.is_trusted(self.node_id())?)
    }

    /// Creates an account on this node, by administrator `actor`. Evaluator and expert rights
    /// hold over categories and are HQ's to grant: on HQ (or a trusted node) the account gets
    /// them over the whole Knowledge Map; elsewhere they are refused, with what to do instead.
    pub fn add_user(
        &mut self,
        actor: &User,
        name: &str,
        role: Role,
        clearance: Option<Classification>,
    ) -> Result<User> {
        crate::model::user::check_user_name(name)?;
        if self.users()?.iter().any(|u| u.name == name) {
            return Err(Error::invalid(format!(
                "an account `{name}` already exists on this node; `outpost user list` shows them"
            )));
        }
        if role.is_granted() && !self.is_privileged()? {
            let office = self.node_info()?.office;
            return Err(Error::Denied {
                reason: format!(
                    "{} rights are granted by HQ: create `{name}` as an officer, then ask HQ to run `outpost role grant {name}@{office} {} --category CATEGORY`",
                    role.as_str(),
                    role.as_str()
                ),
            });
        }
        let mut payloads = vec![Payload::UserCreated {
            name: name.to_string(),
            role,
        }];
        if let Some(c) = clearance.filter(|c| *c != User::default_clearance(role)) {
            payloads.push(Payload::UserChanged {
                name: name.to_string(),
                change: UserChange::Clearance(c),
            });
        }
        if role.is_granted() {
            payloads.push(Payload::RoleGranted {
                user: Author {
                    node: self.node_id(),
                    name: name.to_string(),
                },
                role,
                category: None,
            });
        }
        self.commit(&actor.name, payloads)?;
        self.resolve_user(Some(name))
    }

    /// Changes an account of this node (clearance, disabled, role), by administrator `actor`.
    pub fn change_user(&mut self, actor: &User, name: &str, change: UserChange) -> Result<()> {
        if !self.users()?.iter().any(|u| u.name == name) {
            return Err(Error::invalid(format!(
                "there is no account `{name}` on this node; `outpost user list` shows them"
            )));
        }
        self.commit(
            &actor.name,
            vec![Payload::UserChanged {
                name: name.to_string(),
                change,
            }],
        )?;
        Ok(())
    }

    /// Parses `name@office` (or `name@NODE-ID`) into the person it names.
    pub fn find_person(&self, person: &str) -> Result<Author> {
        let Some((name, office)) = person.rsplit_once('@') else {
            return Err(Error::invalid(format!(
                "`{person}` does not name a person: write NAME@OFFICE, e.g. somchai@Chiang Khong"
            )));
        };
        crate::model::user::check_user_name(name)?;
        let node = self.find_node(office)?;
        Ok(Author {
            node: node.id,
            name: name.to_string(),
        })
    }

    /// `name@office` for a person; the node's short id where its office is not known here.
    pub fn person_name(&self, person: &Author) -> String {
        let office = self
            .node(&person.node)
            .map(|n| n.office)
            .or_else(|_| self.find_node(&person.node.to_string()).map(|n| n.office))
            .unwrap_or_else(|_| person.node.short());
        format!("{}@{}", person.name, office)
    }

    /// Grants `role` (evaluator or expert) over `category` (None: the whole map) to `user`.
    pub fn grant_role(
        &mut self,
        actor: &User,
        user: &Author,
        role: Role,
        category: Option<&str>,
    ) -> Result<()> {
        let category = self.checked_grant_category(category)?;
        self.commit(
            &actor.name,
            vec![Payload::RoleGranted {
                user: user.clone(),
                role,
                category,
            }],
        )?;
        Ok(())
    }

    /// Revokes a grant: the holder's node's ops after what this node holds of it no longer
    /// carry the role.
    pub fn revoke_role(
        &mut self,
        actor: &User,
        user: &Author,
        role: Role,
        category: Option<&str>,
    ) -> Result<()> {
        let category = self.checked_grant_category(category)?;
        let held = self
            .grants_of(user)?
            .into_iter()
            .any(|g| g.role == role && g.category == category && g.in_force());
        if !held {
            return Err(Error::invalid(format!(
                "{} holds no {} grant over {}; `outpost role list` shows the grants",
                self.person_name(user),
                role.as_str(),
                category.as_deref().unwrap_or("the whole Knowledge Map")
            )));
        }
        let after_seq = self.held_of(user.node)?;
        self.commit(
            &actor.name,
            vec![Payload::RoleRevoked {
                user: user.clone(),
                role,
                category,
                after_seq,
            }],
        )?;
        Ok(())
    }

    fn checked_grant_category(&self, category: Option<&str>) -> Result<Option<String>> {
        match category {
            Some(c) => Ok(Some(self.check_category(c)?.id)),
            None => Ok(None),
        }
    }

    /// The highest contiguous seq of `node`'s ops this node holds.
    pub fn held_of(&self, node: NodeId) -> Result<u64> {
        let txn = self.read()?;
        Ok(txn
            .open_table(store::CHAINS)?
            .get(node.0)?
            .map_or(0, |v| v.value().0))
    }

    /// The grants `user` holds (revoked ones included, marked).
    pub fn grants_of(&self, user: &Author) -> Result<Vec<Grant>> {
        let txn = self.read()?;
        Ok(store::get(
            &txn.open_table(store::GRANTS)?,
            (user.node.0, user.name.as_str()),
        )?
        .unwrap_or_default())
    }

    /// Whether `user` now holds `role` over `category` (or a category above it).
    pub fn has_role(&self, user: &Author, role: Role, category: &str) -> Result<bool> {
        let next = self.held_of(user.node)?.saturating_add(1);
        Ok(self
            .grants_of(user)?
            .iter()
            .any(|g| g.covers(role, category, next)))
    }

    /// Every grant this node knows, in force or revoked.
    pub fn grants(&self) -> Result<Vec<GrantView>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for entry in txn.open_table(store::GRANTS)?.iter()? {
            let (k, v) = entry?;
            let (node, name) = k.value();
            let holder = Author {
                node: NodeId(node),
                name: name.to_string(),
            };
            let grants: Vec<Grant> = store::decode(v.value())?;
            for g in grants {
                out.push(GrantView {
                    user: self.person_name(&holder),
                    node: holder.node.to_string(),
                    role: g.role,
                    category: g.category,
                    revoked_after: g.revoked_after,
                });
            }
        }
        Ok(out)
    }

    /// HQ revokes a node's key (a lost laptop): the node's ops after those this node holds are
    /// refused everywhere. The post is enrolled again under a new key to go on.
    pub fn revoke_node(&mut self, actor: &User, node: &str) -> Result<(NodeId, u64)> {
        let info = self.find_node(node)?;
        if info.id == self.node_id() {
            return Err(Error::invalid("a node cannot revoke its own key"));
        }
        let after_seq = self.held_of(info.id)?;
        self.commit(
            &actor.name,
            vec![Payload::NodeRevoked {
                node: info.id,
                after_seq,
            }],
        )?;
        Ok((info.id, after_seq))
    }

    /// Nodes whose key HQ revoked, with the seq after which their ops are refused.
    pub fn revoked_nodes(&self) -> Result<Vec<(NodeId, NodeRevocation)>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for entry in txn.open_table(store::REVOKED_NODES)?.iter()? {
            let (k, v) = entry?;
            out.push((NodeId(k.value()), store::decode(v.value())?));
        }
        Ok(out)
    }
}
