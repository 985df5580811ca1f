//! Getting bundle bytes across: age encryption (binary or ASCII-armoured for email) and
//! splitting into numbered parts below a size limit.
//!
//! A part is one text line `OUTPOST-PART 1 <bundle id> <index>/<count> <total bytes> <blake3>`
//! followed by its slice of the (possibly encrypted) bundle file. Parts are accepted in any order
//! once all are present; the whole is checked against the hash before it is read further.

use std::collections::BTreeMap;
use std::io::Write;

use super::bundle::BundleError;
use crate::model::Hash;
use crate::model::ids::{from_hex, to_hex};

const PART_MARK: &str = "OUTPOST-PART 1 ";
const AGE_BINARY: &[u8] = b"age-encryption.org/v1";
const AGE_ARMOR: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";
/// The smallest part size accepted for --max-part-size.
pub const MIN_PART: u64 = 4096;

pub fn is_encrypted(bytes: &[u8]) -> bool {
    let trimmed = bytes.trim_ascii_start();
    bytes.starts_with(AGE_BINARY) || trimmed.starts_with(AGE_ARMOR)
}

pub fn is_part(bytes: &[u8]) -> bool {
    bytes.starts_with(PART_MARK.as_bytes())
}

pub fn encrypt(
    bytes: &[u8],
    recipients: &[age::x25519::Recipient],
    armor: bool,
) -> std::io::Result<Vec<u8>> {
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(std::io::Error::other)?;
    let mut out = Vec::with_capacity(bytes.len() + 512);
    let format = if armor {
        age::armor::Format::AsciiArmor
    } else {
        age::armor::Format::Binary
    };
    let armored = age::armor::ArmoredWriter::wrap_output(&mut out, format)?;
    let mut writer = encryptor.wrap_output(armored)?;
    writer.write_all(bytes)?;
    writer.finish()?.finish()?;
    Ok(out)
}

pub fn decrypt(
    name: &str,
    bytes: &[u8],
    identities: &[&age::x25519::Identity],
) -> Result<Vec<u8>, BundleError> {
    let damaged = |e: String| BundleError::Damaged {
        file: name.to_string(),
        why: format!("the encryption layer is unreadable ({e})"),
    };
    let reader = age::armor::ArmoredReader::new(bytes);
    let decryptor = age::Decryptor::new(reader).map_err(|e| damaged(e.to_string()))?;
    let mut stream = decryptor
        .decrypt(identities.iter().map(|i| *i as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => BundleError::WrongIdentity {
                file: name.to_string(),
            },
            other => damaged(other.to_string()),
        })?;
    // Decrypted as it is read: what is not a bundle is refused after its first bytes, and a
    // bundle is read only as far as its header says.
    super::read::read_bundle(name, &mut stream, &|e| damaged(e.to_string()))
}

/// Splits `bytes` into parts of at most `max` bytes each (header line included).
pub fn split(bytes: &[u8], bundle_id: [u8; 16], max: u64) -> Vec<Vec<u8>> {
    let hash = Hash::of(bytes);
    let header_room = 160;
    let chunk = usize::try_from(max.saturating_sub(header_room).max(1)).unwrap_or(usize::MAX);
    let count = bytes.len().div_ceil(chunk).max(1);
    (0..count)
        .map(|i| {
            let slice = &bytes[i * chunk..((i + 1) * chunk).min(bytes.len())];
            let mut part = format!(
                "{PART_MARK}{} {}/{count} {} {hash}\n",
                to_hex(&bundle_id),
                i + 1,
                bytes.len()
            )
            .into_bytes();
            part.extend_from_slice(slice);
            part
        })
        .collect()
}

struct PartHeader {
    bundle: [u8; 16],
    index: usize,
    count: usize,
    total: usize,
    hash: Hash,
}

