//! Rubrics: named checks a variant must pass under every plan of its scenario, each with
//! a hint, and the grades they give — for graded exercises and for any test that wants
//! "no orphan, no swallowed error, right result, in time" said in one place.
//!
//! A [`Check`] reads one [`Report`] and either passes or returns a [`Miss`]: the task (if
//! any), what was expected and what was found. [`Rubric::grade`] runs a variant under each
//! of the scenario's plans, applies every check, and returns a [`Grade`] whose `Display`
//! is written for a learner: the plan, the task, expected vs found, the hint and the
//! command to run next.

use std::fmt;
use std::sync::Arc;

use crate::catalog::family::Family;
use crate::catalog::observe::{Difference, Observation, Observed, first_difference};
use crate::catalog::parallel::{default_jobs, try_map_ordered};
use crate::catalog::{NamedPlan, Scenario};
use crate::error::Error;
use crate::plan::Plan;
use crate::report::verdict::{VERDICTS, Verdict};
use crate::report::{Report, Summary, TaskReport};
use crate::run::Builder;

/// How a variant is run: the same shape as [`Variant::run`](crate::Variant).
pub type RunFn = fn(&Builder) -> Result<Report, Error>;

type Rule = Arc<dyn Fn(&Report) -> Result<(), Miss> + Send + Sync>;

/// What a check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Aspect {
    /// The result: right values, right error, in time.
    Functional,
    /// The tasks' lives: nothing orphaned, swallowed, stalled, leaked.
    Lifecycle,
}

/// One named check with a hint for whoever fails it.
#[derive(Clone)]
pub struct Check {
    /// Its name, e.g. `no-orphans` (kebab-case; it names the test).
    pub name: &'static str,
    /// Functional or lifecycle.
    pub aspect: Aspect,
    /// What to think about when it fails.
    pub hint: &'static str,
    /// The plans it applies to; `None`: every plan.
    pub plans: Option<Vec<&'static str>>,
    rule: Rule,
    /// Whether it is the differential check, [`MATCHES_THE_REFERENCE`]: its rule is the
    /// comparison with the reference's recorded observations, under every plan but the
    /// sweep's.
    differential: bool,
}

/// The name of the differential check: the graded run's observations are the reference's.
pub const MATCHES_THE_REFERENCE: &str = "matches-the-reference";

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("name", &self.name)
            .field("aspect", &self.aspect)
            .field("plans", &self.plans)
            .finish_non_exhaustive()
    }
}

/// Why a check failed on one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    /// The task the check is about, if it is about one.
    pub task: Option<String>,
    /// What a correct variant does.
    pub expected: String,
    /// What this one did (for a task: its row of the verdict table).
    pub found: String,
}

impl Miss {
    /// A miss about one task: `found` is the task's verdict row.
    pub fn task(task: &TaskReport, expected: impl Into<String>) -> Self {
        Miss {
            task: Some(task.name.to_string()),
            expected: expected.into(),
            found: row(task),
        }
    }

    /// A miss about the run as a whole (its result, its timing).
    pub fn run(expected: impl Into<String>, found: impl Into<String>) -> Self {
        Miss {
            task: None,
            expected: expected.into(),
            found: found.into(),
        }
    }
}

/// A task's verdict row in one line: `fetch[1]  completed 0→300  OUTLIVED caller by 150 ms`.
fn row(t: &TaskReport) -> String {
    let end = t.end_ms.map_or_else(|| "…".to_owned(), |e| e.to_string());
    let verdict = crate::report::render::verdict(t);
    let mut line = format!("{}  {} {}→{}", t.name, t.outcome, t.start_ms, end);
    if !verdict.is_empty() {
        line.push_str("  ");
        line.push_str(&verdict);
    }
    if let (crate::report::Outcome::Panicked, Some(panic)) = (t.outcome, &t.detail) {
        line.push_str(": ");
        line.push_str(panic);
    }
    line
}

/// The message of a `todo!()` panic, as the report keeps it (with its location).
const TODO: &str = "not yet implemented";

