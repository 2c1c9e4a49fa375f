//! faultline:author-only — wrong solutions of `structured::handle` that the rubric must
//! reject, each written as a learner might (see `faultline_harness::Wrong`).

use std::sync::Arc;
use std::time::Duration;

use faultline_harness::{Failure, Gauge, Wrong, spawn};

use crate::circuit::Breaker;
use crate::{ARRIVAL, REQUESTS, Served, with_timeout};

/// The wrong solutions, each with the checks that reject it.
pub fn entries() -> Vec<Wrong> {
    const HINT: &str = "breaker-handle";
    vec![
        Wrong::new(
            "never-records-the-outcome",
            HINT,
            |b| b.run(|| frontend(never_records_the_outcome)),
            &["fails-fast-when-dead", "done-within-budget"],
        ),
        Wrong::new(
            "records-only-failures",
            HINT,
            |b| b.run(|| frontend(records_only_failures)),
            &["recovers-when-the-service-does"],
        ),
        Wrong::new(
            "asks-the-breaker-after-calling",
            HINT,
            |b| b.run(|| frontend(asks_the_breaker_after_calling)),
            &["fails-fast-when-dead", "done-within-budget"],
        ),
        Wrong::new(
            "retries-a-timeout",
            HINT,
            |b| b.run(|| frontend(retries_a_timeout)),
            &["fails-fast-when-dead"],
        ),
        Wrong::new(
            "unwraps-the-call",
            HINT,
            |b| b.run(|| frontend(unwraps_the_call)),
            &["no-panics"],
        ),
    ]
}

/// The reference's `frontend`, with `handle` in place of `structured::handle`.
pub(crate) async fn frontend<H, F>(handle: H) -> Served
where
    H: Fn(usize, Arc<Gauge>, Arc<Breaker>) -> F,
    F: Future<Output = bool> + Send + 'static,
{
    let lost = Arc::new(Gauge::new("ms lost to timeouts"));
    let breaker = Arc::new(Breaker::new(3, Duration::from_millis(500)));
    let mut handles = Vec::new();
    for i in 0..REQUESTS {
        handles.push(spawn(
            ("request", i),
            handle(i, lost.clone(), breaker.clone()),
        ));
        tokio::time::sleep(ARRIVAL).await;
    }
    let mut served = 0;
    for handle in handles {
        served += usize::from(handle.await.map_err(Failure::from)?);
    }
    Ok(served)
}

/// Mistake: asks the breaker but never tells it how the call went, so it never opens.
async fn never_records_the_outcome(i: usize, lost: Arc<Gauge>, breaker: Arc<Breaker>) -> bool {
    if !breaker.allow() {
        return false;
    }
    with_timeout(i, &lost).await.is_ok()
}

/// Mistake: tells the breaker only about failures: a probe that succeeds never closes it again.
async fn records_only_failures(i: usize, lost: Arc<Gauge>, breaker: Arc<Breaker>) -> bool {
    if !breaker.allow() {
        return false;
    }
    let answer = with_timeout(i, &lost).await;
    if let Err(err) = &answer {
        breaker.record(Err(err));
    }
    answer.is_ok()
}

/// Mistake: calls first and asks the breaker afterwards: every request still waits out the timeout.
async fn asks_the_breaker_after_calling(i: usize, lost: Arc<Gauge>, breaker: Arc<Breaker>) -> bool {
    let answer = with_timeout(i, &lost).await;
    if !breaker.allow() {
        return false;
    }
    breaker.record(answer.as_ref().map(|_| ()));
    answer.is_ok()
}

/// Mistake: retries a call that timed out, waiting out a second timeout on a dead service.
async fn retries_a_timeout(i: usize, lost: Arc<Gauge>, breaker: Arc<Breaker>) -> bool {
    if !breaker.allow() {
        return false;
    }
    let answer = match with_timeout(i, &lost).await {
        Err(err) if err.kind() == "Timeout" => with_timeout(i, &lost).await,
        first => first,
    };
    breaker.record(answer.as_ref().map(|_| ()));
    answer.is_ok()
}

/// Mistake: `unwrap()`s the call, so a timeout panics the request.
async fn unwraps_the_call(i: usize, lost: Arc<Gauge>, breaker: Arc<Breaker>) -> bool {
    if !breaker.allow() {
        return false;
    }
    with_timeout(i, &lost).await.unwrap();
    breaker.record(Ok(()));
    true
}
