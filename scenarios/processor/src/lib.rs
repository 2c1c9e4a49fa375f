//! # processor: a real-time stream processor (project P2)
//!
//! Eight event feeds ([`FEEDS`]) deliver [`EVENTS`] events (2,000 in the catalogue's runs)
//! over about 2 s of virtual time, each with its own rate and bursts drawn from a fixed seed
//! ([`FEED_SEED`], a splitmix64 PRNG: no wall clock, the same feeds in every run). A reader
//! per feed takes batches of at most [`BATCH_MAX`] events (fault point `feed[k]` at each
//! read) into a channel; a `windower` aggregates them into tumbling windows of
//! [`WINDOW_MS`] of event time per feed (count and sum) and hands each closed window to a
//! slow `sink`, which commits it in a transaction on the store `windows` in [`COMMIT_TIME`]
//! (fault point `sink[k]` before the commit). Gauges show the memory the pipeline holds:
//! `events queued` (reader → windower) and `windows queued` (windower → sink). The body
//! `main` returns its books, an [`Accounting`]: `received = aggregated + dropped + lost`.
//! Like a real binary, the runtime is dropped the moment `main` returns
//! (`Builder::exit_on_return`).
//!
//! | variant | Python | tokio |
//! |---|---|---|
//! | `unstructured` | `create_task(read(feed, queue))` per feed, never awaited; an unbounded `asyncio.Queue`; `main` returns on SIGTERM (or when the windower is done) and `asyncio.run` cancels the rest | `spawn` with the handles dropped; `unbounded_channel`s; a manual `BEGIN`/`COMMIT` (`Store::begin`); `main` returns on the shutdown signal or when the windower ends, without flushing its windows or waiting for the sink |
//! | `structured` | `async with TaskGroup()` of readers that catch, back off and retry; `asyncio.timeout` per read; `Queue(maxsize=…)`; on SIGTERM stop intake, flush, `await queue.join()` | one `JoinSet` of readers supervised with `join_next_with_id` (restart after a doubling [`BACKOFF`], give up after [`MAX_RESTARTS`] and return the error); `tokio::time::timeout` per read ([`STALL_TIMEOUT`]) and per commit ([`COMMIT_TIMEOUT`]); bounded `channel`s ([`EVENT_CAPACITY`] batches, [`SINK_CAPACITY`] windows); the run's `shutdown_token()` stops intake; the windower and the sink in a second `JoinSet`, drained to the end; guarded transactions (`Store::transaction`) |
//!
//! The plans (the plan language has no "flood" or "end of stream", so the feed reads two
//! error kinds as feed events, in [`Feed::next`]: `error(Flood)` makes [`FLOOD`] extra
//! events arrive at once, `error(EndOfStream)` closes the feed; any other kind fails the
//! read; `N*off->` lets the first N reads pass):
//!
//! | plan | text |
//! |---|---|
//! | `none` | no fault: the feeds run to their end |
//! | `feed-fails` | `feed[3]=10*off->error(FeedError)`: from its 11th read on, every read of feed 3 fails |
//! | `feed-stalls` | `feed[2]=10*off->1*hang`: feed 2's 11th read hangs, once |
//! | `feed-floods` | `feed[5]=10*off->1*error(Flood)`: feed 5 dumps 1,000 events at once |
//! | `early-end` | `feed[6]=5*off->1*error(EndOfStream)`: feed 6 closes at its 6th read |
//! | `sink-rejects` | `sink[4]=2*off->1*error(DbError)`: the commit of feed 4's third window fails |
//! | `shutdown-mid-window` | `@600ms shutdown`: SIGTERM in the middle of the window [500, 750) |
//!
//! ## What the snapshots show
//! - `none`: `unstructured`'s `main` returns at 2004 ms, when the last reader ends and so
//!   the windower: the 8 windows still open are never flushed, and the detached sink is
//!   **dropped at shutdown** (OUTLIVED main) with a window queued and one commit half done
//!   (**PARTIAL WRITE** `feed[7]@1750ms`): `lost: 314` of 2,000 received, 37 of 47 windows
//!   flushed. `structured` commits all 47 windows by 2253 ms (the last feed ends at 2004;
//!   the drain of the last windows, 25 ms each, takes the rest): `lost: 0`. Peaks: 80 events
//!   and 5 windows queued against 64 and 2, the bounded channels' capacities.
//! - `feed-fails`: `unstructured`'s `feed[3]` fails at 581 ms in a detached task: its error
//!   is **SWALLOWED** and the result does not mention it. `structured` restarts the reader
//!   after 100, 200 and 400 ms (the timeline shows three more `feed[3]` rows, each failing
//!   at its first read), gives up at 1281 ms and returns the error: `errors: [FeedError…]`, the
//!   three restarts listed, `main` failed (observed). Feed 3's last 100 events were never
//!   received, so they are not lost: `lost: 0`.
//! - `feed-stalls`: `unstructured`'s `feed[2]` hangs at 565 ms while holding its sender, so
//!   the windower never sees its channel close and `main` waits for it: 4 tasks **stalled**
//!   at the 1 h deadline, no result at all. `structured` times the read out at 897 ms (400 ms
//!   after it began), the reader fails with `FeedStalled` (observed), a new `feed[2]` starts
//!   after a 100 ms backoff and reads the feed's backlog to the end: 2,000 received, `lost: 0`.
//! - `feed-floods`: at 992 ms feed 5 dumps 1,000 events. `unstructured`'s reader pushes them
//!   all into the unbounded queue before the windower runs: `events queued` peaks at **1012**.
//!   `structured`'s reader waits whenever the channel is full, so the flood waits at the feed
//!   (which is where it belongs: the source's buffer, not ours): peak 64, all 3,000 events
//!   committed, and still done at 2253 ms: the windower is fast, so here backpressure
//!   costs no time, and only the memory differs.
//! - `early-end`: feed 6 closes at 406 ms. Both variants carry on with the other seven (1,863
//!   events received); `structured` still flushes feed 6's last window, when the input ends
//!   (`lost: 0`), `unstructured` loses its usual tail (`lost: 339`).
//! - `sink-rejects`: the commit of `feed[4]@500ms` (37 events) fails at 895 ms.
//!   `unstructured`'s sink returns the error with `?` — **SWALLOWED** with its detached
//!   handle — and nothing is committed after it: the windower's later sends fail and its
//!   windows vanish (`lost: 973`, 20 windows committed). `structured`'s guard rolls the
//!   transaction back (rolled back on drop), the window is dead-lettered —
//!   `dropped: [("sink rejected", 37)]`, the error in the result — and the other 46 windows
//!   are committed: `received = aggregated + dropped`.
//! - `shutdown-mid-window` (`@600ms shutdown`): `unstructured`'s `main` returns at 600 ms and
//!   the runtime goes with it: the readers, the windower and the sink are **dropped at
//!   shutdown** (10 OUTLIVED main), with events queued, windows open and queued, and the
//!   commit in progress a **PARTIAL WRITE**: `lost: 388` of 889. `structured`: at 600 ms every
//!   reader returns (a batch not yet sent stays at its feed, unacknowledged), the supervisor
//!   returns and drops the last sender, the windower flushes the half-full windows, the sink
//!   drains: 22 windows committed by 865 ms, `lost: 0`.
//! - The sweep (`cargo run -- sweep processor`, 80 single-fault plans: `feed[0..7]` and
//!   `sink[0..7]` × error, delay, hang, panic, cancel): `structured` is clean under all 80 —
//!   every hang is bounded by a timeout (a read, a commit), a reader's error, panic or
//!   cancellation is a restart, and the sink's an error in the result. Clean is not
//!   lossless: a sink that panics or is cancelled takes the windows queued for it along
//!   (the books say `lost: 124`, the rest `dropped: [("sink gone", …)]`; nothing restarts
//!   the sink, and no check looks at the books under the sweep). `unstructured` orphans
//!   tasks under 45, swallows an error under 32, stalls under 8 (every feed hang) and leaves a
//!   partial write under 61.
//!
//! At scale: `cargo run --release -p scenario-processor --example million` runs the
//! structured processor over 1,000,000 events (see BENCHMARKS.md); no task is spawned per
//! event, and the gauges stay at 64 events and 2 windows.
//!
//! ## What a correct solution promises
//! Each promise is one check of the rubric, measured by the scenario's instruments (the
//! store `windows`, the `events in transit` gauge, which the scenario raises at
//! [`Feed::ack`] and lowers at [`Window::add`], the `backlog` gauge, the feeds' fault
//! points) and the books
//! it keeps, under the named plans, the sweep and a generated family (a stop every 150 ms
//! of the input, pairs and triples of errors, delays and hangs):
//! - **the books balance at a stop at any instant**: every event received is in a
//!   committed window or dropped with a reason (`accounts-for-every-event`), every open
//!   window flushed (`flushes-every-window`);
//! - every feed read to its end when it only stalls for a while (`reads-every-feed`),
//!   a failing feed given up on after its own restart budget, and its error (and only the
//!   injected ones) surfaced (`surfaces-the-errors`);
//! - both queues bounded (`bounded-event-queue`: at most [`EVENT_CAPACITY`] + 1 batches
//!   of events in transit, the channel full and the batch the windower is adding;
//!   `bounded-sink-queue`), no partial write,
//!   no orphan (`no-partial-writes`, `no-orphans`), done within the reference's virtual
//!   time (`done-within-budget`).
//!
//! <!-- faultline:author-only begin -->
//! ## Mutants the rubric cannot reject (`python3 tests/mutants.py processor`)
//! Each is equivalent for every promise above.
//! - delete either `biased;` of the reader (stop against a read, stop against a send): when
//!   the stop and a batch are ready at once, the `select!` picks one at random (seeded). If
//!   it takes the batch, the batch is sent and acknowledged, then flushed and committed like
//!   any other: the books still balance and the drain still ends within its budget.
//! - delete the `biased;` of a restart's backoff: when the stop and the backoff's end come at
//!   once and the backoff wins, `read_feed` sees the stop first (its own `biased;`) and
//!   returns `Ok` without reading.
//! - delete the reader's `queued.add(n)` or the windower's `queued.sub(..)`: `events
//!   queued` is the learner's own count, shown but never graded; `bounded-event-queue`
//!   reads `events in transit`, which the scenario keeps.
//!
//! <!-- faultline:author-only end -->
//! ## How Rust differs from the course's Python
//! - `TaskGroup` cancels every sibling when one child raises, and raises an
//!   `ExceptionGroup` at the end of the `async with`: a supervisor that restarts one feed
//!   must catch inside each child, before the group sees anything. A `JoinSet` cancels
//!   nothing when a task fails: `join_next` hands each result (an `Err`, a panic, a
//!   cancellation, all as values) to the code that awaits it, which restarts or gives up.
//!   What it shares with `TaskGroup` is the scope: dropping the set aborts whatever it still
//!   holds, so nothing outlives it (a wrong solution that drops it at once shows what that
//!   costs when it is done too early).
//! - An `asyncio.Queue` has no end (3.13 adds `shutdown()`): Python code needs a sentinel per
//!   producer or `queue.join()` plus cancellation. A tokio channel closes when the last
//!   sender is dropped, so "the input has ended" reaches the windower as `recv()` returning
//!   `None`, and the sink's in turn when the windower returns: the drain is written as
//!   dropping things in order, not as a protocol.
//! - Stopping intake: asyncio cancels by raising `CancelledError` at an `await`, and a reader
//!   may catch it and clean up; tokio cancels by dropping the future, which runs no code but
//!   `Drop`. So the readers are not cancelled: they watch a `CancellationToken` and return.
//!   `tokio::time::timeout` does drop the read it times out — which is why `Feed::next` only
//!   looks and `Feed::ack` takes: a dropped read leaves its events at the feed (the read is
//!   cancel safe), and a dropped commit is rolled back by its guard's synchronous `Drop`
//!   (there is no async `Drop`).
//! - `asyncio.run` cancels the tasks left when `main` returns, so their `finally:` blocks run;
//!   `#[tokio::main]` drops them, so the manual transaction in flight stays a partial write.
//! - A detached asyncio task that fails logs "Task exception was never retrieved" when it is
//!   garbage collected; a detached tokio task's error vanishes without a word (the harness
//!   reports it SWALLOWED).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use faultline_harness::{Failure, FromFault, Gauge, Scenario, TaskOutput, point};
use tokio::time::Instant;

