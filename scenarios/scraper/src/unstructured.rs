//! The course's naive scraper: every URL of the frontier fetched at once in a detached
//! task, 429s and 500s retried at once, unbounded channels to a detached parser and store,
//! a manual transaction, and a crawl that returns the moment it is stopped.

use faultline_harness::{Failure, Gauge, Store, point, shutdown_token, spawn};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio_util::sync::CancellationToken;

use crate::{
    Crawl, Frontier, PAGES, PAGES_QUEUED, PARSED_QUEUED, POLL, RETRIES, SavedFrontier, Site,
    commit_time, gave_up, parse, retryable,
};

/// A fetched page on its way to the parser.
#[derive(Debug)]
pub struct Fetched {
    /// The page.
    pub page: u32,
    /// Its HTML.
    pub html: String,
}

/// A parsed page on its way to the store.
#[derive(Debug)]
pub struct Page {
    /// The page.
    pub page: u32,
    /// Its title.
    pub title: String,
    /// How many links it has.
    pub links: usize,
}

impl Page {
    /// The row the store writes: `/page/17 "Page 17" links=5`.
    pub fn row(&self) -> String {
        format!("/page/{} {:?} links={}", self.page, self.title, self.links)
    }
}

/// Fetches `page`, retrying a 429, a 500 or a timeout at once, at most [`RETRIES`] times.
pub async fn fetch(site: &Site, page: u32) -> Result<String, Failure> {
    let mut attempt = 0;
    loop {
        match site.get(page).await {
            Err(error) if attempt < RETRIES && retryable(&error) => attempt += 1,
            done => return done.map_err(|last| gave_up(page, &last)),
        }
    }
}

/// Fetches one page and hands it to the parser; an error is returned (to nobody).
pub async fn fetcher(
    site: Site,
    page: u32,
    frontier: Frontier,
    pages: UnboundedSender<Fetched>,
    queued: Gauge,
) -> Result<(), Failure> {
    let html = match fetch(&site, page).await {
        Ok(html) => html,
        Err(error) => {
            frontier.forget(page);
            return Err(error);
        }
    };
    if pages.send(Fetched { page, html }).is_ok() {
        queued.add(1);
    }
    Ok(())
}

/// Parses every fetched page, adds its links to the frontier and hands the page to the
/// store.
pub async fn parser(
    mut pages: UnboundedReceiver<Fetched>,
    parsed: UnboundedSender<Page>,
    frontier: Frontier,
    queued: Gauge,
    stored: Gauge,
) -> Result<(), Failure> {
    while let Some(Fetched { page, html }) = pages.recv().await {
        queued.sub(1);
        let found = parse(&html);
        frontier.add_links(&found.links);
        let page = Page {
            page,
            title: found.title,
            links: found.links.len(),
        };
        if parsed.send(page).is_ok() {
            stored.add(1);
        }
    }
    Ok(())
}

/// Stores every parsed page, until a commit fails.
pub async fn storer(
    mut parsed: UnboundedReceiver<Page>,
    store: Store,
    frontier: Frontier,
    queued: Gauge,
) -> Result<(), Failure> {
    while let Some(page) = parsed.recv().await {
        queued.sub(1);
        save(&store, &page).await?;
        frontier.stored(page.page);
    }
    Ok(())
}

/// Writes `page` in a manual transaction: `BEGIN`, the row, `COMMIT`.
pub async fn save(store: &Store, page: &Page) -> Result<(), Failure> {
    let mut tx = store.begin();
    tx.write(page.row());
    tokio::time::sleep(commit_time(page.page)).await;
    point("store").key(page.page).await?;
    tx.commit();
    Ok(())
}

/// Crawls `site`: every [`POLL`], every page queued is fetched at once, each in its own
/// detached task; the parser and the store are detached too. Returns when nothing is
/// queued or being fetched, or the moment `stop` fires.
pub async fn crawl(site: Site, frontier: SavedFrontier, stop: CancellationToken) -> Crawl {
    let frontier = Frontier::new(frontier);
    let (queued, stored) = (Gauge::new(PAGES_QUEUED), Gauge::new(PARSED_QUEUED));
    let (pages_tx, pages_rx) = unbounded_channel();
    let (parsed_tx, parsed_rx) = unbounded_channel();
    let parser = parser(
        pages_rx,
        parsed_tx,
        frontier.clone(),
        queued.clone(),
        stored.clone(),
    );
    drop(spawn("parser", parser));
    let storer = storer(parsed_rx, Store::new("pages"), frontier.clone(), stored);
    drop(spawn("storer", storer));
    loop {
        let pages = frontier.take_all();
        for &page in &pages {
            let fetcher = fetcher(
                site.clone(),
                page,
                frontier.clone(),
                pages_tx.clone(),
                queued.clone(),
            );
            drop(spawn(("fetch", page as usize), fetcher));
        }
        if pages.is_empty() && frontier.is_idle() {
            break;
        }
        tokio::select! {
            biased;
            () = stop.cancelled() => break,
            () = tokio::time::sleep(POLL) => {}
        }
    }
    frontier.crawl(Vec::new())
}

/// Crawls a fresh site of [`PAGES`] pages from the frontier a stopped crawl left (or
/// [`SavedFrontier::seed`]), until done or the run's shutdown signal.
pub async fn resume(frontier: SavedFrontier) -> Crawl {
    crawl(Site::new(PAGES), frontier, shutdown_token()).await
}

/// The body: a crawl from the home page.
pub async fn scraper() -> Crawl {
    resume(SavedFrontier::seed()).await
}
