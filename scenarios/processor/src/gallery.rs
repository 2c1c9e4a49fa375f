//! faultline:author-only — wrong solutions to the exercise that the rubric must reject: each
//! is one part of `structured` (same signature) with one mistake, run in the otherwise
//! correct processor (see `faultline_harness::Wrong`).

use std::future::Future;

use faultline_harness::{Builder, Error, Failure, Gauge, Report, Store, Wrong, spawn_in};
use tokio::sync::mpsc::{Receiver, Sender, channel};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::structured::{self, flush};
use crate::{
    Accounting, BACKLOG, BACKOFF, Batch, EVENT_CAPACITY, EVENTS, FEEDS, Feed, MAX_RESTARTS, QUEUED,
    SINK_CAPACITY, Tally, Window, feeds,
};

/// The wrong solutions, each with the checks that reject it.
pub fn entries() -> Vec<Wrong> {
    vec![
        // Mistake: forgets to flush the windows still open when the input ends.
        Wrong::new(
            "windower-without-flush",
            "processor-windower",
            |b| {
                run(b, |e| {
                    process_with(
                        e,
                        EVENT_CAPACITY,
                        windower_without_flush,
                        structured::supervise,
                    )
                })
            },
            &["accounts-for-every-event", "flushes-every-window"],
        ),
        // Mistake: an event channel so large it is unbounded: a flood piles up in memory.
        Wrong::new(
            "process-unbounded",
            "processor-main",
            |b| run(b, process_unbounded),
            &["bounded-event-queue"],
        ),
        // Mistake: restarts a failing reader forever, never giving up on the feed.
        Wrong::new(
            "supervise-forever",
            "processor-supervise",
            |b| {
                run(b, |e| {
                    process_with(e, EVENT_CAPACITY, structured::windower, supervise_forever)
                })
            },
            &[
                "surfaces-the-errors",
                "done-within-budget",
                "no-stalled-tasks",
            ],
        ),
        // Mistake: drops each reader's result with `let _ =`: no restart, and the error goes nowhere.
        Wrong::new(
            "supervise-let-underscore",
            "processor-supervise",
            |b| {
                run(b, |e| {
                    process_with(
                        e,
                        EVENT_CAPACITY,
                        structured::windower,
                        supervise_let_underscore,
                    )
                })
            },
            &["reads-every-feed", "surfaces-the-errors"],
        ),
        // Mistake: reads without a stall timeout: a hung feed holds its reader, and the processor, forever.
        Wrong::new(
            "read-feed-without-timeout",
            "processor-reader",
            |b| {
                run(b, |e| {
                    process_with(e, EVENT_CAPACITY, structured::windower, supervise_untimed)
                })
            },
            &["reads-every-feed", "done-within-budget", "no-stalled-tasks"],
        ),
        // Mistake: returns once intake stops, dropping the JoinSet: the windower and the sink are aborted mid-drain.
        Wrong::new(
            "process-without-drain",
            "processor-main",
            |b| run(b, process_without_drain),
            &["accounts-for-every-event", "flushes-every-window"],
        ),
        // Mistake: restarts a reader without reading the error that ended it.
        Wrong::new(
            "supervise-unread-restarts",
            "processor-supervise",
            |b| {
                run(b, |e| {
                    process_with(
                        e,
                        EVENT_CAPACITY,
                        structured::windower,
                        supervise_unread_restarts,
                    )
                })
            },
            &["no-discarded-errors"],
        ),
    ]
}

/// Runs `process` over the catalogue's [`EVENTS`].
pub(crate) fn run<F: Future<Output = Accounting> + Send + 'static>(
    b: &Builder,
    process: fn(u64) -> F,
) -> Result<Report, Error> {
    b.run(move || process(EVENTS))
}

// Forgets to flush the windows still open when the input ends: their events are lost.
/// `structured::windower` without its last loop.
pub async fn windower_without_flush(
    events: Receiver<Batch>,
    windows: Sender<Window>,
    queued: Gauge,
    backlog: Gauge,
    tally: Tally,
) -> Result<(), Vec<Failure>> {
    let mut events = events;
    let mut open: Vec<Option<Window>> = vec![None; FEEDS];
    while let Some(batch) = events.recv().await {
        queued.sub(batch.len() as u64);
        for event in batch {
            let slot = &mut open[event.feed];
            if let Some(done) = slot.take_if(|w| !w.holds(&event)) {
                flush(&windows, done, &backlog, &tally).await;
            }
            slot.get_or_insert_with(|| Window::open(&event)).add(&event);
        }
    }
    Ok(())
}

