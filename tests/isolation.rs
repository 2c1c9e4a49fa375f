//! Runs share nothing: run concurrently on many threads, every report is byte-identical
//! to the same run done alone — plan, seed, ledger and deadline stay each run's own.

use std::time::Duration;

use faultline::harness::{Builder, Plan, point, spawn};

#[test]
fn concurrent_runs_match_the_same_runs_done_alone() {
    let scenario = scenario_gather::scenario();
    let mut cases = Vec::new();
    for plan in &scenario.plans {
        for variant in &scenario.variants {
            for seed in [0, 1] {
                cases.push((variant.name, plan.name, seed));
            }
        }
    }
    let alone: Vec<String> = cases
        .iter()
        .map(|&(v, p, s)| scenario.run(v, p, s).unwrap().to_json())
        .collect();
    let together: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .iter()
            .map(|&(v, p, s)| {
                let scenario = &scenario;
                scope.spawn(move || scenario.run(v, p, s).unwrap().to_json())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((case, a), t) in cases.iter().zip(&alone).zip(&together) {
        assert_eq!(a, t, "{case:?} differs when run alongside the others");
    }
}

#[test]
fn conflicting_plans_and_deadlines_on_two_threads_stay_apart() {
    let failing = std::thread::spawn(|| {
        let mut b = Builder::new("isolation", "fails");
        b.plan(Plan::parse("op=error(Boom)").unwrap())
            .deadline(Duration::from_secs(2));
        b.run(|| async {
            let r = spawn("worker", async { point("op").await }).await.unwrap();
            std::future::pending::<()>().await; // stalls at this run's own 2 s deadline
            r.is_err()
        })
        .unwrap()
    });
    let passing = std::thread::spawn(|| {
        let mut b = Builder::new("isolation", "passes");
        b.plan(Plan::parse("op=delay(3s)").unwrap());
        b.run(|| async {
            spawn("worker", async { point("op").await })
                .await
                .unwrap()
                .is_ok()
        })
        .unwrap()
    });
    let (failing, passing) = (failing.join().unwrap(), passing.join().unwrap());
    assert_eq!(failing.hits[0].action.as_deref(), Some("error(Boom)"));
    assert_eq!(failing.deadline_ms, 2000);
    assert_eq!(
        failing.task("body").unwrap().outcome,
        faultline::harness::Outcome::Stalled
    );
    assert_eq!(passing.hits[0].action.as_deref(), Some("delay(3000ms)"));
    assert_eq!(
        (passing.result.as_str(), passing.quiescent_ms),
        ("true", Some(3000))
    );
}

/// A run lets go of everything it opened: 300 runs (with plain tasks, whose spans and poll
/// windows the harness reads) leave the process with the file descriptors it had (a
/// handle to a run's runtime kept past its end once held two a run, until a long sweep
/// failed with "Too many open files").
#[cfg(target_os = "linux")]
#[test]
fn runs_leak_no_file_descriptors() {
    let open = || std::fs::read_dir("/proc/self/fd").unwrap().count();
    // One run first: whatever is opened once per process (the watchdog's thread) is not a leak.
    let _ = faultline::harness::Builder::new("isolation", "fds").run(|| async {});
    let before = open();
    for _ in 0..300 {
        let report = faultline::harness::Builder::new("isolation", "fds")
            .run(|| async {
                tokio::spawn(async {}).await.unwrap();
            })
            .unwrap();
        drop(report);
    }
    let after = open();
    assert!(
        after <= before + 2,
        "{before} file descriptors before 300 runs, {after} after"
    );
}
