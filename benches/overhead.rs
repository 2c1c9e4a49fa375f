//! What faultline's tracking costs: each workload run on plain tokio (`raw`) and under
//! `faultline_harness::Builder::run` with `faultline_harness::spawn` (`tracked`).
//!
//! Both sides build a fresh paused current-thread runtime inside the timed part (the
//! harness builds one per run, on a thread of its own, so the raw side builds one too) and
//! drop it there. The tracked side also builds and drops its `Report`.
//!
//! Run with `cargo bench --bench overhead`; the figures are in `BENCHMARKS.md`
//! ("Tracking overhead"). Before divan's tables the bench prints tracked ÷ raw from
//! alternating rounds, which keeps both sides under the same background load.

use std::sync::Arc;
use std::time::Duration;

use divan::Bencher;
use divan::counter::ItemsCount;
use faultline_harness::{Builder, Report, spawn};
use tokio::sync::Semaphore;

/// Tasks in the two spawn workloads.
const TASKS: usize = 100_000;
/// Requests in the semaphore workload.
const REQUESTS: usize = 10_000;
/// Permits of the semaphore.
const PERMITS: usize = 100;
/// Virtual time each request holds its permit.
const LATENCY: Duration = Duration::from_millis(10);

/// A workload: its name, and one raw and one tracked iteration.
type Workload = (&'static str, fn(), fn());

/// The workloads compared in alternating rounds, with how many rounds each.
const ROUNDS: [(Workload, usize); 4] = [
    (
        (
            "spawn_await_all",
            spawn_await_all::raw_once,
            spawn_await_all::tracked_once,
        ),
        31,
    ),
    (
        (
            "spawn_await_one_by_one",
            spawn_await_one_by_one::raw_once,
            spawn_await_one_by_one::tracked_once,
        ),
        31,
    ),
    (
        (
            "semaphore_10k",
            semaphore_10k::raw_once,
            semaphore_10k::tracked_once,
        ),
        101,
    ),
    (
        (
            "plain_spawn_10k",
            plain_spawn_10k::raw_once,
            plain_spawn_10k::tracked_once,
        ),
        101,
    ),
];

/// Plain tasks (no faultline names) in the hooks workload.
const PLAIN: usize = 10_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // glibc's heap, pinned: see `PINNED_HEAP`.
    if std::env::var_os("OVERHEAD_GLIBC_DEFAULTS").is_none()
        && PINNED_HEAP
            .iter()
            .any(|(key, _)| std::env::var_os(key).is_none())
        && let Ok(me) = std::env::current_exe()
    {
        let status = std::process::Command::new(me)
            .args(&args)
            .envs(PINNED_HEAP.iter().copied())
            .status();
        match status {
            Ok(status) => std::process::exit(status.code().unwrap_or(1)),
            Err(e) => eprintln!(
                "could not start the bench with glibc's heap pinned ({e}): its defaults apply"
            ),
        }
    }
    // Only for a plain `cargo bench` (which passes just `--bench`): with a filter or any
    // other divan option, only divan runs.
    if args == ["--bench"] {
        // `OVERHEAD_ROUNDS=201 cargo bench --bench overhead`: more rounds, a steadier median.
        let rounds: Option<usize> = std::env::var("OVERHEAD_ROUNDS")
            .ok()
            .and_then(|n| n.parse().ok());
        for ((name, raw, tracked), default) in ROUNDS {
            alternate(name, raw, tracked, rounds.unwrap_or(default));
        }
    }
    divan::main();
}

/// glibc's heap thresholds, fixed for both sides (the bench starts itself again with them
/// set, unless `OVERHEAD_GLIBC_DEFAULTS` is set). With glibc's defaults the two sides do
/// not get the same heap: raw runs on the bench's main thread, whose heap glibc trims after
/// every iteration (the next one faults its pages back in, thousands of page faults), and
/// tracked on a run thread, whose heap it trims otherwise; and the first time a large block
/// is freed, glibc raises the main heap's thresholds for the rest of the process. A ratio
/// then says more about which side freed a large block first than about tracking: after
/// the report's rows became lazy (no 23 MB of rows freed on the main thread), defaults
/// gave `semaphore_10k` 0.84× and `spawn_await_all` 1.08×; pinned, 1.2–1.7× and 1.32×.
const PINNED_HEAP: [(&str, &str); 2] = [
    // Never hand freed memory at the top of a heap back to the kernel (1 GiB)...
    ("MALLOC_TRIM_THRESHOLD_", "1073741824"),
    // ...and take blocks up to 32 MiB from the heap, not from mmap (whose free unmaps).
    ("MALLOC_MMAP_THRESHOLD_", "33554432"),
];