impl Check {
    /// A check from a rule over the report.
    pub fn new(
        name: &'static str,
        aspect: Aspect,
        hint: &'static str,
        rule: impl Fn(&Report) -> Result<(), Miss> + Send + Sync + 'static,
    ) -> Self {
        Check {
            name,
            aspect,
            hint,
            plans: None,
            rule: Arc::new(rule),
            differential: false,
        }
    }

    /// Applies the check only under these named plans.
    pub fn only(mut self, plans: &[&'static str]) -> Self {
        self.plans = Some(plans.to_vec());
        self
    }

    /// Whether the check applies under the plan called `plan`.
    pub fn applies(&self, plan: &str) -> bool {
        self.plans.as_ref().is_none_or(|p| p.contains(&plan))
    }

    /// Runs the check on one report.
    pub fn check(&self, report: &Report) -> Result<(), Miss> {
        (self.rule)(report)
    }

    /// A lifecycle check that fails on the first task matching `bad`, and otherwise when
    /// the summary's count (read by `count`) is not zero. The hook for every "no X" check:
    /// a new count in [`Summary`] (leaked resources, partial writes) is one call.
    pub fn none_of(
        name: &'static str,
        hint: &'static str,
        expected: &'static str,
        count: fn(&Summary) -> usize,
        bad: fn(&TaskReport) -> bool,
    ) -> Self {
        Check::new(name, Aspect::Lifecycle, hint, move |r| {
            if let Some(t) = r.tasks.iter().find(|t| !t.accepted && bad(t)) {
                return Err(Miss::task(t, expected));
            }
            match count(&r.summary) {
                0 => Ok(()),
                n => Err(Miss::run(expected, format!("{n} in the summary"))),
            }
        })
    }

    /// The lifecycle check of one bad verdict of the one list ([`VERDICTS`]).
    pub fn verdict(v: &Verdict) -> Self {
        Check::none_of(v.check, v.hint, v.expected, v.count, v.on_task)
    }

    /// The lifecycle check named `name` (`no-orphans`, `no-swallowed-errors`, …).
    ///
    /// # Panics
    /// If no bad verdict has a check of that name (misuse: see [`VERDICTS`]).
    pub fn lifecycle_check(name: &str) -> Self {
        let v = VERDICTS.iter().find(|v| v.check == name);
        Check::verdict(v.unwrap_or_else(|| {
            panic!("no lifecycle check is named {name:?}: see faultline_harness::VERDICTS")
        }))
    }

    /// No task still running when its owning scope closed.
    pub fn no_orphans() -> Self {
        Check::lifecycle_check("no-orphans")
    }

    /// No failure that was never delivered.
    pub fn no_swallowed_errors() -> Self {
        Check::lifecycle_check("no-swallowed-errors")
    }

    /// No panic but the plan's own: an `unwrap()` on a cancelled sibling's `JoinError`, a
    /// `todo!()`, and any panic of the body.
    pub fn no_panics() -> Self {
        Check::lifecycle_check("no-panics")
    }

    /// Every lifecycle check: one per bad verdict of the one list ([`VERDICTS`]), in order.
    pub fn lifecycle() -> Vec<Check> {
        VERDICTS.iter().map(Check::verdict).collect()
    }

    /// A functional check that every task has ended by a virtual-time budget, per plan:
    /// applies only under the plans listed.
    pub fn within(
        name: &'static str,
        hint: &'static str,
        budgets: &'static [(&'static str, u64)],
    ) -> Self {
        let plans: Vec<&'static str> = budgets.iter().map(|(p, _)| *p).collect();
        Check::new(name, Aspect::Functional, hint, move |r| {
            let plan = r.plan_name.as_deref().unwrap_or_default();
            let Some(&(_, budget)) = budgets.iter().find(|(p, _)| *p == plan) else {
                return Ok(());
            };
            let expected = format!("every task ended by {budget} ms (virtual)");
            match r.quiescent_ms {
                Some(at) if at <= budget => Ok(()),
                Some(at) => {
                    // Of the tasks that ended last, the one spawned last (the root awaits its
                    // children, so it often ends with them: the child says more).
                    let last = r.tasks.iter().rev().find(|t| t.end_ms == Some(at));
                    Err(Miss {
                        task: last.map(|t| t.name.to_string()),
                        expected,
                        found: format!(
                            "{} ended last, at {at} ms: {} ms over",
                            last.map_or("an untracked task".to_owned(), |t| t.name.to_string()),
                            at - budget
                        ),
                    })
                }
                None => {
                    let pending = r.tasks.iter().find(|t| t.end_ms.is_none());
                    let found = match pending.map(|t| t.outcome) {
                        Some(crate::report::Outcome::DroppedAtShutdown) => {
                            "still running when the runtime shut down"
                        }
                        _ => "still pending at the deadline",
                    };
                    Err(Miss {
                        task: pending.map(|t| t.name.to_string()),
                        expected,
                        found: found.to_owned(),
                    })
                }
            }
        })
        .only(&plans)
    }
    /// A functional check that the run's result, as the report shows it, is exactly the one
    /// listed for its plan: applies only under the plans listed.
    pub fn returns(
        name: &'static str,
        hint: &'static str,
        results: &'static [(&'static str, &'static str)],
    ) -> Self {
        let plans: Vec<&'static str> = results.iter().map(|(p, _)| *p).collect();
        Check::new(name, Aspect::Functional, hint, move |r| {
            let plan = r.plan_name.as_deref().unwrap_or_default();
            match results.iter().find(|(p, _)| *p == plan) {
                Some(&(_, want)) if r.result != want => Err(Miss::run(want, r.result.clone())),
                _ => Ok(()),
            }
        })
        .only(&plans)
    }

    /// A check that the gauge called `gauge` never rose above `ceiling`, under every plan
    /// (a promise: at most N in flight, whatever the plan). A run without the gauge passes.
    pub fn gauge_never_above(
        name: &'static str,
        aspect: Aspect,
        hint: &'static str,
        gauge: &'static str,
        ceiling: u64,
    ) -> Self {
        Check::new(name, aspect, hint, move |r| match r.resource(gauge) {
            Some(crate::resource::ResourceReport::Gauge(g)) if g.peak > ceiling => Err(Miss::run(
                format!("gauge {gauge} at most {ceiling}"),
                format!("peak {} at {} ms", g.peak, g.peak_ms),
            )),
            _ => Ok(()),
        })
    }

    /// A check that the gauge called `gauge` never rose above a ceiling, per plan: applies
    /// only under the plans listed. A run without the gauge never raised it: it passes.
    pub fn gauge_at_most(
        name: &'static str,
        aspect: Aspect,
        hint: &'static str,
        gauge: &'static str,
        ceilings: &'static [(&'static str, u64)],
    ) -> Self {
        let plans: Vec<&'static str> = ceilings.iter().map(|(p, _)| *p).collect();
        Check::new(name, aspect, hint, move |r| {
            let plan = r.plan_name.as_deref().unwrap_or_default();
            let Some(&(_, ceiling)) = ceilings.iter().find(|(p, _)| *p == plan) else {
                return Ok(());
            };
            match r.resource(gauge) {
                Some(crate::resource::ResourceReport::Gauge(g)) if g.peak > ceiling => {
                    Err(Miss::run(
                        format!("gauge {gauge} at most {ceiling}"),
                        format!("peak {} at {} ms", g.peak, g.peak_ms),
                    ))
                }
                _ => Ok(()),
            }
        })
        .only(&plans)
    }
}

