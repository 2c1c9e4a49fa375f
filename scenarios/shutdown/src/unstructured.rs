//! An unbounded queue, detached workers, and a `main` that returns without draining.

use faultline_harness::{Failure, Gauge, Store, point, shutdown_token, spawn};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::{MESSAGES, PROCESS_TIME, Stopped, accept};

/// Accepts every message into the queue, however long it grows.
pub async fn producer(queue: UnboundedSender<usize>, depth: Gauge) -> Result<(), Failure> {
    for i in 0..MESSAGES {
        let msg = accept(i).await?;
        depth.add(1);
        let _ = queue.send(msg);
    }
    Ok(())
}

/// Writes every message it receives, until the queue closes or an error.
pub async fn consumer(
    mut queue: UnboundedReceiver<usize>,
    depth: Gauge,
    store: Store,
) -> Result<(), Failure> {
    while let Some(msg) = queue.recv().await {
        depth.sub(1);
        process(&store, msg).await?;
    }
    Ok(())
}

/// Writes message `msg` in a manual transaction: committed, or rolled back on an error.
pub async fn process(store: &Store, msg: usize) -> Result<(), Failure> {
    let mut tx = store.begin();
    tx.write(format!("msg-{msg}"));
    tokio::time::sleep(PROCESS_TIME).await;
    if let Err(err) = point("process").key(msg).await {
        tx.rollback();
        return Err(err);
    }
    tx.commit();
    Ok(())
}

/// Starts both, then returns on the shutdown signal or when the input ends — without
/// waiting for the consumer. Returning from `main` drops the runtime.
pub async fn main() -> Stopped {
    let (store, depth) = (Store::new("db"), Gauge::new("queue"));
    let (tx, rx) = unbounded_channel();
    let producer = spawn("producer", producer(tx, depth.clone()));
    drop(spawn("consumer", consumer(rx, depth, store)));
    let sigterm = shutdown_token();
    tokio::select! {
        biased;
        () = sigterm.cancelled() => Ok(()),
        done = producer => done.map_err(Failure::from).and_then(|r| r).map_err(|e| vec![e]),
    }
}
