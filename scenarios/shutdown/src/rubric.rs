//! The rubric for lesson 07: what a correct `structured` producer, transaction and `main`
//! do under every plan.

use faultline_harness::{
    Aspect, Check, Family, Miss, Observation, Report, ResourceReport, Rubric, TxOutcome,
};

use crate::CAPACITY;

/// Transactions committed on the store `db` that wrote a message, and messages accepted into the `queue`.
fn committed_and_accepted(r: &Report) -> (usize, u64) {
    let committed = match r.resource("db") {
        Some(ResourceReport::Store(db)) => db
            .transactions
            .iter()
            // A transaction that wrote nothing committed no message.
            .filter(|t| t.outcome == TxOutcome::Committed && !t.writes.is_empty())
            .count(),
        _ => 0,
    };
    let accepted = match r.resource("queue") {
        Some(ResourceReport::Gauge(queue)) => queue.added,
        _ => 0,
    };
    (committed, accepted)
}

/// Messages offered to the service, at least and at most: the hits of the fault point
/// `produce` (in the scenario's own `accept`, not the learner's code) that passed with no
/// fault (each a message the input handed over, whatever the learner's producer does with
/// it), and those plus the ones a plan delayed (a delayed `accept` the stop cancels in its
/// delay hands nothing over, so those are offered or not).
fn offered(r: &Report) -> (usize, usize) {
    let produced = || r.hits.iter().filter(|h| h.point == "produce");
    let passed = produced().filter(|h| h.action.is_none()).count();
    let delayed = produced()
        .filter(|h| h.action.as_deref().is_some_and(|a| a.starts_with("delay")))
        .count();
    (passed, passed + delayed)
}

/// Offered messages neither committed nor refused: 0 when the committed count is within
/// what was offered ([`offered`]); `refused` when the run returned an error (the refusal
/// the caller sees). The differential's observation: a correct design may commit another
/// number at a stop (it accepts at another instant), never lose one.
fn lost(r: &Report) -> String {
    if !r.result.starts_with("Ok") {
        return "refused".to_owned();
    }
    let (committed, _) = committed_and_accepted(r);
    let (at_least, at_most) = offered(r);
    if committed < at_least {
        (at_least - committed).to_string()
    } else if committed > at_most {
        format!("{} committed more than offered", committed - at_most)
    } else {
        "0".to_owned()
    }
}

