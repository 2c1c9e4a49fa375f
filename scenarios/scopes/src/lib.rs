//! # scopes: structured cancellation and supervision (lesson 03, beyond the puzzle)
//!
//! The body `main` spawns two tasks and awaits both. The `job` starts three workers
//! (`worker[i]` works `(i+1) × 100` ms, then passes the fault point `work[i]`) and returns
//! their results. The `service` supervises two background loops, `heartbeat` and `poller`
//! (a tick every 100 ms, ten ticks, each tick a fault point of the loop's name), and stops
//! after 500 ms or when the run's shutdown signal fires.
//!
//! | variant | Python | tokio |
//! |---|---|---|
//! | `unstructured` | `create_task` each worker, `await` them in turn (the first exception propagates); loops started with `create_task` and forgotten | `tokio::spawn` + awaiting the `JoinHandle`s in order with `?`; loops `spawn`ed and their handles dropped |
//! | `structured` | `async with TaskGroup()` (children cancelled with the scope, every error in an `ExceptionGroup`); loops in a supervisor that cancels and awaits them | a `JoinSet` that waits for every child and returns every error; loops on a `TaskTracker`, stopped by a `CancellationToken`, drained with `tracker.wait()` |
//!
//! ## What the snapshots show
//! - `none`: the job is fine in both, but `unstructured`'s loops **OUTLIVE the service** by
//!   500 ms: they tick on to 1000 ms with nobody to stop them. `structured` fires their
//!   token at 500 ms and they return at once (`completed`, "stopped 0 ms after its token":
//!   a task that returns because of its token is not cancelled, its future was not dropped);
//!   the run is quiet at 500 ms, not 1000.
//! - `job-cancelled` (`job` aborted at 150 ms): `unstructured`'s `worker[1]` and `worker[2]`
//!   run on and complete at 200 and 300 ms (OUTLIVED job): dropping a future that holds
//!   `JoinHandle`s does not cancel their tasks. `structured`: the dropped `JoinSet` aborts
//!   both at 150 ms.
//! - `two-workers-fail` (`work[0]` and `work[2]` error): `unstructured` surfaces only the
//!   first error (IoError at 100 ms); the `?` drops the other handles, so `worker[2]`'s
//!   ParseError at 300 ms is **SWALLOWED** in a detached task. `structured` waits for all
//!   three and returns both errors (the `ExceptionGroup` counterpart).
//! - `loop-fails` (the 3rd heartbeat errors): `unstructured`'s heartbeat dies at 300 ms with
//!   its error SWALLOWED and the body returns `Ok`, as if all were well; `structured` surfaces
//!   `HeartbeatLost` from the service.
//! - `shutdown` (the run's shutdown signal at 250 ms): both services stop at 250 ms;
//!   `unstructured`'s loops tick on to 1000 ms, `structured`'s stop at 250 ms, 0 ms after
//!   their token.
//! - The sweep (`cargo run -- sweep scopes`, 115 single-fault plans): `unstructured` orphans
//!   under every one (its loops always outlive the service), swallows an error or panic
//!   under 40, and a `hang` in a detached loop leaves it running until the runtime is
//!   dropped (20); `structured` has none of these. A `hang` in a worker stalls both (3): a
//!   scope waits for its children, and bounding that wait is a deadline's job (lesson 06).
//!
//! ## What a correct solution promises
//! Each promise is one check of the rubric, measured by the harness's task rows and the
//! scenario's fault points, under the named plans, the sweep and a generated family (a
//! cancel of the job at every 25 ms, pairs and triples of faults):
//! - every worker's result returned, in worker order whatever order they finish in
//!   (`returns-every-result`, also under the rubric's `workers-finish-out-of-order`:
//!   `work[0]` delayed 300 ms);
//! - **every error surfaced**, all of them, not the first (`surfaces-every-error`);
//! - **nothing outlives its scope**, whenever the job or the service is cancelled
//!   (`no-orphans`, `no-tasks-dropped-at-shutdown`); the loops stop at the signal: done
//!   within the reference's virtual time (`done-within-budget`).
//!
//! <!-- faultline:author-only begin -->
//! ## Mutants the rubric cannot reject (`python3 tests/mutants.py scopes`)
//! Each is equivalent for every promise above.
//! - delete `.token(&token)`: the binding only labels the task's row ("stopped N ms after
//!   its token"); which task ran, when it ended and how are the same.
//! - delete (or drop the `.await` of) `tracker.wait()`: each handle is awaited just after,
//!   so the service still returns only when every loop has ended, at the same instant.
//!
//! <!-- faultline:author-only end -->
//! ## How Rust differs from the course's Python
//! - Cancelling a Python task that awaits its children's tasks still leaves those children
//!   running unless they belong to a `TaskGroup`; in tokio the same holds for `JoinHandle`s
//!   (dropping one detaches), but a `JoinSet` aborts on drop and a `TaskTracker` does **not**
//!   (it only counts): the structured service holds its token's `drop_guard` so that a
//!   cancelled service still stops its loops.
//! - `TaskGroup` cancels the siblings at the first error; this scope lets them finish and
//!   collects every error (the gather scenario shows the abort-at-first-error variant).
//! - A `JoinSet`'s aborts land on the next scheduler tick, at the same virtual instant: the
//!   report counts a child aborted by its scope's drop as cancelled, not outlived.

