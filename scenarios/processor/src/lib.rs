//! # processor: a real-time stream processor (project P2)
//!
//! (doc written below, once the snapshots are read)

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use faultline_harness::{Failure, FromFault, Scenario, TaskOutput, point};
use tokio::time::Instant;

pub use rubric::rubric;

pub mod gallery;
mod rubric;
pub mod structured;
pub mod unstructured;

/// Feeds read at once.
pub const FEEDS: usize = 8;
/// Events the catalogue's runs take from the feeds, all feeds together (the bench passes
/// its own count to `process`).
pub const EVENTS: u64 = 2_000;
/// A read takes at most this many of the events due.
pub const BATCH_MAX: usize = 32;
/// Batches the structured variant's event channel holds.
pub const EVENT_CAPACITY: usize = 2;
/// Windows the structured variant's sink channel holds.
pub const SINK_CAPACITY: usize = 2;
/// The tumbling window, in virtual ms of event time.
pub const WINDOW_MS: u64 = 250;
/// Virtual time the sink takes to commit one window.
pub const COMMIT_TIME: Duration = Duration::from_millis(25);
/// A commit that takes longer than this is given up (rolled back) and its window rejected.
pub const COMMIT_TIMEOUT: Duration = Duration::from_millis(250);
/// A feed that gives nothing for this long is stalled (the longest quiet gap is 180 ms).
pub const STALL_TIMEOUT: Duration = Duration::from_millis(400);
/// Restarts of one feed's reader before the supervisor gives up on the feed.
pub const MAX_RESTARTS: u32 = 3;
/// The first restart's backoff; each later one doubles it.
pub const BACKOFF: Duration = Duration::from_millis(100);
/// Extra events a feed dumps at once when the plan floods it (`error(Flood)`).
pub const FLOOD: u64 = 1_000;

/// The gauge of events in the reader → windower channel.
pub const QUEUED: &str = "events queued";
/// The gauge of windows in the windower → sink channel.
pub const BACKLOG: &str = "windows queued";
/// Why the sink dropped a window: its commit failed or timed out, so the window was
/// dead-lettered.
pub const SINK_REJECTED: &str = "sink rejected";
/// Why the windower dropped a window: the sink had already ended.
pub const SINK_GONE: &str = "sink gone";

/// The seed every feed's rates, bursts and values come from (fixed: the same feeds in
/// every run, whatever the run's `--seed`, which seeds the scheduler and the plan's rolls).
pub const FEED_SEED: u64 = 0x5EED_F00D;

/// One event: which feed, its number in that feed, when it happened, a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// The feed it came from.
    pub feed: usize,
    /// Its number in the feed, from 0.
    pub seq: u64,
    /// Event time: virtual ms since the processor started.
    pub at_ms: u64,
    /// Its payload.
    pub value: u64,
}

/// The events one read returns (at most [`BATCH_MAX`], all from one feed, in order).
pub type Batch = Vec<Event>;

/// A tumbling window of one feed's events: `[start_ms, start_ms + WINDOW_MS)` of event
/// time, aggregated (count and sum), so it holds no events itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// The feed.
    pub feed: usize,
    /// Where the window starts, in virtual ms of event time.
    pub start_ms: u64,
    /// Events in it.
    pub events: u64,
    /// The sum of their values.
    pub sum: u64,
}

impl Window {
    /// The empty window that `event` falls in.
    pub fn open(event: &Event) -> Self {
        Window {
            feed: event.feed,
            start_ms: event.at_ms / WINDOW_MS * WINDOW_MS,
            events: 0,
            sum: 0,
        }
    }

    /// Whether `event` falls in this window.
    pub fn holds(&self, event: &Event) -> bool {
        event.feed == self.feed && (self.start_ms..self.start_ms + WINDOW_MS).contains(&event.at_ms)
    }

    /// Adds `event` to the aggregate.
    pub fn add(&mut self, event: &Event) {
        self.events += 1;
        self.sum += event.value;
    }

