//! tokio's task hooks, as the run's runtime calls them: a row for every plain task spawned,
//! and its end.

#[cfg(all(tokio_unstable, not(loom)))]
use crate::record::ledger::{self, with, with_queued};

/// tokio's spawn hook: a row for a task spawned with plain tokio. Inlined: at faultline's
/// own spawns (most of them) it only reads a flag.
#[cfg(all(tokio_unstable, not(loom)))]
#[inline]
pub(crate) fn spawn_hook(id: tokio::task::Id, at: &'static std::panic::Location<'static>) {
    if ledger::take_tracked_spawn() {
        return;
    }
    if with(|l| l.plain_spawned(id, at)).is_none() {
        crate::record::jobs::task_spawned(id, at);
    }
}

/// tokio's terminate hook: a plain tokio task ended.
#[cfg(all(tokio_unstable, not(loom)))]
pub(crate) fn terminate_hook(id: tokio::task::Id) {
    // Set too once a blocking job was spawned here: a task spawned from inside a job may
    // have its row still in the queue, applied with the task's end.
    if ledger::any_plain() {
        with_queued(|l, queued| l.apply_jobs_as_ended(id, queued.unwrap_or_default()));
    }
}
