//! Every sweep case as its own test, generated from the catalogue at run time (no macro,
//! no build script), so that `cargo nextest run --partition hash:1/4` splits them across
//! machines. One case = scenario × variant × plan (every single fault, and every pair
//! where there are at most [`PAIRS_UP_TO`] singles) × seed; its name is
//! `{scenario}/{variant}/{plan}/seed{n}`.
//!
//! Each case: runs twice and must render the same bytes; its report's plan text must parse
//! back to the plan it ran (the replay command replays it); and in the scenarios of
//! [`STRUCTURED_CONCURRENCY`], the `structured` variant must never orphan, swallow, drop a
//! task at shutdown or leave one untracked.
//!
//! `cargo test --test sweep_cases` runs them all in one process (libtest-mimic takes
//! libtest's flags: a filter, `--exact`, `--list`, `--test-threads`).

use faultline::harness::{Plan, Scenario, SweepOptions, compare_reports, pair_plans, sweep_plans};
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

/// Pairs are added for scenarios with at most this many single-fault plans: pairs grow
/// with the square (gather: 25 singles, 250 pairs; a scenario with 1,000 singles would
/// have over a million).
const PAIRS_UP_TO: usize = 50;

/// A scenario with more single-fault plans than this (`limits`: 300 requests) has its
/// cases marked ignored, so that the README's `cargo test` stays quick: run them with
/// `cargo test --test sweep_cases -- --include-ignored`, or
/// `cargo nextest run --run-ignored all`.
const IGNORED_OVER: usize = 200;

/// Seeds every case runs with (`FAULTLINE_SWEEP_SEEDS`, default 1: seed 0).
fn seeds() -> Vec<u64> {
    let n = std::env::var("FAULTLINE_SWEEP_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1u64);
    (0..n.max(1)).collect()
}

fn main() {
    let args = Arguments::from_args();
    let singles = SweepOptions {
        seeds: seeds(),
        ..SweepOptions::default()
    };
    let mut trials = Vec::new();
    for scenario in faultline::scenarios() {
        let mut plans = sweep_plans(&scenario, &singles).expect("the baseline runs");
        let large = plans.len() > IGNORED_OVER;
        if plans.len() <= PAIRS_UP_TO {
            plans.extend(pair_plans(&plans));
        }
        let options = &singles;
        for variant in &scenario.variants {
            for plan in &plans {
                for &seed in &options.seeds {
                    let name = format!(
                        "{}/{}/{}/seed{seed}",
                        scenario.name,
                        variant.name,
                        plan.to_string().replace("; ", ";")
                    );
                    let (scenario, variant, plan) = (scenario.clone(), variant.name, plan.clone());
                    let trial = Trial::test(name, move || case(&scenario, variant, &plan, seed));
                    trials.push(trial.with_ignored_flag(large));
                }
            }
        }
    }
    trials.push(Trial::test(
        "self_check/a_structured_variant_that_orphans_fails",
        self_check,
    ));
    libtest_mimic::run(&args, trials).exit();
}

fn case(scenario: &Scenario, variant: &str, plan: &Plan, seed: u64) -> Result<(), Failed> {
    let v = scenario.find_variant(variant).map_err(|e| e.to_string())?;
    let builder = scenario.builder(variant, None, plan.clone(), seed);
    let first = (v.run)(&builder).map_err(|e| e.to_string())?;
    let second = (v.run)(&builder).map_err(|e| e.to_string())?;
    compare_reports(variant, &first, &second).map_err(|e| e.to_string())?;
    let replayed = Plan::parse(&first.plan).map_err(|e| e.to_string())?;
    if &replayed != plan {
        return Err(format!("the report's plan {:?} does not replay {plan}", first.plan).into());
    }
    faultline::harness::rows_match_counts(&first)?;
    if variant == "structured" && STRUCTURED_CONCURRENCY.contains(&scenario.name) {
        // Every bad verdict but `stalled` (a hang with no deadline stalls any scope).
        for v in faultline::harness::VERDICTS
            .iter()
            .filter(|v| v.key != "stalled")
        {
            let n = (v.count)(&first.summary);
            if n > 0 {
                return Err(format!("the structured variant: {} {n}:\n{first}", v.key).into());
            }
        }
    }
    Ok(())
}

/// The case check can fail: gather's unstructured body posing as `structured` is caught.
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
    match case(&fake, "structured", &plan, 0) {
        Err(failed) if format!("{failed:?}").contains("the structured variant: outlived") => Ok(()),
        other => Err(format!("the check missed an orphaning variant: {other:?}").into()),
    }
}
