//! The rubric for lesson 03: what a correct `structured::caller` does under every plan.

use faultline_harness::{Aspect, Check, Miss, Rubric};

use crate::{Gathered, url};

/// The pages a caller returns when no fetch fails, as the run shows them.
fn every_page() -> String {
    let pages: Vec<String> = (0..5).map(|i| format!("data from {}", url(i))).collect();
    format!("{:?}", Gathered::Ok(pages))
}

/// The rubric: the reference is `structured`; both unstructured variants and a stub that
/// returns at once fail it.
pub fn rubric() -> Rubric {
    Rubric::new(
        "gather",
        "03 gather vs TaskGroup",
        "scenarios/gather/src/structured.rs",
    )
    .stub(|b| b.run(|| async { Gathered::Ok(Vec::new()) }))
    .hint(
        "gather-joinset",
        "spawn the five fetches into a JoinSet with spawn_in(&mut set, (\"fetch\", i), ..); \
         loop on join_next(): keep each page at its index, and at the first Err push it and \
         abort_all() the rest; return Ok(pages) or Err(every error)",
    )
    .check(
        Check::new(
            "returns-every-page",
            Aspect::Functional,
            "with no fault every fetch succeeds: return all five pages, in index order",
            |r| match every_page() {
                want if r.result == want => Ok(()),
                want => Err(Miss::run(want, r.result.clone())),
            },
        )
        .only(&["none"]),
    )
    .check(
        Check::new(
            "surfaces-the-error",
            Aspect::Functional,
            "a failed fetch is the caller's failure: return Err with the fetch's error, not the \
             pages that happened to succeed",
            |r| {
                if r.result.starts_with("Err(") && r.result.contains("ConnectionError") {
                    Ok(())
                } else {
                    Err(Miss::run(
                        "Err([ConnectionError: injected at fetch[3], ..])",
                        r.result.clone(),
                    ))
                }
            },
        )
        .only(&["fetch3-fails", "fetch3-and-4-fail"]),
    )
    .check(Check::within(
        "done-within-budget",
        "once the result is known nothing should keep running: cancel the other fetches at \
         the first error",
        &[
            ("none", 300),
            ("fetch3-fails", 150),
            ("fetch3-and-4-fail", 150),
            ("caller-cancelled", 120),
        ],
    ))
    .checks(Check::lifecycle())
    // Every single-fault plan too, but a hang stalls any JoinSet: that is lesson 06's.
    .sweep(&[
        "no-orphans",
        "no-swallowed-errors",
        "no-tasks-dropped-at-shutdown",
        "no-untracked-tasks",
    ])
    .expect_fail(
        "unstructured",
        &["done-within-budget", "no-orphans", "no-swallowed-errors"],
    )
    .expect_fail(
        "unstructured_return_exceptions",
        &[
            "surfaces-the-error",
            "done-within-budget",
            "no-orphans",
            "no-discarded-errors",
        ],
    )
}
