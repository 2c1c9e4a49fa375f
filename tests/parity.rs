//! Parity: a task is judged by what it did, not by how it was spawned.
//!
//! Every program here is written twice — with faultline's spawns (`spawn`, `spawn_in`,
//! `spawn_on`, `spawn_blocking` by name) and with plain tokio (`tokio::spawn`,
//! `JoinSet::spawn`, `TaskTracker::spawn`, `Handle::spawn`, `spawn_blocking`, tokio-util's
//! `AbortOnDropHandle` and `JoinMap`, a spawn inside `Drop`) — and both are run under the
//! same plan. Each row must get the same outcome and verdicts in both, and the run the
//! same count of every bad verdict ([`VERDICTS`]); a correct program must be clean both
//! ways. What tokio hides from the harness for a plain task (DEFINITIONS.md: "What a
//! plain task cannot show") is written out where it applies: a plain task that returned
//! reads `ended`, since its output (`Ok` or `Err`) is not seen.

// Blocking jobs and a blocked executor need a real `std::thread::sleep`.
#![allow(clippy::disallowed_methods)]

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use faultline::harness::{
    Builder, CancelCause, Failure, Fate, Outcome, PanicSource, Plan, Pool, Report, Task,
    TaskReport, VERDICTS, point, spawn, spawn_in, spawn_on,
};
use tokio::task::JoinSet;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;
use tokio_util::task::{AbortOnDropHandle, JoinMap, TaskTracker};

type Body = fn() -> Pin<Box<dyn Future<Output = ()> + Send>>;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn run(plan: &str, body: Body, blocking: bool) -> Report {
    let mut b = Builder::new("parity", "case");
    b.plan(Plan::parse(plan).expect("test plans parse"));
    if blocking {
        b.detect_blocking(ms(10));
    }
    b.run(body).expect("runs")
}

/// What a row shows, with a returned task's output left out (a plain task's is not seen).
fn row(t: &TaskReport) -> (Outcome, Option<CancelCause>, Option<Fate>, bool, bool) {
    let outcome = match t.outcome {
        Outcome::Completed => Outcome::Ended,
        o => o,
    };
    (
        outcome,
        t.cancelled_by.clone(),
        t.fate,
        t.outlived_scope,
        t.blocking_polls > 0,
    )
}

fn counts(r: &Report) -> Vec<(&'static str, usize)> {
    VERDICTS
        .iter()
        .map(|v| (v.key, (v.count)(&r.summary)))
        .collect()
}

/// Runs both programs and holds them to the same rows and counts; the plain report.
fn same(plan: &str, tracked: Body, plain: Body) -> (Report, Report) {
    same_with(plan, tracked, plain, false)
}

fn same_with(plan: &str, tracked: Body, plain: Body, blocking: bool) -> (Report, Report) {
    let t = run(plan, tracked, blocking);
    let p = run(plan, plain, blocking);
    assert_eq!(t.tasks.len(), p.tasks.len(), "rows differ:\n{t}\n{p}");
    for (a, b) in t.tasks.iter().zip(&p.tasks).skip(1) {
        assert_eq!(row(a), row(b), "row {} vs {}:\n{t}\n{p}", a.name, b.name);
        assert_eq!((a.start_ms, a.end_ms), (b.start_ms, b.end_ms), "{t}\n{p}");
        assert_eq!(
            a.parent.is_some(),
            b.parent.is_some(),
            "parent of {}:\n{t}\n{p}",
            b.name
        );
    }
    assert_eq!(counts(&t), counts(&p), "counts differ:\n{t}\n{p}");
    assert_eq!(t.is_clean(), p.is_clean());
    (t, p)
}

macro_rules! body {
    ($($t:tt)*) => {{
        fn body() -> Pin<Box<dyn Future<Output = ()> + Send>> {
            Box::pin(async move { $($t)* })
        }
        body as Body
    }};
}

// --- Scopes that clean up after themselves: clean both ways -------------------------------

