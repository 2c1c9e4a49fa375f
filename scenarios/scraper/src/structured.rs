//! A frontier with de-duplication, a fixed set of fetchers under a `Semaphore` and a token
//! bucket, `backon` retries with seeded jitter, bounded channels between fetch, parse and
//! store, guarded transactions, and a stop that drains the stages and keeps the frontier.

use std::sync::Arc;

use backon::{ExponentialBuilder, Retryable};
use faultline_harness::{Failure, Gauge, Store, point, shutdown_token, spawn_in};
use tokio::sync::Semaphore;
use tokio::sync::mpsc::{Receiver, Sender, channel};
use tokio::task::JoinSet;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

use crate::bucket::TokenBucket;
use crate::{
    COMMIT_TIMEOUT, CONCURRENCY, Claim, Crawl, Frontier, MAX_BACKOFF, MIN_BACKOFF, PAGE_CAPACITY,
    PAGES, PAGES_QUEUED, PARSED_QUEUED, RATE, REQUEST_TIMEOUT, RETRIES, STORE_CAPACITY,
    SavedFrontier, Site, commit_time, gave_up, parse, retryable, timed_out,
};

/// A fetched page on its way to the parser.
#[derive(Debug)]
pub struct Fetched {
    /// The claim on the page.
    pub claim: Claim,
    /// Its HTML.
    pub html: String,
}

/// A parsed page on its way to the store.
#[derive(Debug)]
pub struct Page {
    /// The claim on the page.
    pub claim: Claim,
    /// Its title.
    pub title: String,
    /// How many links it has.
    pub links: usize,
}

impl Page {
    /// The row the store writes: `/page/17 "Page 17" links=5`.
    pub fn row(&self) -> String {
        format!(
            "/page/{} {:?} links={}",
            self.claim.page(),
            self.title,
            self.links
        )
    }

    /// The error of a commit that took over [`COMMIT_TIMEOUT`].
    pub fn commit_timed_out(&self) -> Failure {
        Failure::new(
            "CommitTimeout",
            format!(
                "/page/{} not committed in {} ms",
                self.claim.page(),
                COMMIT_TIMEOUT.as_millis()
            ),
        )
    }
}

/// What bounds the fetchers: a semaphore of [`CONCURRENCY`] requests in flight and a token
/// bucket of [`RATE`] requests a second.
pub struct Limits {
    /// Requests in flight.
    pub permits: Semaphore,
    /// Requests per second.
    pub bucket: TokenBucket,
}

impl Limits {
    /// The crawler's limits.
    pub fn new() -> Self {
        Limits {
            permits: Semaphore::new(CONCURRENCY),
            bucket: TokenBucket::new(RATE, 1),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new()
    }
}

/// Fetches `page`: each attempt holds a permit, takes a token and is timed out after
/// [`REQUEST_TIMEOUT`]; a 500, a 429 or a timeout is retried after a jittered exponential
/// backoff (seeded with the page), at most [`RETRIES`] times; then the error is
/// [`gave_up`], with the last attempt's.
pub async fn fetch(site: &Site, page: u32, limits: &Limits) -> Result<String, Failure> {
    // faultline:solution begin scraper-fetch
    let backoff = ExponentialBuilder::default()
        .with_min_delay(MIN_BACKOFF)
        .with_max_delay(MAX_BACKOFF)
        .with_max_times(RETRIES)
        .with_jitter()
        .with_jitter_seed(u64::from(page));
    (|| async {
        let _permit = limits
            .permits
            .acquire()
            .await
            .map_err(|_| Failure::new("Closed", "the semaphore was closed"))?;
        limits.bucket.take().await;
        timeout(REQUEST_TIMEOUT, site.get(page))
            .await
            .unwrap_or_else(|_| Err(timed_out(page)))
    })
    .retry(backoff)
    .sleep(tokio::time::sleep)
    .when(retryable)
    .await
    .map_err(|last| gave_up(page, &last))
    // faultline:solution end
}

/// One of the fetchers: claims pages from the frontier until the crawl is over or `stop`
/// fires, fetches each and hands it to the parser (waiting while the channel is full); a
/// page that failed after its retries is recorded with its last error. A stop drops the
/// fetch in flight, and its claim puts the page back.
pub async fn fetcher(
    site: Site,
    limits: Arc<Limits>,
    frontier: Frontier,
    pages: Sender<Fetched>,
    queued: Gauge,
    stop: CancellationToken,
) -> Result<(), Failure> {
    // faultline:solution begin scraper-fetcher
    while let Some(claim) = frontier.next(&stop).await {
        let fetched = tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            fetched = fetch(&site, claim.page(), &limits) => fetched,
        };
        match fetched {
            Ok(html) => {
                if pages.send(Fetched { claim, html }).await.is_err() {
                    return Ok(()); // the parser is gone: its own error says why
                }
                queued.add(1);
            }
            Err(error) => claim.failed(&error),
        }
    }
    Ok(())
    // faultline:solution end
}

