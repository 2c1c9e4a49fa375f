//! The waiter awaits the `forgetful` signal.

use crate::forgetful::channel;
use crate::{Waited, wait_for};

/// Spawns the waiter and the sender around one `forgetful` channel; returns what the waiter saw.
pub async fn caller() -> Waited {
    let (sender, receiver) = channel();
    wait_for(receiver, move || sender.send()).await
}
