//! The resource ledger: what every pool, gauge and store in a run did, and its report.
//!
//! Resources are registered in the run's ledger when created ([`Pool::new`](crate::Pool::new),
//! [`Gauge::new`](crate::Gauge::new), [`Store::new`](crate::Store::new)); their handles keep
//! only the run id and an index, like task wrappers do. Every event is stamped with the
//! virtual time and the tracked task being polled, so a report can say who took a
//! connection, since when, and whether it came back.

// A pool of connections over a real `Semaphore`.
pub(crate) mod pool;
// A simulated transactional store.
pub(crate) mod store;
// A level with a peak.
pub(crate) mod gauge;

use std::time::Duration;

use serde::Serialize;

use crate::record::ledger::{self, Ledger, TaskIx};
use crate::record::outcome::ms;
pub use crate::record::outcome::{TxOutcome, WaitOutcome};
use crate::record::resources::{KindRec, LeaseFate, ResourceRec};

/// Index of a resource in its run's ledger.
pub(crate) type ResIx = u32;

/// A resource's handle into its run's ledger: `None` outside a run.
pub(crate) type Handle = Option<(u64, ResIx)>;

/// Registers a resource in this thread's run, if there is one.
pub(crate) fn register(name: String, kind: KindRec) -> Handle {
    ledger::with(|l| {
        let ix = l.resources.len() as ResIx;
        l.resources.push(ResourceRec { name, kind });
        (l.run, ix)
    })
}

/// Runs `f` on the resource's record with the virtual time and the task being polled.
pub(crate) fn with<R>(
    handle: Handle,
    f: impl FnOnce(&mut KindRec, Duration, Option<TaskIx>) -> R,
) -> Option<R> {
    let (run, ix) = handle?;
    ledger::with_run(run, |l| {
        let now = l.now();
        // A tracked task, or else the plain task tokio is polling.
        let task = l.current();
        f(&mut l.resources[ix as usize].kind, now, task)
    })
}

/// The name of a task of the resource's run, for log lines (`-` when unknown).
pub(crate) fn task_name(handle: Handle, task: Option<TaskIx>) -> String {
    handle
        .zip(task)
        .and_then(|((run, _), ix)| ledger::with_run(run, |l| l.task_name(ix).to_owned()))
        .unwrap_or_else(|| "-".to_owned())
}

// ---------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------

/// One resource's story in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResourceReport {
    /// A pool of a fixed number of connections (or handles, or permits).
    Pool(PoolReport),
    /// A level that goes up and down, such as items held in memory.
    Gauge(GaugeReport),
    /// A transactional store.
    Store(StoreReport),
}

/// A pool: who took what, who returned it, who waited, whether it ran dry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolReport {
    /// Its name.
    pub name: String,
    /// How many can be in use at once.
    pub capacity: usize,
    /// Most in use at once.
    pub peak_in_use: usize,
    /// Virtual ms at which it first ran dry: an acquire found nothing free and had to wait.
    pub exhausted_ms: Option<u64>,
    /// Every acquisition, in order.
    pub leases: Vec<LeaseReport>,
    /// Every acquire that had to wait, in order.
    pub waits: Vec<WaitReport>,
}

/// One acquisition from a pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaseReport {
    /// The task that took it.
    pub task: Option<String>,
    /// Virtual ms when it was taken.
    pub acquired_ms: u64,
    /// Taken with a manual `checkout` (returned only by `checkin`) rather than a guard.
    pub manual: bool,
    /// Virtual ms when it came back to the pool, if it did.
    pub returned_ms: Option<u64>,
    /// The task that gave it back (dropped the guard, or called `checkin`), if a task did:
    /// not always the one that took it, since a guard can be moved to another task.
    pub returned_by: Option<String>,
    /// Never returned: the pool is one short for the rest of the run.
    pub leaked: bool,
    /// For a leak: virtual ms when its last handle was dropped without a check-in.
    pub lost_ms: Option<u64>,
}

/// An acquire that found the pool dry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitReport {
    /// The task that waited.
    pub task: Option<String>,
    /// Virtual ms when it started waiting.
    pub from_ms: u64,
    /// Virtual ms when the wait ended, if it did.
    pub until_ms: Option<u64>,
    /// How the wait ended.
    pub outcome: WaitOutcome,
}

