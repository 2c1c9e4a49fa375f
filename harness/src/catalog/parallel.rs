//! Many runs at once: sweeps, grades and the main job hand their runs to a few worker
//! threads and get the results back in the runs' own order.
//!
//! Every run already goes to a run thread of its own (see `run::worker`), with its own
//! runtime, ledger and seeded clock, so runs do not share state: a worker here only hands
//! a run over and waits for its report. What this adds is the order: results come back as
//! a sequential loop would give them, and after a failure the first failure in that order
//! is the one returned, so the output is byte for byte the sequential one.
//!
//! `std::thread::scope` and an atomic index rather than rayon: rayon's `collect` into a
//! `Result` returns whichever error it meets first, not the first in order (the
//! sequential run's), `--jobs N` would need a pool per call, and the workers block on a
//! run thread rather than compute, which a work-stealing pool sized to the cores is not
//! made for. This is 50 lines with no dependency (and `run::cores`, which lets an idle run give its
//! core back).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::run::cores::Cores;

/// The machine's available parallelism (`std::thread::available_parallelism`), or 1 when
/// it cannot be read: the default for `--jobs`.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Items that may wait at once beside the `jobs` that work: a run that sits idle (see
/// `run::cores`) gives its core back, and another item starts on another thread.
const WAITING: usize = 16;

/// `f` over `items` with up to `jobs` at work at once, the results in the items' order;
/// the first error in that order, as a sequential loop would return it. After an error no
/// new item starts (the ones running finish), and every item before the failing one has
/// run. An item whose run sits idle gives its core back, so up to 16 more items
/// can be under way while some wait.
///
/// The caller's tracing subscriber and span go with every item, as they would on the
/// caller's thread. With `jobs` ≤ 1 (or one item) it is a plain loop on this thread.
pub fn try_map_ordered<T, R, E, F>(jobs: usize, items: &[T], f: F) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
    F: Fn(&T) -> Result<R, E> + Sync,
{
    let jobs = jobs.min(items.len());
    if jobs <= 1 {
        return items.iter().map(f).collect();
    }
    let dispatch = tracing::dispatcher::get_default(Clone::clone);
    let span = tracing::Span::current();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let cores = Cores::new(jobs);
    let slots: Vec<Mutex<Option<Result<R, E>>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..(jobs + WAITING).min(items.len()) {
            scope.spawn(|| {
                let _span = span.enter();
                tracing::dispatcher::with_default(&dispatch, || {
                    loop {
                        // Given back when the item ends, when its run sits idle, or when
                        // `f` panics (the other workers must not wait for it for ever).
                        let _core = cores.hold();
                        if failed.load(Ordering::Acquire) {
                            break;
                        }
                        let at = next.fetch_add(1, Ordering::AcqRel);
                        let Some(item) = items.get(at) else { break };
                        let result = f(item);
                        if result.is_err() {
                            failed.store(true, Ordering::Release);
                        }
                        *slots[at].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                    }
                });
            });
        }
    });
    let mut out = Vec::with_capacity(items.len());
    for slot in slots {
        // Items are taken in order and each taken one finishes: every slot before the
        // first error is filled, and the loop returns at that error.
        match slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(Ok(r)) => out.push(r),
            Some(Err(e)) => return Err(e),
            None => {
                unreachable!("an item after an error was not run, and an error ends the loop first")
            }
        }
    }
    Ok(out)
}

/// `f` over `items` on up to `jobs` threads, the results in the items' order.
pub fn map_ordered<T, R, F>(jobs: usize, items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let all: Result<Vec<R>, std::convert::Infallible> = try_map_ordered(jobs, items, |t| Ok(f(t)));
    match all {
        Ok(all) => all,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Results keep the items' order whatever the threads' timing, for any number of jobs.
    #[test]
    fn results_come_back_in_order() {
        let items: Vec<u64> = (0..200).collect();
        for jobs in [1, 2, 3, 8, 500] {
            let out = map_ordered(jobs, &items, |&i| {
                // Uneven work, so that later items often finish first.
                std::thread::yield_now();
                (0..(200 - i) * 50).fold(i, |a, b| a.wrapping_mul(31).wrapping_add(b)) % 7 + i * 10
            });
            let expected: Vec<u64> = items
                .iter()
                .map(|&i| {
                    (0..(200 - i) * 50).fold(i, |a, b| a.wrapping_mul(31).wrapping_add(b)) % 7
                        + i * 10
                })
                .collect();
            assert_eq!(out, expected, "jobs {jobs}");
        }
    }

    /// The error returned is the first in order, as a sequential loop's, whichever
    /// thread meets an error first; nothing before it is skipped.
    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "slows the early items so that later errors are met first; no time is measured"
    )]
    fn the_first_error_in_order_wins() {
        let items: Vec<usize> = (0..100).collect();
        let ran = AtomicUsize::new(0);
        let out = try_map_ordered(4, &items, |&i| {
            if i < 40 {
                // The early items are slow, so later errors are met first.
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            ran.fetch_add(1, Ordering::Relaxed);
            if i == 37 || i == 60 || i == 61 {
                Err(i)
            } else {
                Ok(i)
            }
        });
        assert_eq!(out, Err(37));
        assert!(
            ran.load(Ordering::Relaxed) >= 38,
            "every item up to the error ran"
        );
        let sequential =
            try_map_ordered(
                1,
                &items,
                |&i| if i == 37 || i == 60 { Err(i) } else { Ok(i) },
            );
        assert_eq!(sequential, Err(37));
    }

    /// Runs that sit idle (a wait nothing in the runtime can end: each waits out the idle
    /// grace) give their cores back: with 2 jobs, more than 2 of them are under way at once.
    /// With `jobs` = 1 the map stays a plain loop: one at a time.
    #[test]
    fn idle_runs_give_their_cores_to_other_runs() {
        for (jobs, n) in [(2, 6), (1, 2)] {
            let items: Vec<usize> = (0..n).collect();
            let (under_way, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
            let results = map_ordered(jobs, &items, |&i| {
                let now = under_way.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                let report = crate::Builder::new("parallel", "idle")
                    .run(std::future::pending::<()>)
                    .unwrap();
                under_way.fetch_sub(1, Ordering::SeqCst);
                (i, report.summary.stalled)
            });
            assert_eq!(results, items.iter().map(|&i| (i, 1)).collect::<Vec<_>>());
            let most = most.load(Ordering::SeqCst);
            if jobs == 1 {
                assert_eq!(most, 1, "--jobs 1 ran runs at once");
            } else {
                assert!(
                    most > jobs,
                    "{most} idle runs under way at once with {jobs} jobs: the idle ones kept their cores"
                );
            }
        }
    }

    /// The work is spread over several threads at once.
    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "keeps each item busy so that the others go to other threads; no time is measured"
    )]
    fn several_threads_work_at_once() {
        let items: Vec<usize> = (0..8).collect();
        let threads = map_ordered(4, &items, |_| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            std::thread::current().id()
        });
        let mut distinct = threads.clone();
        distinct.sort_by_key(|id| format!("{id:?}"));
        distinct.dedup();
        assert!(
            distinct.len() > 1,
            "one thread did all the work: {threads:?}"
        );
    }
}
