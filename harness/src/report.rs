//! The report: plain data about one run. Rendering lives in `render.rs`.

// The text rendering: header, timeline, verdicts, errors, hits, summary.
pub(crate) mod render;
// Two renderings of one case, compared line by line.
pub(crate) mod compare;
// Pictures: a self-contained HTML page with SVG timelines and a sweep's heat map.
pub(crate) mod html;

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::record::ledger::{Delivery, Ledger, Looker, TaskIx};
use crate::record::name::Name;
use crate::resource::{self, ResourceReport};
use tokio::time::Instant;

/// What one run did, per task, per error and per fault-point hit. Plain data: compare it,
/// serialize it ([`Report::to_json`]), or print it (`Display` renders the text report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The scenario's name.
    pub scenario: String,
    /// The variant's name.
    pub variant: String,
    /// The seed of tokio's scheduler RNG for this run.
    pub seed: u64,
    /// The fault plan, in its text form.
    pub plan: String,
    /// The plan's name, when it came from a scenario's list of plans.
    pub plan_name: Option<String>,
    /// Whether tokio's own randomness was seeded (needs `--cfg tokio_unstable`).
    pub seeded_scheduler: bool,
    /// What the body returned, as the run saw it (`{:?}`), or how it ended.
    pub result: String,
    /// Every tracked task, in spawn order.
    pub tasks: Vec<TaskReport>,
    /// Every traced error ([`Failure`](crate::Failure)), in creation order.
    pub errors: Vec<ErrorReport>,
    /// Every fault-point hit, in order.
    pub hits: Vec<HitReport>,
    /// Every pool, gauge and store the run created, in creation order (absent from the
    /// JSON when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ResourceReport>,
    /// Counts of each verdict.
    pub summary: Summary,
    /// Virtual ms at which the last task ended; `None` if tasks were still pending at the deadline.
    pub quiescent_ms: Option<u64>,
    /// The virtual deadline, in ms.
    pub deadline_ms: u64,
    /// The command that replays this run.
    pub replay: String,
    /// Tasks spawned past the ledger's cap ([`Builder::max_tasks`](crate::Builder::max_tasks)):
    /// they ran, but are not in `tasks` and have no verdict.
    pub overflow: usize,
}

/// One task's life and verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskReport {
    /// Its name.
    pub name: Name,
    /// The task that spawned it, if any.
    pub parent: Option<Name>,
    /// Virtual ms when it was spawned.
    pub start_ms: u64,
    /// Virtual ms when it ended; `None` if it never ended (stalled, or dropped at shutdown).
    pub end_ms: Option<u64>,
    /// How it ended.
    pub outcome: Outcome,
    /// What cancelled it, for `cancelled`.
    pub cancelled_by: Option<CancelCause>,
    /// For `failed` and `panicked`: whether anybody looked at the error or the panic.
    /// `None` for other outcomes, and for a failure carrying no traced error.
    pub observed: Option<bool>,
    /// Still alive when its parent ended (not counting a scope's own clean-up).
    pub outlived_parent: bool,
    /// How long it ran on after its parent ended, if it ended.
    pub outlived_by_ms: Option<u64>,
    /// The errors it failed with, or its panic message.
    pub detail: Option<String>,
    /// Polls that blocked the executor thread (counted only with
    /// [`Builder::detect_blocking`](crate::Builder::detect_blocking)).
    pub blocking_polls: u32,
}

/// How a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Returned a success.
    Completed,
    /// Returned an `Err`.
    Failed,
    /// Panicked.
    Panicked,
    /// Aborted, stopped by its token, or cancelled by the plan.
    Cancelled,
    /// Still running when the runtime was dropped at the end of the run.
    DroppedAtShutdown,
    /// Still pending when the deadline passed with the body unfinished.
    Stalled,
}

/// What cancelled a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelCause {
    /// `abort()`, or its `JoinSet` was dropped or `abort_all`ed.
    Aborted,
    /// It ended after its `CancellationToken` fired.
    Token,
    /// The plan's `cancel(task)` event.
    Plan,
    /// A `cancel` action at this fault point.
    Fault(String),
}

/// A traced error: where it came from and whether anybody looked at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorReport {
    /// `Kind: message`.
    pub error: String,
    /// The task it was created in.
    pub origin: Option<String>,
    /// Virtual ms when it was created.
    pub created_ms: u64,
    /// Who first looked at it: a task's name, or `run` for the body's result.
    pub looked_at_by: Option<String>,
    /// Virtual ms when its last copy was dropped, if it was.
    pub dropped_ms: Option<u64>,
    /// Dropped without anybody looking at it.
    pub swallowed: bool,
}

/// One hit of a fault point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HitReport {
    /// The point's name.
    pub point: String,
    /// Its key, if any.
    pub key: Option<String>,
    /// Which hit of the point this was (from 1).
    pub hit: u32,
    /// Virtual ms.
    pub at_ms: u64,
    /// The task that hit it.
    pub task: Option<String>,
    /// What the plan made it do, if anything.
    pub action: Option<String>,
}

