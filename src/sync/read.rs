//! Reading the files given to `sync import`: a file is looked at before it is read, and never
//! read further than its format allows.
//!
//! A file may be a bundle (`OUTPOSTB`), a part (`OUTPOST-PART 1 `) or an age file (binary or
//! armoured); anything else is refused after its first bytes. A bundle's header says how long
//! the file is, so exactly that much is read; a part is at most as long as the whole it is part
//! of; an age file at most `MAX_SEALED_FILE`. A regular file longer than that is refused before
//! it is read; a device or a pipe (`/dev/zero`) is read only up to the limit.

use std::io::{self, Read};
use std::path::Path;

use super::bundle::{self, BundleError, MAGIC, MAX_BLOB_SECTION, MAX_HEADER, MAX_RAW};
use super::transport;
use crate::error::{Error, Result};

/// The largest compressed body of a bundle: zstd grows incompressible data by at most 1/256
/// and a few bytes, so a body of `MAX_RAW` inflated bytes is never longer than this.
pub const MAX_BODY: u64 = MAX_RAW + MAX_RAW / 128;
/// The largest bundle file accepted: fixed fields, the largest header, body and blob section,
/// the signature.
pub const MAX_BUNDLE_FILE: u64 =
    FIXED + MAX_HEADER as u64 + MAX_BODY + MAX_BLOB_SECTION + SIGNATURE;
/// The largest encrypted (age) file accepted: the largest bundle, grown by ASCII armour (4/3,
/// plus a line break every 64 characters: ×1.36 in all) and age's 16 bytes per 64 KiB chunk,
/// with 1 MiB for age's header.
pub const MAX_SEALED_FILE: u64 = MAX_BUNDLE_FILE / 2 * 3 + (1 << 20);

/// Magic, format version and header length.
const FIXED: u64 = 14;
const SIGNATURE: u64 = 64;
/// How much of a file is looked at before deciding what it is: more than a part's header line
/// and an armoured age file's leading blank lines may take.
const PREFIX: u64 = 512;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bundle,
    Part,
    Age,
}

/// Reads one file given to import: a bundle, a part of one, or an age-encrypted one. Returns
/// its name (the path as given) and bytes.
pub fn read_file(path: &Path) -> Result<(String, Vec<u8>)> {
    let name = path.display().to_string();
    let cannot = |e| Error::io(format!("cannot read {name}"), e);
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Err(Error::invalid(format!(
            "{name} is a folder, not a bundle file: give the bundle files in it instead"
        )));
    }
    // Only a regular file's size is known; a device or pipe is read up to the limit.
    let size = meta.is_file().then_some(meta.len());
    let bytes = read_layer(&name, &mut file, size, true, &cannot)?;
    Ok((name, bytes))
}

/// Reads a plain bundle from `reader` (what an age file decrypts to): no more than its header
/// says it holds. `io_error` turns a failed read into the caller's error.
pub fn read_bundle<E: From<BundleError>>(
    name: &str,
    reader: &mut impl Read,
    io_error: &impl Fn(io::Error) -> E,
) -> Result<Vec<u8>, E> {
    read_layer(name, reader, None, false, io_error)
}

/// Reads `reader` (of `size` bytes when known) if it starts as a bundle, or with `outer` also
/// as a part or an age file, and only as far as that format allows.
fn read_layer<E: From<BundleError>>(
    name: &str,
    reader: &mut impl Read,
    size: Option<u64>,
    outer: bool,
    io_error: &impl Fn(io::Error) -> E,
) -> Result<Vec<u8>, E> {
    let mut bytes = Vec::new();
    read_up_to(reader, &mut bytes, PREFIX, io_error)?;
    let kind = match kind_of(&bytes) {
        Some(Kind::Bundle) => Kind::Bundle,
        Some(kind) if outer => kind,
        _ => return Err(not_a_bundle(name, &bytes).into()),
    };
    let limit = match kind {
        Kind::Bundle => match bundle_length(name, reader, &mut bytes, io_error)? {
            Some(length) => length,
            // The header itself is unusable: the decoder says how, from what was read.
            None => return Err(undecodable(name, &bytes).into()),
        },
        Kind::Part => transport::part_file_limit(name, &bytes)?,
        Kind::Age => MAX_SEALED_FILE,
    };
    if let Some(size) = size
        && size > limit
    {
        return Err(too_long(name, kind, Some(size - limit)).into());
    }
    // One byte past the limit tells a file that goes on from one that ends there.
    read_up_to(reader, &mut bytes, limit.saturating_add(1), io_error)?;
    if bytes.len() as u64 > limit {
        return Err(too_long(name, kind, None).into());
    }
    Ok(bytes)
}

fn kind_of(prefix: &[u8]) -> Option<Kind> {
    if prefix.starts_with(MAGIC) {
        Some(Kind::Bundle)
    } else if transport::is_part(prefix) {
        Some(Kind::Part)
    } else if transport::is_encrypted(prefix) {
        Some(Kind::Age)
    } else {
        None
    }
}

/// Reads on until `bytes` holds `total` bytes or the reader ends.
fn read_up_to<E>(
    reader: &mut impl Read,
    bytes: &mut Vec<u8>,
    total: u64,
    io_error: &impl Fn(io::Error) -> E,
) -> Result<(), E> {
    let wanted = total.saturating_sub(bytes.len() as u64);
    reader.take(wanted).read_to_end(bytes).map_err(io_error)?;
    Ok(())
}

