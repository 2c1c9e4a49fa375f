//! faultline:author-only — right solutions of `structured::request` and
//! `structured::transfer` written another way, that the rubric must accept (see
//! `faultline_harness::Right`).

use faultline_harness::{Failure, Pool, Right, Store};
use tokio::time::timeout;

use crate::{
    POOL_WAIT, QUERY_DEADLINE, debit, pool_timeout, query, query_timeout, serve, structured,
};

/// The right solutions.
pub fn entries() -> Vec<Right> {
    vec![
        Right::new("lease-in-a-block", |b| {
            b.run(|| serve(lease_in_a_block, structured::transfer))
        }),
        Right::new("transaction-dropped-on-error", |b| {
            b.run(|| serve(structured::request, transaction_dropped_on_error))
        }),
        Right::new("matches-each-step-by-hand", |b| {
            b.run(|| serve(one_deadline_per_step_in_a_match, structured::transfer))
        }),
    ]
}

/// Another way to scope the lease: a block that ends with the query, so the guard goes
/// out of scope there, with the result matched afterwards.
async fn lease_in_a_block(pool: Pool, i: usize) -> Result<(), Failure> {
    let queried = {
        let _conn = timeout(POOL_WAIT, pool.lease())
            .await
            .map_err(|_| pool_timeout(i))?;
        timeout(QUERY_DEADLINE, query(i)).await
    };
    match queried {
        Ok(result) => result,
        Err(_) => Err(query_timeout(i)),
    }
}

/// Another transaction: no explicit rollback on the error path; `?` drops the guard, whose
/// `Drop` rolls back.
async fn transaction_dropped_on_error(store: Store) -> Result<(), Failure> {
    let mut tx = store.transaction();
    tx.write("alice");
    debit().await?;
    tx.write("bob");
    tx.commit();
    Ok(())
}

/// Another order of error handling: each step matched by hand, the lease dropped
/// explicitly before the errors are mapped.
async fn one_deadline_per_step_in_a_match(pool: Pool, i: usize) -> Result<(), Failure> {
    let conn = match timeout(POOL_WAIT, pool.lease()).await {
        Ok(conn) => conn,
        Err(_) => return Err(pool_timeout(i)),
    };
    let queried = timeout(QUERY_DEADLINE, query(i)).await;
    drop(conn);
    match queried {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(err),
        Err(_) => Err(query_timeout(i)),
    }
}
