//! Ground truth for every verdict: tiny programs whose outcome is known by construction.
//! Each test fails if the harness gives the wrong verdict.

use std::time::Duration;

use faultline::harness::{
    Builder, CancelCause, Failure, Fate, Outcome, PanicSource, Plan, Report, Task, TaskReport,
    point, spawn, spawn_in, spawn_on,
};
use tokio::task::JoinSet;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

async fn boom() {
    panic!("boom")
}

fn run_with<F, Fut>(plan: &str, body: F) -> Report
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: faultline::harness::TaskOutput + std::fmt::Debug + Send + 'static,
{
    let mut b = Builder::new("ground-truth", "case");
    b.plan(Plan::parse(plan).expect("test plans parse"));
    b.run(body).expect("runs")
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
fn detached_task_outlives_its_scope_and_completes_later() {
    let r = run(|| async {
        drop(spawn("child", async { sleep(ms(250)).await }));
        sleep(ms(100)).await;
    });
    let child = r.task("child").unwrap();
    assert_eq!(child.outcome, Outcome::Completed);
    assert_eq!(child.parent.as_deref(), Some("body"));
    assert!(child.outlived_scope, "{r}");
    assert_eq!((child.end_ms, child.outlived_by_ms), (Some(250), Some(150)));
    assert_eq!(r.task("body").unwrap().end_ms, Some(100));
    assert_eq!(r.quiescent_ms, Some(250));
    assert_eq!(r.summary.outlived, 1);
}

#[test]
fn awaited_child_does_not_outlive() {
    let r = run(|| async { spawn("child", sleep(ms(50))).await.unwrap() });
    assert!(!r.task("child").unwrap().outlived_scope);
    assert!(r.is_clean(), "{r}");
}

#[test]
fn dropped_handle_of_a_failing_task_swallows_its_error() {
    let r = run(|| async {
        drop(spawn("child", async {
            Err::<(), _>(Failure::new("Boom", "lost"))
        }));
    });
    let child = r.task("child").unwrap();
    assert_eq!(
        (child.outcome, child.fate),
        (Outcome::Failed, Some(Fate::Swallowed))
    );
    assert_eq!(r.summary.swallowed, 1);
    assert_eq!(r.errors[0].fate, Fate::Swallowed);
}

#[test]
fn reading_the_error_observes_it() {
    let r = run(|| async {
        let err = spawn("child", async {
            Err::<(), _>(Failure::new("Boom", "seen"))
        })
        .await
        .unwrap()
        .unwrap_err();
        assert_eq!(err.kind(), "Boom");
    });
    let child = r.task("child").unwrap();
    assert_eq!(
        (child.outcome, child.fate),
        (Outcome::Failed, Some(Fate::Read))
    );
    assert_eq!(r.errors[0].looked_at_by.as_deref(), Some("body"));
    assert_eq!(r.summary.swallowed, 0);
}

#[test]
fn receiving_an_error_without_reading_it_discards_it() {
    let r = run(|| async {
        let result = spawn("child", async {
            Err::<(), _>(Failure::new("Boom", "ignored"))
        })
        .await
        .unwrap();
        let _ = result.is_err(); // looks at the Result, not at the error
    });
    assert_eq!(r.task("child").unwrap().fate, Some(Fate::Discarded));
    assert_eq!((r.summary.discarded, r.summary.swallowed), (1, 0));
    assert!(!r.is_clean());
}

#[test]
fn an_error_the_body_returns_is_observed_by_the_run() {
    let r = run(|| async { Err::<(), _>(Failure::new("Boom", "returned")) });
    let body = r.task("body").unwrap();
    assert_eq!(
        (body.outcome, body.fate),
        (Outcome::Failed, Some(Fate::Read))
    );
    assert_eq!(r.errors[0].looked_at_by.as_deref(), Some("run"));
}

#[test]
fn dropped_joinset_cancels_its_tasks_without_leaking_them() {
    let r = run(|| async {
        let mut set = JoinSet::new();
        spawn_in(&mut set, "a", sleep(ms(500)));
        spawn_in(&mut set, "b", sleep(ms(500)));
        sleep(ms(10)).await;
        drop(set);
    });
    for name in ["a", "b"] {
        let t = r.task(name).unwrap();
        assert_eq!(
            (t.outcome, t.cancelled_by.clone()),
            (Outcome::Cancelled, Some(CancelCause::Aborted))
        );
        assert_eq!(t.end_ms, Some(10));
        assert!(
            !t.outlived_scope,
            "a scope's own clean-up is not outliving: {r}"
        );
    }
    assert!(r.is_clean(), "{r}");
    assert_eq!(r.quiescent_ms, Some(10));
}

#[test]
fn a_task_pending_forever_after_the_body_returns_is_dropped_at_shutdown() {
    let r = run(|| async {
        drop(spawn("forever", std::future::pending::<()>()));
    });
    let t = r.task("forever").unwrap();
    assert_eq!((t.outcome, t.end_ms), (Outcome::DroppedAtShutdown, None));
    assert!(t.outlived_scope);
    assert_eq!(r.quiescent_ms, None);
    assert_eq!(r.summary.dropped_at_shutdown, 1);
}

#[test]
fn an_awaited_panic_is_observed() {
    let r = run(|| async {
        let err = spawn("child", boom()).await.unwrap_err();
        assert_eq!(Failure::from(err).kind(), "Panicked");
    });
    let t = r.task("child").unwrap();
    assert_eq!((t.outcome, t.fate), (Outcome::Panicked, Some(Fate::Read)));
    // Read or not, a panic the code raised is a bug: PANICKED.
    assert_eq!(t.panic, Some(PanicSource::Raised));
    assert_eq!(r.summary.panics, 1, "{r}");
    // The message, and where the panic happened (`boom`'s body).
    assert_eq!(
        t.detail.as_deref(),
        Some("boom (at tests/verdicts.rs:20:5)")
    );
}

/// A panic another task caught (`catch_unwind`) leaves nothing behind: a later task that
/// re-raises a plain child's panic (which no tracked wrapper saw) re-raises it, with the
/// child's message, not the caught one's place.
#[test]
fn a_re_raise_after_a_caught_panic_elsewhere_is_a_re_raise() {
    let r = run(|| async {
        spawn("catcher", async {
            let _ = std::panic::catch_unwind(|| panic!("caught"));
        })
        .await
        .unwrap();
        let parent = spawn("parent", async {
            let e = tokio::spawn(async { panic!("deep") }).await.unwrap_err();
            std::panic::resume_unwind(e.into_panic())
        });
        let _ = Failure::from(parent.await.unwrap_err()).to_string();
    });
    let parent = r.task("parent").unwrap();
    assert_eq!(parent.outcome, Outcome::Panicked, "{r}");
    assert_eq!(parent.panic, Some(PanicSource::Reraised), "{r}");
    assert_eq!(parent.detail.as_deref(), Some("deep"), "{r}");
    assert_eq!(r.summary.panics, 1, "{r}");
}

/// Whose panic a task's is, every kind in one run of a test's code (`Builder::test_code`,
/// as `#[faultline_harness::test]` sets it): only the code's own and a failing check are
/// PANICKED; the summary line says what it did not count, and why.
#[test]
fn each_panic_is_judged_by_whose_it_is() {
    let first = line!();
    let mut b = Builder::new("ground-truth", "case");
    b.plan(Plan::parse("boom=panic(bad input)").unwrap());
    b.test_code(file!(), first..=first + 24);
    let r = b
        .run(|| async {
            let plan = spawn("plan", async { point("boom").await });
            let _ = Failure::from(plan.await.unwrap_err()).to_string();
            let own = tokio::spawn(async { panic!("on purpose") }).await;
            assert!(own.unwrap_err().is_panic());
            let check = tokio::spawn(async { assert!(std::hint::black_box(1) > 2) }).await;
            assert!(check.unwrap_err().is_panic());
            let code = tokio::spawn(async { boom().await }).await;
            assert!(code.unwrap_err().is_panic());
            let again = tokio::spawn(async {
                let e = tokio::spawn(async { panic!("on purpose") })
                    .await
                    .unwrap_err();
                std::panic::resume_unwind(e.into_panic())
            });
            assert!(again.await.unwrap_err().is_panic());
        })
        .unwrap();
    let sources: Vec<_> = r.tasks.iter().map(|t| (t.name.as_str(), t.panic)).collect();
    let at = |n: u32| format!("tests/verdicts.rs:{}", first + n);
    assert_eq!(
        sources,
        [
            ("body", None),
            ("plan", Some(PanicSource::Plan)),
            (at(8).as_str(), Some(PanicSource::Test)),
            (at(10).as_str(), Some(PanicSource::Raised)),
            (at(12).as_str(), Some(PanicSource::Raised)),
            (at(14).as_str(), Some(PanicSource::Reraised)),
            (at(15).as_str(), Some(PanicSource::Test)),
        ],
        "{r}"
    );
    assert_eq!(r.summary.panics, 2, "{r}");
    let text = r.to_string();
    assert!(
        text.contains("6 panicked (1 by the plan, 2 the test's own, 1 re-raised)"),
        "{text}"
    );
}

#[test]
fn a_panic_in_a_detached_task_is_swallowed() {
    let r = run(|| async {
        drop(spawn("child", boom()));
        sleep(ms(5)).await;
    });
    let t = r.task("child").unwrap();
    assert_eq!(
        (t.outcome, t.fate),
        (Outcome::Panicked, Some(Fate::Swallowed))
    );
    assert_eq!(r.summary.swallowed, 1);
}

#[test]
fn a_panic_left_in_a_dropped_joinset_is_swallowed() {
    let r = run(|| async {
        let mut set = JoinSet::new();
        spawn_in(&mut set, "child", boom());
        sleep(ms(5)).await; // it panics; nobody joins it
        drop(set);
    });
    assert_eq!(r.task("child").unwrap().fate, Some(Fate::Swallowed));
}

#[test]
fn a_task_that_returns_after_its_token_keeps_its_outcome() {
    let r = run(|| async {
        let token = CancellationToken::new();
        let child_token = token.clone();
        let worker = Task::new("worker").token(&token).spawn(async move {
            child_token.cancelled().await;
            Err::<(), _>(Failure::new("Stopped", "returned after the token fired"))
        });
        sleep(ms(30)).await;
        token.cancel();
        let _ = worker.await;
    });
    let t = r.task("worker").unwrap();
    // It returned: never relabelled as cancelled; the report says when its token fired.
    assert_eq!((t.outcome, t.cancelled_by.clone()), (Outcome::Failed, None));
    assert_eq!(
        (t.end_ms, t.token_fired_ms, t.after_token_ms),
        (Some(30), Some(30), Some(0))
    );
}

#[test]
fn a_plain_tokio_spawn_left_running_is_a_row_dropped_at_shutdown() {
    let r = run(|| async {
        drop(tokio::spawn(std::future::pending::<()>()));
    });
    // Named by where it was spawned (the line of the spawn above), judged like any task.
    let t = &r.tasks[1];
    assert!(t.name.starts_with("tests/verdicts.rs:"), "{r}");
    assert_eq!(
        (t.parent.as_deref(), t.outcome),
        (Some("body"), Outcome::DroppedAtShutdown)
    );
    assert!(t.outlived_scope);
    assert_eq!(r.summary.untracked, 0, "{r}");
    assert!(!r.is_clean());
}

#[test]
fn plain_tokio_tasks_are_rows_with_parents_times_and_verdicts() {
    let r = run(|| async {
        let mut set = tokio::task::JoinSet::new();
        set.spawn(async {
            // A grandchild that outlives its (plain) parent by 40 ms.
            drop(tokio::spawn(sleep(ms(50))));
            sleep(ms(10)).await;
        });
        while set.join_next().await.is_some() {}
        sleep(ms(100)).await;
    });
    let child = &r.tasks[1];
    let grandchild = &r.tasks[2];
    assert_eq!(
        (child.parent.as_deref(), child.outcome, child.end_ms),
        (Some("body"), Outcome::Ended, Some(10))
    );
    assert_eq!(grandchild.parent.as_ref(), Some(&child.name));
    assert_eq!(
        (
            grandchild.outcome,
            grandchild.end_ms,
            grandchild.outlived_by_ms
        ),
        (Outcome::Ended, Some(50), Some(40))
    );
    assert_eq!(
        (r.summary.ended, r.summary.outlived, r.summary.untracked),
        (2, 1, 0)
    );
}

/// A plain task's name is where it was spawned; the second one spawned there is `…#2`, and
/// the count of each place survives spawns from other places in between.
#[test]
fn plain_tasks_are_named_by_place_and_counted_per_place() {
    fn at_a() -> tokio::task::JoinHandle<()> {
        tokio::spawn(async {})
    }
    fn at_b() -> tokio::task::JoinHandle<()> {
        tokio::spawn(async {})
    }
    let (a, b) = (line!() - 5, line!() - 2);
    let r = run(|| async {
        for handle in [at_a(), at_b(), at_a(), at_a(), at_b()] {
            handle.await.unwrap();
        }
    });
    let names: Vec<&str> = r.tasks[1..].iter().map(|t| t.name.as_str()).collect();
    let at = |line: u32, nth: &str| format!("tests/verdicts.rs:{line}{nth}");
    assert_eq!(
        names,
        [at(a, ""), at(b, ""), at(a, "#2"), at(a, "#3"), at(b, "#2")],
        "{r}"
    );
}

/// The row of the first blocking job of a run (tokio gives blocking jobs no spawn hook:
/// the harness sees them through tokio's own span around each job).
fn job(r: &Report) -> &TaskReport {
    r.tasks
        .iter()
        .find(|t| t.blocking_job)
        .expect("a row for the blocking job")
}

#[test]
fn an_awaited_blocking_job_is_a_row_that_ended_inside_its_scope() {
    let r = run(|| async { tokio::task::spawn_blocking(|| 6 * 7).await.unwrap() });
    let j = job(&r);
    assert!(j.name.starts_with("tests/verdicts.rs:"), "{r}");
    assert_eq!(
        (j.parent.as_deref(), j.outcome, j.outlived_scope),
        (Some("body"), Outcome::Ended, false),
        "{r}"
    );
    assert_eq!(r.result, "42");
    assert!(r.is_clean(), "{r}");
}

#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "a blocking job that takes wall time is the case under test"
)]
fn a_blocking_job_left_running_outlives_its_spawner() {
    let r = run(|| async {
        // A plain task starts the job and returns at once: the job runs on without it.
        tokio::spawn(async {
            drop(tokio::task::spawn_blocking(|| {
                std::thread::sleep(ms(200));
            }));
        })
        .await
        .unwrap();
        sleep(ms(10)).await;
    });
    let j = job(&r);
    assert_eq!(j.parent.as_ref(), Some(&r.tasks[1].name), "{r}");
    assert_eq!((j.outcome, j.outlived_scope), (Outcome::Ended, true), "{r}");
    assert!(r.to_string().contains("blocking job, OUTLIVED"), "{r}");
    // The run waited for the job (the paused clock does not move while it runs).
    assert_eq!(r.summary.outlived, 1, "{r}");
    assert!(!r.is_clean());
}

