//! faultline:author-only — the catalogue is complete: every scenario has its variants, its
//! plans, a rubric with an exercise and its snapshots; every snapshot belongs to a test.
//! Each rule is a function from data to problems, proven able to fail on broken data.

use std::collections::BTreeSet;
use std::path::PathBuf;

use faultline::harness::{Report, Rubric, Scenario};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Snapshots that `tests/snapshots.rs`, `tests/sweep.rs` and `tests/pictures.rs` name
/// outside the `{scenario}@{variant}@{plan}`, `{scenario}@compare@{plan}` and
/// `{case}@sweep` families.
const OTHER_SNAPSHOTS: [&str; 7] = [
    "gather@sweep@pairs",
    "gather@unstructured@fetch3-and-4-fail@json",
    "guards@unstructured@pool-exhausted@json",
    "compare-all",
    "gather@sweep",
    "gather@structured@fetch3-and-4-fail@svg",
    "guards@unstructured@pool-exhausted@svg",
];

/// The cases of `tests/sweep.rs`'s `#[rstest]` sweep (`#[case::<scenario>(..)]`): each writes
/// `<scenario>@sweep`. Read from the test's source, so the list cannot drift from it.
fn swept_cases(sweep_rs: &str) -> Vec<String> {
    sweep_rs
        .lines()
        .filter_map(|line| line.trim().strip_prefix("#[case::"))
        .filter_map(|rest| rest.split('(').next())
        .map(str::to_owned)
        .collect()
}

fn sweep_rs() -> String {
    std::fs::read_to_string(repo().join("tests/sweep.rs")).unwrap()
}

/// What is wrong with the scenarios' variants and plans.
fn variant_problems(scenarios: &[Scenario]) -> Vec<String> {
    let mut out = Vec::new();
    for s in scenarios {
        let names: Vec<&str> = s.variants.iter().map(|v| v.name).collect();
        if !names.contains(&"structured") {
            out.push(format!("{}: no `structured` variant ({names:?})", s.name));
        }
        if !names.iter().any(|n| n.starts_with("unstructured")) {
            out.push(format!("{}: no `unstructured` variant ({names:?})", s.name));
        }
        if s.plans.first().map(|p| p.name) != Some("none") {
            out.push(format!("{}: its first plan must be `none`", s.name));
        }
        for plan in &s.plans {
            if let Err(e) = s.find_plan(plan.name) {
                out.push(format!("{} / {}: {e}", s.name, plan.name));
            }
        }
    }
    out
}

/// What is wrong with the rubrics: one per scenario, in order, each with an exercise file
/// holding solution regions whose hints it has.
fn rubric_problems(scenarios: &[Scenario], rubrics: &[Rubric]) -> Vec<String> {
    let mut out = Vec::new();
    let names: Vec<&str> = scenarios.iter().map(|s| s.name).collect();
    let graded: Vec<&str> = rubrics.iter().map(|r| r.scenario).collect();
    if graded != names {
        out.push(format!(
            "rubrics {graded:?} do not match scenarios {names:?}: add \
             `scenario_<name>::rubric()` to src/lib.rs::rubrics(), in the same order"
        ));
    }
    for rubric in rubrics {
        let Some(s) = scenarios.iter().find(|s| s.name == rubric.scenario) else {
            continue;
        };
        if let Err(e) = s.find_variant(rubric.reference) {
            out.push(format!("{}: {e}", rubric.scenario));
        }
        let text = match std::fs::read_to_string(repo().join(rubric.exercise)) {
            Ok(text) => text,
            Err(e) => {
                out.push(format!(
                    "{}: exercise {}: {e}",
                    rubric.scenario, rubric.exercise
                ));
                continue;
            }
        };
        match faultline::exercises::regions(rubric.exercise, &text) {
            Err(e) => out.push(format!("{e:#}")),
            Ok(regions) if regions.is_empty() => out.push(format!(
                "{}: no `// faultline:solution begin <hint-id>` region",
                rubric.exercise
            )),
            Ok(regions) => {
                for region in regions
                    .iter()
                    .filter(|r| rubric.find_hint(&r.hint).is_none())
                {
                    out.push(format!(
                        "{}:{}: hint {:?} is not in the rubric",
                        rubric.exercise, region.begin, region.hint
                    ));
                }
            }
        }
    }
    out
}

/// Every snapshot name the tests produce, given the sweep test's cases.
fn expected_snapshots(scenarios: &[Scenario], swept: &[String]) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = OTHER_SNAPSHOTS.iter().map(|n| n.to_string()).collect();
    names.extend(swept.iter().map(|case| format!("{case}@sweep")));
    for s in scenarios {
        for plan in &s.plans {
            names.insert(format!("{}@compare@{}", s.name, plan.name));
            for v in &s.variants {
                names.insert(format!("{}@{}@{}", s.name, v.name, plan.name));
            }
        }
    }
    names
}

