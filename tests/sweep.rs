//! faultline:author-only — asserts on the reference solution; not exported to learners.
//!
//! Full single-fault sweeps: every site × action, every variant. For the scenarios listed,
//! the structured variant must come out clean under every plan, and the unstructured one
//! must be caught by some plan.

use faultline::harness::{
    Scenario, SweepOptions, SweepReport, VERDICTS, default_actions, sweep, sweep_with,
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
