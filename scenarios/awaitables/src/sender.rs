//! The half the three signals share: the sender, the state it sets, and `Closed`. Only
//! `Receiver::poll` differs between `signal` (correct), `racy` and `forgetful`, so each of
//! those files holds just its receiver.

use std::task::Waker;

use crate::sync::{Arc, AtomicBool, Mutex, Ordering};

/// The sender went away without sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

/// What a sender and its receiver share: two flags and the waker to wake.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) sent: AtomicBool,
    pub(crate) closed: AtomicBool,
    pub(crate) waker: Mutex<Option<Waker>>,
}

/// Sends the signal once; dropping it unsent closes the channel.
pub struct Sender(Arc<Shared>);

/// A sender and the state its receiver reads.
pub(crate) fn pair() -> (Sender, Arc<Shared>) {
    let shared = Arc::new(Shared::default());
    (Sender(shared.clone()), shared)
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
