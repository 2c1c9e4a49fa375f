//! Recording a run: the ledger of tasks, errors and hits, and the wrappers that feed it
//! (tracked spawns, traced errors, task names).

/// Index of a task in its run's ledger.
pub(crate) type TaskIx = u32;

// The per-run ledger.
pub(crate) mod ledger;
// The run's clock, read at most once a poll.
pub(crate) mod clock;
// tokio's task hooks: rows for plain tasks, and their ends.
pub(crate) mod hooks;
// What pools, gauges and stores did.
pub(crate) mod resources;
// The ledger's append-only task list.
pub(crate) mod chunked;
// Tracked spawning over real tokio handles, sets and trackers.
pub(crate) mod task;
// Blocking jobs (`spawn_blocking`), seen through tokio's own spans.
pub(crate) mod jobs;
// What blocking threads queue for the run's thread.
pub(crate) mod job_queue;
// Plain tokio tasks' rows by tokio id.
pub(crate) mod plain_ids;
// How a plain tokio task ended, from its last poll and tokio's span around it.
pub(crate) mod window;
// An error that knows whether anybody looked at it.
pub(crate) mod failure;
// Task names.
pub(crate) mod name;
/// Where the code under test spawned a task tokio spawned for it (`collect()` into a `JoinSet`).
pub(crate) mod place;
// How tasks end and what becomes of failures: the verdicts' words.
pub(crate) mod outcome;
// A task's panic: its payload, its message, where it happened.
pub(crate) mod panics;
// Error text without what depends on the environment (backtraces).
pub(crate) mod error_text;
// Timing a poll in wall time: did it block the executor's thread?
pub(crate) mod probe;