/// Prints tracked ÷ raw from `rounds` alternating rounds (raw first in even rounds,
/// tracked first in odd ones): the median of the per-round ratios of wall time and of
/// process CPU time, then the medians and the fastest of each side. On a shared 2-core
/// machine background load moves divan's medians by 1.5–2× between runs; it hits both
/// halves of one round alike, and CPU time leaves out the time spent waiting for a core.
#[allow(clippy::disallowed_methods)] // a benchmark measures wall time on purpose
fn alternate(name: &str, raw: fn(), tracked: fn(), rounds: usize) {
    use std::time::Instant;
    let time = |f: fn()| {
        let (wall, cpu) = (Instant::now(), cpu_time());
        f();
        (wall.elapsed(), cpu_time() - cpu)
    };
    let (mut raw_times, mut tracked_times) = (Vec::new(), Vec::new());
    let (mut wall_ratios, mut cpu_ratios) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let (r, t) = if round.is_multiple_of(2) {
            let r = time(raw);
            (r, time(tracked))
        } else {
            let t = time(tracked);
            (time(raw), t)
        };
        wall_ratios.push(t.0.as_secs_f64() / r.0.as_secs_f64());
        cpu_ratios.push(t.1.as_secs_f64() / r.1.as_secs_f64());
        raw_times.push(r.0);
        tracked_times.push(t.0);
    }
    for list in [&mut wall_ratios, &mut cpu_ratios] {
        list.sort_by(f64::total_cmp);
    }
    raw_times.sort();
    tracked_times.sort();
    let mid = rounds / 2;
    println!(
        "{name}: tracked ÷ raw = {:.2}× wall, {:.2}× CPU (medians of {rounds} alternating rounds); \
         medians raw {:.2?}, tracked {:.2?}; fastest {:.2?} vs {:.2?} ({:.2}×)",
        wall_ratios[mid],
        cpu_ratios[mid],
        raw_times[mid],
        tracked_times[mid],
        raw_times[0],
        tracked_times[0],
        tracked_times[0].as_secs_f64() / raw_times[0].as_secs_f64(),
    );
}

/// The process's CPU time so far (user + system, every thread).
fn cpu_time() -> Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_SELF).expect("getrusage works on this platform");
    let time = |t: nix::sys::time::TimeVal| {
        Duration::from_secs(t.tv_sec() as u64) + Duration::from_micros(t.tv_usec() as u64)
    };
    time(usage.user_time()) + time(usage.system_time())
}

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

    pub(super) fn raw_once() {
        raw_runtime().block_on(async {
            let mut handles = Vec::with_capacity(TASKS);
            for _ in 0..TASKS {
                handles.push(tokio::spawn(async {}));
            }
            for handle in handles {
                handle.await.unwrap();
            }
        });
    }

    pub(super) fn tracked_once() {
        super::tracked("spawn", TASKS, || async {
            let mut handles = Vec::with_capacity(TASKS);
            for i in 0..TASKS {
                handles.push(spawn(("t", i), async {}));
            }
            for handle in handles {
                handle.await.unwrap();
            }
        });
    }

    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn raw(bencher: Bencher) {
        bencher
            .counter(ItemsCount::new(TASKS))
            .bench_local(raw_once);
    }

    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn tracked(bencher: Bencher) {
        bencher
            .counter(ItemsCount::new(TASKS))
            .bench_local(tracked_once);
    }
}

/// 100,000 × (spawn one task, await it).
mod spawn_await_one_by_one {
    use super::*;

    pub(super) fn raw_once() {
        raw_runtime().block_on(async {
            for _ in 0..TASKS {
                tokio::spawn(async {}).await.unwrap();
            }
        });
    }

    pub(super) fn tracked_once() {
        super::tracked("one_by_one", TASKS, || async {
            for i in 0..TASKS {
                spawn(("t", i), async {}).await.unwrap();
            }
        });
    }

    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn raw(bencher: Bencher) {
        bencher
            .counter(ItemsCount::new(TASKS))
            .bench_local(raw_once);
    }

    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn tracked(bencher: Bencher) {
        bencher
            .counter(ItemsCount::new(TASKS))
            .bench_local(tracked_once);
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

    pub(super) fn raw_once() {
        raw_runtime().block_on(async {
            let permits = Arc::new(Semaphore::new(PERMITS));
            let handles: Vec<_> = (0..REQUESTS)
                .map(|_| tokio::spawn(request(permits.clone())))
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        });
    }

    pub(super) fn tracked_once() {
        super::tracked("semaphore", REQUESTS, || async {
            let permits = Arc::new(Semaphore::new(PERMITS));
            let handles: Vec<_> = (0..REQUESTS)
                .map(|i| spawn(("req", i), request(permits.clone())))
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        });
    }

    #[divan::bench(sample_count = 100, sample_size = 1)]
    fn raw(bencher: Bencher) {
        bencher
            .counter(ItemsCount::new(REQUESTS))
            .bench_local(raw_once);
    }

    #[divan::bench(sample_count = 100, sample_size = 1)]
    fn tracked(bencher: Bencher) {
        bencher
            .counter(ItemsCount::new(REQUESTS))
            .bench_local(tracked_once);
    }
}

/// The fixed cost of one run with an empty body: runtime build and drop (and, tracked,
/// the run's thread, the ledger, the driver's settle ticks and the report).
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

/// 10,000 tasks spawned with plain `tokio::spawn` (no faultline names), then every handle
/// awaited: the tracked side sees each through tokio's task hooks, as a row named by its
/// spawn location.
mod plain_spawn_10k {
    use super::*;

    async fn body() {
        let mut handles = Vec::with_capacity(PLAIN);
        for _ in 0..PLAIN {
            handles.push(tokio::spawn(async {}));
        }
        for handle in handles {
            handle.await.unwrap();
        }
    }

    pub(super) fn raw_once() {
        raw_runtime().block_on(body());
    }

    pub(super) fn tracked_once() {
        super::tracked("plain", PLAIN, body);
    }

    #[divan::bench(sample_count = 100, sample_size = 1)]
    fn raw(bencher: Bencher) {
        bencher
            .counter(ItemsCount::new(PLAIN))
            .bench_local(raw_once);
    }

    #[divan::bench(sample_count = 100, sample_size = 1)]
    fn tracked(bencher: Bencher) {
        bencher
            .counter(ItemsCount::new(PLAIN))
            .bench_local(tracked_once);
    }
}
