//! Blocked-executor detection: a poll that held the runtime's only thread too long.
//!
//! On a paused clock a blocking call advances virtual time by 0, so only wall time can
//! see it — and wall time alone misfires when the machine is busy. The poll's wall time
//! is split three ways by the kernel's own accounts of the thread (Linux's
//! `/proc/thread-self/schedstat`): on a CPU, waiting for one (preempted: runnable, but
//! other threads ran), and the rest, asleep (a sleep, blocking I/O, a lock). A poll is
//! flagged when its wall time exceeds the threshold AND its CPU time did too (a CPU loop)
//! or its time asleep did (a sleep or blocking I/O). Preemption by other processes is
//! neither, so it is not flagged, however busy the machine.
//!
//! Before, "asleep" was read as "gave up the CPU voluntarily at least once"
//! (`getrusage`'s count of voluntary switches): a poll preempted for long that also
//! waited a moment on a lock was flagged, which 22 runs at once on 2 cores showed (a right
//! `spawn_blocking` solution judged BLOCKED). That reading is kept only where the kernel's
//! accounts cannot be read.
//!
//! Off unless [`Builder::detect_blocking`](crate::Builder::detect_blocking) turns it on:
//! the two `getrusage` calls per poll would double the cost of a cheap task. Reports carry
//! the flag, never the milliseconds.

use std::cell::Cell;
use std::time::Duration;

/// Before a run that detects blocking: one empty blocking job on its runtime (no
/// subscriber sees it: it makes no row), so that the runtime's blocking pool has a thread
/// waiting when the code under test spawns its first job.
///
/// Without it, the first job's spawn was sometimes judged BLOCKED when many runs shared two
/// cores: `every_right_solution_passes_every_check` (two dozen runs at once), run two at a
/// time, failed 2 times in 18 on the first request of a right `spawn_blocking` solution,
/// and never on a later one; with it, 0 times in 64. Part of the runtime's start, then, not
/// of the code under test. Which wait it was (the thread's creation, or a lock the new
/// thread held while preempted) is not established; later jobs, which also create threads,
/// were never flagged.
pub(crate) fn ready_a_blocking_thread(runtime: &tokio::runtime::LocalRuntime) {
    let none = tracing::Dispatch::none();
    tracing::dispatcher::with_default(&none, || {
        let _ = runtime.block_on(async { tokio::task::spawn_blocking(|| ()).await });
    });
}

thread_local! {
    static THRESHOLD: Cell<Option<Duration>> = const { Cell::new(None) };
}

/// Turns detection on (with this threshold) or off for polls on this thread.
pub(crate) fn set_threshold(threshold: Option<Duration>) {
    THRESHOLD.with(|t| t.set(threshold));
}

thread_local! {
    /// The probe of the poll tokio's before-poll hook started (a plain task's).
    static PLAIN: std::cell::RefCell<Option<Probe>> = const { std::cell::RefCell::new(None) };
}

/// tokio's before-poll hook, with detection on: starts measuring the poll.
#[cfg_attr(not(all(tokio_unstable, not(loom))), allow(dead_code))]
pub(crate) fn plain_poll_started() {
    let probe = start();
    PLAIN.with(|p| *p.borrow_mut() = probe);
}

/// tokio's after-poll hook: whether the poll the before-poll hook measured blocked. A
/// faultline task's wrapper measures its own polls; the ledger counts only plain ones.
#[cfg_attr(not(all(tokio_unstable, not(loom))), allow(dead_code))]
pub(crate) fn plain_poll_blocked() -> bool {
    PLAIN
        .with(|p| p.borrow_mut().take())
        .is_some_and(Probe::blocked)
}

/// What a poll looked like when it started.
pub(crate) struct Probe {
    threshold: Duration,
    #[allow(
        clippy::disallowed_methods,
        reason = "blocking is only visible in wall time; it never reaches a report"
    )]
    wall: std::time::Instant,
    usage: Usage,
}

/// Starts measuring a poll, if detection is on.
#[inline]
pub(crate) fn start() -> Option<Probe> {
    let threshold = THRESHOLD.with(Cell::get)?;
    #[allow(
        clippy::disallowed_methods,
        reason = "blocking is only visible in wall time; it never reaches a report"
    )]
    let wall = std::time::Instant::now();
    Some(Probe {
        threshold,
        wall,
        usage: Usage::now(),
    })
}

impl Probe {
    /// Whether the poll that just ended blocked the thread.
    pub(crate) fn blocked(self) -> bool {
        let wall = self.wall.elapsed();
        if wall <= self.threshold {
            return false;
        }
        let now = Usage::now();
        let cpu = now.cpu.saturating_sub(self.usage.cpu);
        if cpu > self.threshold {
            return true;
        }
        match (now.waiting, self.usage.waiting) {
            (Some(after), Some(before)) => {
                let preempted = after.saturating_sub(before);
                wall.saturating_sub(cpu).saturating_sub(preempted) > self.threshold
            }
            _ => now.voluntary_switches > self.usage.voluntary_switches,
        }
    }
}

