//! Identifiers: node ids, content hashes and article ids.

use std::fmt;
use std::str::FromStr;

use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A node (an Outpost installation): 16 random bytes, shown as 32 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub [u8; 16]);

impl NodeId {
    pub fn random() -> Self {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        NodeId(bytes)
    }

    /// The first eight hex digits: enough for people to tell nodes apart.
    pub fn short(&self) -> String {
        self.to_string()[..8].to_string()
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_hex(&self.0))
    }
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeId({})", self.short())
    }
}

impl FromStr for NodeId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        from_hex::<16>(s)
            .map(NodeId)
            .ok_or_else(|| Error::invalid(format!("`{s}` is not a node id (32 hex digits)")))
    }
}

/// A BLAKE3 digest: ids of revisions and of operations.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    pub const ZERO: Hash = Hash([0; 32]);

    pub fn of(bytes: &[u8]) -> Self {
        Hash(*blake3::hash(bytes).as_bytes())
    }

    /// The first twelve hex digits, as shown to people.
    pub fn short(&self) -> String {
        self.to_string()[..12].to_string()
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_hex(&self.0))
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.short())
    }
}

impl FromStr for Hash {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        from_hex::<32>(s)
            .map(Hash)
            .ok_or_else(|| Error::invalid(format!("`{s}` is not a hash (64 hex digits)")))
    }
}

/// An article's stable id: 3–64 characters of lower-case ASCII letters, digits and hyphens,
/// starting with a letter or digit. Readable ids (`timber-inspection-land-border`) come from
/// Markdown front matter; new articles get a random ten-character id.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
pub struct ArticleId(String);

impl ArticleId {
    pub fn parse(s: &str) -> Result<Self> {
        let ok = (3..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-');
        if ok {
            Ok(ArticleId(s.to_string()))
        } else {
            Err(Error::invalid(format!(
                "`{s}` is not a valid article id: use 3-64 lower-case letters, digits and hyphens"
            )))
        }
    }

    /// A fresh random id: ten characters from an alphabet without look-alikes (no 0/o, 1/l).
    pub fn random() -> Self {
        const ALPHABET: &[u8] = b"23456789abcdefghijkmnpqrstuvwxyz";
        let mut bytes = [0u8; 10];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let s = bytes
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect();
        ArticleId(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

pub fn from_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    // `from_str_radix` alone would take a sign: `+f` is not two hex digits.
    if s.len() != N * 2 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[i * 2..i * 2 + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_ids_accept_slugs_and_refuse_the_rest() {
        assert!(ArticleId::parse("timber-inspection-land-border").is_ok());
        assert!(ArticleId::parse("ab").is_err());
        assert!(ArticleId::parse("Timber").is_err());
        assert!(ArticleId::parse("-timber").is_err());
        assert!(ArticleId::parse("ไม้").is_err());
        assert!(ArticleId::parse(&ArticleId::random().to_string()).is_ok());
    }

    #[test]
    fn hex_round_trips() {
        let id = NodeId::random();
        assert_eq!(id.to_string().parse::<NodeId>().ok(), Some(id));
        assert!("zz".parse::<NodeId>().is_err());
    }
}