    /// The error a sink returns when committing this window took over [`COMMIT_TIMEOUT`].
    pub fn timed_out(&self) -> Failure {
        Failure::new(
            "CommitTimeout",
            format!(
                "{} not committed in {} ms",
                self.row(),
                COMMIT_TIMEOUT.as_millis()
            ),
        )
    }

    /// The row the sink writes: `feed[3]@500ms n=57 sum=28190`.
    pub fn row(&self) -> String {
        format!(
            "feed[{}]@{}ms n={} sum={}",
            self.feed, self.start_ms, self.events, self.sum
        )
    }
}

/// What the processor returns: every event it received, and what became of it.
///
/// `received = aggregated + dropped + lost`; a correct processor loses nothing.
#[derive(Debug, Clone, Default)]
pub struct Accounting {
    /// Events received but neither aggregated nor dropped when the processor returned
    /// (first, so that a side-by-side column shows it).
    pub lost: u64,
    /// Events the readers took from the feeds (a batch counts once the pipeline took it).
    pub received: u64,
    /// Events in windows the sink committed.
    pub aggregated: u64,
    /// Events dropped on purpose, by named reason (only reasons that dropped some).
    pub dropped: Vec<(&'static str, u64)>,
    /// Windows that received events (one per feed and window of event time).
    pub windows: u64,
    /// Windows the sink took to the end: committed, or rejected and dropped.
    pub flushed: u64,
    /// Each restart of a reader, with the error that ended the try before.
    pub restarts: Vec<String>,
    /// The errors the processor surfaces: feeds given up on, windows the sink rejected.
    pub errors: Vec<Failure>,
}

/// The processor failed when it surfaces errors; they are traced as its own.
impl TaskOutput for Accounting {
    fn is_failure(&self) -> bool {
        !self.errors.is_empty()
    }

    fn failures(&self, found: &mut dyn FnMut(&Failure)) {
        self.errors.iter().for_each(found);
    }
}

/// The processor's books, shared by its tasks: what was received, committed, dropped.
/// Clones are the same books.
#[derive(Debug, Clone, Default)]
pub struct Tally(Arc<Mutex<Books>>);

#[derive(Debug, Default)]
struct Books {
    received: u64,
    aggregated: u64,
    dropped: Vec<(&'static str, u64)>,
    windows: u64,
    /// The window start of the last event received from each feed.
    last_window: Vec<Option<u64>>,
    flushed: u64,
    restarts: Vec<String>,
}

impl Tally {
    fn books(&self) -> MutexGuard<'_, Books> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts the events a feed handed over (in order) and the windows they open.
    fn received(&self, events: impl Iterator<Item = Event>) {
        let mut books = self.books();
        for event in events {
            books.received += 1;
            if books.last_window.len() <= event.feed {
                books.last_window.resize(event.feed + 1, None);
            }
            let start = event.at_ms / WINDOW_MS * WINDOW_MS;
            if books.last_window[event.feed] != Some(start) {
                books.last_window[event.feed] = Some(start);
                books.windows += 1;
            }
        }
    }

    /// The sink committed `window`.
    pub fn committed(&self, window: &Window) {
        let mut books = self.books();
        books.aggregated += window.events;
        books.flushed += 1;
    }

    /// The sink rejected `window`: its events are dropped as [`SINK_REJECTED`].
    pub fn rejected(&self, window: &Window) {
        self.books().flushed += 1;
        self.dropped(SINK_REJECTED, window.events);
    }

    /// `n` events dropped for `reason`.
    pub fn dropped(&self, reason: &'static str, n: u64) {
        let mut books = self.books();
        match books.dropped.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, count)) => *count += n,
            None => books.dropped.push((reason, n)),
        }
    }

    /// The reader of feed `feed` is restarted after `error` (which this reads).
    pub fn restarted(&self, feed: usize, error: &Failure) {
        let line = format!("feed[{feed}]: {error}");
        self.books().restarts.push(line);
    }

    /// The books as they stand, with the errors the processor surfaces.
    pub fn accounting(&self, errors: Vec<Failure>) -> Accounting {
        let books = self.books();
        let dropped: u64 = books.dropped.iter().map(|(_, n)| n).sum();
        Accounting {
            lost: books.received.saturating_sub(books.aggregated + dropped),
            received: books.received,
            aggregated: books.aggregated,
            dropped: books.dropped.clone(),
            windows: books.windows,
            flushed: books.flushed,
            restarts: books.restarts.clone(),
            errors,
        }
    }
}

