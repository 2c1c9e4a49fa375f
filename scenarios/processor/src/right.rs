//! faultline:author-only — right solutions of the windower and the supervisor written
//! another way, that the rubric must accept (see `faultline_harness::Right`).

use std::collections::BTreeMap;

use faultline_harness::{Failure, Gauge, Right, spawn_in};
use tokio::sync::mpsc::{Receiver, Sender};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::gallery::{process_with, run};
use crate::structured::{self, flush, read_feed};
use crate::{BACKOFF, Batch, EVENT_CAPACITY, Feed, MAX_RESTARTS, Tally, Window};

/// The right solutions.
pub fn entries() -> Vec<Right> {
    vec![
        Right::new("windows-in-a-map", |b| {
            run(b, |e| {
                process_with(e, EVENT_CAPACITY, windows_in_a_map, structured::supervise)
            })
        }),
        Right::new("restarts-inside-each-reader", |b| {
            run(b, |e| {
                process_with(
                    e,
                    EVENT_CAPACITY,
                    structured::windower,
                    restarts_inside_each_reader,
                )
            })
        }),
        Right::new("plain-joinset-supervisor", |b| {
            run(b, |e| {
                process_with(
                    e,
                    EVENT_CAPACITY,
                    structured::windower,
                    plain_joinset_supervisor,
                )
            })
        }),
    ]
}

/// Another windower: the open windows in a `BTreeMap` by feed (flushed in feed order when
/// the input ends), an event at a time.
async fn windows_in_a_map(
    mut events: Receiver<Batch>,
    windows: Sender<Window>,
    queued: Gauge,
    backlog: Gauge,
    tally: Tally,
) -> Result<(), Vec<Failure>> {
    let mut open: BTreeMap<usize, Window> = BTreeMap::new();
    while let Some(batch) = events.recv().await {
        queued.sub(batch.len() as u64);
        for event in batch {
            if open.get(&event.feed).is_some_and(|w| !w.holds(&event)) {
                let done = open.remove(&event.feed).expect("just seen");
                flush(&windows, done, &backlog, &tally).await;
            }
            open.entry(event.feed)
                .or_insert_with(|| Window::open(&event))
                .add(&event);
        }
    }
    for (_, window) in open {
        flush(&windows, window, &backlog, &tally).await;
    }
    Ok(())
}

/// Another supervisor: each feed's reader task restarts itself (a loop around
/// `read_feed`, its own restart budget and backoff), and the supervisor only joins them.
async fn restarts_inside_each_reader(
    feeds: Vec<Feed>,
    events: Sender<Batch>,
    queued: Gauge,
    tally: Tally,
    stop: CancellationToken,
) -> Vec<Failure> {
    let mut readers = JoinSet::new();
    for feed in feeds {
        let (events, queued, tally, stop) =
            (events.clone(), queued.clone(), tally.clone(), stop.clone());
        let k = feed.id();
        spawn_in(&mut readers, ("feed", k), async move {
            let mut restarts = 0;
            loop {
                let read = read_feed(feed.clone(), events.clone(), queued.clone(), stop.clone());
                let Err(error) = read.await else {
                    return Ok(());
                };
                if stop.is_cancelled() || restarts == MAX_RESTARTS {
                    return Err(error);
                }
                restarts += 1;
                tally.restarted(k, &error);
                tokio::select! {
                    biased;
                    () = stop.cancelled() => return Ok(()),
                    () = tokio::time::sleep(BACKOFF * 2u32.pow(restarts - 1)) => {}
                }
            }
        });
    }
    drop(events);
    let mut gave_up = Vec::new();
    while let Some(joined) = readers.join_next().await {
        if let Err(error) = joined.map_err(Failure::from).and_then(|r| r) {
            gave_up.push(error);
        }
    }
    gave_up
}

/// The reference supervisor written with plain tokio: `readers.spawn(…)`, no faultline
/// names (the rows are named by this file's lines), a map from tokio's task id to its feed.
async fn plain_joinset_supervisor(
    feeds: Vec<Feed>,
    events: Sender<Batch>,
    queued: Gauge,
    tally: Tally,
    stop: CancellationToken,
) -> Vec<Failure> {
    let mut readers = JoinSet::new();
    let mut feed_of = std::collections::HashMap::new();
    let mut restarts = vec![0; feeds.len()];
    let mut gave_up = Vec::new();
    for feed in &feeds {
        let reader = read_feed(feed.clone(), events.clone(), queued.clone(), stop.clone());
        feed_of.insert(readers.spawn(reader).id(), feed.id());
    }
    while let Some(joined) = readers.join_next_with_id().await {
        let (task, ended) = match joined {
            Ok((task, ended)) => (task, ended),
            Err(join) => (join.id(), Err(Failure::from(join))),
        };
        let k = feed_of.remove(&task).expect("every reader is mapped");
        let Err(error) = ended else { continue };
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
        let restarted = readers.spawn(async move {
            tokio::select! {
                biased;
                () = stop.cancelled() => return Ok(()),
                () = tokio::time::sleep(backoff) => {}
            }
            read_feed(feed, events, queued, stop).await
        });
        feed_of.insert(restarted.id(), k);
    }
    gave_up
}
