//! The determinism check: run a case twice, and on the first difference say where, with a
//! line diff of the two renderings (madsim's `MADSIM_TEST_CHECK_DETERMINISM` is the model).

use similar::{ChangeTag, TextDiff};

use crate::error::Error;
use crate::report::Report;

/// Runs `case` twice and returns the first report if both render to the same bytes (text
/// and, with the `json` feature, JSON); otherwise an error naming `label` with a diff of the two renderings.
pub fn check_determinism(
    label: &str,
    mut case: impl FnMut() -> Result<Report, Error>,
) -> Result<Report, Error> {
    let first = case()?;
    let second = case()?;
    compare_reports(label, &first, &second)?;
    Ok(first)
}

/// `Ok` if both reports render the same; otherwise the error [`check_determinism`] returns.
pub fn compare_reports(label: &str, first: &Report, second: &Report) -> Result<(), Error> {
    for (form, a, b) in [
        ("text", first.to_string(), second.to_string()),
        #[cfg(feature = "json")]
        ("json", first.to_json(), second.to_json()),
    ] {
        if a != b {
            return Err(Error::nondeterministic(format!(
                "not deterministic: {label} rendered differently on its second run ({form} form)\n\
                 --- first run\n+++ second run\n{}\
                 hint: something read the wall clock, iterated a HashMap, used an unseeded RNG \
                 or futures::select!; replay: {}",
                line_diff(&a, &b),
                first.replay
            )));
        }
    }
    Ok(())
}

/// A unified line diff (3 lines of context) of `a` and `b`.
pub fn line_diff(a: &str, b: &str) -> String {
    let diff = TextDiff::from_lines(a, b);
    let mut out = String::new();
    for group in diff.grouped_ops(3) {
        for op in group {
            for change in diff.iter_changes(&op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                out.push(sign);
                out.push_str(change.value());
                if change.missing_newline() {
                    out.push('\n');
                }
            }
        }
        out.push_str("@@\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diff_shows_only_what_changed_with_context() {
        let a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let b = "1\n2\n3\n4\n5\nsix\n7\n8\n9\n";
        assert_eq!(line_diff(a, b), " 3\n 4\n 5\n-6\n+six\n 7\n 8\n 9\n@@\n");
        assert_eq!(line_diff(a, a), "");
    }
}