#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "a blocking job that takes wall time is the case under test"
)]
fn a_panic_in_a_detached_blocking_job_is_swallowed() {
    let r = run(|| async {
        drop(tokio::task::spawn_blocking(|| {
            std::thread::sleep(ms(50));
            panic!("hash failed")
        }));
    });
    let j = job(&r);
    assert_eq!(
        (j.outcome, j.fate),
        (Outcome::Panicked, Some(Fate::Swallowed)),
        "{r}"
    );
    let detail = j.detail.as_deref().unwrap_or_default();
    assert!(
        detail.starts_with("hash failed (at tests/verdicts.rs:"),
        "{detail}"
    );
    assert_eq!((r.summary.swallowed, r.summary.panicked), (1, 1), "{r}");
    assert!(!r.is_clean());
}

#[test]
fn an_awaited_blocking_job_that_panics_is_a_panic_of_the_run() {
    let r = run(|| async {
        tokio::task::spawn_blocking(|| panic!("hash failed"))
            .await
            .is_err()
    });
    let j = job(&r);
    assert_eq!(
        (j.outcome, j.outlived_scope),
        (Outcome::Panicked, false),
        "{r}"
    );
    assert_eq!(r.result, "true");
    assert!(!r.is_clean(), "a panic counts against the run: {r}");
}

