//! faultline:author-only — wrong solutions of `structured::pages` and
//! `structured::summarize` that the rubric must reject, each written as a learner might (see
//! `faultline_harness::Wrong`). A wrong `pages` runs under the reference's consumers.

use std::pin::pin;

use faultline_harness::{Failure, Gauge, Wrong, spawn};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use tokio::sync::mpsc;

use crate::{CONSUME, PAGES, Page, WANTED, consume, fetch_page, structured};

/// A `pages` function: the first region's shape.
pub(crate) type Pages = fn(&'static str, Gauge) -> BoxStream<'static, Result<Page, Failure>>;

/// The wrong solutions, each with the checks that reject it.
pub fn entries() -> Vec<Wrong> {
    const GENERATOR: &str = "streams-generator";
    const PROCESS: &str = "streams-process-as-it-arrives";
    vec![
        Wrong::new(
            "producer-task",
            GENERATOR,
            |b| b.run(|| over(producer_task)),
            &["fetches-only-what-is-read", "no-orphans"],
        ),
        Wrong::new(
            "fetches-every-page-first",
            GENERATOR,
            |b| b.run(|| over(fetches_every_page_first)),
            &["fetches-only-what-is-read", "done-within-budget"],
        ),
        Wrong::new(
            "unwraps-each-page",
            GENERATOR,
            |b| b.run(|| over(unwraps_each_page)),
            &["surfaces-the-page-error", "no-panics"],
        ),
        Wrong::new(
            "ends-quietly-on-an-error",
            GENERATOR,
            |b| b.run(|| over(ends_quietly_on_an_error)),
            &["surfaces-the-page-error", "no-discarded-errors"],
        ),
        Wrong::new(
            "collects-before-summing",
            PROCESS,
            |b| b.run(|| consume(structured::search, collects_before_summing)),
            &["holds-one-page-at-a-time"],
        ),
        Wrong::new(
            "keeps-every-page-read",
            PROCESS,
            |b| b.run(|| consume(structured::search, keeps_every_page_read)),
            &["holds-one-page-at-a-time"],
        ),
        Wrong::new(
            "keeps-the-previous-page",
            PROCESS,
            |b| b.run(|| consume(structured::search, keeps_the_previous_page)),
            &["holds-one-page-at-a-time"],
        ),
        Wrong::new(
            "skips-failed-pages",
            PROCESS,
            |b| b.run(|| consume(structured::search, skips_failed_pages)),
            &["surfaces-the-page-error", "no-discarded-errors"],
        ),
    ]
}

/// The body with the reference's `search` and `summarize`, each reading `pages`.
pub(crate) async fn over(pages: Pages) -> crate::Outcome {
    consume(move || search(pages), move || summarize(pages)).await
}

/// The reference's `search`, reading `pages`.
async fn search(pages: Pages) -> Result<Vec<u64>, Failure> {
    let mut pages = pin!(pages("search-feed", Gauge::new("search backlog")));
    let mut found = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page?;
        tokio::time::sleep(CONSUME).await;
        found.push(page.number());
        if found.len() == WANTED {
            break;
        }
    }
    Ok(found)
}

/// The reference's `summarize`, reading `pages`.
async fn summarize(pages: Pages) -> Result<u64, Failure> {
    let mut pages = pin!(pages("summary-feed", Gauge::new("summary backlog")));
    let mut total = 0;
    while let Some(page) = pages.next().await {
        let page = page?;
        tokio::time::sleep(CONSUME).await;
        total += page.number();
    }
    Ok(total)
}

