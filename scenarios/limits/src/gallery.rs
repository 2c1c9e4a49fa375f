//! faultline:author-only — wrong solutions of `structured::fetch` that the rubric must
//! reject, each written as a learner might (see `faultline_harness::Wrong`).

use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use faultline_harness::{Failure, Wrong, spawn};
use tokio::sync::Semaphore;

use crate::bucket::TokenBucket;
use crate::{Fetched, PAGES, Server, retryable};

/// The wrong solutions, each with the checks that reject it.
pub fn entries() -> Vec<Wrong> {
    const HINT: &str = "limits-fetch";
    vec![
        Wrong::new(
            "no-token-bucket",
            HINT,
            |b| b.run(|| scraper(no_token_bucket)),
            &["fetches-every-page", "never-rate-limited"],
        ),
        Wrong::new(
            "never-retries",
            HINT,
            |b| b.run(|| scraper(never_retries)),
            &["fetches-every-page"],
        ),
        Wrong::new(
            "one-request-at-a-time",
            HINT,
            |b| b.run(|| scraper(one_request_at_a_time)),
            &["done-within-budget"],
        ),
        Wrong::new(
            "unwraps-the-response",
            HINT,
            |b| b.run(|| scraper(unwraps_the_response)),
            &["fetches-every-page", "no-panics"],
        ),
        Wrong::new(
            "permit-only-around-the-token",
            HINT,
            |b| b.run(|| scraper(permit_only_around_the_token)),
            &["at-most-10-in-flight"],
        ),
        Wrong::new(
            "retries-without-end",
            HINT,
            |b| b.run(|| scraper(retries_without_end)),
            &["retries-end"],
        ),
        Wrong::new(
            "pretends-failed-pages-arrived",
            HINT,
            |b| b.run(|| scraper(pretends_failed_pages_arrived)),
            &["no-discarded-errors"],
        ),
    ]
}

/// The limits `fetch` gets: a semaphore and a token bucket.
pub(crate) type Limits = Arc<(Semaphore, TokenBucket)>;

/// The reference's `scraper`, with `fetch` in place of `structured::fetch`.
pub(crate) async fn scraper<F, Fut>(fetch: F) -> Fetched
where
    F: Fn(Server, usize, Limits) -> Fut,
    Fut: Future<Output = Result<String, Failure>> + Send + 'static,
{
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

/// The reference's backoff for page `i`.
fn backoff(i: usize) -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_times(3)
        .with_jitter()
        .with_jitter_seed(i as u64)
}

/// Mistake: bounds the requests in flight but not their rate: the server answers 429, then bans.
async fn no_token_bucket(server: Server, i: usize, limits: Limits) -> Result<String, Failure> {
    let _permit = limits
        .0
        .acquire()
        .await
        .map_err(|_| Failure::new("Closed", "the semaphore was closed"))?;
    (|| server.get(i))
        .retry(backoff(i))
        .sleep(tokio::time::sleep)
        .when(retryable)
        .await
}

/// Mistake: paces and bounds the requests but gives up on the first transient error.
async fn never_retries(server: Server, i: usize, limits: Limits) -> Result<String, Failure> {
    let _permit = limits
        .0
        .acquire()
        .await
        .map_err(|_| Failure::new("Closed", "the semaphore was closed"))?;
    limits.1.take().await;
    server.get(i).await
}

/// Mistake: takes all ten permits for each fetch, so the requests go one at a time.
async fn one_request_at_a_time(
    server: Server,
    i: usize,
    limits: Limits,
) -> Result<String, Failure> {
    let _permits = limits
        .0
        .acquire_many(10)
        .await
        .map_err(|_| Failure::new("Closed", "the semaphore was closed"))?;
    (|| async {
        limits.1.take().await;
        server.get(i).await
    })
    .retry(backoff(i))
    .sleep(tokio::time::sleep)
    .when(retryable)
    .await
}

/// Mistake: `unwrap()`s each response, so the first server error panics the fetch.
async fn unwraps_the_response(server: Server, i: usize, limits: Limits) -> Result<String, Failure> {
    let _permit = limits
        .0
        .acquire()
        .await
        .map_err(|_| Failure::new("Closed", "the semaphore was closed"))?;
    limits.1.take().await;
    Ok(server.get(i).await.unwrap())
}

/// Mistake: answers a failed request with an empty page (`unwrap_or_default()`): the count says every page arrived.
async fn pretends_failed_pages_arrived(
    server: Server,
    i: usize,
    limits: Limits,
) -> Result<String, Failure> {
    let _permit = limits
        .0
        .acquire()
        .await
        .map_err(|_| Failure::new("Closed", "the semaphore was closed"))?;
    limits.1.take().await;
    Ok(server.get(i).await.unwrap_or_default())
}

/// Mistake: holds the permit only while it waits for a token, then lets it go before the
/// request: the bound holds while the server is fast (the bucket paces the requests), and
/// bounds nothing once it is slow.
async fn permit_only_around_the_token(
    server: Server,
    i: usize,
    limits: Limits,
) -> Result<String, Failure> {
    let backoff = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_times(3)
        .with_jitter()
        .with_jitter_seed(i as u64);
    (|| async {
        {
            let _permit = limits
                .0
                .acquire()
                .await
                .map_err(|_| Failure::new("Closed", "the semaphore was closed"))?;
            limits.1.take().await;
        }
        server.get(i).await
    })
    .retry(backoff)
    .sleep(tokio::time::sleep)
    .when(retryable)
    .await
}

/// Mistake: retries every retryable error for ever (no `with_max_times`): a page that
/// always fails is asked again and again.
async fn retries_without_end(server: Server, i: usize, limits: Limits) -> Result<String, Failure> {
    let _permit = limits
        .0
        .acquire()
        .await
        .map_err(|_| Failure::new("Closed", "the semaphore was closed"))?;
    let backoff = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_secs(5))
        .without_max_times()
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
}
