//! A forgetful one-shot signal: its `poll` returns `Pending` without storing the waker, so
//! nothing can ever wake the task that awaits it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use crate::sender::{Closed, Sender};
use crate::sender::{Shared, pair};
use crate::sync::{Arc, Ordering};

/// Completes when the signal is sent (`Ok`) or the sender is dropped unsent (`Err(Closed)`).
pub struct Receiver(Arc<Shared>);

/// A connected sender and receiver.
pub fn channel() -> (Sender, Receiver) {
    let (sender, shared) = pair();
    (sender, Receiver(shared))
}

impl Future for Receiver {
    type Output = Result<(), Closed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.0.sent.load(Ordering::Acquire) {
            return Poll::Ready(Ok(()));
        }
        if self.0.closed.load(Ordering::Acquire) {
            return Poll::Ready(Err(Closed));
        }
        // BUG: no waker is stored, so the sender's wake goes nowhere.
        let _ = cx;
        Poll::Pending
    }
}
