//! Bundle body: the input is taken as the *inflated* body (postcard `Vec<SignedOp>`) and wrapped
//! into a well-formed bundle signed with the fixed key (`outpost_fuzz::wrap_raw_body`), so the
//! ops decoder and `verify` are reached on every run. `bundle_reader` cannot get there by itself:
//! any change to a real bundle's body breaks its BLAKE3 body hash. Nothing may panic, and a
//! bundle that decodes must verify.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outpost::sync::bundle;

fuzz_target!(|data: &[u8]| {
    let bytes = outpost_fuzz::wrap_raw_body(data);
    match bundle::decode("fuzz", &bytes) {
        Ok(b) => {
            b.verify("fuzz", &outpost_fuzz::fixed_verifying_key())
                .expect("a bundle signed with the fixed key verifies");
            for op in &b.ops {
                let _ = op.op.hash();
                let _ = op.verify(&outpost_fuzz::fixed_verifying_key());
                let _ = format!("{:?}", op.op.payload);
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