/// Counts per verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Tasks that completed.
    pub completed: usize,
    /// Tasks that failed and whose error somebody looked at.
    pub failed_observed: usize,
    /// Tasks that failed with an error that is not a traced `Failure`.
    pub failed_untraced: usize,
    /// Tasks whose error or panic nobody looked at.
    pub swallowed: usize,
    /// Tasks that panicked (observed or not).
    pub panicked: usize,
    /// Tasks cancelled.
    pub cancelled: usize,
    /// Tasks that outlived their parent.
    pub outlived: usize,
    /// Tasks stalled at the deadline.
    pub stalled: usize,
    /// Tasks dropped at shutdown.
    pub dropped_at_shutdown: usize,
    /// Tasks spawned without faultline's tracking (plain `tokio::spawn`).
    pub untracked: usize,
    /// Tasks that blocked the executor thread at least once.
    pub blocking: usize,
    /// Pool connections never returned; `None` (absent from the JSON) when the run
    /// created no resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leaked_resources: Option<usize>,
    /// Transactions neither committed nor rolled back; `None` (absent from the JSON) when
    /// the run created no resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial_writes: Option<usize>,
}

impl Report {
    /// The report as pretty-printed JSON (a stable interface for CI tools).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes")
    }

    /// Whether nothing went wrong: no swallowed error or panic, no task that outlived its
    /// parent, stalled, was dropped at shutdown, went untracked or blocked the executor, no
    /// leaked resource and no partial write.
    pub fn is_clean(&self) -> bool {
        self.bad_counts().iter().all(|&(n, _, _)| n == 0)
    }

    /// What is wrong with this run, one line each, in words: every count that
    /// [`is_clean`](Report::is_clean) checks, when it is not zero. Empty for a clean run.
    pub fn problems(&self) -> Vec<String> {
        self.bad_counts()
            .into_iter()
            .filter(|&(n, _, _)| n > 0)
            .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
            .collect()
    }

    /// The counts of bad verdicts, each with how it reads for one and for several: the one
    /// list behind [`is_clean`](Report::is_clean) and [`problems`](Report::problems).
    fn bad_counts(&self) -> [(usize, &'static str, &'static str); 8] {
        let s = &self.summary;
        [
            (
                s.swallowed,
                "task's error or panic was swallowed (nobody looked at it)",
                "tasks' errors or panics were swallowed (nobody looked at them)",
            ),
            (
                s.outlived,
                "task outlived its parent",
                "tasks outlived their parent",
            ),
            (
                s.stalled,
                "task stalled (still pending at the deadline)",
                "tasks stalled (still pending at the deadline)",
            ),
            (
                s.dropped_at_shutdown,
                "task was dropped at shutdown",
                "tasks were dropped at shutdown",
            ),
            (
                s.untracked,
                "task was spawned untracked (plain tokio::spawn)",
                "tasks were spawned untracked (plain tokio::spawn)",
            ),
            (
                s.blocking,
                "task blocked the executor",
                "tasks blocked the executor",
            ),
            (
                s.leaked_resources.unwrap_or(0),
                "connection leaked",
                "connections leaked",
            ),
            (
                s.partial_writes.unwrap_or(0),
                "transaction left a partial write",
                "transactions left partial writes",
            ),
        ]
    }

    /// The resource named `name`, if there is one.
    pub fn resource(&self, name: &str) -> Option<&ResourceReport> {
        self.resources.iter().find(|r| r.name() == name)
    }

    /// The task named `name`, if there is one.
    pub fn task(&self, name: &str) -> Option<&TaskReport> {
        self.tasks.iter().find(|t| t.name == name)
    }
}

pub(crate) fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

/// What the run knows besides the ledger.
pub(crate) struct RunFacts {
    pub(crate) scenario: String,
    pub(crate) variant: String,
    pub(crate) seed: u64,
    pub(crate) plan_name: Option<String>,
    pub(crate) result: String,
    pub(crate) quiescent: Option<Duration>,
    pub(crate) deadline: Duration,
    pub(crate) untracked: usize,
    pub(crate) replay: String,
}

