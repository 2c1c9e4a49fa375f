//! faultline:author-only — pins the reference solutions' reports; not exported to learners.
//!
//! Snapshots of every scenario's variants under every plan (driven by the catalogue, so a
//! new scenario needs no edit here), of the side-by-side comparisons, of gather's and
//! guards' JSON forms and of `cargo run`'s whole output.
//!
//! Each snapshot is its own test, named as its file is (`{scenario}@{variant}@{plan}`,
//! `{scenario}@compare@{plan}`, `compare-all`), generated from the catalogue at run time
//! with libtest-mimic: a change that moves a dozen snapshots fails a dozen named tests,
//! each printing its diff, in one CI run. `cargo test --test snapshots -- gather@` runs
//! one scenario's. Review changes with `cargo insta review`; the files live in the
//! top-level `snapshots/`.

use std::sync::Mutex;

use faultline::harness::side_by_side;
use libtest_mimic::{Arguments, Failed, Trial};

/// The seed every snapshot is taken with (the CLI's default).
const SEED: u64 = 0;

/// Held while insta compares and prints: tests run on several threads, and libtest-mimic
/// does not capture output, so one diff is printed whole before the next.
static PRINTING: Mutex<()> = Mutex::new(());

fn check(name: &str, text: &str) {
    let _one_at_a_time = PRINTING.lock().unwrap_or_else(|e| e.into_inner());
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// A test that renders its text and checks it against the snapshot of the same name.
fn snapshot(name: String, text: impl FnOnce() -> Result<String, String> + Send + 'static) -> Trial {
    let file = name.clone();
    Trial::test(name, move || {
        let text = text().map_err(Failed::from)?;
        check(&file, &text);
        Ok(())
    })
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for scenario in faultline::scenarios() {
        let name = scenario.name;
        for plan in &scenario.plans {
            let plan = plan.name;
            // Every variant under every plan: `{scenario}@{variant}@{plan}`.
            for variant in &scenario.variants {
                let variant = variant.name;
                let file = format!("{name}@{variant}@{plan}");
                let label = file.clone();
                trials.push(snapshot(file, move || {
                    let scenario = faultline::find(name).map_err(|e| format!("{e:#}"))?;
                    let report = scenario
                        .run(variant, plan, SEED)
                        .map_err(|e| format!("{label}: {e}"))?;
                    // Rows and counts agree (rows_match_counts).
                    faultline::harness::rows_match_counts(&report)
                        .map_err(|why| format!("{label}: {why}"))?;
                    Ok(report.to_string())
                }));
            }
            // The variants side by side: `{scenario}@compare@{plan}`.
            trials.push(snapshot(format!("{name}@compare@{plan}"), move || {
                let scenario = faultline::find(name).map_err(|e| format!("{e:#}"))?;
                let parsed = scenario.find_plan(plan).map_err(|e| e.to_string())?;
                let reports = scenario
                    .run_all(Some(plan), &parsed, SEED)
                    .map_err(|e| e.to_string())?;
                Ok(side_by_side(&reports))
            }));
        }
    }
    // The JSON form is an interface CI tools read: pin its shape; and the resource
    // ledger's (pools, stores, leaks) too.
    for (name, variant, plan) in [
        ("gather", "unstructured", "fetch3-and-4-fail"),
        ("guards", "unstructured", "pool-exhausted"),
    ] {
        trials.push(snapshot(
            format!("{name}@{variant}@{plan}@json"),
            move || {
                let scenario = faultline::find(name).map_err(|e| format!("{e:#}"))?;
                let report = scenario
                    .run(variant, plan, SEED)
                    .map_err(|e| e.to_string())?;
                Ok(report.to_json())
            },
        ));
    }
    // The whole of `cargo run`'s output.
    trials.push(snapshot("compare-all".to_owned(), || {
        faultline::compare_all(SEED).map_err(|e| format!("{e:#}"))
    }));
    libtest_mimic::run(&args, trials).exit();
}
