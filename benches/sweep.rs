//! What a sweep costs over the same runs done one by one: gather's full single-fault sweep
//! (25 plans × 3 variants, plus the 3 baseline runs that find the sites) against a plain
//! loop running the same 75 cases with `Variant::run`, and the same with pairs (825 cases).
//!
//! Both on one thread (`jobs: 1`), so that the ratio is the sweep's own cost; then the
//! pair sweep on every core against one thread (`parallel`).
//!
//! Run with `cargo bench --bench sweep`; the figures are in `BENCHMARKS.md` ("Sweep", and
//! "Every core").

use divan::Bencher;
use divan::counter::ItemsCount;
use faultline_harness::{Plan, Scenario, SweepOptions, sweep_plans, sweep_with};

fn main() {
    ratio("singles", false, 40);
    ratio("pairs", true, 8);
    parallel(8);
    divan::main();
}

/// The ratio sweep ÷ one by one, from `rounds` alternating runs of each, fastest of each:
/// alternating keeps both sides under the same background load, which on a shared
/// 2-core machine moves the medians by 2× between runs.
#[allow(clippy::disallowed_methods)] // a benchmark measures wall time on purpose
fn ratio(name: &str, pairs: bool, rounds: usize) {
    use std::time::{Duration, Instant};
    let scenario = scenario_gather::scenario();
    let plans = cases(&scenario, pairs);
    let (mut sweep, mut single) = (Duration::MAX, Duration::MAX);
    for _ in 0..rounds {
        let t = Instant::now();
        divan::black_box(full_sweep(&scenario, pairs));
        sweep = sweep.min(t.elapsed());
        let t = Instant::now();
        divan::black_box(one_by_one(&scenario, &plans));
        single = single.min(t.elapsed());
    }
    println!(
        "{name}: sweep {sweep:.2?}, one by one {single:.2?}: sweep ÷ one by one = {:.2}× (fastest of {rounds} alternating rounds)",
        sweep.as_secs_f64() / single.as_secs_f64()
    );
}

fn options(pairs: bool) -> SweepOptions {
    SweepOptions {
        pairs,
        jobs: 1,
        ..SweepOptions::default()
    }
}

/// The pair sweep on every core ÷ on one thread, fastest of `rounds` alternating rounds.
#[allow(clippy::disallowed_methods)] // a benchmark measures wall time on purpose
fn parallel(rounds: usize) {
    use std::time::{Duration, Instant};
    let scenario = scenario_gather::scenario();
    let jobs = faultline_harness::default_jobs();
    let every_core = SweepOptions {
        jobs,
        ..options(true)
    };
    let (mut many, mut one) = (Duration::MAX, Duration::MAX);
    for _ in 0..rounds {
        let t = Instant::now();
        divan::black_box(sweep_with(&scenario, &every_core, |_, _| {}).expect("the sweep runs"));
        many = many.min(t.elapsed());
        let t = Instant::now();
        divan::black_box(full_sweep(&scenario, true));
        one = one.min(t.elapsed());
    }
    println!(
        "parallel: pair sweep on {jobs} jobs {many:.2?}, on 1 {one:.2?}: speed-up {:.2}× (fastest of {rounds} alternating rounds)",
        one.as_secs_f64() / many.as_secs_f64()
    );
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