#[test]
fn a_dropped_joinset_aborts_its_tasks_at_its_owners_end() {
    let (_, p) = same(
        "none",
        body! {
            let mut set = JoinSet::new();
            spawn_in(&mut set, "a", sleep(ms(500)));
            spawn_in(&mut set, "b", sleep(ms(500)));
            sleep(ms(10)).await;
        },
        body! {
            let mut set = JoinSet::new();
            set.spawn(sleep(ms(500)));
            set.spawn(sleep(ms(500)));
            sleep(ms(10)).await;
        },
    );
    assert!(p.is_clean(), "{p}");
    let t = &p.tasks[1];
    assert_eq!(
        (t.outcome, t.cancelled_by.clone(), t.end_ms),
        (Outcome::Cancelled, Some(CancelCause::Aborted), Some(10))
    );
}

#[test]
fn abort_all_as_the_last_statement_stops_every_task_of_the_set() {
    let (_, p) = same(
        "none",
        body! {
            let mut set = JoinSet::new();
            spawn_in(&mut set, "a", sleep(ms(500)));
            spawn_in(&mut set, "b", sleep(ms(500)));
            sleep(ms(10)).await;
            set.abort_all();
            while set.join_next().await.is_some() {}
        },
        body! {
            let mut set = JoinSet::new();
            set.spawn(sleep(ms(500)));
            set.spawn(sleep(ms(500)));
            sleep(ms(10)).await;
            set.abort_all();
            while set.join_next().await.is_some() {}
        },
    );
    assert!(p.is_clean(), "{p}");
    assert_eq!(p.summary.cancelled, 2, "{p}");
}

#[test]
fn abort_as_the_last_statement_stops_the_task() {
    let (_, p) = same(
        "none",
        body! {
            let h = spawn("a", sleep(ms(500)));
            sleep(ms(10)).await;
            h.abort();
        },
        body! {
            let h = tokio::spawn(sleep(ms(500)));
            sleep(ms(10)).await;
            h.abort();
        },
    );
    assert!(p.is_clean(), "{p}");
    assert_eq!(p.tasks[1].outcome, Outcome::Cancelled, "{p}");
}

#[test]
fn an_abort_on_drop_handle_dropped_at_the_end_stops_its_task() {
    let (_, p) = same(
        "none",
        body! {
            let _guard = AbortOnDropHandle::new(spawn("a", sleep(ms(500))));
            sleep(ms(10)).await;
        },
        body! {
            let _guard = AbortOnDropHandle::new(tokio::spawn(sleep(ms(500))));
            sleep(ms(10)).await;
        },
    );
    assert!(p.is_clean(), "{p}");
    assert_eq!(p.tasks[1].outcome, Outcome::Cancelled, "{p}");
}

#[test]
fn a_dropped_joinmap_aborts_its_tasks() {
    let p = run(
        "none",
        body! {
            let mut map = JoinMap::new();
            map.spawn("a", sleep(ms(500)));
            map.spawn("b", sleep(ms(500)));
            sleep(ms(10)).await;
        },
        false,
    );
    assert!(p.is_clean(), "{p}");
    assert_eq!(p.summary.cancelled, 2, "{p}");
    // Spawned inside tokio-util on the test's behalf: named by the test's lines.
    let names: Vec<&str> = p.tasks.iter().map(|t| t.name.as_str()).collect();
    assert!(
        names[1..].iter().all(|n| n.starts_with("tests/parity.rs:")),
        "{names:?}"
    );
}

#[test]
fn awaited_children_leave_a_clean_run() {
    let (_, p) = same(
        "none",
        body! {
            let a = spawn("a", sleep(ms(20)));
            let b = spawn("b", sleep(ms(30)));
            a.await.unwrap();
            b.await.unwrap();
        },
        body! {
            let a = tokio::spawn(sleep(ms(20)));
            let b = tokio::spawn(sleep(ms(30)));
            a.await.unwrap();
            b.await.unwrap();
        },
    );
    assert!(p.is_clean(), "{p}");
}

