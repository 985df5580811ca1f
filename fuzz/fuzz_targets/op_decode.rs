//! Op decoding with validation: arbitrary bytes → `SignedOp::decode`, then `Op::validate`, as
//! every op read from a bundle or the store goes. Nothing may panic, and an op that decodes and
//! validates re-encodes to bytes that decode to an equal op (and encode to the same bytes again),
//! so what a node stores and passes on is what it checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outpost::model::SignedOp;

fuzz_target!(|data: &[u8]| {
    let Ok(op) = SignedOp::decode(data) else {
        return;
    };
    let _ = op.op.hash();
    let _ = op.verify(&outpost_fuzz::fixed_verifying_key());
    if let Err(e) = op.op.validate() {
        let _ = e.to_string();
        return;
    }
    let bytes = op.encode();
    assert!(!bytes.is_empty(), "a valid op encodes");
    let again = SignedOp::decode(&bytes).expect("a re-encoded valid op decodes");
    assert_eq!(again, op, "a re-encoded valid op decodes to an equal op");
    assert_eq!(again.encode(), bytes, "encoding is stable");
    again.op.validate().expect("a re-decoded valid op is still valid");
});
