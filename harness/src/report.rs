//! The report: plain data about one run. Rendering lives in `render.rs`.

// The text rendering: header, timeline, verdicts, errors, hits, summary.
pub(crate) mod render;
// Two renderings of one case, compared line by line.
pub(crate) mod compare;
// The one list of bad verdicts.
pub(crate) mod verdict;
// Rows and counts that agree: the check.
pub(crate) mod agreement;
// Pictures: a self-contained HTML page with SVG timelines and a sweep's heat map.
pub(crate) mod html;
// The one judge: records in, outcomes, verdicts and counts out.
pub(crate) mod judge;
// The task rows, made when first read.
pub(crate) mod tasks;

use std::time::Duration;

use serde::Serialize;

use crate::record::ledger::{Ledger, Looker, TaskIx};
use crate::record::name::Name;
use crate::record::outcome::ms;
pub use crate::record::outcome::{CancelCause, Fate, Outcome, PanicSource};
use crate::report::judge::{Judge, TaskJudgement};
pub use crate::report::tasks::Tasks;
use crate::report::verdict::VERDICTS;
use crate::resource::{self, ResourceReport};
use tokio::time::Instant;

/// What one run did, per task, per error and per fault-point hit. Plain data: compare it,
/// serialize it (`Report::to_json`, with the `json` feature), or print it (`Display` renders the text report).
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
    /// Every tracked task, in spawn order. Reads as a `Vec<TaskReport>`; the rows are made
    /// from the run's records the first time they are read (see [`Tasks`]).
    pub tasks: Tasks,
    /// Every traced error ([`Failure`](crate::Failure)), in creation order.
    pub errors: Vec<ErrorReport>,
    /// Every fault-point hit, in order.
    pub hits: Vec<HitReport>,
    /// Each rule of the plan, with how often it matched a hit and fired.
    pub rules: Vec<RuleReport>,
    /// Each timed event of the plan, with whether it fired.
    pub events: Vec<EventReport>,
    /// Every pool, gauge and store the run created, in creation order (absent from the
    /// JSON when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ResourceReport>,
    /// Counts of each outcome and verdict. In the JSON it also carries `verdicts` (every
    /// bad verdict's count, keyed as in [`VERDICTS`]), `clean` and `problems`.
    #[serde(serialize_with = "judged_summary")]
    pub summary: Summary,
    /// Virtual ms at which the last task ended; `None` if tasks were still pending at the deadline.
    pub quiescent_ms: Option<u64>,
    /// The virtual deadline, in ms.
    pub deadline_ms: u64,
    /// The command that replays this run.
    pub replay: String,
    /// What the plan could not do, and why: a `cancel` that could not act on its task (a
    /// plain tokio task, a blocking job). Part of [`Report::plan_warnings`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plan_notes: Vec<String>,
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
    /// The task whose end closes its owning scope, when that is not its parent (the owner
    /// of the `TaskTracker` it was spawned on).
    pub scope_owner: Option<Name>,
    /// Virtual ms when it was spawned.
    pub start_ms: u64,
    /// Virtual ms when it ended; `None` if it never ended (stalled, or dropped at shutdown).
    pub end_ms: Option<u64>,
    /// How it ended.
    pub outcome: Outcome,
    /// What cancelled it, for `cancelled`.
    pub cancelled_by: Option<CancelCause>,
    /// For `failed` and `panicked`: what became of the failure (read, discarded,
    /// swallowed, …). `None` for other outcomes.
    pub fate: Option<Fate>,
    /// For `panicked`: whose panic it is; only [`PanicSource::Raised`] is PANICKED.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub panic: Option<PanicSource>,
    /// Virtual ms when its `CancellationToken` fired, if it had one that did.
    pub token_fired_ms: Option<u64>,
    /// How long it ran after its token fired, if it ended after that.
    pub after_token_ms: Option<u64>,
    /// Still alive when its owning scope closed: its parent ended, or its tracker's owner
    /// (not counting the scope's own clean-up at that instant). The OUTLIVED verdict.
    pub outlived_scope: bool,
    /// How long it ran on after its owning scope closed, if it ended.
    pub outlived_by_ms: Option<u64>,
    /// A plain task of a crate or place accepted as background work
    /// ([`Builder::allow_background`](crate::Builder::allow_background)): shown, but none
    /// of its verdicts counts against the run.
    pub accepted: bool,
    /// The errors it failed with, or its panic message.
    pub detail: Option<String>,
    /// Its `Err` carried traced errors ([`Failure`](crate::Failure)s): their fates are
    /// counted one by one in the errors section, not as the task's.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub traced: bool,
    /// Polls that blocked the executor thread (counted only with
    /// [`Builder::detect_blocking`](crate::Builder::detect_blocking)).
    pub blocking_polls: u32,
    /// A job on tokio's blocking pool (`spawn_blocking`), not a task.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub blocking_job: bool,
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
    /// What became of it: read, discarded (delivered, dropped unread), swallowed (never
    /// delivered), or still unread at the end.
    pub fate: Fate,
    /// The task in which its last copy was dropped.
    pub dropped_by: Option<String>,
}

