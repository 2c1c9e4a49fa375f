//! What `#[faultline_harness::test]` runs: the test body under a run, and the verdicts that
//! fail the test.

use std::fmt::Debug;
use std::future::Future;

use crate::plan::Plan;
use crate::record::task::Judged;
use crate::report::{Outcome, Report};
use crate::run::Builder;

/// Runs `body` as the test `test` (seed `seed`, fault plan `plan`), and panics — failing the
/// test — if the body did not complete or the report is not clean. Called by the code that
/// `#[faultline_harness::test]` writes; call [`Builder::run`] yourself for anything else.
#[doc(hidden)]
#[track_caller]
pub fn run_test<F, Fut, M>(place: TestPlace, plan: &str, seed: u64, body: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future + 'static,
    Fut::Output: Judged<M> + Debug + 'static,
    M: 'static,
{
    let test = place.name();
    let test = test.as_str();
    let plan = Plan::parse(plan)
        .unwrap_or_else(|err| panic!("#[faultline_harness::test] on {test}: {err}"));
    let mut builder = Builder::new("test", test);
    builder
        .seed(seed)
        .plan(plan)
        .replay(place.replay())
        .test_code(place.file, place.lines.0..=place.lines.1);
    if let Some(deadline) = place.deadline {
        builder.deadline(deadline);
    }
    if let Some(grace) = place.idle_grace {
        builder.idle_grace(grace);
    }
    for who in place
        .allow
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        builder.allow_background(who);
    }
    let report = builder
        .run(body)
        .unwrap_or_else(|err| panic!("#[faultline_harness::test] on {test}: {err}"));
    let problems = failures(&report);
    if !problems.is_empty() {
        panic!(
            "{test} failed under faultline:\n- {}\n\n{report}",
            problems.join("\n- ")
        );
    }
}

/// What `tokio::time::pause()` in a `#[faultline_harness::test]` body is rewritten to: the
/// run's first one does nothing (its clock is paused from the start, and tokio's `pause()`
/// would panic "time is already frozen"); any later one is tokio's, as under
/// `#[tokio::test]` — it pauses again a clock the test `resume()`d, and panics on one still
/// paused. Outside a run, tokio's `pause()`.
#[doc(hidden)]
#[track_caller]
pub fn pause_in_test() {
    match crate::record::ledger::with(|ledger| ledger.run) {
        Some(run) if PAUSE_ABSORBED.get() != Some(run) => PAUSE_ABSORBED.set(Some(run)),
        _ => tokio::time::pause(),
    }
}

thread_local! {
    /// The run whose first `pause()` its paused start stood in for.
    static PAUSE_ABSORBED: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// The panic of `tokio::time::pause()` on a clock that is already paused.
const FROZEN: &str = "time is already frozen";

/// Where a `#[faultline_harness::test]` lives, for its name and its replay line.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct TestPlace {
    /// `module_path!()::name`: the crate's name first.
    pub path: &'static str,
    /// The package (`CARGO_PKG_NAME`).
    pub package: &'static str,
    /// Whether the test is an integration test (in `tests/`), not a unit test.
    pub integration: bool,
    /// Background tasks accepted (`allow = "..."`), comma-separated.
    pub allow: &'static str,
    /// The virtual deadline (`deadline = "2h"`), when not the default.
    pub deadline: Option<std::time::Duration>,
    /// The idle grace (`idle_grace = "100ms"`), when not the default.
    pub idle_grace: Option<std::time::Duration>,
    /// The file the test is written in (`file!()`).
    pub file: &'static str,
    /// The test function's first and last lines: a `panic!` written there is the test's own.
    pub lines: (u32, u32),
}

impl TestPlace {
    /// The test's name as libtest knows it: the path without the crate's name.
    pub fn name(&self) -> String {
        self.path
            .split_once("::")
            .map_or(self.path, |(_, rest)| rest)
            .to_owned()
    }

    /// The command that runs this test alone.
    pub fn replay(&self) -> String {
        let target = if self.integration {
            let krate = self.path.split("::").next().unwrap_or_default();
            format!("--test {krate}")
        } else {
            "--lib".to_owned()
        };
        format!(
            "cargo test -p {} {target} -- --exact {}",
            self.package,
            self.name()
        )
    }
}

/// Why the report fails a test: the body itself, then every bad verdict (a panicking body
/// is one), then every plan rule or event that never fired (the test tested nothing).
fn failures(report: &Report) -> Vec<String> {
    let body = report.tasks.first().map(|root| root.outcome);
    let mut problems = match body {
        Some(Outcome::Completed | Outcome::Panicked) => Vec::new(),
        Some(Outcome::Failed) => vec![format!(
            "the test body returned an error: {}",
            report.result
        )],
        Some(_) | None => vec![format!("the test body did not complete: {}", report.result)],
    };
    problems.extend(report.problems());
    problems.extend(report.plan_warnings());
    let frozen = report.result.contains(FROZEN)
        || (report.tasks.iter()).any(|t| t.detail.as_deref().is_some_and(|d| d.contains(FROZEN)));
    if frozen {
        problems.push(format!(
            "`{FROZEN}`: tokio::time::pause() was called on faultline's clock, which is paused \
             from the start; delete that call (the first `pause()` written in the test's \
             body is dropped for you; this one was made elsewhere, e.g. in a helper, or is a \
             second one on a clock still paused)"
        ));
    }
    problems
}
