//! faultline:author-only — right solutions of the `structured` producer and `main` written
//! another way, that the rubric must accept (see `faultline_harness::Right`).

use faultline_harness::{Failure, Gauge, Right, Store, Task, shutdown_token, spawn_in};
use tokio::sync::mpsc::{Sender, channel};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::{CAPACITY, MESSAGES, Stopped, accept, structured};

/// The right solutions.
pub fn entries() -> Vec<Right> {
    vec![
        Right::new("joinset-drain", |b| b.run(joinset_drain)),
        Right::new("reserve-before-accept", |b| b.run(reserve_before_accept)),
        Right::new("plain-tracker-spawns", |b| b.run(plain_tracker_spawns)),
    ]
}

/// Another design: both in a `JoinSet`, joined until it is empty; every error returned.
async fn joinset_drain() -> Stopped {
    let (store, depth) = (Store::new("db"), Gauge::new("queue"));
    let (tx, rx) = channel(CAPACITY);
    let stop = shutdown_token();
    let mut set = JoinSet::new();
    spawn_in(
        &mut set,
        "producer",
        structured::producer(tx, depth.clone(), stop.clone()),
    );
    spawn_in(&mut set, "consumer", structured::consumer(rx, depth, store));
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        if let Err(err) = joined.map_err(Failure::from).and_then(|r| r) {
            errors.push(err);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Another order of operations: wait for room in the queue first (a `Permit`), then
/// accept a message into it, so an accepted message always has its place.
async fn reserve_before_accept() -> Stopped {
    let (store, depth) = (Store::new("db"), Gauge::new("queue"));
    let (tx, rx) = channel(CAPACITY);
    let tracker = TaskTracker::new();
    let stop = shutdown_token();
    let producer = Task::new("producer").token(&stop).spawn_on(
        &tracker,
        reserving_producer(tx, depth.clone(), stop.clone()),
    );
    let consumer = Task::new("consumer").spawn_on(&tracker, structured::consumer(rx, depth, store));
    tracker.close();
    tracker.wait().await;
    collect(producer.await, consumer.await)
}

/// Reserves a slot, then accepts; both against the stop.
async fn reserving_producer(
    queue: Sender<usize>,
    depth: Gauge,
    stop: CancellationToken,
) -> Result<(), Failure> {
    for i in 0..MESSAGES {
        let permit = tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            permit = queue.reserve() => match permit {
                Ok(permit) => permit,
                Err(_) => return Ok(()), // the consumer is gone; its error tells why
            },
        };
        let msg = tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            msg = accept(i) => msg?,
        };
        permit.send(msg);
        depth.add(1);
    }
    Ok(())
}

/// Plain tokio: `tracker.spawn`, no names; otherwise the reference.
async fn plain_tracker_spawns() -> Stopped {
    let (store, depth) = (Store::new("db"), Gauge::new("queue"));
    let (tx, rx) = channel(CAPACITY);
    let tracker = TaskTracker::new();
    let stop = shutdown_token();
    let producer = tracker.spawn(structured::producer(tx, depth.clone(), stop.clone()));
    let consumer = tracker.spawn(structured::consumer(rx, depth, store));
    tracker.close();
    tracker.wait().await;
    collect(producer.await, consumer.await)
}

/// Every error of the two joins.
fn collect(
    producer: Result<Result<(), Failure>, tokio::task::JoinError>,
    consumer: Result<Result<(), Failure>, tokio::task::JoinError>,
) -> Stopped {
    let errors: Vec<Failure> = [producer, consumer]
        .into_iter()
        .filter_map(|joined| joined.map_err(Failure::from).and_then(|r| r).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
