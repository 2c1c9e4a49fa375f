//! faultline:author-only — wrong solutions to the exercise that the rubric must reject: each
//! is one part of `structured` (same signature) with one mistake, run in the otherwise
//! correct crawler (see `faultline_harness::Wrong`).
//!
//! Graded by `tests/rubric_proof.rs`: no bucket and retries at once
//! (banned: `never-banned`, `under-the-rate-limit`, `fetches-every-page`); unbounded
//! channels (the store's queue piles up while it checkpoints: `bounded-queues`); no
//! de-duplication (the home link comes back from every page, the crawl never ends:
//! `done-within-budget`, `no-stalled-tasks`); `Err(_) => continue` in the fetcher (the
//! `GaveUp` error is **DISCARDED**, and the claim puts the broken page back, so it is
//! fetched forever: `no-discarded-errors`, `done-within-budget`); a token of its own instead
//! of the shutdown signal (`done-within-budget` under the stop plans).

use std::future::Future;
use std::sync::Arc;

use faultline_harness::{Builder, Error, Failure, Gauge, Report, Store, Wrong, spawn_in};
use tokio::sync::mpsc::{Receiver, Sender, channel};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::structured::{self, Fetched, Limits, Page};
use crate::{
    Crawl, Frontier, PAGE_CAPACITY, PAGES, PAGES_QUEUED, PARSED_QUEUED, RETRIES, STORE_CAPACITY,
    SavedFrontier, Site, parse, retryable,
};

/// The wrong solutions, each with the checks that reject it.
pub fn entries() -> Vec<Wrong> {
    vec![
        // Mistake: no token bucket, and a 429 or a 500 retried at once: the site bans the client.
        Wrong::new(
            "fetch-without-backoff",
            "scraper-fetch",
            |b| {
                run(b, |s, f, t| {
                    crawl_with(
                        s,
                        f,
                        t,
                        PAGE_CAPACITY,
                        fetcher_without_backoff,
                        structured::parser,
                    )
                })
            },
            &["never-banned", "under-the-rate-limit", "fetches-every-page"],
        ),
        // Mistake: channels so large they are unbounded: while the store checkpoints, parsed pages pile up in memory.
        Wrong::new(
            "crawl-unbounded",
            "scraper-crawl",
            |b| {
                run(b, |s, f, t| {
                    crawl_with(s, f, t, 1 << 20, structured::fetcher, structured::parser)
                })
            },
            &["bounded-queues"],
        ),
        // Mistake: queues every link, seen or not: the home page links back from every page, so the crawl never ends.
        Wrong::new(
            "parser-without-dedup",
            "scraper-crawl",
            |b| {
                run(b, |s, f, t| {
                    crawl_with(
                        s,
                        f,
                        t,
                        PAGE_CAPACITY,
                        structured::fetcher,
                        parser_without_dedup,
                    )
                })
            },
            &["done-within-budget", "no-stalled-tasks"],
        ),
        // Mistake: drops a failed fetch's error unread (`Err(_) => continue`): the claim puts the page back, and a broken page is fetched forever.
        Wrong::new(
            "fetcher-let-underscore",
            "scraper-fetcher",
            |b| {
                run(b, |s, f, t| {
                    crawl_with(
                        s,
                        f,
                        t,
                        PAGE_CAPACITY,
                        fetcher_let_underscore,
                        structured::parser,
                    )
                })
            },
            &["no-discarded-errors", "done-within-budget"],
        ),
        // Mistake: gives the fetchers a token of its own instead of the shutdown signal: a stop stops nothing.
        Wrong::new(
            "crawl-ignoring-stop",
            "scraper-crawl",
            |b| {
                run(b, |s, f, _| {
                    crawl_with(
                        s,
                        f,
                        CancellationToken::new(),
                        PAGE_CAPACITY,
                        structured::fetcher,
                        structured::parser,
                    )
                })
            },
            &["done-within-budget"],
        ),
    ]
}

/// Runs `crawl` from the home page of a fresh site, with the run's shutdown signal.
pub(crate) fn run<F: Future<Output = Crawl> + Send + 'static>(
    b: &Builder,
    crawl: fn(Site, SavedFrontier, CancellationToken) -> F,
) -> Result<Report, Error> {
    b.run(move || {
        crawl(
            Site::new(PAGES),
            SavedFrontier::seed(),
            faultline_harness::shutdown_token(),
        )
    })
}

// No pacing and no backoff: the fetchers go as fast as the semaphore lets them.
/// `structured::fetch` without the token bucket, retrying at once.
pub async fn fetch_without_backoff(
    site: &Site,
    page: u32,
    limits: &Limits,
) -> Result<String, Failure> {
    let mut attempt = 0;
    loop {
        let permit = limits.permits.acquire().await;
        let answer = site.get(page).await;
        drop(permit);
        match answer {
            Err(error) if attempt < RETRIES && retryable(&error) => attempt += 1,
            done => return done,
        }
    }
}

