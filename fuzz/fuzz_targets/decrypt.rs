//! Decrypt: `transport::decrypt` (age, binary or ASCII-armoured) with a fixed identity; what
//! opens is read on as import does (`bundle::decode`). Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outpost::sync::{bundle, transport};

fuzz_target!(|data: &[u8]| {
    let _ = transport::is_encrypted(data);
    match transport::decrypt("fuzz", data, &[outpost_fuzz::fuzz_identity()]) {
        Ok(plain) => {
            if let Err(e) = bundle::decode("fuzz", &plain) {
                let _ = e.to_string();
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
