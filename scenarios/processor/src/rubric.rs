//! The rubric for project P2: what a correct `structured` reader, supervisor, windower and
//! `process` do under every plan.

use std::time::Duration;

use faultline_harness::{
    Action, Aspect, Check, Family, Miss, Observation, Report, ResourceReport, Rubric, TxOutcome,
};

use crate::{BACKLOG, BATCH_MAX, EVENT_CAPACITY, EVENTS, FLOOD, IN_TRANSIT, SINK_CAPACITY};

/// The number after `name: ` in the body's result (`Accounting { received: 2000, … }`).
pub(crate) fn field(result: &str, name: &str) -> Option<u64> {
    let at = result.find(&format!("{name}: "))? + name.len() + 2;
    let digits: String = result[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The text of the result's `errors: [..]` list.
fn errors(result: &str) -> Option<&str> {
    let at = result.find("errors: [")? + "errors: ".len();
    let rest = &result[at..];
    rest.rfind(']').map(|end| &rest[..=end])
}

/// Events in the windows the store `windows` committed, from the rows written
/// (`feed[3]@500ms n=57 sum=28190`): what the sink really wrote.
fn committed_events(r: &Report) -> u64 {
    let Some(ResourceReport::Store(store)) = r.resource("windows") else {
        return 0;
    };
    store
        .transactions
        .iter()
        .filter(|t| t.outcome == TxOutcome::Committed)
        .flat_map(|t| &t.writes)
        .filter_map(|row| field(&row.replace('=', ": "), "n"))
        .sum()
}

/// The most events in transit (received, not yet in a window): the channel's batches,
/// full, and the batch the windower is adding.
const QUEUE_CEILING: u64 = ((EVENT_CAPACITY + 1) * BATCH_MAX) as u64;

/// The rubric: the reference is `structured`; `unstructured` and a stub that returns at
/// once fail it.
pub fn rubric() -> Rubric {
    Rubric::new(
        "processor",
        "P2 a real-time stream processor",
        "scenarios/processor/src/structured.rs",
    )
    .stub(|b| b.run(|| async { crate::Accounting::default() }))
    .hint(
        "processor-reader",
        "loop: select! (biased) stop.cancelled() against timeout(STALL_TIMEOUT, feed.next()) \
         (a timeout is feed.stalled(), returned with `?`); None ends the reader; send the \
         batch the same way, against stop.cancelled(); once sent, add its length to `queued` \
         and feed.ack(n) — a batch not sent stays at the feed",
    )
    .hint(
        "processor-supervise",
        "spawn_in a read_feed per feed into one JoinSet, remembering which task reads which \
         feed (its AbortHandle's id()); join_next_with_id() until the set is empty: an Ok \
         reader is done; an Err (or a JoinError, as a Failure) is restarted with \
         spawn_in after sleep(BACKOFF * 2^(n-1)) — unless stop fired or the feed already had \
         MAX_RESTARTS restarts: then keep the error, to return it. Tell the tally about each \
         restart (tally.restarted(k, &error)): it reads the error",
    )
    .hint(
        "processor-windower",
        "one Option<Window> per feed; for each event of each batch received (subtract the \
         batch's length from `queued`): if its feed's open window does not hold it, take \
         that window and flush it, then add the event to the feed's window (Window::open if \
         none). When recv() returns None the input has ended: the windows still open hold \
         events nobody has written — flush every one of them before returning",
    )
    .hint(
        "processor-main",
        "the Tally and the feeds; bounded channel(EVENT_CAPACITY) and channel(SINK_CAPACITY); \
         the windower and the sink spawn_in one JoinSet; await supervise(.., shutdown_token()) \
         — it returns when every reader has ended, dropping the last event sender, so the \
         windower flushes and the sink drains; join the JoinSet to the end, keep every error, \
         and return tally.accounting(errors)",
    )
    .check(Check::new(
        "accounts-for-every-event",
        Aspect::Functional,
        "every event received must end in a committed window or be dropped with a reason \
         before the processor returns: at shutdown stop intake, then let the windower flush \
         and the sink drain",
        |r| {
            let (received, aggregated, lost) = (
                field(&r.result, "received"),
                field(&r.result, "aggregated"),
                field(&r.result, "lost"),
            );
            let written = committed_events(r);
            match (received, aggregated, lost) {
                (Some(rec), Some(agg), Some(0)) if rec > 0 && agg == written => Ok(()),
                _ => Err(Miss::run(
                    "events received = aggregated + dropped (lost: 0), and the store holds every \
                     aggregated event",
                    format!(
                        "received {received:?}, aggregated {aggregated:?}, lost {lost:?}; the \
                         store committed {written}"
                    ),
                )),
            }
        },
    ))
    .check(
        Check::new(
            "reads-every-feed",
            Aspect::Functional,
            "a feed that stalls for a while is restarted and read to its end: time each read \
             out (STALL_TIMEOUT) so a stalled reader fails, and restart it",
            |r| {
                let want = match r.plan_name.as_deref() {
                    Some("feed-floods") => EVENTS + FLOOD,
                    _ => EVENTS,
                };
                match field(&r.result, "received") {
                    Some(got) if got == want => Ok(()),
                    got => Err(Miss::run(
                        format!("received: {want}"),
                        got.map_or_else(|| r.result.clone(), |n| format!("received: {n}")),
                    )),
                }
            },
        )
        .only(&["none", "feed-stalls", "feed-floods", "sink-rejects"]),
    )
    .check(
        Check::new(
            "surfaces-the-errors",
            Aspect::Functional,
            "a feed given up on after its restarts, and a window the sink rejected, are the \
             processor's errors: return them (and only them) with the books",
            |r| {
                let want = match r.plan_name.as_deref() {
                    Some("feed-fails") => "[FeedError: injected at feed[3]]",
                    Some("sink-rejects") => "[DbError: injected at sink[4]]",
                    _ => "[]",
                };
                match errors(&r.result) {
                    Some(got) if got == want => Ok(()),
                    got => Err(Miss::run(
                        format!("errors: {want}"),
                        got.map_or_else(|| r.result.clone(), |e| format!("errors: {e}")),
                    )),
                }
            },
        )
        .only(&["none", "feed-fails", "feed-stalls", "sink-rejects"]),
    )
    .check(Check::new(
        "flushes-every-window",
        Aspect::Functional,
        "when the input ends (or intake stops) the windows still open hold events: flush \
         every one of them to the sink",
        |r| match (field(&r.result, "windows"), field(&r.result, "flushed")) {
            (Some(w), Some(f)) if w > 0 && w == f => Ok(()),
            (w, f) => Err(Miss::run(
                "every window that received events flushed (windows = flushed)",
                format!("windows {w:?}, flushed {f:?}"),
            )),
        },
    ))
    .check(Check::gauge_never_above(
        "bounded-event-queue",
        Aspect::Functional,
        "a bounded channel of EVENT_CAPACITY batches between the readers and the windower: \
         when it is full a reader waits (backpressure) and the feed keeps its events, however \
         hard it floods",
        IN_TRANSIT,
        QUEUE_CEILING,
    ))
    .check(Check::gauge_at_most(
        "bounded-sink-queue",
        Aspect::Functional,
        "the sink is slow: a bounded channel of SINK_CAPACITY windows makes the windower wait \
         instead of piling windows up",
        BACKLOG,
        &[
            ("none", SINK_CAPACITY as u64),
            ("feed-fails", SINK_CAPACITY as u64),
            ("feed-stalls", SINK_CAPACITY as u64),
            ("feed-floods", SINK_CAPACITY as u64),
            ("early-end", SINK_CAPACITY as u64),
            ("sink-rejects", SINK_CAPACITY as u64),
            ("shutdown-mid-window", SINK_CAPACITY as u64),
        ],
    ))
    .check(Check::within(
        "done-within-budget",
        "the input lasts about 2 s; then the last windows are flushed and committed. A \
         stalled feed costs STALL_TIMEOUT plus a backoff, a failing one gives up after \
         MAX_RESTARTS; after the shutdown signal, only the drain",
        &[
            ("none", 2300),
            ("feed-fails", 2300),
            ("feed-stalls", 2300),
            ("feed-floods", 2300),
            ("early-end", 2300),
            ("sink-rejects", 2300),
            ("shutdown-mid-window", 900),
        ],
    ))
    .checks(Check::lifecycle())
    // A stop at every 150 ms of the input, and pairs of faults: whatever instant the stop
    // comes, the books balance and every open window is flushed.
    .family(
        Family::new(&[
            "accounts-for-every-event",
            "flushes-every-window",
            "no-orphans",
            "no-partial-writes",
        ])
        .stops(150, 2100)
        .faults(4, 2)
        // A killed stage (a panic, a cancel) loses its events by design: errors, delays
        // and hangs are what the pipeline must absorb.
        .actions(vec![
            Action::Error("FamilyError".to_owned()),
            Action::Delay(Duration::from_millis(500)),
            Action::Hang,
        ]),
    )
    // What every correct solution shows as the reference does (recorded data).
    .differential(
        vec![
            Observation::result(),
            Observation::committed("windows committed", "windows"),
        ],
        include_str!("../reference.txt"),
    )
    // faultline:author-only begin
    .gallery(crate::gallery::entries())
    .right(crate::right::entries())
    // faultline:author-only end
    .check(Check::none_of(
        "no-partial-writes",
        "a window's transaction must end committed or rolled back, even when its task is \
         dropped: only a guard's Drop runs then",
        "every transaction committed or rolled back",
        |s| s.partial_writes.unwrap_or(0),
        |_| false,
    ))
    // Every single-fault plan too: a hang anywhere is bounded by a timeout (a feed's read,
    // a window's commit), so nothing may stall either.
    .sweep(&[
        "no-orphans",
        "no-swallowed-errors",
        "no-discarded-errors",
        "no-stalled-tasks",
        "no-tasks-dropped-at-shutdown",
        "no-untracked-tasks",
        "no-partial-writes",
    ])
    .expect_fail(
        "unstructured",
        &[
            "accounts-for-every-event",
            "reads-every-feed",
            "surfaces-the-errors",
            "flushes-every-window",
            "bounded-event-queue",
            "bounded-sink-queue",
            "done-within-budget",
            "no-orphans",
            "no-swallowed-errors",
            "no-stalled-tasks",
            "no-tasks-dropped-at-shutdown",
            "no-partial-writes",
            "matches-the-reference",
        ],
    )
}
