//! `#[faultline::test]` (`#[faultline_harness::test]`): each case is a tiny program whose
//! verdict is known by construction; the failing ones are `#[should_panic]` with the line
//! the failure must name, so a runner that stopped failing tests would fail these.

use std::time::Duration;

use faultline::harness::{Failure, point, spawn};
use tokio::time::{Instant, sleep};

#[faultline::test]
async fn a_body_that_awaits_its_children_passes() {
    let child = spawn("child", async {
        sleep(Duration::from_millis(10)).await;
        7
    });
    assert_eq!(child.await.unwrap(), 7);
}

#[faultline::test]
async fn a_body_may_return_ok() -> Result<(), Failure> {
    spawn("child", async { Ok::<_, Failure>(()) })
        .await
        .unwrap()
}

#[faultline::test(plan = "work=delay(5s)", seed = 7)]
async fn the_plan_applies_on_the_paused_clock() {
    let start = Instant::now();
    point("work").await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(5));
}

#[faultline::test(plan = "work=error(Boom)")]
#[should_panic(expected = "the test body returned an error: Err(Boom: injected at work)")]
async fn an_error_from_the_body_fails_the_test() -> Result<(), Failure> {
    point("work").await
}

#[faultline::test]
#[should_panic(expected = "- OUTLIVED: 1 task outlived its owning scope")]
async fn an_orphan_fails_the_test() {
    drop(spawn("orphan", sleep(Duration::from_millis(10))));
}

#[faultline::test]
#[should_panic(expected = "- SWALLOWED: 1 failure was swallowed")]
async fn a_swallowed_error_fails_the_test() {
    let child = spawn("child", async {
        Err::<(), _>(Failure::new("Boom", "nobody reads me"))
    });
    sleep(Duration::from_millis(1)).await; // the child ends first: only swallowed, not orphaned
    drop(child);
}

#[faultline::test]
#[should_panic(expected = "the test body did not complete: stalled")]
async fn a_body_that_never_finishes_fails_the_test() {
    std::future::pending::<()>().await;
}

#[faultline::test]
#[should_panic(expected = "- PANICKED: 1 panic that was not the plan's")]
async fn a_panicking_body_fails_the_test() {
    panic!("boom");
}

#[faultline::test(plan = "work=eror(Boom)")]
#[should_panic(expected = "invalid fault plan at column 6")]
async fn a_malformed_plan_fails_with_the_parsers_message() {}

#[faultline::test]
#[should_panic(
    expected = "replay: cargo test -p faultline --test attribute -- --exact a_failure_prints_the_report"
)]
async fn a_failure_prints_the_report() {
    drop(spawn("orphan", sleep(Duration::from_millis(10))));
}

#[faultline::test(plan = "db=error(ConnectionError)")]
async fn an_injected_error_that_the_body_reads_passes() {
    let err = point("db").await.unwrap_err();
    assert_eq!(err.kind(), "ConnectionError"); // reading it counts as looking at it
}

