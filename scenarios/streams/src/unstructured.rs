//! A producer task feeding an unbounded queue (`asyncio.Queue` + `create_task`), and
//! collect-everything-then-process.

use std::pin::pin;

use faultline_harness::{Failure, Gauge, spawn};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use tokio::sync::mpsc;

use crate::{CONSUME, PAGES, Page, WANTED, fetch_page};

/// The pages as a stream fed by a spawned, detached producer `feed` over an unbounded
/// channel. `buffered` counts pages produced and not yet read by the consumer (the backlog). The
/// producer ignores a failed send, as a producer `put`ting into an `asyncio.Queue` would
/// (a queue cannot tell it the consumer left); its own errors end its task, which nobody
/// awaits: the consumer just sees the stream end early.
pub fn pages(feed: &'static str, buffered: Gauge) -> BoxStream<'static, Result<Page, Failure>> {
    let (tx, rx) = mpsc::unbounded_channel();
    let produced = buffered.clone();
    drop(spawn(feed, async move {
        for i in 0..PAGES {
            let page = fetch_page(i).await?;
            produced.add(1);
            let _ = tx.send(page);
        }
        Ok::<(), Failure>(())
    }));
    futures::stream::unfold(
        rx,
        |mut rx| async move { rx.recv().await.map(|p| (Ok(p), rx)) },
    )
    .inspect(move |_| buffered.sub(1))
    .boxed()
}

/// Reads pages until [`WANTED`] of them are found, then stops and drops the stream.
pub async fn search() -> Result<Vec<u64>, Failure> {
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

/// Sums every page: collects them all into memory first, then processes them one by one.
pub async fn summarize() -> Result<u64, Failure> {
    let pages = pages("summary-feed", Gauge::new("summary backlog"));
    let all: Vec<Page> = pages.try_collect().await?;
    let mut total = 0;
    for page in all {
        tokio::time::sleep(CONSUME).await;
        total += page.number();
    }
    Ok(total)
}
