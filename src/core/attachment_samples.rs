//! Files made in code for the tests and the benchmarks: a PDF whose page holds given text, and a
//! PNG (one pixel, with bytes after its end to make each one distinct and as large as asked).

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

/// A one-page PDF whose text is `lines`, one per line, in Courier.
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Courier",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut operations = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 12.into()]),
        Operation::new("TL", vec![14.into()]),
        Operation::new("Td", vec![72.into(), 760.into()]),
    ];
    for line in lines {
        operations.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
        operations.push(Operation::new("T*", vec![]));
    }
    operations.push(Operation::new("ET", vec![]));
    let content = Content { operations };
    let content_id = doc.add_object(Stream::new(
        dictionary! {},
        content.encode().unwrap_or_default(),
    ));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = doc.save_to(&mut out);
    out
}

/// A valid one-pixel PNG.
const PIXEL_PNG: [u8; 70] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0,
    0, 0, 31, 21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 248, 207, 80, 15, 0, 3,
    134, 1, 128, 90, 52, 125, 107, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// A PNG of `size` bytes (at least 70) that differs for each `seed`: the pixel, then bytes that
/// do not compress (as a photo's do not), which image readers ignore after the end.
pub fn png(seed: u64, size: usize) -> Vec<u8> {
    let mut out = PIXEL_PNG.to_vec();
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    while out.len() < size.max(PIXEL_PNG.len() + 8) {
        // xorshift64*: cheap bytes without a pattern zstd could shrink.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(size.max(PIXEL_PNG.len() + 8));
    out
}

/// A picture of `width` × `height` pixels standing for a photo of a customs seal: a dark ring
/// on a light ground, crossed by a crack, with a little grain (as a camera's sensor gives).
pub fn photo(width: u32, height: u32) -> image::RgbImage {
    let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
    let radius = cx.min(cy) * 0.7;
    image::RgbImage::from_fn(width, height, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let distance = (dx * dx + dy * dy).sqrt();
        let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 23) as u8;
        let crack = (dx - dy).abs() < (width.max(height) as f32 / 200.0).max(1.0);
        if crack && distance < radius {
            image::Rgb([200, 30 + grain, 30])
        } else if (distance - radius).abs() < radius * 0.15 {
            image::Rgb([40 + grain, 50 + grain, 90 + grain])
        } else {
            image::Rgb([220 - grain, 215 - grain, 200 - grain])
        }
    })
}

/// `photo` as a PNG file.
pub fn photo_png(width: u32, height: u32) -> Vec<u8> {
    encode(width, height, image::ImageFormat::Png)
}

/// `photo` as a JPEG file, as a camera writes it.
pub fn photo_jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(width, height, image::ImageFormat::Jpeg)
}

fn encode(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    // Encoding an image held in memory into a Vec cannot fail.
    let _ = photo(width, height).write_to(&mut out, format);
    out.into_inner()
}
