//! Sweeps: every single-fault plan a baseline run makes possible (and optionally pairs of
//! them: every pair whose run is not a single's, sampled beyond a budget, see `pairs`), for
//! every variant and seed, on several threads (see `parallel`) with the sequential output.
//!
//! A baseline run (no faults) of each variant records every fault-point hit. Each distinct
//! site (a keyed point, or the nth hit of an unkeyed one) times each action gives one
//! single-fault plan; two single-fault plans at different sites give a pair. Every variant
//! runs under each plan and each seed. The result counts, per variant, the runs that ended
//! with each kind of finding, and keeps the first such run's replay command.

use std::fmt::{self, Write as _};
use std::sync::{Mutex, PoisonError};

use serde::Serialize;

use crate::catalog::Scenario;
use crate::catalog::pairs::{self, PairSelection, Sites};
use crate::catalog::parallel::{default_jobs, try_map_ordered};
use crate::error::Error;
use crate::plan::{Action, Plan, Selector};
use crate::report::Report;
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
    /// How the pairs were chosen, when the sweep had pairs.
    pub pairs: Option<PairSelection>,
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

/// Pairs a sweep runs at most, by default: beyond, a seeded sample of them. gather's 250
/// pairs all run; `limits`, with 1,500 single faults, has over a million.
pub const DEFAULT_MAX_PAIRS: usize = 1000;

/// What to sweep: the actions tried at every site, the seeds, pairs or not, whether each
/// run is done twice and compared, and on how many threads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepOptions {
    /// The actions tried at every site ([`default_actions`] by default).
    pub actions: Vec<Action>,
    /// The seeds every plan runs with (`[0]` by default).
    pub seeds: Vec<u64>,
    /// Also pairs of single faults at two different sites: every one whose run is not a
    /// single's run (see [`PairSelection`]), up to `max_pairs`.
    pub pairs: bool,
    /// Pairs run at most ([`DEFAULT_MAX_PAIRS`]); more are sampled with `sample_seed`.
    pub max_pairs: usize,
    /// The seed of the sample of pairs.
    pub sample_seed: u64,
    /// Run every case twice; fail with a diff on the first difference.
    pub check_determinism: bool,
    /// Runs at once ([`default_jobs`]: the machine's parallelism). The report is the same
    /// byte for byte whatever the number.
    pub jobs: usize,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            actions: default_actions(),
            seeds: vec![0],
            pairs: false,
            max_pairs: DEFAULT_MAX_PAIRS,
            sample_seed: 0,
            check_determinism: false,
            jobs: default_jobs(),
        }
    }
}

/// Every plan a sweep with `options` runs: the single-fault plans, then the pairs it
/// selects (to prune pairs, every variant runs under every single, on `options.jobs`
/// threads).
pub fn sweep_plans(scenario: &Scenario, options: &SweepOptions) -> Result<Vec<Plan>, Error> {
    sweep_plans_seeing(scenario, options, |_, _, _, _| {})
}

/// [`sweep_plans`], handing `seen(variant, plan, seed, report)` the report of every run
/// of a single it makes to choose the pairs (none without pairs; `plan` indexes the
/// plans returned). A caller that runs the cases anyway can keep what it needs of them.
pub fn sweep_plans_seeing(
    scenario: &Scenario,
    options: &SweepOptions,
    seen: impl Fn(&str, usize, u64, &Report) + Sync,
) -> Result<Vec<Plan>, Error> {
    let mut plans = single_fault_plans(scenario, &options.actions)?;
    if options.pairs {
        let sites = Sites::of(&plans);
        let progress = Progress::new(|_, _| {});
        let ran = run_cases(scenario, options, &plans, &sites, &progress, &seen)?;
        let (pairs, _) = choose_pairs(scenario, options, &plans, &sites, &ran);
        plans.extend(pairs);
    }
    Ok(plans)
}

/// Runs every variant of `scenario` under every single-fault plan and seed.
/// `progress` is called once per run (for a progress bar).
pub fn sweep(
    scenario: &Scenario,
    actions: &[Action],
    seeds: &[u64],
    progress: impl FnMut(usize, usize) + Send,
) -> Result<SweepReport, Error> {
    let options = SweepOptions {
        actions: actions.to_vec(),
        seeds: seeds.to_vec(),
        ..SweepOptions::default()
    };
    sweep_with(scenario, &options, progress)
}

/// The progress callback, shared by the workers: `done` counts across them.
struct Progress<F> {
    total: usize,
    state: Mutex<(usize, F)>,
}

impl<F: FnMut(usize, usize)> Progress<F> {
    fn new(f: F) -> Self {
        Progress {
            total: 0,
            state: Mutex::new((0, f)),
        }
    }

    fn one_more(&self, total: usize) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.0 += 1;
        let done = state.0;
        (state.1)(done, total);
    }
}

/// One run of a sweep, as much as the report and the pair selection need.
struct Ran {
    findings: Vec<&'static str>,
    clean: bool,
    problems: Vec<String>,
    replay: String,
    reached: Vec<bool>,
}

