//! # processor: (author: the pattern, in a few words)
//!
//! (author: the pattern; what goes wrong under which fault; the fix; the Python counterpart
//! from the course; where the course's prose does not carry over to Rust. Say what the
//! snapshots in `snapshots/processor@*.snap` show.)
//!
//! As scaffolded: two workers take 100 and 200 ms, then pass the fault point `work[i]`.
//! `unstructured` awaits the first and detaches the second; `structured` keeps both in a
//! `JoinSet`, returns every result, or the first error (dropping the set aborts the rest).

use std::time::Duration;

use faultline_harness::{Failure, Scenario, point};

pub use rubric::rubric;

mod rubric;
pub mod structured;
pub mod unstructured;

/// What the body returns: every worker's result in order, or the error it surfaces.
pub type Output = Result<Vec<String>, Failure>;

/// How many workers run.
pub const WORKERS: usize = 2;

/// One worker: waits `100 * (i + 1)` ms, then passes the fault point `work[i]`.
pub async fn work(i: usize) -> Result<String, Failure> {
    tokio::time::sleep(Duration::from_millis(100 * (i as u64 + 1))).await;
    point("work").key(i).await?;
    Ok(format!("result {i}"))
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> Scenario {
    Scenario::new("processor", "(author: what it shows, in one line)")
        .variant("unstructured", |b| b.run(unstructured::body))
        .variant("structured", |b| b.run(structured::body))
        .plan("none", "none")
        .plan("work1-fails", "work[1]=error(WorkError)")
        .plan("body-cancelled", "@50ms cancel(body)")
}