/// splitmix64 (Steele, Lea & Flood, 2014): a small PRNG, the same on every platform.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// What one feed's traffic looks like, drawn from [`FEED_SEED`].
#[derive(Debug, Clone, Copy)]
struct Profile {
    /// Mean virtual ms between two batches (each gap is 50–150 % of it).
    gap_ms: u64,
    /// Mean events per batch.
    batch: u64,
    /// Every this many batches, a burst.
    burst_every: u64,
    /// A burst is this many times a batch.
    burst: u64,
}

/// The source behind one feed: its events arrive in batches at their event times and wait
/// there until a reader takes them (a read that is not acknowledged leaves them there).
#[derive(Debug)]
struct Source {
    feed: usize,
    rng: Rng,
    profile: Profile,
    /// Events still to arrive (0 once the feed ended early).
    left: u64,
    next_seq: u64,
    /// Event time of the next batch to arrive.
    next_at_ms: u64,
    batches: u64,
    /// Events that arrived and were not yet acknowledged, oldest first.
    pending: VecDeque<Event>,
}

impl Source {
    fn new(feed: usize, events: u64) -> Self {
        let mut rng = Rng(FEED_SEED ^ (feed as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407));
        let profile = Profile {
            gap_ms: rng.range(60, 120),
            batch: rng.range(8, 24),
            burst_every: rng.range(6, 12),
            burst: rng.range(3, 5),
        };
        let first = rng.range(0, profile.gap_ms);
        Source {
            feed,
            rng,
            profile,
            left: events,
            next_seq: 0,
            next_at_ms: first,
            batches: 0,
            pending: VecDeque::new(),
        }
    }

    /// The next batch arrives; `false` when the feed has no more.
    fn arrive(&mut self) -> bool {
        if self.left == 0 {
            return false;
        }
        self.batches += 1;
        let mut n = self.rng.range(1, 2 * self.profile.batch - 1);
        if self.batches.is_multiple_of(self.profile.burst_every) {
            n *= self.profile.burst;
        }
        let (n, at_ms) = (n.min(self.left), self.next_at_ms);
        self.left -= n;
        self.push(n, at_ms);
        let gap = self.profile.gap_ms;
        self.next_at_ms += self.rng.range(gap / 2, gap * 3 / 2);
        true
    }

    /// `n` events arrive at `at_ms` (a batch, or a flood on top of the feed's own).
    fn push(&mut self, n: u64, at_ms: u64) {
        for _ in 0..n {
            let value = self.rng.next() % 1_000;
            self.pending.push_back(Event {
                feed: self.feed,
                seq: self.next_seq,
                at_ms,
                value,
            });
            self.next_seq += 1;
        }
    }
}

/// What a feed's fault point can do: fail the read, or play a feed event the plan names by
/// its kind (`error(Flood)`, `error(EndOfStream)`).
enum FeedFault {
    Failed(Failure),
    Flood(Failure),
    EndOfStream(Failure),
}

impl FromFault for FeedFault {
    fn from_fault(kind: &str, failure: Failure) -> Self {
        match kind {
            "Flood" => FeedFault::Flood(failure),
            "EndOfStream" => FeedFault::EndOfStream(failure),
            _ => FeedFault::Failed(failure),
        }
    }
}

/// One event feed: a handle on its source, shared by every reader the supervisor starts
/// for it (one at a time), so a restarted reader goes on where the last one stopped.
#[derive(Debug, Clone)]
pub struct Feed {
    id: usize,
    start: Instant,
    source: Arc<Mutex<Source>>,
    tally: Tally,
}