// An event channel of 2^20 batches is an unbounded queue by another name.
/// `structured::process` with an event channel that never fills.
pub async fn process_unbounded(events: u64) -> Accounting {
    process_with(events, 1 << 20, structured::windower, structured::supervise).await
}

// Restarts a failing reader forever: a dead feed keeps the processor alive, its error unseen.
/// `structured::supervise` without the restart limit.
pub async fn supervise_forever(
    feeds: Vec<Feed>,
    events: Sender<Batch>,
    queued: Gauge,
    tally: Tally,
    stop: CancellationToken,
) -> Vec<Failure> {
    supervise_with(
        structured::read_feed,
        None,
        true,
        feeds,
        events,
        queued,
        tally,
        stop,
    )
    .await
}

// Drops each reader's result with `let _ =`: a failed feed is neither restarted nor reported.
/// A supervisor that only waits.
pub async fn supervise_let_underscore(
    feeds: Vec<Feed>,
    events: Sender<Batch>,
    queued: Gauge,
    tally: Tally,
    stop: CancellationToken,
) -> Vec<Failure> {
    let _ = tally;
    let mut readers = JoinSet::new();
    for feed in feeds {
        let reader =
            structured::read_feed(feed.clone(), events.clone(), queued.clone(), stop.clone());
        spawn_in(&mut readers, ("feed", feed.id()), reader);
    }
    while let Some(joined) = readers.join_next().await {
        let _ = joined;
    }
    Vec::new()
}

// Reads without a stall timeout: a feed that hangs holds its reader forever.
/// `structured::read_feed` without `timeout`.
pub async fn read_feed_without_timeout(
    feed: Feed,
    events: Sender<Batch>,
    queued: Gauge,
    stop: CancellationToken,
) -> Result<(), Failure> {
    loop {
        let read = tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            read = feed.next() => read,
        };
        let Some(batch) = read? else {
            return Ok(());
        };
        let n = batch.len();
        tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            sent = events.send(batch) => {
                if sent.is_err() {
                    return Ok(());
                }
                queued.add(n as u64);
                feed.ack(n);
            }
        }
    }
}

/// `structured::supervise`, starting [`read_feed_without_timeout`] readers.
async fn supervise_untimed(
    feeds: Vec<Feed>,
    events: Sender<Batch>,
    queued: Gauge,
    tally: Tally,
    stop: CancellationToken,
) -> Vec<Failure> {
    let limit = Some(MAX_RESTARTS);
    supervise_with(
        read_feed_without_timeout,
        limit,
        true,
        feeds,
        events,
        queued,
        tally,
        stop,
    )
    .await
}

// Returns once intake stops: dropping the JoinSet aborts the windower and the sink mid-drain.
/// `structured::process` without joining the pipeline.
pub async fn process_without_drain(events: u64) -> Accounting {
    let tally = Tally::default();
    let feeds = feeds(events, &tally);
    let (queued, backlog) = (Gauge::new(QUEUED), Gauge::new(BACKLOG));
    let (events_tx, events_rx) = channel(EVENT_CAPACITY);
    let (windows_tx, windows_rx) = channel(SINK_CAPACITY);
    let mut pipeline = JoinSet::new();
    let windower = structured::windower(
        events_rx,
        windows_tx,
        queued.clone(),
        backlog.clone(),
        tally.clone(),
    );
    spawn_in(&mut pipeline, "windower", windower);
    let sink = structured::sink(windows_rx, Store::new("windows"), backlog, tally.clone());
    spawn_in(&mut pipeline, "sink", sink);
    let stop = faultline_harness::shutdown_token();
    let errors = structured::supervise(feeds, events_tx, queued, tally.clone(), stop).await;
    tally.accounting(errors)
}

// Restarts a reader without reading the error that ended it: delivered, then dropped unread.
/// `structured::supervise` that never tells the tally why it restarted.
pub async fn supervise_unread_restarts(
    feeds: Vec<Feed>,
    events: Sender<Batch>,
    queued: Gauge,
    tally: Tally,
    stop: CancellationToken,
) -> Vec<Failure> {
    let limit = Some(MAX_RESTARTS);
    supervise_with(
        structured::read_feed,
        limit,
        false,
        feeds,
        events,
        queued,
        tally,
        stop,
    )
    .await
}

