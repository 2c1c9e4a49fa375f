//! faultline:author-only — asserts on the reference solution; not exported to learners.
//!
//! Full single-fault sweeps: every site × action, every variant. For the scenarios listed,
//! the structured variant must come out clean under every plan, and the unstructured one
//! must be caught by some plan.

use faultline::harness::{
    Plan, Report, Scenario, Selector, SweepOptions, SweepReport, VERDICTS, default_actions,
    single_fault_plans, sweep, sweep_with,
};
use rstest::rstest;

/// Findings that are defects for the lesson 01–03 pack (`stalled` is left to lesson 06:
/// a hang with no deadline stalls a structured variant too).
/// Every bad verdict of the one list but `stalled`.
fn defects() -> impl Iterator<Item = &'static str> {
    VERDICTS.iter().map(|v| v.key).filter(|&k| k != "stalled")
}

fn full_sweep(scenario: &Scenario) -> SweepReport {
    sweep(scenario, &default_actions(), &[0], |_, _| {}).unwrap()
}

#[rstest]
#[case::streams(scenario_streams::scenario())]
#[case::guards(scenario_guards::scenario())]
#[case::scopes(scenario_scopes::scenario())]
#[case::shutdown(scenario_shutdown::scenario())]
#[case::processor(scenario_processor::scenario())]
fn structured_is_clean_and_unstructured_is_caught(#[case] scenario: Scenario) {
    let report = full_sweep(&scenario);
    assert!(!report.plans.is_empty(), "no fault site was hit:\n{report}");
    for kind in defects() {
        assert_eq!(
            report.count("structured", kind),
            Some(0),
            "{} structured {kind}:\n{report}",
            scenario.name
        );
    }
    let caught: usize = defects()
        .map(|kind| report.count("unstructured", kind).unwrap())
        .sum();
    assert!(
        caught > 0,
        "{}: no plan catches the unstructured variant:\n{report}",
        scenario.name
    );
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(format!("{}@sweep", scenario.name), report.to_string());
    });
}

fn gather_sweep() -> faultline::harness::SweepReport {
    sweep(
        &scenario_gather::scenario(),
        &default_actions(),
        &[0],
        |_, _| {},
    )
    .unwrap()
}

#[test]
fn structured_gather_never_orphans_swallows_or_leaks() {
    let report = gather_sweep();
    assert_eq!(report.plans.len(), 25, "5 fetch sites × 5 actions");
    for kind in ["outlived", "swallowed", "dropped_at_shutdown", "untracked"] {
        assert_eq!(
            report.count("structured", kind),
            Some(0),
            "structured {kind}:\n{report}"
        );
    }
    // A hang with no timeout stalls every variant, the structured one included: the fix for
    // that is a deadline (lesson 06), not a TaskGroup.
    assert_eq!(report.count("structured", "stalled"), Some(5));
}

#[test]
fn each_unstructured_gather_is_caught_by_some_plan() {
    let report = gather_sweep();
    assert!(
        report.count("unstructured", "outlived").unwrap() > 0,
        "{report}"
    );
    assert!(
        report
            .count("unstructured_return_exceptions", "discarded")
            .unwrap()
            > 0,
        "{report}"
    );
}

#[test]
fn the_sweep_snapshot() {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("gather@sweep", gather_sweep().to_string());
    });
}

fn gather_pair_sweep() -> faultline::harness::SweepReport {
    let options = SweepOptions {
        pairs: true,
        ..SweepOptions::default()
    };
    sweep_with(&scenario_gather::scenario(), &options, |_, _| {}).unwrap()
}

#[test]
fn structured_gather_never_orphans_swallows_or_leaks_under_two_faults() {
    let report = gather_pair_sweep();
    assert_eq!(report.singles, 25);
    assert_eq!(
        report.plans.len(),
        25 + 250,
        "10 pairs of sites × 5 × 5 actions"
    );
    for kind in ["outlived", "swallowed", "dropped_at_shutdown", "untracked"] {
        assert_eq!(
            report.count("structured", kind),
            Some(0),
            "structured {kind}:\n{report}"
        );
    }
    // Two failures: the unstructured gather returns the first and swallows the second.
    assert!(
        report.count("unstructured", "swallowed").unwrap() > 0,
        "{report}"
    );
    let text = report.to_string();
    assert!(
        text.contains("unstructured swallowed: cargo run -- run gather --variant unstructured --faults 'fetch[0]=error(SweepError); fetch[3]=error(SweepError)' --seed 0"),
        "the replay command of a pair plan:\n{text}"
    );
}

