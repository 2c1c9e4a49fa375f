//! faultline:author-only — the catalogue is complete: every scenario has its variants, its
//! plans, a rubric with an exercise and its snapshots; every snapshot belongs to a test.

use std::collections::BTreeSet;
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Snapshots that `tests/snapshots.rs` and `tests/sweep.rs` name outside the
/// `{scenario}@{variant}@{plan}` and `{scenario}@compare@{plan}` families.
const OTHER_SNAPSHOTS: [&str; 3] = [
    "gather@unstructured@fetch3-and-4-fail@json",
    "compare-all",
    "gather@sweep",
];

#[test]
fn every_scenario_has_a_structured_and_an_unstructured_variant_and_plans() {
    for s in faultline::scenarios() {
        let names: Vec<&str> = s.variants.iter().map(|v| v.name).collect();
        assert!(
            names.contains(&"structured"),
            "{}: no `structured` variant ({names:?})",
            s.name
        );
        assert!(
            names.iter().any(|n| n.starts_with("unstructured")),
            "{}: no `unstructured` variant ({names:?})",
            s.name
        );
        assert_eq!(
            s.plans.first().map(|p| p.name),
            Some("none"),
            "{}: `none` comes first",
            s.name
        );
        for plan in &s.plans {
            s.find_plan(plan.name)
                .unwrap_or_else(|e| panic!("{} / {}: {e}", s.name, plan.name));
        }
    }
}

#[test]
fn every_scenario_has_a_rubric_with_an_exercise_to_stub() {
    let scenarios: Vec<&str> = faultline::scenarios().iter().map(|s| s.name).collect();
    let rubrics = faultline::rubrics();
    let graded: Vec<&str> = rubrics.iter().map(|r| r.scenario).collect();
    assert_eq!(
        graded, scenarios,
        "faultline::rubrics() must list one rubric per scenario, in the same order \
         (add `scenario_<name>::rubric()` to src/lib.rs)"
    );
    for rubric in &rubrics {
        let scenario = faultline::find(rubric.scenario).unwrap();
        scenario.find_variant(rubric.reference).unwrap();
        let path = repo().join(rubric.exercise);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: exercise {}: {e}", rubric.scenario, path.display()));
        let regions = faultline::exercises::regions(rubric.exercise, &text).unwrap();
        assert!(
            !regions.is_empty(),
            "{}: no `// faultline:solution begin` in it",
            rubric.exercise
        );
        for region in &regions {
            assert!(
                rubric.find_hint(&region.hint).is_some(),
                "{}:{}: hint {:?} is not in the rubric",
                rubric.exercise,
                region.begin,
                region.hint
            );
        }
    }
}

/// Every snapshot name the tests produce.
fn expected_snapshots() -> BTreeSet<String> {
    let mut names: BTreeSet<String> = OTHER_SNAPSHOTS.iter().map(|n| n.to_string()).collect();
    for s in faultline::scenarios() {
        for plan in &s.plans {
            names.insert(format!("{}@compare@{}", s.name, plan.name));
            for v in &s.variants {
                names.insert(format!("{}@{}@{}", s.name, v.name, plan.name));
            }
        }
    }
    names
}

fn snapshot_files() -> BTreeSet<String> {
    std::fs::read_dir(repo().join("snapshots"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".snap").map(str::to_owned)
        })
        .collect()
}

#[test]
fn every_scenario_has_its_snapshots() {
    let missing: Vec<String> = expected_snapshots()
        .difference(&snapshot_files())
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "missing snapshots: {missing:?}; write them with \
         `INSTA_UPDATE=always cargo test --test snapshots` and read each one"
    );
}

#[test]
fn every_snapshot_belongs_to_a_test() {
    let stray: Vec<String> = snapshot_files()
        .difference(&expected_snapshots())
        .cloned()
        .collect();
    assert!(
        stray.is_empty(),
        "snapshots no test produces: {stray:?}; delete them (or name them in OTHER_SNAPSHOTS \
         if a new test does)"
    );
}
