//! The one list of bad verdicts. Each is defined once, here: its text label, its count in
//! the [`Summary`], its line in [`Report::problems`], its term in [`Report::is_clean`], its
//! lifecycle check in rubrics, its sweep column, and its reason in a failed
//! `#[faultline::test]` all read this list.
//!
//! [`Report::problems`]: crate::Report::problems
//! [`Report::is_clean`]: crate::Report::is_clean

use crate::record::outcome::{Fate, Outcome};
use crate::report::{Summary, TaskReport};

/// A bad verdict: something that makes a run not clean.
#[derive(Debug, Clone, Copy)]
pub struct Verdict {
    /// Its short name: the sweep column and the JSON name (`swallowed`).
    pub key: &'static str,
    /// The label the text report prints where it happened (`SWALLOWED`); it appears in a
    /// report if and only if the count is not zero.
    pub label: &'static str,
    /// Its row in a comparison's counts (`swallowed`, `panics not the plan's`).
    pub noun: &'static str,
    /// The rubrics' lifecycle check for it (`no-swallowed-errors`).
    pub check: &'static str,
    /// How [`Report::problems`](crate::Report::problems) says it, for one and for several.
    pub one: &'static str,
    /// …and for several.
    pub many: &'static str,
    /// The rubric's hint when the check fails.
    pub hint: &'static str,
    /// What the rubric expected of each task.
    pub expected: &'static str,
    /// Its count in the summary.
    pub count: fn(&Summary) -> usize,
    /// Whether a task's row shows it (for a rubric's per-task message).
    pub on_task: fn(&TaskReport) -> bool,
}

