//! What faultline's tracking costs: each workload run on plain tokio (`raw`) and under
//! `faultline_harness::Builder::run` with `faultline_harness::spawn` (`tracked`).
//!
//! Both sides build a fresh paused current-thread runtime inside the timed part (the
//! harness builds one per run, so the raw side does too) and drop it there. The tracked
//! side also builds and drops its `Report`. Run with `cargo bench --bench overhead`;
//! see `BENCHMARKS.md`.

use std::sync::Arc;
use std::time::Duration;

use divan::Bencher;
use divan::counter::ItemsCount;
use faultline_harness::{Builder, Report, spawn};
use tokio::sync::Semaphore;

fn main() {
    divan::main();
}

/// Tasks in the two spawn benchmarks.
const TASKS: usize = 100_000;
/// Requests in the semaphore benchmark.
const REQUESTS: usize = 10_000;
/// Permits of the semaphore.
const PERMITS: usize = 100;
/// Virtual time each request holds its permit.
const LATENCY: Duration = Duration::from_millis(10);

/// The runtime the raw side uses: the same kind the harness builds (paused clock, current thread).
fn raw_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a current-thread runtime builds")
}

/// Runs `body` under the harness and checks that it finished and tracked `tasks` tasks
/// besides the root. The task cap is raised so that every task is judged individually
/// (the default cap, 100,000, would leave the last one only counted), and the watchdog so
/// that a slow machine (or valgrind) cannot turn a run into an abandoned one, which would
/// measure less work.
fn tracked<F, Fut>(variant: &str, tasks: usize, body: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let report: Report = Builder::new("bench", variant)
        .max_tasks(tasks + 1)
        .watchdog(Duration::from_secs(3600))
        .run(body)
        .expect("the bench runs outside any runtime");
    assert_eq!(report.result, "()", "the run finished");
    assert_eq!(report.tasks.len(), tasks + 1, "every task is tracked");
    assert_eq!(report.overflow, 0, "no task is only counted");
}

/// 100,000 tasks spawned, then every handle awaited.
mod spawn_await_all {
    use super::*;

    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn raw(bencher: Bencher) {
        bencher.counter(ItemsCount::new(TASKS)).bench_local(|| {
            raw_runtime().block_on(async {
                let mut handles = Vec::with_capacity(TASKS);
                for _ in 0..TASKS {
                    handles.push(tokio::spawn(async {}));
                }
                for handle in handles {
                    handle.await.unwrap();
                }
            });
        });
    }

    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn tracked(bencher: Bencher) {
        bencher.counter(ItemsCount::new(TASKS)).bench_local(|| {
            super::tracked("spawn", TASKS, || async {
                let mut handles = Vec::with_capacity(TASKS);
                for i in 0..TASKS {
                    handles.push(spawn(("t", i), async {}));
                }
                for handle in handles {
                    handle.await.unwrap();
                }
            });
        });
    }
}

/// 100,000 × (spawn one task, await it).
mod spawn_await_one_by_one {
    use super::*;

    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn raw(bencher: Bencher) {
        bencher.counter(ItemsCount::new(TASKS)).bench_local(|| {
            raw_runtime().block_on(async {
                for _ in 0..TASKS {
                    tokio::spawn(async {}).await.unwrap();
                }
            });
        });
    }

    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn tracked(bencher: Bencher) {
        bencher.counter(ItemsCount::new(TASKS)).bench_local(|| {
            super::tracked("one_by_one", TASKS, || async {
                for i in 0..TASKS {
                    spawn(("t", i), async {}).await.unwrap();
                }
            });
        });
    }
}

/// 10,000 requests, each a task holding one of 100 permits for 10 ms of virtual time
/// (1 s virtual in all).
mod semaphore_10k {
    use super::*;

    /// One request: take a permit, hold it for the latency, give it back.
    async fn request(permits: Arc<Semaphore>) {
        let _permit = permits.acquire().await.unwrap();
        tokio::time::sleep(LATENCY).await;
    }

    #[divan::bench(sample_count = 100, sample_size = 1)]
    fn raw(bencher: Bencher) {
        bencher.counter(ItemsCount::new(REQUESTS)).bench_local(|| {
            raw_runtime().block_on(async {
                let permits = Arc::new(Semaphore::new(PERMITS));
                let handles: Vec<_> = (0..REQUESTS)
                    .map(|_| tokio::spawn(request(permits.clone())))
                    .collect();
                for handle in handles {
                    handle.await.unwrap();
                }
            });
        });
    }

    #[divan::bench(sample_count = 100, sample_size = 1)]
    fn tracked(bencher: Bencher) {
        bencher.counter(ItemsCount::new(REQUESTS)).bench_local(|| {
            super::tracked("semaphore", REQUESTS, || async {
                let permits = Arc::new(Semaphore::new(PERMITS));
                let handles: Vec<_> = (0..REQUESTS)
                    .map(|i| spawn(("req", i), request(permits.clone())))
                    .collect();
                for handle in handles {
                    handle.await.unwrap();
                }
            });
        });
    }
}

/// The fixed cost of one run with an empty body: runtime build and drop (and, tracked,
/// the ledger, the driver's settle ticks and the report).
mod empty_run {
    use super::*;

    #[divan::bench(sample_count = 100, sample_size = 10)]
    fn raw(bencher: Bencher) {
        bencher.bench_local(|| raw_runtime().block_on(async {}));
    }

    #[divan::bench(sample_count = 100, sample_size = 10)]
    fn tracked(bencher: Bencher) {
        bencher.bench_local(|| super::tracked("empty", 0, || async {}));
    }
}
