//! The worker: one thread that owns the node's `Replica` for the interface and performs the
//! effects that write or take long — saves, exports, imports and their dry runs — one after
//! another, in the order they were asked for. It posts each result, and the progress of long
//! work, as `Msg`s on the channel the input thread already uses, so the event loop goes on
//! reading keys and drawing while it works (the shape of gitui's asyncgit).
//!
//! Reads do not wait for it: the event loop answers them from a second, read-only handle on the
//! same node (see `docs/ARCHITECTURE.md`). Only when that handle could not be opened does the
//! worker answer reads too, after whatever it is doing.
//!
//! Long work can be cancelled: each job carries a `Cancel` that the core looks at where
//! stopping is safe. Progress is posted at most once per percent, so a 100,000-op import sends
//! about a hundred messages.

use std::io;
use std::sync::mpsc;
use std::thread;

use super::effects::{self, Context};
use super::update::{Effect, Msg};
use crate::core::{Cancel, Replica};

/// What the worker is asked to do.
enum Task {
    Perform(Effect, Cancel),
    /// Look whether another process changed the node (when the loop has no reader of its own).
    Refresh,
}

/// The event loop's side of the worker.
pub struct Worker<'scope> {
    tasks: Option<mpsc::Sender<Task>>,
    /// The cancel flag of the last cancellable job handed over: what `Esc` stops.
    current: Cancel,
    handle: thread::ScopedJoinHandle<'scope, ()>,
}

impl<'scope> Worker<'scope> {
    /// Starts the worker in `scope`; it owns `replica` until the scope ends and sends what it
    /// has to say on `msgs`.
    pub fn spawn<'env>(
        scope: &'scope thread::Scope<'scope, 'env>,
        replica: &'env mut Replica,
        ctx: &'env Context,
        msgs: mpsc::Sender<io::Result<Msg>>,
    ) -> io::Result<Self> {
        let (tasks, inbox) = mpsc::channel();
        let handle = thread::Builder::new()
            .name("outpost-worker".into())
            .spawn_scoped(scope, move || work(replica, ctx, &inbox, &msgs))?;
        Ok(Worker {
            tasks: Some(tasks),
            current: Cancel::default(),
            handle,
        })
    }

    /// Hands `effect` over; its result comes back as a `Msg`.
    pub fn perform(&mut self, effect: Effect) {
        let cancel = Cancel::default();
        if cancellable(&effect) {
            self.current = cancel.clone();
        }
        self.send(Task::Perform(effect, cancel));
    }

    /// Asks the worker to look whether the node changed; `Msg::ChangedElsewhere` if it did.
    pub fn refresh(&self) {
        self.send(Task::Refresh);
    }

    /// Asks the long work under way (or waiting) to stop at its next safe point.
    pub fn cancel(&self) {
        self.current.cancel();
    }

    /// Cancels the long work under way, lets the worker finish what it must (a save, an import
    /// already committing) and waits for it.
    pub fn stop(mut self) {
        self.current.cancel();
        self.tasks = None;
        let _ = self.handle.join();
    }

    fn send(&self, task: Task) {
        if let Some(tasks) = &self.tasks {
            // The worker only ends when `tasks` closes, or when the loop stopped listening.
            let _ = tasks.send(task);
        }
    }
}

/// Whether `effect` runs on the worker: everything but the reads the loop answers itself. An
/// effect added later goes to the worker unless listed here, which is the safe side.
pub fn on_the_worker(effect: &Effect) -> bool {
    !matches!(
        effect,
        Effect::LoadHome
            | Effect::LoadCategories
            | Effect::LoadCounts
            | Effect::LoadGlossary(_)
            | Effect::LoadCommunities
            | Effect::LoadMileage
            | Effect::LoadStats
            | Effect::LoadUsers
            | Effect::Search { .. }
            | Effect::LoadPreview(_)
            | Effect::OpenArticle(_)
            | Effect::ReloadArticle(_)
            | Effect::LoadDiff { .. }
            | Effect::EditArticle(_)
            | Effect::HsWords(_)
            | Effect::LoadPeers
            | Effect::LoadBacklinks { .. }
            | Effect::LoadReviewQueue
            | Effect::LoadSubmission(_)
            | Effect::LoadQuestions(_)
            | Effect::LoadQuestion(_)
    )
}

