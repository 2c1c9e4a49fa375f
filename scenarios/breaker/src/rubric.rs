//! The rubric for lesson 06 (circuit breaker): what a correct `structured::handle` does
//! under every plan.

use faultline_harness::{Aspect, Check, Miss, Observation, Rubric};

/// The rubric: the reference is `structured`; `unstructured` and a stub that returns at
/// once fail it. Under `recs-flaps` the breaker serves fewer requests with real
/// recommendations than plain timeouts do (10 against 15, its price, see the crate doc), so
/// the check there asks only that it serves at least the 10 a closed-again breaker does.
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
    .check(
        Check::new(
            "recovers-when-the-service-does",
            Aspect::Functional,
            "a probe that succeeds closes the breaker again: record every outcome, the \
             successes too, or the service that came back is never asked again",
            |r| match r
                .result
                .strip_prefix("Ok(")
                .and_then(|n| n.strip_suffix(')'))
            {
                Some(n) if n.parse::<usize>().is_ok_and(|n| n >= 10) => Ok(()),
                _ => Err(Miss::run(
                    "Ok(n) with n ≥ 10: real recommendations again once it answers",
                    r.result.clone(),
                )),
            },
        )
        .only(&["recs-flaps"]),
    )
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
            "matches-the-reference",
        ],
    )
    // What every correct solution shows as the reference does (recorded data).
    .differential(
        vec![
            Observation::result(),
            Observation::hits("calls to recs", "recs"),
        ],
        include_str!("../reference.txt"),
    )
    // faultline:author-only begin
    .gallery(crate::gallery::entries())
    .right(crate::right::entries())
    // faultline:author-only end
}