/// Parses every fetched page with `scraper`, adds its links to the frontier (which skips
/// the pages already seen) and hands the page to the store, until the fetchers are gone.
pub async fn parser(
    mut pages: Receiver<Fetched>,
    parsed: Sender<Page>,
    queued: Gauge,
    stored: Gauge,
) -> Result<(), Failure> {
    while let Some(Fetched { claim, html }) = pages.recv().await {
        queued.sub(1);
        let found = parse(&html);
        claim.frontier().add_links(&found.links);
        let page = Page {
            claim,
            title: found.title,
            links: found.links.len(),
        };
        if parsed.send(page).await.is_err() {
            return Err(Failure::new("StoreGone", "the store stage ended early"));
        }
        stored.add(1);
    }
    Ok(())
}

/// Stores every parsed page in a guarded transaction, until the parser is gone; a commit
/// that fails or takes over [`COMMIT_TIMEOUT`] is rolled back by its guard and the page
/// recorded as failed.
pub async fn storer(
    mut parsed: Receiver<Page>,
    store: Store,
    queued: Gauge,
) -> Result<(), Failure> {
    while let Some(page) = parsed.recv().await {
        queued.sub(1);
        let saved = timeout(COMMIT_TIMEOUT, save(&store, &page)).await;
        match saved.unwrap_or_else(|_| Err(page.commit_timed_out())) {
            Ok(()) => page.claim.stored(),
            Err(error) => page.claim.failed(&error),
        }
    }
    Ok(())
}

/// Writes `page` in a guarded transaction: committed, or rolled back when dropped.
pub async fn save(store: &Store, page: &Page) -> Result<(), Failure> {
    let mut tx = store.transaction();
    tx.write(page.row());
    tokio::time::sleep(commit_time(page.claim.page())).await;
    point("store").key(page.claim.page()).await?;
    tx.commit();
    Ok(())
}

/// Crawls `site` from `frontier` until nothing is left or `stop` fires: the parser and the
/// store in one `JoinSet`, a fixed set of fetchers in another, bounded channels between
/// them. On a stop the fetchers return (the pages in flight go back to the frontier), the
/// parser and the store drain, and the crawl returns its books with the frontier left.
pub async fn crawl(site: Site, frontier: SavedFrontier, stop: CancellationToken) -> Crawl {
    // faultline:solution begin scraper-crawl
    let frontier = Frontier::new(frontier);
    let limits = Arc::new(Limits::new());
    let (queued, stored) = (Gauge::new(PAGES_QUEUED), Gauge::new(PARSED_QUEUED));
    let (pages_tx, pages_rx) = channel(PAGE_CAPACITY);
    let (parsed_tx, parsed_rx) = channel(STORE_CAPACITY);
    let mut stages = JoinSet::new();
    let parser = parser(pages_rx, parsed_tx, queued.clone(), stored.clone());
    spawn_in(&mut stages, "parser", parser);
    spawn_in(
        &mut stages,
        "storer",
        storer(parsed_rx, Store::new("pages"), stored),
    );
    let mut fetchers = JoinSet::new();
    for k in 0..crate::WORKERS {
        let fetcher = fetcher(
            site.clone(),
            limits.clone(),
            frontier.clone(),
            pages_tx.clone(),
            queued.clone(),
            stop.clone(),
        );
        spawn_in(&mut fetchers, ("fetcher", k), fetcher);
    }
    drop(pages_tx);
    let mut errors = Vec::new();
    while let Some(joined) = fetchers.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(error)) => errors.push(error),
            Err(join) => errors.push(Failure::from(join)),
        }
    }
    while let Some(joined) = stages.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(error)) => errors.push(error),
            Err(join) => errors.push(Failure::from(join)),
        }
    }
    frontier.crawl(errors)
    // faultline:solution end
}

/// Crawls a fresh site of [`PAGES`] pages from the frontier a stopped crawl left (or
/// [`SavedFrontier::seed`]), until done or the run's shutdown signal.
pub async fn resume(frontier: SavedFrontier) -> Crawl {
    crawl(Site::new(PAGES), frontier, shutdown_token()).await
}

/// The body: a crawl from the home page.
pub async fn scraper() -> Crawl {
    resume(SavedFrontier::seed()).await
}
