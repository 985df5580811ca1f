//! Attaching files to articles. A file's bytes are a blob keyed by its BLAKE3 hash in the
//! store's `blobs` table, kept once however many articles use it; the article records what the
//! `AttachmentAdded` op said (name, hash, size, MIME type, caption, and the text read from a
//! PDF). The blob and its op are written in one transaction, so a node never names a file it
//! lacks by its own doing; a blob received later than its op is "to come" until it arrives.
//!
//! What a node accepts from its own users is its policy (`Policy`, `attachments.toml` in the data
//! directory): a size per file and in all, and which types, sniffed from the bytes.

use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::Replica;
use super::data_dir::DataDir;
use crate::error::{Error, Result};
use crate::model::attachment::limits;
use crate::model::{Attachment, Hash, Payload, TextStatus, User};
use crate::store;

const MB: u64 = 1_000_000;

/// What this node accepts as attachments from its own users. Files received in bundles are kept
/// whatever it says (the op that names them is valid at every node); `model::attachment::limits`
/// bounds them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Largest file, in megabytes (10^6 bytes).
    pub max_file_mb: u64,
    /// All blobs held on this node together, in megabytes.
    pub max_node_mb: u64,
    /// MIME types accepted besides images and PDFs (`application/zip`, …).
    pub extra_types: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_file_mb: 25,
            max_node_mb: 2_000,
            extra_types: vec![],
        }
    }
}

/// Accepted whatever the policy says: photographs, scans and documents.
const DEFAULT_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/tiff",
    "application/pdf",
];

impl Policy {
    /// The name of the policy file in a data directory.
    pub const FILE: &'static str = "attachments.toml";

    pub fn parse(text: &str) -> Result<Self> {
        let policy: Policy = toml::from_str(text).map_err(|e| {
            Error::invalid(format!(
                "{} does not parse ({}): fix or remove it",
                Self::FILE,
                e.message()
            ))
        })?;
        if policy.max_file_mb.saturating_mul(MB) > limits::BLOB_BYTES {
            return Err(Error::invalid(format!(
                "max_file_mb in {} is above {} MB, the most any node accepts",
                Self::FILE,
                limits::BLOB_BYTES / MB
            )));
        }
        Ok(policy)
    }

    /// The policy of the node in `dir`: its `attachments.toml`, or the defaults.
    pub fn load(dir: Option<&DataDir>) -> Result<Self> {
        let Some(path) = dir.map(|d| d.path().join(Self::FILE)) else {
            return Ok(Policy::default());
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Policy::default()),
            Err(e) => Err(Error::io(format!("cannot read {}", path.display()), e)),
        }
    }

    pub fn allows(&self, mime: &str) -> bool {
        DEFAULT_TYPES.contains(&mime) || self.extra_types.iter().any(|t| t == mime)
    }

    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_mb.saturating_mul(MB)
    }

    pub fn max_node_bytes(&self) -> u64 {
        self.max_node_mb.saturating_mul(MB)
    }
}

/// The MIME type of `bytes`, read from their first bytes (never from a file name).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    infer::get(bytes).map(|t| t.mime_type())
}

/// The text of a PDF, read once when it is attached, and what became of it. A PDF that cannot be
/// read (damaged, encrypted, scanned pages without text) is `Unreadable`, never an error; the
/// parser runs behind `catch_unwind`, so a file that trips it cannot take the program down.
pub fn pdf_text(bytes: &[u8]) -> (String, TextStatus) {
    let read = std::panic::catch_unwind(|| {
        let doc = lopdf::Document::load_mem(bytes).ok()?;
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        doc.extract_text(&pages).ok()
    });
    let Ok(Some(raw)) = read else {
        return (String::new(), TextStatus::Unreadable);
    };
    // One line per run of words: the index needs words, not the PDF's layout.
    let mut text = String::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let clean: String = line.chars().filter(|c| !c.is_control()).collect();
        if text.len() + clean.len() + 1 > limits::TEXT_BYTES {
            return (text, TextStatus::Truncated);
        }
        text.push_str(&clean);
        text.push('\n');
    }
    if text.trim().is_empty() {
        (String::new(), TextStatus::Unreadable)
    } else {
        (text, TextStatus::Extracted)
    }
}

