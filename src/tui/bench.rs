//! Figures for the benchmark harness: how fast the interface draws, measured through the same
//! `update` → effects → draw path as the event loop, into ratatui's `TestBackend` (so no
//! terminal is needed and the figures do not include the terminal's own drawing).
//!
//! ```no_run
//! # fn f(replica: &mut outpost::Replica) -> outpost::Result<()> {
//! let figures = outpost::tui::bench::bench_frames(replica, &["timber", "พิกัด", "세관"])?;
//! println!("first frame {:?}, keystroke p95 {:?}", figures.first_frame, figures.keystroke_p95);
//! # Ok(()) }
//! ```

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::effects::{Context, settle};
use super::keymap::{Key, KeyCode};
use super::state::State;
use super::update::Msg;
use super::view;
use crate::core::Replica;
use crate::error::{Error, Result};

/// What `bench_frames` measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameFigures {
    /// From a fresh `State` to the first complete frame (Home with its data, the Knowledge Map
    /// and the recent list loaded), drawn at 80×24.
    pub first_frame: Duration,
    /// Per key typed into the search box: `update`, the search it starts (no debounce), the
    /// results, the preview load when shown, and the drawing of the next frame.
    pub keystroke_p50: Duration,
    pub keystroke_p95: Duration,
    pub keystroke_max: Duration,
    /// How many keystrokes were measured.
    pub keystrokes: usize,
}

/// Measures the first frame and every keystroke of typing each of `queries` into the search
/// box (clearing it in between), as the node's only account or, with several, as no one.
pub fn bench_frames(replica: &mut Replica, queries: &[&str]) -> Result<FrameFigures> {
    let user = replica.resolve_user(None).ok();
    let ctx = Context::new(replica, user, None);
    let mut terminal =
        Terminal::new(TestBackend::new(80, 24)).map_err(|e| Error::io("test backend", io(e)))?;
    let started = Instant::now();
    let mut state = State::new(80, 24);
    state.now_millis = replica.now_millis();
    settle(replica, &ctx, &mut state, Msg::Start);
    draw(&mut terminal, &state)?;
    let first_frame = started.elapsed();

    settle(
        replica,
        &ctx,
        &mut state,
        Msg::Key(Key::new(KeyCode::Char('/'))),
    );
    let mut times = Vec::new();
    for query in queries {
        settle(replica, &ctx, &mut state, Msg::Key(Key::ctrl('u')));
        for c in query.chars() {
            let t = Instant::now();
            settle(
                replica,
                &ctx,
                &mut state,
                Msg::Key(Key::new(KeyCode::Char(c))),
            );
            draw(&mut terminal, &state)?;
            times.push(t.elapsed());
        }
    }
    times.sort();
    let at = |q: f64| percentile(&times, q);
    Ok(FrameFigures {
        first_frame,
        keystroke_p50: at(0.50),
        keystroke_p95: at(0.95),
        keystroke_max: times.last().copied().unwrap_or_default(),
        keystrokes: times.len(),
    })
}

/// What `bench_picture` measured: the one-time work on the worker, then the cost of a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PictureFigures {
    /// Decoding the file (once per file).
    pub decode: Duration,
    /// Shrinking the decoded photo to the reader's cells and encoding it (once per size).
    pub fit: Duration,
    /// The cells the picture was fitted into.
    pub cols: u16,
    pub rows: u16,
    /// A whole reader frame with the picture in view, drawn into a `TestBackend`.
    pub draw_p50: Duration,
    pub draw_p99: Duration,
    pub draw_max: Duration,
    pub frames: usize,
}

