//! `outpost-bench image-draw`: a camera-sized photo attached to an article and drawn by the
//! reader, through `outpost::tui::bench::bench_picture`: the one-time decoding and fitting (the
//! worker's), then the cost of each frame with the picture on the page, at two reader sizes.

use anyhow::Result;

pub fn run(width: u32, height: u32, frames: usize) -> Result<()> {
    let photo = outpost::core::attachment_samples::photo_jpeg(width, height);
    println!(
        "photo: {width}×{height} px JPEG, {:.1} MB; {frames} frames per size; half-blocks",
        photo.len() as f64 / 1e6
    );
    println!();
    println!(
        "| reader | picture cells | decode (once) | fit (once per size) | frame p50 | frame p99 | frame max | target |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    for (w, h) in [(80, 24), (120, 40)] {
        let f = outpost::tui::bench::bench_picture(&photo, w, h, frames)?;
        println!(
            "| {w}×{h} | {}×{} | {:.1} ms | {:.1} ms | {:.3} ms | {:.3} ms | {:.3} ms | frame < 50 ms |",
            f.cols,
            f.rows,
            ms(f.decode),
            ms(f.fit),
            ms(f.draw_p50),
            ms(f.draw_p99),
            ms(f.draw_max)
        );
    }
    Ok(())
}