/// The checks a scenario's reference variant passes and its other variants fail.
#[derive(Debug, Clone)]
pub struct Rubric {
    /// The scenario it grades.
    pub scenario: &'static str,
    /// The lesson, as the scoreboard shows it (`03 gather vs TaskGroup`).
    pub lesson: &'static str,
    /// The variant a learner writes (and whose reference solution passes).
    pub reference: &'static str,
    /// The learner's file, relative to the repository root.
    pub exercise: &'static str,
    /// A variant that does nothing and returns at once: it must fail.
    pub stub: Option<RunFn>,
    /// Hints for the solution regions, by id.
    pub hints: Vec<(&'static str, &'static str)>,
    /// The checks, in the order they are reported.
    pub checks: Vec<Check>,
    /// For each other variant, the checks it must fail (and no others).
    pub expected_failures: Vec<(&'static str, Vec<&'static str>)>,
    /// Variants whose defect no report can show, so they pass the rubric by design, each
    /// with the test (a path from the repository root) that catches it instead.
    pub caught_elsewhere: Vec<(&'static str, &'static str)>,
    /// Checks also applied under every single-fault plan of the sweep
    /// ([`single_fault_plans`](crate::single_fault_plans) with the default actions).
    pub sweep: Vec<&'static str>,
    /// Plans the rubric grades under besides the scenario's own (which the comparison and
    /// its snapshots show): a fault that breaks what a hint teaches, and only that.
    pub plans: Vec<NamedPlan>,
    /// The seeded plan family graded too, with the checks that apply under it.
    pub family: Option<Family>,
    /// Right solutions written another way that the rubric must accept: the proof that its
    /// checks do not reject a correct design they were not tuned to (see [`Right`]).
    pub right: Vec<Right>,
    /// Wrong solutions the rubric must reject: the proof that its checks can fail on the
    /// mistakes a learner makes (see [`Wrong`]).
    pub gallery: Vec<Wrong>,
    /// What every correct solution shares with the reference under every plan graded
    /// (but the sweep's), read from each run: the differential's observations.
    pub observations: Vec<Observation>,
    /// The reference's observations as recorded (`scenarios/<name>/reference.txt`, its
    /// text built in with `include_str!`).
    pub recorded: Option<&'static str>,
}

