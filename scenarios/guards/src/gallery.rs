//! faultline:author-only — wrong solutions of `structured::request` and
//! `structured::transfer` that the rubric must reject, each written as a learner might (see
//! `faultline_harness::Wrong`). Each replaces one region and keeps the reference's other.

use std::time::Duration;

use faultline_harness::{Failure, Pool, Store, Wrong};
use tokio::time::timeout;

use crate::{
    POOL_WAIT, QUERY_DEADLINE, debit, pool_timeout, query, query_timeout, serve, structured,
};

/// The wrong solutions, each with the checks that reject it.
pub fn entries() -> Vec<Wrong> {
    const LEASE: &str = "guards-lease";
    const TRANSACTION: &str = "guards-transaction";
    vec![
        Wrong::new(
            "no-deadline-on-the-query",
            LEASE,
            |b| b.run(|| serve(no_deadline_on_the_query, structured::transfer)),
            &["surfaces-only-the-faults", "no-stalled-tasks"],
        ),
        Wrong::new(
            "waits-for-a-connection-forever",
            LEASE,
            |b| b.run(|| serve(waits_for_a_connection_forever, structured::transfer)),
            &["gives-up-on-a-busy-pool", "done-within-budget"],
        ),
        Wrong::new(
            "retries-holding-the-connection",
            LEASE,
            |b| b.run(|| serve(retries_holding_the_connection, structured::transfer)),
            &["surfaces-only-the-faults", "done-within-budget"],
        ),
        Wrong::new(
            "lingers-with-the-connection",
            LEASE,
            |b| b.run(|| serve(lingers_with_the_connection, structured::transfer)),
            &["holds-a-connection-only-while-querying"],
        ),
        Wrong::new(
            "unwraps-the-query",
            LEASE,
            |b| b.run(|| serve(unwraps_the_query, structured::transfer)),
            &["surfaces-only-the-faults", "no-panics"],
        ),
        Wrong::new(
            "ignores-the-query-error",
            LEASE,
            |b| b.run(|| serve(ignores_the_query_error, structured::transfer)),
            &["surfaces-only-the-faults", "no-discarded-errors"],
        ),
        Wrong::new(
            "forgets-to-commit",
            TRANSACTION,
            |b| b.run(|| serve(structured::request, forgets_to_commit)),
            &["transfers-all-or-nothing"],
        ),
        Wrong::new(
            "commits-before-the-debit",
            TRANSACTION,
            |b| b.run(|| serve(structured::request, commits_before_the_debit)),
            &["transfers-all-or-nothing"],
        ),
        Wrong::new(
            "begins-by-hand",
            TRANSACTION,
            |b| b.run(|| serve(structured::request, begins_by_hand)),
            &["no-partial-writes"],
        ),
        Wrong::new(
            "ignores-the-debit-error",
            TRANSACTION,
            |b| b.run(|| serve(structured::request, ignores_the_debit_error)),
            &["surfaces-only-the-faults", "no-discarded-errors"],
        ),
    ]
}

/// Mistake: no deadline on the query: a slow one keeps its connection, and a hung one stalls the server.
async fn no_deadline_on_the_query(pool: Pool, i: usize) -> Result<(), Failure> {
    let conn = timeout(POOL_WAIT, pool.lease())
        .await
        .map_err(|_| pool_timeout(i))?;
    query(i).await?;
    drop(conn);
    Ok(())
}

/// Mistake: waits for a free connection as long as it takes.
async fn waits_for_a_connection_forever(pool: Pool, i: usize) -> Result<(), Failure> {
    let conn = pool.lease().await;
    timeout(QUERY_DEADLINE, query(i))
        .await
        .map_err(|_| query_timeout(i))??;
    drop(conn);
    Ok(())
}

/// Mistake: retries a failed query after a pause, holding the connection all along.
async fn retries_holding_the_connection(pool: Pool, i: usize) -> Result<(), Failure> {
    let conn = timeout(POOL_WAIT, pool.lease())
        .await
        .map_err(|_| pool_timeout(i))?;
    let once = || async {
        timeout(QUERY_DEADLINE, query(i))
            .await
            .map_err(|_| query_timeout(i))?
    };
    if once().await.is_err() {
        tokio::time::sleep(Duration::from_millis(200)).await;
        once().await?;
    }
    drop(conn);
    Ok(())
}

/// Mistake: `unwrap()`s the query's result: a failed query panics the request.
async fn unwraps_the_query(pool: Pool, i: usize) -> Result<(), Failure> {
    let conn = timeout(POOL_WAIT, pool.lease())
        .await
        .map_err(|_| pool_timeout(i))?;
    timeout(QUERY_DEADLINE, query(i))
        .await
        .map_err(|_| query_timeout(i))?
        .unwrap();
    drop(conn);
    Ok(())
}

/// Mistake: runs the query with `let _ =`: a failed or late query counts as served.
async fn ignores_the_query_error(pool: Pool, i: usize) -> Result<(), Failure> {
    let conn = timeout(POOL_WAIT, pool.lease())
        .await
        .map_err(|_| pool_timeout(i))?;
    let _ = timeout(QUERY_DEADLINE, query(i)).await;
    drop(conn);
    Ok(())
}

/// Mistake: never commits, as if the guard committed on drop: every transfer is rolled back.
async fn forgets_to_commit(store: Store) -> Result<(), Failure> {
    let mut tx = store.transaction();
    tx.write("alice");
    debit().await?;
    tx.write("bob");
    Ok(())
}

/// Mistake: commits alice's debit before the remote debit, in a transaction of its own: a failed debit leaves it committed.
async fn commits_before_the_debit(store: Store) -> Result<(), Failure> {
    let mut first = store.transaction();
    first.write("alice");
    first.commit();
    debit().await?;
    let mut second = store.transaction();
    second.write("bob");
    second.commit();
    Ok(())
}

/// Mistake: begins the transaction by hand and rolls back on `Err`: a cancellation skips the rollback.
async fn begins_by_hand(store: Store) -> Result<(), Failure> {
    let mut tx = store.begin();
    tx.write("alice");
    if let Err(err) = debit().await {
        tx.rollback();
        return Err(err);
    }
    tx.write("bob");
    tx.commit();
    Ok(())
}

/// Mistake: awaits the debit with `let _ =` and commits whatever happened.
async fn ignores_the_debit_error(store: Store) -> Result<(), Failure> {
    let mut tx = store.transaction();
    tx.write("alice");
    let _ = debit().await;
    tx.write("bob");
    tx.commit();
    Ok(())
}

/// Mistake: keeps the lease while it pauses after the query (a cool-down before the next
/// request, a log flush): the connection is held while its holder sleeps.
async fn lingers_with_the_connection(pool: Pool, i: usize) -> Result<(), Failure> {
    let conn = timeout(POOL_WAIT, pool.lease())
        .await
        .map_err(|_| pool_timeout(i))?;
    let queried = timeout(QUERY_DEADLINE, query(i))
        .await
        .map_err(|_| query_timeout(i));
    tokio::time::sleep(Duration::from_millis(50)).await;
    drop(conn);
    queried?
}
