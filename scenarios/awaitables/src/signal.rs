//! The correct one-shot signal: store the waker, *then* check the flag.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::sync::{Arc, AtomicBool, Mutex, Ordering};

/// The sender went away without sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

#[derive(Default)]
struct Shared {
    sent: AtomicBool,
    closed: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

/// Sends the signal once; dropping it unsent closes the channel.
pub struct Sender(Arc<Shared>);

/// Completes when the signal is sent (`Ok`) or the sender is dropped unsent (`Err(Closed)`).
pub struct Receiver(Arc<Shared>);

/// A connected sender and receiver.
pub fn channel() -> (Sender, Receiver) {
    let shared = Arc::new(Shared::default());
    (Sender(shared.clone()), Receiver(shared))
}

impl Sender {
    /// Sets the flag, then wakes whoever registered.
    pub fn send(self) {
        self.0.sent.store(true, Ordering::Release);
        wake(&self.0);
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        if !self.0.sent.load(Ordering::Acquire) {
            self.0.closed.store(true, Ordering::Release);
            wake(&self.0);
        }
    }
}

fn wake(shared: &Shared) {
    if let Some(waker) = shared.waker.lock().unwrap().take() {
        waker.wake();
    }
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
