//! No global state: two runs at once, on two threads, with conflicting plans for the same
//! fault point, each see only their own plan, counts and seeded rolls.

use std::sync::Barrier;
use std::time::Duration;

use faultline_harness::{Builder, Failure, Plan, Report, point, spawn};

/// Hits the point `p` 20 times, 1 ms apart, from a tracked task; returns the failures' kinds.
async fn body() -> Vec<String> {
    let worker = spawn("worker", async {
        let mut kinds = Vec::new();
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(1)).await;
            if let Err(e) = point("p").await {
                kinds.push(e.kind().to_owned());
            }
            // Yield to the other thread's run as often as possible.
            std::thread::yield_now();
        }
        kinds
    });
    worker.await.unwrap()
}

fn run(plan: &str, seed: u64, start: &Barrier) -> Report {
    let mut b = Builder::new("isolation", plan);
    b.plan(Plan::parse(plan).unwrap()).seed(seed);
    start.wait();
    b.run(body).unwrap()
}

fn actions(report: &Report) -> Vec<String> {
    let actions = report
        .hits
        .iter()
        .map(|h| h.action.clone().unwrap_or_else(|| "-".into()));
    actions.collect()
}

#[test]
fn two_runs_at_once_each_see_only_their_own_plan() {
    let a_plan = "p=error(A)";
    let b_plan = "p=3*error(B)->2*delay(5ms)";
    let c_plan = "p=50%error(C)";
    let start = Barrier::new(3);
    let (a, b, c) = std::thread::scope(|s| {
        let a = s.spawn(|| run(a_plan, 1, &start));
        let b = s.spawn(|| run(b_plan, 2, &start));
        let c = s.spawn(|| run(c_plan, 3, &start));
        (a.join().unwrap(), b.join().unwrap(), c.join().unwrap())
    });

    assert_eq!(a.result, format!("{:?}", vec!["A"; 20]));
    assert_eq!(actions(&a), vec!["error(A)"; 20]);

    let mut want_b = vec!["error(B)"; 3];
    want_b.extend(["delay(5ms)"; 2]);
    want_b.extend(["-"; 15]);
    assert_eq!(actions(&b), want_b, "B's counts are its own");
    assert_eq!(b.result, format!("{:?}", vec!["B"; 3]));

    // C's rolls depend on its own seed only: the same as when it runs alone.
    let alone = run(c_plan, 3, &Barrier::new(1));
    assert_eq!(actions(&c), actions(&alone));
    let failed = actions(&c).iter().filter(|a| *a == "error(C)").count();
    assert!((1..20).contains(&failed), "50% of 20 hits: {failed}");
    assert_eq!(c.hits.len(), 20);
    for r in [&a, &b, &c] {
        assert_eq!(r.hits.len(), 20, "{r}");
        assert_eq!(r.summary.swallowed, 0, "{r}");
    }
}

#[test]
fn the_seed_changes_which_hits_a_probability_picks() {
    let one = |seed| actions(&run("p=50%error(C)", seed, &Barrier::new(1)));
    assert_eq!(one(3), one(3));
    assert_ne!(
        one(3),
        one(4),
        "two seeds, the same 20 rolls: the seed is not used"
    );
}

/// A scenario's own error type, built from the injected kind; the `Failure` inside stays traced.
#[derive(Debug)]
enum FetchError {
    Connection(Failure),
    Other(Failure),
}

impl faultline_harness::FromFault for FetchError {
    fn from_fault(kind: &str, failure: Failure) -> Self {
        match kind {
            "ConnectionError" => FetchError::Connection(failure),
            _ => FetchError::Other(failure),
        }
    }
}

#[test]
fn error_kinds_map_to_the_scenarios_own_type_and_stay_traced() {
    let mut b = Builder::new("own-error", "mapped");
    b.plan(Plan::parse("fetch[1]=error(ConnectionError); fetch[2]=error(Weird)").unwrap());
    let report = b
        .run(|| async {
            let mut seen = Vec::new();
            for i in 0..3 {
                match point("fetch").key(i).error_as::<FetchError>().await {
                    Ok(()) => seen.push("ok"),
                    Err(FetchError::Connection(f)) => {
                        seen.push("connection");
                        drop(f); // dropped unread: swallowed
                    }
                    Err(FetchError::Other(f)) => {
                        seen.push(if f.kind() == "Weird" {
                            "other, looked"
                        } else {
                            "?"
                        });
                    }
                }
            }
            seen
        })
        .unwrap();
    assert_eq!(report.result, r#"["ok", "connection", "other, looked"]"#);
    let swallowed: Vec<(&str, bool)> = report
        .errors
        .iter()
        .map(|e| (e.error.as_str(), e.fate.is_bad()))
        .collect();
    assert_eq!(
        swallowed,
        [
            ("ConnectionError: injected at fetch[1]", true),
            ("Weird: injected at fetch[2]", false)
        ],
        "{report}"
    );
}
