//! The frontier: the pages still to fetch, every page ever seen (de-duplication), and the
//! books of what became of each URL. A fetcher takes a [`Claim`] on a page; the claim goes
//! down the pipeline with the page and ends as stored or failed; a claim dropped on the way
//! (a stop, a cancelled or panicked stage) puts its page back.

use std::collections::{BTreeSet, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use faultline_harness::{Failure, Gauge, TaskOutput};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// What a stopped crawl leaves behind, to resume from: the queue and every page seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedFrontier {
    /// Pages still to fetch, in order.
    pub queue: VecDeque<u32>,
    /// Every page ever queued (fetched, failed or still queued).
    pub seen: BTreeSet<u32>,
}

impl SavedFrontier {
    /// A fresh crawl: the home page, `/page/0`.
    pub fn seed() -> Self {
        SavedFrontier {
            queue: VecDeque::from([0]),
            seen: BTreeSet::from([0]),
        }
    }
}

/// What a crawl returns: what became of every URL it discovered, and the frontier it left.
///
/// `discovered = fetched + failed + duplicates + left + lost`; a correct crawler loses
/// nothing.
#[derive(Clone, Default)]
pub struct Crawl {
    /// URLs discovered but neither stored, failed, skipped nor left in the frontier (first,
    /// so that a side-by-side column shows it).
    pub lost: u64,
    /// URLs the crawl started with plus every link it found (each time it found one).
    pub discovered: u64,
    /// Pages fetched, parsed and stored.
    pub fetched: u64,
    /// Pages given up on after their retries, each with its last error.
    pub failed: Vec<(u32, String)>,
    /// Links to pages already seen: skipped.
    pub duplicates: u64,
    /// Pages left in the frontier when the crawl stopped.
    pub left: u64,
    /// Errors of the crawler itself (a stage that failed or panicked).
    pub errors: Vec<Failure>,
    /// The frontier to resume from.
    pub frontier: SavedFrontier,
}

impl fmt::Debug for Crawl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Crawl")
            .field("lost", &self.lost)
            .field("discovered", &self.discovered)
            .field("fetched", &self.fetched)
            .field("failed", &self.failed.len())
            .field("duplicates", &self.duplicates)
            .field("left", &self.left)
            .field("last_errors", &self.failed)
            .field("errors", &self.errors)
            .finish()
    }
}

/// The crawl failed when the crawler's own stages did; the errors are traced as its own.
impl TaskOutput for Crawl {
    fn is_failure(&self) -> bool {
        !self.errors.is_empty()
    }

    fn failures(&self, found: &mut dyn FnMut(&Failure)) {
        self.errors.iter().for_each(found);
    }
}

/// The live frontier, shared by the crawler's tasks. Clones are the same frontier.
#[derive(Clone, Default)]
pub struct Frontier(Arc<Inner>);

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Default)]
struct State {
    saved: SavedFrontier,
    /// Pages claimed and not yet stored, failed or put back.
    claimed: u64,
    /// The same count on the gauge [`CLAIMED`](crate::CLAIMED), for the report.
    claimed_gauge: Option<Gauge>,
    discovered: u64,
    duplicates: u64,
    fetched: u64,
    failed: Vec<(u32, String)>,
}