/// One rule of the plan and what it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleReport {
    /// The rule, in text form.
    pub rule: String,
    /// Hits of a fault point its selector matched.
    pub matched: u32,
    /// Times one of its terms applied.
    pub fired: u32,
}

/// One timed event of the plan and whether it fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventReport {
    /// The event, in text form.
    pub event: String,
    /// Times it fired (a `cancel` counts only if it found its task alive).
    pub fired: u32,
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
    /// Plain tokio tasks that ended (completed, failed or aborted: their output is not seen).
    pub ended: usize,
    /// Background tasks accepted by [`Builder::allow_background`](crate::Builder::allow_background):
    /// none of their verdicts counts.
    pub accepted: usize,
    /// Tasks that completed.
    pub completed: usize,
    /// Tasks that failed (returned `Err`), whatever became of the error.
    pub failed: usize,
    /// Tasks that failed and whose error somebody read.
    pub failed_observed: usize,
    /// Tasks that failed with an error the harness does not trace, while their scope was
    /// open: whether it was delivered cannot be seen.
    pub failed_untraced: usize,
    /// Failures (`Err`s of any type, traced errors, panics) never delivered to any code.
    pub swallowed: usize,
    /// Failures (traced errors, panics' `JoinError`s) delivered and then dropped unread.
    pub discarded: usize,
    /// Tasks that panicked (observed or not).
    pub panicked: usize,
    /// Panics that were not the plan's: tasks that panicked on their own (an `unwrap()`, a
    /// `todo!()`), and the body's panic, whatever its cause.
    pub panics: usize,
    /// Tasks' panics that were the plan's `panic(..)` faults (not counted in `panics`).
    #[serde(skip_serializing_if = "is_zero")]
    pub plan_panics: usize,
    /// Tasks' panics that were the test's own (`PanicSource::Test`; not counted in `panics`).
    #[serde(skip_serializing_if = "is_zero")]
    pub test_panics: usize,
    /// Tasks' panics re-raised from another task (not counted in `panics`).
    #[serde(skip_serializing_if = "is_zero")]
    pub reraised_panics: usize,
    /// 1 if tokio's scheduler could not be seeded (built without `--cfg tokio_unstable`):
    /// the same seed may not give the same run.
    pub not_deterministic: usize,
    /// Tasks cancelled.
    pub cancelled: usize,
    /// Tasks that outlived their parent.
    pub outlived: usize,
    /// Tasks stalled at the deadline.
    pub stalled: usize,
    /// Tasks seen spinning: polled on and on while the paused clock could not move, until
    /// the watchdog stopped the run (absent from the JSON when zero).
    #[serde(skip_serializing_if = "is_zero")]
    pub spinning: usize,
    /// Tasks dropped at shutdown.
    pub dropped_at_shutdown: usize,
    /// Tasks the harness could give no row: spawned past the ledger's cap
    /// ([`Builder::max_tasks`](crate::Builder::max_tasks)), or, without `--cfg
    /// tokio_unstable` (no task hooks), spawned with plain tokio.
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

impl Summary {
    /// Whether every count of the one list of bad verdicts ([`VERDICTS`]) is zero.
    pub fn is_clean(&self) -> bool {
        VERDICTS.iter().all(|v| (v.count)(self) == 0)
    }

    /// Every bad verdict whose count is not zero, one line each, with its label.
    pub fn problems(&self) -> Vec<String> {
        VERDICTS
            .iter()
            .filter_map(|v| {
                let n = (v.count)(self);
                (n > 0).then(|| format!("{}: {n} {}", v.label, if n == 1 { v.one } else { v.many }))
            })
            .collect()
    }
}

