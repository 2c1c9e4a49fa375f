//! faultline:author-only — pins the reference solutions' reports; not exported to learners.
//!
//! Snapshots of every scenario's variants under every plan (driven by the catalogue, so a
//! new scenario needs no edit here), of the side-by-side comparisons, of gather's and
//! guards' JSON forms and of `cargo run`'s whole output.
//! Review changes with `cargo insta review`; the files live in the top-level `snapshots/`.

use faultline::harness::side_by_side;

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

/// Asserts every case, then fails listing the mismatches (so one run shows them all).
fn check_all(cases: impl IntoIterator<Item = (String, String)>) {
    let mut failed = Vec::new();
    for (name, text) in cases {
        let ok = std::panic::catch_unwind(|| check(&name, &text)).is_ok();
        if !ok {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "snapshots differ: {}", failed.join(", "));
}

/// Every scenario's every variant under every plan: `{scenario}@{variant}@{plan}`.
#[test]
fn every_report() {
    let mut cases = Vec::new();
    for scenario in faultline::scenarios() {
        for plan in &scenario.plans {
            for variant in &scenario.variants {
                let report = scenario.run(variant.name, plan.name, SEED).unwrap();
                let name = format!("{}@{}@{}", scenario.name, variant.name, plan.name);
                // One story: every bad label printed ⇔ a count ⇔ problems() ⇔ !is_clean().
                if let Err(why) = faultline::harness::rows_match_counts(&report) {
                    panic!("{name}: {why}");
                }
                cases.push((name, report.to_string()));
            }
        }
    }
    check_all(cases);
}

/// Every scenario's variants side by side under each plan: `{scenario}@compare@{plan}`.
#[test]
fn every_comparison() {
    let mut cases = Vec::new();
    for scenario in faultline::scenarios() {
        for plan in &scenario.plans {
            let parsed = scenario.find_plan(plan.name).unwrap();
            let reports = scenario.run_all(Some(plan.name), &parsed, SEED).unwrap();
            let name = format!("{}@compare@{}", scenario.name, plan.name);
            cases.push((name, side_by_side(&reports)));
        }
    }
    check_all(cases);
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

/// The resource ledger's JSON form (pools, stores, leaks): pin its shape too.
#[test]
fn guards_json() {
    let report = scenario_guards::scenario()
        .run("unstructured", "pool-exhausted", SEED)
        .unwrap();
    check("guards@unstructured@pool-exhausted@json", &report.to_json());
}

/// The whole of `cargo run`'s output.
#[test]
fn main_comparison() {
    check("compare-all", &faultline::compare_all(SEED).unwrap());
}
