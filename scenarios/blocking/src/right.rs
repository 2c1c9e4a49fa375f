//! faultline:author-only — right solutions of `structured::handle` written another way,
//! that the rubric must accept (see `faultline_harness::Right`).

use faultline_harness::{Failure, Right, spawn_blocking};

use crate::gallery::caller;
use crate::{hash, read_row};

/// The right solutions.
pub fn entries() -> Vec<Right> {
    vec![
        Right::new("named-blocking-job", |b| {
            b.run(|| caller(named_blocking_job))
        }),
        Right::new("matches-the-join", |b| b.run(|| caller(matches_the_join))),
    ]
}

/// The harness's named `spawn_blocking` (its row says `hash[i]`), the row read first.
async fn named_blocking_job(i: usize) -> Result<String, Failure> {
    let password = read_row(i).await?;
    spawn_blocking(("hash", i), move || hash(&password))
        .await
        .map_err(Failure::from)
}

/// Plain tokio's `spawn_blocking`, its `JoinError` matched by hand.
async fn matches_the_join(i: usize) -> Result<String, Failure> {
    let password = match read_row(i).await {
        Ok(password) => password,
        Err(err) => return Err(err),
    };
    let job = tokio::task::spawn_blocking(move || hash(&password));
    match job.await {
        Ok(digest) => Ok(digest),
        Err(join) => Err(Failure::from(join)),
    }
}