/// A wrong solution: a whole replacement of one solution region, written as a learner
/// might write it, that the rubric must reject. A rubric's gallery is mutation testing of
/// the rubric: each entry names the checks that must fail on it, and the repository's
/// rubric proof (`cargo test --test rubric_proof`) proves they do. `cargo run -- grade
/// <exercise> --variant <name>` grades one; the comparison and its snapshots never show
/// them.
#[derive(Debug, Clone)]
pub struct Wrong {
    /// Its name (kebab-case, says the mistake: `unwraps-cancelled-siblings`).
    pub name: &'static str,
    /// The solution region it replaces, by hint id: the hint whose point it misses.
    pub hint: &'static str,
    /// Runs the variant with this region replaced.
    pub run: RunFn,
    /// The checks that must reject it (it may fail others too).
    pub rejected_by: Vec<&'static str>,
}

impl Wrong {
    /// The wrong solution `name` of the region `hint`, run by `run`, that each check in
    /// `rejected_by` must fail.
    pub fn new(
        name: &'static str,
        hint: &'static str,
        run: RunFn,
        rejected_by: &[&'static str],
    ) -> Self {
        Wrong {
            name,
            hint,
            run,
            rejected_by: rejected_by.to_vec(),
        }
    }
}

/// A right solution written another way (another design, another order of operations,
/// plain tokio spawns): the rubric must pass it on every check. `cargo run -- grade
/// <exercise> --variant <name>` grades one.
#[derive(Debug, Clone)]
pub struct Right {
    /// Its name (kebab-case, says how it differs: `plain-tokio-spawns`).
    pub name: &'static str,
    /// Runs the variant.
    pub run: RunFn,
    /// Why it may not pass yet, when a harness fix it waits for is pending: the proof
    /// then shows it as pending instead of failing.
    pub pending: Option<&'static str>,
}

impl Right {
    /// The right solution `name`, run by `run`.
    pub fn new(name: &'static str, run: RunFn) -> Self {
        Right {
            name,
            run,
            pending: None,
        }
    }

    /// Marks it as waiting for a harness fix (`why`): the proof reports rather than fails it.
    pub fn pending(mut self, why: &'static str) -> Self {
        self.pending = Some(why);
        self
    }
}

impl Rubric {
    /// A rubric for `scenario`'s `structured` variant, with no checks yet.
    pub fn new(scenario: &'static str, lesson: &'static str, exercise: &'static str) -> Self {
        Rubric {
            scenario,
            lesson,
            reference: "structured",
            exercise,
            stub: None,
            hints: Vec::new(),
            checks: Vec::new(),
            expected_failures: Vec::new(),
            caught_elsewhere: Vec::new(),
            sweep: Vec::new(),
            plans: Vec::new(),
            family: None,
            right: Vec::new(),
            gallery: Vec::new(),
            observations: Vec::new(),
            recorded: None,
        }
    }

