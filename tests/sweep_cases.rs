//! Every sweep case as a test, generated from the catalogue at run time (no macro, no build
//! script). One case = scenario × variant × plan (every single fault, and every pair the
//! scenario's `sweep --pairs` runs: pruned, then sampled, see
//! [`PairSelection`](faultline::harness::PairSelection)) × seed; its
//! name is `{scenario}/{variant}/{plan}/seed{n}`.
//!
//! Each case: runs twice and must render the same bytes; its report's plan text must parse
//! back to the plan it ran (the replay command replays it); and in the scenarios of
//! [`STRUCTURED_CONCURRENCY`], the `structured` variant must never orphan, swallow, drop a
//! task at shutdown or leave one untracked.
//!
//! Which cases run, so that the README's `cargo test --workspace` stays quick and quiet:
//! - by default, one test per scenario with at most [`QUICK_UP_TO`] single faults, running
//!   all its single-fault cases (a dozen lines, not thousands), and the self-check;
//! - `FAULTLINE_SWEEP_CASES=all` (what CI sets): every case of every scenario,
//!   pairs included, each its own test; or `FAULTLINE_SWEEP_CASES=gather,limits` for those
//!   scenarios' cases. Listing them runs every single once (on every core) to choose the
//!   pairs; that run is also each single case's first run.
//!
//! `FAULTLINE_SWEEP_CASES=all cargo test --test sweep_cases -- -q` runs them in one process,
//! on every core (libtest-mimic takes libtest's flags: a filter, `--exact`, `--list`,
//! `--test-threads`). `FAULTLINE_SWEEP_SEEDS=N` runs every case with seeds 0..N.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use faultline::harness::{
    Action, Fate, Outcome, Plan, Report, Scenario, SweepOptions, compare_reports, sweep_plans,
    sweep_plans_seeing,
};
use libtest_mimic::{Arguments, Failed, Trial};

/// Scenarios whose `structured` variant is structured concurrency (a scope that owns its
/// tasks): under any fault it must leave no orphan and swallow nothing. Other lessons'
/// fixes are about something else (`blocking`: `spawn_blocking`; `awaitables`: wakers),
/// and their sweeps report orphans as findings, not failures.
const STRUCTURED_CONCURRENCY: &[&str] = &[
    "gather",
    "streams",
    "guards",
    "scopes",
    "shutdown",
    "processor",
    "scraper",
];

/// By default, the single-fault cases of the scenarios with at most this many single
/// faults run (one test per scenario): `shutdown` (300), `limits` (1,500) and `scraper`
/// run only when asked.
const QUICK_UP_TO: usize = 200;

/// Seeds every case runs with (`FAULTLINE_SWEEP_SEEDS`, default 1: seed 0).
fn seeds() -> Vec<u64> {
    let n = std::env::var("FAULTLINE_SWEEP_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1u64);
    (0..n.max(1)).collect()
}

/// The scenarios whose every case is asked for (`FAULTLINE_SWEEP_CASES`), or `None`.
fn asked(all: &[Scenario]) -> Result<Option<BTreeSet<&'static str>>, String> {
    let Ok(value) = std::env::var("FAULTLINE_SWEEP_CASES") else {
        return Ok(None);
    };
    let known: Vec<&'static str> = all.iter().map(|s| s.name).collect();
    if value.trim() == "all" {
        return Ok(Some(known.into_iter().collect()));
    }
    let mut chosen = BTreeSet::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match known.iter().find(|k| **k == name) {
            Some(k) => chosen.insert(*k),
            None => {
                return Err(format!(
                    "FAULTLINE_SWEEP_CASES: unknown scenario {name:?}; give `all` or some of: {}",
                    known.join(", ")
                ));
            }
        };
    }
    Ok(Some(chosen))
}

