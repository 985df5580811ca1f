//! The interface's figures on a benchmark node: the first frame after start (opening the node
//! and drawing Home with its data) and every keystroke of typing queries into the search box,
//! through `outpost::tui::bench::bench_frames`.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use outpost::Replica;
use outpost::core::DataDir;

/// Queries typed key by key: English, a filter, Thai and Korean.
const TYPED: &[&str] = &[
    "network server",
    "library category:commodity",
    "ข้อมูล",
    "한국어",
];

pub fn run(dir: &Path) -> Result<()> {
    let started = Instant::now();
    let mut replica =
        Replica::open(&DataDir::new(dir)).context("cannot open the benchmark node")?;
    let open = started.elapsed();
    let figures = outpost::tui::bench::bench_frames(&mut replica, TYPED)?;
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!("| figure | value | target |");
    println!("|---|---|---|");
    println!("| open the node | {:.1} ms | |", ms(open));
    println!(
        "| first frame (Home, drawn) | {:.1} ms | |",
        ms(figures.first_frame)
    );
    println!(
        "| start to first frame | {:.1} ms | < 100 ms |",
        ms(open + figures.first_frame)
    );
    println!(
        "| keystroke → frame p50 | {:.2} ms | |",
        ms(figures.keystroke_p50)
    );
    println!(
        "| keystroke → frame p95 | {:.2} ms | < 16 ms |",
        ms(figures.keystroke_p95)
    );
    println!(
        "| keystroke → frame max | {:.2} ms | |",
        ms(figures.keystroke_max)
    );
    println!("| keystrokes measured | {} | |", figures.keystrokes);
    Ok(())
}