    /// The differential against the reference: reads `observations` from every run
    /// graded (but the sweep's), compares them with the reference's, `recorded` (the text
    /// of `scenarios/<name>/reference.txt`), and adds the check
    /// `matches-the-reference` ([`MATCHES_THE_REFERENCE`]), which fails on the first plan
    /// whose observations differ. Every failed check's report names the first observation
    /// that differs under its plan.
    pub fn differential(mut self, observations: Vec<Observation>, recorded: &'static str) -> Self {
        self.observations = observations;
        self.recorded = Some(recorded);
        let mut check = Check::new(
            MATCHES_THE_REFERENCE,
            Aspect::Functional,
            "a correct solution shows what the reference shows under every plan graded (its \
             result, and what the scenario's own instruments count): the lines above name the \
             first plan and observation that differ; replay that plan and compare",
            |_| Ok(()),
        );
        check.differential = true;
        self.checks.push(check);
        self
    }

    /// The reference's recorded observations (empty without a differential).
    ///
    /// # Errors
    /// When the recorded text is malformed.
    pub fn recorded(&self) -> Result<Observed, Error> {
        match self.recorded {
            Some(text) => {
                Observed::parse(&format!("scenarios/{}/reference.txt", self.scenario), text)
            }
            None => Ok(Observed::default()),
        }
    }

    /// Also grades under this plan, which the scenario's comparison does not show (so its
    /// snapshots stay as they are): typically a fault that breaks one hint's point, such as
    /// a cancellation from outside that only a drop guard survives.
    pub fn plan(mut self, name: &'static str, text: &'static str) -> Self {
        self.plans.push(NamedPlan { name, text });
        self
    }

    /// Also grades under the plans of `family`, applying its checks there.
    pub fn family(mut self, family: Family) -> Self {
        self.family = Some(family);
        self
    }

    /// Adds wrong solutions the rubric must reject.
    pub fn gallery(mut self, entries: impl IntoIterator<Item = Wrong>) -> Self {
        self.gallery.extend(entries);
        self
    }

    /// The gallery's wrong solution called `name`.
    pub fn find_wrong(&self, name: &str) -> Option<&Wrong> {
        self.gallery.iter().find(|w| w.name == name)
    }

    /// Adds right solutions the rubric must accept.
    pub fn right(mut self, entries: impl IntoIterator<Item = Right>) -> Self {
        self.right.extend(entries);
        self
    }

    /// The right solution called `name`.
    pub fn find_right(&self, name: &str) -> Option<&Right> {
        self.right.iter().find(|r| r.name == name)
    }

    /// Also applies the checks named here under every single-fault plan of the sweep
    /// (typically the lifecycle checks a hang cannot break: not `no-stalled-tasks`).
    pub fn sweep(mut self, checks: &[&'static str]) -> Self {
        self.sweep = checks.to_vec();
        self
    }

    /// The variant graded (default `structured`).
    pub fn reference(mut self, variant: &'static str) -> Self {
        self.reference = variant;
        self
    }

    /// The do-nothing variant that must fail.
    pub fn stub(mut self, stub: RunFn) -> Self {
        self.stub = Some(stub);
        self
    }

    /// A hint for the solution region marked `// faultline:solution begin <id>`.
    pub fn hint(mut self, id: &'static str, text: &'static str) -> Self {
        self.hints.push((id, text));
        self
    }

    /// Adds a check.
    pub fn check(mut self, check: Check) -> Self {
        self.checks.push(check);
        self
    }

    /// Adds several checks.
    pub fn checks(mut self, checks: impl IntoIterator<Item = Check>) -> Self {
        self.checks.extend(checks);
        self
    }

    /// Says that `variant` fails exactly these checks.
    pub fn expect_fail(mut self, variant: &'static str, checks: &[&'static str]) -> Self {
        self.expected_failures.push((variant, checks.to_vec()));
        self
    }

    /// Says that `variant` passes every check by design, because its defect cannot show in
    /// a report (a race that one thread never runs into), and names the test that catches
    /// it instead (a path from the repository root). The rubric proof asserts both: that
    /// the variant passes, and that the test exists.
    pub fn caught_elsewhere(mut self, variant: &'static str, test: &'static str) -> Self {
        self.caught_elsewhere.push((variant, test));
        self
    }

