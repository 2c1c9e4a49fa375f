//! Sweeps: every single-fault plan a baseline run makes possible (and optionally every
//! pair of them), for every variant and seed.
//!
//! A baseline run (no faults) of each variant records every fault-point hit. Each distinct
//! site (a keyed point, or the nth hit of an unkeyed one) times each action gives one
//! single-fault plan; two single-fault plans at different sites give a pair. Every variant
//! runs under each plan and each seed. The result counts, per variant, the runs that ended
//! with each kind of finding, and keeps the first such run's replay command.

use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::catalog::Scenario;
use crate::error::Error;
use crate::plan::{Action, Plan, Selector};
use crate::report::compare::check_determinism;
use crate::report::verdict::VERDICTS;

/// The actions a sweep tries at every site.
pub fn default_actions() -> Vec<Action> {
    vec![
        Action::Error("SweepError".to_owned()),
        Action::Delay(std::time::Duration::from_secs(1)),
        Action::Hang,
        Action::Panic("sweep".to_owned()),
        Action::Cancel,
    ]
}

/// What a sweep found, per variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// The scenario swept.
    pub scenario: String,
    /// The seeds each plan ran with.
    pub seeds: Vec<u64>,
    /// How many of `plans` are single-fault plans (they come first; the rest are pairs).
    pub singles: usize,
    /// Every plan tried, in text form.
    pub plans: Vec<String>,
    /// One row per variant.
    pub variants: Vec<VariantSweep>,
}

/// One variant's findings across the sweep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariantSweep {
    /// The variant.
    pub variant: String,
    /// Runs (plans × seeds).
    pub runs: usize,
    /// Runs with no finding.
    pub clean: usize,
    /// One entry per kind of finding: how many runs had it, and the first one's replay.
    pub findings: Vec<Finding>,
    /// Every run, plan by plan and seed by seed (what a heat map draws).
    pub cases: Vec<SweepCase>,
}

/// One run of a sweep: a variant under one plan and seed, and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SweepCase {
    /// The plan's index in [`SweepReport::plans`].
    pub plan: usize,
    /// The seed.
    pub seed: u64,
    /// The kinds of finding the run had (as in [`Finding::kind`]), in the table's order.
    pub findings: Vec<&'static str>,
    /// What is wrong with the run, in words ([`Report::problems`](crate::Report::problems)); empty when it is clean.
    pub problems: Vec<String>,
    /// The command that replays the run.
    pub replay: String,
}

/// A kind of finding in a sweep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The key of a bad verdict of the one list ([`VERDICTS`]: `swallowed`, `discarded`,
    /// `outlived`, …), or `cancelled`.
    pub kind: &'static str,
    /// Runs that had it.
    pub runs: usize,
    /// The command replaying the first run that had it.
    pub first: Option<String>,
}

/// Reads one count from a report's summary.
type Count = fn(&crate::report::Summary) -> usize;

/// The kinds of finding: one column per bad verdict of the one list ([`VERDICTS`]), then
/// `cancelled`, which is not a defect (a structured variant cancels on purpose) but shows
/// where cancellation happened.
fn kinds() -> impl Iterator<Item = (&'static str, Count)> {
    let verdicts = VERDICTS.iter().map(|v| (v.key, v.count));
    verdicts.chain([(
        "cancelled",
        (|s: &crate::report::Summary| s.cancelled) as Count,
    )])
}

/// Every single-fault plan for `scenario`: one per site seen in the variants' baseline
/// runs and per action, in the order first seen.
pub fn single_fault_plans(scenario: &Scenario, actions: &[Action]) -> Result<Vec<Plan>, Error> {
    let mut sites: Vec<Selector> = Vec::new();
    for baseline in scenario.run_all(None, &Plan::none(), 0)? {
        for hit in &baseline.hits {
            let site = match &hit.key {
                Some(key) => Selector::point(hit.point.clone()).key(key),
                None => Selector::point(hit.point.clone()).hit(hit.hit),
            };
            if !sites.contains(&site) {
                sites.push(site);
            }
        }
    }
    Ok(sites
        .iter()
        .flat_map(|site| {
            actions
                .iter()
                .map(|a| Plan::none().rule(site.clone(), a.clone()))
        })
        .collect())
}

/// Every pair of single-fault plans at two different sites, in order (`a; b` with `a`
/// before `b` in `singles`). Two faults at one site make no pair: the first rule would win.
pub fn pair_plans(singles: &[Plan]) -> Vec<Plan> {
    let site = |p: &Plan| p.rules().first().map(|r| r.point.clone());
    let mut pairs = Vec::new();
    for (i, a) in singles.iter().enumerate() {
        for b in &singles[i + 1..] {
            if site(a) != site(b) {
                pairs.push(a.clone().and(b));
            }
        }
    }
    pairs
}

/// What to sweep: the actions tried at every site, the seeds, pairs or not, and whether
/// each run is done twice and compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepOptions {
    /// The actions tried at every site ([`default_actions`] by default).
    pub actions: Vec<Action>,
    /// The seeds every plan runs with (`[0]` by default).
    pub seeds: Vec<u64>,
    /// Also every pair of single faults at two different sites.
    pub pairs: bool,
    /// Run every case twice; fail with a diff on the first difference.
    pub check_determinism: bool,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            actions: default_actions(),
            seeds: vec![0],
            pairs: false,
            check_determinism: false,
        }
    }
}

