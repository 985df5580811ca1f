//! Enrolment: `Replica::enrolled_in_memory` (what `outpost init --from FILE` reads) on
//! arbitrary bytes, with a FixedClock. Nothing may panic.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use outpost::Replica;
use outpost::core::FixedClock;

/// 2026-11-01T00:00:00Z, as the tests use.
const T0: u64 = 1_793_491_200_000;

fuzz_target!(|data: &[u8]| {
    match Replica::enrolled_in_memory(data, "admin", Arc::new(FixedClock::new(T0))) {
        Ok(replica) => drop(replica),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
