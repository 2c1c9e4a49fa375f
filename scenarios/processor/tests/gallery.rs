//! faultline:author-only — grades the gallery's wrong solutions against the rubric; in the
//! learner edition they call `todo!()` stubs.
//!
//! Every wrong solution fails the rubric, on every check it names.

use scenario_processor::gallery::gallery;
use scenario_processor::{rubric, scenario};

#[test]
fn every_wrong_solution_fails_the_checks_it_names() {
    let (rubric, scenario) = (rubric(), scenario());
    let mut skipped = Vec::new();
    for wrong in gallery() {
        let Some(checks) = wrong.rejected_by else {
            // needs issue 10's discarded verdict: no check of today's rubric can see it.
            skipped.push(wrong.name);
            continue;
        };
        let grade = rubric.grade_with(&scenario, wrong.name, wrong.run).unwrap();
        let failed = grade.failed();
        for check in checks {
            assert!(
                failed.contains(check),
                "{} ({}) passes {check}; it fails {failed:?}\n{grade}",
                wrong.name,
                wrong.mistake
            );
        }
    }
    assert!(skipped.is_empty(), "{skipped:?}");
}

#[test]
fn the_gallery_has_at_least_four_wrong_solutions_with_distinct_names() {
    let names: Vec<&str> = gallery().iter().map(|w| w.name).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert!(names.len() >= 4, "{names:?}");
    assert_eq!(unique.len(), names.len(), "{names:?}");
}