#[test]
fn the_pair_sweep_snapshot() {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("gather@sweep@pairs", gather_pair_sweep().to_string());
    });
}

fn pair_sweep(scenario: &Scenario, jobs: usize, max_pairs: usize, sample_seed: u64) -> SweepReport {
    let options = SweepOptions {
        pairs: true,
        jobs,
        max_pairs,
        sample_seed,
        ..SweepOptions::default()
    };
    sweep_with(scenario, &options, |_, _| {}).unwrap()
}

/// A sweep on four threads is the sequential sweep byte for byte, text and JSON, pairs
/// and their pruning and sampling included; the progress count reaches the total.
#[test]
fn a_parallel_sweep_is_the_sequential_one_byte_for_byte() {
    let scenario = scenario_streams::scenario();
    let sequential = pair_sweep(&scenario, 1, 300, 0);
    let parallel = pair_sweep(&scenario, 4, 300, 0);
    assert_eq!(parallel.to_string(), sequential.to_string());
    assert_eq!(
        serde_json::to_string(&parallel).unwrap(),
        serde_json::to_string(&sequential).unwrap()
    );
    let seen = std::sync::Mutex::new(Vec::new());
    let options = SweepOptions {
        pairs: true,
        max_pairs: 300,
        jobs: 4,
        ..SweepOptions::default()
    };
    sweep_with(&scenario, &options, |done, total| {
        seen.lock().unwrap().push((done, total));
    })
    .unwrap();
    let seen = seen.into_inner().unwrap();
    let runs: usize = sequential.variants.iter().map(|v| v.runs).sum();
    assert_eq!(seen.last(), Some(&(runs, runs)), "every run counted once");
    assert!(
        seen.iter().enumerate().all(|(i, &(done, _))| done == i + 1),
        "done counts up by one across the workers"
    );
}

/// The CLI's sweep, main job and grade print the same bytes with --jobs 1 and --jobs 4.
#[test]
fn the_cli_prints_the_same_with_one_job_or_four() {
    use clap::Parser as _;
    let out = |args: &[&str]| {
        let cli = faultline::cli::Cli::try_parse_from(args).unwrap();
        faultline::cli::run(cli).unwrap().text
    };
    for args in [
        &[
            "faultline",
            "sweep",
            "gather",
            "--pairs",
            "--format",
            "json",
        ][..],
        &[
            "faultline",
            "sweep",
            "breaker",
            "--pairs",
            "--max-pairs",
            "200",
        ][..],
        &["faultline", "grade", "gather"][..],
        &["faultline", "grade", "--json"][..],
        &["faultline"][..],
    ] {
        let one = out(&[args, &["--jobs", "1"]].concat());
        let four = out(&[args, &["--jobs", "4"]].concat());
        assert!(
            one == four,
            "{args:?}: --jobs 4 printed differently from --jobs 1"
        );
    }
}

/// A wrong solution's grade — its misses under many plans, in order, its observations and
/// hints — is the same with its runs one at a time or four at once.
#[test]
fn a_wrong_solutions_grade_is_the_same_with_one_job_or_four() {
    for (scenario, wrong) in [
        ("shutdown", "drops-when-the-queue-is-full"),
        ("scopes", "never-cancels-the-token"),
        ("gather", "spawns-detached"),
    ] {
        let rubric = faultline::rubrics()
            .into_iter()
            .find(|r| r.scenario == scenario)
            .unwrap();
        let found = faultline::find(scenario).unwrap();
        let one = rubric.grade_jobs(&found, wrong, 1).unwrap();
        let four = rubric.grade_jobs(&found, wrong, 4).unwrap();
        let misses: usize = one.checks.iter().map(|c| c.misses.len()).sum();
        assert!(
            misses >= 2,
            "{scenario} / {wrong}: too few misses to show an order\n{one}"
        );
        assert_eq!(
            one, four,
            "{scenario} / {wrong}: the grade depends on the jobs"
        );
        assert_eq!(one.to_string(), four.to_string());
    }
}

/// `--jobs 0` is refused with a message, not a panic.
#[test]
fn zero_jobs_is_refused() {
    use clap::Parser as _;
    let err = faultline::cli::Cli::try_parse_from(["faultline", "sweep", "gather", "--jobs", "0"])
        .err()
        .expect("--jobs 0 is refused");
    assert!(err.to_string().contains("--jobs"), "{err}");
}