/// The refusal of a file larger than the policy allows.
fn too_large(name: &str, size: u64, policy: &Policy) -> Error {
    Error::invalid(format!(
        "{name} is {:.1} MB, more than the {} MB this node accepts per file: make it smaller, or raise max_file_mb in {}",
        size as f64 / MB as f64,
        policy.max_file_mb,
        Policy::FILE
    ))
}

/// An attachment as `outpost attachments` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttachmentInfo {
    pub name: String,
    /// BLAKE3 of the file, 64 hex digits.
    pub blob: String,
    pub size: u64,
    pub mime: String,
    pub caption: String,
    pub text: TextStatus,
    /// Whether this node holds the file's bytes (else they come with a later bundle).
    pub present: bool,
}

/// Stores `blobs` in `txn` (those already held are left as they are). Returns how many were new.
pub(crate) fn store_blobs(txn: &WriteTransaction, blobs: &[(Hash, &[u8])]) -> Result<u64> {
    if blobs.is_empty() {
        return Ok(0);
    }
    let mut table = txn.open_table(store::BLOBS)?;
    let mut sizes = txn.open_table(store::BLOB_SIZES)?;
    let mut to_come = txn.open_table(store::BLOBS_TO_COME)?;
    let mut new = 0;
    for (hash, bytes) in blobs {
        if sizes.get(hash.0)?.is_none() {
            table.insert(hash.0, *bytes)?;
            sizes.insert(hash.0, bytes.len() as u64)?;
            new += 1;
        }
        to_come.remove(hash.0)?;
    }
    Ok(new)
}

impl Replica {
    /// Attaches `bytes` as `name` to the article `id` (replacing an attachment of that name).
    /// Refused, with nothing changed, when the file is too large for the node's policy or of a
    /// type it does not accept; a PDF whose text cannot be read is attached and says so.
    pub fn attach(
        &mut self,
        user: &User,
        id: &str,
        name: &str,
        bytes: &[u8],
        caption: &str,
    ) -> Result<Attachment> {
        let view = self.article(id)?;
        let policy = Policy::load(self.dir.as_ref())?;
        let size = bytes.len() as u64;
        if size > policy.max_file_bytes() {
            return Err(too_large(name, size, &policy));
        }
        let mime = sniff(bytes).unwrap_or("application/octet-stream");
        if !policy.allows(mime) {
            return Err(Error::invalid(format!(
                "{name} is {mime} (read from its bytes): this node accepts images and PDFs; add the type to extra_types in {} to accept it",
                Policy::FILE
            )));
        }
        let blob = Hash::of(bytes);
        let held = self.blob_len(&blob)?.is_some();
        let used = self.blob_bytes()?;
        if !held && used + size > policy.max_node_bytes() {
            return Err(Error::invalid(format!(
                "this node holds {:.0} MB of attachments and {name} would take it past its {} MB: detach files no longer needed, or raise max_node_mb in {}",
                used as f64 / MB as f64,
                policy.max_node_mb,
                Policy::FILE
            )));
        }
        let (text, text_status) = if mime == "application/pdf" {
            pdf_text(bytes)
        } else {
            (String::new(), TextStatus::None)
        };
        let attachment = Attachment {
            name: name.to_string(),
            blob,
            size,
            mime: mime.to_string(),
            caption: caption.to_string(),
            text,
            text_status,
        };
        let payload = Payload::AttachmentAdded {
            article: view.record.id.clone(),
            attachment: attachment.clone(),
        };
        payload.validate()?;
        self.commit_with_blobs(&user.name, vec![payload], &[(blob, bytes)])?;
        Ok(attachment)
    }