impl Feed {
    /// The feed's number.
    pub fn id(&self) -> usize {
        self.id
    }

    fn source(&self) -> MutexGuard<'_, Source> {
        self.source
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn now_ms(&self) -> u64 {
        Instant::now().duration_since(self.start).as_millis() as u64
    }

    /// Waits for events and reads up to [`BATCH_MAX`] of those that have arrived; `None`
    /// when the feed has ended. Passes the fault point `feed[id]`: a plan's `error(Flood)`
    /// there makes [`FLOOD`] extra events arrive at once, `error(EndOfStream)` ends the feed,
    /// any other error fails the read, `hang` stalls it. The events stay at the feed until
    /// [`Feed::ack`]: a read that is dropped or not acknowledged hands them back.
    pub async fn next(&self) -> Result<Option<Batch>, Failure> {
        let due = {
            let mut source = self.source();
            if source.pending.is_empty() && !source.arrive() {
                return Ok(None);
            }
            source.pending.front().map_or(0, |e| e.at_ms)
        };
        let at = self.start + Duration::from_millis(due);
        if Instant::now() < at {
            tokio::time::sleep_until(at).await;
        }
        match point("feed").key(self.id).error_as::<FeedFault>().await {
            Ok(()) => {}
            Err(FeedFault::Failed(error)) => return Err(error),
            Err(FeedFault::Flood(signal)) => {
                let _ = signal.kind(); // the feed reads the plan's signal: looked at
                let now = self.now_ms();
                self.source().push(FLOOD, now);
            }
            Err(FeedFault::EndOfStream(signal)) => {
                let _ = signal.kind();
                let mut source = self.source();
                source.pending.clear();
                source.left = 0;
                return Ok(None);
            }
        }
        let now = self.now_ms();
        let mut source = self.source();
        while source.pending.len() < BATCH_MAX && source.next_at_ms <= now && source.arrive() {}
        Ok(Some(
            source.pending.iter().take(BATCH_MAX).copied().collect(),
        ))
    }

    /// The pipeline took the first `n` events of the last read: they leave the feed and
    /// count as received.
    pub fn ack(&self, n: usize) {
        let mut source = self.source();
        let n = n.min(source.pending.len());
        self.tally.received(source.pending.drain(..n));
    }

    /// The error a reader returns when the feed gave nothing for [`STALL_TIMEOUT`].
    pub fn stalled(&self) -> Failure {
        Failure::new(
            "FeedStalled",
            format!(
                "no events from feed[{}] in {} ms",
                self.id,
                STALL_TIMEOUT.as_millis()
            ),
        )
    }
}

/// The [`FEEDS`] feeds, `events` events in all, counting what they hand over in `tally`.
/// Their clock starts now.
pub fn feeds(events: u64, tally: &Tally) -> Vec<Feed> {
    let start = Instant::now();
    (0..FEEDS)
        .map(|id| {
            let share = events / FEEDS as u64 + u64::from((id as u64) < events % FEEDS as u64);
            Feed {
                id,
                start,
                source: Arc::new(Mutex::new(Source::new(id, share))),
                tally: tally.clone(),
            }
        })
        .collect()
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> Scenario {
    Scenario::new(
        "processor",
        "a stream processor: supervised feeds, windows, a slow sink, shutdown with every event accounted",
    )
    .root("main")
    .setup(|b| {
        b.exit_on_return(true);
    })
    .variant("unstructured", |b| b.run(|| unstructured::process(EVENTS)))
    .variant("structured", |b| b.run(|| structured::process(EVENTS)))
    .plan("none", "none")
    .plan("feed-fails", "feed[3]=10*off->error(FeedError)")
    .plan("feed-stalls", "feed[2]=10*off->1*hang")
    .plan("feed-floods", "feed[5]=10*off->1*error(Flood)")
    .plan("early-end", "feed[6]=5*off->1*error(EndOfStream)")
    .plan("sink-rejects", "sink[4]=2*off->1*error(DbError)")
    .plan("shutdown-mid-window", "@600ms shutdown")
}