/// A job and a task spawned from inside a blocking job (on the job's thread, where tokio's
/// hooks run too) are rows whose parent is that job.
#[test]
fn what_a_blocking_job_spawns_is_a_row_whose_parent_is_the_job() {
    let r = run(|| async {
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let job = tokio::task::spawn_blocking(|| 1);
            let task = handle.spawn(async { 2 });
            handle.block_on(async { job.await.unwrap() + task.await.unwrap() })
        })
        .await
        .unwrap()
    });
    assert_eq!(r.result, "3");
    let outer = job(&r);
    let children: Vec<(bool, Option<&str>)> = (r.tasks.iter())
        .filter(|t| t.parent.as_ref() == Some(&outer.name))
        .map(|t| (t.blocking_job, t.parent.as_deref()))
        .collect();
    let outer_name = Some(outer.name.as_str());
    assert_eq!(children, [(true, outer_name), (false, outer_name)], "{r}");
    assert!(r.is_clean(), "{r}");
}

/// A task a blocking job spawns and leaves running outlives the job, however late the
/// harness learns that the job ended (here not before the task's own end).
#[test]
fn a_task_a_blocking_job_leaves_running_outlives_the_job() {
    let r = run(|| async {
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || drop(handle.spawn(sleep(ms(50)))))
            .await
            .unwrap();
        sleep(ms(100)).await;
    });
    let outer = job(&r);
    let task = (r.tasks.iter())
        .find(|t| t.parent.as_ref() == Some(&outer.name))
        .expect("a row for the task");
    assert_eq!(
        (
            outer.end_ms,
            task.end_ms,
            task.outlived_scope,
            task.outlived_by_ms
        ),
        (Some(0), Some(50), true, Some(50)),
        "{r}"
    );
}

