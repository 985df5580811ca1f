//! The wall clock, injected so that tests and snapshots are reproducible.

use std::sync::atomic::{AtomicU64, Ordering};

pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> u64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> u64 {
        let now = jiff::Timestamp::now().as_millisecond();
        u64::try_from(now).unwrap_or(0)
    }
}

/// A clock that reads a fixed time, advanced by hand.
pub struct FixedClock(AtomicU64);

impl FixedClock {
    pub fn new(millis: u64) -> Self {
        FixedClock(AtomicU64::new(millis))
    }

    pub fn advance(&self, millis: u64) {
        self.0.fetch_add(millis, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now_millis(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}