/// The replay line a failure prints selects exactly that test: run this test binary with
/// the line's filter and count what it lists.
#[test]
fn the_replay_line_selects_exactly_the_failing_test() {
    let me = std::env::current_exe().unwrap();
    let listed = std::process::Command::new(me)
        .args(["--exact", "a_failure_prints_the_report", "--list"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    let tests: Vec<&str> = listed.lines().filter(|l| l.ends_with(": test")).collect();
    assert_eq!(tests, ["a_failure_prints_the_report: test"], "{listed}");
}

/// A plain task left running is dropped at shutdown…
#[faultline::test]
#[should_panic(expected = "- DROPPED AT SHUTDOWN: 1 task was dropped at shutdown")]
async fn a_plain_background_task_fails_the_test() {
    drop(tokio::spawn(std::future::pending::<()>()));
}

/// …unless its place is accepted as background work.
#[faultline::test(allow = "tests/attribute.rs")]
async fn an_accepted_background_task_passes() {
    drop(tokio::spawn(std::future::pending::<()>()));
}

/// A test that makes its own tasks panic, on purpose, and checks their `JoinError`s (tokio's
/// `JoinSet` tests do): the `panic!` written in the test function is the test's fault, as the
/// plan's `panic(..)` is, not a PANICKED bug of the code under test.
#[faultline::test]
async fn a_panic_the_test_raises_in_its_tasks_and_checks_passes() {
    let mut set = tokio::task::JoinSet::new();
    set.spawn(async { panic!("on purpose") });
    set.spawn(async {
        sleep(Duration::from_millis(5)).await;
        panic!()
    });
    while let Some(joined) = set.join_next().await {
        assert!(joined.unwrap_err().is_panic());
    }
}

/// The same for a blocking job, and for a task that re-raises a child's panic
/// (`JoinSet::join_all` does, with `resume_unwind`): one panic, counted once, where raised.
#[faultline::test]
async fn a_panic_the_test_raises_in_a_job_or_re_raised_passes() {
    let job = tokio::task::spawn_blocking(|| panic!("on purpose"));
    assert!(job.await.unwrap_err().is_panic());
    let mut set = tokio::task::JoinSet::new();
    set.spawn(async { panic!("on purpose") });
    let joined = tokio::spawn(set.join_all()).await;
    assert!(joined.unwrap_err().is_panic());
}

/// A failing assertion in a spawned task is a check of the test that failed: `#[tokio::test]`
/// passes when nobody joins the task; faultline says PANICKED.
#[faultline::test]
#[should_panic(expected = "- PANICKED: 1 panic that was not the plan's")]
async fn an_assertion_failing_in_a_spawned_task_fails_the_test() {
    let checked = tokio::spawn(async { assert_eq!(1 + 1, 3) });
    let _ = checked.await;
}

/// The same for an `unwrap()` written in the test.
#[faultline::test]
#[should_panic(expected = "- PANICKED: 1 panic that was not the plan's")]
async fn an_unwrap_failing_in_a_spawned_task_fails_the_test() {
    let _ = tokio::spawn(async { "x".parse::<u32>().unwrap() }).await;
}

fn code_under_test() -> u32 {
    panic!("a bug")
}

/// A panic raised outside the test function (the code under test, a helper) is PANICKED, as
/// ever: only what the test function itself writes is the test's.
#[faultline::test]
#[should_panic(expected = "- PANICKED: 1 panic that was not the plan's")]
async fn a_panic_of_the_code_under_test_fails_the_test() {
    let joined = tokio::spawn(async { code_under_test() }).await;
    assert!(joined.unwrap_err().is_panic());
}

/// The test's own panic is still a failure someone must read: delivered and dropped unread
/// (seen for faultline's spawns), it is DISCARDED.
#[faultline::test]
#[should_panic(expected = "- DISCARDED: 1 failure was discarded")]
async fn the_tests_own_panic_dropped_unread_fails_the_test() {
    let _ = spawn("child", async { panic!("on purpose") }).await;
}

// --- What #[tokio::test] accepts, accepted as it is.

#[faultline::test(flavor = "current_thread", start_paused = true)]
async fn tokio_s_own_arguments_are_accepted() {
    let start = Instant::now();
    sleep(Duration::from_secs(3)).await;
    assert_eq!(start.elapsed(), Duration::from_secs(3));
}

#[faultline::test]
async fn a_body_that_is_not_send_runs() {
    // An `Rc` held across an await: the body's future is not `Send`.
    let shared = std::rc::Rc::new(std::cell::Cell::new(1));
    sleep(Duration::from_millis(1)).await;
    shared.set(shared.get() + 1);
    assert_eq!(shared.get(), 2);
}

#[faultline::test(flavor = "local")]
async fn spawn_local_tasks_run_and_are_judged() {
    let shared = std::rc::Rc::new(std::cell::Cell::new(0));
    let task = {
        let shared = shared.clone();
        tokio::task::spawn_local(async move {
            sleep(Duration::from_millis(5)).await;
            shared.set(7);
        })
    };
    task.await.unwrap();
    assert_eq!(shared.get(), 7);
}

#[faultline::test(flavor = "local")]
#[should_panic(expected = "- OUTLIVED: 1 task outlived its owning scope")]
async fn a_spawn_local_orphan_fails_the_test() {
    let rc = std::rc::Rc::new(());
    drop(tokio::task::spawn_local(async move {
        sleep(Duration::from_millis(10)).await;
        drop(rc);
    }));
}

#[faultline::test]
async fn a_body_may_return_a_boxed_dyn_error() -> Result<(), Box<dyn std::error::Error>> {
    let n: u32 = "42".parse()?;
    assert_eq!(n, 42);
    Ok(())
}

#[faultline::test]
#[should_panic(expected = "the test body returned an error: Err(ParseIntError")]
async fn a_boxed_dyn_error_fails_the_test() -> Result<(), Box<dyn std::error::Error>> {
    let _: u32 = "forty-two".parse()?;
    Ok(())
}

#[faultline::test(deadline = "2h")]
async fn a_deadline_option_lets_a_body_run_past_one_hour() {
    let start = Instant::now();
    sleep(Duration::from_secs(90 * 60)).await;
    assert_eq!(start.elapsed(), Duration::from_secs(90 * 60));
}

#[faultline::test(deadline = "1s")]
#[should_panic(expected = "the test body did not complete: stalled")]
async fn a_body_past_its_deadline_is_stalled() {
    sleep(Duration::from_secs(2)).await;
}

#[faultline::test(idle_grace = "400ms")]
async fn an_idle_grace_option_still_waits_for_a_thread_within_it() {
    assert_eq!(wait_for_a_real_thread().await, 7);
}

/// A thread slower than the option's grace: stalled (under the default second it passes).
#[faultline::test(idle_grace = "5ms")]
#[should_panic(expected = "the test body did not complete: stalled")]
async fn an_idle_grace_option_shortens_the_wait_for_a_thread() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        #[allow(clippy::disallowed_methods, reason = "the real thread's real work")]
        std::thread::sleep(Duration::from_millis(600));
        let _ = tx.send(7);
    });
    assert_eq!(rx.await.unwrap(), 7);
}

