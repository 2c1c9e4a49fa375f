//! An async generator (a lazy `Stream` that runs inside its consumer), and
//! process-as-it-arrives.

use std::pin::pin;

use faultline_harness::{Failure, Gauge};
use futures::StreamExt;
use futures::stream::BoxStream;

use crate::{CONSUME, PAGES, Page, WANTED, fetch_page};

/// The pages as a generator stream (`futures::stream::unfold`): no task, no queue; a page
/// is fetched only when the consumer asks for the next one, an error is the stream's next
/// item, and dropping the stream drops the generator mid-fetch. `feed` names nothing: there
/// is no producer task to name. Boxed (in both variants) so that the learner edition's
/// `todo!()` in its place has a type.
pub fn pages(feed: &'static str, buffered: Gauge) -> BoxStream<'static, Result<Page, Failure>> {
    // faultline:solution begin streams-generator
    let _ = feed;
    let produced = buffered.clone();
    futures::stream::unfold(Some(0), move |next| {
        let produced = produced.clone();
        async move {
            let i = next.filter(|&i| i < PAGES)?;
            let page = fetch_page(i).await;
            produced.add(1);
            let next = page.is_ok().then_some(i + 1);
            Some((page, next))
        }
    })
    .inspect(move |_| buffered.sub(1))
    .boxed()
    // faultline:solution end
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

/// Sums every page: processes each one as it arrives, holding one at a time.
pub async fn summarize() -> Result<u64, Failure> {
    // faultline:solution begin streams-process-as-it-arrives
    let mut pages = pin!(pages("summary-feed", Gauge::new("summary backlog")));
    let mut total = 0;
    while let Some(page) = pages.next().await {
        let page = page?;
        tokio::time::sleep(CONSUME).await;
        total += page.number();
    }
    Ok(total)
    // faultline:solution end
}