/// `structured::process` with the event channel's capacity, the windower and the
/// supervisor swapped for others.
pub(crate) async fn process_with<W, WF, S, SF>(
    events: u64,
    capacity: usize,
    windower: W,
    supervise: S,
) -> Accounting
where
    W: FnOnce(Receiver<Batch>, Sender<Window>, Gauge, Gauge, Tally) -> WF,
    WF: Future<Output = Result<(), Vec<Failure>>> + Send + 'static,
    S: FnOnce(Vec<Feed>, Sender<Batch>, Gauge, Tally, CancellationToken) -> SF,
    SF: Future<Output = Vec<Failure>>,
{
    let tally = Tally::default();
    let feeds = feeds(events, &tally);
    let (queued, backlog) = (Gauge::new(QUEUED), Gauge::new(BACKLOG));
    let (events_tx, events_rx) = channel(capacity);
    let (windows_tx, windows_rx) = channel(SINK_CAPACITY);
    let mut pipeline = JoinSet::new();
    let windower = windower(
        events_rx,
        windows_tx,
        queued.clone(),
        backlog.clone(),
        tally.clone(),
    );
    spawn_in(&mut pipeline, "windower", windower);
    let sink = structured::sink(windows_rx, Store::new("windows"), backlog, tally.clone());
    spawn_in(&mut pipeline, "sink", sink);
    let stop = faultline_harness::shutdown_token();
    let mut errors = supervise(feeds, events_tx, queued, tally.clone(), stop).await;
    while let Some(joined) = pipeline.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(failed)) => errors.extend(failed),
            Err(join) => errors.push(Failure::from(join)),
        }
    }
    tally.accounting(errors)
}

/// `structured::supervise` with another reader, restart limit (`None`: no limit) and
/// whether a restart reads the error that caused it.
#[allow(clippy::too_many_arguments)]
async fn supervise_with<R, RF>(
    reader: R,
    limit: Option<u32>,
    read_errors: bool,
    feeds: Vec<Feed>,
    events: Sender<Batch>,
    queued: Gauge,
    tally: Tally,
    stop: CancellationToken,
) -> Vec<Failure>
where
    R: Fn(Feed, Sender<Batch>, Gauge, CancellationToken) -> RF + Copy + Send + 'static,
    RF: Future<Output = Result<(), Failure>> + Send + 'static,
{
    let mut readers = JoinSet::new();
    let mut reading = Vec::new();
    let mut restarts = vec![0; feeds.len()];
    let mut gave_up = Vec::new();
    for feed in &feeds {
        let read = reader(feed.clone(), events.clone(), queued.clone(), stop.clone());
        let task = spawn_in(&mut readers, ("feed", feed.id()), read);
        reading.push((task.id(), feed.id()));
    }
    while let Some(joined) = readers.join_next_with_id().await {
        let (task, ended) = match joined {
            Ok((task, ended)) => (task, ended),
            Err(join) => (join.id(), Err(Failure::from(join))),
        };
        let at = reading.iter().position(|(t, _)| *t == task);
        let (_, k) = reading.swap_remove(at.expect("every reader is listed"));
        let Err(error) = ended else {
            continue;
        };
        if stop.is_cancelled() || limit.is_some_and(|n| restarts[k] >= n) {
            gave_up.push(error);
            continue;
        }
        restarts[k] += 1;
        if read_errors {
            tally.restarted(k, &error);
        }
        drop(error);
        let backoff = BACKOFF * 2u32.saturating_pow(restarts[k] - 1).min(1 << 16);
        let (feed, events, queued, stop) = (
            feeds[k].clone(),
            events.clone(),
            queued.clone(),
            stop.clone(),
        );
        let read = async move {
            tokio::select! {
                biased;
                () = stop.cancelled() => return Ok(()),
                () = tokio::time::sleep(backoff) => {}
            }
            reader(feed, events, queued, stop).await
        };
        let task = spawn_in(&mut readers, ("feed", k), read);
        reading.push((task.id(), k));
    }
    gave_up
}