/// The long work that `Esc` can stop.
fn cancellable(effect: &Effect) -> bool {
    matches!(
        effect,
        Effect::SyncExport(_)
            | Effect::SyncExportTo { .. }
            | Effect::SyncDryRun(_)
            | Effect::SyncImport(_)
    )
}

fn work(
    replica: &mut Replica,
    ctx: &Context,
    inbox: &mpsc::Receiver<Task>,
    msgs: &mpsc::Sender<io::Result<Msg>>,
) {
    for task in inbox {
        let msg = match task {
            Task::Perform(effect, cancel) => {
                let mut shown = None;
                let mut progress = |done: u64, total: u64| {
                    let percent = done.saturating_mul(100).checked_div(total).unwrap_or(0);
                    if shown != Some(percent) || done == total {
                        shown = Some(percent);
                        let label = String::new();
                        let _ = msgs.send(Ok(Msg::Progress { label, done, total }));
                    }
                };
                effects::perform_job(replica, ctx, effect, &mut progress, &cancel)
            }
            Task::Refresh => replica
                .refresh()
                .unwrap_or(false)
                .then_some(Msg::ChangedElsewhere),
        };
        if let Some(msg) = msg
            && msgs.send(Ok(msg)).is_err()
        {
            return; // the loop has ended
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::state::fixtures::{context, demo_replica};

    /// Runs `body` with a worker on a demo node, then stops it; returns every message it sent.
    fn with_worker(body: impl FnOnce(&mut Worker)) -> Vec<Msg> {
        let mut replica = demo_replica();
        let ctx = context(&replica);
        let (tx, rx) = mpsc::channel();
        thread::scope(|scope| {
            let mut worker = Worker::spawn(scope, &mut replica, &ctx, tx).expect("thread");
            body(&mut worker);
            worker.stop();
        });
        rx.try_iter().filter_map(Result::ok).collect()
    }

    #[test]
    fn the_worker_answers_in_the_order_it_was_asked() {
        let msgs = with_worker(|worker| {
            worker.perform(Effect::LoadCategories);
            worker.perform(Effect::LoadHome);
            worker.perform(Effect::Quit);
        });
        assert!(matches!(msgs.as_slice(), [Msg::Categories(c), Msg::Home(_)] if !c.is_empty()));
    }

    #[test]
    fn cancelled_long_work_answers_cancelled_and_later_work_still_runs() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().to_string_lossy().into_owned();
        let mut replica = demo_replica();
        let ctx = context(&replica);
        let (tasks, inbox) = mpsc::channel();
        let (tx, rx) = mpsc::channel();
        let cancel = Cancel::default();
        cancel.cancel();
        for (effect, cancel) in [
            (Effect::SyncDryRun(path), cancel),
            (Effect::LoadCategories, Cancel::default()),
        ] {
            tasks.send(Task::Perform(effect, cancel)).expect("send");
        }
        drop(tasks);
        work(&mut replica, &ctx, &inbox, &tx);
        let msgs: Vec<Msg> = rx.try_iter().filter_map(Result::ok).collect();
        assert!(
            matches!(msgs.as_slice(), [Msg::Cancelled, Msg::Categories(_)]),
            "{msgs:?}"
        );
    }

    #[test]
    fn reads_stay_on_the_loop_and_anything_else_goes_to_the_worker() {
        assert!(!on_the_worker(&Effect::LoadHome));
        assert!(!on_the_worker(&Effect::Search {
            generation: 1,
            spec: Default::default()
        }));
        assert!(on_the_worker(&Effect::SyncImport("x".into())));
        assert!(on_the_worker(&Effect::Save {
            id: None,
            content: Box::new(crate::model::ArticleContent::new("t", "c", "b")),
            then: None
        }));
    }
}
