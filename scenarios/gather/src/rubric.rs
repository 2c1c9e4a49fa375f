//! The rubric for lesson 03: what a correct `structured::caller` does under every plan.

use faultline_harness::{Aspect, Check, Family, Miss, Observation, Rubric};

use crate::{Gathered, url};

/// The pages a caller returns when no fetch fails, as the run shows them.
fn every_page() -> String {
    let pages: Vec<String> = (0..5).map(|i| format!("data from {}", url(i))).collect();
    format!("{:?}", Gathered::Ok(pages))
}

/// The error each plan's caller must return, by kind.
const SURFACED: [(&str, &str); 3] = [
    ("fetch3-fails", "ConnectionError"),
    ("fetch3-and-4-fail", "ConnectionError"),
    ("fetch2-panics", "Panicked"),
];

/// The rubric: the reference is `structured`; both unstructured variants and a stub that
/// returns at once fail it.
pub fn rubric() -> Rubric {
    Rubric::new(
        "gather",
        "03 gather vs TaskGroup",
        "scenarios/gather/src/structured.rs",
    )
    .stub(|b| b.run(|| async { Gathered::Ok(Vec::new()) }))
    // A fetch that panics: its JoinError is an error like any other (`Err(_) => {}` is not).
    .plan("fetch2-panics", "fetch[2]=panic(malformed page)")
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
            "a failed fetch is the caller's failure, and so is one that panicked: return Err \
             with the fetch's error (a JoinError too, via Failure::from), not the pages that \
             happened to succeed",
            |r| {
                let plan = r.plan_name.as_deref().unwrap_or_default();
                let (_, kind) = SURFACED
                    .iter()
                    .find(|(p, _)| *p == plan)
                    .expect("only there");
                if r.result.starts_with("Err(") && r.result.contains(kind) {
                    Ok(())
                } else {
                    Err(Miss::run(format!("Err([{kind}: ..])"), r.result.clone()))
                }
            },
        )
        .only(&["fetch3-fails", "fetch3-and-4-fail", "fetch2-panics"]),
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
            ("fetch2-panics", 250),
        ],
    ))
    .checks(Check::lifecycle())
    // Every single-fault plan too, but a hang stalls any JoinSet: that is lesson 06's.
    .sweep(&[
        "no-orphans",
        "no-swallowed-errors",
        "no-discarded-errors",
        "no-tasks-dropped-at-shutdown",
        "no-untracked-tasks",
        "no-panics",
    ])
    // A cancel of the caller at every 20 ms, and pairs of faults: nothing outlives it.
    .family(
        Family::new(&[
            "no-orphans",
            "no-swallowed-errors",
            "no-discarded-errors",
            "no-tasks-dropped-at-shutdown",
            "no-untracked-tasks",
            "no-panics",
        ])
        .cancels("caller", 20, 320)
        .faults(4, 2),
    )
    .expect_fail(
        "unstructured",
        &[
            "done-within-budget",
            "no-orphans",
            "no-swallowed-errors",
            // Under a family plan: a detached fetch still running when the runtime goes.
            "no-tasks-dropped-at-shutdown",
            "matches-the-reference",
        ],
    )
    .expect_fail(
        "unstructured_return_exceptions",
        &[
            "surfaces-the-error",
            "done-within-budget",
            "no-orphans",
            "no-discarded-errors",
            "matches-the-reference",
        ],
    )
    // What every correct solution shows as the reference does (recorded data).
    .differential(
        vec![Observation::result(), Observation::hits("fetches", "fetch")],
        include_str!("../reference.txt"),
    )
    // faultline:author-only begin
    .gallery(crate::gallery::entries())
    .right(crate::right::entries())
    // faultline:author-only end
}
