//! Parts: the input is cut into up to 64 files at every "\n--8<--\n" (see
//! `outpost_fuzz::split_files`) and given to `transport::assemble`; each whole file it returns is
//! then read as import does (`bundle::decode`). Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outpost::sync::{bundle, transport};

fuzz_target!(|data: &[u8]| {
    let files = outpost_fuzz::split_files(data);
    match transport::assemble(files) {
        Ok(whole) => {
            for (name, bytes) in whole {
                if let Err(e) = bundle::decode(&name, &bytes) {
                    let _ = e.to_string();
                }
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
