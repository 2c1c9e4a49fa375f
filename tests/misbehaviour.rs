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
    assert_eq!(body.outcome, Outcome::Panicked);
    // Where it panicked is part of the report (the panic hook prints nothing).
    assert_eq!(
        r.result,
        "panicked: the body gave up (at tests/misbehaviour.rs:28:5)"
    );
    // A body that panics is never clean, though the run read its panic.
    assert_eq!(r.summary.panics, 1);
    assert!(!r.is_clean(), "{r}");
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
        r.summary.untracked, r.overflow,
        "tasks past the cap run, but get no row: untracked"
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
/// no task is being polled, and the watchdog names the job.
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
    // The job is a row, named where it was spawned, and the run's result names it.
    let job = r
        .tasks
        .iter()
        .find(|t| t.blocking_job)
        .expect("a row for the job");
    assert!(job.name.starts_with("tests/misbehaviour.rs:"), "{r}");
    assert_eq!(
        (job.outcome, job.detail.as_deref()),
        (Outcome::Stalled, Some("never ended"))
    );
    assert!(
        r.result.starts_with(&format!(
            "no progress for 300ms of wall time: blocking job {} never ended",
            job.name
        )),
        "{}",
        r.result
    );
    assert_eq!(r.task("body").unwrap().outcome, Outcome::Stalled);
}

fn blocking_run(
    variant: &str,
    body: fn() -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>>,
) -> faultline::harness::Report {
    let mut b = Builder::new("misbehaves", variant);
    b.detect_blocking(Duration::from_millis(20));
    b.run(move || async move { spawn("worker", body()).await.ok() })
        .unwrap()
}

/// A short `std::thread::sleep` on the executor: virtual time does not move, but the poll
/// held the thread — the blocked-executor verdict.
#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "blocking the executor is the misbehaviour under test"
)]
fn a_short_blocking_sleep_is_flagged() {
    let r = blocking_run("sleep", || {
        Box::pin(async { std::thread::sleep(Duration::from_millis(60)) })
    });
    let worker = r.task("worker").unwrap();
    assert_eq!((worker.blocking_polls, worker.end_ms), (1, Some(0)), "{r}");
    assert_eq!(r.summary.blocking, 1);
    assert!(!r.is_clean());
    assert!(r.to_string().contains("BLOCKED the executor (1 polls)"));
}

/// A CPU loop with no `.await` is flagged by its CPU time. The loop runs until the thread
/// has used 60 ms of CPU (not of wall time), so a busy machine cannot make it look idle.
#[test]
fn a_cpu_loop_is_flagged() {
    let r = blocking_run("spin", || {
        Box::pin(async {
            let start = thread_cpu();
            while thread_cpu() - start < Duration::from_millis(60) {
                std::hint::black_box(0u64);
            }
        })
    });
    assert_eq!(r.task("worker").unwrap().blocking_polls, 1, "{r}");
}

fn thread_cpu() -> Duration {
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_THREAD).unwrap();
    let t = usage.user_time();
    Duration::from_secs(t.tv_sec() as u64) + Duration::from_micros(t.tv_usec() as u64)
}

/// Async waiting is not blocking: a task that sleeps on the virtual clock is clean.
#[test]
fn async_waiting_is_not_flagged() {
    let r = blocking_run("async", || {
        Box::pin(async { tokio::time::sleep(Duration::from_secs(5)).await })
    });
    assert_eq!(r.summary.blocking, 0, "{r}");
    assert!(r.is_clean());
}

/// Blocks its thread until released: a `Drop` of foreign code that waits on something.
struct BlocksOnDrop(Arc<AtomicBool>);

impl Drop for BlocksOnDrop {
    fn drop(&mut self) {
        while !self.0.load(Ordering::Relaxed) {
            std::hint::spin_loop();
        }
    }
}

/// A `Drop` that blocks while the runtime shuts down cannot hang the run: the watchdog
/// covers the shutdown too.
#[test]
fn a_drop_that_blocks_during_shutdown_is_reported_not_hung() {
    let release = Arc::new(AtomicBool::new(false));
    let guard = BlocksOnDrop(release.clone());
    let mut b = Builder::new("misbehaves", "blocking-drop");
    b.watchdog(Duration::from_millis(500)).exit_on_return(true);
    let r = b
        .run(move || async move {
            drop(spawn("holder", async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            }));
        })
        .unwrap();
    release.store(true, Ordering::Relaxed);
    assert!(
        r.result
            .starts_with("the runtime's shutdown did not finish within 500ms"),
        "{}",
        r.result
    );
    assert_eq!(
        r.task("holder").unwrap().outcome,
        Outcome::DroppedAtShutdown
    );
}

/// A tracing subscriber whose `event` blocks (here: on the harness's own warning that a task
/// was dropped at shutdown, written while the ledger is held) cannot hang the run either.
#[test]
fn a_tracing_subscriber_that_blocks_cannot_hang_the_run() {
    use tracing::{Event, Metadata, Subscriber, span};

    struct Blocks(Arc<AtomicBool>);
    impl Subscriber for Blocks {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
            span::Id::from_u64(1)
        }
        fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
        fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
        fn event(&self, event: &Event<'_>) {
            if event.metadata().target() == "faultline" {
                while !self.0.load(Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            }
        }
        fn enter(&self, _: &span::Id) {}
        fn exit(&self, _: &span::Id) {}
    }

    let release = Arc::new(AtomicBool::new(false));
    let r = tracing::subscriber::with_default(Blocks(release.clone()), || {
        let mut b = Builder::new("misbehaves", "blocking-subscriber");
        b.watchdog(Duration::from_millis(500)).exit_on_return(true);
        b.run(|| async {
            drop(spawn("forever", std::future::pending::<()>()));
        })
        .unwrap()
    });
    release.store(true, Ordering::Relaxed);
    assert!(
        r.result.contains("its thread was abandoned"),
        "{}",
        r.result
    );
}
