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
    let at = |q: f64| {
        let i = ((times.len() as f64 * q).ceil() as usize).saturating_sub(1);
        times
            .get(i.min(times.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Ok(FrameFigures {
        first_frame,
        keystroke_p50: at(0.50),
        keystroke_p95: at(0.95),
        keystroke_max: times.last().copied().unwrap_or_default(),
        keystrokes: times.len(),
    })
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
    fn the_figures_cover_every_keystroke() {
        let mut replica = crate::tui::state::fixtures::demo_replica();
        let figures = bench_frames(&mut replica, &["timber", "ไม้"]).expect("bench runs");
        assert_eq!(figures.keystrokes, 6 + 3);
        assert!(figures.keystroke_p50 <= figures.keystroke_p95);
        assert!(figures.keystroke_p95 <= figures.keystroke_max);
    }
}