/// Snapshots missing, and snapshot files no test produces.
fn snapshot_problems(
    scenarios: &[Scenario],
    swept: &[String],
    files: &BTreeSet<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    let names: Vec<&str> = scenarios.iter().map(|s| s.name).collect();
    for case in swept.iter().filter(|c| !names.contains(&c.as_str())) {
        out.push(format!(
            "tests/sweep.rs: case {case:?} is not a scenario's name, but its snapshot is \
             named after the scenario"
        ));
    }
    let expected = expected_snapshots(scenarios, swept);
    for missing in expected.difference(files) {
        out.push(format!(
            "missing snapshot {missing}.snap: write it with \
             `INSTA_UPDATE=always cargo test --test snapshots` and read it"
        ));
    }
    for stray in files.difference(&expected) {
        out.push(format!(
            "snapshots/{stray}.snap belongs to no test: delete it (or name it in \
             OTHER_SNAPSHOTS if a new test writes it)"
        ));
    }
    out
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

fn assert_none(problems: Vec<String>) {
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_scenario_has_a_structured_and_an_unstructured_variant_and_plans() {
    assert_none(variant_problems(&faultline::scenarios()));
}

#[test]
fn every_scenario_has_a_rubric_with_an_exercise_to_stub() {
    assert_none(rubric_problems(
        &faultline::scenarios(),
        &faultline::rubrics(),
    ));
}

#[test]
fn every_scenario_has_its_snapshots_and_every_snapshot_a_test() {
    assert_none(snapshot_problems(
        &faultline::scenarios(),
        &swept_cases(&sweep_rs()),
        &snapshot_files(),
    ));
}

fn run_nothing(b: &faultline::harness::Builder) -> Result<Report, faultline::harness::Error> {
    b.run(|| async {})
}

/// The rules fail on broken catalogues: a missing variant, a missing rubric, a region-less
/// exercise, a missing snapshot, a stray one.
#[test]
fn the_registry_rules_can_fail() {
    let lacking = Scenario::new("lacking", "no unstructured variant, no plans")
        .variant("structured", run_nothing);
    let problems = variant_problems(std::slice::from_ref(&lacking));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("no `unstructured` variant")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("first plan must be `none`")),
        "{problems:?}"
    );

    let mut scenarios = faultline::scenarios();
    scenarios.push(lacking.clone().plan("none", "none"));
    let problems = rubric_problems(&scenarios, &faultline::rubrics());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("do not match scenarios")),
        "{problems:?}"
    );

    let no_region = Rubric::new("lacking", "NN lacking", "Cargo.toml");
    let problems = rubric_problems(&[lacking.plan("none", "none")], &[no_region]);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("no `// faultline:solution begin")),
        "{problems:?}"
    );

    let swept = swept_cases(&sweep_rs());
    assert!(swept.contains(&"guards".to_owned()), "{swept:?}");
    let mut files = snapshot_files();
    files.remove("gather@structured@none");
    files.remove("guards@sweep");
    files.insert("gather@structured@gone".to_owned());
    // A sweep snapshot of a scenario that tests/sweep.rs does not sweep is stray too.
    files.insert("limits@sweep".to_owned());
    let problems = snapshot_problems(&faultline::scenarios(), &swept, &files);
    for want in [
        "missing snapshot gather@structured@none.snap",
        "missing snapshot guards@sweep.snap",
        "gather@structured@gone.snap belongs to no test",
        "limits@sweep.snap belongs to no test",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(want)),
            "{want}: {problems:?}"
        );
    }
    let problems = snapshot_problems(
        &faultline::scenarios(),
        &swept_cases("#[case::nosuch(scenario_nosuch::scenario())]"),
        &snapshot_files(),
    );
    assert!(
        problems.iter().any(|p| p.contains("case \"nosuch\"")),
        "{problems:?}"
    );
}

/// The definitions of the verdicts exist once (`harness/DEFINITIONS.md`, the harness's crate
/// doc); the README's copy must be the same text.
#[test]
fn the_readme_defines_the_verdicts_as_the_harness_does() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let defs = std::fs::read_to_string(root.join("harness/DEFINITIONS.md")).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains(&defs),
        "README.md's \"What the verdicts mean\" differs from harness/DEFINITIONS.md: copy it over"
    );
    for v in faultline::harness::VERDICTS {
        assert!(
            defs.contains(v.label),
            "{} is not defined in DEFINITIONS.md",
            v.label
        );
    }
}
