//! The size policy for article text that comes from files and streams, and the check that
//! YAML aliases cannot make a small front matter stand for more than that policy allows.

use std::io::Read;

use serde::de::{self, DeserializeSeed, Visitor};

/// The most front matter an article may have, in bytes, as written and once YAML aliases are
/// expanded. Metadata fits in a few hundred bytes; 64 KiB leaves room for a long summary.
pub const MAX_FRONT_MATTER: usize = 64 * 1024;

/// The most body text one article may have, in bytes: the model's own limit, which every op is
/// held to; files, standard input and the editor are read no further than this.
pub const MAX_BODY: usize = crate::model::validate::limits::BODY_BYTES;

/// The most a Markdown file may weigh before it is parsed at all: both limits above, with room
/// for CRLF line ends. Importers read no more than this (plus one byte to notice).
pub const MAX_FILE: usize = 2 * (MAX_FRONT_MATTER + MAX_BODY);

/// Refuses front matter or a body beyond the size policy, and front matter whose YAML aliases
/// would expand beyond it, before anything is built from them.
pub(super) fn check_sizes(yaml: &str, body: &str) -> Result<(), Vec<String>> {
    if yaml.len() > MAX_FRONT_MATTER {
        return Err(vec![format!(
            "the front matter is {}; it may be at most {}: keep it to the article's metadata and move long text into the body",
            size(yaml.len()),
            size(MAX_FRONT_MATTER)
        )]);
    }
    if body.len() > MAX_BODY {
        return Err(vec![body_too_large(body.len())]);
    }
    let left = std::cell::Cell::new(MAX_FRONT_MATTER);
    let counted = Expanded { left: &left }.deserialize(serde_yaml_ng::Deserializer::from_str(yaml));
    match counted {
        // serde_yaml_ng's own guard against alias loops ("repetition limit exceeded") may
        // stop a deeply nested bomb before the count does: the same refusal.
        Err(e) if left.get() == 0 || e.to_string().contains("repetition limit") => {
            Err(vec![format!(
                "the front matter expands to more than {} through YAML aliases (`*name`); write the values out instead of repeating them",
                size(MAX_FRONT_MATTER)
            )])
        }
        Err(e) => Err(vec![format!("the front matter does not parse: {e}")]),
        Ok(()) => Ok(()),
    }
}

/// The message for a body over [`MAX_BODY`]; `len` is its size, or a lower bound of it.
pub fn body_too_large(len: usize) -> String {
    format!(
        "the body is {}; an article's body may be at most {}: split it into several articles",
        if len > MAX_BODY {
            format!("larger than {}", size(MAX_BODY))
        } else {
            size(len)
        },
        size(MAX_BODY)
    )
}

/// Reads at most `limit` bytes and one more, so a caller can tell "too large" without ever
/// holding more than that of a huge file or an endless stream.
pub fn read_at_most(reader: impl Read, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let bound = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(bound).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A size for people: bytes, KiB or MiB.
pub(super) fn size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= KIB {
        format!("{} KiB", bytes.div_ceil(KIB))
    } else {
        format!("{bytes} bytes")
    }
}

/// Counts what a YAML document stands for once aliases are expanded — every scalar's bytes and
/// one per node — without building it. Each alias is replayed by the parser, so the count
/// stops with an error as soon as it passes `left`, and the work is bounded by it too.
struct Expanded<'a> {
    left: &'a std::cell::Cell<usize>,
}

impl Expanded<'_> {
    fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        let cost = bytes.saturating_add(1);
        match self.left.get().checked_sub(cost) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.left.set(0);
                Err(E::custom("the front matter expands beyond its limit"))
            }
        }
    }

    fn again(&self) -> Self {
        Expanded { left: self.left }
    }
}

impl<'de> DeserializeSeed<'de> for Expanded<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Expanded<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("YAML front matter")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.charge(0)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.charge(8)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.charge(8)
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.charge(16)
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.charge(16)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.charge(8)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.charge(v.len())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.charge(0)
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.charge(0)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.charge(0)?;
        self.deserialize(d)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.charge(0)?;
        while seq.next_element_seed(self.again())?.is_some() {}
        Ok(())
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.charge(0)?;
        while map.next_key_seed(self.again())?.is_some() {
            map.next_value_seed(self.again())?;
        }
        Ok(())
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(
            "YAML tags (`!name`) are not used in front matter; remove them",
        ))
    }
}
