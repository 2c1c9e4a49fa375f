//! Recording a run: the ledger of tasks, errors and hits, and the wrappers that feed it
//! (tracked spawns, traced errors, task names).

// The per-run ledger.
pub(crate) mod ledger;
// The ledger's append-only task list.
pub(crate) mod chunked;
// Tracked spawning over real tokio handles, sets and trackers.
pub(crate) mod task;
// Blocking jobs (`spawn_blocking`), seen through tokio's own spans.
pub(crate) mod jobs;
// How a plain tokio task ended, from its last poll and tokio's span around it.
pub(crate) mod window;
// An error that knows whether anybody looked at it.
pub(crate) mod failure;
// Task names.
pub(crate) mod name;
// How tasks end and what becomes of failures: the verdicts' words.
pub(crate) mod outcome;