/// Every variant under every plan of `plans` and every seed, on `options.jobs` threads: variant by variant, plan by plan, seed by seed.
fn run_cases<F: FnMut(usize, usize) + Send>(
    scenario: &Scenario,
    options: &SweepOptions,
    plans: &[Plan],
    sites: &Sites,
    progress: &Progress<F>,
    seen: &(dyn Fn(&str, usize, u64, &Report) + Sync),
) -> Result<Vec<Ran>, Error> {
    let mut cases = Vec::new();
    for variant in &scenario.variants {
        for (at, plan) in plans.iter().enumerate() {
            for &seed in &options.seeds {
                cases.push((variant, at, plan, seed));
            }
        }
    }
    let total = progress.total;
    try_map_ordered(options.jobs, &cases, |&(variant, at, plan, seed)| {
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
        let findings: Vec<&'static str> = kinds()
            .filter(|(_, count)| count(&report.summary) > 0)
            .map(|(kind, _)| kind)
            .collect();
        seen(variant.name, at, seed, &report);
        progress.one_more(total);
        Ok(Ran {
            clean: findings.iter().all(|&k| k == "cancelled"),
            findings,
            problems: report.problems(),
            replay: report.replay.clone(),
            reached: sites.reached(&report),
        })
    })
}

/// The pair plans to run after `singles` ran (`ran`, as [`run_cases`] ordered them), and
/// how they were chosen.
fn choose_pairs(
    scenario: &Scenario,
    options: &SweepOptions,
    singles: &[Plan],
    sites: &Sites,
    ran: &[Ran],
) -> (Vec<Plan>, PairSelection) {
    // One world per variant and seed: what each single's run reached there.
    let seeds = options.seeds.len();
    let worlds: Vec<Vec<Vec<bool>>> = (0..scenario.variants.len())
        .flat_map(|v| {
            (0..seeds).map(move |s| {
                (0..singles.len())
                    .map(|p| ran[(v * singles.len() + p) * seeds + s].reached.clone())
                    .collect()
            })
        })
        .collect();
    let (pairs, selection) = pairs::select(sites, &worlds, options.max_pairs, options.sample_seed);
    let plans = pairs
        .into_iter()
        .map(|(a, b)| singles[a].clone().and(&singles[b]))
        .collect();
    (plans, selection)
}

/// Runs every variant of `scenario` under every plan of [`sweep_plans`] and every seed,
/// on `options.jobs` threads; the report is the same whatever the number.
/// `progress(done, total)` is called once per case (for a progress bar; the total grows
/// when the pairs are chosen, after the singles ran). With `check_determinism`, the first
/// case whose two runs differ ends the sweep with an error holding the diff.
pub fn sweep_with(
    scenario: &Scenario,
    options: &SweepOptions,
    progress: impl FnMut(usize, usize) + Send,
) -> Result<SweepReport, Error> {
    let singles = single_fault_plans(scenario, &options.actions)?;
    let sites = Sites::of(&singles);
    let seeds = &options.seeds;
    let per_plan = seeds.len() * scenario.variants.len();
    let mut progress = Progress::new(progress);
    progress.total = singles.len() * per_plan;
    let single_runs = run_cases(
        scenario,
        options,
        &singles,
        &sites,
        &progress,
        &|_, _, _, _| {},
    )?;
    let (pairs, selection) = if options.pairs {
        let (pairs, selection) = choose_pairs(scenario, options, &singles, &sites, &single_runs);
        (pairs, Some(selection))
    } else {
        (Vec::new(), None)
    };
    progress.total += pairs.len() * per_plan;
    let pair_runs = run_cases(
        scenario,
        options,
        &pairs,
        &sites,
        &progress,
        &|_, _, _, _| {},
    )?;
    let mut single_runs = single_runs.into_iter();
    let mut pair_runs = pair_runs.into_iter();
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
        let singles_here = single_runs.by_ref().take(singles.len() * seeds.len());
        let pairs_here = pair_runs.by_ref().take(pairs.len() * seeds.len());
        for (at, ran) in singles_here.chain(pairs_here).enumerate() {
            row.runs += 1;
            row.clean += usize::from(ran.clean);
            for finding in &mut row.findings {
                if ran.findings.contains(&finding.kind) {
                    finding.runs += 1;
                    finding.first.get_or_insert_with(|| ran.replay.clone());
                }
            }
            row.cases.push(SweepCase {
                plan: at / seeds.len(),
                seed: seeds[at % seeds.len()],
                findings: ran.findings,
                problems: ran.problems,
                replay: ran.replay,
            });
        }
        variants.push(row);
    }
    Ok(SweepReport {
        scenario: scenario.name.to_owned(),
        seeds: seeds.clone(),
        singles: singles.len(),
        plans: singles
            .iter()
            .chain(&pairs)
            .map(ToString::to_string)
            .collect(),
        pairs: selection,
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
        if let Some(p) = &self.pairs {
            let sampled = match p.sample_seed {
                Some(seed) => format!(
                    ", sampled from {} with seed {seed} (--max-pairs, --sample-seed)",
                    p.left()
                ),
                None => String::new(),
            };
            writeln!(
                f,
                "pairs: {} possible · {} pruned (one fault keeps the other's site unreached: \
                 the pair's run is a single's) · {} run{sampled}",
                p.possible, p.pruned, p.run
            )?;
        }
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