#[test]
fn a_joinset_joined_to_the_end_is_clean() {
    let (_, p) = same(
        "none",
        body! {
            let mut set = JoinSet::new();
            for i in 0..3u64 {
                spawn_in(&mut set, ("w", i as usize), sleep(ms(10 * (i + 1))));
            }
            while let Some(r) = set.join_next().await {
                r.unwrap();
            }
        },
        body! {
            let mut set = JoinSet::new();
            for i in 0..3u64 {
                set.spawn(sleep(ms(10 * (i + 1))));
            }
            while let Some(r) = set.join_next().await {
                r.unwrap();
            }
        },
    );
    assert!(p.is_clean(), "{p}");
}

#[test]
fn a_task_tracker_closed_and_waited_is_clean() {
    let (_, p) = same(
        "none",
        body! {
            let tracker = TaskTracker::new();
            spawn_on(&tracker, "a", sleep(ms(20)));
            spawn_on(&tracker, "b", sleep(ms(40)));
            tracker.close();
            tracker.wait().await;
        },
        body! {
            let tracker = TaskTracker::new();
            tracker.spawn(sleep(ms(20)));
            tracker.spawn(sleep(ms(40)));
            tracker.close();
            tracker.wait().await;
        },
    );
    assert!(p.is_clean(), "{p}");
}

/// A task its owner's drop guard stops at the owner's end is not outlived. A faultline task
/// is told its token (`Task::token`); a plain task's token is not seen, so a plain task that
/// ends at the very instant its scope closes is taken as stopped by the clean-up.
#[test]
fn a_token_its_owners_drop_guard_fires_stops_the_task_in_time() {
    let (t, p) = same(
        "none",
        body! {
            let token = CancellationToken::new();
            let child = token.child_token();
            drop(Task::new("worker").token(&child).spawn(async move { child.cancelled().await }));
            let _guard = token.drop_guard();
            sleep(ms(10)).await;
        },
        body! {
            let token = CancellationToken::new();
            let child = token.child_token();
            drop(tokio::spawn(async move { child.cancelled().await }));
            let _guard = token.drop_guard();
            sleep(ms(10)).await;
        },
    );
    assert!(t.is_clean() && p.is_clean(), "{t}\n{p}");
}

#[test]
fn handle_spawn_is_a_row_like_tokio_spawn() {
    let (_, p) = same(
        "none",
        body! {
            drop(spawn("late", sleep(ms(50))));
            sleep(ms(10)).await;
        },
        body! {
            let handle = tokio::runtime::Handle::current();
            drop(handle.spawn(sleep(ms(50))));
            sleep(ms(10)).await;
        },
    );
    assert_eq!(p.summary.outlived, 1, "{p}");
}

// --- What breaks: the same verdicts both ways ---------------------------------------------

#[test]
fn a_detached_task_outlives_its_owner() {
    let (_, p) = same(
        "none",
        body! {
            drop(spawn("child", sleep(ms(250))));
            sleep(ms(100)).await;
        },
        body! {
            drop(tokio::spawn(sleep(ms(250))));
            sleep(ms(100)).await;
        },
    );
    assert_eq!(
        (p.tasks[1].outlived_scope, p.tasks[1].outlived_by_ms),
        (true, Some(150)),
        "{p}"
    );
}

#[test]
fn a_task_pending_forever_is_dropped_at_shutdown() {
    let (_, p) = same(
        "none",
        body! { drop(spawn("forever", std::future::pending::<()>())); },
        body! { drop(tokio::spawn(std::future::pending::<()>())); },
    );
    assert_eq!(p.tasks[1].outcome, Outcome::DroppedAtShutdown, "{p}");
}

#[test]
fn a_child_the_body_waits_on_forever_is_stalled() {
    let mut b = Builder::new("parity", "stall");
    b.deadline(ms(1000));
    let t = b
        .run(|| async { spawn("stuck", std::future::pending::<()>()).await.unwrap() })
        .unwrap();
    let p = b
        .run(|| async { tokio::spawn(std::future::pending::<()>()).await.unwrap() })
        .unwrap();
    assert_eq!(row(&t.tasks[1]), row(&p.tasks[1]), "{t}\n{p}");
    assert_eq!(p.tasks[1].outcome, Outcome::Stalled, "{p}");
    assert_eq!(counts(&t), counts(&p));
}

