//! The check that a report's rows and its counts tell one story (run by the property
//! tests over every scenario, plan and sweep case).

use crate::report::judge::Counted;
use crate::report::render::{MAX_ROWS, Rows, verdict};
use crate::report::verdict::VERDICTS;

/// Checks that a report's rows and its counts tell one story, on its text *without*
/// `problems()` (which prints a label for every count above zero, and so would show a
/// label no row shows): for every bad verdict of the one list,
/// - each task row shows its label in the verdict column exactly when the verdict holds for
///   that task ([`Verdict::on_task`]), and no more such rows than the count;
/// - the rows' text shows the label exactly when the count is not zero;
/// - `problems()` has a line for it exactly when the count is not zero, and `is_clean()`
///   exactly when `problems()` is empty;
/// - the rows, counted again, give the report's counts (which were made before the rows).
///
/// The property tests run it over every scenario, plan and sweep case.
#[doc(hidden)]
pub fn rows_match_counts(report: &crate::Report) -> Result<(), String> {
    let rows = Rows(report).to_string();
    let problems = report.problems();
    for v in &VERDICTS {
        let n = (v.count)(&report.summary);
        let mut on_rows = 0;
        for t in report.tasks.iter().filter(|t| !t.accepted) {
            let labelled = verdict(t).contains(v.label);
            let holds = (v.on_task)(t);
            if labelled != holds {
                return Err(format!(
                    "{}: task {} holds {holds} but its row shows {}: {labelled}\n{rows}",
                    v.key, t.name, v.label
                ));
            }
            // A row that failed with traced errors shows their fate, and those errors are
            // counted once each (several tasks may carry one, passing it up): not the row.
            let counted_as_errors = matches!(v.key, "swallowed" | "discarded")
                && t.outcome == crate::report::Outcome::Failed
                && t.traced;
            on_rows += usize::from(holds && !counted_as_errors);
        }
        if on_rows > n {
            return Err(format!(
                "{}: {on_rows} rows show {} but the count is {n}\n{rows}",
                v.key, v.label
            ));
        }
        // Past the text's cap on rows, a row may hold it unseen (the JSON lists them all).
        let hidden = (report.tasks.iter().skip(MAX_ROWS)).any(|t| !t.accepted && (v.on_task)(t));
        let shown = rows.contains(v.label) || hidden;
        let listed = problems
            .iter()
            .any(|p| p.starts_with(&format!("{}:", v.label)));
        if shown != (n > 0) || listed != (n > 0) {
            return Err(format!(
                "{}: count {n}, label {} in the rows: {shown}, in problems(): {listed}\n{rows}",
                v.key, v.label
            ));
        }
    }
    // The counts were made when the run ended, the rows when first read: both from one
    // judgement, so the rows counted again give the same counts (the spinning count is
    // the watchdog's, added to both).
    let recount = crate::report::judge::summary(
        report.tasks.iter().map(Counted::of_row),
        (0, 0),
        &report.errors,
        &report.resources,
        report.summary.untracked,
        report.seeded_scheduler,
    );
    let recount = crate::Summary {
        spinning: report.summary.spinning,
        ..recount
    };
    if recount != report.summary {
        return Err(format!(
            "the rows counted again give {recount:?}, the report's counts are {:?}\n{rows}",
            report.summary
        ));
    }
    if report.is_clean() != problems.is_empty() {
        return Err(format!(
            "is_clean() {} but problems() {problems:?}",
            report.is_clean()
        ));
    }
    Ok(())
}
