//! faultline:author-only — right solutions of the receiver's `poll` written another way,
//! that the rubric must accept (see `faultline_harness::Right`).

use std::task::{Context, Poll};

use faultline_harness::Right;

use crate::gallery::{PollWith, caller};
use crate::sender::{Closed, Shared};
use crate::sync::Ordering;

/// The right solutions.
pub fn entries() -> Vec<Right> {
    vec![
        Right::new("checks-registers-checks-again", |b| {
            b.run(|| caller(ChecksRegistersChecksAgain))
        }),
        Right::new("replaces-the-waker-only-when-it-changes", |b| {
            b.run(|| caller(ReplacesTheWakerOnlyWhenItChanges))
        }),
    ]
}

/// Reads the flags from `shared`: `Some` once sent or closed.
fn ready(shared: &Shared) -> Option<Result<(), Closed>> {
    if shared.sent.load(Ordering::Acquire) {
        Some(Ok(()))
    } else if shared.closed.load(Ordering::Acquire) {
        Some(Err(Closed))
    } else {
        None
    }
}

/// Another order: a fast path that checks first, then registers and checks again (a send
/// between the first check and the registration is seen by the second).
struct ChecksRegistersChecksAgain;

impl PollWith for ChecksRegistersChecksAgain {
    fn poll(shared: &Shared, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        if let Some(done) = ready(shared) {
            return Poll::Ready(done);
        }
        *shared.waker.lock().unwrap() = Some(cx.waker().clone());
        match ready(shared) {
            Some(done) => Poll::Ready(done),
            None => Poll::Pending,
        }
    }
}

/// Keeps the stored waker when it would wake the same task (`will_wake`), and replaces it
/// when another waker polls: the waiter is woken whichever waker polled it last.
struct ReplacesTheWakerOnlyWhenItChanges;

impl PollWith for ReplacesTheWakerOnlyWhenItChanges {
    fn poll(shared: &Shared, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        {
            let mut stored = shared.waker.lock().unwrap();
            match stored.as_ref() {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                _ => *stored = Some(cx.waker().clone()),
            }
        }
        match ready(shared) {
            Some(done) => Poll::Ready(done),
            None => Poll::Pending,
        }
    }
}
