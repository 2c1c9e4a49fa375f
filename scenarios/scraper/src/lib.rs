//! # scraper: a scraper pipeline (project P1)
//!
//! A crawler against a seeded, rate-limited simulated site (see the full doc below,
//! written once the snapshots are read).

use std::time::Duration;

use faultline_harness::{Failure, Scenario};

pub use frontier::{Claim, Crawl, Frontier, SavedFrontier};
pub use parse::{Parsed, page_of, parse};
pub use rubric::rubric;
pub use site::{BANNED, IN_FLIGHT, PageSpec, REJECTED, Site, WINDOW};

pub mod bucket;
mod frontier;
pub mod gallery;
mod parse;
mod rubric;
mod site;
pub mod structured;
pub mod unstructured;

/// Pages of the catalogue's site (the scale example passes its own count).
pub const PAGES: u32 = 200;
/// Requests the site allows per virtual second.
pub const LIMIT_PER_SECOND: usize = 4;
/// 429s in one second after which the site bans the client.
pub const BAN_AFTER: usize = 5;
/// The seed every page's latency, 500s and links come from (fixed: the same site in every
/// run, whatever the run's `--seed`).
pub const SITE_SEED: u64 = 0x5C2A_9E20;

/// The structured crawler's fetchers.
pub const WORKERS: usize = 8;
/// Requests the structured crawler has in flight at most (a `Semaphore`).
pub const CONCURRENCY: usize = 4;
/// Requests a second the structured crawler's token bucket allows (under the site's
/// [`LIMIT_PER_SECOND`]).
pub const RATE: u32 = 3;
/// Fetched pages the fetch → parse channel holds.
pub const PAGE_CAPACITY: usize = 4;
/// Parsed pages the parse → store channel holds.
pub const STORE_CAPACITY: usize = 4;
/// A request that takes longer than this is given up (and retried).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
/// Retries of one page after its first attempt.
pub const RETRIES: usize = 4;
/// The first retry's backoff (before jitter); each later one doubles it.
pub const MIN_BACKOFF: Duration = Duration::from_millis(500);
/// The longest backoff (before jitter, which can double it).
pub const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// Virtual time the store takes to commit one page.
pub const STORE_TIME: Duration = Duration::from_millis(50);
/// Virtual time the store takes to commit every [`CHECKPOINT_EVERY`]th page (it
/// checkpoints): long enough for the fetchers to get ahead of it.
pub const CHECKPOINT_TIME: Duration = Duration::from_secs(3);
/// Pages `CHECKPOINT_EVERY - 1`, `2 * CHECKPOINT_EVERY - 1`, … are committed in
/// [`CHECKPOINT_TIME`].
pub const CHECKPOINT_EVERY: u32 = 20;
/// A commit that takes longer than this is given up (rolled back).
pub const COMMIT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the unstructured crawler looks at its frontier.
pub const POLL: Duration = Duration::from_millis(100);

/// The gauge of fetched pages waiting for the parser.
pub const PAGES_QUEUED: &str = "pages queued";
/// The gauge of parsed pages waiting for the store.
pub const PARSED_QUEUED: &str = "parsed queued";

/// Virtual time the store takes to commit `page`.
pub fn commit_time(page: u32) -> Duration {
    if page % CHECKPOINT_EVERY == CHECKPOINT_EVERY - 1 {
        CHECKPOINT_TIME
    } else {
        STORE_TIME
    }
}

/// Whether an error is worth retrying: a 429, a 500 or a timeout (looking at it counts as
/// reading it).
pub fn retryable(err: &Failure) -> bool {
    matches!(err.kind(), "TooManyRequests" | "ServerError" | "Timeout")
}

/// The error of a request to `page` that took over [`REQUEST_TIMEOUT`].
pub fn timed_out(page: u32) -> Failure {
    Failure::new(
        "Timeout",
        format!(
            "/page/{page}: no answer in {} ms",
            REQUEST_TIMEOUT.as_millis()
        ),
    )
}

/// The error a fetch returns once it gives up on `page`: a new error (unread until the
/// caller records it) that carries the last attempt's.
pub fn gave_up(page: u32, last: &Failure) -> Failure {
    Failure::new("GaveUp", format!("/page/{page}: {last}"))
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> Scenario {
    Scenario::new(
        "scraper",
        "a scraper pipeline: a frontier, bounded stages, paced retries, a stop that keeps the frontier",
    )
    .root("scraper")
    .setup(|b| {
        b.exit_on_return(true);
    })
    .variant("unstructured", |b| b.run(unstructured::scraper))
    .variant("structured", |b| b.run(structured::scraper))
    .plan("none", "none")
    .plan("flaky-pages", "page=10%error(ServerError)")
    .plan("rate-limited", "page=10%error(TooManyRequests)")
    .plan("site-slow", "page=10%delay(3s)")
    .plan("stop-early", "@120ms shutdown")
    .plan("stop-mid-crawl", "@20s shutdown")
}