use std::future::Future;
use std::time::Duration;

use faultline_harness::{Failure, Scenario, point, shutdown_token, spawn};

pub use rubric::rubric;

// faultline:author-only begin
pub mod gallery;
pub mod right;
// faultline:author-only end
mod rubric;
pub mod structured;
pub mod unstructured;

/// Workers the job starts.
pub const WORKERS: usize = 3;
/// The background loops the service supervises.
pub const LOOPS: [&str; 2] = ["heartbeat", "poller"];
/// Time between two ticks of a loop.
pub const TICK: Duration = Duration::from_millis(100);
/// Ticks a loop runs before it ends by itself.
pub const TICKS: u32 = 10;
/// How long the service runs when no shutdown comes first.
pub const LIFETIME: Duration = Duration::from_millis(500);

/// What the body returns: the job's results, or every error that reached it.
pub type Outcome = Result<Vec<usize>, Vec<Failure>>;

/// Worker `i`: works `(i + 1) × 100` ms, then passes the fault point `work[i]`.
pub async fn work(i: usize) -> Result<usize, Failure> {
    tokio::time::sleep(Duration::from_millis(100 * (i as u64 + 1))).await;
    point("work").key(i).await?;
    Ok(i)
}

/// A background loop: [`TICKS`] ticks [`TICK`] apart, each passing the fault point `name`.
pub async fn tick_loop(name: &'static str) -> Result<(), Failure> {
    for _ in 0..TICKS {
        tokio::time::sleep(TICK).await;
        point(name).await?;
    }
    Ok(())
}

/// Waits until the run's shutdown signal fires or [`LIFETIME`] has passed.
pub async fn wait_for_stop() {
    let shutdown = shutdown_token();
    tokio::select! {
        biased;
        () = shutdown.cancelled() => {}
        () = tokio::time::sleep(LIFETIME) => {}
    }
}

/// The body: spawns the `job` and the `service`, awaits both and returns every error (the
/// same in both variants: only `job` and `service` differ).
pub async fn main<J, JF, S, SF>(job: J, service: S) -> Outcome
where
    J: FnOnce() -> JF,
    JF: Future<Output = Result<Vec<usize>, Vec<Failure>>> + Send + 'static,
    S: FnOnce() -> SF,
    SF: Future<Output = Result<(), Vec<Failure>>> + Send + 'static,
{
    let job = spawn("job", job());
    let service = spawn("service", service());
    let mut errors = Vec::new();
    let done = match job.await {
        Ok(Ok(done)) => done,
        Ok(Err(errs)) => {
            errors.extend(errs);
            Vec::new()
        }
        Err(join) => {
            errors.push(Failure::from(join));
            Vec::new()
        }
    };
    match service.await {
        Ok(Ok(())) => {}
        Ok(Err(errs)) => errors.extend(errs),
        Err(join) => errors.push(Failure::from(join)),
    }
    if errors.is_empty() {
        Ok(done)
    } else {
        Err(errors)
    }
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> Scenario {
    Scenario::new(
        "scopes",
        "cancelled parents, every error vs the first, detached supervision vs TaskTracker + CancellationToken",
    )
    .root("main")
    .variant("unstructured", |b| {
        b.run(|| main(unstructured::job, unstructured::service))
    })
    .variant("structured", |b| {
        b.run(|| main(structured::job, structured::service))
    })
    .plan("none", "none")
    .plan("job-cancelled", "@150ms cancel(job)")
    .plan(
        "two-workers-fail",
        "work[0]=error(IoError); work[2]=error(ParseError)",
    )
    .plan("loop-fails", "heartbeat#3=error(HeartbeatLost)")
    .plan("shutdown", "@250ms shutdown")
}
