//! Hybrid logical clock: wall-clock milliseconds plus a counter, so that every op a node makes is
//! later than every op it has seen, even when laptop clocks disagree.

use serde::{Deserialize, Serialize};

#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Serialize, Deserialize,
)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch (UTC).
    pub millis: u64,
    /// Breaks ties between events within one millisecond.
    pub counter: u32,
}

impl Hlc {
    /// The next time after `self`, given the physical clock reads `now_millis`.
    pub fn tick(self, now_millis: u64) -> Hlc {
        if now_millis > self.millis {
            Hlc {
                millis: now_millis,
                counter: 0,
            }
        } else if self.counter == u32::MAX {
            // A counter at its end moves on to the next millisecond: the tick must be later.
            Hlc {
                millis: self.millis.saturating_add(1),
                counter: 0,
            }
        } else {
            Hlc {
                millis: self.millis,
                counter: self.counter + 1,
            }
        }
    }

    /// The time as a calendar timestamp (UTC), for display.
    pub fn timestamp(self) -> jiff::Timestamp {
        let millis = i64::try_from(self.millis).unwrap_or(i64::MAX);
        jiff::Timestamp::from_millisecond(millis).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// `YYYY-MM-DD HH:MM` in UTC.
    pub fn display(self) -> String {
        self.timestamp().strftime("%Y-%m-%d %H:%M").to_string()
    }

    /// `YYYY-MM-DD` in UTC.
    pub fn date(self) -> String {
        self.timestamp().strftime("%Y-%m-%d").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_never_goes_backwards() {
        let t = Hlc {
            millis: 1000,
            counter: 3,
        };
        assert!(t.tick(500) > t);
        assert!(t.tick(1000) > t);
        let full = Hlc {
            millis: 1000,
            counter: u32::MAX,
        };
        assert!(full.tick(0) > full);
        assert_eq!(
            t.tick(2000),
            Hlc {
                millis: 2000,
                counter: 0
            }
        );
    }
}
