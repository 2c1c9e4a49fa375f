//! # streams: async generators → `Stream` (lesson 01)
//!
//! A source has 20 pages; fetching one takes 10 ms and passes the fault point `page[i]`;
//! the consumer spends 50 ms on each page it reads. The body `main` runs two consumers in
//! turn, each in its own task: `search` reads pages until it has found 3, then stops early
//! and drops its stream; `summary` sums all 20. The scenario counts every fetched page
//! alive, wherever it is (a consumer, a channel, a `Vec`), on the gauge `pages held`: a
//! [`Page`] counts from [`fetch_page`] returning it until it is dropped. The streams also
//! keep gauges of pages produced but not yet read (`search backlog`, `summary backlog`).
//!
//! | variant | Python | tokio |
//! |---|---|---|
//! | `unstructured` | `create_task(producer(queue))` + `async for` over the queue; `[p async for p in pages()]` then a loop | a detached `spawn`ed producer over an unbounded `mpsc` channel, read as a `Stream`; `try_collect` into a `Vec`, then a loop |
//! | `structured` | an async generator (`async def pages(): … yield page`); process in the `async for` | `futures::stream::unfold` (a generator `Stream`, follows the paused clock); process each page in the `while let` |
//!
//! ## What the snapshots show
//! - `none`: `search` stops at 160 ms with pages 0–2, but `unstructured`'s `search-feed`
//!   runs on: it fetches all 20 pages (fault points `page[3..19]` hit for nobody) and ends at
//!   200 ms, **OUTLIVED search by 40 ms**; 17 pages were produced for nobody (`search
//!   backlog` ends at 17, peak 17). `structured` fetched exactly the 3 pages it read: the
//!   generator runs inside `search` and stopped when the stream was dropped; no producer task
//!   exists. The summary: collect-then-process holds all 20 pages at once (`pages held`
//!   peak 20 at 360 ms); process-as-it-arrives holds 1. Memory is the win, not speed: the
//!   lazy generator does not fetch ahead, so `structured` takes 1380 ms against 1360 ms
//!   (overlapping fetch and work with a bounded channel is lesson 07's backpressure).
//! - `page-fails` (`page[5]` errors, in both feeds): `unstructured`'s producers fail in
//!   detached tasks nobody awaits — both errors are **SWALLOWED** — and the consumers just see
//!   the channel close: the body returns `Ok` with a wrong total (10, the sum of pages 0–4).
//!   `structured`: the error is the stream's next item; `search` never reaches page 5 (lazy),
//!   `summary` fails with the error, and the body returns it.
//! - `search-cancelled` (`search` aborted at 100 ms): `unstructured`'s producer outlives the
//!   cancelled consumer and fetches to the end (backlog 18); `structured` has nothing left
//!   running at 100 ms.
//! - The sweep (`cargo run -- sweep streams`, 100 single-fault plans): `unstructured` orphans
//!   a producer under 52 and swallows an error or panic under 40; `structured` does neither
//!   under any. A `hang` at a page stalls both (20 plans): a generator with no deadline
//!   waits forever too.
//!
//! ## What a correct solution promises
//! Each promise is one check of the rubric, measured by the scenario (the `page[i]` fault
//! points, the `pages held` gauge; never the backlog gauges, which the learner's stream
//! raises itself) and the harness's task rows, under the named plans, the sweep and a
//! generated family (a cancel of the search at every 20 ms, pairs and triples of faults):
//! - the search's pages and the total returned (`returns-search-and-total`), a page's
//!   error surfaced (`surfaces-the-page-error`);
//! - **a page fetched only when it is read** (`fetches-only-what-is-read`: the `page[i]`
//!   hits are the pages the consumers read, 23 with no fault), **one page held at a time**
//!   (`holds-one-page-at-a-time`: `pages held` never above 1, under every plan);
//! - nothing outlives its reader, whenever it is cancelled (`no-orphans`), done within
//!   the reference's virtual time (`done-within-budget`).
//!
//! <!-- faultline:author-only begin -->
//! ## Mutants the rubric cannot reject (`python3 tests/mutants.py streams`)
//! Each is equivalent for every promise above.
//! - delete `let _ = feed;`: it only silences an unused argument.
//! - delete `produced.add(1)`: the backlog gauges are the stream's own count, shown but
//!   never graded; the promises read the `page[i]` hits and `pages held`, which the
//!   scenario keeps.
//! - delete (or drop the `.await` of) the `CONSUME` sleep: the simulated work sits in the
//!   learner's region; faster is not wrong (every budget is an upper bound).
//!
//! <!-- faultline:author-only end -->
//! ## How Rust differs from the course's Python
//! - Breaking out of `async for` over a Python async generator does not close it at once
//!   (it is finalized later, by `aclose()` or the loop's asyncgen hooks); dropping a Rust
//!   `Stream` drops the generator's state machine on the spot, mid-`.await` if need be.
//! - tokio's `mpsc` does tell the producer the consumer is gone: `send` fails once the
//!   receiver is dropped. A producer that checks (`if tx.send(p).is_err() { break }`) stops
//!   one page late; this one ignores the result, as a producer `put`ting into an
//!   `asyncio.Queue` (which has no notion of a departed consumer) effectively does. Either
//!   way it is a detached task: nobody awaits it, so its errors are swallowed.

