//! Stopping long work from another thread. The interface's worker runs an import or an export
//! while the person goes on reading; `Esc` sets the flag, and the work looks at it only where
//! stopping is safe: an import before its transaction commits (nothing applied), an export
//! before it records the bundle as sent (the files it wrote are removed).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// A flag shared between the thread that asks to stop and the one doing the work. Clones share it.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// Asks the work to stop at its next safe point.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Error::Cancelled)` once cancelling was asked for: the work returns it as it is.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_sees_the_cancel() {
        let cancel = Cancel::default();
        let seen_by_the_worker = cancel.clone();
        assert!(seen_by_the_worker.check().is_ok());
        cancel.cancel();
        assert!(matches!(seen_by_the_worker.check(), Err(Error::Cancelled)));
    }
}
