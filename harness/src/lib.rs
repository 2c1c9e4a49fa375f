//! faultline's harness: run async code on a paused, seeded tokio clock, inject faults at
//! named points, and report what every task did — completed, failed, panicked, **cancelled**
//! (and by what), dropped at shutdown or **stalled** — what became of every failure
//! (observed, **discarded**, **swallowed**), and who **outlived its owning scope**.
//!
//! ```
//! use faultline_harness::{Builder, Failure, Plan, point, spawn};
//!
//! let report = Builder::new("demo", "detached")
//!     .plan(Plan::parse("work=error(Boom)").unwrap())
//!     .run(|| async {
//!         drop(spawn("worker", async { point("work").await })); // handle dropped: detached
//!     })
//!     .unwrap();
//! assert_eq!(report.summary.swallowed, 1); // nobody looked at the worker's error
//! println!("{report}");
//! ```
//!
//! Start with [`Builder`] (or [`run`]); spawn with [`spawn`], [`spawn_in`] or [`spawn_on`]
//! so tasks get names; mark places that can fail with [`point`]. Take connections from a
//! [`Pool`], run transactions on a [`Store`] and count levels with a [`Gauge`], and the
//! report says what leaked, who waited and what was left half-written.
//!
//! ## What the words mean
//!
#![doc = include_str!("../DEFINITIONS.md")]

// Layout: recording a run, the plans that fault it, the resources it watches, the runner,
// the report, and what works over whole scenarios (catalogue, sweeps, rubrics).
mod catalog;
mod error;
mod plan;
mod record;
mod report;
mod resource;
mod run;

/// Rubrics: named checks with hints, and the grades they give.
pub use catalog::family::Family;
/// The differential against the reference: observations, recorded and compared.
pub use catalog::observe::{Difference, Observation, Observed};
/// Which pairs a sweep runs: how many were possible, pruned and run.
pub use catalog::pairs::PairSelection;
/// Many runs at once on worker threads, results in order (sweeps, grades, the main job).
pub use catalog::parallel::{default_jobs, map_ordered, try_map_ordered};
pub use catalog::rubric::{
    Aspect, Check, CheckGrade, Grade, MATCHES_THE_REFERENCE, Miss, PlanMiss, Right, Rubric, RunFn,
    Wrong,
};
/// Sweeps over every single-fault plan (and pair), seed and variant.
pub use catalog::sweep::{
    DEFAULT_MAX_PAIRS, Finding, SweepCase, SweepOptions, SweepReport, VariantSweep,
    default_actions, pair_plans, single_fault_plans, sweep, sweep_plans, sweep_plans_seeing,
    sweep_with,
};
/// Scenarios as data: variants and named plans, for catalogues and the CLI.
pub use catalog::{NamedPlan, Scenario, Variant};
/// The harness's own errors (bad plan text, misuse), each with a hint.
pub use error::{Error, ErrorKind};
/// `#[faultline_harness::test]`: an `async fn` test run under faultline, failed on a bad
/// verdict (like `#[tokio::test]`, with a plan and a seed).
pub use faultline_macros::test;
/// Fault points, your own error type for them, and the run's shutdown signal.
pub use plan::point::{FromFault, Point, point, shutdown_token, strict_points};
/// Fault plans and their text form (`Plan::from_toml` reads plan files).
pub use plan::{Action, Event, Plan, Probability, Rule, Selector, Term, TimedEvent};
/// An error that knows whether anybody looked at it.
pub use record::failure::Failure;
/// Task names (`caller`, `fetch[3]`).
pub use record::name::Name;
/// A faultline task's panic as its `JoinError` carries it.
pub use record::panics::PanicPayload;
/// Tracked spawning over real tokio handles, sets and trackers.
pub use record::task::{
    ByTaskOutput, Judged, NeverReturns, Returns, Task, TaskOutput, spawn, spawn_blocking, spawn_in,
    spawn_on,
};
/// The check that a report's rows and counts agree (the property tests run it).
#[doc(hidden)]
pub use report::agreement::rows_match_counts;
/// Run a case twice and diff the renderings (`--check-determinism`).
pub use report::compare::{check_determinism, compare_reports, line_diff};
/// Pictures: an HTML page of SVG timelines (a run, a comparison) and a sweep's heat map.
pub use report::html::{
    HtmlPage, comparison_html, esc as html_escape, report_html, sweep_html, timeline_svg,
};
/// Several reports side by side.
pub use report::render::side_by_side;
/// The one list of bad verdicts: labels, counts, problems, checks and sweep columns.
pub use report::verdict::{VERDICTS, Verdict};
/// The report: plain data.
pub use report::{
    CancelCause, ErrorReport, EventReport, Fate, HitReport, Outcome, PanicSource, Report,
    RuleReport, Summary, TaskReport, Tasks,
};
/// A level whose peak the report shows (items buffered, items held in memory).
pub use resource::gauge::Gauge;
/// A pool of connections over a `Semaphore`: guarded leases and manual checkouts.
pub use resource::pool::{Checkout, Lease, Pool};
/// A simulated transactional store: manual transactions and rollback-on-drop guards.
pub use resource::store::{Store, Tx, TxGuard};
/// The resource ledger's part of the report: pools, gauges, stores.
pub use resource::{
    GaugeReport, LeaseReport, PoolReport, ResourceReport, StoreReport, TxOutcome, TxReport,
    WaitOutcome, WaitReport,
};
#[doc(hidden)]
pub use run::testing::{TestPlace, pause_in_test as __pause_in_test, run_test};
/// The runner.
pub use run::{
    Builder, DEFAULT_DEADLINE, DEFAULT_IDLE_GRACE, DEFAULT_MAX_TASKS, DEFAULT_WATCHDOG, run,
};
