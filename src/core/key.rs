//! The node's Ed25519 signing key, kept in a file only its owner can read.

use std::fs;
use std::io::Write;
use std::ops::Deref;
use std::path::Path;
use std::sync::OnceLock;

use ed25519_dalek::SigningKey;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const HEADER: &str = "outpost-node-key-v1\n";

pub fn generate() -> SigningKey {
    SigningKey::generate(&mut rand::rngs::OsRng)
}

/// Writes the key as a header line and 64 hex digits, creating the file with mode 0600.
pub fn write(path: &Path, key: &SigningKey) -> Result<()> {
    let text = format!("{HEADER}{}\n", crate::model::ids::to_hex(&key.to_bytes()));
    write_private(path, &text)
}

/// Creates `path` (never overwriting) readable by its owner only, and writes `text`.
fn write_private(path: &Path, text: &str) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| Error::io(format!("cannot create the key file {}", path.display()), e))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io(format!("cannot write the key file {}", path.display()), e))
}

/// Writes the age identity in age's own file format, mode 0600.
pub fn write_age(path: &Path, identity: &age::x25519::Identity) -> Result<()> {
    use age::secrecy::ExposeSecret;
    let text = format!(
        "# Outpost node identity for age encryption (public key: {})\n{}\n",
        identity.to_public(),
        identity.to_string().expose_secret()
    );
    write_private(path, &text)
}

pub fn read_age(path: &Path) -> Result<age::x25519::Identity> {
    let text = fs::read_to_string(path).map_err(|e| {
        Error::io(
            format!("cannot read the age identity {}", path.display()),
            e,
        )
    })?;
    text.lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .and_then(|l| l.parse().ok())
        .ok_or_else(|| {
            Error::invalid(format!(
                "{} holds no age identity (AGE-SECRET-KEY-…)",
                path.display()
            ))
        })
}

/// A node's signing key, made ready to sign at its first use: deriving a key's public half
/// from its file's secret costs a scalar multiplication and the first reads of its tables
/// (0.4 ms of a 3 ms `outpost search`), which a command that only reads never needs. Derefs to
/// the key.
pub struct NodeKey {
    secret: Zeroizing<[u8; 32]>,
    ready: OnceLock<SigningKey>,
}

impl NodeKey {
    fn from_secret(secret: [u8; 32]) -> Self {
        NodeKey {
            secret: Zeroizing::new(secret),
            ready: OnceLock::new(),
        }
    }
}

impl From<SigningKey> for NodeKey {
    fn from(key: SigningKey) -> Self {
        let ready = OnceLock::new();
        let secret = Zeroizing::new(key.to_bytes());
        let _ = ready.set(key);
        NodeKey { secret, ready }
    }
}

impl Deref for NodeKey {
    type Target = SigningKey;
    fn deref(&self) -> &SigningKey {
        self.ready
            .get_or_init(|| SigningKey::from_bytes(&self.secret))
    }
}

/// The key in `path`: its file is read and checked now, the key derived at first use.
pub fn read(path: &Path) -> Result<NodeKey> {
    let text = fs::read_to_string(path)
        .map_err(|e| Error::io(format!("cannot read the node key {}", path.display()), e))?;
    let hex = text
        .strip_prefix(HEADER)
        .map(str::trim)
        .ok_or_else(|| Error::Corrupt {
            what: format!("{} is not an Outpost node key", path.display()),
        })?;
    let bytes = crate::model::ids::from_hex::<32>(hex).ok_or_else(|| Error::Corrupt {
        what: format!("{} holds a malformed key", path.display()),
    })?;
    Ok(NodeKey::from_secret(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_round_trips_and_is_private() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
        let path = dir.path().join("node.key");
        let key = generate();
        write(&path, &key)?;
        let read_back = read(&path)?;
        // Derived at first use, the key signs and verifies as the one written.
        assert_eq!(read_back.verifying_key(), key.verifying_key());
        assert_eq!(read_back.to_bytes(), key.to_bytes());
        assert_eq!(
            NodeKey::from(key.clone()).verifying_key(),
            key.verifying_key()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path)
                .map_err(|e| Error::io("stat", e))?
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            write(&path, &key).is_err(),
            "an existing key is never overwritten"
        );
        Ok(())
    }
}