#[test]
fn a_tracker_nobody_waits_on_leaves_its_tasks_outliving() {
    let (_, p) = same(
        "none",
        body! {
            let tracker = TaskTracker::new();
            spawn_on(&tracker, "a", sleep(ms(50)));
            tracker.close();
            sleep(ms(10)).await;
        },
        body! {
            let tracker = TaskTracker::new();
            tracker.spawn(sleep(ms(50)));
            tracker.close();
            sleep(ms(10)).await;
        },
    );
    assert_eq!(p.summary.outlived, 1, "{p}");
}

#[test]
fn a_panic_after_its_owner_ended_is_swallowed() {
    let (_, p) = same(
        "none",
        body! {
            drop(spawn("late", async {
                sleep(ms(10)).await;
                panic!("late");
            }));
        },
        body! {
            drop(tokio::spawn(async {
                sleep(ms(10)).await;
                panic!("late");
            }));
        },
    );
    assert_eq!(
        (p.tasks[1].outcome, p.tasks[1].fate),
        (Outcome::Panicked, Some(Fate::Swallowed)),
        "{p}"
    );
    assert_eq!((p.summary.swallowed, p.summary.panics), (1, 1));
}

#[test]
fn a_panic_caught_inside_the_task_is_not_a_panic_of_the_task() {
    let (_, p) = same(
        "none",
        body! {
            spawn("careful", async {
                let caught = std::panic::catch_unwind(|| panic!("inside"));
                assert!(caught.is_err());
            })
            .await
            .unwrap();
        },
        body! {
            tokio::spawn(async {
                let caught = std::panic::catch_unwind(|| panic!("inside"));
                assert!(caught.is_err());
            })
            .await
            .unwrap();
        },
    );
    assert_eq!(p.tasks[1].outcome, Outcome::Ended, "{p}");
    assert!(p.is_clean(), "{p}");
}

/// What a plain task cannot show: whether a child's `JoinError` reached its parent (tokio's
/// own type). The parent's re-raised panic is seen either way, as the parent's outcome; it is
/// one panic, counted once, where it was raised (PANICKED on the child's row only).
#[test]
fn a_panic_resumed_from_a_child_is_a_panic_of_the_parent() {
    let tracked = body! {
        let parent = spawn("parent", async {
            let e = spawn("child", async { panic!("deep") }).await.unwrap_err();
            std::panic::resume_unwind(e.into_panic());
        });
        let _ = Failure::from(parent.await.unwrap_err()).to_string();
    };
    let plain = body! {
        let parent = tokio::spawn(async {
            let e = tokio::spawn(async { panic!("deep") }).await.unwrap_err();
            std::panic::resume_unwind(e.into_panic());
        });
        let _ = Failure::from(parent.await.unwrap_err()).to_string();
    };
    let (t, p) = (run("none", tracked, false), run("none", plain, false));
    assert_eq!(row(&t.tasks[1]), row(&p.tasks[1]), "{t}\n{p}");
    assert_eq!(p.tasks[1].outcome, Outcome::Panicked, "{p}");
    assert_eq!(p.tasks[1].fate, Some(Fate::Read), "{p}");
    // Re-raised, the child's panic went on to its parent's reader: not discarded.
    assert_eq!(t.tasks[2].fate, Some(Fate::Read), "{t}");
    assert_eq!(p.tasks[2].fate, Some(Fate::Untraced), "{p}");
    assert_eq!((t.summary.panics, p.summary.panics), (1, 1), "{t}\n{p}");
    for r in [&t, &p] {
        assert_eq!(r.tasks[1].panic, Some(PanicSource::Reraised), "{r}");
        assert_eq!(r.tasks[2].panic, Some(PanicSource::Raised), "{r}");
    }
}

#[test]
fn a_panic_turned_into_a_failure_and_read_is_observed() {
    let (_, p) = same(
        "none",
        body! {
            let e = spawn("p", async { panic!("boom") }).await.unwrap_err();
            let _ = Failure::from(e).to_string();
        },
        body! {
            let e = tokio::spawn(async { panic!("boom") }).await.unwrap_err();
            let _ = Failure::from(e).to_string();
        },
    );
    assert_eq!(p.tasks[1].fate, Some(Fate::Read), "{p}");
    assert_eq!(p.summary.panics, 1, "{p}");
}

