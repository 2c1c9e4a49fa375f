//! The rubric for project P1: what a correct `structured` fetch, fetcher and crawl do
//! under every plan.

use faultline_harness::{
    Aspect, Check, Family, Miss, Observation, Report, ResourceReport, Rubric, TxOutcome,
};

use crate::{
    BANNED, CLAIMED, CONCURRENCY, IN_FLIGHT, LIMIT_PER_SECOND, PAGE_CAPACITY, PARSED_QUEUED,
    STORE_CAPACITY, WINDOW, WORKERS,
};

/// The number after `name: ` in the body's result (`Crawl { discovered: 812, … }`).
pub(crate) fn field(result: &str, name: &str) -> Option<u64> {
    let at = result.find(&format!("{name}: "))? + name.len() + 2;
    let digits: String = result[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Pages the store `pages` committed.
fn committed(r: &Report) -> u64 {
    let Some(ResourceReport::Store(store)) = r.resource("pages") else {
        return 0;
    };
    store
        .transactions
        .iter()
        .filter(|t| t.outcome == TxOutcome::Committed)
        .count() as u64
}

/// Pages of the catalogue's site that can be fetched: all but the three broken ones.
const FETCHABLE: u64 = 197;

/// The rubric: the reference is `structured`; `unstructured` and a stub that returns at
/// once fail it.
pub fn rubric() -> Rubric {
    Rubric::new(
        "scraper",
        "P1 a scraper pipeline",
        "scenarios/scraper/src/structured.rs",
    )
    .stub(|b| b.run(|| async { crate::Crawl::default() }))
    .hint(
        "scraper-fetch",
        "an ExponentialBuilder with MIN_BACKOFF, MAX_BACKOFF, RETRIES, jitter seeded with the \
         page; each attempt: a permit of limits.permits, a token of limits.bucket, then \
         timeout(REQUEST_TIMEOUT, site.get(page)) (a timeout is timed_out(page)); \
         .retry(backoff).sleep(tokio::time::sleep).when(retryable); the last error becomes \
         gave_up(page, &last)",
    )
    .hint(
        "scraper-fetcher",
        "while let Some(claim) = frontier.next(&stop).await: fetch in a biased select! \
         against stop.cancelled() (on a stop return: the dropped claim puts the page back); \
         Ok(html): send Fetched { claim, html } to the parser (it waits when the channel is \
         full), then queued.add(1); Err(error): claim.failed(&error)",
    )
    .hint(
        "scraper-crawl",
        "Frontier::new(frontier), the limits, the two gauges, bounded channel(PAGE_CAPACITY) \
         and channel(STORE_CAPACITY); the parser and the storer spawn_in one JoinSet, WORKERS \
         fetchers spawn_in another; drop your own sender; join the fetchers, then the stages, \
         keep every error, and return frontier.crawl(errors)",
    )
    .check(Check::new(
        "accounts-for-every-url",
        Aspect::Functional,
        "every URL discovered ends as fetched (stored), failed after its retries, skipped \
         as a duplicate or left in the frontier: nothing may vanish in a channel or a \
         detached task",
        |r| {
            let f = |name| field(&r.result, name);
            let (d, fe, fa, du, l, lost) = (
                f("discovered"),
                f("fetched"),
                f("failed"),
                f("duplicates"),
                f("left"),
                f("lost"),
            );
            let stored = committed(r);
            match (d, fe, fa, du, l, lost) {
                (Some(d), Some(fe), Some(fa), Some(du), Some(l), Some(0))
                    if d > 1 && d == fe + fa + du + l && fe == stored =>
                {
                    Ok(())
                }
                _ => Err(Miss::run(
                    "discovered = fetched + failed + duplicates + left (lost: 0), and the \
                     store committed every page fetched",
                    format!(
                        "discovered {d:?}, fetched {fe:?}, failed {fa:?}, duplicates {du:?}, \
                         left {l:?}, lost {lost:?}; the store committed {stored}"
                    ),
                )),
            }
        },
    ))
    .check(
        Check::new(
            "fetches-every-page",
            Aspect::Functional,
            "every page of the site can be had but the three that always answer 500: pace \
             the requests, retry what fails after a backoff, and time out what hangs",
            |r| match field(&r.result, "fetched") {
                Some(n) if n == FETCHABLE => Ok(()),
                n => Err(Miss::run(
                    format!("fetched: {FETCHABLE}"),
                    n.map_or_else(|| r.result.clone(), |n| format!("fetched: {n}")),
                )),
            },
        )
        .only(&["none", "flaky-pages", "rate-limited", "site-slow"]),
    )
    .check(Check::gauge_at_most(
        "never-banned",
        Aspect::Functional,
        "the site bans a client that keeps going past its 429s: pace the requests (a token \
         bucket under the limit) and back off before retrying",
        BANNED,
        &[
            ("none", 0),
            ("flaky-pages", 0),
            ("rate-limited", 0),
            ("site-slow", 0),
            ("stop-early", 0),
            ("stop-mid-crawl", 0),
        ],
    ))
    .check(Check::gauge_at_most(
        "under-the-rate-limit",
        Aspect::Functional,
        "the site allows LIMIT_PER_SECOND requests a second: take a token of a bucket of \
         RATE a second before each attempt, retries included",
        WINDOW,
        &[
            ("none", LIMIT_PER_SECOND as u64),
            ("flaky-pages", LIMIT_PER_SECOND as u64),
            ("rate-limited", LIMIT_PER_SECOND as u64),
            ("site-slow", LIMIT_PER_SECOND as u64),
            ("stop-early", LIMIT_PER_SECOND as u64),
            ("stop-mid-crawl", LIMIT_PER_SECOND as u64),
        ],
    ))
    .check(Check::new(
        "bounded-queues",
        Aspect::Functional,
        "memory and sockets are finite: at most CONCURRENCY requests in flight (hold a \
         Semaphore permit for each attempt), and bounded channels of PAGE_CAPACITY and \
         STORE_CAPACITY pages between the stages (a stage waits when the next one is behind)",
        |r| {
            let ceilings = [
                (IN_FLIGHT, CONCURRENCY),
                // A page from its claim to its store: one per fetcher, the two channels
                // full, and the one the parser and the store each hold.
                (CLAIMED, WORKERS + PAGE_CAPACITY + STORE_CAPACITY + 2),
                (PARSED_QUEUED, STORE_CAPACITY),
            ];
            ceilings
                .iter()
                .try_for_each(|&(gauge, ceiling)| match r.resource(gauge) {
                    Some(ResourceReport::Gauge(g)) if g.peak > ceiling as u64 => Err(Miss::run(
                        format!("gauge {gauge} at most {ceiling}"),
                        format!("peak {} at {} ms", g.peak, g.peak_ms),
                    )),
                    _ => Ok(()),
                })
        },
    ))
    .check(Check::within(
        "done-within-budget",
        "at RATE requests a second, 200 pages take about 70 s, retries a few more; after a \
         stop, only the drain of the pages already fetched",
        &[
            ("none", 80_000),
            ("flaky-pages", 90_000),
            ("rate-limited", 90_000),
            ("site-slow", 90_000),
            ("stop-early", 200),
            ("stop-mid-crawl", 20_500),
        ],
    ))
    .checks(Check::lifecycle())
    // A stop at every 2.5 s of the crawl: whatever instant it comes, every URL is accounted for.
    .family(
        Family::new(&[
            "accounts-for-every-url",
            "no-orphans",
            "no-partial-writes",
            "no-tasks-dropped-at-shutdown",
        ])
        .stops(2500, 25000),
    )
    // What every correct solution shows as the reference does (recorded data).
    .differential(
        vec![
            Observation::result(),
            Observation::committed("pages stored", "pages"),
        ],
        include_str!("../reference.txt"),
    )
    // faultline:author-only begin
    .gallery(crate::gallery::entries())
    .right(crate::right::entries())
    // faultline:author-only end
    .expect_fail(
        "unstructured",
        &[
            "accounts-for-every-url",
            "fetches-every-page",
            "never-banned",
            "under-the-rate-limit",
            "bounded-queues",
            "done-within-budget",
            "no-swallowed-errors",
            "no-orphans",
            "no-tasks-dropped-at-shutdown",
            "no-partial-writes",
            "matches-the-reference",
        ],
    )
}
