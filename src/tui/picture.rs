//! Attached photos in the reader. The worker decodes a blob once (bounded: a damaged or
//! oversized file is refused, never a panic or a hang), shrinks it once to the area the reader
//! gives it and encodes it for the terminal's graphics (`ratatui-image`: kitty, iTerm2, sixel,
//! or half-blocks everywhere else); the result is kept in the state per (blob, area size), so a
//! frame only copies ready cells into the buffer.
//!
//! The protocol is detected once, before the interface reads keys (`detect`), by asking the
//! terminal; a terminal that does not answer within `QUERY_TIMEOUT` gets half-blocks.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use image::DynamicImage;
use ratatui::layout::Size;
use ratatui_image::Resize;
pub use ratatui_image::picker::Picker;
use ratatui_image::protocol::Protocol;

/// Rows a picture takes in the reader (half of an 80×24 reader's page).
pub const PICTURE_ROWS: u16 = 10;
/// Larger sides than this are refused before decoding (a 20,000 px side is a poster scan).
const MAX_SIDE: u32 = 20_000;
/// Memory the decoder may take for one image.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;
/// How many decoded images the worker keeps (a decoded 4,000 px photo takes ~48 MB).
const KEEP_DECODED: usize = 3;
/// How long the terminal has to answer the graphics query.
const QUERY_TIMEOUT: Duration = Duration::from_millis(500);

/// A picture as the reader asks for it: which file, in how many columns and rows.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PictureKey {
    /// BLAKE3 of the file, 64 hex digits.
    pub blob: String,
    pub cols: u16,
    pub rows: u16,
}

/// A picture encoded for the terminal, ready to draw; cheap to clone.
#[derive(Clone)]
pub struct Picture(Arc<Protocol>);

impl Picture {
    pub fn protocol(&self) -> &Protocol {
        &self.0
    }

    /// The cells it covers (at most the area it was made for).
    pub fn size(&self) -> Size {
        self.0.size()
    }
}

impl fmt::Debug for Picture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let size = self.size();
        write!(f, "Picture({}×{})", size.width, size.height)
    }
}

impl PartialEq for Picture {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What the reader has of a picture.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    /// Asked of the worker; not back yet.
    Loading,
    Ready(Picture),
    /// It cannot be shown: why, in the interface's language.
    Unshowable(String),
}

/// Why a file cannot be drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unshowable {
    /// This node does not hold the file's bytes yet.
    NotArrived,
    /// The bytes are no image format the reader decodes.
    NotAnImage,
    /// Wider or taller than `MAX_SIDE`, or more than the decoder may take.
    TooLarge,
    /// The decoder found the file damaged: its words.
    Damaged(String),
}

/// Decodes `bytes` within bounds: no panic, no unbounded allocation, whatever the file holds.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, Unshowable> {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Unshowable::Damaged(e.to_string()))?;
    if reader.format().is_none() {
        return Err(Unshowable::NotAnImage);
    }
    let mut reader = reader;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    // A decoder that trips over a hostile file must not take the interface down.
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.decode()))
        .map_err(|_| Unshowable::Damaged("the decoder stopped".into()))?;
    decoded.map_err(|e| match e {
        image::ImageError::Limits(_) => Unshowable::TooLarge,
        image::ImageError::Unsupported(_) => Unshowable::NotAnImage,
        e => Unshowable::Damaged(e.to_string()),
    })
}

/// `image` shrunk once to fit `cols` × `rows` cells and encoded for `picker`'s protocol. The
/// shrinking is a box filter over the whole photo (`thumbnail`), so the protocol's own resize
/// only pads.
pub fn fit(picker: &Picker, image: &DynamicImage, cols: u16, rows: u16) -> Result<Picture, String> {
    let font = picker.font_size();
    let width = u32::from(cols) * u32::from(font.width).max(1);
    let height = u32::from(rows) * u32::from(font.height).max(1);
    let small = if image.width() > width || image.height() > height {
        image.thumbnail(width, height)
    } else {
        image.clone()
    };
    picker
        .new_protocol(small, Size::new(cols, rows), Resize::Fit(None))
        .map(|p| Picture(Arc::new(p)))
        .map_err(|e| e.to_string())
}

/// The images the worker decoded, most recently used last, so that a resize or a second reader
/// of the same photo does not decode it again.
#[derive(Debug, Default)]
pub struct Decoded {
    entries: Vec<(String, Arc<DynamicImage>)>,
}