#[test]
fn a_blocking_job_that_panics_read_as_a_failure_is_observed() {
    let t = run(
        "none",
        body! {
            let e = faultline::harness::spawn_blocking("job", || panic!("in job")).await.unwrap_err();
            let _ = Failure::from(e).to_string();
        },
        false,
    );
    let p = run(
        "none",
        body! {
            let e = tokio::task::spawn_blocking(|| panic!("in job")).await.unwrap_err();
            let _ = Failure::from(e).to_string();
        },
        false,
    );
    assert_eq!(row(&t.tasks[1]), row(&p.tasks[1]), "{t}\n{p}");
    assert_eq!(p.tasks[1].fate, Some(Fate::Read), "{p}");
    assert!(!p.to_string().contains("untraced"), "{p}");
}

#[test]
fn a_blocking_job_left_running_outlives_its_spawner() {
    let (_, p) = same(
        "none",
        body! {
            drop(spawn("spawner", async {
                drop(faultline::harness::spawn_blocking("job", || {
                    std::thread::sleep(Duration::from_millis(30));
                }));
            }));
            sleep(ms(10)).await;
        },
        body! {
            drop(tokio::spawn(async {
                drop(tokio::task::spawn_blocking(|| {
                    std::thread::sleep(Duration::from_millis(30));
                }));
            }));
            sleep(ms(10)).await;
        },
    );
    assert!(p.tasks[2].outlived_scope, "{p}");
}

#[test]
fn a_task_blocking_the_executor_is_flagged() {
    let (_, p) = same_with(
        "none",
        body! {
            spawn("hog", async { std::thread::sleep(Duration::from_millis(50)) })
                .await
                .unwrap();
        },
        body! {
            tokio::spawn(async { std::thread::sleep(Duration::from_millis(50)) })
                .await
                .unwrap();
        },
        true,
    );
    assert_eq!(p.summary.blocking, 1, "{p}");
    assert!(p.tasks[1].blocking_polls > 0, "{p}");
}

#[test]
fn a_connection_leaked_by_a_task_names_that_task() {
    let p = run(
        "none",
        body! {
            let pool = Pool::new("db", 1);
            let p2 = pool.clone();
            tokio::spawn(async move {
                let conn = p2.checkout().await;
                std::mem::forget(conn);
            })
            .await
            .unwrap();
        },
        false,
    );
    let text = p.to_string();
    let plain = p.tasks[1].name.to_string();
    assert!(text.contains(&format!("checked out by {plain}")), "{text}");
    assert_eq!(p.summary.leaked_resources, Some(1));
}

/// A spawn inside the `Drop` of a future being aborted: the new task's parent is the
/// aborted one, and a task that runs on past it outlives it.
struct SpawnOnDrop;

impl Drop for SpawnOnDrop {
    fn drop(&mut self) {
        drop(tokio::spawn(sleep(ms(30))));
    }
}

#[test]
fn a_task_spawned_in_drop_during_an_abort_has_the_aborted_task_as_parent() {
    let (_, p) = same(
        "none",
        body! {
            let h = spawn("owner", async {
                let _g = SpawnOnDrop;
                std::future::pending::<()>().await;
            });
            sleep(ms(10)).await;
            h.abort();
            sleep(ms(50)).await;
        },
        body! {
            let h = tokio::spawn(async {
                let _g = SpawnOnDrop;
                std::future::pending::<()>().await;
            });
            sleep(ms(10)).await;
            h.abort();
            sleep(ms(50)).await;
        },
    );
    let child = &p.tasks[2];
    assert_eq!(child.parent.as_ref(), Some(&p.tasks[1].name), "{p}");
    assert!(child.outlived_scope, "{p}");
}

#[test]
fn an_error_a_task_logged_itself_then_dropped_by_its_receiver_is_discarded() {
    let r = run(
        "none",
        body! {
            let h = spawn("failing", async {
                let e = Failure::new("Boom", "logged");
                tracing::warn!(%e, "failing");
                Err::<(), _>(e)
            });
            let _ = h.await;
        },
        false,
    );
    assert_eq!(r.tasks[1].fate, Some(Fate::Discarded), "{r}");
    assert_eq!(r.summary.discarded, 1, "{r}");
}

