//! What a sweep costs over the same runs done one by one: gather's full single-fault sweep
//! (25 plans × 3 variants, plus the 3 baseline runs that find the sites) against a plain
//! loop running the same 75 cases with `Variant::run`, and the same with pairs (825 cases).
//!
//! Run with `cargo bench --bench sweep`; the figures are in `BENCHMARKS.md` ("Sweep").

use divan::Bencher;
use divan::counter::ItemsCount;
use faultline_harness::{Plan, Scenario, SweepOptions, sweep_plans, sweep_with};

fn main() {
    divan::main();
}

fn options(pairs: bool) -> SweepOptions {
    SweepOptions {
        pairs,
        ..SweepOptions::default()
    }
}

/// The cases, computed outside the timed part for the one-by-one side.
fn cases(scenario: &Scenario, pairs: bool) -> Vec<Plan> {
    sweep_plans(scenario, &options(pairs)).expect("the baseline runs")
}

fn one_by_one(scenario: &Scenario, plans: &[Plan]) -> usize {
    let mut findings = 0;
    for variant in &scenario.variants {
        for plan in plans {
            let b = scenario.builder(variant.name, None, plan.clone(), 0);
            let report = (variant.run)(&b).expect("the case runs");
            findings += usize::from(!report.is_clean());
        }
    }
    findings
}

fn full_sweep(scenario: &Scenario, pairs: bool) -> usize {
    let report = sweep_with(scenario, &options(pairs), |_, _| {}).expect("the sweep runs");
    report.variants.iter().map(|v| v.runs).sum()
}

/// The 25 single-fault plans × 3 variants.
mod singles {
    use super::*;

    #[divan::bench(sample_count = 100, sample_size = 1)]
    fn sweep(bencher: Bencher) {
        let scenario = scenario_gather::scenario();
        bencher
            .counter(ItemsCount::new(75usize))
            .bench_local(|| assert_eq!(full_sweep(&scenario, false), 75));
    }

    #[divan::bench(sample_count = 100, sample_size = 1)]
    fn one_by_one(bencher: Bencher) {
        let scenario = scenario_gather::scenario();
        let plans = cases(&scenario, false);
        bencher
            .counter(ItemsCount::new(75usize))
            .bench_local(|| super::one_by_one(&scenario, &plans));
    }
}

/// The 25 single-fault plans and 250 pairs × 3 variants.
mod pairs {
    use super::*;

    #[divan::bench(sample_count = 15, sample_size = 1)]
    fn sweep(bencher: Bencher) {
        let scenario = scenario_gather::scenario();
        bencher
            .counter(ItemsCount::new(825usize))
            .bench_local(|| assert_eq!(full_sweep(&scenario, true), 825));
    }

    #[divan::bench(sample_count = 15, sample_size = 1)]
    fn one_by_one(bencher: Bencher) {
        let scenario = scenario_gather::scenario();
        let plans = cases(&scenario, true);
        bencher
            .counter(ItemsCount::new(825usize))
            .bench_local(|| super::one_by_one(&scenario, &plans));
    }
}