/// `structured::fetcher`, fetching with [`fetch_without_backoff`].
pub async fn fetcher_without_backoff(
    site: Site,
    limits: Arc<Limits>,
    frontier: Frontier,
    pages: Sender<Fetched>,
    queued: Gauge,
    stop: CancellationToken,
) -> Result<(), Failure> {
    while let Some(claim) = frontier.next(&stop).await {
        let fetched = tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            fetched = fetch_without_backoff(&site, claim.page(), &limits) => fetched,
        };
        match fetched {
            Ok(html) => {
                if pages.send(Fetched { claim, html }).await.is_err() {
                    return Ok(());
                }
                queued.add(1);
            }
            Err(error) => claim.failed(&error),
        }
    }
    Ok(())
}

// The error of a page that failed after its retries is dropped unread.
/// `structured::fetcher` with `Err(_) => continue`.
pub async fn fetcher_let_underscore(
    site: Site,
    limits: Arc<Limits>,
    frontier: Frontier,
    pages: Sender<Fetched>,
    queued: Gauge,
    stop: CancellationToken,
) -> Result<(), Failure> {
    while let Some(claim) = frontier.next(&stop).await {
        let fetched = tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            fetched = structured::fetch(&site, claim.page(), &limits) => fetched,
        };
        let html = match fetched {
            Ok(html) => html,
            Err(_) => continue,
        };
        if pages.send(Fetched { claim, html }).await.is_err() {
            return Ok(());
        }
        queued.add(1);
    }
    Ok(())
}

// Every link queued, seen or not.
/// `structured::parser` with `add_links_keeping_duplicates`.
pub async fn parser_without_dedup(
    mut pages: Receiver<Fetched>,
    parsed: Sender<Page>,
    queued: Gauge,
    stored: Gauge,
) -> Result<(), Failure> {
    while let Some(Fetched { claim, html }) = pages.recv().await {
        queued.sub(1);
        let found = parse(&html);
        claim.frontier().add_links_keeping_duplicates(&found.links);
        let page = Page {
            claim,
            title: found.title,
            links: found.links.len(),
        };
        if parsed.send(page).await.is_err() {
            return Err(Failure::new("StoreGone", "the store stage ended early"));
        }
        stored.add(1);
    }
    Ok(())
}

/// `structured::crawl` with the channels' capacity, the fetcher and the parser swapped for
/// others.
pub(crate) async fn crawl_with<FF, FFut, PF, PFut>(
    site: Site,
    frontier: SavedFrontier,
    stop: CancellationToken,
    capacity: usize,
    fetcher: FF,
    parser: PF,
) -> Crawl
where
    FF: Fn(Site, Arc<Limits>, Frontier, Sender<Fetched>, Gauge, CancellationToken) -> FFut,
    FFut: Future<Output = Result<(), Failure>> + Send + 'static,
    PF: FnOnce(Receiver<Fetched>, Sender<Page>, Gauge, Gauge) -> PFut,
    PFut: Future<Output = Result<(), Failure>> + Send + 'static,
{
    let frontier = Frontier::new(frontier);
    let limits = Arc::new(Limits::new());
    let (queued, stored) = (Gauge::new(PAGES_QUEUED), Gauge::new(PARSED_QUEUED));
    let (pages_tx, pages_rx) = channel(capacity);
    let (parsed_tx, parsed_rx) = channel(if capacity == PAGE_CAPACITY {
        STORE_CAPACITY
    } else {
        capacity
    });
    let mut stages = JoinSet::new();
    let parser = parser(pages_rx, parsed_tx, queued.clone(), stored.clone());
    spawn_in(&mut stages, "parser", parser);
    let storer = structured::storer(parsed_rx, Store::new("pages"), stored);
    spawn_in(&mut stages, "storer", storer);
    let mut fetchers = JoinSet::new();
    for k in 0..crate::WORKERS {
        let fetcher = fetcher(
            site.clone(),
            limits.clone(),
            frontier.clone(),
            pages_tx.clone(),
            queued.clone(),
            stop.clone(),
        );
        spawn_in(&mut fetchers, ("fetcher", k), fetcher);
    }
    drop(pages_tx);
    let mut errors = Vec::new();
    while let Some(joined) = fetchers.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(error)) => errors.push(error),
            Err(join) => errors.push(Failure::from(join)),
        }
    }
    while let Some(joined) = stages.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(error)) => errors.push(error),
            Err(join) => errors.push(Failure::from(join)),
        }
    }
    frontier.crawl(errors)
}