/// A gauge: its peak and where it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GaugeReport {
    /// Its name.
    pub name: String,
    /// Highest level.
    pub peak: u64,
    /// Virtual ms when the peak was first reached.
    pub peak_ms: u64,
    /// Total added over the run.
    pub added: u64,
    /// Level at the end of the run.
    pub final_value: u64,
}

/// A transactional store: every transaction and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreReport {
    /// Its name.
    pub name: String,
    /// Every transaction, in the order begun.
    pub transactions: Vec<TxReport>,
}

/// One transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TxReport {
    /// The task that began it.
    pub task: Option<String>,
    /// Virtual ms when it began.
    pub begun_ms: u64,
    /// The keys written, in order.
    pub writes: Vec<String>,
    /// How it ended.
    pub outcome: TxOutcome,
    /// Virtual ms when it ended (for a partial write: when its handle was dropped, if it was).
    pub ended_ms: Option<u64>,
}

impl ResourceReport {
    /// The resource's name.
    pub fn name(&self) -> &str {
        match self {
            ResourceReport::Pool(p) => &p.name,
            ResourceReport::Gauge(g) => &g.name,
            ResourceReport::Store(s) => &s.name,
        }
    }

    /// Connections never returned (pools only).
    pub fn leaked(&self) -> usize {
        match self {
            ResourceReport::Pool(p) => p.leases.iter().filter(|l| l.leaked).count(),
            _ => 0,
        }
    }

    /// Transactions left neither committed nor rolled back (stores only).
    pub fn partial_writes(&self) -> usize {
        match self {
            ResourceReport::Store(s) => s
                .transactions
                .iter()
                .filter(|t| t.outcome == TxOutcome::Partial)
                .count(),
            _ => 0,
        }
    }
}

pub(crate) fn build(ledger: &Ledger) -> Vec<ResourceReport> {
    let name = |ix: Option<TaskIx>| ix.map(|ix| ledger.task_name(ix).to_owned());
    ledger
        .resources
        .iter()
        .map(|r| match &r.kind {
            KindRec::Pool(p) => ResourceReport::Pool(PoolReport {
                name: r.name.clone(),
                capacity: p.capacity,
                peak_in_use: p.peak,
                exhausted_ms: p.exhausted.map(ms),
                leases: p
                    .leases
                    .iter()
                    .map(|l| LeaseReport {
                        task: name(l.task),
                        acquired_ms: ms(l.acquired),
                        manual: l.manual,
                        returned_ms: match l.fate {
                            LeaseFate::Returned(at, _) => Some(ms(at)),
                            _ => None,
                        },
                        returned_by: match l.fate {
                            LeaseFate::Returned(_, by) => name(by),
                            _ => None,
                        },
                        leaked: !matches!(l.fate, LeaseFate::Returned(..)),
                        lost_ms: match l.fate {
                            LeaseFate::Lost(at) => Some(ms(at)),
                            _ => None,
                        },
                    })
                    .collect(),
                waits: p
                    .waits
                    .iter()
                    .map(|w| WaitReport {
                        task: name(w.task),
                        from_ms: ms(w.from),
                        until_ms: w.until.map(|(at, _)| ms(at)),
                        outcome: w.until.map_or(WaitOutcome::StillWaiting, |(_, o)| o),
                    })
                    .collect(),
            }),
            KindRec::Gauge(g) => ResourceReport::Gauge(GaugeReport {
                name: r.name.clone(),
                peak: g.peak,
                peak_ms: ms(g.peak_at),
                added: g.added,
                final_value: g.value,
            }),
            KindRec::Store(s) => ResourceReport::Store(StoreReport {
                name: r.name.clone(),
                transactions: s
                    .txs
                    .iter()
                    .map(|t| TxReport {
                        task: name(t.task),
                        begun_ms: ms(t.begun),
                        writes: t.writes.clone(),
                        outcome: t.fate.map_or(TxOutcome::Partial, |(_, o)| o),
                        ended_ms: t.fate.map(|(at, _)| ms(at)),
                    })
                    .collect(),
            }),
        })
        .collect()
}
