//! The waiter awaits the `racy` signal.

use crate::racy::channel;
use crate::{Waited, wait_for};

/// Spawns the waiter and the sender around one `racy` channel; returns what the waiter saw.
pub async fn caller() -> Waited {
    let (sender, receiver) = channel();
    wait_for(receiver, move || sender.send()).await
}
