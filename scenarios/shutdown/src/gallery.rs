//! faultline:author-only — wrong solutions of the `structured` producer, transaction and
//! `main` that the rubric must reject, each written as a learner might (see
//! `faultline_harness::Wrong`). Each replaces one region and keeps the reference's others.

use std::future::Future;
use std::pin::Pin;

use faultline_harness::{Failure, Gauge, Store, Task, Wrong, point, shutdown_token};
use tokio::sync::mpsc::{Receiver, Sender, channel};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::{CAPACITY, MESSAGES, PROCESS_TIME, Stopped, accept, structured};

/// A `process`, boxed: the transaction region's shape, owning its store.
type Process = fn(Store, usize) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + Send>>;

/// The wrong solutions, each with the checks that reject it.
pub fn entries() -> Vec<Wrong> {
    const PRODUCER: &str = "shutdown-producer";
    const TRANSACTION: &str = "shutdown-transaction";
    const DRAIN: &str = "shutdown-drain";
    vec![
        Wrong::new(
            "never-watches-the-token",
            PRODUCER,
            |b| b.run(|| main_with(never_watches_the_token, reference_process)),
            &["done-within-budget"],
        ),
        Wrong::new(
            "unwraps-the-send",
            PRODUCER,
            |b| b.run(|| main_with(unwraps_the_send, reference_process)),
            &["surfaces-the-error", "no-panics"],
        ),
        Wrong::new(
            "stops-quietly-on-a-failed-accept",
            PRODUCER,
            |b| b.run(|| main_with(stops_quietly_on_a_failed_accept, reference_process)),
            &["no-discarded-errors"],
        ),
        Wrong::new(
            "drops-when-the-queue-is-full",
            PRODUCER,
            |b| b.run(|| main_with(drops_when_the_queue_is_full, reference_process)),
            &["commits-every-offered-message"],
        ),
        Wrong::new(
            "begins-by-hand",
            TRANSACTION,
            |b| b.run(|| main_with(structured::producer, |s, m| Box::pin(begins_by_hand(s, m)))),
            &["no-partial-writes"],
        ),
        Wrong::new(
            "commits-before-the-work",
            TRANSACTION,
            |b| {
                b.run(|| {
                    main_with(structured::producer, |s, m| {
                        Box::pin(commits_before_the_work(s, m))
                    })
                })
            },
            &["rolls-back-the-failed-message"],
        ),
        Wrong::new(
            "ignores-the-process-error",
            TRANSACTION,
            |b| {
                b.run(|| {
                    main_with(structured::producer, |s, m| {
                        Box::pin(ignores_the_process_error(s, m))
                    })
                })
            },
            &["surfaces-the-error", "no-discarded-errors"],
        ),
        Wrong::new(
            "returns-without-draining",
            DRAIN,
            |b| b.run(returns_without_draining),
            &[
                "commits-every-accepted-message",
                "no-tasks-dropped-at-shutdown",
            ],
        ),
        Wrong::new(
            "forgets-to-close-the-tracker",
            DRAIN,
            |b| b.run(forgets_to_close_the_tracker),
            &["no-stalled-tasks"],
        ),
        Wrong::new(
            "unbounded-queue",
            DRAIN,
            |b| b.run(unbounded_queue),
            &["bounded-queue"],
        ),
        Wrong::new(
            "a-token-nobody-cancels",
            DRAIN,
            |b| b.run(a_token_nobody_cancels),
            &["done-within-budget"],
        ),
        Wrong::new(
            "drops-the-producer-error",
            DRAIN,
            |b| b.run(drops_the_producer_error),
            &["no-discarded-errors"],
        ),
    ]
}

/// The reference's `process`, boxed.
fn reference_process(
    store: Store,
    msg: usize,
) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + Send>> {
    Box::pin(async move { structured::process(&store, msg).await })
}

/// The reference's `consumer`, with `process` in place of `structured::process`.
async fn consumer(
    mut queue: Receiver<usize>,
    depth: Gauge,
    store: Store,
    process: Process,
) -> Result<(), Failure> {
    while let Some(msg) = queue.recv().await {
        depth.sub(1);
        process(store.clone(), msg).await?;
    }
    Ok(())
}