    /// The hint with id `id`.
    pub fn find_hint(&self, id: &str) -> Option<&'static str> {
        self.hints.iter().find(|(h, _)| *h == id).map(|(_, t)| *t)
    }

    /// Grades `scenario`'s variant called `variant`, or the gallery's wrong solution of
    /// that name (seed 0, every plan), on every core ([`default_jobs`]).
    pub fn grade(&self, scenario: &Scenario, variant: &str) -> Result<Grade, Error> {
        self.grade_jobs(scenario, variant, default_jobs())
    }

    /// [`grade`](Rubric::grade) with up to `jobs` runs at once; the grade is the same
    /// whatever `jobs` is.
    pub fn grade_jobs(
        &self,
        scenario: &Scenario,
        variant: &str,
        jobs: usize,
    ) -> Result<Grade, Error> {
        let gallery = (self.find_wrong(variant).map(|w| w.run))
            .or_else(|| self.find_right(variant).map(|r| r.run));
        let run = match (scenario.find_variant(variant), gallery) {
            (Ok(v), _) => v.run,
            (Err(_), Some(run)) => run,
            (Err(err), None) if self.gallery.is_empty() && self.right.is_empty() => {
                return Err(err);
            }
            (Err(err), None) => {
                let names: Vec<&str> = (self.gallery.iter().map(|w| w.name))
                    .chain(self.right.iter().map(|r| r.name))
                    .collect();
                return Err(Error::misuse(format!(
                    "{err}; or one of its rubric's gallery solutions: {}",
                    names.join(", ")
                )));
            }
        };
        self.grade_with_jobs(scenario, variant, run, jobs)
    }

    /// Grades `run`, shown as `variant`, under every plan of `scenario` and of the rubric
    /// (seed 0), then the sweep's plans for the checks listed in [`sweep`](Rubric::sweep);
    /// the runs on every core ([`default_jobs`]).
    pub fn grade_with(
        &self,
        scenario: &Scenario,
        variant: &str,
        run: RunFn,
    ) -> Result<Grade, Error> {
        self.grade_with_jobs(scenario, variant, run, default_jobs())
    }

    /// [`grade_with`](Rubric::grade_with) with up to `jobs` runs at once. The grade is the
    /// same whatever `jobs` is: each run is judged on its own, and the judgements are put
    /// together in the runs' order.
    pub fn grade_with_jobs(
        &self,
        scenario: &Scenario,
        variant: &str,
        run: RunFn,
        jobs: usize,
    ) -> Result<Grade, Error> {
        let recorded = self.recorded()?;
        let runs = self.graded_runs(scenario, variant)?;
        let parts = try_map_ordered(jobs, &runs, |graded| {
            let report = run(&graded.builder(scenario, variant))?;
            let mut part = self.empty_grade(scenario, variant);
            self.apply(&report, &graded.label, &graded.text, &recorded, &mut part);
            Ok::<_, Error>(part)
        })?;
        let mut grade = self.empty_grade(scenario, variant);
        for part in parts {
            grade.absorb(part);
        }
        Ok(grade)
    }

    /// A grade with no run judged yet: every check passed so far.
    fn empty_grade(&self, scenario: &Scenario, variant: &str) -> Grade {
        Grade {
            scenario: scenario.name.to_owned(),
            variant: variant.to_owned(),
            checks: self
                .checks
                .iter()
                .map(|c| CheckGrade {
                    name: c.name,
                    aspect: c.aspect,
                    hint: c.hint,
                    misses: Vec::new(),
                })
                .collect(),
            todo: None,
            observed: Observed::default(),
        }
    }

