//! faultline:author-only — right solutions of the fetcher and of `crawl` written another
//! way, that the rubric must accept (see `faultline_harness::Right`).

use std::sync::Arc;

use faultline_harness::{Failure, Gauge, Right, Store, spawn_in};
use tokio::sync::mpsc::{Sender, channel};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::gallery::{crawl_with, run};
use crate::structured::{self, Fetched, Limits, fetch};
use crate::{
    Crawl, Frontier, PAGE_CAPACITY, PAGES_QUEUED, PARSED_QUEUED, STORE_CAPACITY, SavedFrontier,
    Site,
};

/// The right solutions.
pub fn entries() -> Vec<Right> {
    vec![
        Right::new("fetcher-matches-the-select", |b| {
            run(b, |s, f, t| {
                crawl_with(
                    s,
                    f,
                    t,
                    PAGE_CAPACITY,
                    fetcher_matches_the_select,
                    structured::parser,
                )
            })
        }),
        Right::new("fetchers-joined-by-hand", |b| {
            run(b, fetchers_joined_by_hand)
        }),
    ]
}

/// Another fetcher: a `loop` with `let else`, the fetch and the stop in one `select!`
/// whose arms do the work.
async fn fetcher_matches_the_select(
    site: Site,
    limits: Arc<Limits>,
    frontier: Frontier,
    pages: Sender<Fetched>,
    queued: Gauge,
    stop: CancellationToken,
) -> Result<(), Failure> {
    loop {
        let Some(claim) = frontier.next(&stop).await else {
            return Ok(());
        };
        tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            fetched = fetch(&site, claim.page(), &limits) => match fetched {
                Err(error) => claim.failed(&error),
                Ok(html) => {
                    if pages.send(Fetched { claim, html }).await.is_err() {
                        return Ok(());
                    }
                    queued.add(1);
                }
            },
        }
    }
}

/// Another crawl: the fetchers' handles kept in a `Vec` of abort-on-drop handles and
/// awaited in order, the stages in a `JoinSet`.
async fn fetchers_joined_by_hand(
    site: Site,
    frontier: SavedFrontier,
    stop: CancellationToken,
) -> Crawl {
    let frontier = Frontier::new(frontier);
    let limits = Arc::new(Limits::new());
    let (queued, stored) = (Gauge::new(PAGES_QUEUED), Gauge::new(PARSED_QUEUED));
    let (pages_tx, pages_rx) = channel(PAGE_CAPACITY);
    let (parsed_tx, parsed_rx) = channel(STORE_CAPACITY);
    let mut stages = JoinSet::new();
    let parser = structured::parser(pages_rx, parsed_tx, queued.clone(), stored.clone());
    spawn_in(&mut stages, "parser", parser);
    let storer = structured::storer(parsed_rx, Store::new("pages"), stored);
    spawn_in(&mut stages, "storer", storer);
    let fetchers: Vec<_> = (0..crate::WORKERS)
        .map(|k| {
            let fetcher = structured::fetcher(
                site.clone(),
                limits.clone(),
                frontier.clone(),
                pages_tx.clone(),
                queued.clone(),
                stop.clone(),
            );
            tokio_util::task::AbortOnDropHandle::new(faultline_harness::spawn(
                ("fetcher", k),
                fetcher,
            ))
        })
        .collect();
    drop(pages_tx);
    let mut errors = Vec::new();
    for fetcher in fetchers {
        if let Err(error) = fetcher.await.map_err(Failure::from).and_then(|r| r) {
            errors.push(error);
        }
    }
    while let Some(joined) = stages.join_next().await {
        if let Err(error) = joined.map_err(Failure::from).and_then(|r| r) {
            errors.push(error);
        }
    }
    frontier.crawl(errors)
}