impl Decoded {
    /// The decoded image of `blob`, from `read` the first time.
    pub fn get_or_decode(
        &mut self,
        blob: &str,
        read: impl FnOnce() -> Result<DynamicImage, Unshowable>,
    ) -> Result<Arc<DynamicImage>, Unshowable> {
        if let Some(at) = self.entries.iter().position(|(b, _)| b == blob) {
            let entry = self.entries.remove(at);
            let image = entry.1.clone();
            self.entries.push(entry);
            return Ok(image);
        }
        let image = Arc::new(read()?);
        if self.entries.len() >= KEEP_DECODED {
            self.entries.remove(0);
        }
        self.entries.push((blob.to_string(), image.clone()));
        Ok(image)
    }
}

impl Default for Pictures {
    fn default() -> Self {
        Self::halfblocks()
    }
}

/// The worker's memory of decoded images and the terminal's protocol.
#[derive(Clone, Debug)]
pub struct Pictures {
    pub picker: Picker,
    pub decoded: Arc<Mutex<Decoded>>,
}

impl Pictures {
    pub fn new(picker: Picker) -> Self {
        Pictures {
            picker,
            decoded: Arc::default(),
        }
    }

    /// Half-blocks: what any terminal draws (and what the tests and the benchmark use).
    pub fn halfblocks() -> Self {
        Self::new(Picker::halfblocks())
    }
}

/// The protocol for this terminal. A terminal known to answer the graphics queries (kitty,
/// iTerm2, WezTerm, foot, mlterm, ghostty; not inside tmux, which may not pass them on) is asked
/// (kitty, sixel, font size); any other gets half-blocks without being asked, since a query
/// left unanswered can take the first key typed. `OUTPOST_IMAGES=query` asks any terminal,
/// `OUTPOST_IMAGES=halfblocks` none; standard input or output redirected gets half-blocks. Call
/// it after entering the alternate screen and before reading keys. A terminal that does not
/// answer in `QUERY_TIMEOUT` gets half-blocks.
pub fn detect() -> Picker {
    use std::io::IsTerminal;
    let choice = std::env::var("OUTPOST_IMAGES").unwrap_or_default();
    let ask = match choice.as_str() {
        "halfblocks" => false,
        "query" => true,
        _ => known_graphics_terminal(),
    };
    if !ask || !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Picker::halfblocks();
    }
    let options = ratatui_image::picker::cap_parser::QueryStdioOptions {
        timeout: QUERY_TIMEOUT,
        ..Default::default()
    };
    Picker::from_query_stdio_with_options(options).unwrap_or_else(|_| Picker::halfblocks())
}

/// Whether the environment names a terminal that answers the graphics queries.
fn known_graphics_terminal() -> bool {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if std::env::var_os("TMUX").is_some() {
        return false;
    }
    let term = var("TERM");
    std::env::var_os("KITTY_WINDOW_ID").is_some()
        || ["kitty", "foot", "mlterm", "wezterm", "ghostty"]
            .iter()
            .any(|t| term.contains(t))
        || ["iTerm.app", "WezTerm", "ghostty"].contains(&var("TERM_PROGRAM").as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::attachment_samples;

    #[test]
    fn a_photo_is_fitted_into_the_cells_it_is_given() {
        let photo = decode(&attachment_samples::photo_png(400, 300)).expect("decodes");
        let picture = fit(&Picker::halfblocks(), &photo, 40, 10).expect("fits");
        let size = picture.size();
        assert!(size.width <= 40 && size.height <= 10, "{size:?}");
        assert!(size.width >= 20, "the photo keeps its width: {size:?}");
    }

    #[test]
    fn damaged_and_foreign_files_are_refused_with_a_reason() {
        let mut png = attachment_samples::photo_png(64, 64);
        png.truncate(png.len() / 2);
        assert!(matches!(decode(&png), Err(Unshowable::Damaged(_))));
        assert_eq!(
            decode(b"%PDF-1.4 not a picture").err(),
            Some(Unshowable::NotAnImage)
        );
        assert_eq!(decode(&[]).err(), Some(Unshowable::NotAnImage));
    }

    #[test]
    fn a_picture_wider_than_the_limit_is_refused_before_it_is_decoded() {
        // A PNG header claiming 30,000 × 30,000 pixels (3.6 GB decoded), and nothing more.
        let mut png = attachment_samples::photo_png(8, 8);
        png[16..20].copy_from_slice(&30_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&30_000u32.to_be_bytes());
        assert!(decode(&png).is_err());
    }

    #[test]
    fn a_photo_is_decoded_once_however_often_it_is_asked_for() {
        let mut decoded = Decoded::default();
        let bytes = attachment_samples::photo_png(32, 32);
        let mut reads = 0;
        for _ in 0..3 {
            decoded
                .get_or_decode("a", || {
                    reads += 1;
                    decode(&bytes)
                })
                .expect("decodes");
        }
        assert_eq!(reads, 1);
    }
}