/// The reference's `main`, with `producer` and `process` in place of the reference's.
async fn main_with<P, F>(producer: P, process: Process) -> Stopped
where
    P: FnOnce(Sender<usize>, Gauge, CancellationToken) -> F,
    F: Future<Output = Result<(), Failure>> + Send + 'static,
{
    let (store, depth) = (Store::new("db"), Gauge::new("queue"));
    let (tx, rx) = channel(CAPACITY);
    let tracker = TaskTracker::new();
    let stop = shutdown_token();
    let producer = Task::new("producer")
        .token(&stop)
        .spawn_on(&tracker, producer(tx, depth.clone(), stop.clone()));
    let consumer = Task::new("consumer").spawn_on(&tracker, consumer(rx, depth, store, process));
    tracker.close();
    tracker.wait().await;
    let errors: Vec<Failure> = [producer.await, consumer.await]
        .into_iter()
        .filter_map(|joined| joined.map_err(Failure::from).and_then(|r| r).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Mistake: accepts and sends without ever looking at the token: intake goes on after the signal.
async fn never_watches_the_token(
    queue: Sender<usize>,
    depth: Gauge,
    stop: CancellationToken,
) -> Result<(), Failure> {
    let _ = stop;
    for i in 0..MESSAGES {
        let msg = accept(i).await?;
        if queue.send(msg).await.is_err() {
            return Ok(());
        }
        depth.add(1);
    }
    Ok(())
}

/// Mistake: `unwrap()`s the send, which fails once the consumer is gone.
async fn unwraps_the_send(
    queue: Sender<usize>,
    depth: Gauge,
    stop: CancellationToken,
) -> Result<(), Failure> {
    for i in 0..MESSAGES {
        let msg = tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            msg = accept(i) => msg?,
        };
        queue.send(msg).await.unwrap();
        depth.add(1);
    }
    Ok(())
}

/// Mistake: stops at a failed accept with `let Ok(..) else`, as if the input had ended.
async fn stops_quietly_on_a_failed_accept(
    queue: Sender<usize>,
    depth: Gauge,
    stop: CancellationToken,
) -> Result<(), Failure> {
    for i in 0..MESSAGES {
        let accepted = tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            accepted = accept(i) => accepted,
        };
        let Ok(msg) = accepted else { return Ok(()) };
        tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            sent = queue.send(msg) => {
                if sent.is_err() {
                    return Ok(());
                }
                depth.add(1);
            }
        }
    }
    Ok(())
}

/// Mistake: `try_send`s each message and drops it whenever the queue is full: no fault at
/// all, `Ok(())` returned, and fewer than half the messages committed.
async fn drops_when_the_queue_is_full(
    queue: Sender<usize>,
    depth: Gauge,
    stop: CancellationToken,
) -> Result<(), Failure> {
    for i in 0..MESSAGES {
        let msg = tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            msg = accept(i) => msg?,
        };
        match queue.try_send(msg) {
            Ok(()) => depth.add(1),
            Err(tokio::sync::mpsc::error::TrySendError::Full(_)) => {}
            Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) => return Ok(()),
        }
    }
    Ok(())
}

/// Mistake: a transaction begun by hand, left open when the fault point's `?` returns.
async fn begins_by_hand(store: Store, msg: usize) -> Result<(), Failure> {
    let mut tx = store.begin();
    tx.write(format!("msg-{msg}"));
    tokio::time::sleep(PROCESS_TIME).await;
    point("process").key(msg).await?;
    tx.commit();
    Ok(())
}

/// Mistake: commits the write before the work that can fail.
async fn commits_before_the_work(store: Store, msg: usize) -> Result<(), Failure> {
    let mut tx = store.transaction();
    tx.write(format!("msg-{msg}"));
    tx.commit();
    tokio::time::sleep(PROCESS_TIME).await;
    point("process").key(msg).await?;
    Ok(())
}

/// Mistake: passes the fault point with `let _ =` and commits whatever happened.
async fn ignores_the_process_error(store: Store, msg: usize) -> Result<(), Failure> {
    let mut tx = store.transaction();
    tx.write(format!("msg-{msg}"));
    tokio::time::sleep(PROCESS_TIME).await;
    let _ = point("process").key(msg).await;
    tx.commit();
    Ok(())
}

