//! Every request at once, and a 429 retried immediately.

use faultline_harness::{Failure, spawn};

use crate::{Fetched, PAGES, Server, retryable};

/// Fetches page `i`, retrying a retryable error at once, up to 3 times.
pub async fn fetch(server: Server, i: usize) -> Result<String, Failure> {
    let mut attempt = 0;
    loop {
        match server.get(i).await {
            Err(err) if attempt < 3 && retryable(&err) => attempt += 1,
            done => return done,
        }
    }
}

/// Spawns every fetch at once and counts the pages; fails with the first error if any page
/// was lost.
pub async fn scraper() -> Fetched {
    let server = Server::new();
    let handles: Vec<_> = (0..PAGES)
        .map(|i| spawn(("fetch", i), fetch(server.clone(), i)))
        .collect();
    let mut pages = 0;
    let mut first_error = None;
    for handle in handles {
        match handle.await.map_err(Failure::from).and_then(|r| r) {
            Ok(_) => pages += 1,
            Err(err) => {
                first_error.get_or_insert(err);
            }
        }
    }
    match first_error {
        Some(err) => Err(Failure::new(
            "Incomplete",
            format!("{pages} of {PAGES} pages; first error: {err}"),
        )),
        None => Ok(pages),
    }
}