/// Mistake: a producer task over a small channel: it fetches ahead, and runs on after the consumer stopped.
fn producer_task(feed: &'static str, buffered: Gauge) -> BoxStream<'static, Result<Page, Failure>> {
    let (tx, rx) = mpsc::channel(1);
    let produced = buffered.clone();
    drop(spawn(feed, async move {
        for i in 0..PAGES {
            let page = fetch_page(i).await;
            produced.add(1);
            let failed = page.is_err();
            if tx.send(page).await.is_err() || failed {
                break;
            }
        }
    }));
    futures::stream::unfold(rx, |mut rx| async move { Some((rx.recv().await?, rx)) })
        .inspect(move |_| buffered.sub(1))
        .boxed()
}

/// Mistake: fetches every page before it yields the first.
fn fetches_every_page_first(
    feed: &'static str,
    buffered: Gauge,
) -> BoxStream<'static, Result<Page, Failure>> {
    let _ = feed;
    let produced = buffered.clone();
    futures::stream::once(async move {
        let mut all = Vec::new();
        for i in 0..PAGES {
            let page = fetch_page(i).await;
            produced.add(1);
            let failed = page.is_err();
            all.push(page);
            if failed {
                break;
            }
        }
        futures::stream::iter(all)
    })
    .flatten()
    .inspect(move |_| buffered.sub(1))
    .boxed()
}

/// Mistake: `unwrap()`s each fetch, so a page that fails panics the consumer.
fn unwraps_each_page(
    feed: &'static str,
    buffered: Gauge,
) -> BoxStream<'static, Result<Page, Failure>> {
    let _ = feed;
    let produced = buffered.clone();
    futures::stream::unfold(0, move |i| {
        let produced = produced.clone();
        async move {
            if i >= PAGES {
                return None;
            }
            let page = fetch_page(i).await.unwrap();
            produced.add(1);
            Some((Ok(page), i + 1))
        }
    })
    .inspect(move |_| buffered.sub(1))
    .boxed()
}

/// Mistake: ends the stream at a failed fetch with `.ok()?`, dropping the error unread.
fn ends_quietly_on_an_error(
    feed: &'static str,
    buffered: Gauge,
) -> BoxStream<'static, Result<Page, Failure>> {
    let _ = feed;
    let produced = buffered.clone();
    futures::stream::unfold(0, move |i| {
        let produced = produced.clone();
        async move {
            if i >= PAGES {
                return None;
            }
            let page = fetch_page(i).await.ok()?;
            produced.add(1);
            Some((Ok(page), i + 1))
        }
    })
    .inspect(move |_| buffered.sub(1))
    .boxed()
}

/// Mistake: collects every page into a `Vec` first, then sums them.
async fn collects_before_summing() -> Result<u64, Failure> {
    let pages = structured::pages("summary-feed", Gauge::new("summary backlog"));
    let all: Vec<Page> = pages.try_collect().await?;
    let mut total = 0;
    for page in all {
        tokio::time::sleep(CONSUME).await;
        total += page.number();
    }
    Ok(total)
}

/// Mistake: sums as pages arrive but keeps each one in a `Vec` it never needed.
async fn keeps_every_page_read() -> Result<u64, Failure> {
    let mut pages = pin!(structured::pages(
        "summary-feed",
        Gauge::new("summary backlog")
    ));
    let mut read = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page?;
        tokio::time::sleep(CONSUME).await;
        read.push(page);
    }
    Ok(read.iter().map(Page::number).sum())
}

/// Mistake: keeps the previous page across the wait for the next one.
async fn keeps_the_previous_page() -> Result<u64, Failure> {
    let mut pages = pin!(structured::pages(
        "summary-feed",
        Gauge::new("summary backlog")
    ));
    let mut total = 0;
    let mut previous = None;
    while let Some(page) = pages.next().await {
        let page = page?;
        tokio::time::sleep(CONSUME).await;
        total += page.number();
        previous = Some(page);
    }
    drop(previous);
    Ok(total)
}

/// Mistake: skips a failed page with `let Ok(..) else { continue }`: the total is short and nobody knows.
async fn skips_failed_pages() -> Result<u64, Failure> {
    let mut pages = pin!(structured::pages(
        "summary-feed",
        Gauge::new("summary backlog")
    ));
    let mut total = 0;
    while let Some(page) = pages.next().await {
        let Ok(page) = page else { continue };
        tokio::time::sleep(CONSUME).await;
        total += page.number();
    }
    Ok(total)
}