fn parse_part(name: &str, bytes: &[u8]) -> Result<(PartHeader, usize), BundleError> {
    let bad = |why: &str| BundleError::Parts {
        file: name.to_string(),
        why: format!("the part header is damaged ({why})"),
    };
    let end = bytes
        .iter()
        .take(256)
        .position(|b| *b == b'\n')
        .ok_or_else(|| bad("no end of line"))?;
    let line = std::str::from_utf8(&bytes[PART_MARK.len()..end]).map_err(|_| bad("not text"))?;
    let fields: Vec<&str> = line.split(' ').collect();
    let [bundle, position, total, hash] = fields.as_slice() else {
        return Err(bad("wrong number of fields"));
    };
    let (index, count) = position
        .split_once('/')
        .ok_or_else(|| bad("no index/count"))?;
    // Digits only: `parse` alone would also take a leading `+`.
    let number = |text: &str, what: &str| {
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        digits
            .then(|| text.parse::<usize>().ok())
            .flatten()
            .ok_or_else(|| bad(what))
    };
    let header = PartHeader {
        bundle: from_hex::<16>(bundle).ok_or_else(|| bad("bundle id"))?,
        index: number(index, "index")?,
        count: number(count, "count")?,
        total: number(total, "size")?,
        hash: hash.parse().map_err(|_| bad("hash"))?,
    };
    if header.index == 0
        || header.index > header.count
        || header.count > 100_000
        || header.total as u64 > super::read::MAX_SEALED_FILE
    {
        return Err(bad("impossible numbers"));
    }
    Ok((header, end + 1))
}

/// The longest a part file starting with `prefix` (its header line at least) may be: its
/// header line and at most the whole it is part of.
pub fn part_file_limit(name: &str, prefix: &[u8]) -> Result<u64, BundleError> {
    let (header, body_at) = parse_part(name, prefix)?;
    Ok(body_at as u64 + header.total as u64)
}

/// Turns the files given to import into whole bundle files: parts are joined (all parts of
/// one bundle, in any order), other files pass through.
pub fn assemble(files: Vec<(String, Vec<u8>)>) -> Result<Vec<(String, Vec<u8>)>, BundleError> {
    let mut whole = Vec::new();
    // Per bundle: the first part's header, the parts by index, and the file names.
    type Group = (PartHeader, BTreeMap<usize, Vec<u8>>, Vec<String>);
    let mut groups: BTreeMap<[u8; 16], Group> = BTreeMap::new();
    for (name, bytes) in files {
        if !is_part(&bytes) {
            whole.push((name, bytes));
            continue;
        }
        let (header, body_at) = parse_part(&name, &bytes)?;
        let entry = groups
            .entry(header.bundle)
            .or_insert_with(|| (PartHeader { ..header }, BTreeMap::new(), Vec::new()));
        let first = &entry.0;
        if first.count != header.count || first.total != header.total || first.hash != header.hash {
            return Err(BundleError::Parts { file: name, why: "this part belongs to another copy of the bundle (its header disagrees with the other parts)".into() });
        }
        entry.1.insert(header.index, bytes[body_at..].to_vec());
        entry.2.push(name);
    }
    for (bundle, (header, parts, names)) in groups {
        let label = format!("bundle {}", &to_hex(&bundle)[..12]);
        let missing: Vec<usize> = (1..=header.count)
            .filter(|i| !parts.contains_key(i))
            .collect();
        if !missing.is_empty() {
            return Err(BundleError::Parts {
                file: label,
                why: format!(
                    "part(s) {} of {} are missing (have: {}); bring every part and import them together",
                    list_some(&missing),
                    header.count,
                    list_some(&names)
                ),
            });
        }
        let mismatch = || {
            BundleError::Parts { file: label.clone(), why: "the joined parts do not match the bundle's hash: a part is damaged or from another bundle".into() }
        };
        // Sizes first: parts claiming one small whole may together be far larger.
        if parts.values().map(Vec::len).sum::<usize>() != header.total {
            return Err(mismatch());
        }
        let joined: Vec<u8> = parts.into_values().flatten().collect();
        if Hash::of(&joined) != header.hash {
            return Err(mismatch());
        }
        whole.push((label, joined));
    }
    Ok(whole)
}