// --- tokio::time::pause() and advance().

#[faultline::test]
async fn pause_written_in_the_body_is_accepted() {
    tokio::time::pause(); // the older idiom: the clock is paused already
    let start = Instant::now();
    sleep(Duration::from_secs(60)).await;
    assert_eq!(start.elapsed(), Duration::from_secs(60));
}

#[faultline::test]
async fn pause_written_through_a_time_import_is_accepted() {
    use tokio::time;
    time::pause();
    time::advance(Duration::from_secs(1)).await;
}

/// Only the first `pause()` stands for the paused start: after a `resume()` one pauses
/// again, as under `#[tokio::test]` (tokio's own test_clock.rs does this).
#[faultline::test]
async fn pause_after_resume_pauses_again() {
    use tokio::time;
    let start = Instant::now();
    time::pause();
    time::advance(Duration::from_secs(10)).await;
    time::resume();
    time::pause();
    time::advance(Duration::from_secs(10)).await; // "time is not frozen" if that pause was dropped
    assert!(start.elapsed() >= Duration::from_secs(20));
    assert!(start.elapsed() < Duration::from_secs(21));
}

#[faultline::test]
#[should_panic(expected = "time is already frozen")]
async fn pausing_twice_panics_as_under_tokio() {
    tokio::time::pause();
    tokio::time::pause();
}

/// A helper the attribute cannot see into: tokio's own `pause()` panics there.
fn start_paused() {
    tokio::time::pause();
}

#[faultline::test]
#[should_panic(expected = "delete that call")]
async fn pause_called_elsewhere_fails_naming_the_fix() {
    start_paused();
}

#[faultline::test]
async fn advance_moves_the_virtual_clock() {
    let start = Instant::now();
    tokio::time::advance(Duration::from_secs(90)).await;
    assert_eq!(start.elapsed(), Duration::from_secs(90));
}

#[test]
fn advanced_time_shows_in_the_report() {
    let report = faultline::harness::Builder::new("attribute", "advance")
        .run(|| async {
            tokio::time::advance(Duration::from_secs(90)).await;
            spawn("after", async {}).await.unwrap();
        })
        .unwrap();
    let after = report.task("after").unwrap();
    assert_eq!(
        (after.start_ms, after.end_ms),
        (90_000, Some(90_000)),
        "{report}"
    );
    assert_eq!(report.quiescent_ms, Some(90_000), "{report}");
    assert!(report.is_clean(), "{report}");
}

// --- A livelock on the paused clock ends with a report, not a hung suite.

/// Reads `io::empty()` under a 1 ms timeout for ever: each read is ready at once, and the
/// loop yields only when tokio's co-op budget runs out, so the runtime is never idle and
/// the paused clock (hence the timeout) never moves.
async fn spin_on_empty() {
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 8];
    loop {
        let _ =
            tokio::time::timeout(Duration::from_millis(1), tokio::io::empty().read(&mut buf)).await;
    }
}