/// Mistake: returns when the producer is done, without waiting for the consumer to drain the queue.
async fn returns_without_draining() -> Stopped {
    let (store, depth) = (Store::new("db"), Gauge::new("queue"));
    let (tx, rx) = channel(CAPACITY);
    let tracker = TaskTracker::new();
    let stop = shutdown_token();
    let producer = Task::new("producer").token(&stop).spawn_on(
        &tracker,
        structured::producer(tx, depth.clone(), stop.clone()),
    );
    drop(Task::new("consumer").spawn_on(&tracker, structured::consumer(rx, depth, store)));
    producer
        .await
        .map_err(Failure::from)
        .and_then(|r| r)
        .map_err(|err| vec![err])
}

/// Mistake: never closes the tracker, so waiting for it never ends.
async fn forgets_to_close_the_tracker() -> Stopped {
    let (store, depth) = (Store::new("db"), Gauge::new("queue"));
    let (tx, rx) = channel(CAPACITY);
    let tracker = TaskTracker::new();
    let stop = shutdown_token();
    let producer = Task::new("producer").token(&stop).spawn_on(
        &tracker,
        structured::producer(tx, depth.clone(), stop.clone()),
    );
    let consumer = Task::new("consumer").spawn_on(&tracker, structured::consumer(rx, depth, store));
    tracker.wait().await;
    let errors: Vec<Failure> = [producer.await, consumer.await]
        .into_iter()
        .filter_map(|joined| joined.map_err(Failure::from).and_then(|r| r).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Mistake: a queue as long as the input: nothing ever makes the producer wait.
async fn unbounded_queue() -> Stopped {
    let (store, depth) = (Store::new("db"), Gauge::new("queue"));
    let (tx, rx) = channel(MESSAGES);
    let tracker = TaskTracker::new();
    let stop = shutdown_token();
    let producer = Task::new("producer").token(&stop).spawn_on(
        &tracker,
        structured::producer(tx, depth.clone(), stop.clone()),
    );
    let consumer = Task::new("consumer").spawn_on(&tracker, structured::consumer(rx, depth, store));
    tracker.close();
    tracker.wait().await;
    let errors: Vec<Failure> = [producer.await, consumer.await]
        .into_iter()
        .filter_map(|joined| joined.map_err(Failure::from).and_then(|r| r).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Mistake: gives the producer a token of its own that nothing cancels, not the shutdown signal.
async fn a_token_nobody_cancels() -> Stopped {
    let (store, depth) = (Store::new("db"), Gauge::new("queue"));
    let (tx, rx) = channel(CAPACITY);
    let tracker = TaskTracker::new();
    let stop = CancellationToken::new();
    let producer = Task::new("producer").token(&stop).spawn_on(
        &tracker,
        structured::producer(tx, depth.clone(), stop.clone()),
    );
    let consumer = Task::new("consumer").spawn_on(&tracker, structured::consumer(rx, depth, store));
    tracker.close();
    tracker.wait().await;
    let errors: Vec<Failure> = [producer.await, consumer.await]
        .into_iter()
        .filter_map(|joined| joined.map_err(Failure::from).and_then(|r| r).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Mistake: awaits the producer with `let _ =`: only the consumer's error is returned.
async fn drops_the_producer_error() -> Stopped {
    let (store, depth) = (Store::new("db"), Gauge::new("queue"));
    let (tx, rx) = channel(CAPACITY);
    let tracker = TaskTracker::new();
    let stop = shutdown_token();
    let producer = Task::new("producer").token(&stop).spawn_on(
        &tracker,
        structured::producer(tx, depth.clone(), stop.clone()),
    );
    let consumer = Task::new("consumer").spawn_on(&tracker, structured::consumer(rx, depth, store));
    tracker.close();
    tracker.wait().await;
    let _ = producer.await;
    match consumer.await.map_err(Failure::from).and_then(|r| r) {
        Ok(()) => Ok(()),
        Err(err) => Err(vec![err]),
    }
}
