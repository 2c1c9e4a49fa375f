//! The rubric for lesson 03 (beyond the puzzle): what correct `structured::job` and
//! `structured::service` do under every plan.

use faultline_harness::{Check, Family, Observation, Rubric};

/// The rubric: the reference is `structured`; `unstructured` and a stub that returns at
/// once fail it.
pub fn rubric() -> Rubric {
    Rubric::new(
        "scopes",
        "03 structured cancellation and supervision",
        "scenarios/scopes/src/structured.rs",
    )
    .stub(|b| b.run(|| async { crate::Outcome::Ok(Vec::new()) }))
    // The service cancelled from outside: only the token's drop guard stops its loops then.
    .plan("service-cancelled", "@250ms cancel(service)")
    // The first worker slowed past the others: they finish in the order 1, 2, 0.
    .plan("workers-finish-out-of-order", "work[0]=delay(300ms)")
    .hint(
        "scopes-joinset",
        "spawn the workers into a JoinSet with spawn_in(&mut set, (\"worker\", i), ..) and \
         loop on join_next() to the end: keep every Ok, collect every Err (a JoinError too, \
         via Failure::from); return the sorted results or every error. A dropped JoinSet \
         aborts its tasks",
    )
    .hint(
        "scopes-supervisor",
        "start the loops on a TaskTracker, each with Task::new(name).token(&token) and a \
         select! between the token's cancelled() and tick_loop(name); hold \
         token.clone().drop_guard() so a cancelled service stops them too; close the \
         tracker, and after wait_for_stop() cancel the token and wait for the tracker, then \
         await each handle and return every error",
    )
    .check(Check::returns(
        "returns-every-result",
        "with no fault, on a shutdown, and whatever order the workers finish in, the job's \
         three workers all finish: return 0, 1 and 2, in worker order",
        &[
            ("none", "Ok([0, 1, 2])"),
            ("shutdown", "Ok([0, 1, 2])"),
            ("workers-finish-out-of-order", "Ok([0, 1, 2])"),
        ],
    ))
    .check(Check::returns(
        "surfaces-every-error",
        "wait for every worker and every loop and return all their errors, not only the \
         first: a dead heartbeat is the service's failure",
        &[
            (
                "two-workers-fail",
                "Err([IoError: injected at work[0], ParseError: injected at work[2]])",
            ),
            ("loop-fails", "Err([HeartbeatLost: injected at heartbeat])"),
        ],
    ))
    .check(Check::within(
        "done-within-budget",
        "when the service stops (after 500 ms, or at the shutdown signal) its loops must stop \
         with it, and a cancelled job's workers with the job",
        &[
            ("none", 500),
            ("job-cancelled", 500),
            ("two-workers-fail", 500),
            ("loop-fails", 500),
            ("shutdown", 300),
            ("service-cancelled", 300),
            ("workers-finish-out-of-order", 500),
        ],
    ))
    .checks(Check::lifecycle())
    // Every single-fault plan too, but a hang in a worker stalls any scope that waits for
    // it, this one included: bounding that wait is a deadline's job (lesson 06).
    .sweep(&[
        "no-orphans",
        "no-swallowed-errors",
        "no-discarded-errors",
        "no-tasks-dropped-at-shutdown",
        "no-untracked-tasks",
        "no-panics",
    ])
    // A cancel of the job at every 25 ms, and pairs of faults: nothing outlives it.
    .family(
        Family::new(&[
            "no-orphans",
            "no-swallowed-errors",
            "no-discarded-errors",
            "no-tasks-dropped-at-shutdown",
            "no-untracked-tasks",
            "no-panics",
        ])
        .cancels("job", 25, 500)
        .faults(4, 2),
    )
    .expect_fail(
        "unstructured",
        &[
            "surfaces-every-error",
            "done-within-budget",
            "no-orphans",
            "no-swallowed-errors",
            // Only under the sweep: a hang in a detached loop keeps it until the runtime goes.
            "no-tasks-dropped-at-shutdown",
            "matches-the-reference",
        ],
    )
    // What every correct solution shows as the reference does (recorded data).
    .differential(
        vec![
            Observation::result(),
            Observation::hits("work done", "work"),
        ],
        include_str!("../reference.txt"),
    )
    // faultline:author-only begin
    .gallery(crate::gallery::entries())
    .right(crate::right::entries())
    // faultline:author-only end
}