#[test]
fn a_named_blocking_job_keeps_its_name() {
    let r = run(|| async {
        faultline::harness::spawn_blocking("hash", || 1)
            .await
            .unwrap();
        faultline::harness::spawn_blocking(("hash", 2), || 2)
            .await
            .unwrap()
    });
    let names: Vec<String> = (r.tasks.iter())
        .filter(|t| t.blocking_job)
        .map(|t| t.name.to_string())
        .collect();
    assert_eq!(names, ["hash", "hash[2]"], "{r}");
    assert!(r.is_clean(), "{r}");
}

#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "a blocking job that takes wall time is the case under test"
)]
fn exit_on_return_finds_a_blocking_job_still_running_at_shutdown() {
    let mut b = Builder::new("ground-truth", "exit");
    b.exit_on_return(true);
    let r = b
        .run(|| async {
            drop(tokio::task::spawn_blocking(|| {
                std::thread::sleep(ms(100));
            }));
        })
        .unwrap();
    let j = job(&r);
    assert_eq!(j.outcome, Outcome::DroppedAtShutdown, "{r}");
    assert_eq!(r.summary.dropped_at_shutdown, 1, "{r}");
    assert!(!r.is_clean());
}

/// A body that never returns has output type `!` (edition 2024's never-type fallback): it
/// compiles under faultline's spawns and runs, and is judged by how it ends.
#[test]
fn bodies_that_never_return_compile_and_are_judged() {
    let r = run(|| async {
        let doomed = spawn("doomed", async { panic!("only panics") });
        drop(spawn("forever", async {
            loop {
                std::future::pending::<()>().await;
            }
        }));
        let mut set = JoinSet::new();
        spawn_in(&mut set, "in-set", async { panic!("also") });
        let read = set.join_next().await.unwrap().is_err();
        (doomed.await.is_err(), read)
    });
    assert_eq!(r.result, "(true, true)", "{r}");
    assert_eq!(r.task("doomed").unwrap().outcome, Outcome::Panicked);
    assert_eq!(r.task("in-set").unwrap().outcome, Outcome::Panicked);
    assert_eq!(
        r.task("forever").unwrap().outcome,
        Outcome::DroppedAtShutdown
    );
    // The run's own body may never return too.
    let root = Builder::new("ground-truth", "never")
        .run(|| async { panic!("the body only panics") })
        .unwrap();
    assert_eq!(
        root.task("body").unwrap().outcome,
        Outcome::Panicked,
        "{root}"
    );
    assert!(
        root.result.starts_with("panicked: the body only panics"),
        "{}",
        root.result
    );
}