// --- The plan acts on plain tasks, or says why it cannot ------------------------------------

#[test]
fn a_cancel_fault_inside_a_plain_task_never_hangs_it() {
    let p = run(
        "work=cancel",
        body! {
            tokio::spawn(async { point("work").await.unwrap() }).await.unwrap();
        },
        false,
    );
    assert!(p.is_clean(), "the harness made no finding of its own: {p}");
    let warnings = p.plan_warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("could not act on plain task")
                && w.contains("faultline_harness::spawn")),
        "{warnings:?}"
    );
    let t = run(
        "work=cancel",
        body! {
            let _ = spawn("w", async { point("work").await.unwrap() }).await;
        },
        false,
    );
    assert_eq!(t.tasks[1].outcome, Outcome::Cancelled, "{t}");
}

#[test]
fn a_timed_cancel_of_a_plain_task_is_a_plan_warning() {
    let program = body! {
        tokio::spawn(sleep(ms(50))).await.unwrap();
    };
    let name = run("none", program, false).tasks[1].name.to_string();
    let p = run(&format!("@10ms cancel({name})"), program, false);
    assert!(p.is_clean(), "{p}");
    assert!(
        p.plan_warnings()
            .iter()
            .any(|w| w.contains("could not act on plain task")),
        "{:?}",
        p.plan_warnings()
    );
}

// --- Accepted background tasks count nowhere ----------------------------------------------

#[test]
fn an_accepted_background_task_counts_nowhere_not_even_its_errors_and_leaks() {
    let program = body! {
        let pool = Pool::new("db", 1);
        let p = pool.clone();
        drop(tokio::spawn(async move {
            std::mem::forget(p.checkout().await);
            // Made here, dropped unread here: a DISCARDED error of the background task.
            drop(Failure::new("Reaper", "lost"));
            std::future::pending::<()>().await;
        }));
        sleep(ms(10)).await;
    };
    let judged = run("none", program, false);
    assert!(
        judged.summary.leaked_resources == Some(1)
            && judged.summary.discarded == 1
            && judged.summary.dropped_at_shutdown == 1,
        "{judged}"
    );
    let accepted = run("allow tests/parity.rs", program, false);
    assert!(accepted.is_clean(), "{accepted}");
    assert_eq!(accepted.summary.accepted, 1, "{accepted}");
    assert_eq!(
        (
            accepted.summary.leaked_resources,
            accepted.summary.discarded
        ),
        (Some(0), 0),
        "{accepted}"
    );
}

// --- Traced errors of plain tasks: the same counts -------------------------------------------

/// Runs both programs and holds them to the same counts of every verdict (their rows differ
/// where a plain task's output is not seen: `failed` reads `ended`).
fn same_counts(tracked: Body, plain: Body) -> (Report, Report) {
    let (t, p) = (run("none", tracked, false), run("none", plain, false));
    assert_eq!(counts(&t), counts(&p), "counts differ:\n{t}\n{p}");
    (t, p)
}

#[test]
fn a_failure_in_the_output_of_a_detached_plain_task_is_swallowed() {
    let (_, p) = same_counts(
        body! {
            drop(spawn("late", async {
                sleep(ms(10)).await;
                Err::<(), _>(Failure::new("Boom", "late"))
            }));
            sleep(ms(50)).await;
        },
        body! {
            drop(tokio::spawn(async {
                sleep(ms(10)).await;
                Err::<(), _>(Failure::new("Boom", "late"))
            }));
            sleep(ms(50)).await;
        },
    );
    assert_eq!(
        (p.summary.swallowed, p.errors[0].fate),
        (1, Fate::Swallowed),
        "{p}"
    );
}

