//! How a plain tokio task ended: what one poll of it showed.
//!
//! tokio's task hooks tell a plain task's spawn, each poll's start and its end, but not
//! *how* it ended: an aborted task is "polled" once more to be dropped, and its hooks fire
//! as a completing task's do (before-poll, terminate). tokio's `tracing` feature wraps
//! every task's future in `tracing::Instrumented`, whose span is entered each time the
//! future is polled **and** once more when it is dropped. So within the poll window that
//! ends a task (from tokio's before-poll hook to its terminate hook):
//!
//! | span entered | exited while unwinding | the task's future                       |
//! |--------------|------------------------|-----------------------------------------|
//! | twice        | no                     | was polled and returned (then dropped)  |
//! | twice        | yes                    | panicked out of its poll                |
//! | once         | no                     | was dropped without a poll: aborted     |
//! | never        | –                      | not seen (the run's subscriber was not the thread's) |
//!
//! A panic caught inside the task (`catch_unwind`) never unwinds through the span: the
//! task did not panic. A panic re-raised with `resume_unwind` does, though no panic hook
//! ran for it. The run's subscriber ([`Reading`](crate::run::reading::Reading)) tells
//! this module of the enters and exits; the spans of faultline's own spawns are not
//! made at all (their wrapper knows how they ended).
//!
//! One window per thread, as tokio polls one task at a time on a thread.

// Without tokio's task hooks there are no windows.
#![cfg_attr(not(all(tokio_unstable, not(loom))), allow(dead_code))]

use std::cell::Cell;
use std::hash::{Hash, Hasher};

use tokio::task::Id;

/// A tokio task id as the number its span carries (`task.id`). tokio gives no public way
/// to read it but its `Display`, too slow for every poll; `Id` derives `Hash` over that
/// number, so a hasher that keeps what it is given reads it (a test holds it to `Display`).
#[inline]
pub(crate) fn number(id: Id) -> u64 {
    struct Keep(u64);
    impl Hasher for Keep {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = (self.0 << 8) | u64::from(b);
            }
        }
        fn write_u64(&mut self, n: u64) {
            self.0 = n;
        }
    }
    let mut keep = Keep(0);
    id.hash(&mut keep);
    keep.0
}

/// What the current poll window of this thread has shown.
#[derive(Clone, Copy)]
struct Window {
    /// The task tokio started polling (its before-poll hook), by its number.
    task: Option<u64>,
    /// That task's span, by the number the run's subscriber gave it: the first task span
    /// entered in the window (a task's future enters its own span first thing in its poll
    /// and in its drop; a span entered later in the window is a task's that this one
    /// polls itself, as a `LocalSet`'s). 0 until then.
    span: u64,
    /// How often that task's span was entered since.
    enters: u8,
    /// Whether its span was exited while the thread was unwinding.
    unwound: bool,
}

const CLOSED: Window = Window {
    task: None,
    span: 0,
    enters: 0,
    unwound: false,
};

thread_local! {
    static WINDOW: Cell<Window> = const { Cell::new(CLOSED) };
}

/// How a plain task's future ended, as its last poll window showed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seen {
    /// Polled, and it returned: completed or failed (its output is not seen).
    Returned,
    /// Polled, and a panic unwound out of it.
    Unwound,
    /// Dropped without being polled: aborted.
    Dropped,
    /// Nothing seen (its span went to another subscriber, or it ended outside a poll).
    Unknown,
}

/// tokio's before-poll hook: a poll window for `task` opens.
#[inline]
pub(crate) fn poll_started(task: Id) {
    let task = number(task);
    WINDOW.with(|w| {
        w.set(Window {
            task: Some(task),
            ..CLOSED
        });
    });
}

/// A task's span (numbered `span`, never 0) was entered (to poll its future, or to drop it).
#[inline]
pub(crate) fn entered(span: u64) {
    WINDOW.with(|w| {
        let mut window = w.get();
        if window.task.is_some() && (window.span == 0 || window.span == span) {
            window.span = span;
            window.enters = window.enters.saturating_add(1);
            w.set(window);
        }
    });
}

/// A task's span was exited.
#[inline]
pub(crate) fn exited(span: u64) {
    if std::thread::panicking() {
        WINDOW.with(|w| {
            let mut window = w.get();
            if window.task.is_some() && window.span == span {
                window.unwound = true;
                w.set(window);
            }
        });
    }
}

/// Whether the task numbered `task` is ending now: its future was polled and dropped in
/// this window (tokio then drops an output nobody will take, before its terminate hook).
pub(crate) fn returned(task: u64) -> bool {
    let window = WINDOW.with(Cell::get);
    window.task == Some(task) && window.enters >= 2 && !window.unwound
}

/// `task` ended (tokio's terminate hook): how, as its window showed. Closes the window.
pub(crate) fn ended(task: Id) -> Seen {
    let window = WINDOW.with(|w| w.replace(CLOSED));
    if window.task != Some(number(task)) {
        return Seen::Unknown;
    }
    match (window.enters, window.unwound) {
        (_, true) => Seen::Unwound,
        (0, false) => Seen::Unknown,
        (1, false) => Seen::Dropped,
        (_, false) => Seen::Returned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `number` reads the same number tokio prints (and puts in a task's span).
    #[test]
    fn a_task_number_is_its_printed_id() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            for _ in 0..3 {
                let h = tokio::spawn(async {});
                assert_eq!(number(h.id()).to_string(), h.id().to_string());
                h.await.unwrap();
            }
        });
    }
}
