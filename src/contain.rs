//! Containing panics of the libraries that read Outpost's files: redb and tantivy may panic
//! on damaged pages or segments. A damaged file is an error to report, never a crash.

use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::sync::Once;

thread_local! {
    /// Set while `contain_panics` runs on this thread: its panics are reported, not printed.
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `work`, turning a panic inside it (redb and tantivy may panic on damaged files) into
/// `Err` with the panic's message. The panic hook stays quiet for it: no "panicked at" and no
/// backtrace on standard error, while other threads' panics are printed as before.
pub fn contain_panics<T>(work: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINED.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let outer = CONTAINED.with(|c| c.replace(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(work));
    CONTAINED.with(|c| c.set(outer));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an unknown fault".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_work_that_returns_passes_through() {
        assert_eq!(contain_panics(|| 7), Ok(7));
        let fault = contain_panics(|| -> u8 { panic!("page {} is damaged", 3) });
        assert_eq!(fault, Err("page 3 is damaged".to_string()));
        let nested = contain_panics(|| contain_panics(|| -> u8 { panic!("inner") }));
        assert_eq!(nested, Ok(Err("inner".to_string())));
    }
}