#[test]
fn a_plain_tasks_failure_it_logged_itself_then_dropped_by_its_receiver_is_discarded() {
    let (_, p) = same_counts(
        body! {
            let h = spawn("failing", async {
                let e = Failure::new("Boom", "logged");
                tracing::warn!(%e, "failing");
                Err::<(), _>(e)
            });
            let _ = h.await;
        },
        body! {
            let h = tokio::spawn(async {
                let e = Failure::new("Boom", "logged");
                tracing::warn!(%e, "failing");
                Err::<(), _>(e)
            });
            let _ = h.await;
        },
    );
    assert_eq!(
        (p.summary.discarded, p.errors[0].fate),
        (1, Fate::Discarded),
        "{p}"
    );
}

#[test]
fn a_plain_tasks_failure_read_by_its_receiver_is_observed() {
    let (_, p) = same_counts(
        body! {
            let e = spawn("failing", async { Err::<(), _>(Failure::new("Boom", "read")) })
                .await
                .unwrap()
                .unwrap_err();
            let _ = e.to_string();
        },
        body! {
            let e = tokio::spawn(async { Err::<(), _>(Failure::new("Boom", "read")) })
                .await
                .unwrap()
                .unwrap_err();
            let _ = e.to_string();
        },
    );
    assert!(p.is_clean(), "{p}");
    assert_eq!(p.errors[0].fate, Fate::Read, "{p}");
}

// --- A subscriber the code under test installs ------------------------------------------

/// A subscriber as a test's `trace_init()` installs one: it notes the target of every span
/// and event it is given.
struct Noting(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl tracing::Subscriber for Noting {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let target = span.metadata().target().to_string();
        self.0.lock().unwrap().push(target);
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let target = event.metadata().target().to_string();
        self.0.lock().unwrap().push(target);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// A detached task that leaves a blocking job running, and a task aborted mid-sleep; with
/// `own` set, the body first installs a subscriber of its own, for the rest of the body.
fn displaced(own: Option<std::sync::Arc<std::sync::Mutex<Vec<String>>>>) -> Report {
    Builder::new("parity", "case")
        .run(move || async move {
            let _theirs = own.map(|noted| tracing::subscriber::set_default(Noting(noted)));
            tokio::task::yield_now().await;
            tracing::info!("the test's own event");
            drop(tokio::spawn(async {
                drop(tokio::task::spawn_blocking(|| {
                    std::thread::sleep(Duration::from_millis(30));
                }));
            }));
            let aborted = tokio::spawn(sleep(ms(100)));
            sleep(ms(10)).await;
            aborted.abort();
            sleep(ms(10)).await;
        })
        .expect("runs")
}

#[test]
fn a_subscriber_the_body_installs_neither_blinds_the_harness_nor_gets_tokios_events() {
    let noted = std::sync::Arc::default();
    let theirs = displaced(Some(std::sync::Arc::clone(&noted)));
    let ours = displaced(None);
    assert_eq!(theirs.tasks.len(), 4, "the job has a row:\n{theirs}");
    for (a, b) in ours.tasks.iter().zip(&theirs.tasks) {
        assert_eq!(row(a), row(b), "row {}:\n{ours}\n{theirs}", b.name);
    }
    assert_eq!(theirs.tasks[2].outcome, Outcome::Cancelled, "{theirs}");
    assert!(theirs.tasks[3].outlived_scope, "the job: {theirs}");
    assert_eq!(ours.to_string(), theirs.to_string());
    let noted = noted.lock().unwrap();
    assert!(noted.iter().any(|t| t == "parity"), "{noted:?}");
    assert!(
        !noted
            .iter()
            .any(|t| t.starts_with("tokio") || t.starts_with("runtime")),
        "tokio's own instrumentation reached the test's subscriber: {noted:?}"
    );
}

#[test]
fn tasks_of_a_joinset_built_with_collect_are_named_by_the_tests_line() {
    let p = run(
        "none",
        body! {
            let mut set: JoinSet<()> = (1..=2).map(|n| sleep(ms(n))).collect();
            while set.join_next().await.is_some() {}
        },
        false,
    );
    let line = line!() - 5;
    let names: Vec<&str> = p.tasks.iter().map(|t| t.name.as_str()).collect();
    let here = format!("tests/parity.rs:{line}");
    assert_eq!(names, ["body", &here, &format!("{here}#2")], "{p}");
    assert!(p.is_clean(), "{p}");
}