fn run_spinning<Fut>(variant: &str, body: fn() -> Fut) -> (faultline::harness::Report, Duration)
where
    Fut: std::future::Future<Output = ()> + 'static,
{
    let watchdog = Duration::from_millis(500);
    #[allow(
        clippy::disallowed_methods,
        reason = "measures that the run ends, in wall time"
    )]
    let wall = std::time::Instant::now();
    let report = faultline::harness::Builder::new("attribute", variant)
        .watchdog(watchdog)
        .run(body)
        .unwrap();
    (report, wall.elapsed())
}

#[test]
fn a_spinning_task_is_named_and_the_run_ends() {
    let (report, wall) = run_spinning("spinning-task", || async {
        tokio::spawn(spin_on_empty()).await.unwrap();
    });
    // One watchdog period to see it, a 100 ms window to name it, and the stop.
    assert!(wall < Duration::from_secs(3), "took {wall:?}\n{report}");
    assert!(report.result.starts_with("spinning:"), "{report}");
    assert_eq!(report.summary.spinning, 1, "{report}");
    let spinner = (report.tasks.iter())
        .find(|t| {
            t.detail
                .as_deref()
                .is_some_and(|d| d.starts_with("SPINNING"))
        })
        .unwrap_or_else(|| panic!("no row marked SPINNING\n{report}"));
    assert!(spinner.name.starts_with("tests/attribute.rs:"), "{report}");
    assert!(
        report.result.contains(&spinner.name.to_string()),
        "{report}"
    );
    // The body only waited: it is stalled, not spinning.
    let body = report.task("body").unwrap();
    assert_eq!(
        body.outcome,
        faultline::harness::Outcome::Stalled,
        "{report}"
    );
    assert!(body.detail.is_none(), "{report}");
    assert!(
        report
            .problems()
            .iter()
            .any(|p| p.starts_with("SPINNING: 1 task")),
        "{report}"
    );
    faultline::harness::rows_match_counts(&report).unwrap();
}

#[test]
fn a_spinning_body_is_named() {
    let (report, wall) = run_spinning("spinning-body", spin_on_empty);
    assert!(wall < Duration::from_secs(3), "took {wall:?}\n{report}");
    assert_eq!(report.summary.spinning, 1, "{report}");
    let body = report.task("body").unwrap();
    assert!(
        body.detail
            .as_deref()
            .is_some_and(|d| d.starts_with("SPINNING")),
        "{report}"
    );
    assert!(report.result.contains("body"), "{report}");
    faultline::harness::rows_match_counts(&report).unwrap();
}

#[test]
fn a_busy_run_that_lets_the_clock_move_is_not_spinning() {
    // Yields all the time, but sleeps too: the clock moves, nothing spins.
    let (report, _) = run_spinning("busy", || async {
        for _ in 0..2_000 {
            tokio::task::yield_now().await;
            sleep(Duration::from_millis(1)).await;
        }
    });
    assert_eq!(report.summary.spinning, 0, "{report}");
    assert!(report.is_clean(), "{report}");
}

// --- Real threads are not stalls.

/// Waits (through a oneshot) for a `std::thread` that works 50 ms of real time. The
/// runtime is idle meanwhile, with no timer: the paused clock must not jump to the
/// harness's deadline (it used to: STALLED in 0 ms of wall time, or passed, by the race).
async fn wait_for_a_real_thread() -> u32 {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        #[allow(clippy::disallowed_methods, reason = "the real thread's real work")]
        std::thread::sleep(Duration::from_millis(50));
        let _ = tx.send(7);
    });
    let start = Instant::now();
    let got = rx.await.unwrap();
    assert_eq!(start.elapsed(), Duration::ZERO, "the paused clock moved");
    got
}

#[faultline::test]
async fn a_body_waiting_for_a_real_thread_passes() {
    assert_eq!(wait_for_a_real_thread().await, 7);
}

#[test]
fn a_wait_on_a_real_thread_gives_the_same_report_every_run() {
    let reports: Vec<String> = (0..5)
        .map(|_| {
            let report = faultline::harness::Builder::new("attribute", "real-thread")
                .run(wait_for_a_real_thread)
                .unwrap();
            assert!(report.is_clean(), "{report}");
            assert_eq!(report.result, "7", "{report}");
            assert_eq!(report.quiescent_ms, Some(0), "{report}");
            report.to_string()
        })
        .collect();
    assert!(reports.iter().all(|r| *r == reports[0]), "{reports:#?}");
}

