//! Handles awaited one by one with `?`, and background loops started with a detached
//! `tokio::spawn`.

use faultline_harness::{Failure, spawn};

use crate::{LOOPS, WORKERS, tick_loop, wait_for_stop, work};

/// Spawns the workers and awaits their handles in order: the first error returns at once
/// (only that one is surfaced) and drops the handles not yet awaited, which **detaches**
/// their tasks. A cancelled job is dropped the same way: its workers run on.
pub async fn job() -> Result<Vec<usize>, Vec<Failure>> {
    let handles: Vec<_> = (0..WORKERS)
        .map(|i| spawn(("worker", i), work(i)))
        .collect();
    let mut done = Vec::new();
    for handle in handles {
        let result = handle.await.map_err(Failure::from).and_then(|r| r);
        done.push(result.map_err(|err| vec![err])?);
    }
    Ok(done)
}

/// Starts the background loops detached and returns when told to stop: the loops run on
/// after the service is gone, and an error in one of them ends it with nobody looking.
pub async fn service() -> Result<(), Vec<Failure>> {
    for name in LOOPS {
        drop(spawn(name, tick_loop(name)));
    }
    wait_for_stop().await;
    Ok(())
}
