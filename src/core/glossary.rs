//! The node's glossary: the shipped entries with HQ's `GlossarySet` ops laid over them, and
//! adding or editing an entry (privileged, checked by `apply::authorize` like the Knowledge Map).

use std::sync::Arc;

use redb::{ReadTransaction, TableError};

use super::Replica;
use crate::error::{Error, Result};
use crate::glossary::{Glossary, GlossaryEntry};
use crate::model::glossary::GlossaryRecord;
use crate::model::{Payload, User};
use crate::store;

/// Whether `outpost glossary add` or `edit` is asked for: a new id, or one the glossary holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GlossaryChange {
    Add,
    Edit,
}

impl Replica {
    /// The glossary as this node has it.
    pub fn glossary(&self) -> Result<Arc<Glossary>> {
        let txn = self.db.begin_read()?;
        glossary_in(&txn)
    }

    /// Adds an entry (`Add`: its id must be new) or replaces one (`Edit`: its id must exist),
    /// as a signed `GlossarySet` op. Only an administrator at HQ or on a node HQ trusts may.
    pub fn set_glossary_entry(
        &mut self,
        user: &User,
        entry: GlossaryEntry,
        change: GlossaryChange,
    ) -> Result<()> {
        entry.check()?;
        let exists = self.glossary()?.get(&entry.id).is_some();
        match (change, exists) {
            (GlossaryChange::Add, true) => {
                return Err(Error::invalid(format!(
                    "the glossary already has an entry `{}`: use `outpost glossary edit {}`",
                    entry.id, entry.id
                )));
            }
            (GlossaryChange::Edit, false) => {
                return Err(Error::invalid(format!(
                    "the glossary has no entry `{}`: use `outpost glossary add`, or look the id \
                     up with `outpost glossary TERM`",
                    entry.id
                )));
            }
            _ => {}
        }
        self.commit(&user.name, vec![Payload::GlossarySet { entry }])?;
        Ok(())
    }
}

/// The glossary with the entries of the store's `glossary` table laid over the shipped one. A
/// store made before the table existed has none.
pub(crate) fn glossary_in(txn: &ReadTransaction) -> Result<Arc<Glossary>> {
    let table = match txn.open_table(store::GLOSSARY) {
        Ok(table) => table,
        Err(TableError::TableDoesNotExist(_)) => return Ok(Glossary::shipped()),
        Err(e) => return Err(e.into()),
    };
    let mut overrides = Vec::new();
    for row in redb::ReadableTable::iter(&table)? {
        let (_, value) = row?;
        overrides.push(store::decode::<GlossaryRecord>(value.value())?.entry);
    }
    Ok(Glossary::with_overrides(overrides))
}
