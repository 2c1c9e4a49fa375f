//! faultline: the catalogue of scenarios that the CLI and the top-level tests run.
//!
//! Each scenario is its own crate under `scenarios/`, built on `faultline-harness`; this
//! crate only lists them. Adding a scenario means adding its crate and one line here.

pub use faultline_harness as harness;
/// `#[faultline::test]`, the same attribute as `#[faultline_harness::test]`.
pub use faultline_harness::test;

pub mod cli;
pub mod exercises;
pub mod grade;
pub mod hint;
pub mod main_job;
pub mod scaffold;
use faultline_harness::{Rubric, RunFn, Scenario, Variant};

/// Every scenario, in course order.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        scenario_streams::scenario(),
        scenario_guards::scenario(),
        scenario_gather::scenario(),
        scenario_scopes::scenario(),
        scenario_awaitables::scenario(),
        scenario_blocking::scenario(),
        scenario_limits::scenario(),
        scenario_breaker::scenario(),
        scenario_shutdown::scenario(),
        scenario_processor::scenario(),
        scenario_scraper::scenario(),
    ]
}

/// Every scenario's rubric (the graded exercise), in course order. Each scenario crate
/// defines its own in `scenarios/<name>/src/rubric.rs`; a scenario without one fails the
/// registry test.
pub fn rubrics() -> Vec<Rubric> {
    vec![
        scenario_streams::rubric(),
        scenario_guards::rubric(),
        scenario_gather::rubric(),
        scenario_scopes::rubric(),
        scenario_awaitables::rubric(),
        scenario_blocking::rubric(),
        scenario_limits::rubric(),
        scenario_breaker::rubric(),
        scenario_shutdown::rubric(),
        scenario_processor::rubric(),
        scenario_scraper::rubric(),
    ]
}

/// The scenario called `name`, or an error that lists the known ones (and the nearest,
/// for a misspelling).
pub fn find(name: &str) -> anyhow::Result<Scenario> {
    let all = scenarios();
    let known: Vec<&str> = all.iter().map(|s| s.name).collect();
    let hint = format!(
        "{}{}",
        known.join(", "),
        hint::did_you_mean(name, known.clone())
    );
    all.into_iter().find(|s| s.name == name).ok_or_else(|| {
        anyhow::anyhow!(
            "unknown scenario {name:?}; known scenarios: {hint} (see `cargo run -- list`)"
        )
    })
}

/// The variant of `scenario` called `name`, or its rubric's wrong or right solution of that
/// name (which `cargo run -- grade <exercise> --variant <name>` grades, and whose replays run it).
///
/// An unknown name's error lists the scenario's variants only: the galleries are the
/// author's (the learner edition has none), so a name is offered from them only as the
/// nearest to a misspelling of one.
pub fn find_variant(scenario: &Scenario, name: &str) -> anyhow::Result<Variant> {
    let gallery: Vec<(&'static str, RunFn)> = rubrics()
        .into_iter()
        .filter(|r| r.scenario == scenario.name)
        .flat_map(|r| {
            let right: Vec<(&'static str, RunFn)> =
                r.right.iter().map(|g| (g.name, g.run)).collect();
            r.gallery.into_iter().map(|w| (w.name, w.run)).chain(right)
        })
        .collect();
    match (
        scenario.find_variant(name),
        gallery.iter().find(|(n, _)| *n == name),
    ) {
        (Ok(variant), _) => Ok(*variant),
        (Err(_), Some(&(name, run))) => Ok(Variant { name, run }),
        (Err(err), None) => {
            let names = scenario
                .variants
                .iter()
                .map(|v| v.name)
                .chain(gallery.iter().map(|(n, _)| *n));
            anyhow::bail!("{err}{}", hint::did_you_mean(name, names))
        }
    }
}

/// The plan of `scenario` called `name`, parsed; an unknown name's error lists the plans
/// and the nearest to it.
pub fn find_plan(scenario: &Scenario, name: &str) -> anyhow::Result<harness::Plan> {
    scenario.find_plan(name).map_err(|err| {
        let names = scenario.plans.iter().map(|p| p.name);
        anyhow::anyhow!("{err}{}", hint::did_you_mean(name, names))
    })
}

/// Every scenario under every one of its plans, variants side by side: the main job's
/// text (see [`main_job`] for its order, legend and overview).
pub fn compare_all(seed: u64) -> anyhow::Result<String> {
    Ok(main_job::main_job(seed)?.text())
}
