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
