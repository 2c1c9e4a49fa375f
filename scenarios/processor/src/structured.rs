//! Supervised readers in one `JoinSet`, a stall timeout per feed, bounded channels
//! (backpressure), guarded commits, and a shutdown that stops intake, flushes every window,
//! drains the sink and accounts for every event.

use faultline_harness::{Failure, Gauge, Store, point, shutdown_token, spawn_in};
use tokio::sync::mpsc::{Receiver, Sender, channel};
use tokio::task::JoinSet;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

use crate::{
    Accounting, BACKLOG, BACKOFF, Batch, COMMIT_TIME, COMMIT_TIMEOUT, EVENT_CAPACITY, FEEDS, Feed,
    MAX_RESTARTS, QUEUED, SINK_CAPACITY, SINK_GONE, STALL_TIMEOUT, Tally, Window, feeds,
};

/// Reads `feed` into the pipeline until it ends or `stop` fires; a feed that gives nothing
/// for [`STALL_TIMEOUT`] is an error (its reader is restarted by the supervisor).
pub async fn read_feed(
    feed: Feed,
    events: Sender<Batch>,
    queued: Gauge,
    stop: CancellationToken,
) -> Result<(), Failure> {
    // faultline:solution begin processor-reader
    loop {
        let read = tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            read = timeout(STALL_TIMEOUT, feed.next()) => read.map_err(|_| feed.stalled())?,
        };
        let Some(batch) = read? else {
            return Ok(());
        };
        let n = batch.len();
        tokio::select! {
            biased;
            // Not sent, not acknowledged: the batch stays at the feed.
            () = stop.cancelled() => return Ok(()),
            sent = events.send(batch) => {
                if sent.is_err() {
                    return Ok(()); // the windower is gone: its own error says why
                }
                queued.add(n as u64);
                feed.ack(n);
            }
        }
    }
    // faultline:solution end
}

/// Starts a reader for every feed in one `JoinSet` and supervises them until every feed
/// has ended: a reader that fails (an error, a stall, a panic) is restarted after a
/// doubling backoff, at most [`MAX_RESTARTS`] times; then the supervisor gives up on the
/// feed and returns its last error. No restart once `stop` fired.
pub async fn supervise(
    feeds: Vec<Feed>,
    events: Sender<Batch>,
    queued: Gauge,
    tally: Tally,
    stop: CancellationToken,
) -> Vec<Failure> {
    // faultline:solution begin processor-supervise
    let mut readers = JoinSet::new();
    let mut reading = Vec::new(); // (reader task, its feed)
    let mut restarts = vec![0; feeds.len()];
    let mut gave_up = Vec::new();
    for feed in &feeds {
        let reader = read_feed(feed.clone(), events.clone(), queued.clone(), stop.clone());
        let task = spawn_in(&mut readers, ("feed", feed.id()), reader);
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
            continue; // the feed ended, or intake stopped
        };
        if stop.is_cancelled() || restarts[k] == MAX_RESTARTS {
            gave_up.push(error);
            continue;
        }
        restarts[k] += 1;
        tally.restarted(k, &error);
        let backoff = BACKOFF * 2u32.pow(restarts[k] - 1);
        let (feed, events, queued, stop) = (
            feeds[k].clone(),
            events.clone(),
            queued.clone(),
            stop.clone(),
        );
        let reader = async move {
            tokio::select! {
                biased;
                () = stop.cancelled() => return Ok(()),
                () = tokio::time::sleep(backoff) => {}
            }
            read_feed(feed, events, queued, stop).await
        };
        let task = spawn_in(&mut readers, ("feed", k), reader);
        reading.push((task.id(), k));
    }
    gave_up
    // faultline:solution end
}

/// Aggregates every event into its feed's tumbling window and hands each window to the
/// sink once an event past its end arrives; when the input ends, flushes every window
/// still open.
pub async fn windower(
    events: Receiver<Batch>,
    windows: Sender<Window>,
    queued: Gauge,
    backlog: Gauge,
    tally: Tally,
) -> Result<(), Vec<Failure>> {
    // faultline:solution begin processor-windower
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
    for window in open.into_iter().flatten() {
        flush(&windows, window, &backlog, &tally).await;
    }
    Ok(())
    // faultline:solution end
}

/// Hands `window` to the sink, waiting while its channel is full (backpressure).
pub async fn flush(windows: &Sender<Window>, window: Window, backlog: &Gauge, tally: &Tally) {
    match windows.send(window).await {
        Ok(()) => backlog.add(1),
        Err(unsent) => tally.dropped(SINK_GONE, unsent.0.events),
    }
}

/// Commits every window it receives until the channel closes (drained); a window whose
/// commit fails or takes over [`COMMIT_TIMEOUT`] is dropped as rejected (the guard rolls
/// it back) and its error kept.
pub async fn sink(
    mut windows: Receiver<Window>,
    store: Store,
    backlog: Gauge,
    tally: Tally,
) -> Result<(), Vec<Failure>> {
    let mut rejected = Vec::new();
    while let Some(window) = windows.recv().await {
        backlog.sub(1);
        let committed = timeout(COMMIT_TIMEOUT, commit(&store, &window)).await;
        match committed.unwrap_or_else(|_| Err(window.timed_out())) {
            Ok(()) => tally.committed(&window),
            Err(error) => {
                tally.rejected(&window);
                rejected.push(error);
            }
        }
    }
    if rejected.is_empty() {
        Ok(())
    } else {
        Err(rejected)
    }
}

/// Writes `window` in a guarded transaction: committed, or rolled back when dropped.
pub async fn commit(store: &Store, window: &Window) -> Result<(), Failure> {
    let mut tx = store.transaction();
    tx.write(window.row());
    tokio::time::sleep(COMMIT_TIME).await;
    point("sink").key(window.feed).await?;
    tx.commit();
    Ok(())
}

/// The processor: the windower and the sink in a `JoinSet`, the supervised readers, bounded
/// channels between them; on the shutdown signal intake stops, and the pipeline drains
/// before it returns the books.
pub async fn process(events: u64) -> Accounting {
    // faultline:solution begin processor-main
    let tally = Tally::default();
    let feeds = feeds(events, &tally);
    let (queued, backlog) = (Gauge::new(QUEUED), Gauge::new(BACKLOG));
    let (events_tx, events_rx) = channel(EVENT_CAPACITY);
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
    let sink = sink(windows_rx, Store::new("windows"), backlog, tally.clone());
    spawn_in(&mut pipeline, "sink", sink);
    let mut errors = supervise(feeds, events_tx, queued, tally.clone(), shutdown_token()).await;
    while let Some(joined) = pipeline.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(failed)) => errors.extend(failed),
            Err(join) => errors.push(Failure::from(join)),
        }
    }
    tally.accounting(errors)
    // faultline:solution end
}
