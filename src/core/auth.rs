//! Passwords and sign-in. Argon2id hashes (PHC strings, so the parameters can change and old
//! hashes still verify) and failed sign-ins live in node-local tables: they are never put in an
//! op, so a password never leaves the node in a bundle, and each node keeps its own.
//!
//! Rules: a node where no account has a password signs in by name alone (a single-user node
//! made by a script needs nothing); once any account has a password, every account needs its
//! own. Creating a second account requires a password for it and for the existing ones
//! ([`Replica::add_account`]). A wrong password, an unknown name and a disabled account are
//! refused alike ([`Error::SignInRefused`]), in the same time (unknown names still cost one
//! Argon2 run); each failure for a name doubles the wait before the next try (1 s, 2 s, 4 s …
//! at most 60 s), kept in the store so that restarting changes nothing.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use redb::{ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Deserialize, Serialize};

use super::Replica;
use crate::error::{Error, Result};
use crate::model::{Classification, Role, User};
use crate::store;

/// Account name → PHC string of its Argon2id hash. Node-local: never in an op or a bundle.
pub const PASSWORDS: TableDefinition<&str, &str> = TableDefinition::new("passwords");
/// Name tried at sign-in → encoded [`Failures`]. Node-local.
pub const SIGN_IN_FAILURES: TableDefinition<&str, &[u8]> = TableDefinition::new("sign_in_failures");

/// Argon2id memory cost in KiB (64 MiB).
pub const ARGON2_MEMORY_KIB: u32 = 64 * 1024;
/// Argon2id passes over the memory: six, so that a sign-in costs about 0.35 s of a laptop
/// core (README, "Accounts, passwords and sign-in").
pub const ARGON2_ITERATIONS: u32 = 6;
/// Argon2id lanes (the `argon2` crate computes them on one thread).
pub const ARGON2_LANES: u32 = 1;

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted, in bytes.
const MAX_PASSWORD_BYTES: usize = 1024;
/// Longest wait between two tries for one name, in seconds.
pub const MAX_DELAY_SECS: u64 = 60;
/// Failure times kept per name for the administrator to see.
const RECENT_KEPT: usize = 20;

/// Failed sign-ins under one name, as the administrator sees them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failures {
    /// Failures since the last successful sign-in: they set the wait.
    pub in_a_row: u32,
    /// Failures ever recorded.
    pub total: u64,
    /// When the latest failure happened (ms since the Unix epoch).
    pub last_millis: u64,
    /// The latest failures' times, oldest first (at most 20).
    pub recent: Vec<u64>,
}

impl Failures {
    /// Seconds to wait after the latest failure before the name may try again.
    pub fn delay_secs(&self) -> u64 {
        match self.in_a_row {
            0 => 0,
            n => 1u64
                .checked_shl(n.saturating_sub(1))
                .unwrap_or(MAX_DELAY_SECS)
                .min(MAX_DELAY_SECS),
        }
    }

    /// Seconds still to wait at `now` (0: may try).
    pub fn wait_at(&self, now_millis: u64) -> u64 {
        let until = self
            .last_millis
            .saturating_add(self.delay_secs().saturating_mul(1000));
        until.saturating_sub(now_millis).div_ceil(1000)
    }
}

/// The verdict on a sign-in, before anything is written.
#[derive(Debug)]
pub enum SignIn {
    /// The account, and whether failures recorded for it are to be cleared.
    Granted { user: User, clear_failures: bool },
    /// Refused: the failure is to be recorded under `name`.
    Refused { name: String },
    /// Too soon after the last failure: refused without looking at the password.
    Wait { name: String, seconds: u64 },
}

impl SignIn {
    /// Whether recording this verdict writes to the store.
    pub fn writes(&self) -> bool {
        matches!(
            self,
            SignIn::Refused { .. }
                | SignIn::Granted {
                    clear_failures: true,
                    ..
                }
        )
    }
}

fn argon2() -> Argon2<'static> {
    let params =
        Params::new(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes `password` with a fresh salt into a PHC string.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::invalid(format!("cannot hash the password ({e})")))
}