    /// Every run a grade makes, in order: the scenario's plans, the rubric's, the sweep's
    /// single faults (when a check is swept) and the family's plans.
    fn graded_runs(&self, scenario: &Scenario, variant: &str) -> Result<Vec<GradedRun>, Error> {
        let mut runs = Vec::new();
        for named in &scenario.plans {
            runs.push(GradedRun {
                label: named.name.to_owned(),
                text: named.text.to_owned(),
                plan: scenario.find_plan(named.name)?,
                named: Some(named.name),
                replay: None,
            });
        }
        for named in &self.plans {
            runs.push(GradedRun {
                label: named.name.to_owned(),
                text: named.text.to_owned(),
                plan: Plan::parse(named.text)?,
                named: Some(named.name),
                // The scenario does not know this plan by name: the replay gives its text.
                replay: Some(format!(
                    "cargo run -- run {} --variant {variant} --faults '{}' --seed 0",
                    scenario.name, named.text
                )),
            });
        }
        if !self.sweep.is_empty() {
            let plans = crate::catalog::sweep::single_fault_plans(
                scenario,
                &crate::catalog::sweep::default_actions(),
            )?;
            for plan in plans {
                let text = plan.to_string();
                runs.push(GradedRun {
                    label: format!("sweep: {text}"),
                    text,
                    plan,
                    named: None,
                    replay: None,
                });
            }
        }
        if let Some(family) = &self.family {
            for (name, plan) in family.plans(scenario)? {
                let text = plan.to_string();
                runs.push(GradedRun {
                    replay: Some(format!(
                        "cargo run -- run {} --variant {variant} --faults '{text}' --seed 0",
                        scenario.name
                    )),
                    label: name,
                    text,
                    plan,
                    named: None,
                });
            }
        }
        Ok(runs)
    }

    /// Applies to `report` every check that applies under the plan `plan` (a sweep plan,
    /// named `sweep: <text>`: only the checks the sweep lists), and notes a `todo!()`.
    fn apply(
        &self,
        report: &Report,
        plan: &str,
        plan_text: &str,
        recorded: &Observed,
        grade: &mut Grade,
    ) {
        let swept = plan.starts_with("sweep: ");
        let family = plan.starts_with("family: ");
        let differs = if swept || self.observations.is_empty() {
            None
        } else {
            first_difference(
                &self.observations,
                recorded,
                plan,
                report,
                &mut grade.observed,
            )
        };
        for (check, graded) in self.checks.iter().zip(&mut grade.checks) {
            let applies = if check.differential {
                !swept
            } else if swept {
                self.sweep.contains(&check.name)
            } else if family {
                self.family
                    .as_ref()
                    .is_some_and(|f| f.checks.contains(&check.name))
            } else {
                check.applies(plan)
            };
            if !applies {
                continue;
            }
            let result = match &differs {
                _ if !check.differential => check.check(report),
                None => Ok(()),
                Some(d) => Err(Miss::run(
                    format!("as the reference: {} {}", d.observation, d.reference),
                    format!(
                        "{} {} (the first difference under this plan)",
                        d.observation, d.yours
                    ),
                )),
            };
            if let Err(miss) = result {
                graded.misses.push(PlanMiss {
                    plan: plan.to_owned(),
                    plan_text: plan_text.to_owned(),
                    miss,
                    replay: report.replay.clone(),
                    // The differential's own miss says it already.
                    differs: differs.clone().filter(|_| !check.differential),
                });
            }
        }
        if grade.todo.is_none() {
            grade.todo = report
                .tasks
                .iter()
                .filter(|t| t.outcome == crate::report::Outcome::Panicked)
                .filter_map(|t| t.detail.as_deref())
                .find(|d| d.starts_with(TODO))
                .map(str::to_owned);
        }
    }
}

/// One run of a grade: under which plan, and how it is shown.
struct GradedRun {
    /// The plan's name in the grade (`sweep: <text>` for the sweep's).
    label: String,
    /// The plan's text.
    text: String,
    plan: Plan,
    /// The plan's name for the run's builder, when it has one.
    named: Option<&'static str>,
    /// The replay command, when the scenario's own would not name the plan.
    replay: Option<String>,
}

impl GradedRun {
    fn builder(&self, scenario: &Scenario, variant: &str) -> Builder {
        let mut builder = scenario.builder(variant, self.named, self.plan.clone(), 0);
        if let Some(replay) = &self.replay {
            builder.replay(replay.clone());
        }
        builder
    }
}

