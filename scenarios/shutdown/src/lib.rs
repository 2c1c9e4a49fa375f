//! # shutdown: graceful shutdown and backpressure (lesson 07, production architecture)
//!
//! A `producer` accepts 30 messages, one every 10 ms of virtual time (each passes the fault
//! point `produce[i]`), into a queue; a `consumer` writes each one to the store `db` in a
//! transaction that takes 30 ms (fault point `process[i]` before the commit). The consumer is
//! three times slower than the producer. The run's shutdown signal plays SIGTERM.
//!
//! This scenario runs like a real binary: when the body returns, the runtime is dropped at
//! once, as `#[tokio::main]` does when `main` returns (`Builder::exit_on_return`), so
//! whatever is still running is **dropped at shutdown**.
//!
//! | variant | Python | tokio |
//! |---|---|---|
//! | `unstructured` | unbounded `asyncio.Queue`; `main` returns on SIGTERM (or when input ends) and `asyncio.run` cancels the rest | `mpsc::unbounded_channel`; the caller returns on the shutdown signal or when the producer is done |
//! | `structured` | bounded `Queue(maxsize=4)`; on SIGTERM stop intake, drain the queue, then exit | `mpsc::channel(4)` (the producer waits when it is full: backpressure); a `CancellationToken` stops intake; the consumer drains until the channel closes; a `TaskTracker` waits for both |
//!
//! ## What the snapshots show
//! - `sigterm` (`@265ms shutdown`): `unstructured` exits at 265 ms with message 8's
//!   transaction half done — a **PARTIAL WRITE** — and 17 accepted messages still in the
//!   queue (the `queue` gauge ends at 17, its peak): lost. `structured` stops accepting at
//!   265 ms, sends the message it had already accepted (it waits for room: an accepted
//!   message is never dropped), finishes message 8, drains the few queued (the queue never
//!   holds more than 4), and exits when every offered message is committed: 14 of 14.
//! - `none`: the input ends after 300 ms. `unstructured` returns then, dropping the consumer
//!   with most of its backlog; `structured` drains everything (all 30 committed).
//! - `process-fails` (`process[3]` errors): `unstructured`'s consumer dies and its error is
//!   SWALLOWED with the detached handle, while the unbounded queue keeps filling;
//!   `structured` rolls message 3 back, surfaces the error, and its producer stops when the
//!   consumer's end of the channel closes.
//!
//! ## What a correct solution promises
//! Each promise is one check of the rubric, measured by the scenario's own instruments
//! (the fault points in `accept` and `process`, the store `db`, the `queue` gauge), never
//! by the learner's own counts, under the named plans and a generated family (a stop at
//! every 40 ms, pairs and triples of faults):
//! - **every offered message is committed or refused with an error the caller sees**
//!   (`commits-every-offered-message`): `Ok` only when as many transactions committed as
//!   `accept` handed over messages, whenever the stop comes. A producer that `try_send`s
//!   and drops a message when the queue is full breaks it with no fault at all; so does a
//!   send raced against the stop.
//! - a message whose processing failed leaves nothing committed (`rolls-back-the-failed-message`);
//! - the consumer's error reaches the caller (`surfaces-the-error`);
//! - the queue never holds more than `CAPACITY` (`bounded-queue`);
//! - done within the reference's virtual time under each plan (`done-within-budget`);
//! - no orphan, no swallowed or discarded error, no partial write, nothing dropped at
//!   shutdown (the lifecycle checks).
//!
//! <!-- faultline:author-only begin -->
//! ## Mutants the rubric cannot reject (`python3 tests/mutants.py shutdown`)
//! Each is equivalent for every promise above.
//! - delete `biased;`: the `select!` then picks a ready branch at random (seeded); either
//!   order still stops intake at the signal and commits or refuses every message.
//! - delete (or drop the `.await` of) the `PROCESS_TIME` sleep: the simulated work sits in
//!   the learner's region; faster is not wrong (every budget is an upper bound).
//! - delete (or drop the `.await` of) `tracker.wait()`: both handles are awaited just after,
//!   so nothing returns earlier.
//!
//! <!-- faultline:author-only end -->
//! ## How Rust differs from the course
//! - `asyncio.run` cancels leftover tasks when `main` returns, giving them a chance to run
//!   `finally:` blocks; tokio drops them, running only `Drop` (no async cleanup), which is why
//!   an un-ended transaction is a partial write here rather than a rollback.
//! - The transaction: `unstructured` writes with a manual `BEGIN`/`COMMIT` (`Store::begin`),
//!   rolled back only on an error it sees; `structured` uses the lesson 02 guard
//!   (`Store::transaction`), rolled back on `Drop`. The sweep shows why both fixes belong
//!   together: a cancel or a panic inside `process` leaves a partial write behind a manual
//!   transaction even when shutdown itself is graceful.
//! - Cancel safety: `mpsc::Receiver::recv` is cancel-safe, so using it as a `select!` branch
//!   loses nothing; a future that had taken a message off the queue and was dropped in
//!   `select!` would lose it. This scenario keeps to `recv` and does not stage that bug.

use std::time::Duration;

use faultline_harness::{Failure, Scenario, point};

pub use rubric::rubric;

// faultline:author-only begin
pub mod gallery;
pub mod right;
// faultline:author-only end
mod rubric;
pub mod structured;
pub mod unstructured;

/// Messages the producer accepts.
pub const MESSAGES: usize = 30;
/// Virtual time between two accepted messages.
pub const PRODUCE_EVERY: Duration = Duration::from_millis(10);
/// Virtual time one transaction takes.
pub const PROCESS_TIME: Duration = Duration::from_millis(30);
/// The structured variant's queue bound.
pub const CAPACITY: usize = 4;

/// What the caller returns: `Ok` when it stopped cleanly, or every error it saw.
pub type Stopped = Result<(), Vec<Failure>>;

/// Waits for message `i` to arrive.
pub async fn accept(i: usize) -> Result<usize, Failure> {
    tokio::time::sleep(PRODUCE_EVERY).await;
    point("produce").key(i).await?;
    Ok(i)
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> Scenario {
    Scenario::new(
        "shutdown",
        "graceful shutdown and backpressure: every message accounted for",
    )
    .root("main")
    .setup(|b| {
        b.exit_on_return(true);
    })
    .variant("unstructured", |b| b.run(unstructured::main))
    .variant("structured", |b| b.run(structured::main))
    .plan("none", "none")
    .plan("sigterm", "@265ms shutdown")
    .plan("process-fails", "process[3]=error(DbError)")
}
