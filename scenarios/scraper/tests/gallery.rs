//! faultline:author-only — grades the gallery's wrong solutions against the rubric; in the
//! learner edition they call `todo!()` stubs.
//!
//! Every wrong solution fails the rubric, on every check it names.

use scenario_scraper::gallery::gallery;
use scenario_scraper::{rubric, scenario};

#[test]
fn every_wrong_solution_fails_the_checks_it_names() {
    let (rubric, scenario) = (rubric(), scenario());
    for wrong in gallery() {
        let grade = rubric.grade_with(&scenario, wrong.name, wrong.run).unwrap();
        let failed = grade.failed();
        for check in wrong.rejected_by {
            assert!(
                failed.contains(check),
                "{} ({}) passes {check}; it fails {failed:?}\n{grade}",
                wrong.name,
                wrong.mistake
            );
        }
    }
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
