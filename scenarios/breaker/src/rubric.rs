//! The rubric for lesson 06 (circuit breaker): what a correct `structured::handle` does
//! under every plan.

use faultline_harness::{Aspect, Check, Rubric};

/// The rubric: the reference is `structured`; `unstructured` and a stub that returns at
/// once fail it. Under `recs-flaps` the breaker serves fewer requests with real
/// recommendations than plain timeouts do (10 against 15, its price, see the crate doc), so
/// no check asks for a count there.
pub fn rubric() -> Rubric {
    Rubric::new(
        "breaker",
        "06 circuit breakers",
        "scenarios/breaker/src/structured.rs",
    )
    .stub(|b| b.run(|| async { crate::Served::Ok(0) }))
    .hint(
        "breaker-handle",
        "ask the breaker first: if !breaker.allow() answer with the defaults at once \
         (false); otherwise call with_timeout(i, &lost), tell the breaker how it went with \
         breaker.record(answer.as_ref().map(|_| ())) — it reads the error, where `.is_ok()` \
         alone would drop it unread (DISCARDED) — and return whether it succeeded",
    )
    .check(Check::returns(
        "serves-every-request-when-healthy",
        "with a healthy service every request gets real recommendations: the breaker stays \
         closed",
        &[("none", "Ok(20)")],
    ))
    .check(Check::gauge_at_most(
        "fails-fast-when-dead",
        Aspect::Functional,
        "once calls keep failing, stop waiting out a timeout on each: let the open breaker \
         answer with the defaults at once, and probe now and then",
        "ms lost to timeouts",
        &[("recs-dead", 1750), ("recs-flaps", 1250)],
    ))
    .check(Check::within(
        "done-within-budget",
        "the last request arrives at 1900 ms: with the breaker open it is answered at once",
        &[("none", 2000), ("recs-dead", 2050), ("recs-flaps", 2000)],
    ))
    .checks(Check::lifecycle())
    .expect_fail(
        "unstructured",
        &[
            "fails-fast-when-dead",
            "done-within-budget",
            "no-discarded-errors",
        ],
    )
}
