//! Snapshots of every scenario variant under every plan, and of the side-by-side comparisons.
//! Review changes with `cargo insta review`; the files live in the top-level `snapshots/`.

use faultline::harness::side_by_side;
use rstest::rstest;

/// The seed every snapshot is taken with (the CLI's default).
const SEED: u64 = 0;

fn check(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[rstest]
fn gather_report(
    #[values("unstructured", "unstructured_return_exceptions", "structured")] variant: &str,
    #[values("none", "fetch3-fails", "fetch3-and-4-fail", "caller-cancelled")] plan: &str,
) {
    let report = scenario_gather::scenario()
        .run(variant, plan, SEED)
        .unwrap();
    check(&format!("gather@{variant}@{plan}"), &report.to_string());
}

#[rstest]
fn gather_comparison(
    #[values("none", "fetch3-fails", "fetch3-and-4-fail", "caller-cancelled")] plan: &str,
) {
    let scenario = scenario_gather::scenario();
    let parsed = scenario.find_plan(plan).unwrap();
    let reports = scenario.run_all(Some(plan), &parsed, SEED).unwrap();
    check(&format!("gather@compare@{plan}"), &side_by_side(&reports));
}

/// The JSON form is an interface CI tools read: pin its shape.
#[test]
fn gather_json() {
    let report = scenario_gather::scenario()
        .run("unstructured", "fetch3-and-4-fail", SEED)
        .unwrap();
    check(
        "gather@unstructured@fetch3-and-4-fail@json",
        &report.to_json(),
    );
}

/// The whole of `cargo run`'s output.
#[test]
fn main_comparison() {
    check("compare-all", &faultline::compare_all(SEED).unwrap());
}

#[rstest]
fn guards_report(
    #[values("unstructured", "structured")] variant: &str,
    #[values(
        "none",
        "query-fails",
        "query-times-out",
        "request-cancelled",
        "pool-exhausted",
        "transfer-fails",
        "transfer-cancelled"
    )]
    plan: &str,
) {
    let report = scenario_guards::scenario()
        .run(variant, plan, SEED)
        .unwrap();
    check(&format!("guards@{variant}@{plan}"), &report.to_string());
}

#[rstest]
fn guards_comparison(
    #[values(
        "none",
        "query-fails",
        "query-times-out",
        "request-cancelled",
        "pool-exhausted",
        "transfer-fails",
        "transfer-cancelled"
    )]
    plan: &str,
) {
    let scenario = scenario_guards::scenario();
    let parsed = scenario.find_plan(plan).unwrap();
    let reports = scenario.run_all(Some(plan), &parsed, SEED).unwrap();
    check(&format!("guards@compare@{plan}"), &side_by_side(&reports));
}

/// The resource ledger's JSON shape: `resources`, `summary.leaked_resources`,
/// `summary.partial_writes`.
#[test]
fn guards_json() {
    let report = scenario_guards::scenario()
        .run("unstructured", "pool-exhausted", SEED)
        .unwrap();
    check("guards@unstructured@pool-exhausted@json", &report.to_json());
}

#[rstest]
fn streams_report(
    #[values("unstructured", "structured")] variant: &str,
    #[values("none", "page-fails", "search-cancelled")] plan: &str,
) {
    let report = scenario_streams::scenario()
        .run(variant, plan, SEED)
        .unwrap();
    check(&format!("streams@{variant}@{plan}"), &report.to_string());
}

#[rstest]
fn streams_comparison(#[values("none", "page-fails", "search-cancelled")] plan: &str) {
    let scenario = scenario_streams::scenario();
    let parsed = scenario.find_plan(plan).unwrap();
    let reports = scenario.run_all(Some(plan), &parsed, SEED).unwrap();
    check(&format!("streams@compare@{plan}"), &side_by_side(&reports));
}

#[rstest]
fn scopes_report(
    #[values("unstructured", "structured")] variant: &str,
    #[values("none", "job-cancelled", "two-workers-fail", "loop-fails", "shutdown")] plan: &str,
) {
    let report = scenario_scopes::scenario()
        .run(variant, plan, SEED)
        .unwrap();
    check(&format!("scopes@{variant}@{plan}"), &report.to_string());
}

#[rstest]
fn scopes_comparison(
    #[values("none", "job-cancelled", "two-workers-fail", "loop-fails", "shutdown")] plan: &str,
) {
    let scenario = scenario_scopes::scenario();
    let parsed = scenario.find_plan(plan).unwrap();
    let reports = scenario.run_all(Some(plan), &parsed, SEED).unwrap();
    check(&format!("scopes@compare@{plan}"), &side_by_side(&reports));
}

#[rstest]
fn blocking_report(
    #[values("unstructured", "structured")] variant: &str,
    #[values("none", "db-fails")] plan: &str,
) {
    let report = scenario_blocking::scenario()
        .run(variant, plan, SEED)
        .unwrap();
    check(&format!("blocking@{variant}@{plan}"), &report.to_string());
}

#[rstest]
fn blocking_comparison(#[values("none", "db-fails")] plan: &str) {
    let scenario = scenario_blocking::scenario();
    let parsed = scenario.find_plan(plan).unwrap();
    let reports = scenario.run_all(Some(plan), &parsed, SEED).unwrap();
    check(&format!("blocking@compare@{plan}"), &side_by_side(&reports));
}

#[rstest]
fn awaitables_report(
    #[values("unstructured", "unstructured_racy", "structured")] variant: &str,
    #[values("none", "send-fails")] plan: &str,
) {
    let report = scenario_awaitables::scenario()
        .run(variant, plan, SEED)
        .unwrap();
    check(&format!("awaitables@{variant}@{plan}"), &report.to_string());
}

#[rstest]
fn awaitables_comparison(#[values("none", "send-fails")] plan: &str) {
    let scenario = scenario_awaitables::scenario();
    let parsed = scenario.find_plan(plan).unwrap();
    let reports = scenario.run_all(Some(plan), &parsed, SEED).unwrap();
    check(
        &format!("awaitables@compare@{plan}"),
        &side_by_side(&reports),
    );
}

#[rstest]
fn shutdown_report(
    #[values("unstructured", "structured")] variant: &str,
    #[values("none", "sigterm", "process-fails")] plan: &str,
) {
    let report = scenario_shutdown::scenario()
        .run(variant, plan, SEED)
        .unwrap();
    check(&format!("shutdown@{variant}@{plan}"), &report.to_string());
}

#[rstest]
fn shutdown_comparison(#[values("none", "sigterm", "process-fails")] plan: &str) {
    let scenario = scenario_shutdown::scenario();
    let parsed = scenario.find_plan(plan).unwrap();
    let reports = scenario.run_all(Some(plan), &parsed, SEED).unwrap();
    check(&format!("shutdown@compare@{plan}"), &side_by_side(&reports));
}

#[rstest]
fn limits_report(
    #[values("unstructured", "structured")] variant: &str,
    #[values("none", "api-flaky")] plan: &str,
) {
    let report = scenario_limits::scenario()
        .run(variant, plan, SEED)
        .unwrap();
    check(&format!("limits@{variant}@{plan}"), &report.to_string());
}

#[rstest]
fn limits_comparison(#[values("none", "api-flaky")] plan: &str) {
    let scenario = scenario_limits::scenario();
    let parsed = scenario.find_plan(plan).unwrap();
    let reports = scenario.run_all(Some(plan), &parsed, SEED).unwrap();
    check(&format!("limits@compare@{plan}"), &side_by_side(&reports));
}
