//! faultline:author-only — right solutions of the generator and of `summarize` written
//! another way, that the rubric must accept (see `faultline_harness::Right`).

use std::pin::pin;

use faultline_harness::{Failure, Gauge, Right};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};

use crate::gallery::over;
use crate::{CONSUME, PAGES, Page, consume, fetch_page, structured};

/// The right solutions.
pub fn entries() -> Vec<Right> {
    vec![
        Right::new("iter-then-fetch", |b| b.run(|| over(iter_then_fetch))),
        Right::new("summarizes-with-try-fold", |b| {
            b.run(|| consume(structured::search, summarizes_with_try_fold))
        }),
    ]
}

/// Another generator: the page numbers as a stream, each fetched by `then` when the
/// consumer asks for it (lazy: no task, no queue), ending after the first error.
fn iter_then_fetch(
    feed: &'static str,
    buffered: Gauge,
) -> BoxStream<'static, Result<Page, Failure>> {
    let _ = feed;
    let produced = buffered.clone();
    futures::stream::iter(0..PAGES)
        .then(move |i| {
            let produced = produced.clone();
            async move {
                let page = fetch_page(i).await;
                produced.add(1);
                page
            }
        })
        .scan(false, |failed, page| {
            let item = (!*failed).then(|| {
                *failed = page.is_err();
                page
            });
            async move { item }
        })
        .inspect(move |_| buffered.sub(1))
        .boxed()
}

/// Another consumer: `try_fold` over the stream, one page held at a time; the first
/// error ends the fold and is returned.
async fn summarizes_with_try_fold() -> Result<u64, Failure> {
    let pages = pin!(structured::pages(
        "summary-feed",
        Gauge::new("summary backlog")
    ));
    pages
        .try_fold(0, |total, page| async move {
            tokio::time::sleep(CONSUME).await;
            Ok(total + page.number())
        })
        .await
}
