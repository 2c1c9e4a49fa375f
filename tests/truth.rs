//! Ground truth for the definitions of issue "Truth" (README, "What the verdicts mean"):
//! each program is built to produce one verdict, and the test names the verdict it must get.
//! Mutations of the rules make these fail: outlived measured against the spawner instead of
//! the tracker's owner fails `an_accept_loop_hands_its_handlers_to_the_trackers_owner`;
//! relabelling a returned value as cancelled fails `a_task_that_ignores_its_token_…`;
//! counting a drop inside the receiving task as swallowed fails the discarded cases.

use std::future::Future;
use std::time::Duration;

use faultline::harness::{
    Builder, Failure, Fate, Outcome, Plan, Report, Task, point, rows_match_counts, spawn, spawn_on,
};
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn run_with<F, Fut>(plan: &str, body: F) -> Report
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: faultline::harness::TaskOutput + std::fmt::Debug + Send + 'static,
{
    let report = Builder::new("truth", "case")
        .plan(Plan::parse(plan).unwrap())
        .run(body)
        .unwrap();
    rows_match_counts(&report).unwrap();
    report
}

fn run<F, Fut>(body: F) -> Report
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: faultline::harness::TaskOutput + std::fmt::Debug + Send + 'static,
{
    run_with("none", body)
}

#[test]
fn a_detached_task_returning_a_string_error_after_its_spawner_ended_is_swallowed() {
    let r = run(|| async {
        drop(spawn("detached", async {
            sleep(ms(10)).await;
            Err::<(), String>("lost".to_owned())
        }));
    });
    let t = r.task("detached").unwrap();
    assert_eq!(
        (t.outcome, t.fate),
        (Outcome::Failed, Some(Fate::Swallowed))
    );
    assert_eq!(r.summary.swallowed, 1);
    assert!(!r.is_clean());
}

#[test]
fn a_string_error_awaited_while_its_scope_is_open_is_untraced_not_swallowed() {
    let r = run(|| async {
        let e = spawn("child", async { Err::<(), String>("seen".to_owned()) })
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(e, "seen");
    });
    let t = r.task("child").unwrap();
    assert_eq!((t.outcome, t.fate), (Outcome::Failed, Some(Fate::Untraced)));
    assert!(r.is_clean(), "{r}");
}

#[test]
fn let_underscore_on_an_awaited_err_discards_it() {
    let r = run(|| async {
        let _ = spawn("child", async { point("work").await }).await;
    });
    let r2 = run_with("work=error(Boom)", || async {
        let _ = spawn("child", async { point("work").await }).await;
    });
    assert!(r.is_clean());
    assert_eq!(r2.task("child").unwrap().fate, Some(Fate::Discarded));
    assert_eq!((r2.summary.discarded, r2.summary.swallowed), (1, 0));
    assert!(!r2.is_clean());
}

#[test]
fn join_all_whose_errs_are_ignored_discards_them() {
    let r = run_with("work=error(Boom)", || async {
        let handles = (0..3).map(|i| spawn(("w", i), async { point("work").await }));
        let results = futures::future::join_all(handles).await;
        results.len()
    });
    assert_eq!(r.summary.discarded, 3, "{r}");
    assert!(!r.is_clean());
}

#[test]
fn an_err_fallback_that_reads_the_error_is_clean() {
    let r = run_with("work=error(Boom)", || async {
        match point("work").await {
            Ok(()) => "ok".to_owned(),
            Err(e) => format!("fell back after {}", e.kind()),
        }
    });
    assert!(r.is_clean(), "{r}");
    let r = run_with("work=error(Boom)", || async {
        match point("work").await {
            Ok(()) => "ok",
            Err(_) => "fell back",
        }
    });
    assert_eq!(r.summary.discarded, 1, "{r}");
}

#[test]
fn a_task_that_ignores_its_token_keeps_its_outcome_and_shows_how_long_it_ran_on() {
    let r = run(|| async {
        let token = CancellationToken::new();
        let worker = Task::new("stubborn")
            .token(&token)
            .spawn(async { sleep(ms(1000)).await });
        sleep(ms(20)).await;
        token.cancel();
        worker.await.unwrap();
    });
    let t = r.task("stubborn").unwrap();
    assert_eq!(
        (t.outcome, t.cancelled_by.clone()),
        (Outcome::Completed, None)
    );
    assert_eq!((t.token_fired_ms, t.after_token_ms), (Some(20), Some(980)));
    assert!(r.to_string().contains("ran 980 ms after its token"), "{r}");
}

