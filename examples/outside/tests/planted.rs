//! faultline on code that was not written for it: each planted defect of `outside` is found
//! with no change to the code under test; the clean code passes `#[faultline_harness::test]`.

use faultline_harness::{Builder, Fate, Outcome, Report};
use tokio::sync::mpsc;

fn run<F, Fut>(name: &str, body: F) -> Report
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future + Send + 'static,
    Fut::Output: faultline_harness::TaskOutput + std::fmt::Debug + Send + 'static,
{
    Builder::new("outside", name).run(body).unwrap()
}

/// The row of the task spawned at `line` of `src/lib.rs`.
fn spawned_at<'r>(report: &'r Report, line: u32) -> &'r faultline_harness::TaskReport {
    let name = format!("src/lib.rs:{line}");
    report
        .task(&name)
        .unwrap_or_else(|| panic!("no task {name} in\n{report}"))
}

#[faultline_harness::test]
async fn the_loopback_echo_server_is_clean() {
    let echo = outside::serve_and_echo(b"hello").await.unwrap();
    assert_eq!(echo, b"hello");
}

#[faultline_harness::test(seed = 3)]
async fn a_select_loop_is_clean() {
    let (tx, rx) = mpsc::channel(4);
    let sum = tokio::spawn(outside::select_loop(rx));
    for n in 1..=4 {
        tx.send(n).await.unwrap();
    }
    drop(tx);
    assert_eq!(sum.await.unwrap(), 10);
}

#[test]
fn a_detached_task_that_panics_late_is_found() {
    let r = run("late-panic", outside::fire_and_forget_panic);
    let t = spawned_at(&r, 15);
    assert_eq!(
        (t.outcome, t.fate),
        (Outcome::Panicked, Some(Fate::Swallowed)),
        "{r}"
    );
    assert!(
        t.detail
            .as_deref()
            .unwrap()
            .starts_with("the background job failed (at src/lib.rs:")
    );
    assert!(t.outlived_scope);
    assert!(
        r.problems().iter().any(|p| p.starts_with("PANICKED")),
        "{r}"
    );
    assert!(!r.is_clean());
}

#[test]
fn a_detached_task_that_fails_late_outlives_its_spawner() {
    // Its Err(String) is not seen (tokio's hooks do not show a plain task's output), but
    // the task ran 50 ms past the function that spawned it and dropped its handle.
    let r = run("late-err", outside::fire_and_forget_err);
    let t = spawned_at(&r, 23);
    assert_eq!(
        (t.outcome, t.outlived_by_ms),
        (Outcome::Ended, Some(50)),
        "{r}"
    );
    assert!(!r.is_clean());
}

#[test]
fn a_grandchild_that_outlives_its_joinset_worker_is_found() {
    let r = run("grandchild", outside::workers_with_a_stray_grandchild);
    let grandchild = spawned_at(&r, 36);
    let worker = r
        .tasks
        .iter()
        .find(|t| Some(&t.name) == grandchild.parent.as_ref())
        .unwrap();
    // The second worker spawned at that line: plain tasks are named by where they were
    // spawned, `#n` telling apart those spawned at one place.
    assert_eq!(worker.name, "src/lib.rs:34#2", "{r}");
    assert_eq!(worker.end_ms, Some(20), "{r}");
    assert_eq!(grandchild.outlived_by_ms, Some(180), "{r}");
    assert_eq!(r.summary.outlived, 1);
}

#[test]
fn the_same_seed_gives_the_same_report() {
    let once = || {
        Builder::new("outside", "select")
            .seed(9)
            .run(|| async {
                let (tx, rx) = mpsc::channel(4);
                let sum = tokio::spawn(outside::select_loop(rx));
                for n in 1..=4 {
                    tx.send(n).await.unwrap();
                }
                drop(tx);
                sum.await.unwrap()
            })
            .unwrap()
            .to_string()
    };
    assert_eq!(once(), once());
}

/// A blocking job still running when the function returned: a row named where it was
/// spawned, that outlived the body (the run waits for it; the clock stands still meanwhile).
#[test]
fn a_blocking_job_left_running_is_found() {
    let r = run("blocking", outside::blocking_job_left_running);
    let job = r
        .tasks
        .iter()
        .find(|t| t.blocking_job)
        .expect("a row for the job");
    assert!(job.name.starts_with("src/lib.rs:"), "{r}");
    assert_eq!(
        (job.parent.as_deref(), job.outlived_scope),
        (Some("body"), true),
        "{r}"
    );
    assert!(!r.is_clean(), "{r}");
}
