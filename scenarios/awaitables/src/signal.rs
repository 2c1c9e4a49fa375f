//! The correct one-shot signal: store the waker, *then* check the flag.

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
        // faultline:solution begin awaitables-poll
        // Register first: a send that lands after this line finds the waker.
        *self.0.waker.lock().unwrap() = Some(cx.waker().clone());
        if self.0.sent.load(Ordering::Acquire) {
            Poll::Ready(Ok(()))
        } else if self.0.closed.load(Ordering::Acquire) {
            Poll::Ready(Err(Closed))
        } else {
            Poll::Pending
        }
        // faultline:solution end
    }
}