/// The scopes scenario's supervisor: loops on a `TaskTracker`, a token its drop guard fires.
async fn supervisor(drop_guard: bool) {
    let tracker = TaskTracker::new();
    let token = CancellationToken::new();
    let guard = drop_guard.then(|| token.clone().drop_guard());
    for i in 0..2 {
        let stop = token.clone();
        Task::new(("loop", i))
            .token(&token)
            .spawn_on(&tracker, async move {
                tokio::select! {
                    biased;
                    () = stop.cancelled() => {}
                    () = sleep(ms(5_000)) => {}
                }
            });
    }
    tracker.close();
    std::future::pending::<()>().await;
    drop(guard);
}

#[test]
fn a_drop_guard_supervisor_cancelled_from_outside_leaves_no_orphan() {
    let r = run_with("@100ms cancel(service)", || async {
        let _ = spawn("service", supervisor(true)).await;
    });
    assert_eq!(r.task("service").unwrap().outcome, Outcome::Cancelled);
    for i in 0..2 {
        let t = r.task(&format!("loop[{i}]")).unwrap();
        assert_eq!((t.outcome, t.after_token_ms), (Outcome::Completed, Some(0)));
        assert!(!t.outlived_scope, "{r}");
    }
    assert!(r.is_clean(), "{r}");
}

#[test]
fn a_supervisor_without_its_drop_guard_orphans_its_loops() {
    let r = run_with("@100ms cancel(service)", || async {
        let _ = spawn("service", supervisor(false)).await;
    });
    let t = r.task("loop[0]").unwrap();
    assert!(t.outlived_scope, "{r}");
    assert_eq!(t.outlived_by_ms, Some(4_900));
    assert_eq!(r.summary.outlived, 2);
}

#[test]
fn an_accept_loop_hands_its_handlers_to_the_trackers_owner() {
    let r = run(|| async {
        let tracker = TaskTracker::new();
        let accept_tracker = tracker.clone();
        spawn_on(&tracker, "accept", async move {
            for i in 0..3 {
                spawn_on(&accept_tracker, ("handler", i), sleep(ms(100)));
                sleep(ms(10)).await;
            }
        });
        tracker.close();
        tracker.wait().await;
    });
    for i in 0..3 {
        let t = r.task(&format!("handler[{i}]")).unwrap();
        assert_eq!(t.parent.as_deref(), Some("accept"));
        assert_eq!(t.scope_owner.as_deref(), Some("body"));
        assert!(
            !t.outlived_scope,
            "the accept loop ended first, the tracker's owner did not: {r}"
        );
    }
    assert!(r.is_clean(), "{r}");
}

#[test]
fn a_misspelled_fault_point_is_reported_not_green() {
    let r = run_with("fecth[3]=error(X)", || async {
        let _ = point("fetch").key(3).await;
    });
    assert_eq!(
        r.plan_warnings(),
        ["rule `fecth[3]=error(X)` matched no fault point; points hit: fetch"]
    );
    assert!(
        r.to_string()
            .contains("WARNING: rule `fecth[3]=error(X)` matched no fault point")
    );
    assert!(r.to_json().contains("\"matched\": 0"));
}

#[test]
fn a_joinerror_turned_into_a_failure_names_the_task_not_its_tokio_id() {
    let r = run(|| async {
        let err = spawn("fetch", async { panic!("bad page") as () })
            .await
            .unwrap_err();
        Failure::from(err).to_string()
    });
    assert_eq!(
        r.result,
        "\"Panicked: task fetch panicked: bad page (at tests/truth.rs:231:42)\""
    );
    assert_eq!(r.task("fetch").unwrap().fate, Some(Fate::Read));
}

#[test]
fn a_joinerror_in_the_body_result_shows_the_task_name_not_its_tokio_id() {
    let r = run(|| async {
        let h = spawn("slow", sleep(ms(1_000)));
        h.abort();
        h.await.map(|_| ())
    });
    assert_eq!(r.result, "Err(JoinError::Cancelled(Id(slow)))");
}

async fn body() -> Result<(), Failure> {
    spawn("child", async { point("work").await })
        .await
        .map_err(Failure::from)??;
    Ok(())
}

/// The replay line a Builder run prints is code that compiles and gives the same report:
/// it is pasted below as it was printed.
#[test]
fn the_builder_replay_line_compiles_and_replays_the_run() {
    let first = Builder::new("replay", "case")
        .seed(3)
        .plan(Plan::parse("work=error(Boom)").unwrap())
        .run(body)
        .unwrap();
    assert_eq!(
        first.replay,
        r#"Builder::new("replay", "case").seed(3).plan(Plan::parse("work=error(Boom)").unwrap()).run(body)"#
    );
    let replayed = Builder::new("replay", "case")
        .seed(3)
        .plan(Plan::parse("work=error(Boom)").unwrap())
        .run(body);
    assert_eq!(replayed.unwrap().to_string(), first.to_string());
}