// Types of another crate (std's, here) that faultline has no `TaskOutput` for.
faultline::harness::judge_as_completed!(std::time::Duration, std::net::Ipv4Addr);

/// A task whose output is a foreign type, made judgeable by the macro: completed.
#[test]
fn a_foreign_output_type_is_judged_completed() {
    let r = run(|| async {
        let d = spawn("duration", async { Duration::from_millis(5) });
        let ip = spawn("ip", async { std::net::Ipv4Addr::LOCALHOST });
        (
            d.await.unwrap().as_millis(),
            ip.await.unwrap().is_loopback(),
        )
    });
    assert_eq!(r.result, "(5, true)");
    assert_eq!(r.task("duration").unwrap().outcome, Outcome::Completed);
    assert!(r.is_clean(), "{r}");
}

#[test]
fn a_task_spawned_past_the_ledgers_cap_is_untracked() {
    let mut b = Builder::new("ground-truth", "cap");
    b.max_tasks(2);
    let r = b
        .run(|| async {
            for i in 0..3 {
                spawn(("t", i), async {}).await.unwrap();
            }
        })
        .unwrap();
    assert_eq!((r.tasks.len(), r.summary.untracked), (2, 2), "{r}");
    assert!(!r.is_clean());
}

#[test]
fn a_body_awaiting_what_nobody_wakes_is_stalled_at_the_deadline() {
    let mut b = Builder::new("ground-truth", "stall");
    b.deadline(Duration::from_secs(5));
    let r = b
        .run(|| async {
            let (_tx, rx) = tokio::sync::oneshot::channel::<()>();
            spawn("waiter", sleep(Duration::from_secs(60)));
            rx.await.ok();
        })
        .unwrap();
    for name in ["body", "waiter"] {
        let t = r.task(name).unwrap();
        assert_eq!((t.outcome, t.end_ms), (Outcome::Stalled, None), "{r}");
    }
    assert_eq!(r.summary.stalled, 2);
    assert_eq!(
        r.summary.outlived, 0,
        "a stalled parent never ended, so nothing outlived it"
    );
    assert_eq!(r.quiescent_ms, None);
    assert!(r.result.starts_with("stalled"));
}

