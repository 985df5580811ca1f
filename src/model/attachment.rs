//! Attachments: a file (a photo of a seal, an X-ray image, a scanned notice) that belongs to an
//! article. The file's bytes are a content-addressed blob (BLAKE3), stored once per node however
//! many articles use it; the article's record keeps what the op said about it.

use serde::{Deserialize, Serialize};

use super::{ArticleId, Hash, Hlc, NodeId};
use crate::error::{Error, Result};

/// Bounds every node enforces on an attachment op, wherever it was made. How large a file a
/// node accepts from its own users is its policy (`core::attachments::Policy`), not a rule.
pub mod limits {
    pub const NAME_CHARS: usize = 120;
    pub const CAPTION_CHARS: usize = 500;
    pub const MIME_BYTES: usize = 100;
    /// Text kept from one PDF: what is extracted beyond it is cut (and the attachment says so).
    pub const TEXT_BYTES: usize = 256 << 10;
    /// No blob is larger, whatever a node's policy says (a bundle must still be readable).
    pub const BLOB_BYTES: u64 = 1 << 31;
}

/// What became of the text inside an attached file.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextStatus {
    /// Not a document (an image): nothing to read.
    None,
    /// Read whole; searchable.
    Extracted,
    /// Read, and cut at `limits::TEXT_BYTES`.
    Truncated,
    /// A PDF whose text could not be read (scanned pages, damage, encryption): attached all
    /// the same, and not searchable.
    Unreadable,
}

/// One attached file as the op that attached it describes it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Attachment {
    /// The file's name within the article (unique there), e.g. `seal-2024-03.jpg`.
    pub name: String,
    /// BLAKE3 of the file's bytes.
    pub blob: Hash,
    pub size: u64,
    /// Sniffed from the bytes when attached (`image/jpeg`, `application/pdf`).
    pub mime: String,
    pub caption: String,
    /// Text extracted once, at attach time, by the node that had the file: receivers index it
    /// without running a PDF parser on a file from elsewhere.
    pub text: String,
    pub text_status: TextStatus,
}

/// An article's entry for one name: the latest op about it (by clock, then node) wins, and a
/// removal is kept as an entry without an attachment, so that every node ends with the same
/// entries whatever order the ops arrive in.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct AttachmentSlot {
    pub name: String,
    pub hlc: Hlc,
    pub node: NodeId,
    pub attachment: Option<Attachment>,
}

/// Sets `name`'s entry in `slots` (sorted by name) to `attachment` if the op stamped
/// (`hlc`, `node`) is later than the entry's. Returns whether anything changed.
pub fn set_slot(
    slots: &mut Vec<AttachmentSlot>,
    name: &str,
    hlc: Hlc,
    node: NodeId,
    attachment: Option<Attachment>,
) -> bool {
    let slot = AttachmentSlot {
        name: name.to_string(),
        hlc,
        node,
        attachment,
    };
    match slots.binary_search_by(|s| s.name.as_str().cmp(name)) {
        Ok(at) => {
            let old = &mut slots[at];
            if (old.hlc, old.node) >= (hlc, node) {
                return false;
            }
            *old = slot;
        }
        Err(at) => slots.insert(at, slot),
    }
    true
}

/// The attachments in force among `slots`, by name.
pub fn live(slots: &[AttachmentSlot]) -> impl Iterator<Item = &Attachment> {
    slots.iter().filter_map(|s| s.attachment.as_ref())
}

/// An attachment's name: one line of 1-120 characters that can be a file name anywhere (no
/// path separators, not `.` or `..`, no control characters).
pub fn check_name(name: &str) -> Result<()> {
    let chars = name.chars().count();
    if name.trim().is_empty() || chars > limits::NAME_CHARS {
        return Err(Error::invalid(format!(
            "an attachment's name must be 1-{} characters",
            limits::NAME_CHARS
        )));
    }
    if name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(Error::invalid(format!(
            "`{}` cannot be an attachment's name: it must be a file name without folders",
            name.escape_debug()
        )));
    }
    super::validate::check_line("an attachment's name", name)
}

/// The fields of an attachment op (`Payload::validate`).
pub fn check(article: &ArticleId, a: &Attachment) -> Result<()> {
    super::validate::check_article_id(article)?;
    check_name(&a.name)?;
    if a.caption.chars().count() > limits::CAPTION_CHARS {
        return Err(Error::invalid(format!(
            "a caption must be at most {} characters",
            limits::CAPTION_CHARS
        )));
    }
    super::validate::check_line("the caption", &a.caption)?;
    let mime_ok = a.mime.len() <= limits::MIME_BYTES
        && a.mime.split_once('/').is_some_and(|(t, s)| {
            let part = |p: &str| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
            };
            part(t) && part(s)
        });
    if !mime_ok {
        return Err(Error::invalid(format!(
            "`{}` is not a MIME type",
            a.mime.escape_debug()
        )));
    }
    if a.size > limits::BLOB_BYTES {
        return Err(Error::invalid(format!(
            "an attachment of {} bytes is larger than any node accepts ({} bytes)",
            a.size,
            limits::BLOB_BYTES
        )));
    }
    if a.text.len() > limits::TEXT_BYTES {
        return Err(Error::invalid(format!(
            "an attachment's text is {} bytes (at most {})",
            a.text.len(),
            limits::TEXT_BYTES
        )));
    }
    super::validate::check_text("an attachment's text", &a.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(name: &str) -> Attachment {
        Attachment {
            name: name.into(),
            blob: Hash::of(b"x"),
            size: 1,
            mime: "image/png".into(),
            caption: String::new(),
            text: String::new(),
            text_status: TextStatus::None,
        }
    }

    fn at(millis: u64) -> Hlc {
        Hlc { millis, counter: 0 }
    }

    #[test]
    fn the_latest_op_about_a_name_wins_whatever_the_order() {
        let (a, b) = (NodeId([1; 16]), NodeId([2; 16]));
        let ops = [
            (at(1), a, Some(photo("seal.png"))),
            (at(3), b, None),
            (at(2), a, Some(photo("seal.png"))),
        ];
        let mut forward = Vec::new();
        for (hlc, node, att) in ops.clone() {
            set_slot(&mut forward, "seal.png", hlc, node, att);
        }
        let mut backward = Vec::new();
        for (hlc, node, att) in ops.into_iter().rev() {
            set_slot(&mut backward, "seal.png", hlc, node, att);
        }
        assert_eq!(forward, backward);
        assert_eq!(live(&forward).count(), 0, "the removal is the latest");
    }

    #[test]
    fn names_that_are_paths_or_control_characters_are_refused() {
        let article = ArticleId::parse("seal-check").expect("id");
        for bad in ["", "..", "a/b.png", "a\\b.png", "a\u{1b}b.png"] {
            assert!(check(&article, &photo(bad)).is_err(), "{bad:?}");
        }
        assert!(check(&article, &photo("ตราประทับ.png")).is_ok());
        let mut odd = photo("x.png");
        odd.mime = "image/png; x=1".into();
        assert!(check(&article, &odd).is_err());
    }
}