/// Every bad verdict, in the order reports list them.
pub const VERDICTS: [Verdict; 12] = [
    Verdict {
        key: "swallowed",
        label: "SWALLOWED",
        noun: "swallowed",
        check: "no-swallowed-errors",
        one: "failure was swallowed (an Err or panic never delivered to any code)",
        many: "failures were swallowed (Errs or panics never delivered to any code)",
        hint: "every task's Err or panic must reach someone: await its handle (or join_next) \
               and return or collect the error instead of dropping the handle or the set",
        expected: "its Err or panic delivered to the code that awaited it",
        count: |s| s.swallowed,
        on_task: |t| t.fate == Some(Fate::Swallowed),
    },
    Verdict {
        key: "discarded",
        label: "DISCARDED",
        noun: "discarded",
        check: "no-discarded-errors",
        one: "failure was discarded (delivered, then dropped unread)",
        many: "failures were discarded (delivered, then dropped unread)",
        hint: "an error that reaches your code must be read: return it, collect it, log it or \
               count it — not `let _ =`, `Err(_) =>` or `.ok()`",
        expected: "its error read by the code it was delivered to",
        count: |s| s.discarded,
        on_task: |t| t.fate == Some(Fate::Discarded),
    },
    Verdict {
        key: "outlived",
        label: "OUTLIVED",
        noun: "outlived",
        check: "no-orphans",
        one: "task outlived its owning scope",
        many: "tasks outlived their owning scope",
        hint: "a task that outlives the scope that owns it is an orphan: keep every task in a \
               scope (a JoinSet, a TaskTracker you wait on, a token its owner's drop guard \
               fires) and end the scope only when all of them have ended or been stopped",
        expected: "ended (or was stopped by its scope) before its owning scope closed",
        count: |s| s.outlived,
        on_task: |t| t.outlived_scope,
    },
    Verdict {
        key: "stalled",
        label: "STALLED",
        noun: "stalled",
        check: "no-stalled-tasks",
        one: "task stalled (still pending at the deadline)",
        many: "tasks stalled (still pending at the deadline)",
        hint: "something waits for an event that never comes: every wait needs a wake-up \
               (a timeout, a cancellation, a sender that is dropped)",
        expected: "ended before the virtual deadline",
        count: |s| s.stalled,
        on_task: |t| t.outcome == Outcome::Stalled,
    },
    Verdict {
        key: "spinning",
        label: "SPINNING",
        noun: "spinning",
        check: "no-spinning-tasks",
        one: "task kept the runtime busy while the paused clock could not move (a livelock)",
        many: "tasks kept the runtime busy while the paused clock could not move (a livelock)",
        hint: "a task that is always ready again (a loop that yields only through tokio's co-op \
               budget, or polls a flag with yield_now) never lets the runtime go idle, so the \
               paused clock never moves and no timeout ever fires: wait on something that \
               wakes it (a channel, a Notify, a sleep) instead",
        expected: "waited (let the runtime go idle) instead of spinning",
        count: |s| s.spinning,
        on_task: |t| t.detail.as_deref() == Some(crate::run::spin::SPINNING_DETAIL),
    },
    Verdict {
        key: "dropped_at_shutdown",
        label: "DROPPED AT SHUTDOWN",
        noun: "dropped at shutdown",
        check: "no-tasks-dropped-at-shutdown",
        one: "task was dropped at shutdown",
        many: "tasks were dropped at shutdown",
        hint: "a task was still running when everything else had ended: wait for it or cancel \
               it before returning",
        expected: "ended before the runtime shut down",
        count: |s| s.dropped_at_shutdown,
        on_task: |t| t.outcome == Outcome::DroppedAtShutdown,
    },
    Verdict {
        key: "untracked",
        label: "UNTRACKED",
        noun: "untracked",
        check: "no-untracked-tasks",
        one: "task had no row (past the ledger's cap, or a plain tokio spawn without --cfg \
              tokio_unstable): spawned, never judged",
        many: "tasks had no row (past the ledger's cap, or plain tokio spawns without --cfg \
               tokio_unstable): spawned, never judged",
        hint: "the harness could not see these tasks one by one: raise Builder::max_tasks, or \
               build with --cfg tokio_unstable so that tokio's task hooks show every task",
        expected: "every task seen and judged",
        count: |s| s.untracked,
        on_task: |_| false,
    },
    Verdict {
        key: "blocked",
        label: "BLOCKED",
        noun: "blocked the executor",
        check: "no-blocked-executor",
        one: "task blocked the executor",
        many: "tasks blocked the executor",
        hint: "a synchronous call that takes real time (a blocking driver, a file read, a slow \
               hash) stops every task on the executor's thread while it runs: run it on the \
               blocking pool (spawn_blocking)",
        expected: "never blocked the executor thread",
        count: |s| s.blocking,
        on_task: |t| t.blocking_polls > 0,
    },
    Verdict {
        key: "leaked",
        label: "LEAKED",
        noun: "leaked",
        check: "no-leaked-connections",
        one: "connection leaked",
        many: "connections leaked",
        hint: "a connection must go back to the pool on every path out of a request (`?`, a \
               timeout, a cancellation, a panic): only a guard's Drop runs on all of them",
        expected: "every connection back in the pool",
        count: |s| s.leaked_resources.unwrap_or(0),
        on_task: |_| false,
    },
    Verdict {
        key: "partial_writes",
        label: "PARTIAL WRITE",
        noun: "partial writes",
        check: "no-partial-writes",
        one: "transaction left a partial write",
        many: "transactions left partial writes",
        hint: "a transaction must end committed or rolled back, even when its task is \
               cancelled mid-way or dropped at shutdown: code after an .await does not run \
               then, but Drop does",
        expected: "every transaction committed or rolled back",
        count: |s| s.partial_writes.unwrap_or(0),
        on_task: |_| false,
    },
    Verdict {
        key: "not_deterministic",
        label: "NOT DETERMINISTIC",
        noun: "not deterministic",
        check: "deterministic",
        one: "run was not deterministic: tokio's scheduler was not seeded (built without --cfg \
              tokio_unstable); add to .cargo/config.toml: [build] rustflags = [\"--cfg\", \"tokio_unstable\"]",
        many: "runs were not deterministic: tokio's scheduler was not seeded (built without \
               --cfg tokio_unstable); add to .cargo/config.toml: [build] rustflags = [\"--cfg\", \"tokio_unstable\"]",
        hint: "without --cfg tokio_unstable the harness cannot seed tokio's scheduler (select!, \
               watch wake order) nor see its task hooks: add to .cargo/config.toml: \
               [build] rustflags = [\"--cfg\", \"tokio_unstable\"]",
        expected: "a seeded scheduler (--cfg tokio_unstable)",
        count: |s| s.not_deterministic,
        on_task: |_| false,
    },
    Verdict {
        key: "panicked",
        label: "PANICKED",
        noun: "panics not the plan's",
        check: "no-panics",
        one: "panic that was not the plan's (a task panicked on its own, or the body panicked)",
        many: "panics that were not the plan's (tasks panicked on their own, or the body panicked)",
        hint: "a panic is a bug, not an error path: unwrap(), expect() and indexing panic when \
               a sibling is cancelled or a call fails; match the JoinError or the Err and \
               return it instead",
        expected: "no panic (only the plan's own panic(..) faults may panic, and not in the body)",
        count: |s| s.panics,
        on_task: crate::report::judge::is_own_panic,
    },
];