/// Attaches `photo` to an article of a fresh in-memory demo node, times its decoding and
/// fitting once (as the worker does them), then draws `frames` reader frames of
/// `width`×`height` with the picture on the page (half-blocks: every cell of it drawn), one
/// frame per key (`j`/`k`, scrolling by one row and back, so every frame differs).
pub fn bench_picture(
    photo: &[u8],
    width: u16,
    height: u16,
    frames: usize,
) -> Result<PictureFigures> {
    let options = crate::core::InitOptions {
        office: "Bench".into(),
        hq: true,
        admin: "bench".into(),
    };
    let clock = std::sync::Arc::new(crate::core::SystemClock);
    let mut replica = Replica::create_in_memory(&options, clock)?;
    let user = replica.resolve_user(None)?;
    crate::demo::load(&mut replica, &user)?;
    let id = "timber-inspection-land-border";
    replica.attach(&user, id, "photo.jpg", photo, "")?;

    let layout = view::reader_layout(ratatui::layout::Rect::new(0, 0, width, height));
    let cols = u16::try_from(layout.text_width()).unwrap_or(u16::MAX);
    let rows = super::picture::PICTURE_ROWS;
    let started = Instant::now();
    let image = super::picture::decode(photo)
        .map_err(|e| Error::invalid(format!("the photo does not decode: {e:?}")))?;
    let decode = started.elapsed();
    let started = Instant::now();
    super::picture::fit(&super::picture::Picker::halfblocks(), &image, cols, rows)
        .map_err(Error::invalid)?;
    let fit = started.elapsed();

    let ctx = Context::new(&replica, Some(user), None);
    let mut state = State::new(width, height);
    settle(&mut replica, &ctx, &mut state, Msg::Start);
    let doc = super::effects::reader_doc(&replica, &ctx, id)?;
    settle(&mut replica, &ctx, &mut state, Msg::Opened(Box::new(doc)));
    // Scrolled so that the picture's rows are all on the page.
    let slot_line = state
        .reader()
        .and_then(|r| r.laid.pictures.first())
        .map(|s| s.line)
        .ok_or_else(|| Error::invalid("the reader keeps no rows for the photo"))?;
    if let Some(reader) = state.readers.last_mut() {
        reader.scroll = slot_line.saturating_sub(2);
    }
    let mut terminal = Terminal::new(TestBackend::new(width, height))
        .map_err(|e| Error::io("test backend", io(e)))?;
    draw(&mut terminal, &state)?;
    let mut times = Vec::with_capacity(frames);
    for i in 0..frames {
        let key = if i % 2 == 0 { 'j' } else { 'k' };
        settle(
            &mut replica,
            &ctx,
            &mut state,
            Msg::Key(Key::new(KeyCode::Char(key))),
        );
        let t = Instant::now();
        draw(&mut terminal, &state)?;
        times.push(t.elapsed());
    }
    times.sort();
    let at = |q: f64| percentile(&times, q);
    Ok(PictureFigures {
        decode,
        fit,
        cols,
        rows,
        draw_p50: at(0.50),
        draw_p99: at(0.99),
        draw_max: times.last().copied().unwrap_or_default(),
        frames: times.len(),
    })
}

/// The time at quantile `q` of `sorted` (nearest rank); zero when nothing was timed.
fn percentile(sorted: &[Duration], q: f64) -> Duration {
    let i = ((sorted.len() as f64 * q).ceil() as usize).saturating_sub(1);
    sorted
        .get(i.min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

fn draw(terminal: &mut Terminal<TestBackend>, state: &State) -> Result<()> {
    terminal
        .draw(|frame| view::draw(frame, state))
        .map(|_| ())
        .map_err(|e| Error::io("test backend", io(e)))
}

fn io(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picture_figures_cover_every_frame() {
        let photo = crate::core::attachment_samples::photo_jpeg(320, 240);
        let figures = bench_picture(&photo, 80, 24, 5).expect("bench runs");
        assert_eq!(figures.frames, 5);
        assert_eq!((figures.cols, figures.rows), (76, 10));
        assert!(figures.draw_p50 <= figures.draw_p99);
    }

    #[test]
    fn the_figures_cover_every_keystroke() {
        let mut replica = crate::tui::state::fixtures::demo_replica();
        let figures = bench_frames(&mut replica, &["timber", "ไม้"]).expect("bench runs");
        assert_eq!(figures.keystrokes, 6 + 3);
        assert!(figures.keystroke_p50 <= figures.keystroke_p95);
        assert!(figures.keystroke_p95 <= figures.keystroke_max);
    }
}
