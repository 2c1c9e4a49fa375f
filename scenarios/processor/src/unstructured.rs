//! Detached readers, unbounded queues, a manual transaction, and a `main` that returns on
//! the shutdown signal (or when the windower is done) without flushing or draining.

use faultline_harness::{Failure, Gauge, Store, point, shutdown_token, spawn};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::{Accounting, BACKLOG, Batch, COMMIT_TIME, FEEDS, Feed, QUEUED, Tally, Window, feeds};

/// Reads `feed` into the pipeline until it ends or fails.
pub async fn read_feed(
    feed: Feed,
    events: UnboundedSender<Batch>,
    queued: Gauge,
) -> Result<(), Failure> {
    while let Some(batch) = feed.next().await? {
        let n = batch.len();
        if events.send(batch).is_err() {
            return Ok(());
        }
        queued.add(n as u64);
        feed.ack(n);
    }
    Ok(())
}

/// Starts a reader for every feed, fire and forget.
pub async fn supervise(
    feeds: Vec<Feed>,
    events: UnboundedSender<Batch>,
    queued: Gauge,
    _tally: Tally,
) -> Vec<Failure> {
    for feed in feeds {
        let reader = read_feed(feed.clone(), events.clone(), queued.clone());
        drop(spawn(("feed", feed.id()), reader));
    }
    Vec::new()
}

/// Aggregates every event into its feed's tumbling window and hands each window to the
/// sink once an event past its end arrives.
pub async fn windower(
    events: UnboundedReceiver<Batch>,
    windows: UnboundedSender<Window>,
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

/// Hands `window` to the sink's queue, however long it grows.
pub async fn flush(
    windows: &UnboundedSender<Window>,
    window: Window,
    backlog: &Gauge,
    _tally: &Tally,
) {
    if windows.send(window).is_ok() {
        backlog.add(1);
    }
}

/// Commits every window it receives, until the queue closes or a commit fails.
pub async fn sink(
    mut windows: UnboundedReceiver<Window>,
    store: Store,
    backlog: Gauge,
    tally: Tally,
) -> Result<(), Failure> {
    while let Some(window) = windows.recv().await {
        backlog.sub(1);
        commit(&store, &window).await?;
        tally.committed(&window);
    }
    Ok(())
}

/// Writes `window` in a manual transaction: committed, or rolled back on an error.
pub async fn commit(store: &Store, window: &Window) -> Result<(), Failure> {
    let mut tx = store.begin();
    tx.write(window.row());
    tokio::time::sleep(COMMIT_TIME).await;
    if let Err(error) = point("sink").key(window.feed).await {
        tx.rollback();
        return Err(error);
    }
    tx.commit();
    Ok(())
}

/// The processor: detached readers, windower and sink over unbounded queues; returns on
/// the shutdown signal or when the windower is done, without waiting for the sink.
/// Returning from `main` drops the runtime.
pub async fn process(events: u64) -> Accounting {
    let tally = Tally::default();
    let feeds = feeds(events, &tally);
    let (queued, backlog) = (Gauge::new(QUEUED), Gauge::new(BACKLOG));
    let (events_tx, events_rx) = unbounded_channel();
    let (windows_tx, windows_rx) = unbounded_channel();
    let windower = windower(
        events_rx,
        windows_tx,
        queued.clone(),
        backlog.clone(),
        tally.clone(),
    );
    let windower = spawn("windower", windower);
    let sink = sink(windows_rx, Store::new("windows"), backlog, tally.clone());
    drop(spawn("sink", sink));
    let errors = supervise(feeds, events_tx, queued, tally.clone()).await;
    let sigterm = shutdown_token();
    tokio::select! {
        biased;
        () = sigterm.cancelled() => {}
        _ = windower => {}
    }
    tally.accounting(errors)
}
