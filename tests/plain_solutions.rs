//! faultline:author-only (it holds solutions). Correct solutions written with plain tokio spawns (`JoinSet::spawn`, `TaskTracker::spawn`)
//! pass their exercise's rubric, every check, as the reference written with faultline's
//! spawns does: the harness judges a task by what it did, not by how it was spawned.
//! gather's and shutdown's are in their right-solution galleries (`plain-set-spawn`,
//! `plain-tracker-spawns`), proven with every other right solution by the rubric proof;
//! this one adds scopes with both of its scopes plain (`JoinSet::spawn` and
//! `TaskTracker::spawn`, its token unseen by the harness).

use faultline::harness::{Failure, Grade};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

fn grade(scenario: &str, run: faultline::harness::RunFn) -> Grade {
    let s = faultline::find(scenario).unwrap();
    let rubric = faultline::rubrics()
        .into_iter()
        .find(|r| r.scenario == scenario)
        .unwrap();
    rubric.grade_with(&s, "plain", run).unwrap()
}

fn assert_passes(grade: &Grade) {
    assert!(grade.passed(), "{grade}");
}

/// scopes' job: the workers in a `JoinSet` filled with `set.spawn`, every error collected.
async fn scopes_job() -> Result<Vec<usize>, Vec<Failure>> {
    let mut set = JoinSet::new();
    for i in 0..scenario_scopes::WORKERS {
        set.spawn(scenario_scopes::work(i));
    }
    let mut done = Vec::new();
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined.map_err(Failure::from).and_then(|r| r) {
            Ok(i) => done.push(i),
            Err(err) => errors.push(err),
        }
    }
    done.sort_unstable();
    if errors.is_empty() {
        Ok(done)
    } else {
        Err(errors)
    }
}

/// scopes' service: its loops on a `TaskTracker` with `tracker.spawn`, stopped by a token
/// that a drop guard also fires, and waited for.
async fn scopes_service() -> Result<(), Vec<Failure>> {
    let tracker = TaskTracker::new();
    let token = CancellationToken::new();
    let _cancel_on_drop = token.clone().drop_guard();
    let handles: Vec<_> = scenario_scopes::LOOPS
        .iter()
        .map(|&name| {
            let stop = token.clone();
            tracker.spawn(async move {
                tokio::select! {
                    biased;
                    () = stop.cancelled() => Ok(()),
                    ended = scenario_scopes::tick_loop(name) => ended,
                }
            })
        })
        .collect();
    tracker.close();
    scenario_scopes::wait_for_stop().await;
    token.cancel();
    tracker.wait().await;
    let mut errors = Vec::new();
    for handle in handles {
        if let Err(err) = handle.await.map_err(Failure::from).and_then(|r| r) {
            errors.push(err);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[test]
fn scopes_with_plain_joinset_and_tracker_spawns_passes() {
    assert_passes(&grade("scopes", |b| {
        b.run(|| scenario_scopes::main(scopes_job, scopes_service))
    }));
}
