//! faultline:author-only — wrong solutions of `signal::Receiver::poll` that the rubric must
//! reject, each written as a learner might (see `faultline_harness::Wrong`). Each is a
//! receiver of its own over the shared sender, with only its `poll` differing.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use faultline_harness::Wrong;

use crate::sender::{Closed, Shared, pair};
use crate::sync::{Arc, Ordering};
use crate::{Waited, wait_for};

/// The wrong solutions, each with the checks that reject it.
pub fn entries() -> Vec<Wrong> {
    const HINT: &str = "awaitables-poll";
    vec![
        Wrong::new(
            "stores-a-waker-that-wakes-nobody",
            HINT,
            |b| b.run(|| caller(StoresANoopWaker)),
            &["returns-woken", "no-stalled-tasks"],
        ),
        Wrong::new(
            "never-checks-closed",
            HINT,
            |b| b.run(|| caller(NeverChecksClosed)),
            &["surfaces-the-closed-channel", "no-stalled-tasks"],
        ),
        Wrong::new(
            "reads-closed-as-sent",
            HINT,
            |b| b.run(|| caller(ReadsClosedAsSent)),
            &["surfaces-the-closed-channel"],
        ),
        Wrong::new(
            "panics-when-closed",
            HINT,
            |b| b.run(|| caller(PanicsWhenClosed)),
            &["surfaces-the-closed-channel", "no-panics"],
        ),
    ]
}

/// A receiver whose `poll` is `P::poll`.
pub(crate) struct Receiver<P>(Arc<Shared>, P);

/// One way to write the receiver's `poll`.
pub(crate) trait PollWith: Send + Unpin + 'static {
    fn poll(shared: &Shared, cx: &mut Context<'_>) -> Poll<Result<(), Closed>>;
}

impl<P: PollWith> Future for Receiver<P> {
    type Output = Result<(), Closed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        P::poll(&self.0, cx)
    }
}

/// The `structured` caller, around a receiver that polls with `P`.
pub(crate) async fn caller<P: PollWith>(poll: P) -> Waited {
    let (sender, shared) = pair();
    wait_for(Receiver(shared, poll), move || sender.send()).await
}

/// Mistake: stores `Waker::noop()` instead of the task's own waker, so the send wakes nobody.
struct StoresANoopWaker;

impl PollWith for StoresANoopWaker {
    fn poll(shared: &Shared, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        let _ = cx;
        *shared.waker.lock().unwrap() = Some(Waker::noop().clone());
        if shared.sent.load(Ordering::Acquire) {
            Poll::Ready(Ok(()))
        } else if shared.closed.load(Ordering::Acquire) {
            Poll::Ready(Err(Closed))
        } else {
            Poll::Pending
        }
    }
}

/// Mistake: waits for the signal only, so a sender dropped unsent leaves the waiter pending forever.
struct NeverChecksClosed;

impl PollWith for NeverChecksClosed {
    fn poll(shared: &Shared, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        *shared.waker.lock().unwrap() = Some(cx.waker().clone());
        if shared.sent.load(Ordering::Acquire) {
            Poll::Ready(Ok(()))
        } else {
            Poll::Pending
        }
    }
}

/// Mistake: completes with `Ok` when the sender is gone, as if it had sent.
struct ReadsClosedAsSent;

impl PollWith for ReadsClosedAsSent {
    fn poll(shared: &Shared, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        *shared.waker.lock().unwrap() = Some(cx.waker().clone());
        if shared.sent.load(Ordering::Acquire) || shared.closed.load(Ordering::Acquire) {
            Poll::Ready(Ok(()))
        } else {
            Poll::Pending
        }
    }
}

/// Mistake: panics when the sender is gone, instead of completing with `Err(Closed)`.
struct PanicsWhenClosed;

impl PollWith for PanicsWhenClosed {
    fn poll(shared: &Shared, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        *shared.waker.lock().unwrap() = Some(cx.waker().clone());
        if shared.sent.load(Ordering::Acquire) {
            Poll::Ready(Ok(()))
        } else if shared.closed.load(Ordering::Acquire) {
            panic!("the sender was dropped without sending")
        } else {
            Poll::Pending
        }
    }
}
