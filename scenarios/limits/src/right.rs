//! faultline:author-only — right solutions of `structured::fetch` written another way,
//! that the rubric must accept (see `faultline_harness::Right`).

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use faultline_harness::{Failure, Right};

use crate::gallery::{Limits, scraper};
use crate::{Server, retryable};

/// The right solutions.
pub fn entries() -> Vec<Right> {
    vec![
        Right::new("hand-written-retry-loop", |b| {
            b.run(|| scraper(hand_written_retry_loop))
        }),
        Right::new("permit-per-attempt", |b| {
            b.run(|| scraper(permit_per_attempt))
        }),
    ]
}

/// Another design: the retries written by hand, exponential delays of 100, 200, 400 ms,
/// the permit held for the whole fetch.
async fn hand_written_retry_loop(
    server: Server,
    i: usize,
    limits: Limits,
) -> Result<String, Failure> {
    let _permit = limits
        .0
        .acquire()
        .await
        .map_err(|_| Failure::new("Closed", "the semaphore was closed"))?;
    let mut delay = Duration::from_millis(100);
    let mut attempt = 0;
    loop {
        limits.1.take().await;
        match server.get(i).await {
            Ok(page) => return Ok(page),
            Err(err) if attempt < 3 && retryable(&err) => {
                attempt += 1;
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            Err(err) => return Err(err),
        }
    }
}

/// Another order: a permit per attempt, taken inside the retried closure and let go
/// during the backoff (a permit held only while it is used).
async fn permit_per_attempt(server: Server, i: usize, limits: Limits) -> Result<String, Failure> {
    let backoff = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_times(3)
        .with_jitter()
        .with_jitter_seed(i as u64);
    (|| async {
        let _permit = limits
            .0
            .acquire()
            .await
            .map_err(|_| Failure::new("Closed", "the semaphore was closed"))?;
        limits.1.take().await;
        server.get(i).await
    })
    .retry(backoff)
    .sleep(tokio::time::sleep)
    .when(retryable)
    .await
}
