//! Bundle reader: `bundle::decode` on arbitrary bytes; whatever decodes is also verified, against
//! a fixed key and against the key its own first `NodeCreated` op carries (so that mutations of
//! a real bundle reach a verification that can succeed). Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outpost::model::Payload;
use outpost::sync::bundle;

fuzz_target!(|data: &[u8]| {
    match bundle::decode("fuzz", data) {
        Ok(b) => {
            let _ = b.verify("fuzz", &outpost_fuzz::fixed_verifying_key());
            if let Some(key) = b.ops.iter().find_map(|o| match &o.op.payload {
                Payload::NodeCreated { public_key, .. } => Some(*public_key),
                _ => None,
            }) {
                let _ = b.verify("fuzz", &key);
            }
            // What the import report and messages show of a bundle.
            let _ = format!("{:?} {}", b.header, b.header.sender.short());
        }
        // Error messages are shown to people: formatting them must not panic either.
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
