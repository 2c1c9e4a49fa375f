//! # breaker: a circuit breaker in front of a dead dependency (lesson 06)
//!
//! Twenty requests arrive, one every 100 ms of virtual time. Each asks the
//! `recommendations` service for extras (20 ms when healthy; the fault point `recs`) with a
//! 250 ms timeout, and falls back to defaults when that fails: every request is answered
//! either way. The question is what the failures cost.
//!
//! | variant | Python | tokio |
//! |---|---|---|
//! | `unstructured` | `await asyncio.wait_for(recs(), 0.25)` on every request | `tokio::time::timeout(250 ms, recs())` on every request |
//! | `structured` | the same behind a circuit breaker | a breaker (written on `tokio::time::Instant`): open after 3 failures in a row, fail fast for 500 ms, then let one probe through (half-open) |
//!
//! ## What the snapshots show
//! - `recs-dead` (`recs=hang`): `unstructured` waits out the timeout on all 20 requests — the
//!   gauge `ms lost to timeouts` takes in 5000 ms. `structured` loses 1750 ms: the 3 failures
//!   that open it, the 2 calls already in flight, and 2 probes that find the service still
//!   dead (`breaker opened` 3 times); 13 requests are short-circuited and answered at once.
//! - `recs-flaps` (calls 2 to 6 hang, then the service is back): both lose 1250 ms, because
//!   all five hung calls were in flight before the breaker could open. The breaker then
//!   short-circuits 5 requests while the service had already recovered, so `structured`
//!   serves 10 requests with real recommendations against 15: the price of not waiting,
//!   and why the cool-down should be short.
//! - `none`: identical; the breaker stays closed.
//!
//! ## What a correct solution promises
//! Each promise is one check of the rubric, measured by the scenario (the `recs` fault
//! point, the `ms lost to timeouts` gauge), never by the learner's own counts:
//! - every request served while the service is healthy (`serves-every-request-when-healthy`);
//! - **fails fast when the service is dead**: after the threshold no call waits its
//!   timeout, the time lost stays bounded (`fails-fast-when-dead`);
//! - recovers when the service does, through a half-open probe (`recovers-when-the-service-does`);
//! - every error read (`no-discarded-errors`), done within the reference's virtual time
//!   (`done-within-budget`).
//!
//! ## How Rust differs from the course
//! The circuit-breaker crates measured (failsafe, circuitbreaker-rs, recloser,
//! circuit_breaker, tower-resilience) read `std::time::Instant`, so on tokio's paused clock
//! their open state would never expire; this one reads `tokio::time::Instant`. Cancelling a
//! timed-out call in tokio drops its future at once (no `CancelledError` to swallow).

use std::time::Duration;

use faultline_harness::{Failure, Gauge, Scenario, point};

pub use rubric::rubric;

pub mod circuit;
// faultline:author-only begin
pub mod gallery;
pub mod right;
// faultline:author-only end
mod rubric;
pub mod structured;
pub mod unstructured;

/// Requests to serve.
pub const REQUESTS: usize = 20;
/// Virtual time between two requests.
pub const ARRIVAL: Duration = Duration::from_millis(100);
/// How long a request waits for recommendations.
pub const TIMEOUT: Duration = Duration::from_millis(250);

/// What the caller returns: how many requests got real recommendations.
pub type Served = Result<usize, Failure>;

/// Asks the recommendations service (fault point `recs`).
pub async fn recommendations(i: usize) -> Result<String, Failure> {
    point("recs").await?;
    tokio::time::sleep(Duration::from_millis(20)).await;
    Ok(format!("recs for {i}"))
}

/// Calls `recommendations` with the timeout, recording the time a timeout wastes.
pub async fn with_timeout(i: usize, lost: &Gauge) -> Result<String, Failure> {
    match tokio::time::timeout(TIMEOUT, recommendations(i)).await {
        Ok(answer) => answer,
        Err(_) => {
            lost.add(TIMEOUT.as_millis() as u64);
            Err(Failure::new(
                "Timeout",
                "recommendations did not answer in time",
            ))
        }
    }
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> Scenario {
    Scenario::new(
        "breaker",
        "a dead dependency: a timeout on every call vs a circuit breaker",
    )
    .root("frontend")
    .variant("unstructured", |b| b.run(unstructured::frontend))
    .variant("structured", |b| b.run(structured::frontend))
    .plan("none", "none")
    .plan("recs-dead", "recs=hang")
    .plan(
        "recs-flaps",
        "recs#2=hang; recs#3=hang; recs#4=hang; recs#5=hang; recs#6=hang",
    )
}