/// At most ten items, then how many more: a damaged header may claim 100,000 parts.
fn list_some<T: ToString>(items: &[T]) -> String {
    const SHOWN: usize = 10;
    let mut out: Vec<String> = items.iter().take(SHOWN).map(T::to_string).collect();
    if items.len() > SHOWN {
        out.push(format!("and {} more", items.len() - SHOWN));
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_join_in_any_order_and_missing_parts_are_named() {
        let data: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let mut parts = split(&data, [7; 16], 5000);
        assert_eq!(parts.len(), 5);
        parts.reverse();
        let files: Vec<(String, Vec<u8>)> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("p{i}"), p.clone()))
            .collect();
        let joined = assemble(files.clone()).expect("joins");
        assert_eq!(joined[0].1, data);
        let err = assemble(files[1..].to_vec())
            .expect_err("missing")
            .to_string();
        assert!(err.contains("part(s) 5 of 5 are missing"), "{err}");
    }

    #[test]
    fn a_header_claiming_many_parts_gets_a_short_message_and_signs_are_refused() {
        let hash = Hash::of(b"x");
        let id = to_hex(&[7; 16]);
        let part = |position: &str, id: &str| {
            format!("{PART_MARK}{id} {position} 1 {hash}\nx").into_bytes()
        };
        let err = assemble(vec![("p".into(), part("1/100000", &id))])
            .expect_err("99,999 parts are missing")
            .to_string();
        assert!(
            err.contains("2, 3, 4, 5, 6, 7, 8, 9, 10, 11, and 99989 more of 100000"),
            "{err}"
        );
        assert!(err.len() < 400, "{err}");
        for (position, id) in [
            ("+1/1", id.clone()),
            ("1/+1", id.clone()),
            ("1/1", format!("+{}", &id[1..])),
        ] {
            let err = assemble(vec![("p".into(), part(position, &id))])
                .expect_err("a sign is not a digit")
                .to_string();
            assert!(
                err.contains("the part header is damaged"),
                "{position} {id}: {err}"
            );
        }
    }

    #[test]
    fn a_part_from_another_bundle_copy_is_refused() {
        let a = split(&[1u8; 9000], [1; 16], 5000);
        let b = split(&[2u8; 9000], [1; 16], 5000);
        let err = assemble(vec![
            ("a1".into(), a[0].clone()),
            ("b2".into(), b[1].clone()),
        ])
        .expect_err("mixed");
        assert!(
            err.to_string().contains("another copy") || err.to_string().contains("hash"),
            "{err}"
        );
    }

    #[test]
    fn encryption_round_trips_binary_and_armoured() {
        let id = age::x25519::Identity::generate();
        let bundle = crate::sync::bundle::forge_bomb_for_tests(1 << 10);
        for armor in [false, true] {
            let sealed = encrypt(&bundle, &[id.to_public()], armor).expect("encrypt");
            assert!(is_encrypted(&sealed));
            assert_eq!(decrypt("b", &sealed, &[&id]).expect("decrypt"), bundle);
            let other = age::x25519::Identity::generate();
            assert!(matches!(
                decrypt("b", &sealed, &[&other]),
                Err(BundleError::WrongIdentity { file: _ })
            ));
        }
    }

    #[test]
    fn what_decrypts_to_no_bundle_is_refused_after_its_first_bytes() {
        let id = age::x25519::Identity::generate();
        let zeros = vec![0u8; 4 << 20];
        let sealed = encrypt(&zeros, &[id.to_public()], false).expect("encrypt");
        let err = decrypt("z", &sealed, &[&id]).expect_err("zeros are no bundle");
        assert!(matches!(err, BundleError::NotABundle { file: _ }), "{err}");
    }
}
