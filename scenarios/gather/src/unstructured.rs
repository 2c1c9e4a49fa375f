//! `asyncio.gather(*fetches)`: spawn every fetch, then `try_join_all` their handles.

use faultline_harness::{Failure, spawn};
use futures::future::try_join_all;

use crate::{Gathered, fetch};

/// Spawns the five fetches and returns the first error, dropping the other handles.
pub async fn caller() -> Gathered {
    let handles: Vec<_> = (0..5).map(|i| spawn(("fetch", i), fetch(i))).collect();
    let joined = handles
        .into_iter()
        .map(|h| async move { h.await.map_err(Failure::from)? });
    try_join_all(joined).await.map_err(|e| vec![e])
}