/// The report of a run, from its ledger. Task names are moved out of the ledger into the
/// report (a run may have 100,000 of them); what is left behind reads as empty names.
pub(crate) fn build(ledger: &mut Ledger, facts: RunFacts) -> Report {
    let resources = resource::build(ledger);
    let mut tasks: Vec<TaskReport> = Vec::with_capacity(ledger.tasks.len());
    // Many tasks share an instant (the clock moves only when every task waits): converting
    // one is a subtraction of two timespecs, so each column keeps its last conversion.
    let start = ledger.start;
    let memo = || {
        let last = std::cell::Cell::new((start, 0));
        move |at: Instant| {
            let (seen, seen_ms) = last.get();
            if at == seen {
                return seen_ms;
            }
            let at_ms = ms(at.saturating_duration_since(start));
            last.set((at, at_ms));
            at_ms
        }
    };
    let (start_ms_of, end_ms_of, parent_end_ms_of) = (memo(), memo(), memo());
    for ix in 0..ledger.tasks.len() {
        let t = &ledger.tasks[ix];
        let outcome = t.ended.unwrap_or(Outcome::DroppedAtShutdown);
        let never_ended = matches!(outcome, Outcome::DroppedAtShutdown | Outcome::Stalled);
        let end_ms = if never_ended {
            None
        } else {
            t.end.map(&end_ms_of)
        };
        let (observed, detail) = match outcome {
            Outcome::Failed if t.carried().is_empty() => (None, Some("untraced error".to_owned())),
            Outcome::Failed => {
                let seen =
                    (t.carried().iter()).all(|&e| ledger.errors[e as usize].looked_by.is_some());
                let labels: Vec<&str> = (t.carried().iter())
                    .map(|&e| ledger.errors[e as usize].label.as_str())
                    .collect();
                (Some(seen), Some(labels.join(", ")))
            }
            Outcome::Panicked => (
                Some(t.panic_delivery() == Delivery::Delivered),
                t.panic().map(str::to_owned),
            ),
            _ => (None, None),
        };
        let outlived = ledger.outlived(ix as TaskIx);
        let parent_end = t.parent.and_then(|p| ledger.tasks[p as usize].end);
        let outlived_by_ms = match (outlived, end_ms, parent_end) {
            (true, Some(end), Some(pend)) => Some(end.saturating_sub(parent_end_ms_of(pend))),
            _ => None,
        };
        let cancelled_by = match outcome {
            Outcome::Cancelled => Some(t.cancelled_by().cloned().unwrap_or(CancelCause::Aborted)),
            _ => None,
        };
        // A parent was spawned before its children: its row is there already.
        let parent = t.parent.map(|p| tasks[p as usize].name.clone());
        let (start_ms, blocking_polls) = (start_ms_of(t.start), t.blocking_polls());
        tasks.push(TaskReport {
            name: std::mem::take(&mut ledger.tasks[ix].name),
            parent,
            start_ms,
            end_ms,
            outcome,
            cancelled_by,
            observed,
            outlived_parent: outlived,
            outlived_by_ms,
            detail,
            blocking_polls,
        });
    }
    let name = |ix: TaskIx| tasks[ix as usize].name.to_string();
    let errors: Vec<ErrorReport> = ledger
        .errors
        .iter()
        .map(|e| ErrorReport {
            error: e.label.clone(),
            origin: e.origin.map(name),
            created_ms: ms(e.created),
            looked_at_by: e.looked_by.map(|l| match l {
                Looker::Task(ix) => name(ix),
                Looker::Run => "run".to_owned(),
            }),
            dropped_ms: e.dropped.map(|(at, _)| ms(at)),
            swallowed: e.looked_by.is_none(),
        })
        .collect();
    let hits = ledger
        .hits
        .iter()
        .map(|h| HitReport {
            point: h.point.to_owned(),
            key: h.key.clone(),
            hit: h.hit,
            at_ms: ms(h.at),
            task: h.task.map(name),
            action: h.action.as_ref().map(ToString::to_string),
        })
        .collect();
    let mut summary = Summary {
        untracked: facts.untracked,
        ..Summary::default()
    };
    for t in &tasks {
        match (t.outcome, t.observed) {
            (Outcome::Completed, _) => summary.completed += 1,
            (Outcome::Failed, Some(true)) => summary.failed_observed += 1,
            (Outcome::Failed, None) => summary.failed_untraced += 1,
            (Outcome::Cancelled, _) => summary.cancelled += 1,
            (Outcome::Stalled, _) => summary.stalled += 1,
            (Outcome::DroppedAtShutdown, _) => summary.dropped_at_shutdown += 1,
            _ => {}
        }
        if t.outcome == Outcome::Panicked {
            summary.panicked += 1;
        }
        if t.observed == Some(false) {
            summary.swallowed += 1;
        }
        if t.outlived_parent {
            summary.outlived += 1;
        }
        if t.blocking_polls > 0 {
            summary.blocking += 1;
        }
    }
    if !resources.is_empty() {
        summary.leaked_resources = Some(resources.iter().map(ResourceReport::leaked).sum());
        summary.partial_writes = Some(resources.iter().map(ResourceReport::partial_writes).sum());
    }
    Report {
        scenario: facts.scenario,
        variant: facts.variant,
        seed: facts.seed,
        plan: ledger.plan.to_string(),
        plan_name: facts.plan_name,
        seeded_scheduler: cfg!(all(tokio_unstable, not(loom))),
        result: facts.result,
        tasks,
        errors,
        hits,
        resources,
        summary,
        quiescent_ms: facts.quiescent.map(ms),
        deadline_ms: ms(facts.deadline),
        replay: facts.replay,
        overflow: ledger.overflow,
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
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
            CancelCause::Token => f.write_str("by its token"),
            CancelCause::Plan => f.write_str("by the plan"),
            CancelCause::Fault(at) => write!(f, "by fault at {at}"),
        }
    }
}
