//! The waiter awaits the `signal` signal.

use crate::signal::channel;
use crate::{Waited, wait_for};

/// Spawns the waiter and the sender around one `signal` channel; returns what the waiter saw.
pub async fn caller() -> Waited {
    let (sender, receiver) = channel();
    wait_for(receiver, move || sender.send()).await
}
