//! faultline:author-only — wrong solutions of `structured::job` and `structured::service`
//! that the rubric must reject, each written as a learner might (see
//! `faultline_harness::Wrong`). Each replaces one region and keeps the reference's other.

use faultline_harness::{Failure, Task, Wrong, spawn, spawn_in};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::{LOOPS, WORKERS, main, structured, tick_loop, wait_for_stop, work};

/// The wrong solutions, each with the checks that reject it.
pub fn entries() -> Vec<Wrong> {
    const JOB: &str = "scopes-joinset";
    const SERVICE: &str = "scopes-supervisor";
    vec![
        Wrong::new(
            "awaits-workers-one-by-one",
            JOB,
            |b| b.run(|| main(awaits_workers_one_by_one, structured::service)),
            &["done-within-budget"],
        ),
        Wrong::new(
            "returns-the-first-error",
            JOB,
            |b| b.run(|| main(returns_the_first_error, structured::service)),
            &["surfaces-every-error"],
        ),
        Wrong::new(
            "returns-in-finishing-order",
            JOB,
            |b| b.run(|| main(returns_in_finishing_order, structured::service)),
            &["returns-every-result"],
        ),
        Wrong::new(
            "unwraps-join-errors",
            JOB,
            |b| b.run(|| main(unwraps_join_errors, structured::service)),
            &["no-panics"],
        ),
        Wrong::new(
            "spawns-detached-workers",
            JOB,
            |b| b.run(|| main(spawns_detached_workers, structured::service)),
            &["no-orphans"],
        ),
        Wrong::new(
            "forgets-the-drop-guard",
            SERVICE,
            |b| b.run(|| main(structured::job, forgets_the_drop_guard)),
            &["done-within-budget"],
        ),
        Wrong::new(
            "never-cancels-the-token",
            SERVICE,
            |b| b.run(|| main(structured::job, never_cancels_the_token)),
            &["done-within-budget"],
        ),
        Wrong::new(
            "ignores-loop-errors",
            SERVICE,
            |b| b.run(|| main(structured::job, ignores_loop_errors)),
            &["surfaces-every-error", "no-discarded-errors"],
        ),
        Wrong::new(
            "spawns-detached-loops",
            SERVICE,
            |b| b.run(|| main(structured::job, spawns_detached_loops)),
            &["surfaces-every-error", "no-swallowed-errors"],
        ),
    ]
}

/// Mistake: runs the workers one after the other instead of at once.
async fn awaits_workers_one_by_one() -> Result<Vec<usize>, Vec<Failure>> {
    let mut done = Vec::new();
    let mut errors = Vec::new();
    for i in 0..WORKERS {
        match work(i).await {
            Ok(i) => done.push(i),
            Err(err) => errors.push(err),
        }
    }
    if errors.is_empty() {
        Ok(done)
    } else {
        Err(errors)
    }
}

/// Mistake: returns at the first error with `?`, so the other workers' errors are never seen.
async fn returns_the_first_error() -> Result<Vec<usize>, Vec<Failure>> {
    let mut set = JoinSet::new();
    for i in 0..WORKERS {
        spawn_in(&mut set, ("worker", i), work(i));
    }
    let mut done = Vec::new();
    while let Some(joined) = set.join_next().await {
        let i = joined
            .map_err(Failure::from)
            .and_then(|r| r)
            .map_err(|err| vec![err])?;
        done.push(i);
    }
    done.sort_unstable();
    Ok(done)
}

/// Mistake: returns the results in the order the workers finished (`join_next`'s order),
/// not in worker order.
async fn returns_in_finishing_order() -> Result<Vec<usize>, Vec<Failure>> {
    let mut set = JoinSet::new();
    for i in 0..WORKERS {
        spawn_in(&mut set, ("worker", i), work(i));
    }
    let mut done = Vec::new();
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined.map_err(Failure::from).and_then(|r| r) {
            Ok(i) => done.push(i),
            Err(err) => errors.push(err),
        }
    }
    if errors.is_empty() {
        Ok(done)
    } else {
        Err(errors)
    }
}