/// The rubric: the reference is `structured`; `unstructured` and a stub that returns at
/// once fail it.
pub fn rubric() -> Rubric {
    Rubric::new(
        "shutdown",
        "07 graceful shutdown and backpressure",
        "scenarios/shutdown/src/structured.rs",
    )
    .stub(|b| b.run(|| async { crate::Stopped::Ok(()) }))
    .hint(
        "shutdown-producer",
        "accept each message in a select! (biased) against stop.cancelled(), then send it \
         with queue.send(msg).await, which waits while the bounded queue is full (an \
         accepted message is yours: never drop it); stop when the token fires or the send \
         fails (the consumer is gone)",
    )
    .hint(
        "shutdown-transaction",
        "write in a guarded transaction (store.transaction()): write the message, wait \
         PROCESS_TIME, pass point(\"process\").key(msg) with `?`, commit; the guard's Drop \
         rolls back whatever is not committed",
    )
    .hint(
        "shutdown-drain",
        "a bounded channel(CAPACITY); spawn both with Task::new(..).spawn_on(&tracker, ..), \
         the producer stopped by shutdown_token(); close the tracker and wait for it (the \
         consumer drains until the producer's end is dropped), then await both handles and \
         return every error",
    )
    .check(
        Check::new(
            "commits-every-accepted-message",
            Aspect::Functional,
            "every message accepted must be committed before main returns: stop intake at the \
         shutdown signal, then let the consumer drain the queue",
            |r| match committed_and_accepted(r) {
                (committed, accepted) if accepted > 0 && committed as u64 == accepted => Ok(()),
                (committed, accepted) => Err(Miss::run(
                    "as many transactions committed as messages accepted (at least one)",
                    format!("{committed} committed of {accepted} accepted"),
                )),
            },
        )
        .only(&["none", "sigterm"]),
    )
    .check(Check::new(
        "commits-every-offered-message",
        Aspect::Functional,
        "promise: every offered message is committed or refused with an error the caller \
         sees. A message accept() returned is yours: send it with queue.send(msg).await, which \
         waits for room (try_send drops it when the queue is full, and a send raced against \
         the stop drops it at the stop); stop only intake",
        |r| {
            let (committed, _) = committed_and_accepted(r);
            let (at_least, at_most) = offered(r);
            // An Err is the refusal the caller sees; a stall or a panic is another check's.
            if !r.result.starts_with("Ok") || (at_least..=at_most).contains(&committed) {
                return Ok(());
            }
            let offered = if at_least == at_most {
                at_least.to_string()
            } else {
                format!("{at_least} to {at_most}")
            };
            Err(Miss::run(
                format!("Ok only when every offered message is committed ({offered})"),
                format!(
                    "{committed} committed of {offered} offered, and {}",
                    r.result
                ),
            ))
        },
    ))
    .check(
        Check::new(
            "rolls-back-the-failed-message",
            Aspect::Functional,
            "commit only after the work that can fail: a message whose processing failed must \
             leave nothing committed",
            |r| {
                let db = match r.resource("db") {
                    Some(ResourceReport::Store(db)) => &db.transactions[..],
                    _ => &[],
                };
                let failed = "msg-3".to_owned();
                match db.iter().find(|t| t.writes.contains(&failed)) {
                    Some(t) if t.outcome == TxOutcome::Committed => Err(Miss::run(
                        "msg-3's transaction rolled back",
                        "msg-3's transaction committed",
                    )),
                    _ => Ok(()),
                }
            },
        )
        .only(&["process-fails"]),
    )
    .check(Check::returns(
        "surfaces-the-error",
        "a message that cannot be written is the service's failure: the consumer's error \
         must reach main and be returned",
        &[("process-fails", "Err([DbError: injected at process[3]])")],
    ))
    .check(Check::gauge_at_most(
        "bounded-queue",
        Aspect::Functional,
        "the consumer is three times slower than the producer: a bounded queue makes the \
         producer wait (backpressure) instead of piling up messages",
        "queue",
        &[
            ("none", CAPACITY as u64),
            ("sigterm", CAPACITY as u64),
            ("process-fails", CAPACITY as u64),
        ],
    ))
    .check(Check::within(
        "done-within-budget",
        "drain what was accepted, then exit: 30 messages at 30 ms each take 900 ms",
        &[("none", 910), ("sigterm", 430), ("process-fails", 130)],
    ))
    .checks(Check::lifecycle())
    // Every single-fault plan too, but a hang in the producer or the consumer stalls a
    // graceful shutdown that waits for it: bounding that wait is a deadline's job.
    .sweep(&[
        "no-orphans",
        "no-swallowed-errors",
        "no-discarded-errors",
        "no-tasks-dropped-at-shutdown",
        "no-untracked-tasks",
        "no-partial-writes",
        "no-panics",
    ])
    .expect_fail(
        "unstructured",
        &[
            "commits-every-accepted-message",
            "commits-every-offered-message",
            "surfaces-the-error",
            "bounded-queue",
            "done-within-budget",
            "no-orphans",
            "no-swallowed-errors",
            "no-tasks-dropped-at-shutdown",
            "no-partial-writes",
            "matches-the-reference",
        ],
    )
    // A stop at every 40 ms of the run: whatever instant it comes, the books balance.
    .family(
        Family::new(&[
            "commits-every-offered-message",
            "no-partial-writes",
            "no-orphans",
        ])
        .stops(40, 920)
        .faults(6, 3),
    )
    // What every correct solution shows as the reference does (recorded data).
    .differential(
        vec![
            Observation::result(),
            Observation::new("messages lost", lost),
        ],
        include_str!("../reference.txt"),
    )
    // faultline:author-only begin
    .gallery(crate::gallery::entries())
    .right(crate::right::entries())
    // faultline:author-only end
}