/// The thread's CPU time, time spent waiting for a CPU, and voluntary context switches
/// so far.
struct Usage {
    cpu: Duration,
    /// Time runnable but not running (preempted), when the kernel says.
    waiting: Option<Duration>,
    voluntary_switches: i64,
}

thread_local! {
    /// This thread's `/proc/thread-self/schedstat`, opened once (`None`: not readable).
    static SCHEDSTAT: Option<std::fs::File> = std::fs::File::open("/proc/thread-self/schedstat").ok();
}

/// This thread's time on a CPU and time waiting for one, from its `schedstat`
/// (`<on cpu ns> <waiting ns> <timeslices>`), read again at offset 0.
#[cfg(unix)]
fn schedstat() -> Option<(Duration, Duration)> {
    use std::os::unix::fs::FileExt;
    SCHEDSTAT.with(|file| {
        let file = file.as_ref()?;
        let mut buf = [0u8; 96];
        let n = file.read_at(&mut buf, 0).ok()?;
        let text = std::str::from_utf8(&buf[..n]).ok()?;
        let mut fields = text.split_ascii_whitespace().map(str::parse::<u64>);
        let on_cpu = fields.next()?.ok()?;
        let waiting = fields.next()?.ok()?;
        Some((Duration::from_nanos(on_cpu), Duration::from_nanos(waiting)))
    })
}

impl Usage {
    #[cfg(unix)]
    fn now() -> Self {
        use nix::sys::resource::{UsageWho, getrusage};
        if let Some((cpu, waiting)) = schedstat() {
            return Usage {
                cpu,
                waiting: Some(waiting),
                voluntary_switches: 0,
            };
        }
        match getrusage(UsageWho::RUSAGE_THREAD) {
            Ok(u) => {
                let micros = |t: nix::sys::time::TimeVal| {
                    Duration::from_secs(t.tv_sec().max(0) as u64)
                        + Duration::from_micros(t.tv_usec().max(0) as u64)
                };
                Usage {
                    cpu: micros(u.user_time()) + micros(u.system_time()),
                    waiting: None,
                    voluntary_switches: u.voluntary_context_switches(),
                }
            }
            // Without the counters every slow poll counts (wall time alone).
            Err(_) => Usage {
                cpu: Duration::MAX,
                waiting: None,
                voluntary_switches: 0,
            },
        }
    }

    #[cfg(not(unix))]
    fn now() -> Self {
        Usage {
            cpu: Duration::MAX,
            waiting: None,
            voluntary_switches: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A poll that sleeps past the threshold is blocked, and so is one that loops on the
    /// CPU past it; one that returns at once is not.
    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "blocking is only visible in wall time"
    )]
    fn a_sleep_and_a_cpu_loop_block() {
        let threshold = Duration::from_millis(10);
        set_threshold(Some(threshold));
        let probe = start().expect("detection is on");
        std::thread::sleep(Duration::from_millis(30));
        assert!(probe.blocked(), "a 30 ms sleep");
        let probe = start().unwrap();
        let begun = Usage::now().cpu;
        while Usage::now().cpu.saturating_sub(begun) < Duration::from_millis(30) {
            std::hint::black_box(0u64);
        }
        assert!(probe.blocked(), "a loop of 30 ms on the CPU");
        let probe = start().unwrap();
        assert!(!probe.blocked(), "a poll that returns at once");
        set_threshold(None);
        assert!(start().is_none(), "detection off");
    }

    /// Preemption is not blocking: a poll whose wall time passed the threshold because
    /// other threads held every core, while it used little CPU and slept only a moment
    /// (which the count of voluntary switches alone took for a sleep).
    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "blocking is only visible in wall time"
    )]
    fn time_spent_waiting_for_a_cpu_is_not_blocking() {
        if schedstat().is_none() {
            return; // the kernel's accounts are needed to tell preemption apart
        }
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let stop = std::sync::atomic::AtomicBool::new(false);
        let (mut checked, mut flagged) = (0, 0);
        std::thread::scope(|s| {
            for _ in 0..cores * 4 {
                s.spawn(|| {
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        std::hint::black_box(0u64);
                    }
                });
            }
            // Yield until preempted long enough: wall time past the threshold, most of it
            // waiting for a CPU (yield_now gives the core to the spinners).
            let threshold = Duration::from_millis(5);
            let begun = std::time::Instant::now();
            while checked < 5 && begun.elapsed() < Duration::from_secs(5) {
                let probe = Probe {
                    threshold,
                    wall: std::time::Instant::now(),
                    usage: Usage::now(),
                };
                // A moment asleep (a lock's short wait), far below the threshold.
                std::thread::sleep(Duration::from_micros(100));
                for _ in 0..50 {
                    std::thread::yield_now();
                }
                if probe.wall.elapsed() > threshold {
                    checked += 1;
                    flagged += usize::from(probe.blocked());
                }
            }
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        assert!(
            checked > 0,
            "never preempted past the threshold: nothing was checked"
        );
        assert_eq!(
            flagged, 0,
            "{flagged} of {checked} preempted polls judged blocked"
        );
    }
}