fn main() {
    let args = Arguments::from_args();
    let all = faultline::scenarios();
    let asked = match asked(&all) {
        Ok(asked) => asked,
        Err(why) => {
            eprintln!("error: {why}");
            std::process::exit(2);
        }
    };
    let mut trials = Vec::new();
    for scenario in all {
        match &asked {
            Some(chosen) if chosen.contains(scenario.name) => every_case(&scenario, &mut trials),
            Some(_) => {}
            None => quick(scenario, &mut trials),
        }
    }
    trials.push(Trial::test(
        "self_check/a_structured_variant_that_orphans_fails",
        self_check,
    ));
    libtest_mimic::run(&args, trials).exit();
}

/// One test running every single-fault case of `scenario`, if it has at most
/// [`QUICK_UP_TO`] of them.
fn quick(scenario: Scenario, trials: &mut Vec<Trial>) {
    let options = SweepOptions {
        seeds: seeds(),
        ..SweepOptions::default()
    };
    let plans = sweep_plans(&scenario, &options).expect("the baseline runs");
    if plans.len() > QUICK_UP_TO {
        return;
    }
    let name = format!(
        "{}/every_single_fault ({} cases)",
        scenario.name,
        plans.len() * options.seeds.len() * scenario.variants.len(),
    );
    trials.push(Trial::test(name, move || {
        for variant in &scenario.variants {
            for plan in &plans {
                for &seed in &options.seeds {
                    case(&scenario, variant.name, plan, seed, None)
                        .map_err(|e| format!("{}/{plan}/seed{seed}: {e:?}", variant.name))?;
                }
            }
        }
        Ok(())
    }));
}

/// Every case of `scenario`, each its own test: the singles and the pairs its sweep runs.
fn every_case(scenario: &Scenario, trials: &mut Vec<Trial>) {
    let options = SweepOptions {
        seeds: seeds(),
        pairs: true,
        ..SweepOptions::default()
    };
    // The singles' runs made to choose the pairs are their cases' first runs.
    let firsts = Mutex::new(BTreeMap::new());
    let plans = sweep_plans_seeing(scenario, &options, |variant, plan, seed, report| {
        let rendered = rendering(report);
        let mut firsts = firsts.lock().unwrap_or_else(|e| e.into_inner());
        firsts.insert((variant.to_owned(), plan, seed), rendered);
    })
    .expect("the singles run");
    let firsts = Arc::new(Mutex::new(
        firsts.into_inner().unwrap_or_else(|e| e.into_inner()),
    ));
    for variant in &scenario.variants {
        for (at, plan) in plans.iter().enumerate() {
            for &seed in &options.seeds {
                let name = format!(
                    "{}/{}/{}/seed{seed}",
                    scenario.name,
                    variant.name,
                    plan.to_string().replace("; ", ";")
                );
                let (scenario, variant, plan) = (scenario.clone(), variant.name, plan.clone());
                let firsts = firsts.clone();
                trials.push(Trial::test(name, move || {
                    let key = (variant.to_owned(), at, seed);
                    let first = firsts
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .remove(&key);
                    case(&scenario, variant, &plan, seed, first)
                }));
            }
        }
    }
}

/// A run's text and JSON renderings, hashed (all that a case keeps of a first run).
fn rendering(report: &Report) -> u64 {
    let mut h = DefaultHasher::new();
    report.to_string().hash(&mut h);
    report.to_json().hash(&mut h);
    h.finish()
}

