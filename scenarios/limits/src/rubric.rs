//! The rubric for lesson 06 (rate limits): what a correct `structured::fetch` does under
//! every plan.
//!
//! No sweep: a run has 300 tasks, and the two plans already cover the lesson (no fault, and
//! transient server errors to retry). The virtual-time budget is the pace the limits allow
//! (300 pages at 90 a second, with a burst of 5), with a margin: a fetch that holds every
//! permit, one request at a time, takes 15 s.

use faultline_harness::{Aspect, Check, Family, Miss, Observation, Rubric};

/// Attempts at one page a correct fetch makes at most: one and three retries.
const MAX_ATTEMPTS: usize = 4;

/// The server's latency, in ms (the knob the family slows).
const LATENCY_MS: u64 = crate::LATENCY.as_millis() as u64;

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
    .check(Check::gauge_never_above(
        "never-rate-limited",
        Aspect::Functional,
        "promise: at most 100 requests per virtual second, counted at the server. Pace them \
         below that (a token bucket), so no request is answered 429",
        "429s",
        0,
    ))
    .check(Check::gauge_never_above(
        "at-most-10-in-flight",
        Aspect::Functional,
        "promise: at most 10 requests in flight, counted at the server, however slow it is. \
         Hold the semaphore's permit for the whole request, not only around the token",
        "in flight",
        10,
    ))
    .check(Check::new(
        "retries-end",
        Aspect::Functional,
        "promise: retries end: at most 4 attempts at a page, counted at the server, even for \
         a page that always fails. Give the backoff a limit (with_max_times)",
        |r| {
            let mut attempts: std::collections::BTreeMap<&str, usize> = Default::default();
            for hit in r.hits.iter().filter(|h| h.point == "api") {
                *attempts
                    .entry(hit.key.as_deref().unwrap_or(""))
                    .or_default() += 1;
            }
            match attempts.iter().find(|(_, n)| **n > MAX_ATTEMPTS) {
                None => Ok(()),
                Some((key, n)) => Err(Miss::run(
                    format!("at most {MAX_ATTEMPTS} attempts at a page"),
                    format!("{n} attempts at page {key}"),
                )),
            }
        },
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
            "matches-the-reference",
        ],
    )
    // The server slowed ×2 and ×10: a bound that bounds nothing once it is slow shows.
    .family(
        Family::new(&["never-rate-limited", "at-most-10-in-flight", "retries-end"])
            .slowed("api", LATENCY_MS)
            .always_fails("api", "7", "ServerError"),
    )
    // What every correct solution shows as the reference does (recorded data).
    .differential(
        vec![
            Observation::result(),
            Observation::gauge_added("429s", "429s"),
        ],
        include_str!("../reference.txt"),
    )
    // faultline:author-only begin
    .gallery(crate::gallery::entries())
    .right(crate::right::entries())
    // faultline:author-only end
}
