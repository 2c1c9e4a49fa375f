//! # gather: the course's opening puzzle, in tokio
//!
//! Five fetches run at once; each takes a different virtual time (100, 300, 250, 150 and
//! 200 ms for `fetch[0]`…`fetch[4]`), then passes the fault point `fetch[i]`, where a plan
//! can make it fail. The caller gathers the results.
//!
//! | variant | Python | tokio |
//! |---|---|---|
//! | `unstructured` | `asyncio.gather(*fetches)` | `tokio::spawn` each, then `try_join_all(handles)` |
//! | `unstructured_return_exceptions` | `gather(..., return_exceptions=True)`, successes kept | `join_all(handles)`, `Ok`s kept |
//! | `structured` | `asyncio.TaskGroup` | a `JoinSet` that aborts the rest at the first error and returns every error |
//!
//! ## The puzzle's four questions, answered by the snapshots for Rust
//! 1. *When fetch 3 fails, are the others cancelled?* `unstructured`: no. `try_join_all`
//!    returns at 150 ms and drops the other `JoinHandle`s, which **detaches** their tasks:
//!    `fetch[1]`, `fetch[2]` and `fetch[4]` run on and complete at 300, 250 and 200 ms
//!    (OUTLIVED in the report). `structured`: yes, `abort_all` cancels them at 150 ms.
//! 2. *What happens to results that already completed?* `fetch[0]` completed at 100 ms in
//!    every variant; `unstructured` and `structured` discard its result and return the
//!    error, `unstructured_return_exceptions` returns it with the other successes.
//! 3. *If two fetches fail, which error do you see?* (`fetch3-and-4-fail`) `unstructured`
//!    returns fetch 3's; fetch 4's error happens later, in a detached task, and is dropped
//!    with its output: SWALLOWED, and nothing is logged (tokio has no "exception was never
//!    retrieved"; faultline logs it). `unstructured_return_exceptions` receives both errors
//!    (`join_all` delivers them) and drops them with `.ok()` without reading them:
//!    **DISCARDED**, the `return_exceptions=True` lesson — delivered is not handled.
//!    `structured` cancels fetch 4 before it fails, so the one error that happened is the
//!    one returned; had both failed, both would be in the `Vec`.
//! 4. *Are the tasks still running cleaned up?* Not by `unstructured`: they outlive the
//!    caller. When the caller itself is cancelled (`caller-cancelled`, at 120 ms), its
//!    spawned fetches still run to completion: dropping a future that holds `JoinHandle`s
//!    does not cancel their tasks. `structured` drops its `JoinSet` with the caller, and a
//!    dropped `JoinSet` aborts its tasks (on the next scheduler tick, same virtual instant).
//!
//! ## What a correct solution promises
//! Each promise is one check of the rubric, measured by the harness's task rows and the
//! scenario's fault points `fetch[i]`, under the named plans, the single-fault sweep and a
//! generated family (a cancel of the caller at every 20 ms, pairs and triples of faults):
//! - every page returned when none fails (`returns-every-page`);
//! - **every error surfaced**: the failing fetches' errors returned (`surfaces-the-error`),
//!   none swallowed or discarded (`no-swallowed-errors`, `no-discarded-errors`);
//! - **nothing outlives the caller**, whenever it is cancelled (`no-orphans`,
//!   `no-tasks-dropped-at-shutdown`), and the others are cancelled at the first error:
//!   done within the reference's virtual time (`done-within-budget`).
//!
//! ## What the sweep adds (`cargo run -- sweep gather`)
//! Across all 25 single-fault plans, `structured` never orphans or swallows; but a `hang` at
//! any fetch stalls *every* variant, the structured one included: a `JoinSet` (like a
//! `TaskGroup`) waits for its children, so a child that never ends needs a deadline
//! (`tokio::time::timeout`, lesson 06), which is not what structured concurrency provides.
//! With `--pairs` (250 more plans: two faults at two fetches) `structured` still never
//! orphans or swallows, and `unstructured` now swallows too: it returns the first error,
//! and the second, raised in a detached task, is dropped unread (question 3).
//!
//! ## How Rust differs from CPython (measured)
//! - CPython's `gather()` also lets the other tasks run on, but cancelling gather's
//!   *caller* does cancel its children; in tokio, cancelling the caller orphans them.
//! - CPython retrieves a second failure inside `gather`, so not even "Task exception was
//!   never retrieved" is logged; in tokio, the detached task's `Err` is dropped silently.
//! - `TaskGroup` raises an `ExceptionGroup`; here the structured caller returns
//!   `Err(Vec<Failure>)` holding every error that happened before the abort took effect.

use std::time::Duration;

use faultline_harness::{Failure, Scenario, point};

pub use rubric::rubric;

// faultline:author-only begin
pub mod gallery;
pub mod right;
// faultline:author-only end
mod rubric;
pub mod structured;
pub mod unstructured;
pub mod unstructured_return_exceptions;

/// What the caller returns: every page in order, or the errors it surfaces.
pub type Gathered = Result<Vec<String>, Vec<Failure>>;

/// Virtual time each fetch takes, by index.
pub const DURATIONS_MS: [u64; 5] = [100, 300, 250, 150, 200];

/// The URL fetched by `fetch[i]`.
pub fn url(i: usize) -> String {
    format!("https://api.example.com/{i}")
}

/// Fetches `url(i)`: waits its duration, then passes the fault point `fetch[i]`.
pub async fn fetch(i: usize) -> Result<String, Failure> {
    tokio::time::sleep(Duration::from_millis(DURATIONS_MS[i])).await;
    point("fetch").key(i).await?;
    Ok(format!("data from {}", url(i)))
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> Scenario {
    Scenario::new(
        "gather",
        "asyncio.gather vs TaskGroup: orphans, swallowed errors, cancellation",
    )
    .root("caller")
    .variant("unstructured", |b| b.run(unstructured::caller))
    .variant("unstructured_return_exceptions", |b| {
        b.run(unstructured_return_exceptions::caller)
    })
    .variant("structured", |b| b.run(structured::caller))
    .plan("none", "none")
    .plan("fetch3-fails", "fetch[3]=error(ConnectionError)")
    .plan(
        "fetch3-and-4-fail",
        "fetch[3]=error(ConnectionError); fetch[4]=error(TimeoutError)",
    )
    .plan("caller-cancelled", "@120ms cancel(caller)")
}