impl Frontier {
    /// A frontier that starts from `saved` (its queue counts as discovered).
    pub fn new(saved: SavedFrontier) -> Self {
        let discovered = saved.queue.len() as u64;
        Frontier(Arc::new(Inner {
            state: Mutex::new(State {
                saved,
                discovered,
                claimed_gauge: Some(Gauge::new(crate::CLAIMED)),
                ..State::default()
            }),
            changed: Notify::new(),
        }))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for a page to fetch and claims it; `None` once the crawl is over (nothing
    /// queued, nothing claimed) or `stop` has fired.
    pub async fn next(&self, stop: &CancellationToken) -> Option<Claim> {
        loop {
            let changed = self.0.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if stop.is_cancelled() {
                return None;
            }
            if let Some(page) = self.take() {
                return Some(Claim {
                    frontier: self.clone(),
                    page,
                    open: true,
                });
            }
            if self.state().claimed == 0 {
                return None;
            }
            tokio::select! {
                biased;
                () = stop.cancelled() => return None,
                () = changed => {}
            }
        }
    }

    /// Takes the next queued page, if any, and counts it as claimed (the unstructured
    /// crawler takes pages without a [`Claim`]).
    pub fn take(&self) -> Option<u32> {
        let mut s = self.state();
        let page = s.saved.queue.pop_front()?;
        s.claimed += 1;
        s.claimed_gauge.iter().for_each(|g| g.add(1));
        Some(page)
    }

    /// Takes every queued page at once.
    pub fn take_all(&self) -> Vec<u32> {
        let mut s = self.state();
        let pages: Vec<u32> = s.saved.queue.drain(..).collect();
        s.claimed += pages.len() as u64;
        pages
    }

    /// Whether no page is queued or claimed.
    pub fn is_idle(&self) -> bool {
        let s = self.state();
        s.saved.queue.is_empty() && s.claimed == 0
    }

    /// Links found on a page: each is discovered; a page not seen before is queued, the
    /// others are skipped as duplicates.
    pub fn add_links(&self, links: &[u32]) {
        let mut s = self.state();
        for &link in links {
            s.discovered += 1;
            if s.saved.seen.insert(link) {
                s.saved.queue.push_back(link);
            } else {
                s.duplicates += 1;
            }
        }
        drop(s);
        self.0.changed.notify_waiters();
    }

    /// Links found on a page, every one queued, seen or not (the gallery's crawler without
    /// de-duplication).
    pub fn add_links_keeping_duplicates(&self, links: &[u32]) {
        let mut s = self.state();
        for &link in links {
            s.discovered += 1;
            s.saved.seen.insert(link);
            s.saved.queue.push_back(link);
        }
        drop(s);
        self.0.changed.notify_waiters();
    }

    /// Claimed page `page` was stored.
    pub fn stored(&self, _page: u32) {
        let mut s = self.state();
        s.fetched += 1;
        s.claimed -= 1;
        s.claimed_gauge.iter().for_each(|g| g.sub(1));
        drop(s);
        self.0.changed.notify_waiters();
    }

    /// Claimed page `page` failed for good with `error` (which this reads).
    pub fn failed(&self, page: u32, error: &Failure) {
        let line = error.to_string();
        let mut s = self.state();
        s.failed.push((page, line));
        s.claimed -= 1;
        s.claimed_gauge.iter().for_each(|g| g.sub(1));
        drop(s);
        self.0.changed.notify_waiters();
    }

    /// Claimed page `page` was not fetched after all: back to the front of the queue.
    pub fn put_back(&self, page: u32) {
        let mut s = self.state();
        s.saved.queue.push_front(page);
        s.claimed -= 1;
        s.claimed_gauge.iter().for_each(|g| g.sub(1));
        drop(s);
        self.0.changed.notify_waiters();
    }

    /// Claimed page `page` is done with, its fate unrecorded (the unstructured crawler's
    /// error path: the page is lost).
    pub fn forget(&self, _page: u32) {
        let mut s = self.state();
        s.claimed -= 1;
        s.claimed_gauge.iter().for_each(|g| g.sub(1));
        drop(s);
        self.0.changed.notify_waiters();
    }

    /// The books as they stand, with the crawler's own errors.
    pub fn crawl(&self, errors: Vec<Failure>) -> Crawl {
        let s = self.state();
        let left = s.saved.queue.len() as u64;
        let accounted = s.fetched + s.failed.len() as u64 + s.duplicates + left;
        Crawl {
            lost: s.discovered.saturating_sub(accounted),
            discovered: s.discovered,
            fetched: s.fetched,
            failed: s.failed.clone(),
            duplicates: s.duplicates,
            left,
            errors,
            frontier: s.saved.clone(),
        }
    }
}

/// A claim on one page, from the fetch to the store: end it with [`Claim::stored`] or
/// [`Claim::failed`]; dropped unended (a stop, a cancelled or panicked stage), it puts the
/// page back in the frontier.
#[must_use = "a claim dropped unended puts its page back"]
pub struct Claim {
    frontier: Frontier,
    page: u32,
    open: bool,
}

impl Claim {
    /// The page claimed.
    pub fn page(&self) -> u32 {
        self.page
    }

    /// The frontier it came from.
    pub fn frontier(&self) -> &Frontier {
        &self.frontier
    }

    /// The page was stored.
    pub fn stored(mut self) {
        self.open = false;
        self.frontier.stored(self.page);
    }

    /// The page failed for good with `error` (which this reads).
    pub fn failed(mut self, error: &Failure) {
        self.open = false;
        self.frontier.failed(self.page, error);
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if self.open {
            self.frontier.put_back(self.page);
        }
    }
}

impl fmt::Debug for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Claim(/page/{})", self.page)
    }
}
