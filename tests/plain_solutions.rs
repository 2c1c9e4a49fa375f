//! faultline:author-only (it holds solutions). Correct solutions written with plain tokio spawns (`JoinSet::spawn`, `TaskTracker::spawn`)
//! pass their exercise's rubric, every check, as the reference written with faultline's
//! spawns does: the harness judges a task by what it did, not by how it was spawned.
//! (The wrong solutions of the galleries are rejected whatever spawns them:
//! `tests/rubric_proof.rs`.)

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

/// gather's TaskGroup: a `JoinSet` filled with `set.spawn`, aborted at the first error.
async fn gather_plain() -> scenario_gather::Gathered {
    let mut set = JoinSet::new();
    for i in 0..5 {
        set.spawn(async move { scenario_gather::fetch(i).await.map(|page| (i, page)) });
    }
    let mut pages = vec![String::new(); 5];
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok((i, page))) => pages[i] = page,
            Ok(Err(err)) => {
                errors.push(err);
                set.abort_all();
            }
            Err(join) if join.is_cancelled() && !errors.is_empty() => {}
            Err(join) => {
                errors.push(Failure::from(join));
                set.abort_all();
            }
        }
    }
    if errors.is_empty() {
        Ok(pages)
    } else {
        Err(errors)
    }
}

#[test]
fn gather_with_plain_joinset_spawns_passes() {
    assert_passes(&grade("gather", |b| b.run(gather_plain)));
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
