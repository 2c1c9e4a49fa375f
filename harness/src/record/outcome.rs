//! The words of the verdicts that the ledger records: how a task ended ([`Outcome`]), what
//! cancelled it ([`CancelCause`]), and what became of a failure ([`Fate`]). The report
//! shows them; the ledger knows nothing of the report.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

/// How a task's future ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A plain tokio task (spawned with `tokio::spawn`, `JoinSet::spawn`, a library's
    /// spawn) that ended: completed, failed or aborted — its output is not seen.
    Ended,
    /// Returned `Ok`, or a value that is not a `Result`.
    Completed,
    /// Returned `Err`, of any error type.
    Failed,
    /// Panicked.
    Panicked,
    /// Its future was dropped before it finished: `abort()`, a dropped or `abort_all`ed
    /// `JoinSet`, the plan's `cancel`, a `cancel` fault. A task that *returns* because its
    /// token fired is not cancelled: it keeps the outcome of what it returned.
    Cancelled,
    /// Still running when the runtime was dropped at the end of the run.
    DroppedAtShutdown,
    /// Still pending when the deadline passed with the body unfinished.
    Stalled,
}

/// What dropped a task's future before it finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelCause {
    /// `abort()`, or its `JoinSet` was dropped or `abort_all`ed.
    Aborted,
    /// The plan's `cancel(task)` event.
    Plan,
    /// A `cancel` action at this fault point.
    Fault(String),
}

/// What became of a failure: an `Err` a task returned, a traced error, or a panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// Delivered to code that read it (formatted it, asked its kind, converted it, …).
    Read,
    /// Not read, not dropped by the end of the run (still held somewhere).
    Unread,
    /// The harness cannot see whether it was delivered: an error type it does not trace,
    /// returned while the task's owning scope was still open.
    Untraced,
    /// Delivered, then dropped without being read (`let _ = h.await`, `Err(_) =>`,
    /// `.ok()`, results never checked).
    Discarded,
    /// Never delivered to any code: its handle was dropped or detached, its `JoinSet` was
    /// dropped before `join_next` returned it, nobody joined it.
    Swallowed,
}

impl Fate {
    /// Whether this fate is a bad verdict (swallowed or discarded).
    pub fn is_bad(self) -> bool {
        matches!(self, Fate::Discarded | Fate::Swallowed)
    }
}

/// Whose panic a `panicked` task's is, as the judge decides: only [`PanicSource::Raised`]
/// counts as PANICKED (`harness/DEFINITIONS.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PanicSource {
    /// Raised by the code under test (or by the body): a bug, PANICKED.
    Raised,
    /// The plan's `panic(..)` fault.
    Plan,
    /// A `panic!` written in the `#[faultline_harness::test]` function itself: the test's
    /// own fault, as the plan's (a failing assertion or `unwrap()` there is `Raised`).
    Test,
    /// Another task's panic carried on with `resume_unwind`: counted where it was raised.
    Reraised,
}

/// Whole virtual milliseconds.
pub(crate) fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Ended => "ended",
            Outcome::Completed => "completed",
            Outcome::Failed => "failed",
            Outcome::Panicked => "panicked",
            Outcome::Cancelled => "cancelled",
            Outcome::DroppedAtShutdown => "dropped at shutdown",
            Outcome::Stalled => "stalled",
        })
    }
}

impl fmt::Display for CancelCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CancelCause::Aborted => f.write_str("aborted"),
            CancelCause::Plan => f.write_str("by the plan"),
            CancelCause::Fault(at) => write!(f, "by fault at {at}"),
        }
    }
}

impl fmt::Display for Fate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fate::Read => "observed",
            Fate::Unread => "unread",
            Fate::Untraced => "untraced error",
            Fate::Discarded => "DISCARDED",
            Fate::Swallowed => "SWALLOWED",
        })
    }
}

/// How a wait for a pool ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitOutcome {
    /// It got a connection.
    Acquired,
    /// The acquire was dropped while waiting (a timeout, or its task was cancelled).
    GaveUp,
    /// Still waiting when the run ended.
    StillWaiting,
}

/// How a transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TxOutcome {
    /// `commit()`.
    Committed,
    /// `rollback()`.
    RolledBack,
    /// Its guard was dropped before a commit: rolled back by `Drop`.
    RolledBackOnDrop,
    /// Neither committed nor rolled back: a **partial write**.
    Partial,
}
