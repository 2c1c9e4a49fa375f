//! The run's clock as the ledger reads it: tokio's paused clock, read at most once a poll.
//!
//! The ledger reads the clock at every spawn and every end, twice a task, and a read of
//! tokio's clock costs about 73 instructions (its thread-local context, the runtime's
//! handle, the clock's mutex). A paused clock moves only when the runtime parks (it
//! advances to the next timer) or when code calls `tokio::time::advance`, `pause` or
//! `resume`. So this thread keeps the last value read, and forgets it whenever the clock
//! may have moved since:
//! - at the start of every task poll (tokio's before-poll hook, and a tracked task's own
//!   poll, which a `LocalSet` makes without the hook);
//! - at every poll of the run's driver (the future the runtime blocks on);
//! - when the run's thread unparks, and before the runtime shuts down;
//! - when a run is installed on the thread (each run has its own clock).
//!
//! Only the run's thread keeps a value, and only while its run is installed: another thread
//! that reads the ledger (the watchdog's, for a run it abandons) has none of these moments
//! to forget at, and asks tokio each time.
//!
//! `advance(d).await` ends the poll it moved the clock in (it yields), so code that awaits
//! it and then spawns or returns reads the new time. What this misses: the clock moved by
//! one branch of a `join!` or `select!` while another branch of the same poll spawns or
//! ends; that record gets the time from before the move. Without tokio's task hooks
//! (no `--cfg tokio_unstable`, or under loom) there is no hook to forget at, and every read
//! asks tokio.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;

use tokio::time::Instant;

/// What this thread keeps of the clock.
struct Kept {
    /// Whether a run is installed here (only then is a read kept).
    armed: Cell<bool>,
    /// The clock's value, until it may have moved.
    last: Cell<Option<Instant>>,
}

thread_local! {
    static KEPT: Kept = const {
        Kept {
            armed: Cell::new(false),
            last: Cell::new(None),
        }
    };
}

/// Whether reads may be kept (the hooks that forget them exist).
const KEEPS: bool = cfg!(all(tokio_unstable, not(loom)));

/// The run's clock now.
#[inline]
pub(crate) fn now() -> Instant {
    if !KEEPS {
        return Instant::now();
    }
    KEPT.with(|kept| match kept.last.get() {
        Some(now) => now,
        None => {
            let now = Instant::now();
            if kept.armed.get() {
                kept.last.set(Some(now));
            }
            now
        }
    })
}

/// The clock may have moved: the next read asks tokio.
#[inline]
pub(crate) fn forget() {
    if KEEPS {
        KEPT.with(|kept| kept.last.set(None));
    }
}

/// A run is installed on this thread: its reads may be kept from now on.
pub(crate) fn start() {
    KEPT.with(|kept| {
        kept.armed.set(true);
        kept.last.set(None);
    });
}

/// The run on this thread is over: nothing is kept.
pub(crate) fn stop() {
    KEPT.with(|kept| {
        kept.armed.set(false);
        kept.last.set(None);
    });
}

/// `future`, forgetting the clock before each of its polls (the run's driver).
pub(crate) async fn forgetting<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    std::future::poll_fn(|cx| {
        forget();
        future.as_mut().poll(cx)
    })
    .await
}

#[cfg(all(test, tokio_unstable, not(loom)))]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A value kept within a poll is the clock's; a poll after the clock moved reads anew.
    #[test]
    fn a_read_is_kept_until_the_clock_may_have_moved() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .on_before_task_poll(|_| forget())
            .build()
            .unwrap();
        start();
        runtime.block_on(forgetting(async {
            let t0 = now();
            assert_eq!(now(), t0);
            tokio::time::sleep(Duration::from_millis(5)).await;
            assert_eq!(now(), t0 + Duration::from_millis(5));
            tokio::time::advance(Duration::from_millis(7)).await;
            assert_eq!(now(), t0 + Duration::from_millis(12));
            let task = tokio::spawn(async {
                tokio::time::sleep(Duration::from_millis(3)).await;
                now()
            });
            assert_eq!(task.await.unwrap(), t0 + Duration::from_millis(15));
        }));
        stop();
    }

    /// A thread with no run installed keeps nothing: each read is tokio's own, even with
    /// nothing to forget at (no hook, no driver's wrapper: the watchdog's thread).
    #[test]
    fn a_thread_without_a_run_keeps_nothing() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let start = now();
            tokio::time::advance(Duration::from_millis(5)).await;
            assert_eq!(now(), start + Duration::from_millis(5));
        });
    }
}
