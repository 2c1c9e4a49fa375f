//! A `JoinSet` scope that collects every result, and loops supervised with a `TaskTracker`
//! and a `CancellationToken`.

use faultline_harness::{Failure, Task, spawn_in};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::{LOOPS, WORKERS, tick_loop, wait_for_stop, work};

/// Spawns the workers into a `JoinSet` and waits for every one: every error is surfaced
/// (the `ExceptionGroup` counterpart). A cancelled job drops the set, which aborts them.
pub async fn job() -> Result<Vec<usize>, Vec<Failure>> {
    // faultline:solution begin scopes-joinset
    let mut set = JoinSet::new();
    for i in 0..WORKERS {
        spawn_in(&mut set, ("worker", i), work(i));
    }
    let mut done = Vec::new();
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined.map_err(Failure::from).and_then(|r| r) {
            Ok(i) => done.push(i),
            Err(err) => errors.push(err),
        }
    }
    done.sort_unstable();
    if errors.is_empty() {
        Ok(done)
    } else {
        Err(errors)
    }
    // faultline:solution end
}

/// Starts the background loops on a `TaskTracker`, each stopped by a `CancellationToken`;
/// when told to stop, cancels the token, waits for the tracker to drain, and surfaces
/// every loop's error. A cancelled service cancels the token too (its drop guard): a
/// `TaskTracker` alone does not abort its tasks when dropped.
pub async fn service() -> Result<(), Vec<Failure>> {
    // faultline:solution begin scopes-supervisor
    let tracker = TaskTracker::new();
    let token = CancellationToken::new();
    let _cancel_on_drop = token.clone().drop_guard();
    let handles: Vec<_> = LOOPS
        .iter()
        .map(|&name| {
            let stop = token.clone();
            Task::new(name)
                .token(&token)
                .spawn_on(&tracker, async move {
                    tokio::select! {
                        biased;
                        () = stop.cancelled() => Ok(()),
                        ended = tick_loop(name) => ended,
                    }
                })
        })
        .collect();
    tracker.close();
    wait_for_stop().await;
    token.cancel();
    tracker.wait().await;
    let mut errors = Vec::new();
    for handle in handles {
        if let Err(err) = handle.await.map_err(Failure::from).and_then(|r| r) {
            errors.push(err);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
    // faultline:solution end
}
