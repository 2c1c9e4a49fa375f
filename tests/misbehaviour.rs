//! Scenarios that misbehave on purpose still give a report and a verdict, never a hung or
//! crashed suite.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use faultline::harness::{Builder, Outcome, spawn};

#[test]
fn a_body_that_panics_is_reported_as_panicked() {
    let r = Builder::new("misbehaves", "body-panics")
        .run(body_panics)
        .unwrap();
    let body = r.task("body").unwrap();
    assert_eq!(
        (body.outcome, body.observed),
        (Outcome::Panicked, Some(true))
    );
    assert_eq!(r.result, "panicked: the body gave up");
}

async fn body_panics() {
    panic!("the body gave up")
}

/// A loop with no `.await` cannot be interrupted from inside: the watchdog reports it and
/// abandons the thread. (The test releases the loop afterwards so no core stays busy.)
#[test]
fn a_task_that_never_yields_is_reported_by_the_watchdog() {
    let release = Arc::new(AtomicBool::new(false));
    let spin = release.clone();
    let mut b = Builder::new("misbehaves", "never-yields");
    b.watchdog(Duration::from_millis(500));
    let r = b
        .run(move || async move {
            spawn("spinner", async move {
                while !spin.load(Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            })
            .await
            .ok();
        })
        .unwrap();
    release.store(true, Ordering::Relaxed);
    assert!(
        r.result
            .starts_with("did not yield for 500ms of wall time: task spinner"),
        "{}",
        r.result
    );
    let spinner = r.task("spinner").unwrap();
    assert_eq!(
        (spinner.outcome, spinner.detail.as_deref()),
        (Outcome::Stalled, Some("did not yield"))
    );
    assert_eq!(r.task("body").unwrap().outcome, Outcome::Stalled);
}

/// A blocking call on the executor thread freezes every task, and the paused clock with it.
#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "blocking the executor is the misbehaviour under test"
)]
fn a_blocking_call_on_the_executor_is_reported_by_the_watchdog() {
    let mut b = Builder::new("misbehaves", "blocks");
    b.watchdog(Duration::from_millis(300));
    let r = b
        .run(|| async { std::thread::sleep(Duration::from_millis(900)) })
        .unwrap();
    assert!(
        r.result
            .contains("task body never returned to the executor"),
        "{}",
        r.result
    );
}

/// A million tasks: the run finishes, memory stays bounded (the ledger judges the first
/// `max_tasks` individually and counts the rest), the report says so.
#[test]
fn a_million_tasks_finish_with_a_bounded_ledger() {
    let r = Builder::new("misbehaves", "million")
        .run(|| async {
            for i in 0..1_000_000 {
                drop(spawn(("t", i), async {}));
            }
        })
        .unwrap();
    assert_eq!(r.tasks.len(), faultline::harness::DEFAULT_MAX_TASKS);
    assert_eq!(
        r.overflow,
        1_000_001 - faultline::harness::DEFAULT_MAX_TASKS
    );
    assert_eq!(
        r.summary.untracked, 0,
        "tasks past the cap are tracked, only not judged"
    );
    assert!(
        r.to_string()
            .contains("900001 more tasks past the ledger's cap, not judged")
    );
}

/// Many tasks: the run finishes, and the text report stays readable (rows are capped).
#[test]
fn ten_thousand_tasks_render_a_capped_report() {
    let r = Builder::new("misbehaves", "many")
        .run(|| async {
            for i in 0..10_000 {
                drop(spawn(("t", i), async {}));
            }
        })
        .unwrap();
    assert_eq!(r.tasks.len(), 10_001);
    assert_eq!(r.summary.completed, 10_001);
    let text = r.to_string();
    assert!(text.contains("… 9801 more tasks"), "rows are capped");
    assert!(text.lines().count() < 700, "{} lines", text.lines().count());
}

/// A `spawn_blocking` call that never ends holds the paused clock and the runtime forever:
/// no task is being polled, and the watchdog says so.
#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "a blocking pool thread that never ends is the misbehaviour"
)]
fn a_blocking_task_that_never_ends_is_reported_by_the_watchdog() {
    let release = Arc::new(AtomicBool::new(false));
    let held = release.clone();
    let mut b = Builder::new("misbehaves", "blocking-forever");
    b.watchdog(Duration::from_millis(300));
    let r = b
        .run(move || async move {
            tokio::task::spawn_blocking(move || {
                while !held.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
            .await
            .ok();
        })
        .unwrap();
    release.store(true, Ordering::Relaxed);
    assert!(
        r.result.starts_with("no progress for 300ms of wall time"),
        "{}",
        r.result
    );
    assert_eq!(r.task("body").unwrap().outcome, Outcome::Stalled);
}
