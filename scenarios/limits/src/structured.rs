//! At most 10 in flight, at most 90 a second, and jittered exponential backoff on a 429.

use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use faultline_harness::{Failure, spawn};
use tokio::sync::Semaphore;

use crate::bucket::TokenBucket;
use crate::{Fetched, PAGES, Server, retryable};

/// Fetches page `i` under the semaphore and the bucket, retrying with seeded jitter.
pub async fn fetch(
    server: Server,
    i: usize,
    limits: Arc<(Semaphore, TokenBucket)>,
) -> Result<String, Failure> {
    // faultline:solution begin limits-fetch
    let _permit = limits
        .0
        .acquire()
        .await
        .map_err(|_| Failure::new("Closed", "the semaphore was closed"))?;
    let backoff = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_times(3)
        .with_jitter()
        .with_jitter_seed(i as u64);
    (|| async {
        limits.1.take().await;
        server.get(i).await
    })
    .retry(backoff)
    .sleep(tokio::time::sleep)
    .when(retryable)
    .await
    // faultline:solution end
}

/// Spawns every fetch (they wait for their permits and tokens) and counts the pages; fails
/// with the first error if any page was lost.
pub async fn scraper() -> Fetched {
    let server = Server::new();
    let limits = Arc::new((Semaphore::new(10), TokenBucket::new(90, 5)));
    let handles: Vec<_> = (0..PAGES)
        .map(|i| spawn(("fetch", i), fetch(server.clone(), i, limits.clone())))
        .collect();
    let mut pages = 0;
    let mut first_error = None;
    for handle in handles {
        match handle.await.map_err(Failure::from).and_then(|r| r) {
            Ok(_) => pages += 1,
            Err(err) => {
                first_error.get_or_insert(err);
            }
        }
    }
    match first_error {
        Some(err) => Err(Failure::new(
            "Incomplete",
            format!("{pages} of {PAGES} pages; first error: {err}"),
        )),
        None => Ok(pages),
    }
}
