//! `conn = await pool.acquire()` … `await pool.release(conn)`, and `BEGIN` … `COMMIT` by hand.

use faultline_harness::{Failure, Pool, Store};
use tokio::time::timeout;

use crate::{POOL_WAIT, QUERY_DEADLINE, debit, pool_timeout, query, query_timeout};

/// Request `i`: checks a connection out, runs its query under a deadline, checks it back in.
/// A `?` — the query failed or timed out — returns before the check-in; so does a
/// cancellation, which drops this future at its `.await`. Either way the connection is lost.
pub async fn request(pool: Pool, i: usize) -> Result<(), Failure> {
    let conn = timeout(POOL_WAIT, pool.checkout())
        .await
        .map_err(|_| pool_timeout(i))?;
    timeout(QUERY_DEADLINE, query(i))
        .await
        .map_err(|_| query_timeout(i))??;
    pool.checkin(conn);
    Ok(())
}

/// Moves money from alice to bob in one transaction begun by hand. The error path rolls
/// back (Python's `except Exception: await tx.rollback()`), but a cancellation runs no code
/// after the `.await`: the transaction stays open with alice debited and bob not credited.
pub async fn transfer(store: Store) -> Result<(), Failure> {
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