/// The summary as the JSON has it: its counts, then the one list's counts by key, `clean`
/// and `problems` (what a CI tool reads, in the same words as the text).
fn judged_summary<S: serde::Serializer>(summary: &Summary, to: S) -> Result<S::Ok, S::Error> {
    /// Every bad verdict's count, keyed and ordered as in [`VERDICTS`].
    struct Verdicts<'a>(&'a Summary);
    impl Serialize for Verdicts<'_> {
        fn serialize<S: serde::Serializer>(&self, to: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = to.serialize_map(Some(VERDICTS.len()))?;
            for v in &VERDICTS {
                map.serialize_entry(v.key, &(v.count)(self.0))?;
            }
            map.end()
        }
    }
    #[derive(Serialize)]
    struct Judged<'a> {
        #[serde(flatten)]
        counts: &'a Summary,
        verdicts: Verdicts<'a>,
        clean: bool,
        problems: Vec<String>,
    }
    Judged {
        counts: summary,
        verdicts: Verdicts(summary),
        clean: summary.is_clean(),
        problems: summary.problems(),
    }
    .serialize(to)
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl TaskReport {
    /// Whether it panicked with a panic the plan injected (`panic(..)` at a fault point).
    pub fn injected_panic(&self) -> bool {
        self.panic == Some(PanicSource::Plan)
    }
}

impl Report {
    /// The report as pretty-printed JSON (a stable interface for CI tools). Needs the
    /// `json` feature (off by default: serde_json would change type inference in the tests
    /// of a crate that adds the harness).
    #[cfg(feature = "json")]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes")
    }

    /// Whether nothing went wrong: every count of the one list of bad verdicts
    /// ([`VERDICTS`](crate::VERDICTS)) is zero.
    pub fn is_clean(&self) -> bool {
        self.summary.is_clean()
    }

    /// What is wrong with this run, one line each, in words: every bad verdict whose count
    /// is not zero, with its label. Empty for a clean run.
    pub fn problems(&self) -> Vec<String> {
        self.summary.problems()
    }

    /// What is wrong with the plan rather than the program: each rule that matched no fault
    /// point (a misspelled point injects nothing) and each timed event that never fired.
    pub fn plan_warnings(&self) -> Vec<String> {
        let mut points: Vec<&str> = Vec::new();
        for h in &self.hits {
            if !points.contains(&h.point.as_str()) {
                points.push(&h.point);
            }
        }
        let points = if points.is_empty() {
            "none".to_owned()
        } else {
            points.join(", ")
        };
        let rules = (self.rules.iter().filter(|r| r.matched == 0)).map(|r| {
            format!(
                "rule `{}` matched no fault point; points hit: {points}",
                r.rule
            )
        });
        let events = (self.events.iter().filter(|e| e.fired == 0)).map(|e| {
            format!(
                "event `{}` never fired (the run ended first, or its task was not alive)",
                e.event
            )
        });
        rules
            .chain(events)
            .chain(self.plan_notes.iter().cloned())
            .collect()
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

/// Whether tokio's scheduler is seeded: only with `--cfg tokio_unstable` (and not under loom).
const SEEDED: bool = cfg!(all(tokio_unstable, not(loom)));

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
    /// The plan, in its text form.
    pub(crate) plan: String,
    /// Prefixes of plain tasks' names accepted as background tasks.
    pub(crate) allowed: Vec<String>,
    /// The test function's lines, when the run is a `#[faultline_harness::test]`.
    pub(crate) test: Option<judge::TestCode>,
}

/// The report of a run, from its ledger, rows and all. Task names are moved out of the
/// ledger into the rows (a run may have 100,000 of them); what is left behind reads as
/// empty names.
pub(crate) fn build(ledger: &mut Ledger, facts: RunFacts) -> Report {
    let rows = Rows::of(&facts);
    let mut report = counted(ledger, facts);
    report.tasks = Tasks::from(rows.make(ledger));
    report
}

/// The report of a run whose ledger is done with: the counts now, the rows (which take the
/// ledger with them) when first read.
pub(crate) fn build_later(mut ledger: Ledger, facts: RunFacts) -> Report {
    let rows = Rows::of(&facts);
    let mut report = counted(&ledger, facts);
    let len = ledger.tasks.len();
    report.tasks = Tasks::later(len, Box::new(move || rows.make(&mut ledger)));
    report
}

/// What a task's row needs besides the ledger.
struct Rows {
    allowed: Vec<String>,
    test: Option<judge::TestCode>,
}

impl Rows {
    fn of(facts: &RunFacts) -> Self {
        Rows {
            allowed: facts.allowed.clone(),
            test: facts.test.clone(),
        }
    }

