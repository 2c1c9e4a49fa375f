//! `async with pool.acquire() as conn:` and `async with conn.transaction():`, as guards.

use faultline_harness::{Failure, Pool, Store};
use tokio::time::timeout;

use crate::{POOL_WAIT, QUERY_DEADLINE, debit, pool_timeout, query, query_timeout};

/// Request `i`: leases a connection, runs its query under a deadline, drops the lease.
/// A `?`, a timeout, a cancellation or a panic all drop the `Lease` on the way out, and its
/// `Drop` returns the connection: there is no path that skips the return.
pub async fn request(pool: Pool, i: usize) -> Result<(), Failure> {
    // faultline:solution begin guards-lease
    let conn = timeout(POOL_WAIT, pool.lease())
        .await
        .map_err(|_| pool_timeout(i))?;
    timeout(QUERY_DEADLINE, query(i))
        .await
        .map_err(|_| query_timeout(i))??;
    drop(conn);
    Ok(())
    // faultline:solution end
}

/// Moves money from alice to bob in one guarded transaction. The error path still rolls
/// back explicitly; a cancellation (or a panic) drops the `TxGuard`, whose `Drop` rolls back
/// synchronously: no async `Drop` needed (see `faultline_harness::Store`).
pub async fn transfer(store: Store) -> Result<(), Failure> {
    // faultline:solution begin guards-transaction
    let mut tx = store.transaction();
    tx.write("alice");
    if let Err(err) = debit().await {
        tx.rollback();
        return Err(err);
    }
    tx.write("bob");
    tx.commit();
    Ok(())
    // faultline:solution end
}