pub use rubric::rubric;

// faultline:author-only begin
pub mod gallery;
pub mod right;
// faultline:author-only end
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
/// The scenario's own gauge of events received (acknowledged at a feed, [`Feed::ack`]) and
/// not yet added to a window ([`Window::add`]): what sits between the feeds and the
/// windows, whoever holds it. Raised and lowered by the scenario, never by the learner.
pub const IN_TRANSIT: &str = "events in transit";

thread_local! {
    /// This run's [`IN_TRANSIT`] gauge: set by [`feeds`] (each run's processor calls it
    /// first, on the runtime's one thread), lowered by [`Window::add`].
    static TRANSIT: std::cell::RefCell<Option<Gauge>> = const { std::cell::RefCell::new(None) };
}
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
        TRANSIT.with(|t| {
            if let Some(gauge) = &*t.borrow() {
                gauge.sub(1);
            }
        });
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
    in_transit: Gauge,
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
        self.in_transit.add(n as u64);
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

/// The [`FEEDS`] feeds, `events` events in all, counting what they hand over in `tally`
/// (and on the [`IN_TRANSIT`] gauge, which this creates). Their clock starts now.
pub fn feeds(events: u64, tally: &Tally) -> Vec<Feed> {
    let start = Instant::now();
    let in_transit = Gauge::new(IN_TRANSIT);
    TRANSIT.with(|t| *t.borrow_mut() = Some(in_transit.clone()));
    (0..FEEDS)
        .map(|id| {
            let share = events / FEEDS as u64 + u64::from((id as u64) < events % FEEDS as u64);
            Feed {
                id,
                start,
                source: Arc::new(Mutex::new(Source::new(id, share))),
                tally: tally.clone(),
                in_transit: in_transit.clone(),
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
