//! # awaitables: a hand-written future that loses its wake-up (lesson 04, custom awaitables)
//!
//! A one-shot signal written by hand: a `Sender` sets a flag and wakes the receiver; the
//! `Receiver` is a hand-written `impl Future`. A `waiter` task awaits the receiver; a
//! `sender` task sends after 100 ms of virtual time (passing the fault point `send`).
//!
//! | variant | the `Receiver::poll` | what happens |
//! |---|---|---|
//! | `unstructured` | returns `Pending` without storing the waker | nobody can wake the waiter: **stalled** |
//! | `unstructured_racy` | checks the flag, *then* stores the waker | fine on one thread; loses the wake-up when the send lands between the two steps on another thread |
//! | `structured` | stores the waker, *then* checks the flag; a dropped sender wakes it too | correct |
//!
//! ## What the snapshots show
//! - `unstructured`: the waiter and the caller are **stalled** at the deadline: the sender
//!   completed at 100 ms, but its wake went nowhere.
//! - `unstructured_racy`: completes like `structured` — a current-thread runtime polls one
//!   task at a time, so the race cannot happen here. Only a model checker sees it:
//!   `tests/loom.rs` runs the racy signal under loom, which finds the interleaving (and the
//!   correct one passes every interleaving). Run it with
//!   `RUSTFLAGS="--cfg loom --cfg tokio_unstable" cargo test -p scenario-awaitables --test loom --release`
//!   (CI does, in its own target dir).
//! - `send-fails`: the sender fails before sending and drops its half, which closes the
//!   channel. `structured` and `unstructured_racy` wake the waiter with `Closed`, and the
//!   caller returns both errors; `unstructured` stalls, and the sender's error is swallowed
//!   with the stalled caller that would have read it.
//! <!-- faultline:author-only begin -->
//! - `tests/stepping.rs` steps each receiver by hand with tokio-test: `assert_pending!`, send,
//!   then `is_woken()` tells the forgetful one from the correct one without any runtime.
//! <!-- faultline:author-only end -->
//!
//! ## What a correct solution promises
//! Each promise is one check of the rubric, measured by the scenario (the send's fault
//! point, the waiter's task row), never by the learner's own counts:
//! - **the waiter is woken** once the signal is sent, by the waker that polled it last
//!   (`returns-woken`, `no-stalled-tasks`): a stored no-op waker, or a waker stored only
//!   at the first poll, leaves it pending;
//! - a sender dropped unsent completes the waiter with `Err(Closed)`, surfaced
//!   (`surfaces-the-closed-channel`), never a panic (`no-panics`);
//! - done within the reference's virtual time (`done-within-budget`).
//!
//! ## The exercise
//! The learner writes `signal::Receiver::poll` (the rubric is in `src/rubric.rs`). The
//! rubric rejects `unstructured` (stalled, error swallowed) but cannot reject
//! `unstructured_racy`: on one thread it behaves exactly like `structured`, so it is
//! declared caught elsewhere, by `tests/loom.rs`, which a check-then-register `poll` fails.
//!
//! ## Python counterpart
//! Python's `__await__` yields to the loop and relies on a `Future`'s callbacks; a custom
//! awaitable that never schedules its callback hangs the same way. asyncio has one thread,
//! so the check-then-register race is a Rust (multi-threaded runtime) concern: on tokio's
//! multi-thread runtime the sender can run on another worker in the middle of a poll.

use std::time::Duration;

use faultline_harness::{Failure, Scenario, point, spawn};

pub use rubric::rubric;

pub mod forgetful;
// faultline:author-only begin
pub mod gallery;
pub mod right;
// faultline:author-only end
pub mod racy;
mod rubric;
mod sender;
pub mod signal;
pub mod structured;
mod sync;
pub mod unstructured;
pub mod unstructured_racy;

/// What the caller returns: what the waiter saw, or every error (the waiter's and the sender's).
pub type Waited = Result<&'static str, Vec<Failure>>;

/// Sends after 100 ms, passing the fault point `send`; on failure drops the sender unsent.
pub async fn send_later<S: FnOnce()>(send: S) -> Result<(), Failure> {
    tokio::time::sleep(Duration::from_millis(100)).await;
    point("send").await?;
    send();
    Ok(())
}

/// The waiter's verdict on a receiver's output.
pub fn seen(received: Result<(), signal::Closed>) -> Result<&'static str, Failure> {
    received
        .map(|()| "woken")
        .map_err(|_| Failure::new("Closed", "the sender was dropped without sending"))
}

/// Spawns the waiter and the sender around one signal channel, and waits for the waiter.
pub async fn wait_for<R, S>(receiver: R, send: S) -> Waited
where
    R: Future<Output = Result<(), signal::Closed>> + Send + 'static,
    S: FnOnce() + Send + 'static,
{
    let waiter = spawn("waiter", async move { seen(receiver.await) });
    let sender = spawn("sender", send_later(send));
    let seen = waiter.await.map_err(Failure::from).and_then(|r| r);
    let sent = sender.await.map_err(Failure::from).and_then(|r| r);
    match (seen, sent) {
        (Ok(seen), Ok(())) => Ok(seen),
        (seen, sent) => Err(seen.err().into_iter().chain(sent.err()).collect()),
    }
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> Scenario {
    Scenario::new("awaitables", "a hand-written future that loses its wake-up")
        .root("caller")
        // A lost wake-up leaves the runtime idle with nothing that could ever wake it:
        // every variant here waits on tasks of the run alone, never on a thread outside it.
        // So a stalled run need not wait the default second of wall time before its
        // deadline comes (the report is the same: `Builder::idle_grace`). 100 ms still
        // lets a solution that hands its wake-up to a `std::thread` answering within that
        // time be judged as it is.
        .setup(|b| {
            b.idle_grace(Duration::from_millis(100));
        })
        .variant("unstructured", |b| b.run(unstructured::caller))
        .variant("unstructured_racy", |b| b.run(unstructured_racy::caller))
        .variant("structured", |b| b.run(structured::caller))
        .plan("none", "none")
        .plan("send-fails", "send=error(BrokenPipe)")
}
