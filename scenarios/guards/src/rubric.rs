//! The rubric for lesson 02: what correct `structured::request` and `structured::transfer`
//! do under every plan.

use faultline_harness::{Check, Rubric};

/// The rubric: the reference is `structured`; `unstructured` and a stub that returns at
/// once fail it.
pub fn rubric() -> Rubric {
    Rubric::new(
        "guards",
        "02 async context managers vs RAII guards",
        "scenarios/guards/src/structured.rs",
    )
    .stub(|b| b.run(|| async { crate::Served::Ok(0) }))
    .hint(
        "guards-lease",
        "take the connection as a guard: timeout(POOL_WAIT, pool.lease()) (map the elapsed \
         wait to pool_timeout(i)), run query(i) under timeout(QUERY_DEADLINE, ..) (map it to \
         query_timeout(i)), and let the Lease's Drop give the connection back on every path",
    )
    .hint(
        "guards-transaction",
        "open the transaction as a guard with store.transaction(): write alice, await \
         debit() (roll back and return its error), write bob, commit; a cancellation drops \
         the TxGuard, whose Drop rolls back",
    )
    .check(Check::returns(
        "returns-the-total",
        "with no fault all six requests and the transfer succeed",
        &[("none", "Ok(7)")],
    ))
    .check(Check::returns(
        "surfaces-only-the-faults",
        "the server must return the injected errors and nothing else: a PoolTimeout here \
         means a connection was never given back",
        &[
            ("query-fails", "Err([DbError: injected at query[0]])"),
            (
                "query-times-out",
                "Err([TimeoutError: query[1] took too long])",
            ),
            (
                "request-cancelled",
                "Err([Cancelled: task req[1] was cancelled])",
            ),
            (
                "pool-exhausted",
                "Err([DbError: injected at query[0], Cancelled: task req[1] was cancelled])",
            ),
            ("transfer-fails", "Err([DbError: injected at debit])"),
            (
                "transfer-cancelled",
                "Err([Cancelled: task transfer was cancelled])",
            ),
        ],
    ))
    .check(Check::within(
        "done-within-budget",
        "the last request arrives at 500 ms and takes 150: nobody should wait for a \
         connection that a failed request kept",
        &[
            ("none", 650),
            ("query-fails", 650),
            ("query-times-out", 650),
            ("request-cancelled", 650),
            ("pool-exhausted", 650),
            ("transfer-fails", 650),
            ("transfer-cancelled", 650),
        ],
    ))
    .checks(Check::lifecycle())
    // Every single-fault plan too: the query deadline and the pool wait bound every wait,
    // so even a hang cannot stall the server.
    .sweep(&[
        "no-orphans",
        "no-swallowed-errors",
        "no-stalled-tasks",
        "no-tasks-dropped-at-shutdown",
        "no-untracked-tasks",
        "no-leaked-connections",
        "no-partial-writes",
    ])
    .expect_fail(
        "unstructured",
        &[
            "surfaces-only-the-faults",
            "done-within-budget",
            "no-leaked-connections",
            "no-partial-writes",
        ],
    )
}
