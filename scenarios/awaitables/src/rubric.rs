//! The rubric for lesson 04: what a correct `signal::Receiver::poll` does under every plan.
//!
//! The exercise is the receiver's `poll` in `src/signal.rs`, the hand-written future the
//! `structured` variant awaits (`structured.rs` only wires it up).

use faultline_harness::{Check, Observation, Rubric};

/// The rubric: the reference is `structured`; `unstructured` and a stub that returns at
/// once fail it. `unstructured_racy` passes it: its lost wake-up needs the sender to run
/// on another thread in the middle of a poll, which a run on one thread never does, so no
/// report can show it. `tests/loom.rs` catches it instead.
pub fn rubric() -> Rubric {
    Rubric::new(
        "awaitables",
        "04 custom awaitables",
        "scenarios/awaitables/src/signal.rs",
    )
    .stub(|b| b.run(|| async { crate::Waited::Ok("") }))
    .hint(
        "awaitables-poll",
        "store a clone of cx.waker() in the shared slot first, then read the flags (sent: \
         Ready(Ok), closed: Ready(Err(Closed))), else Pending. In the other order a send \
         between the check and the store is lost: `tests/loom.rs` finds that interleaving",
    )
    .check(Check::returns(
        "returns-woken",
        "with no fault the sender sends at 100 ms: the waiter must be woken and see it",
        &[("none", "Ok(\"woken\")")],
    ))
    .check(Check::returns(
        "surfaces-the-closed-channel",
        "a sender that fails drops its half unsent: the receiver must complete with Closed \
         (the Drop wakes it), and the caller return both errors",
        &[(
            "send-fails",
            "Err([Closed: the sender was dropped without sending, BrokenPipe: injected at send])",
        )],
    ))
    .check(Check::within(
        "done-within-budget",
        "the send (or the sender's failure) happens at 100 ms: a waiter woken then is done then",
        &[("none", 100), ("send-fails", 100)],
    ))
    .checks(Check::lifecycle())
    .expect_fail(
        "unstructured",
        &[
            "returns-woken",
            "surfaces-the-closed-channel",
            "done-within-budget",
            "no-swallowed-errors",
            "no-stalled-tasks",
            "matches-the-reference",
        ],
    )
    .caught_elsewhere("unstructured_racy", "scenarios/awaitables/tests/loom.rs")
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