#[test]
fn task_tracker_tasks_are_tracked() {
    let r = run(|| async {
        let tracker = TaskTracker::new();
        spawn_on(&tracker, "tracked", sleep(ms(20)));
        tracker.close();
        tracker.wait().await;
    });
    assert_eq!(r.task("tracked").unwrap().outcome, Outcome::Completed);
    assert!(r.is_clean(), "{r}");
}

#[test]
fn fault_point_error_delay_and_hit_numbers() {
    let r = run_with("p#2=error(Boom); p=delay(40ms)", || async {
        let first = point("p").await; // hit 1: delay
        let second = point("p").await; // hit 2: error
        (first.is_ok(), second.map_err(|e| e.kind().to_owned()))
    });
    assert_eq!(r.result, r#"(true, Err("Boom"))"#);
    assert_eq!(r.hits.len(), 2);
    assert_eq!((r.hits[0].at_ms, r.hits[1].at_ms), (0, 40));
    assert_eq!(r.hits[1].action.as_deref(), Some("error(Boom)"));
}

#[test]
fn fault_point_hang_holds_until_cancelled() {
    let r = run_with("p=hang; @300ms cancel(body)", || async { point("p").await });
    let body = r.task("body").unwrap();
    assert_eq!((body.outcome, body.end_ms), (Outcome::Cancelled, Some(300)));
    assert_eq!(body.cancelled_by, Some(CancelCause::Plan));
}

#[test]
fn fault_point_panic_and_cancel() {
    let r = run_with("boom=panic(bad input); stop=cancel", || async {
        let a = spawn("panics", async { point("boom").await });
        let b = spawn("cancels", async { point("stop").await });
        (a.await.is_err(), b.await.unwrap_err().is_cancelled())
    });
    assert_eq!(r.result, "(true, true)");
    let p = r.task("panics").unwrap();
    assert_eq!(p.outcome, Outcome::Panicked);
    assert_eq!(
        p.detail.as_deref(),
        Some("injected panic at boom: bad input")
    );
    // The plan's panic, not the code's: no PANICKED.
    assert_eq!(p.panic, Some(PanicSource::Plan));
    assert_eq!(r.summary.panics, 0, "{r}");
    let c = r.task("cancels").unwrap();
    assert_eq!(c.cancelled_by, Some(CancelCause::Fault("stop".into())));
}

#[test]
fn the_shutdown_event_fires_the_shutdown_token() {
    let r = run_with("@1500ms shutdown", || async {
        faultline::harness::shutdown_token().cancelled().await;
        "drained"
    });
    assert_eq!(
        (r.result.as_str(), r.task("body").unwrap().end_ms),
        ("\"drained\"", Some(1500))
    );
}

#[test]
fn a_run_inside_a_runtime_is_refused_with_a_hint() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let err = rt
        .block_on(async { faultline::harness::run("nested", || async {}) })
        .unwrap_err();
    assert!(err.to_string().contains("not #[tokio::test]"), "{err}");
}

#[test]
fn a_run_inside_a_run_is_refused_with_a_hint() {
    let r = run(|| async {
        faultline::harness::run("inner", || async {})
            .unwrap_err()
            .to_string()
    });
    assert!(
        r.result
            .contains("faultline cannot run inside a tokio runtime"),
        "{}",
        r.result
    );
}