    /// Attaches the file at `path` under its own name, as `attach` does. A missing path, a
    /// folder, or a file larger than the policy allows is refused before anything is read.
    pub fn attach_file(
        &mut self,
        user: &User,
        id: &str,
        path: &std::path::Path,
        caption: &str,
    ) -> Result<Attachment> {
        let shown = path.display();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| {
                Error::invalid(format!(
                    "{shown} has no file name that can be an attachment's: rename it"
                ))
            })?
            .to_string();
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::invalid(format!(
                    "there is no file at {shown}: check the path"
                )));
            }
            Err(e) => return Err(Error::io(format!("cannot read {shown}"), e)),
        };
        if !meta.is_file() {
            return Err(Error::invalid(format!(
                "{shown} is a folder, not a file: give the path of a file in it"
            )));
        }
        let policy = Policy::load(self.dir.as_ref())?;
        if meta.len() > policy.max_file_bytes() {
            return Err(too_large(&name, meta.len(), &policy));
        }
        let bytes =
            std::fs::read(path).map_err(|e| Error::io(format!("cannot read {shown}"), e))?;
        self.attach(user, id, &name, &bytes, caption)
    }

    /// Removes the attachment `name` from the article `id`. Its blob stays (another article may
    /// use it).
    pub fn detach(&mut self, user: &User, id: &str, name: &str) -> Result<()> {
        let view = self.article(id)?;
        if !view.record.live_attachments().any(|a| a.name == name) {
            return Err(no_attachment(id, name));
        }
        let payload = Payload::AttachmentRemoved {
            article: view.record.id.clone(),
            name: name.to_string(),
        };
        self.commit(&user.name, vec![payload]).map(|_| ())
    }

    /// The attachments of the article `id`, read through the article's own read path.
    pub fn attachments(&self, id: &str) -> Result<Vec<AttachmentInfo>> {
        let view = self.article(id)?;
        let mut out = Vec::new();
        for a in view.record.live_attachments() {
            out.push(AttachmentInfo {
                name: a.name.clone(),
                blob: a.blob.to_string(),
                size: a.size,
                mime: a.mime.clone(),
                caption: a.caption.clone(),
                text: a.text_status,
                present: self.blob_len(&a.blob)?.is_some(),
            });
        }
        Ok(out)
    }

    /// The attachment `name` of the article `id` and its bytes.
    pub fn attachment_bytes(&self, id: &str, name: &str) -> Result<(Attachment, Vec<u8>)> {
        let view = self.article(id)?;
        let a = view
            .record
            .live_attachments()
            .find(|a| a.name == name)
            .cloned()
            .ok_or_else(|| no_attachment(id, name))?;
        let bytes = self.blob(&a.blob)?.ok_or_else(|| {
            Error::invalid(format!(
                "the file {name} of `{id}` has not arrived yet: it comes with a later bundle from the node that attached it"
            ))
        })?;
        Ok((a, bytes))
    }

    /// A blob's bytes, when this node holds it.
    pub fn blob(&self, hash: &Hash) -> Result<Option<Vec<u8>>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(store::BLOBS)?;
        Ok(table.get(hash.0)?.map(|v| v.value().to_vec()))
    }

    /// A blob's size, when this node holds it.
    pub fn blob_len(&self, hash: &Hash) -> Result<Option<u64>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(store::BLOB_SIZES)?;
        Ok(table.get(hash.0)?.map(|v| v.value()))
    }

    /// Bytes of all blobs this node holds.
    pub fn blob_bytes(&self) -> Result<u64> {
        let txn = self.db.begin_read()?;
        let mut total = 0u64;
        for entry in txn.open_table(store::BLOB_SIZES)?.iter()? {
            total = total.saturating_add(entry?.1.value());
        }
        Ok(total)
    }

    /// Blobs named by attachments received whose bytes have not arrived ("to come").
    pub fn blobs_to_come(&self) -> Result<Vec<Hash>> {
        let txn = self.db.begin_read()?;
        let mut out = Vec::new();
        for entry in txn.open_table(store::BLOBS_TO_COME)?.iter()? {
            out.push(Hash(entry?.0.value()));
        }
        Ok(out)
    }
}