/// Every pair the sweep did not run, but was possible, was pruned for the one reason
/// given: in every variant, one fault's single run never reaches the other's site, and
/// the pair's run is then that single's run (same tasks, same summary). Checked on every
/// tenth pruned pair of streams (3,800 of 4,750 are pruned).
#[test]
fn a_pruned_pair_runs_as_one_of_its_singles() {
    let scenario = scenario_streams::scenario();
    let report = pair_sweep(&scenario, faultline::harness::default_jobs(), usize::MAX, 0);
    let selection = report.pairs.clone().unwrap();
    assert!(selection.pruned > 1000, "{report}");
    let singles = single_fault_plans(&scenario, &default_actions()).unwrap();
    let site = |p: &Plan| p.rules()[0].point.clone();
    let reaches = |r: &Report, s: &Selector| {
        r.hits.iter().any(|h| {
            h.point == s.name
                && s.key.as_ref().is_none_or(|k| h.key.as_ref() == Some(k))
                && s.hit.is_none_or(|n| n == h.hit)
        })
    };
    let run = |variant: &str, plan: &Plan| {
        let v = scenario.find_variant(variant).unwrap();
        (v.run)(&scenario.builder(variant, None, plan.clone(), 0)).unwrap()
    };
    let mut pruned = Vec::new();
    for (i, a) in singles.iter().enumerate() {
        for b in &singles[i + 1..] {
            let pair = a.clone().and(b);
            if site(a) != site(b) && !report.plans.contains(&pair.to_string()) {
                pruned.push((a, b, pair));
            }
        }
    }
    assert_eq!(
        pruned.len(),
        selection.pruned,
        "every pair not run was pruned (no sample)"
    );
    for (a, b, pair) in pruned.iter().step_by(10) {
        for variant in scenario.variants.iter().map(|v| v.name) {
            let (ra, rb) = (run(variant, a), run(variant, b));
            let single = if !reaches(&ra, &site(b)) {
                ra
            } else {
                assert!(
                    !reaches(&rb, &site(a)),
                    "{variant}: pair {pair} was pruned, yet each single reaches the other's site"
                );
                rb
            };
            let both = run(variant, pair);
            assert_eq!(both.tasks, single.tasks, "{variant}: {pair}");
            assert_eq!(both.summary, single.summary, "{variant}: {pair}");
            assert_eq!(both.result, single.result, "{variant}: {pair}");
        }
    }
}

/// The counts add up: possible = pairs of singles at two different sites; pruned + left =
/// possible; run = min(left, max_pairs); the report's plans are the singles and the pairs
/// run. A sample is seeded: the same seed, the same pairs; another seed, others.
#[test]
fn the_pair_counts_add_up_and_the_sample_is_seeded() {
    let scenario = scenario_scopes::scenario();
    let singles = single_fault_plans(&scenario, &default_actions()).unwrap();
    let site = |p: &Plan| p.rules()[0].point.clone();
    let mut possible = 0;
    for (i, a) in singles.iter().enumerate() {
        possible += singles[i + 1..]
            .iter()
            .filter(|b| site(a) != site(b))
            .count();
    }
    let all = pair_sweep(&scenario, 2, usize::MAX, 0);
    let counts = all.pairs.clone().unwrap();
    assert_eq!(counts.possible, possible);
    assert!(counts.pruned > 0 && counts.pruned < possible, "{counts:?}");
    assert_eq!(counts.run, counts.left());
    assert_eq!(counts.sample_seed, None);
    assert_eq!(all.plans.len(), singles.len() + counts.run);

    let sampled = pair_sweep(&scenario, 2, 100, 0);
    let s = sampled.pairs.clone().unwrap();
    assert_eq!(
        (s.possible, s.pruned, s.run, s.sample_seed),
        (possible, counts.pruned, 100, Some(0))
    );
    assert_eq!(sampled.plans.len(), singles.len() + 100);
    let text = sampled.to_string();
    assert!(
        text.contains(&format!(
            "pairs: {possible} possible · {} pruned (one fault keeps the other's site unreached: the pair's run is a single's) · 100 run, sampled from {} with seed 0",
            counts.pruned,
            counts.left()
        )),
        "{text}"
    );
    // A sample is drawn from the pairs left, in their order.
    let left: Vec<&String> = all.plans[singles.len()..].iter().collect();
    let mut at = 0;
    for pair in &sampled.plans[singles.len()..] {
        at += left[at..]
            .iter()
            .position(|p| *p == pair)
            .expect("a pair left, in order")
            + 1;
    }
    assert_eq!(pair_sweep(&scenario, 2, 100, 0).plans, sampled.plans);
    assert_ne!(pair_sweep(&scenario, 2, 100, 1).plans, sampled.plans);
}
