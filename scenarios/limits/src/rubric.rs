//! The rubric for lesson 06 (rate limits): what a correct `structured::fetch` does under
//! every plan.
//!
//! No sweep: a run has 300 tasks, and the two plans already cover the lesson (no fault, and
//! transient server errors to retry). The virtual-time budget is the pace the limits allow
//! (300 pages at 90 a second, with a burst of 5), with a margin: a fetch that holds every
//! permit, one request at a time, takes 15 s.

use faultline_harness::{Aspect, Check, Rubric};

/// The rubric: the reference is `structured`; `unstructured` and a stub that returns at
/// once fail it.
pub fn rubric() -> Rubric {
    Rubric::new(
        "limits",
        "06 bounded concurrency and rate limits",
        "scenarios/limits/src/structured.rs",
    )
    .stub(|b| b.run(|| async { crate::Fetched::Ok(0) }))
    .hint(
        "limits-fetch",
        "hold a permit of the semaphore (limits.0.acquire()) for the whole fetch; around \
         each attempt take a token from the bucket (limits.1.take().await) before \
         server.get(i); retry with backon: an ExponentialBuilder with a minimum delay, a few \
         times, jitter seeded with i, .sleep(tokio::time::sleep) and .when(retryable)",
    )
    .check(Check::returns(
        "fetches-every-page",
        "all 300 pages can be had: stay under the server's limit so it never bans you, and \
         retry what fails for a while",
        &[("none", "Ok(300)"), ("api-flaky", "Ok(300)")],
    ))
    .check(Check::gauge_at_most(
        "never-rate-limited",
        Aspect::Functional,
        "the server allows 100 requests a second: pace them below that (a token bucket), so \
         no request is answered 429",
        "429s",
        &[("none", 0), ("api-flaky", 0)],
    ))
    .check(Check::gauge_at_most(
        "at-most-10-in-flight",
        Aspect::Functional,
        "bound the requests in flight (a semaphore of 10): memory and sockets are finite",
        "in flight",
        &[("none", 10), ("api-flaky", 10)],
    ))
    .check(Check::within(
        "done-within-budget",
        "bound the requests in flight, do not serialize them: ten at a time, each holding \
         one permit, keep pace with the token bucket",
        &[("none", 3400), ("api-flaky", 3400)],
    ))
    .checks(Check::lifecycle())
    .expect_fail(
        "unstructured",
        &[
            "fetches-every-page",
            "never-rate-limited",
            "at-most-10-in-flight",
            // Every error after the first is dropped unread (`get_or_insert`): the course's
            // "second failure dropped silently".
            "no-discarded-errors",
        ],
    )
    // faultline:author-only begin
    .gallery(crate::gallery::entries())
    // faultline:author-only end
}