fn no_attachment(id: &str, name: &str) -> Error {
    Error::invalid(format!(
        "`{id}` has no attachment {name}: `outpost attachments {id}` lists them"
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::core::attachment_samples;
    use crate::core::{FixedClock, InitOptions};
    use crate::search::SearchRequest;

    fn demo() -> (Replica, User) {
        let options = InitOptions {
            office: "Test HQ".into(),
            hq: true,
            admin: "admin".into(),
        };
        let mut replica = Replica::create_in_memory(&options, Arc::new(FixedClock::new(1_000)))
            .expect("in-memory node");
        let admin = replica.resolve_user(None).expect("admin");
        crate::demo::load(&mut replica, &admin).expect("demo loads");
        (replica, admin)
    }

    const ARTICLE: &str = "timber-inspection-land-border";

    fn hits(replica: &Replica, words: &str) -> Vec<String> {
        let request = SearchRequest {
            text: words.into(),
            limit: 10,
            ..Default::default()
        };
        let found = replica.search(&request).expect("search");
        found.into_iter().map(|h| h.id.to_string()).collect()
    }

    #[test]
    fn a_pdfs_words_are_read_once_and_found_by_search() {
        let (mut replica, admin) = demo();
        assert!(hits(&replica, "zygomorphic").is_empty());
        let pdf = attachment_samples::pdf(&["Zygomorphic seal register", "page one"]);
        let a = replica
            .attach(&admin, ARTICLE, "register.pdf", &pdf, "Seal register")
            .expect("attached");
        assert_eq!(a.mime, "application/pdf");
        assert_eq!(a.text_status, TextStatus::Extracted);
        assert!(a.text.contains("Zygomorphic"), "{:?}", a.text);
        assert_eq!(hits(&replica, "zygomorphic"), vec![ARTICLE.to_string()]);
        replica
            .detach(&admin, ARTICLE, "register.pdf")
            .expect("detached");
        assert!(hits(&replica, "zygomorphic").is_empty());
        assert!(replica.attachments(ARTICLE).expect("list").is_empty());
    }

    #[test]
    fn a_pdf_that_cannot_be_read_is_attached_and_says_so() {
        let (mut replica, admin) = demo();
        let mut broken = b"%PDF-1.5\n".to_vec();
        broken.extend_from_slice(&[0xAB; 300]);
        let a = replica
            .attach(&admin, ARTICLE, "scan.pdf", &broken, "")
            .expect("attached all the same");
        assert_eq!(a.text_status, TextStatus::Unreadable);
        let listed = replica.attachments(ARTICLE).expect("list");
        assert_eq!(listed[0].text, TextStatus::Unreadable);
        assert!(listed[0].present);
    }

    #[test]
    fn one_file_on_two_articles_is_stored_once() {
        let (mut replica, admin) = demo();
        let photo = attachment_samples::png(1, 10_000);
        replica
            .attach(&admin, ARTICLE, "seal.png", &photo, "")
            .expect("first");
        replica
            .attach(&admin, "container-seal-checks", "seal.png", &photo, "")
            .expect("second");
        assert_eq!(replica.blob_bytes().expect("bytes"), 10_000);
        let (a, bytes) = replica
            .attachment_bytes("container-seal-checks", "seal.png")
            .expect("opened");
        assert_eq!(a.mime, "image/png");
        assert_eq!(bytes, photo);
    }

    #[test]
    fn files_over_the_limit_or_of_other_types_are_refused_and_change_nothing() {
        let (mut replica, admin) = demo();
        let before = replica.article(ARTICLE).expect("article").record;
        let text = b"just some words, not an image".to_vec();
        let err = replica
            .attach(&admin, ARTICLE, "notes.png", &text, "")
            .expect_err("a text file named .png is not an image");
        assert!(err.to_string().contains("extra_types"), "{err}");
        let big = attachment_samples::png(2, 25_000_001);
        let err = replica
            .attach(&admin, ARTICLE, "huge.png", &big, "")
            .expect_err("over 25 MB");
        assert!(err.to_string().contains("max_file_mb"), "{err}");
        assert_eq!(replica.article(ARTICLE).expect("article").record, before);
        assert_eq!(replica.blob_bytes().expect("bytes"), 0);
    }

    #[test]
    fn a_policy_adds_types_and_changes_limits() {
        let policy = Policy::parse("max_file_mb = 5\nextra_types = [\"application/zip\"]\n")
            .expect("parses");
        assert!(policy.allows("application/zip") && policy.allows("image/jpeg"));
        assert!(!policy.allows("application/x-executable"));
        assert_eq!(policy.max_file_bytes(), 5_000_000);
        assert_eq!(policy.max_node_mb, 2_000);
        assert!(
            Policy::parse("max_file = 5").is_err(),
            "unknown keys are refused"
        );
        assert!(Policy::parse("max_file_mb = 999999").is_err());
    }
}