/// Every plan a sweep with `options` runs: the single-fault plans, then the pairs.
pub fn sweep_plans(scenario: &Scenario, options: &SweepOptions) -> Result<Vec<Plan>, Error> {
    let singles = single_fault_plans(scenario, &options.actions)?;
    Ok(with_pairs(singles, options.pairs))
}

fn with_pairs(mut singles: Vec<Plan>, pairs: bool) -> Vec<Plan> {
    if pairs {
        let pairs = pair_plans(&singles);
        singles.extend(pairs);
    }
    singles
}

/// Runs every variant of `scenario` under every single-fault plan and seed.
/// `progress` is called once per run (for a progress bar).
pub fn sweep(
    scenario: &Scenario,
    actions: &[Action],
    seeds: &[u64],
    progress: impl FnMut(usize, usize),
) -> Result<SweepReport, Error> {
    let options = SweepOptions {
        actions: actions.to_vec(),
        seeds: seeds.to_vec(),
        ..SweepOptions::default()
    };
    sweep_with(scenario, &options, progress)
}

/// Runs every variant of `scenario` under every plan of [`sweep_plans`] and every seed.
/// `progress(done, total)` is called once per case (for a progress bar). With
/// `check_determinism`, the first case whose two runs differ ends the sweep with an error
/// holding the diff.
pub fn sweep_with(
    scenario: &Scenario,
    options: &SweepOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<SweepReport, Error> {
    let plans = single_fault_plans(scenario, &options.actions)?;
    let singles = plans.len();
    let plans = with_pairs(plans, options.pairs);
    let seeds = &options.seeds;
    let total = plans.len() * seeds.len() * scenario.variants.len();
    let mut done = 0;
    let mut variants = Vec::new();
    for variant in &scenario.variants {
        let mut row = VariantSweep {
            variant: variant.name.to_owned(),
            runs: 0,
            clean: 0,
            findings: kinds()
                .map(|(kind, _)| Finding {
                    kind,
                    runs: 0,
                    first: None,
                })
                .collect(),
            cases: Vec::new(),
        };
        for (plan_ix, plan) in plans.iter().enumerate() {
            for &seed in seeds {
                let builder = scenario.builder(variant.name, None, plan.clone(), seed);
                let report = if options.check_determinism {
                    let label = format!(
                        "{} / {} / {plan} / seed {seed}",
                        scenario.name, variant.name
                    );
                    check_determinism(&label, || (variant.run)(&builder))?
                } else {
                    (variant.run)(&builder)?
                };
                row.runs += 1;
                let mut clean = true;
                let mut found = Vec::new();
                for (finding, (_, count)) in row.findings.iter_mut().zip(kinds()) {
                    if count(&report.summary) > 0 {
                        finding.runs += 1;
                        finding.first.get_or_insert_with(|| report.replay.clone());
                        clean &= finding.kind == "cancelled";
                        found.push(finding.kind);
                    }
                }
                row.clean += usize::from(clean);
                row.cases.push(SweepCase {
                    plan: plan_ix,
                    seed,
                    findings: found,
                    problems: report.problems(),
                    replay: report.replay.clone(),
                });
                done += 1;
                progress(done, total);
            }
        }
        variants.push(row);
    }
    Ok(SweepReport {
        scenario: scenario.name.to_owned(),
        seeds: seeds.to_vec(),
        singles,
        plans: plans.iter().map(ToString::to_string).collect(),
        variants,
    })
}

impl SweepReport {
    /// Runs of `variant` with a finding of `kind`.
    pub fn count(&self, variant: &str, kind: &str) -> Option<usize> {
        let row = self.variants.iter().find(|v| v.variant == variant)?;
        row.findings.iter().find(|f| f.kind == kind).map(|f| f.runs)
    }
}

impl fmt::Display for SweepReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pairs = self.plans.len() - self.singles;
        let pairs = match pairs {
            0 => String::new(),
            n => format!(" + {n} pairs"),
        };
        writeln!(
            f,
            "sweep {} · {} single-fault plans{pairs} × {} seed(s) × {} variants",
            self.scenario,
            self.singles,
            self.seeds.len(),
            self.variants.len()
        )?;
        let w = self
            .variants
            .iter()
            .map(|v| v.variant.len())
            .max()
            .unwrap_or(7)
            .max(7);
        let mut head = format!("{:w$}  {:>5}  {:>5}", "variant", "runs", "clean");
        for (kind, _) in kinds() {
            let _ = write!(head, "  {kind}");
        }
        writeln!(f, "{head}")?;
        for v in &self.variants {
            let mut line = format!("{:w$}  {:>5}  {:>5}", v.variant, v.runs, v.clean);
            for finding in &v.findings {
                let _ = write!(
                    line,
                    "  {:>width$}",
                    finding.runs,
                    width = finding.kind.len()
                );
            }
            writeln!(f, "{line}")?;
        }
        writeln!(
            f,
            "first run with each finding (cancelled is not a defect):"
        )?;
        for v in &self.variants {
            for finding in v.findings.iter().filter(|f| f.kind != "cancelled") {
                if let Some(first) = &finding.first {
                    writeln!(f, "  {} {}: {first}", v.variant, finding.kind)?;
                }
            }
        }
        Ok(())
    }
}