#[test]
fn an_error_of_any_debug_type_shows_its_text() {
    #[derive(Debug)]
    #[allow(dead_code, reason = "read through Debug")]
    struct Refused {
        port: u16,
    }
    let r = run(|| async {
        let e = spawn("connect", async { Err::<(), _>(Refused { port: 5432 }) })
            .await
            .unwrap()
            .unwrap_err();
        e.port
    });
    let t = r.task("connect").unwrap();
    assert_eq!(
        (t.fate, t.detail.as_deref()),
        (Some(Fate::Untraced), Some("Refused { port: 5432 }"))
    );
}

/// Times are the clock's when the task was spawned and when it ended, however the clock
/// moved between: a timer, `advance` awaited, a plain tokio task's timer, and several tasks
/// spawned and ended within one poll (the ledger reads the clock once a poll: see
/// `harness/src/record/clock.rs`).
#[test]
fn a_tasks_start_and_end_are_the_clocks_at_its_spawn_and_its_end() {
    let r = run(|| async {
        sleep(ms(3)).await;
        let a = spawn("a", async { sleep(ms(4)).await });
        let b = spawn("b", async {});
        tokio::time::advance(ms(10)).await;
        let c = spawn("c", async {
            tokio::time::advance(ms(5)).await;
        });
        let plain = tokio::spawn(async {
            sleep(ms(2)).await;
            spawn("d", async {}).await.unwrap();
        });
        a.await.unwrap();
        b.await.unwrap();
        c.await.unwrap();
        plain.await.unwrap();
    });
    let times = |name: &str| {
        let t = r.task(name).unwrap();
        (t.start_ms, t.end_ms)
    };
    // `b` first runs once the body awaits (after `advance`); `a`'s timer was due at 7,
    // but `c` moved the clock to 18 before `a` was polled again.
    assert_eq!(times("a"), (3, Some(18)));
    assert_eq!(times("b"), (3, Some(13)));
    assert_eq!(times("c"), (13, Some(18)));
    assert_eq!(times("d"), (20, Some(20)));
}

/// Tasks that carry `N` bytes each (in their own futures), spawned every way faultline
/// spawns: completed, failed, panicked, aborted, dropped by a `JoinSet`, on a tracker, local,
/// and left running past the body.
async fn tasks_carrying<const N: usize>() {
    let pad = [7u8; N];
    let carried = move || std::hint::black_box(pad)[N / 2];
    let ok = spawn("ok", async move { Ok::<u8, String>(carried()) });
    let err = spawn("err", async move {
        Err::<u8, String>(format!("no {}", carried()))
    });
    let boom = spawn("boom", async move {
        if carried() == 7 {
            panic!("boom");
        }
    });
    let aborted = spawn("aborted", async move {
        sleep(ms(100)).await;
        carried()
    });
    let mut set = tokio::task::JoinSet::new();
    faultline::harness::spawn_in(&mut set, "in_set", async move {
        sleep(ms(100)).await;
        carried()
    });
    let tracker = TaskTracker::new();
    spawn_on(&tracker, "on_tracker", async move {
        sleep(ms(5)).await;
        carried()
    });
    tracker.close();
    let local = Task::new("local").spawn_local(async move {
        sleep(ms(2)).await;
        carried()
    });
    drop(spawn("left", async move {
        sleep(ms(50)).await;
        carried()
    }));
    sleep(ms(1)).await;
    aborted.abort();
    let _ = aborted.await;
    drop(set);
    assert_eq!(ok.await.unwrap(), Ok(7));
    assert!(err.await.unwrap().is_err());
    assert!(boom.await.is_err());
    assert_eq!(local.await.unwrap(), 7);
    tracker.wait().await;
}

/// A task's future larger than a few hundred bytes is boxed before tokio gets it (tokio
/// copies a future at each move; see `spawn_tracked` in `harness/src/record/task.rs`): the
/// report is the same bytes as for small ones, every way of spawning and ending.
#[test]
fn a_large_tasks_report_is_a_small_ones() {
    let small = run(tasks_carrying::<1>);
    let large = run(tasks_carrying::<4096>);
    assert_eq!(large.to_string(), small.to_string());
    assert_eq!(large.to_json(), small.to_json());
    let outcome = |name: &str| large.task(name).unwrap().outcome;
    assert_eq!(outcome("ok"), Outcome::Completed);
    assert_eq!(outcome("err"), Outcome::Failed);
    assert_eq!(outcome("boom"), Outcome::Panicked);
    assert_eq!(outcome("aborted"), Outcome::Cancelled);
    assert_eq!(outcome("in_set"), Outcome::Cancelled);
    assert_eq!(outcome("on_tracker"), Outcome::Completed);
    assert_eq!(outcome("local"), Outcome::Completed);
    assert_eq!(outcome("left"), Outcome::Completed);
}
