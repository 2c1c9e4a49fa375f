//! The rubric: what a correct `structured::body` does under every plan.

use faultline_harness::{Aspect, Check, Miss, Rubric};

use crate::{Output, WORKERS};

/// The rubric: the reference is `structured`; `unstructured` and a stub fail it.
pub fn rubric() -> Rubric {
    Rubric::new(
        "processor",
        "NN processor (author: the lesson)",
        "scenarios/processor/src/structured.rs",
    )
    .stub(|b| b.run(|| async { Output::Ok(Vec::new()) }))
    .hint(
        "processor-joinset",
        "spawn every worker into a JoinSet with spawn_in; join_next() each, keep its result \
         at its index, and return the first error (dropping the set aborts the rest)",
    )
    .check(
        Check::new(
            "returns-every-result",
            Aspect::Functional,
            "with no fault every worker succeeds: return every result, in order",
            |r| {
                let all: Vec<String> = (0..WORKERS).map(|i| format!("result {i}")).collect();
                let want = format!("{:?}", Output::Ok(all));
                if r.result == want {
                    Ok(())
                } else {
                    Err(Miss::run(want, r.result.clone()))
                }
            },
        )
        .only(&["none"]),
    )
    .check(
        Check::new(
            "surfaces-the-error",
            Aspect::Functional,
            "a failed worker is the body's failure: return its error",
            |r| {
                if r.result.starts_with("Err(") && r.result.contains("WorkError") {
                    Ok(())
                } else {
                    Err(Miss::run(
                        "Err(WorkError: injected at work[1])",
                        r.result.clone(),
                    ))
                }
            },
        )
        .only(&["work1-fails"]),
    )
    .check(Check::within(
        "done-within-budget",
        "when the body is cancelled its workers must stop too",
        &[("none", 200), ("work1-fails", 200), ("body-cancelled", 50)],
    ))
    .checks(Check::lifecycle())
    .expect_fail(
        "unstructured",
        &[
            "returns-every-result",
            "surfaces-the-error",
            "done-within-budget",
            "no-orphans",
            "no-swallowed-errors",
        ],
    )
}
