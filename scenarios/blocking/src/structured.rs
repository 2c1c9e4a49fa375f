//! The blocking hash runs on tokio's blocking pool with `spawn_blocking`.

use faultline_harness::{Failure, spawn};

use crate::{Hashed, hash, heartbeat, read_row};

/// Handles request `i`: reads its row, then hashes it on the blocking pool.
pub async fn handle(i: usize) -> Result<String, Failure> {
    // faultline:solution begin blocking-spawn-blocking
    let password = read_row(i).await?;
    Ok(tokio::task::spawn_blocking(move || hash(&password)).await?)
    // faultline:solution end
}

/// Runs the heartbeat and three requests, waits for all of them, and returns every hash
/// or the first error.
pub async fn caller() -> Hashed {
    let beat = spawn("heartbeat", heartbeat());
    let requests: Vec<_> = (0..3).map(|i| spawn(("request", i), handle(i))).collect();
    let mut results = Vec::new();
    for request in requests {
        results.push(request.await.map_err(Failure::from)?);
    }
    beat.await.map_err(Failure::from)?;
    results.into_iter().collect()
}
