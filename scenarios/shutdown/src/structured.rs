//! A bounded queue, a token that stops intake, and a tracker that waits for the drain.

use faultline_harness::{Failure, Gauge, Store, Task, point, shutdown_token};
use tokio::sync::mpsc::{Receiver, Sender, channel};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::{CAPACITY, MESSAGES, PROCESS_TIME, Stopped, accept};

/// Accepts messages until `stop` fires, waiting whenever the queue is full (backpressure).
pub async fn producer(
    queue: Sender<usize>,
    depth: Gauge,
    stop: CancellationToken,
) -> Result<(), Failure> {
    // faultline:solution begin shutdown-producer
    for i in 0..MESSAGES {
        let msg = tokio::select! {
            biased;
            () = stop.cancelled() => return Ok(()),
            msg = accept(i) => msg?,
        };
        // Accepted is ours: wait for room (the consumer drains), never drop it at the stop.
        if queue.send(msg).await.is_err() {
            return Ok(()); // the consumer is gone; its error tells why
        }
        depth.add(1);
    }
    Ok(())
    // faultline:solution end
}

/// Writes every message it receives, until the queue closes (drained) or an error.
pub async fn consumer(
    mut queue: Receiver<usize>,
    depth: Gauge,
    store: Store,
) -> Result<(), Failure> {
    while let Some(msg) = queue.recv().await {
        depth.sub(1);
        process(&store, msg).await?;
    }
    Ok(())
}

/// Writes message `msg` in a guarded transaction: committed, or rolled back when dropped.
pub async fn process(store: &Store, msg: usize) -> Result<(), Failure> {
    // faultline:solution begin shutdown-transaction
    let mut tx = store.transaction();
    tx.write(format!("msg-{msg}"));
    tokio::time::sleep(PROCESS_TIME).await;
    point("process").key(msg).await?;
    tx.commit();
    Ok(())
    // faultline:solution end
}

/// Starts both on a tracker; on the shutdown signal stops intake, lets the consumer drain
/// the queue, waits for both, and returns every error.
pub async fn main() -> Stopped {
    // faultline:solution begin shutdown-drain
    let (store, depth) = (Store::new("db"), Gauge::new("queue"));
    let (tx, rx) = channel(CAPACITY);
    let tracker = TaskTracker::new();
    let stop = shutdown_token();
    let producer = Task::new("producer")
        .token(&stop)
        .spawn_on(&tracker, producer(tx, depth.clone(), stop.clone()));
    let consumer = Task::new("consumer").spawn_on(&tracker, consumer(rx, depth, store));
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
    // faultline:solution end
}
