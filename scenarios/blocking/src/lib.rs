//! # blocking: a blocking call inside async code (lesson 05, the event loop)
//!
//! Three requests each read a row (the async fault point `db[i]`) and then hash a password,
//! which takes 50 ms of real CPU or I/O time — here a `std::thread::sleep`, the stand-in for a
//! blocking driver, a file read or a slow hash. A heartbeat task ticks every 10 ms of virtual
//! time.
//!
//! | variant | Python | tokio |
//! |---|---|---|
//! | `unstructured` | `hash(pw)` called in the coroutine | `hash(i)` called in the async fn |
//! | `structured` | `await asyncio.to_thread(hash, pw)` / `run_in_executor` | `spawn_blocking(move \|\| hash(i)).await` |
//!
//! ## What the snapshots show
//! - `unstructured`: each `request[i]` is **BLOCKED the executor** (one poll each): while it
//!   hashes, the runtime's only thread runs nothing else — not the heartbeat, not the other
//!   requests. On the paused clock the virtual time does not move during the block, so the
//!   timeline looks innocent; only the blocked-executor flag tells.
//! - `structured`: no task blocks the executor; the hashes run on tokio's blocking pool, each
//!   a row of its own (`scenarios/blocking/src/structured.rs:11`, `…#2`, marked **blocking
//!   job**, whose parent is the request that awaited it). The paused clock waits for them
//!   (auto-advance holds while a `spawn_blocking` job runs), so each job starts and ends at
//!   the same virtual ms, the timeline is the same, and the report is clean.
//! - `db-fails`: request 1 fails before hashing; its error is returned and observed in both.
//!
//! ## What a correct solution promises
//! Each promise is one check of the rubric, measured by the harness (the executor's poll
//! times, the tasks' rows) and the scenario's fault point `db[i]`:
//! - **the executor never blocks**: the hash runs off its thread (`no-blocked-executor`),
//!   so the heartbeat keeps its beat;
//! - every hash returned (`returns-every-hash`), and a failed row read surfaced as the
//!   caller's error (`surfaces-the-error`);
//! - no blocking job left running or its result dropped (the lifecycle checks).
//!
//! ## How Rust differs from the course
//! - asyncio's fix is `to_thread`/`run_in_executor`; tokio's is `spawn_blocking`. tokio's
//!   other tool, `block_in_place`, panics on a current-thread runtime (the kind this harness
//!   and `#[tokio::test]` use): it only works on the multi-thread runtime.
//! - uvloop makes the loop faster but does nothing for a blocking call; a faster runtime
//!   does not either. The cure is moving the work off the executor thread.
//! - Detection here needs `Builder::detect_blocking` (this scenario turns it on): the flag
//!   comes from wall time plus the thread's CPU time and voluntary context switches.

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

/// What the caller returns: a hash per request, or the first error.
pub type Hashed = Result<Vec<String>, Failure>;

/// Wall time one hash takes: five times the detection threshold (10 ms, below). The margin
/// is for a busy machine: Linux may count part of a sleep as time waiting for a CPU (a
/// sleeping thread is kept on its run queue until picked), which the probe does not count
/// as blocking. With 20 ms, two full test runs at load 6-7 on two cores each saw one run
/// lose its BLOCKED flag.
pub const HASH_TIME: Duration = Duration::from_millis(50);

/// Reads request `i`'s row: an async step with a fault point.
pub async fn read_row(i: usize) -> Result<String, Failure> {
    tokio::time::sleep(Duration::from_millis(5 * (i as u64 + 1))).await;
    point("db").key(i).await?;
    Ok(format!("password-{i}"))
}

/// Hashes a password the slow, blocking way (the stand-in for any blocking call).
#[allow(
    clippy::disallowed_methods,
    reason = "the blocking call is what this lesson is about"
)]
pub fn hash(password: &str) -> String {
    std::thread::sleep(HASH_TIME);
    format!("hash({password})")
}

/// Ticks every 10 ms of virtual time for 50 ms: the work a blocked executor starves.
pub async fn heartbeat() -> u32 {
    let mut ticks = 0;
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        ticks += 1;
    }
    ticks
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> Scenario {
    Scenario::new(
        "blocking",
        "a blocking call inside async code vs spawn_blocking",
    )
    .root("caller")
    .setup(|b| {
        b.detect_blocking(Duration::from_millis(10));
    })
    .variant("unstructured", |b| b.run(unstructured::caller))
    .variant("structured", |b| b.run(structured::caller))
    .plan("none", "none")
    .plan("db-fails", "db[1]=error(ConnectionError)")
}