/// Runs one case and checks it; `first` is the hash of its first run's rendering when
/// that run was made already (while listing), else the case runs twice here.
fn case(
    scenario: &Scenario,
    variant: &str,
    plan: &Plan,
    seed: u64,
    first: Option<u64>,
) -> Result<(), Failed> {
    let v = scenario.find_variant(variant).map_err(|e| e.to_string())?;
    let builder = scenario.builder(variant, None, plan.clone(), seed);
    let run = || (v.run)(&builder).map_err(|e| e.to_string());
    let report = match first {
        None => {
            let (first, second) = (run()?, run()?);
            compare_reports(variant, &first, &second).map_err(|e| e.to_string())?;
            first
        }
        Some(hash) => {
            let second = run()?;
            if rendering(&second) != hash {
                // Show a diff if a third run differs too; say so plainly if not.
                let third = run()?;
                compare_reports(variant, &second, &third).map_err(|e| e.to_string())?;
                return Err(format!(
                    "not deterministic: {variant} rendered differently on its second run than \
                     on its first (made while listing the cases); replay with --check-determinism: {}",
                    second.replay
                )
                .into());
            }
            second
        }
    };
    let replayed = Plan::parse(&report.plan).map_err(|e| e.to_string())?;
    if &replayed != plan {
        return Err(format!("the report's plan {:?} does not replay {plan}", report.plan).into());
    }
    faultline::harness::rows_match_counts(&report)?;
    if variant == "structured" && STRUCTURED_CONCURRENCY.contains(&scenario.name) {
        // A pair with a hang that stalled the run: the scope waits on the hung task at the
        // deadline, so an error in flight is never delivered (swallowed) or never read
        // (discarded): the stall's consequence, and its fix is a deadline (lesson 06).
        let hang = plan
            .rules()
            .iter()
            .any(|r| r.chain.iter().any(|t| t.action == Action::Hang));
        let stalled_by_hang = plan.rules().len() > 1 && hang && report.summary.stalled > 0;
        // A pair whose second fault kills a task (a panic, a cancel) holding a failure of
        // the first (delivered to it, kept to report later): the failure is dropped with
        // the task's state, at its end, in that task. The kill's consequence, shown as
        // PANICKED or cancelled beside it.
        let discarded_by_a_kill = plan.rules().len() > 1
            && report
                .errors
                .iter()
                .filter(|e| e.fate == Fate::Discarded)
                .all(|e| {
                    report.tasks.iter().any(|t| {
                        matches!(t.outcome, Outcome::Panicked | Outcome::Cancelled)
                            && e.dropped_by.as_deref() == Some(t.name.as_str())
                            && e.dropped_ms.is_some()
                            && e.dropped_ms == t.end_ms
                    })
                });
        let exempt = |key: &str| {
            key == "stalled" // a hang with no deadline stalls any scope
                || (stalled_by_hang && (key == "swallowed" || key == "discarded"))
                || (key == "discarded" && discarded_by_a_kill)
        };
        for v in faultline::harness::VERDICTS
            .iter()
            .filter(|v| !exempt(v.key))
        {
            let n = (v.count)(&report.summary);
            if n > 0 {
                return Err(format!("the structured variant: {} {n}:\n{report}", v.key).into());
            }
        }
    }
    Ok(())
}

/// The case check can fail: gather's unstructured body posing as `structured` is caught,
/// whether the case runs twice or once after a first run made while listing.
fn self_check() -> Result<(), Failed> {
    let real = scenario_gather::scenario();
    let impostor = real
        .find_variant("unstructured")
        .map_err(|e| e.to_string())?
        .run;
    let fake = Scenario::new("gather", "unstructured posing as structured")
        .root(real.root)
        .variant("structured", impostor);
    let plan = Plan::parse("fetch[0]=error(SweepError)").map_err(|e| e.to_string())?;
    let first = (impostor)(&fake.builder("structured", None, plan.clone(), 0))
        .map_err(|e| e.to_string())?;
    for listed in [None, Some(rendering(&first))] {
        match case(&fake, "structured", &plan, 0, listed) {
            Err(failed) if format!("{failed:?}").contains("the structured variant: outlived") => {}
            other => {
                return Err(format!("the check missed an orphaning variant: {other:?}").into());
            }
        }
    }
    // A first run that rendered differently is caught.
    match case(&fake, "structured", &plan, 0, Some(rendering(&first) ^ 1)) {
        Err(failed) if format!("{failed:?}").contains("not deterministic") => Ok(()),
        other => Err(format!("the check missed a first run that differs: {other:?}").into()),
    }
}
