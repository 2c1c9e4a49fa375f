//! The rubric for lesson 05: what a correct `structured::handle` does under every plan.

use faultline_harness::{Check, Observation, Rubric};

/// The rubric: the reference is `structured`; `unstructured` and a stub that returns at
/// once fail it. No virtual-time budget: on the paused clock a blocking call takes no
/// virtual time, so both variants end at 50 ms; only the blocked-executor flag tells.
pub fn rubric() -> Rubric {
    Rubric::new(
        "blocking",
        "05 a blocking call in the event loop",
        "scenarios/blocking/src/structured.rs",
    )
    .stub(|b| b.run(|| async { crate::Hashed::Ok(Vec::new()) }))
    .hint(
        "blocking-spawn-blocking",
        "read the row with read_row(i).await?, then move the blocking hash(..) off the \
         executor thread: tokio::task::spawn_blocking(move || ..).await (a JoinError \
         converts into a Failure with `?`)",
    )
    .check(Check::returns(
        "returns-every-hash",
        "with no fault each of the three requests returns its password's hash, in order",
        &[(
            "none",
            "Ok([\"hash(password-0)\", \"hash(password-1)\", \"hash(password-2)\"])",
        )],
    ))
    .check(Check::returns(
        "surfaces-the-error",
        "a request whose read fails is the caller's failure: return its error",
        &[("db-fails", "Err(ConnectionError: injected at db[1])")],
    ))
    .checks(Check::lifecycle())
    .expect_fail("unstructured", &["no-blocked-executor"])
    // What every correct solution shows as the reference does (recorded data).
    .differential(
        vec![Observation::result()],
        include_str!("../reference.txt"),
    )
    // faultline:author-only begin
    .gallery(crate::gallery::entries())
    .right(crate::right::entries())
    // faultline:author-only end
}