#[test]
fn exit_on_return_drops_what_is_still_running_like_tokio_main() {
    let mut b = Builder::new("ground-truth", "exit");
    b.exit_on_return(true);
    let r = b
        .run(|| async {
            drop(spawn("child", sleep(ms(250))));
            sleep(ms(100)).await;
        })
        .unwrap();
    let child = r.task("child").unwrap();
    assert_eq!(
        (child.outcome, child.end_ms),
        (Outcome::DroppedAtShutdown, None),
        "{r}"
    );
    assert!(child.outlived_scope);
    assert_eq!(r.quiescent_ms, None);
}

#[test]
fn a_plain_tokio_task_that_panics_after_its_spawner_ended_is_a_swallowed_panic() {
    let r = run(|| async {
        drop(tokio::spawn(async {
            sleep(ms(10)).await;
            panic!("late");
        }));
    });
    let t = &r.tasks[1];
    assert_eq!(
        (t.outcome, t.fate),
        (Outcome::Panicked, Some(Fate::Swallowed)),
        "{r}"
    );
    assert!(
        t.detail
            .as_deref()
            .unwrap()
            .starts_with("late (at tests/verdicts.rs:")
    );
    assert_eq!((r.summary.swallowed, r.summary.panics), (1, 1));
}

#[test]
fn a_background_task_of_an_accepted_place_is_shown_not_counted() {
    let body = || async {
        drop(tokio::spawn(std::future::pending::<()>()));
    };
    let mut b = Builder::new("ground-truth", "background");
    let judged = b.run(body).unwrap();
    assert!(!judged.is_clean());
    let accepted = b.allow_background("tests/verdicts.rs").run(body).unwrap();
    let t = &accepted.tasks[1];
    assert!(
        t.accepted && t.outcome == Outcome::DroppedAtShutdown,
        "{accepted}"
    );
    assert_eq!(accepted.summary.accepted, 1);
    assert!(accepted.is_clean(), "{accepted}");
    assert!(accepted.to_string().contains("accepted background task"));
    // Only plain tasks can be accepted: faultline's own are always judged.
    let own = b
        .run(|| async {
            drop(spawn("tests/verdicts.rs:own", std::future::pending::<()>()));
        })
        .unwrap();
    assert!(!own.is_clean(), "{own}");
    // A plan (text or plan file) accepts them the same way; a prefix that is no row's
    // name accepts nothing.
    let planned = run_with("allow tests/verdicts.rs", body);
    assert!(planned.is_clean() && planned.tasks[1].accepted, "{planned}");
    assert!(!run_with("allow src/other.rs", body).is_clean());
}

#[test]
fn an_error_made_in_a_plain_task_names_that_task() {
    let r = run_with("work=error(Boom)", || async {
        tokio::spawn(async {
            let err = point("work").await.unwrap_err();
            err.kind().to_owned()
        })
        .await
        .unwrap()
    });
    let plain = r.tasks[1].name.to_string();
    assert_eq!(r.errors[0].origin.as_deref(), Some(plain.as_str()), "{r}");
    assert_eq!(r.errors[0].looked_at_by.as_deref(), Some(plain.as_str()));
}

/// The check that a report's rows and counts tell one story can fail: a row that loses its
/// label, or a count no row shows, is caught on the rows alone (not on `problems()`, which
/// prints a label for any count above zero).
#[test]
fn rows_that_disagree_with_their_counts_are_caught() {
    let r = run(|| async {
        drop(spawn("child", sleep(ms(50))));
        sleep(ms(10)).await;
    });
    faultline::harness::rows_match_counts(&r).unwrap();
    let mut unlabelled = r.clone();
    unlabelled.tasks[1].outlived_scope = false;
    let why = faultline::harness::rows_match_counts(&unlabelled).unwrap_err();
    assert!(why.starts_with("outlived:"), "{why}");
    let mut uncounted = r.clone();
    uncounted.summary.outlived = 0;
    let why = faultline::harness::rows_match_counts(&uncounted).unwrap_err();
    assert!(why.starts_with("outlived:"), "{why}");
    let mut miscounted = r.clone();
    miscounted.summary.stalled = 1;
    let why = faultline::harness::rows_match_counts(&miscounted).unwrap_err();
    assert!(why.starts_with("stalled:"), "{why}");
}
