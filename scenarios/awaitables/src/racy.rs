//! A racy one-shot signal: check the flag, *then* store the waker. Correct on one thread;
//! on two, a send between the check and the store finds no waker and the wake-up is lost.

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
        // BUG: a send that lands here, between the check and the store, wakes nobody.
        *self.0.waker.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}
