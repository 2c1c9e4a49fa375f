//! `asyncio.gather(*fetches, return_exceptions=True)`, then keep only the successes.

use faultline_harness::spawn;
use futures::future::join_all;

use crate::{Gathered, fetch};

/// Spawns the five fetches, waits for all, and keeps the `Ok`s: errors are never looked at.
pub async fn caller() -> Gathered {
    let handles: Vec<_> = (0..5).map(|i| spawn(("fetch", i), fetch(i))).collect();
    let results = join_all(handles).await;
    Ok(results.into_iter().filter_map(|r| r.ok()?.ok()).collect())
}
