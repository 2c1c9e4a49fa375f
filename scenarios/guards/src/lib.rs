//! # guards: async context managers → RAII guards (lesson 02)
//!
//! A server with a pool `db` of 2 connections receives a request `req[i]` every 100 ms
//! (six in all); each takes a connection (waiting at most 120 ms for one), runs a 150 ms
//! query under a 300 ms deadline (fault point `query[i]`), and gives the connection back.
//! Beside them, a `transfer` task moves money from alice to bob in one transaction on the
//! store `accounts`: it writes alice, awaits a 100 ms remote debit (fault point `debit`),
//! writes bob and commits. The server awaits every task in a `JoinSet` and returns every
//! error, so the only difference between the variants is how cleanup is written.
//!
//! | variant | Python | tokio |
//! |---|---|---|
//! | `unstructured` | `conn = await pool.acquire()` … `await pool.release(conn)`; `BEGIN` … `COMMIT` with `except Exception: rollback` | `pool.checkout()` … `pool.checkin(conn)`; `store.begin()` … `tx.commit()`, rollback on the `Err` path |
//! | `structured` | `async with pool.acquire() as conn:`; `async with conn.transaction():` | `pool.lease()` → a `Lease` guard; `store.transaction()` → a `TxGuard` |
//!
//! ## What the snapshots show
//! - `query-fails` (`query[0]` errors): the `?` skips `checkin`. `unstructured` leaks the
//!   connection `req[0]` checked out at 0 ms (dropped without a check-in at 150 ms); the
//!   pool is one short for the rest of the run, runs dry at 200 ms, `req[2]`, `req[3]` and
//!   `req[5]` wait for the one connection left and `req[4]` gives up after 120 ms
//!   (`PoolTimeout` at 520 ms). `structured`: the `Lease` goes back on the `?`; nobody waits.
//! - `query-times-out` (`query[1]` delayed 1 s, the deadline fires at 400 ms): the timeout's
//!   `?` skips `checkin` too; `req[5]` fails with `PoolTimeout` at 620 ms.
//! - `request-cancelled` (`req[1]` aborted at 150 ms): cancelling a task drops its future at
//!   its `.await`, and no line after it runs, so `checkin` never happens: leaked at 150 ms.
//! - `pool-exhausted` (both of the above): two leaks, the pool is empty from 150 ms on, and
//!   **every** later request fails with `PoolTimeout` (only the transfer completes).
//!   `structured` serves all four.
//! - `transfer-fails` (`debit` errors): both variants roll back on the `Err` path: the
//!   manual code is right as long as the failure is an error.
//! - `transfer-cancelled` (`transfer` aborted at 50 ms, mid-debit): `unstructured` leaves a
//!   **partial write** — alice written, neither committed nor rolled back; `structured`'s
//!   `TxGuard` is rolled back by its `Drop` at 50 ms.
//! - The sweep (`cargo run -- sweep guards`, 35 single-fault plans): `unstructured` leaks a
//!   connection under 30 of them (every error, delay, hang, panic or cancel at a query; a
//!   delay or hang passes the deadline) and leaves a partial write under 2 (a panic or a
//!   cancel at `debit`); `structured` is clean under all 35.
//!
//! ## What a correct solution promises
//! Each promise is one check of the rubric, measured by the scenario's instruments (the
//! pool `db`'s leases, the store `accounts`, the fault points `query[i]` and `debit`), not
//! by the learner's own counts:
//! - **a connection is held only while it is used**: back in the pool the instant its query
//!   ends, or when its deadline passes (`holds-a-connection-only-while-querying`);
//! - no connection leaked on any path, a `?`, a timeout, a cancel, a panic (`no-leaked-connections`);
//! - the transfer all or nothing, never a partial write (`transfers-all-or-nothing`, `no-partial-writes`);
//! - every error surfaced, and only the injected ones (`surfaces-only-the-faults`);
//! - a request gives up on a busy pool in time (`gives-up-on-a-busy-pool`), and the run is
//!   done within the reference's virtual time (`done-within-budget`).
//!
//! <!-- faultline:author-only begin -->
//! ## Mutants the rubric cannot reject (`python3 tests/mutants.py guards`)
//! Each is equivalent: no report, under any plan, can tell it from the reference.
//! - remove `drop(conn)`: the lease is dropped at the `Ok(())` just after, at the same
//!   virtual instant, with nothing awaited in between.
//! - delete `tx.rollback()`: the `TxGuard`'s `Drop` rolls back on the `return Err` just
//!   after, at the same instant: the store records the same rollback.
//!
//! <!-- faultline:author-only end -->
//! ## The cleanup pattern: RAII, and synchronous rollback in `Drop`
//! Rust has no async `Drop`, so neither guard awaits anything when dropped: `Lease` returns
//! its semaphore permit (a plain function call), and `TxGuard` discards the uncommitted
//! writes synchronously. A spawned cleanup task was rejected: it is detached, can itself be
//! cancelled, never runs once the runtime is shutting down, and races with the connection's
//! next user (see `faultline_harness::Store` for the reasoning, and how sqlx does the same).
//!
//! ## How Rust differs from the course's Python
//! - In Python, cancellation is an exception (`CancelledError`) raised at the `await`, so
//!   a `try/finally` around a manual acquire/release *does* run on cancellation; only
//!   `except Exception` misses it (`CancelledError` is a `BaseException`). In Rust a
//!   cancelled future is dropped at its `.await`: no `finally`, no code after the `.await`
//!   at all. Only `Drop` runs, which is why the guard is the only cleanup that always
//!   happens.
//! - `__aexit__` can `await` a rollback; `Drop` cannot, so the guard's cleanup must be
//!   synchronous (or handed off), as above.