#[test]
fn an_injected_hang_stalls_at_the_deadline_without_waiting_in_wall_time() {
    #[allow(clippy::disallowed_methods, reason = "measures wall time")]
    let wall = std::time::Instant::now();
    let report = faultline::harness::Builder::new("attribute", "hang")
        .plan(faultline::harness::Plan::parse("work=hang").unwrap())
        .run(|| async { point("work").await })
        .unwrap();
    assert!(report.result.starts_with("stalled"), "{report}");
    assert_eq!(report.summary.stalled, 1, "{report}");
    // The plan's hang holds a timer at the deadline: no second of idle grace is waited.
    assert!(wall.elapsed() < Duration::from_millis(900), "{report}");
}

#[test]
fn a_wait_nothing_can_end_stalls_after_the_idle_grace() {
    #[allow(clippy::disallowed_methods, reason = "measures wall time")]
    let wall = std::time::Instant::now();
    let report = faultline::harness::Builder::new("attribute", "pending")
        .run(std::future::pending::<()>)
        .unwrap();
    assert!(report.result.starts_with("stalled"), "{report}");
    assert_eq!(report.summary.stalled, 1, "{report}");
    assert_eq!(report.deadline_ms, 3_600_000, "{report}");
    let waited = wall.elapsed();
    assert!(
        waited >= Duration::from_secs(1) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
}

/// A shorter idle grace ends an idle run sooner, with the same report: the clock stands at
/// the deadline either way. (The default's wall time is the test above.)
#[test]
fn a_shorter_idle_grace_stalls_sooner_with_the_same_report() {
    let run = |grace: Option<Duration>| {
        let mut builder = faultline::harness::Builder::new("attribute", "pending");
        if let Some(grace) = grace {
            builder.idle_grace(grace);
        }
        #[allow(clippy::disallowed_methods, reason = "measures wall time")]
        let wall = std::time::Instant::now();
        let report = builder.run(std::future::pending::<()>).unwrap();
        (report.to_string(), wall.elapsed())
    };
    let (short, waited) = run(Some(Duration::from_millis(20)));
    assert!(short.contains("stalled"), "{short}");
    assert!(waited < Duration::from_millis(800), "{waited:?}");
    let (default, waited) = run(None);
    assert!(
        waited >= faultline::harness::DEFAULT_IDLE_GRACE,
        "{waited:?}"
    );
    assert_eq!(short, default);
}

/// A wait on a real thread that ends within the grace is still no stall, however short
/// the grace (as long as the thread's work fits in it).
#[test]
fn a_real_thread_within_a_shorter_idle_grace_is_not_a_stall() {
    let report = faultline::harness::Builder::new("attribute", "real-thread")
        .idle_grace(Duration::from_millis(400))
        .run(wait_for_a_real_thread)
        .unwrap();
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.result, "7", "{report}");
}

/// And one that takes longer than the grace is judged stalled: the grace is what it says.
#[test]
fn a_real_thread_slower_than_the_idle_grace_is_a_stall() {
    let report = faultline::harness::Builder::new("attribute", "real-thread")
        .idle_grace(Duration::from_millis(5))
        .run(|| async {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let thread = std::thread::spawn(move || {
                #[allow(clippy::disallowed_methods, reason = "the real thread's real work")]
                std::thread::sleep(Duration::from_millis(600));
                let _ = tx.send(7);
            });
            let got = rx.await;
            let _ = thread.join();
            got.unwrap()
        })
        .unwrap();
    assert!(report.result.starts_with("stalled"), "{report}");
}

#[test]
fn runs_leave_no_file_descriptors_behind() {
    let open = || std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count);
    let run = || {
        faultline::harness::Builder::new("attribute", "fds")
            .run(|| async { sleep(Duration::from_millis(1)).await })
            .unwrap()
    };
    run();
    let before = open();
    for _ in 0..50 {
        run();
    }
    // Other tests run alongside: allow some slack, not one fd a run.
    assert!(
        open() < before + 25,
        "{before} fds before, {} after 50 runs",
        open()
    );
}