/// How one variant did on a rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    /// The scenario.
    pub scenario: String,
    /// The variant graded.
    pub variant: String,
    /// One entry per check, in the rubric's order.
    pub checks: Vec<CheckGrade>,
    /// The first `todo!()` a run panicked at, with where it is
    /// (`not yet implemented (at scenarios/gather/src/structured.rs:14:5)`): the exercise is not written yet.
    pub todo: Option<String>,
    /// The graded runs' observations, by plan (see [`Rubric::differential`]): for the
    /// reference, what its recorded file holds.
    pub observed: Observed,
}

/// How one variant did on one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckGrade {
    /// The check's name.
    pub name: &'static str,
    /// Functional or lifecycle.
    pub aspect: Aspect,
    /// The check's hint.
    pub hint: &'static str,
    /// Every plan under which it failed, in the scenario's order.
    pub misses: Vec<PlanMiss>,
}

/// A check that failed under one plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanMiss {
    /// The plan's name.
    pub plan: String,
    /// The plan's text.
    pub plan_text: String,
    /// What was expected and found.
    pub miss: Miss,
    /// The command that replays the run.
    pub replay: String,
    /// The first observation that differs from the reference's under this plan, if any.
    pub differs: Option<Difference>,
}

impl Grade {
    /// Adds `later`, the grade of the runs after this one's, to this grade: its misses
    /// after this grade's, its observations, and its `todo!()` if this grade has none.
    fn absorb(&mut self, later: Grade) {
        for (check, more) in self.checks.iter_mut().zip(later.checks) {
            check.misses.extend(more.misses);
        }
        self.observed.extend(later.observed);
        if self.todo.is_none() {
            self.todo = later.todo;
        }
    }

    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(CheckGrade::passed)
    }

    /// The names of the checks that failed, in order.
    pub fn failed(&self) -> Vec<&'static str> {
        self.checks
            .iter()
            .filter(|c| !c.passed())
            .map(|c| c.name)
            .collect()
    }

    /// Checks passed, checks in all.
    pub fn score(&self) -> (usize, usize) {
        let passed = self.checks.iter().filter(|c| c.passed()).count();
        (passed, self.checks.len())
    }
}

impl CheckGrade {
    /// Whether it passed under every plan.
    pub fn passed(&self) -> bool {
        self.misses.is_empty()
    }
}

/// A failed check, for a learner: the first plan it failed under, the task, expected (-)
/// and found (+), the hint, the command to run next, and the other plans it failed under.
/// A passed check renders as one line.
impl fmt::Display for CheckGrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(first) = self.misses.first() else {
            return writeln!(f, "✓ {}", self.name);
        };
        let generated = |p: &str| p.starts_with("sweep: ") || p.starts_with("family: ");
        let plan = if first.plan == first.plan_text || generated(&first.plan) {
            first.plan.clone()
        } else {
            format!("{} ({})", first.plan, first.plan_text)
        };
        writeln!(f, "✗ {} — under plan {plan}", self.name)?;
        if let Some(task) = &first.miss.task {
            writeln!(f, "    task {task}")?;
        }
        writeln!(f, "    - expected  {}", first.miss.expected)?;
        writeln!(f, "    + found     {}", first.miss.found)?;
        if let Some(differs) = &first.differs {
            writeln!(f, "    differs: {differs}")?;
        }
        writeln!(f, "    hint: {}", self.hint)?;
        writeln!(f, "    next: {}", first.replay)?;
        if self.misses.len() > 1 {
            let rest = &self.misses[1..];
            let mut others: Vec<String> = rest
                .iter()
                .filter(|m| !generated(&m.plan))
                .map(|m| m.plan.clone())
                .collect();
            for kind in ["sweep", "family"] {
                let prefix = format!("{kind}: ");
                match rest.iter().filter(|m| m.plan.starts_with(&prefix)).count() {
                    0 => {}
                    1 => others.push(format!("1 {kind} plan")),
                    n => others.push(format!("{n} {kind} plans")),
                }
            }
            writeln!(f, "    also fails under: {}", others.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (passed, total) = self.score();
        writeln!(
            f,
            "{} · {}: {passed}/{total} checks passed",
            self.scenario, self.variant
        )?;
        for check in &self.checks {
            write!(f, "{check}")?;
        }
        Ok(())
    }
}