/// The length of the bundle file whose start is in `bytes` (read on as far as its header),
/// or `None` when the header does not tell: too long, truncated or undecodable.
fn bundle_length<E: From<BundleError>>(
    name: &str,
    reader: &mut impl Read,
    bytes: &mut Vec<u8>,
    io_error: &impl Fn(io::Error) -> E,
) -> Result<Option<u64>, E> {
    let Some(len_bytes) = bytes.get(10..14) else {
        return Ok(None);
    };
    let header_len = u64::from(u32::from_le_bytes([
        len_bytes[0],
        len_bytes[1],
        len_bytes[2],
        len_bytes[3],
    ]));
    if header_len > u64::from(MAX_HEADER) {
        return Ok(None);
    }
    read_up_to(reader, bytes, FIXED + header_len, io_error)?;
    let Some(header_bytes) = bytes.get(FIXED as usize..(FIXED + header_len) as usize) else {
        return Ok(None);
    };
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    let Ok((header, index)) = bundle::split_header(version, header_bytes) else {
        return Ok(None);
    };
    if let Err(why) = bundle::check_index(&index) {
        return Err(BundleError::Limit {
            file: name.to_string(),
            why,
        }
        .into());
    }
    if header.body_len > MAX_BODY {
        return Err(BundleError::Limit {
            file: name.to_string(),
            why: format!(
                "its header claims a body of {} bytes (the limit is {MAX_BODY})",
                header.body_len
            ),
        }
        .into());
    }
    Ok(Some(
        FIXED + header_len + header.body_len + index.section_len() + SIGNATURE,
    ))
}

fn not_a_bundle(name: &str, prefix: &[u8]) -> BundleError {
    if !prefix.is_empty() && MAGIC.starts_with(prefix) {
        BundleError::Truncated {
            file: name.to_string(),
            before: "format marker",
        }
    } else {
        BundleError::NotABundle {
            file: name.to_string(),
        }
    }
}

/// The decoder's own word on a bundle whose header is unusable.
fn undecodable(name: &str, bytes: &[u8]) -> BundleError {
    match bundle::decode(name, bytes) {
        Err(e) => e,
        Ok(_) => BundleError::Damaged {
            file: name.to_string(),
            why: "its header is unreadable".into(),
        },
    }
}

fn too_long(name: &str, kind: Kind, extra: Option<u64>) -> BundleError {
    let name = name.to_string();
    match (kind, extra) {
        (Kind::Bundle, Some(extra)) => {
            BundleError::Damaged { file: name, why: format!("{extra} unexpected bytes after the signature") }
        }
        (Kind::Bundle, None) => {
            BundleError::Damaged { file: name, why: "unexpected bytes after the signature".into() }
        }
        (Kind::Part, _) => BundleError::Parts { file: name, why: "the part is longer than the whole bundle its header describes: it is damaged; copy it again".into() },
        (Kind::Age, _) => BundleError::Limit { file: name, why: format!("it is larger than any encrypted bundle can be ({MAX_SEALED_FILE} bytes)") },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hash, NodeId};
    use crate::sync::bundle::BundleHeader;

    fn forged(body_len: u64, body: &[u8]) -> Vec<u8> {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let header = BundleHeader {
            bundle_id: [1; 16],
            sender: NodeId([2; 16]),
            recipient: NodeId([3; 16]),
            created_millis: 0,
            op_count: 0,
            body_len,
            raw_len: 0,
            body_hash: Hash::of(body),
            version_vector: vec![],
        };
        bundle::seal(&header, body, &key).expect("seal")
    }

    fn read(reader: &mut impl Read) -> Result<Vec<u8>, BundleError> {
        read_layer("f", reader, None, true, &|e| BundleError::Damaged {
            file: "f".into(),
            why: e.to_string(),
        })
    }

    /// Counts what is read, so a test can tell how far a reader went.
    struct Counting<R>(R, u64);

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1 += n as u64;
            Ok(n)
        }
    }

    #[test]
    fn an_endless_stream_of_zeros_is_refused_after_its_first_bytes() {
        let mut zeros = Counting(io::repeat(0), 0);
        let err = read(&mut zeros).expect_err("zeros are no bundle");
        assert!(matches!(err, BundleError::NotABundle { file: _ }), "{err}");
        assert_eq!(zeros.1, PREFIX);
    }

    #[test]
    fn a_bundle_is_read_exactly_as_far_as_its_header_says() {
        let bundle = forged(1000, &[5; 1000]);
        let mut endless = Counting(io::Cursor::new(bundle.clone()).chain(io::repeat(9)), 0);
        let err = read(&mut endless).expect_err("trailing bytes");
        assert!(err.to_string().contains("unexpected bytes"), "{err}");
        assert_eq!(endless.1, bundle.len() as u64 + 1);
        assert_eq!(read(&mut bundle.as_slice()).expect("whole"), bundle);
    }

    #[test]
    fn a_header_claiming_a_body_beyond_the_format_is_refused_unread() {
        let bundle = forged(MAX_BODY + 1, b"x");
        let mut endless = Counting(io::Cursor::new(bundle.clone()).chain(io::repeat(9)), 0);
        let err = read(&mut endless).expect_err("too large");
        assert!(
            err.to_string().contains("its header claims a body of"),
            "{err}"
        );
        assert!(endless.1 <= PREFIX, "read {} bytes", endless.1);
    }

    #[test]
    fn an_age_file_is_read_only_inside_the_bundle_layer() {
        // What decrypts to a part or another age file is not a bundle.
        let err = read_bundle("f", &mut &b"OUTPOST-PART 1 x"[..], &|e| {
            BundleError::Damaged {
                file: "f".into(),
                why: e.to_string(),
            }
        })
        .expect_err("a part inside age");
        assert!(matches!(err, BundleError::NotABundle { file: _ }), "{err}");
    }
}
