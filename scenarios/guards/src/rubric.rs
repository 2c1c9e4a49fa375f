//! The rubric for lesson 02: what correct `structured::request` and `structured::transfer`
//! do under every plan.

use faultline_harness::{
    Aspect, Check, Family, Miss, Observation, Report, ResourceReport, Rubric, TxOutcome,
};

/// The writes of every transaction committed on the store `accounts`, in order.
fn committed(r: &Report) -> Vec<Vec<String>> {
    match r.resource("accounts") {
        Some(ResourceReport::Store(store)) => store
            .transactions
            .iter()
            .filter(|t| t.outcome == TxOutcome::Committed)
            .map(|t| t.writes.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// The first lease of the pool `db` held longer than its use: returned after its holder's
/// query had ended (the hit of `query[i]` that passed with no fault, in the scenario's own
/// `query`), or, when the query never ended by itself, after its deadline.
fn held_past_its_use(r: &Report) -> Option<String> {
    let Some(ResourceReport::Pool(pool)) = r.resource("db") else {
        return None;
    };
    let deadline = crate::QUERY_DEADLINE.as_millis() as u64;
    pool.leases.iter().find_map(|lease| {
        let returned = lease.returned_ms?;
        let holder = lease.task.as_deref()?;
        let ended = r
            .hits
            .iter()
            .find(|h| {
                h.point == "query"
                    && h.task.as_deref() == Some(holder)
                    && h.action.is_none()
                    && h.at_ms >= lease.acquired_ms
            })
            .map(|h| h.at_ms);
        let due = ended.unwrap_or(lease.acquired_ms + deadline);
        (returned > due).then(|| {
            format!(
                "{holder} took a connection at {} ms, its query ended by {due} ms, and it \
                 gave the connection back at {returned} ms",
                lease.acquired_ms
            )
        })
    })
}

/// The rubric: the reference is `structured`; `unstructured` and a stub that returns at
/// once fail it.
pub fn rubric() -> Rubric {
    Rubric::new(
        "guards",
        "02 async context managers vs RAII guards",
        "scenarios/guards/src/structured.rs",
    )
    .stub(|b| b.run(|| async { crate::Served::Ok(0) }))
    // Slow queries keep both connections busy: a request must give up on the pool in time.
    .plan(
        "pool-busy",
        "query[0]=delay(250ms); query[1]=delay(250ms); query[2]=delay(250ms)",
    )
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
    .check(Check::new(
        "holds-a-connection-only-while-querying",
        Aspect::Functional,
        "promise: a connection is held only while it is used: back in the pool the instant \
         its query ends (or its deadline passes). Let the Lease go right after the query; \
         never sleep, back off or wait while holding it",
        |r| match held_past_its_use(r) {
            None => Ok(()),
            Some(found) => Err(Miss::run(
                "every connection back in the pool when its query ends",
                found,
            )),
        },
    ))
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
    .check(Check::returns(
        "gives-up-on-a-busy-pool",
        "a request waits for a connection at most POOL_WAIT, then fails with PoolTimeout: \
         one that waits as long as it takes holds up every request behind it",
        &[(
            "pool-busy",
            "Err([TimeoutError: query[0] took too long, TimeoutError: query[1] took too long, \
             PoolTimeout: req[4] found no free connection, TimeoutError: query[2] took too long])",
        )],
    ))
    .check(
        Check::new(
            "transfers-all-or-nothing",
            Aspect::Functional,
            "alice's debit and bob's credit are one transaction: commit both together once \
             the remote debit succeeded, and nothing when it failed or was cancelled",
            |r| {
                let want: Vec<Vec<String>> = match r.plan_name.as_deref() {
                    Some("none") => vec![vec!["alice".to_owned(), "bob".to_owned()]],
                    _ => Vec::new(),
                };
                match committed(r) {
                    got if got == want => Ok(()),
                    got => Err(Miss::run(
                        format!("committed on accounts: {want:?}"),
                        format!("committed on accounts: {got:?}"),
                    )),
                }
            },
        )
        .only(&["none", "transfer-fails", "transfer-cancelled"]),
    )
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
            ("pool-busy", 700),
        ],
    ))
    .checks(Check::lifecycle())
    // Every single-fault plan too: the query deadline and the pool wait bound every wait,
    // so even a hang cannot stall the server.
    .sweep(&[
        "no-orphans",
        "no-swallowed-errors",
        "no-discarded-errors",
        "no-stalled-tasks",
        "no-tasks-dropped-at-shutdown",
        "no-untracked-tasks",
        "no-leaked-connections",
        "no-partial-writes",
        "no-panics",
    ])
    // A cancel of a request at every 25 ms, and pairs of faults: no connection leaked, no partial write.
    .family(
        Family::new(&[
            "no-orphans",
            "no-swallowed-errors",
            "no-discarded-errors",
            "no-stalled-tasks",
            "no-tasks-dropped-at-shutdown",
            "no-untracked-tasks",
            "no-leaked-connections",
            "no-partial-writes",
            "no-panics",
        ])
        .cancels("req[1]", 25, 400)
        .faults(4, 2),
    )
    .expect_fail(
        "unstructured",
        &[
            "surfaces-only-the-faults",
            "gives-up-on-a-busy-pool",
            "done-within-budget",
            "no-leaked-connections",
            "no-partial-writes",
            "matches-the-reference",
        ],
    )
    // What every correct solution shows as the reference does (recorded data).
    .differential(
        vec![
            Observation::result(),
            Observation::committed("transactions committed", "accounts"),
            Observation::hits("queries", "query"),
        ],
        include_str!("../reference.txt"),
    )
    // faultline:author-only begin
    .gallery(crate::gallery::entries())
    .right(crate::right::entries())
    // faultline:author-only end
}