    /// Every task's row, judged again (the same records, the same judge, so the same
    /// verdicts the counts were made from; no warning twice).
    fn make(&self, ledger: &mut Ledger) -> Vec<TaskReport> {
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
        let since = |at: Instant| ms(at.saturating_duration_since(start));
        let judge = Judge::new(ledger, &self.allowed, self.test.as_ref()).without_warnings();
        // A row's parent and owner: records looked up through the judge, which keeps the
        // last one (rows spawned one after another by one task share them).
        let rec_of = |p: TaskIx| judge.record(p);
        for (ix, t) in ledger.tasks.iter().enumerate() {
            let j = judge.task(ix as TaskIx, t);
            let never_ended = matches!(j.outcome, Outcome::DroppedAtShutdown | Outcome::Stalled);
            let end_ms = if never_ended {
                None
            } else {
                t.end.map(&end_ms_of)
            };
            let owner_end = j.owner.and_then(|p| rec_of(p).end);
            let outlived_by_ms = match (j.outlived, end_ms, owner_end) {
                (true, Some(end), Some(pend)) => Some(end.saturating_sub(parent_end_ms_of(pend))),
                _ => None,
            };
            // Only a token that fired while the task was still running says anything about it.
            let token_fired_ms = t
                .token_fired()
                .filter(|&fired| t.ended.is_none() || t.end.is_none_or(|end| fired <= end))
                .map(since);
            let after_token_ms = match (token_fired_ms, end_ms) {
                (Some(fired), Some(end)) => Some(end - fired),
                _ => None,
            };
            // Names move to the rows once every task is judged (the judge reads them).
            let parent = t.parent.map(|p| rec_of(p).name.clone());
            let scope_owner = (j.owner)
                .filter(|&o| Some(o) != t.parent)
                .map(|o| rec_of(o).name.clone());
            let (start_ms, blocking_polls) = (start_ms_of(t.start), t.blocking_polls());
            let blocking_job = t.is_blocking_job();
            let traced = !t.carried().is_empty();
            let TaskJudgement {
                outcome,
                fate,
                panic,
                cancelled_by,
                outlived,
                accepted,
                ..
            } = j;
            let detail = judge.detail(t, outcome);
            tasks.push(TaskReport {
                name: Name::default(),
                parent,
                scope_owner,
                start_ms,
                end_ms,
                outcome,
                cancelled_by,
                fate,
                panic,
                token_fired_ms,
                after_token_ms,
                outlived_scope: outlived,
                accepted,
                traced,
                outlived_by_ms,
                detail,
                blocking_polls,
                blocking_job,
            });
        }
        for (row, rec) in tasks.iter_mut().zip(ledger.tasks.iter_mut()) {
            row.name = std::mem::take(&mut rec.name);
        }
        tasks
    }
}

/// Everything but the rows: the counts are the judge's verdicts on every task (warnings
/// logged here, once), the errors, hits, rules, events and resources.
fn counted(ledger: &Ledger, facts: RunFacts) -> Report {
    let resources = resource::build(ledger);
    let judge = Judge::new(ledger, &facts.allowed, facts.test.as_ref());
    // Tasks counted as they ended are skipped; when that is every task (a run whose tasks
    // all completed in order), there is no pass at all.
    let (completed, ended) = ledger.counted;
    let judged = if completed + ended < ledger.tasks.len() {
        ledger.tasks.len()
    } else {
        0
    };
    let counted = (ledger.tasks.iter().enumerate().take(judged))
        .filter(|(_, t)| !t.counted)
        .map(|(ix, t)| judge::Counted::of(t, &judge.task(ix as TaskIx, t)));
    let name = |ix: TaskIx| ledger.task_name(ix).to_owned();
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
            dropped_by: e.dropped.and_then(|(_, by)| by).map(name),
            fate: e.fate(),
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
    let rules = (ledger.plan.rules().iter().zip(ledger.rule_counts()))
        .map(|(rule, (matched, fired))| RuleReport {
            rule: rule.to_string(),
            matched,
            fired,
        })
        .collect();
    let events = (ledger.plan.events().iter().zip(&ledger.events_fired))
        .map(|(event, &fired)| EventReport {
            event: event.to_string(),
            fired,
        })
        .collect();
    let summary = judge::summary(
        counted,
        (completed, ended),
        &errors,
        &resources,
        facts.untracked,
        SEEDED,
    );
    Report {
        scenario: facts.scenario,
        variant: facts.variant,
        seed: facts.seed,
        plan: facts.plan,
        plan_name: facts.plan_name,
        seeded_scheduler: SEEDED,
        result: facts.result,
        tasks: Tasks::default(),
        errors,
        hits,
        rules,
        events,
        resources,
        summary,
        quiescent_ms: facts.quiescent.map(ms),
        deadline_ms: ms(facts.deadline),
        replay: facts.replay,
        overflow: ledger.overflow,
        plan_notes: ledger.plan_notes.clone(),
    }
}