use std::future::Future;
use std::time::Duration;

use faultline_harness::{Failure, Gauge, Scenario, point, spawn};

pub use rubric::rubric;

// faultline:author-only begin
pub mod gallery;
pub mod right;
// faultline:author-only end
mod rubric;
pub mod structured;
pub mod unstructured;

/// A fetched page. The scenario counts every page alive, from [`fetch_page`] returning it
/// until it is dropped, on the gauge `pages held` (whoever holds it: a consumer, a channel,
/// a `Vec`): memory is measured by the scenario, never by the learner's own counts.
pub struct Page {
    number: u64,
    held: Option<Gauge>,
}

impl Page {
    /// Its number (0 to [`PAGES`] − 1).
    pub fn number(&self) -> u64 {
        self.number
    }
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "page {}", self.number)
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        if let Some(held) = &self.held {
            held.sub(1);
        }
    }
}

thread_local! {
    /// This run's `pages held` gauge: set by [`consume`] (each run's body, on the
    /// runtime's one thread), read by [`fetch_page`].
    static HELD: std::cell::RefCell<Option<Gauge>> = const { std::cell::RefCell::new(None) };
}

/// What the body returns: the numbers of the pages the search found, and the sum of every
/// page.
pub type Outcome = Result<(Vec<u64>, u64), Failure>;

/// Pages the source has.
pub const PAGES: u64 = 20;
/// Time to fetch one page.
pub const FETCH: Duration = Duration::from_millis(10);
/// Time the consumer spends on one page.
pub const CONSUME: Duration = Duration::from_millis(50);
/// Pages the search wants before it stops.
pub const WANTED: usize = 3;

/// Fetches page `i`: waits [`FETCH`], then passes the fault point `page[i]`; the page
/// returned counts on `pages held` until it is dropped.
pub async fn fetch_page(i: u64) -> Result<Page, Failure> {
    tokio::time::sleep(FETCH).await;
    point("page").key(i).await?;
    let held = HELD.with(|h| h.borrow().clone());
    if let Some(held) = &held {
        held.add(1);
    }
    Ok(Page { number: i, held })
}

/// The body: runs the `search` task to the end, then the `summary` task, and returns both
/// results (the same in both variants: only the stream and the consumers differ).
pub async fn consume<S, SF, T, TF>(search: S, summarize: T) -> Outcome
where
    S: FnOnce() -> SF,
    SF: Future<Output = Result<Vec<u64>, Failure>> + Send + 'static,
    T: FnOnce() -> TF,
    TF: Future<Output = Result<u64, Failure>> + Send + 'static,
{
    HELD.with(|h| *h.borrow_mut() = Some(Gauge::new("pages held")));
    let found = spawn("search", search()).await.map_err(Failure::from)??;
    let total = spawn("summary", summarize())
        .await
        .map_err(Failure::from)??;
    Ok((found, total))
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> Scenario {
    Scenario::new(
        "streams",
        "async generators vs a producer task over a queue: orphaned producers, items held in memory",
    )
    .root("main")
    .variant("unstructured", |b| {
        b.run(|| consume(unstructured::search, unstructured::summarize))
    })
    .variant("structured", |b| {
        b.run(|| consume(structured::search, structured::summarize))
    })
    .plan("none", "none")
    .plan("page-fails", "page[5]=error(HttpError)")
    .plan("search-cancelled", "@100ms cancel(search)")
}