use std::future::Future;
use std::time::Duration;

use faultline_harness::{Failure, Pool, Scenario, Store, point, spawn_in};
use tokio::task::JoinSet;

pub use rubric::rubric;

// faultline:author-only begin
pub mod gallery;
pub mod right;
// faultline:author-only end
mod rubric;
pub mod structured;
pub mod unstructured;

/// What the server returns: how many of its tasks (requests and transfer) succeeded, or
/// every error it saw.
pub type Served = Result<usize, Vec<Failure>>;

/// Connections in the pool.
pub const CAPACITY: usize = 2;
/// Requests the server receives, one every [`ARRIVAL`].
pub const REQUESTS: usize = 6;
/// Time between two requests.
pub const ARRIVAL: Duration = Duration::from_millis(100);
/// Time a query takes.
pub const QUERY: Duration = Duration::from_millis(150);
/// How long a request waits for a free connection before it fails.
pub const POOL_WAIT: Duration = Duration::from_millis(120);
/// How long a query may take before the request gives up on it.
pub const QUERY_DEADLINE: Duration = Duration::from_millis(300);
/// Time the remote debit takes in the middle of the transfer.
pub const DEBIT: Duration = Duration::from_millis(100);

/// Runs query `i` on a connection: waits [`QUERY`], then passes the fault point `query[i]`.
pub async fn query(i: usize) -> Result<(), Failure> {
    tokio::time::sleep(QUERY).await;
    point("query").key(i).await
}

/// The remote half of the transfer: the fault point `debit` after [`DEBIT`], under a
/// deadline of [`QUERY_DEADLINE`].
pub async fn debit() -> Result<(), Failure> {
    let remote = async {
        tokio::time::sleep(DEBIT).await;
        point("debit").await
    };
    tokio::time::timeout(QUERY_DEADLINE, remote)
        .await
        .map_err(|_| Failure::new("TimeoutError", "the debit took too long"))?
}

/// The error of a request that found no free connection in time.
pub fn pool_timeout(i: usize) -> Failure {
    Failure::new("PoolTimeout", format!("req[{i}] found no free connection"))
}

/// The error of a request whose query passed its deadline.
pub fn query_timeout(i: usize) -> Failure {
    Failure::new("TimeoutError", format!("query[{i}] took too long"))
}

/// The server: a pool `db` of [`CAPACITY`], a store `accounts`; spawns the `transfer` at
/// once and request `req[i]` every [`ARRIVAL`], all in one `JoinSet`, then waits for every
/// one of them and returns every error (the same in both variants: only `request` and
/// `transfer` differ).
pub async fn serve<R, RF, T, TF>(request: R, transfer: T) -> Served
where
    R: Fn(Pool, usize) -> RF,
    RF: Future<Output = Result<(), Failure>> + Send + 'static,
    T: FnOnce(Store) -> TF,
    TF: Future<Output = Result<(), Failure>> + Send + 'static,
{
    let pool = Pool::new("db", CAPACITY);
    let store = Store::new("accounts");
    let mut set = JoinSet::new();
    spawn_in(&mut set, "transfer", transfer(store));
    for i in 0..REQUESTS {
        if i > 0 {
            tokio::time::sleep(ARRIVAL).await;
        }
        spawn_in(&mut set, ("req", i), request(pool.clone(), i));
    }
    let mut served = 0;
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(())) => served += 1,
            Ok(Err(err)) => errors.push(err),
            Err(join) => errors.push(Failure::from(join)),
        }
    }
    if errors.is_empty() {
        Ok(served)
    } else {
        Err(errors)
    }
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> Scenario {
    Scenario::new(
        "guards",
        "manual checkout/checkin and BEGIN/COMMIT vs RAII guards: leaked connections, partial writes",
    )
    .root("server")
    .variant("unstructured", |b| {
        b.run(|| serve(unstructured::request, unstructured::transfer))
    })
    .variant("structured", |b| {
        b.run(|| serve(structured::request, structured::transfer))
    })
    .plan("none", "none")
    .plan("query-fails", "query[0]=error(DbError)")
    .plan("query-times-out", "query[1]=delay(1s)")
    .plan("request-cancelled", "@150ms cancel(req[1])")
    .plan(
        "pool-exhausted",
        "query[0]=error(DbError); @150ms cancel(req[1])",
    )
    .plan("transfer-fails", "debit=error(DbError)")
    .plan("transfer-cancelled", "@50ms cancel(transfer)")
}
