//! # limits: bounded concurrency and rate limits (lesson 06)
//!
//! A scraper fetches 300 pages from a server that allows 100 requests per virtual second:
//! above that it answers `429 Too Many Requests`, and after 20 of those it bans the client
//! (`403`, for good). Each request takes 50 ms and passes the fault point `api[i]`.
//!
//! | variant | Python | tokio |
//! |---|---|---|
//! | `unstructured` | `gather(*[fetch(u) for u in urls])`, retrying a 429 at once | every request spawned at once; a 429 retried immediately, up to 3 times |
//! | `structured` | `asyncio.Semaphore(10)` + a token bucket + retry with jittered backoff | a `Semaphore(10)`, a token bucket at 90 requests/s with a burst of 5 (hand-written on `tokio::time`), and `backon` retries with exponential backoff and **seeded** jitter |
//!
//! ## What the snapshots show
//! - `none`: `unstructured` starts 300 requests in the same instant: 100 pass, the next
//!   20 get 429s and the client is **banned**; the immediate retries only hit the ban. The
//!   `requests in one second` gauge peaks at 120 against a limit of 100, and two pages in
//!   three are lost. `structured` never has more than 10 in flight nor more than 95 requests
//!   in one of the server's seconds (90 a second plus the burst of 5): 0 rejected, every page
//!   fetched, in about 3.3 s of virtual time. `unstructured` keeps only its first error
//!   (`first_error.get_or_insert(err)`): the other 199 are delivered and dropped unread,
//!   **DISCARDED** — the course's "second failure dropped silently". (Each `fetch` looked
//!   at its own error to decide whether to retry; a look before the error is returned
//!   does not count as its caller reading it.)
//! - `api-flaky` (`api#50` and `api#120` fail with `ServerError`): `structured` retries them
//!   after a jittered backoff and still gets every page; `unstructured` is banned anyway.
//!
//! ## What a correct solution promises
//! Each promise is one check of the rubric, measured at the simulated server (its gauges
//! and the fault point `api` it passes while a served request is in flight), never by the
//! learner's own counts, under the named plans and a generated family (the server slowed
//! ×2 and ×10, a page that always fails with a retryable error):
//! - **at most 10 requests in flight**, however slow the server (`at-most-10-in-flight`):
//!   a permit held only around the token bounds nothing once the server is slow;
//! - **at most 100 requests per virtual second**: no 429, ever (`never-rate-limited`);
//! - **retries end**: at most 4 attempts at a page, even one that always fails (`retries-end`);
//! - every page fetched when the server lets it be (`fetches-every-page`), every error
//!   surfaced (the lifecycle checks), done within the pace the limits allow (`done-within-budget`).
//!
//! <!-- faultline:author-only begin -->
//! ## Mutants the rubric cannot reject (`python3 tests/mutants.py limits`)
//! Each is equivalent: no report, under any plan, can tell it from the reference.
//! - remove the `?` after `acquire()`: `_permit` then holds the `Result`, whose `Ok` holds
//!   the permit for the same span; `acquire` fails only on a closed semaphore, and this one
//!   is never closed.
//!
//! <!-- faultline:author-only end -->
//! ## How Rust differs from the course
//! - The course's fix is "three lines": a semaphore. A semaphore bounds *concurrency*, not
//!   *rate*: with 10 in flight at 50 ms each, 10 permits still allow 200 requests a second.
//!   The token bucket is what keeps under the server's limit; the semaphore keeps memory
//!   and sockets bounded.
//! - Rate-limiter crates read the wall clock (governor's default, and every circuit breaker
//!   crate we measured), so they ignore tokio's paused clock; the bucket here is
//!   written on `tokio::time::Instant`. `backon` sleeps with `tokio::time::sleep` and takes a
//!   jitter seed, so retries are reproducible.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use faultline_harness::{Failure, Gauge, point};
use tokio::time::Instant;

pub use rubric::rubric;

pub mod bucket;
// faultline:author-only begin
pub mod gallery;
pub mod right;
// faultline:author-only end
mod rubric;
pub mod structured;
pub mod unstructured;

/// Pages to fetch.
pub const PAGES: usize = 300;
/// Requests the server allows per second.
pub const LIMIT_PER_SECOND: usize = 100;
/// 429s the server tolerates before banning the client.
pub const BAN_AFTER: usize = 20;
/// Virtual time one request takes.
pub const LATENCY: Duration = Duration::from_millis(50);

/// What the caller returns: pages fetched and pages lost (with the first error), or nothing.
pub type Fetched = Result<usize, Failure>;

/// The simulated server: a fixed one-second window, 429 above the limit, a ban after 20.
#[derive(Clone)]
pub struct Server {
    state: Arc<Mutex<State>>,
    window: Gauge,
    rejected: Gauge,
    in_flight: Gauge,
}

struct State {
    window_start: Instant,
    in_window: usize,
    rejected: usize,
    banned: bool,
}

impl Server {
    /// A fresh server (call inside the run: its gauges belong to the run).
    pub fn new() -> Self {
        Server {
            state: Arc::new(Mutex::new(State {
                window_start: Instant::now(),
                in_window: 0,
                rejected: 0,
                banned: false,
            })),
            window: Gauge::new("requests in one second"),
            rejected: Gauge::new("429s"),
            in_flight: Gauge::new("in flight"),
        }
    }

    /// `GET /page/i`.
    pub async fn get(&self, i: usize) -> Result<String, Failure> {
        self.in_flight.add(1);
        let verdict = self.admit();
        tokio::time::sleep(LATENCY).await;
        // A served request passes `api` while still in flight: a plan's delay there is a
        // slower server (the rubric's family slows it ×2 and ×10), counted in flight.
        let served = match verdict {
            Ok(()) => point("api").key(i).await,
            Err(refused) => Err(refused),
        };
        self.in_flight.sub(1);
        served?;
        Ok(format!("page {i}"))
    }

    /// Counts the request in its second and decides: served, 429, or banned.
    fn admit(&self) -> Result<(), Failure> {
        let mut s = self
            .state
            .lock()
            .expect("the server's lock is never poisoned");
        if s.banned {
            return Err(Failure::new("Banned", "403: this client is banned"));
        }
        let now = Instant::now();
        if now.duration_since(s.window_start) >= Duration::from_secs(1) {
            self.window.sub(s.in_window as u64);
            s.window_start = now;
            s.in_window = 0;
        }
        s.in_window += 1;
        self.window.add(1);
        if s.in_window <= LIMIT_PER_SECOND {
            return Ok(());
        }
        s.rejected += 1;
        self.rejected.add(1);
        if s.rejected >= BAN_AFTER {
            s.banned = true;
        }
        Err(Failure::new("TooManyRequests", "429: slow down"))
    }
}

impl Default for Server {
    fn default() -> Self {
        Server::new()
    }
}

/// Whether an error is worth retrying (looking at it counts as reading it).
pub fn retryable(err: &Failure) -> bool {
    matches!(err.kind(), "TooManyRequests" | "ServerError")
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> faultline_harness::Scenario {
    faultline_harness::Scenario::new(
        "limits",
        "300 requests at once vs a semaphore, a token bucket and jittered retries",
    )
    .root("scraper")
    .variant("unstructured", |b| b.run(unstructured::scraper))
    .variant("structured", |b| b.run(structured::scraper))
    .plan("none", "none")
    .plan(
        "api-flaky",
        "api#50=error(ServerError); api#120=error(ServerError)",
    )
}