/// Mistake: `unwrap()`s the `JoinError`, so a cancelled worker panics the job.
async fn unwraps_join_errors() -> Result<Vec<usize>, Vec<Failure>> {
    let mut set = JoinSet::new();
    for i in 0..WORKERS {
        spawn_in(&mut set, ("worker", i), work(i));
    }
    let mut done = Vec::new();
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined.unwrap() {
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

/// Mistake: spawns detached workers and awaits their handles: a cancelled job leaves them running.
async fn spawns_detached_workers() -> Result<Vec<usize>, Vec<Failure>> {
    let handles: Vec<_> = (0..WORKERS)
        .map(|i| spawn(("worker", i), work(i)))
        .collect();
    let mut done = Vec::new();
    let mut errors = Vec::new();
    for handle in handles {
        match handle.await.map_err(Failure::from).and_then(|r| r) {
            Ok(i) => done.push(i),
            Err(err) => errors.push(err),
        }
    }
    if errors.is_empty() {
        Ok(done)
    } else {
        Err(errors)
    }
}

/// Mistake: no drop guard on the token: a cancelled service leaves its loops ticking.
async fn forgets_the_drop_guard() -> Result<(), Vec<Failure>> {
    let tracker = TaskTracker::new();
    let token = CancellationToken::new();
    let handles: Vec<_> = LOOPS
        .iter()
        .map(|&name| {
            let stop = token.clone();
            Task::new(name)
                .token(&token)
                .spawn_on(&tracker, async move {
                    tokio::select! {
                        biased;
                        () = stop.cancelled() => Ok(()),
                        ended = tick_loop(name) => ended,
                    }
                })
        })
        .collect();
    tracker.close();
    wait_for_stop().await;
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

/// Mistake: waits for the tracker without cancelling the token first, so it waits for the loops to end by themselves.
async fn never_cancels_the_token() -> Result<(), Vec<Failure>> {
    let tracker = TaskTracker::new();
    let token = CancellationToken::new();
    let _cancel_on_drop = token.clone().drop_guard();
    let handles: Vec<_> = LOOPS
        .iter()
        .map(|&name| {
            let stop = token.clone();
            Task::new(name)
                .token(&token)
                .spawn_on(&tracker, async move {
                    tokio::select! {
                        biased;
                        () = stop.cancelled() => Ok(()),
                        ended = tick_loop(name) => ended,
                    }
                })
        })
        .collect();
    tracker.close();
    wait_for_stop().await;
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

/// Mistake: awaits each loop's handle with `let _ =`, so a dead heartbeat goes unreported.
async fn ignores_loop_errors() -> Result<(), Vec<Failure>> {
    let tracker = TaskTracker::new();
    let token = CancellationToken::new();
    let _cancel_on_drop = token.clone().drop_guard();
    let handles: Vec<_> = LOOPS
        .iter()
        .map(|&name| {
            let stop = token.clone();
            Task::new(name)
                .token(&token)
                .spawn_on(&tracker, async move {
                    tokio::select! {
                        biased;
                        () = stop.cancelled() => Ok(()),
                        ended = tick_loop(name) => ended,
                    }
                })
        })
        .collect();
    tracker.close();
    wait_for_stop().await;
    token.cancel();
    tracker.wait().await;
    for handle in handles {
        let _ = handle.await;
    }
    Ok(())
}

/// Mistake: spawns the loops detached, stopped by the token but never awaited: their errors reach nobody.
async fn spawns_detached_loops() -> Result<(), Vec<Failure>> {
    let token = CancellationToken::new();
    let _cancel_on_drop = token.clone().drop_guard();
    for name in LOOPS {
        let stop = token.clone();
        drop(spawn(name, async move {
            tokio::select! {
                biased;
                () = stop.cancelled() => Ok(()),
                ended = tick_loop(name) => ended,
            }
        }));
    }
    wait_for_stop().await;
    Ok(())
}