/// Whether `password` matches the PHC string `phc` (with the parameters `phc` records).
fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Checks a new password's length.
pub fn check_new_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::invalid(format!(
            "the password is too short: use at least {MIN_PASSWORD_CHARS} characters; nothing was changed"
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Error::invalid(format!(
            "the password is too long: use at most {MAX_PASSWORD_BYTES} bytes; nothing was changed"
        )));
    }
    Ok(())
}

/// Opens a node-local table for reading; `None` when the store has never written it.
pub(super) fn open_local<K: redb::Key + 'static, V: redb::Value + 'static>(
    txn: &redb::ReadTransaction,
    def: TableDefinition<K, V>,
) -> Result<Option<redb::ReadOnlyTable<K, V>>> {
    match txn.open_table(def) {
        Ok(t) => Ok(Some(t)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

impl Replica {
    fn password_of(&self, name: &str) -> Result<Option<String>> {
        let txn = self.read()?;
        let Some(table) = open_local(&txn, PASSWORDS)? else {
            return Ok(None);
        };
        Ok(table.get(name)?.map(|v| v.value().to_string()))
    }

    /// Whether the account `name` has a password.
    pub fn has_password(&self, name: &str) -> Result<bool> {
        Ok(self.password_of(name)?.is_some())
    }

    /// Whether any account of this node has a password: then every sign-in asks for one.
    pub fn passwords_in_use(&self) -> Result<bool> {
        let txn = self.read()?;
        let Some(table) = open_local(&txn, PASSWORDS)? else {
            return Ok(false);
        };
        Ok(!table.is_empty()?)
    }

    /// Whether someone must say who they are before using the node: more than one account,
    /// or any password.
    pub fn sign_in_needed(&self) -> Result<bool> {
        Ok(self.users()?.len() > 1 || self.passwords_in_use()?)
    }

    /// Failed sign-ins per name tried (unknown names included), for the administrator.
    pub fn sign_in_failures(&self) -> Result<Vec<(String, Failures)>> {
        let txn = self.read()?;
        let Some(table) = open_local(&txn, SIGN_IN_FAILURES)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for entry in table.iter()? {
            let (k, v) = entry?;
            out.push((k.value().to_string(), store::decode(v.value())?));
        }
        Ok(out)
    }

    fn failures_of(&self, name: &str) -> Result<Failures> {
        let txn = self.read()?;
        let Some(table) = open_local(&txn, SIGN_IN_FAILURES)? else {
            return Ok(Failures::default());
        };
        Ok(store::get(&table, name)?.unwrap_or_default())
    }

    /// Stores `password` for `name` without asking who may: `init` and [`Self::set_password`].
    pub(crate) fn store_password(&mut self, name: &str, password: &str) -> Result<()> {
        check_new_password(password)?;
        let phc = hash_password(password)?;
        let txn = self.db.begin_write()?;
        txn.open_table(PASSWORDS)?.insert(name, phc.as_str())?;
        txn.commit()?;
        Ok(())
    }

    /// Sets the password of the account `name`: its own holder, or an administrator of this node.
    pub fn set_password(&mut self, actor: &User, name: &str, password: &str) -> Result<()> {
        if actor.name != name && actor.role != Role::Admin {
            return Err(Error::Denied {
                reason: format!(
                    "only `{name}` or an administrator of this node can set `{name}`'s password"
                ),
            });
        }
        if !self.users()?.iter().any(|u| u.name == name) {
            return Err(Error::invalid(format!(
                "there is no account `{name}` on this node; `outpost user list` shows them"
            )));
        }
        self.store_password(name, password)
    }

    /// Creates an account with its password, by administrator `actor`. A node with more than
    /// one account needs a password for every account: a second account is refused unless it
    /// gets one and the existing accounts have one.
    pub fn add_account(
        &mut self,
        actor: &User,
        name: &str,
        role: Role,
        clearance: Option<Classification>,
        password: Option<&str>,
    ) -> Result<User> {
        if let Some(p) = password {
            check_new_password(p)?;
        }
        let without: Vec<String> = self
            .users()?
            .into_iter()
            .filter(|u| !u.disabled)
            .map(|u| u.name)
            .filter(|n| !self.has_password(n).unwrap_or(false))
            .collect();
        if let Some(first) = without.first() {
            return Err(Error::invalid(format!(
                "a node with more than one account needs a password for every account, and `{first}` has none: set it first with `outpost user passwd {first}`; nothing was changed"
            )));
        }
        let Some(password) = password else {
            return Err(Error::invalid(format!(
                "a node with more than one account needs a password for every account: give `{name}` one with --password-stdin (or on a terminal); nothing was changed"
            )));
        };
        let user = self.add_user(actor, name, role, clearance)?;
        self.store_password(name, password)?;
        Ok(user)
    }

    /// Judges a sign-in as `name` (None: the only account) with `password`, reading only.
    /// Where no account has a password, the name alone signs in.
    pub fn judge_sign_in(&self, name: Option<&str>, password: Option<&str>) -> Result<SignIn> {
        if !self.passwords_in_use()? {
            let user = self.resolve_user(name)?;
            if user.disabled {
                return Err(Error::SignInRefused);
            }
            return Ok(SignIn::Granted {
                user,
                clear_failures: false,
            });
        }
        let name = match name {
            Some(n) => n.to_string(),
            None => self.resolve_user(None)?.name,
        };
        let failures = self.failures_of(&name)?;
        let seconds = failures.wait_at(self.now_millis());
        if seconds > 0 {
            return Ok(SignIn::Wait { name, seconds });
        }
        let password = password.unwrap_or_default();
        let user = self.users()?.into_iter().find(|u| u.name == name);
        let granted = match (&user, self.password_of(&name)?) {
            (Some(_), Some(phc)) => verify(password, &phc),
            _ => {
                // The same Argon2 work as a real check, so that the time taken does not tell
                // an unknown name from a wrong password.
                let _ = hash_password(password);
                false
            }
        };
        match user {
            Some(user) if granted && !user.disabled => Ok(SignIn::Granted {
                user,
                clear_failures: failures.in_a_row > 0,
            }),
            _ => Ok(SignIn::Refused { name }),
        }
    }

    /// Records a verdict (a failure, or a success that clears the failures) and turns it into
    /// the account or the error to show.
    pub fn record_sign_in(&mut self, verdict: SignIn) -> Result<User> {
        match verdict {
            SignIn::Granted {
                user,
                clear_failures,
            } => {
                if clear_failures {
                    let txn = self.db.begin_write()?;
                    {
                        let mut table = txn.open_table(SIGN_IN_FAILURES)?;
                        let known: Option<Failures> = store::get(&table, user.name.as_str())?;
                        if let Some(mut f) = known {
                            f.in_a_row = 0;
                            table.insert(user.name.as_str(), store::encode(&f).as_slice())?;
                        }
                    }
                    txn.commit()?;
                }
                Ok(user)
            }
            SignIn::Refused { name } => {
                if crate::model::user::check_user_name(&name).is_ok() {
                    let now = self.now_millis();
                    let txn = self.db.begin_write()?;
                    {
                        let mut table = txn.open_table(SIGN_IN_FAILURES)?;
                        let mut f: Failures =
                            store::get(&table, name.as_str())?.unwrap_or_default();
                        f.in_a_row = f.in_a_row.saturating_add(1);
                        f.total = f.total.saturating_add(1);
                        f.last_millis = now;
                        f.recent.push(now);
                        let excess = f.recent.len().saturating_sub(RECENT_KEPT);
                        f.recent.drain(..excess);
                        table.insert(name.as_str(), store::encode(&f).as_slice())?;
                    }
                    txn.commit()?;
                }
                Err(Error::SignInRefused)
            }
            SignIn::Wait { name, seconds } => Err(Error::SignInDelayed { name, seconds }),
        }
    }

    /// Signs in as `name` with `password`: [`Self::judge_sign_in`], then
    /// [`Self::record_sign_in`] (a node opened read-only cannot record a failure).
    pub fn sign_in(&mut self, name: Option<&str>, password: Option<&str>) -> Result<User> {
        let verdict = self.judge_sign_in(name, password)?;
        self.record_sign_in(verdict)
    }
}

#[cfg(test)]
mod tests;
