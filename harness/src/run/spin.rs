//! Livelock detection: tasks that keep the runtime busy while its paused clock cannot move.
//!
//! The paused clock moves only when the runtime is idle (every task waits) and a timer is
//! pending. A task that yields only through tokio's co-op budget — a loop reading
//! `io::empty()` inside a `timeout`, a loop of `yield_now()` polling a flag — is always
//! ready again, so the runtime never idles, the clock never moves, and neither the task's
//! own timeout nor the run's deadline ever comes. The [watchdog](crate::Builder::watchdog)
//! does not see it either: it gives up on a run whose polls stopped (one poll that never
//! returns), and here polls go on.
//!
//! So the watchdog's thread, at each of its wall-clock ticks, also reads the runtime's
//! pulse: how many times it parked (went idle), how many polls it made, and its virtual
//! time. Polls made, no park and no virtual tick over a whole watchdog period: the run is
//! **spinning**. The watchdog then watches for a short window which tasks are polled (by
//! tokio's before-poll hook, and by sampling the task the harness is polling), and asks the
//! driver to end the run: the tasks still alive end stalled, the ones seen polled are
//! named SPINNING, and the run's thread is kept (unlike a stuck poll, whose thread is
//! abandoned).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::record::ledger::{Ledger, Shared, TaskIx};

/// How long the watchdog watches which tasks spin before it stops the run, and how often
/// it samples the task being polled meanwhile.
const WINDOW: Duration = Duration::from_millis(100);
const SAMPLE: Duration = Duration::from_millis(1);

/// The task row's detail of a task seen spinning.
pub(crate) const SPINNING_DETAIL: &str =
    "SPINNING: polled on and on while the paused clock could not move";

/// What the watchdog and the run's thread share about spinning.
#[derive(Default)]
pub(crate) struct Spin {
    /// The run's runtime, once built: its metrics and its clock.
    handle: Mutex<Option<Handle>>,
    /// Whether tokio's before-poll hook notes the tasks it polls (only in the window).
    recording: AtomicBool,
    /// Tasks polled in the window, by tokio id (plain tokio tasks).
    polled: Mutex<Vec<tokio::task::Id>>,
    /// Tasks seen being polled in the window, by row (faultline's own tasks).
    sampled: Mutex<Vec<TaskIx>>,
    /// Set when the watchdog asked the driver to stop.
    stopped: AtomicBool,
    /// Wakes the driver.
    stop: Notify,
    /// Wakes the driver when the run's deadline has come (see [`Spin::deadline`]).
    deadline_came: Notify,
    /// The run's virtual deadline, once the run has started.
    deadline: Mutex<Option<Instant>>,
    /// Set when the watchdog found the runtime idle with nothing left to wait for.
    idle: AtomicBool,
    /// The run thread's `/proc` stat file, on Linux: whether it sleeps or waits for a CPU.
    stat: Mutex<Option<Arc<std::path::Path>>>,
}

/// A reading of the runtime's pulse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pulse {
    parks: u64,
    polls: u64,
    now: Instant,
    /// Whether the runtime's thread is parked now (idle).
    parked: bool,
    /// Blocking jobs running now (they hold the clock: tokio does not auto-advance then).
    jobs: usize,
    /// Whether the run's thread is asleep, not waiting for a CPU (a thread starved on a
    /// loaded machine looks parked in tokio's counts). Unknown (off Linux) reads asleep.
    asleep: bool,
}

thread_local! {
    /// This thread's `/proc` stat file, read once per thread (run threads are reused): a
    /// `readlink` and two path joins per run were a tenth of an empty run's own cost. Shared
    /// (`Arc`): a copy of the path per run was an allocation.
    static THREAD_STAT: std::cell::OnceCell<Option<Arc<std::path::Path>>> =
        const { std::cell::OnceCell::new() };
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Spin {
    /// The runtime to read, once it is built. Called on the run's thread.
    pub(crate) fn set_handle(&self, handle: Handle) {
        *lock(&self.handle) = Some(handle);
        *lock(&self.stat) = THREAD_STAT.with(|stat| {
            stat.get_or_init(|| {
                // `/proc/thread-self` links to `<pid>/task/<tid>`: the stat file of this thread.
                std::fs::read_link("/proc/thread-self")
                    .ok()
                    .map(|task| Arc::from(std::path::Path::new("/proc").join(task).join("stat")))
            })
            .clone()
        });
    }

    /// Forgets the runtime, once it is shut down. The runtime's hooks hold this `Spin`: a
    /// `Handle` kept here would keep the runtime's driver (its epoll fd) alive for ever.
    pub(crate) fn clear_handle(&self) {
        *lock(&self.handle) = None;
    }

    /// Whether the run's thread sleeps now (state `S` in its `/proc` stat).
    fn asleep(&self) -> bool {
        let Some(path) = lock(&self.stat).clone() else {
            return true;
        };
        let Ok(stat) = std::fs::read_to_string(&*path) else {
            return true;
        };
        // `pid (comm) state ...`: the state follows the last `)`.
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.trim_start().chars().next());
        state == Some('S')
    }

    /// The runtime's pulse now, from any thread; `None` before the runtime exists.
    /// `progress` is the harness's own count of polls, used when tokio's is not available.
    #[cfg_attr(tokio_unstable, allow(unused_variables))]
    pub(crate) fn pulse(&self, progress: u64) -> Option<Pulse> {
        let handle = lock(&self.handle).clone()?;
        let metrics = handle.metrics();
        #[cfg(tokio_unstable)]
        let polls = metrics.worker_poll_count(0);
        #[cfg(not(tokio_unstable))]
        let polls = progress;
        #[cfg(tokio_unstable)]
        let jobs = metrics.num_blocking_threads() - metrics.num_idle_blocking_threads();
        #[cfg(not(tokio_unstable))]
        let jobs = 0;
        let parks = metrics.worker_park_count(0);
        let parked = metrics.worker_park_unpark_count(0) % 2 == 1;
        let now = {
            let _enter = handle.enter();
            Instant::now()
        };
        Some(Pulse {
            parks,
            polls,
            now,
            parked,
            jobs,
            asleep: self.asleep(),
        })
    }

    /// Whether the runtime went idle again or its clock moved from `before` to `after`.
    pub(crate) fn moved(before: Option<Pulse>, after: Option<Pulse>) -> bool {
        match (before, after) {
            (Some(b), Some(a)) => a.parks != b.parks || a.now != b.now,
            (None, Some(_)) => true,
            _ => false,
        }
    }

    /// Whether the run's thread is awake (running, or waiting for a CPU) in `pulse`.
    pub(crate) fn awake(pulse: Option<Pulse>) -> bool {
        pulse.is_some_and(|p| !p.asleep)
    }

    /// Whether the runtime sat idle from `before` to `after`: parked, nothing polled, its
    /// clock still, no blocking job running (and, read apart, its thread asleep throughout). On the paused clock that means no timer is
    /// pending either (it would have jumped to it): only something outside the runtime (a
    /// `std::thread`, a socket) can still wake a task.
    pub(crate) fn idle(before: Option<Pulse>, after: Option<Pulse>) -> bool {
        match (before, after) {
            (Some(b), Some(a)) => {
                a.parked && a.jobs == 0 && a.polls == b.polls && !Spin::moved(before, after)
            }
            _ => false,
        }
    }

    /// Whether the runtime spun from `before` to `after`: polls made, but it never went idle
    /// and its clock did not move.
    pub(crate) fn spinning(before: Option<Pulse>, after: Option<Pulse>) -> bool {
        match (before, after) {
            (Some(b), Some(a)) => a.polls != b.polls && a.parks == b.parks && a.now == b.now,
            _ => false,
        }
    }

    /// tokio's before-poll hook: notes the task during the window.
    #[cfg_attr(not(all(tokio_unstable, not(loom))), allow(dead_code))]
    #[inline]
    pub(crate) fn polling(&self, id: tokio::task::Id) {
        if self.recording.load(Ordering::Relaxed) {
            self.note_polled(id);
        }
    }

    /// Notes `id` as polled while the watchdog records (out of line: the hook before every
    /// poll inlines only the check above).
    #[cold]
    #[inline(never)]
    fn note_polled(&self, id: tokio::task::Id) {
        let mut polled = lock(&self.polled);
        if !polled.contains(&id) {
            polled.push(id);
        }
    }

    /// Watches for the window which tasks are polled, then asks the driver to stop.
    pub(crate) fn name_and_stop(&self, shared: &Shared) {
        self.recording.store(true, Ordering::Relaxed);
        #[allow(
            clippy::disallowed_methods,
            reason = "the watchdog's thread, in wall time"
        )]
        let start = std::time::Instant::now();
        while start.elapsed() < WINDOW {
            if let Some(ix) = shared.polling() {
                let mut sampled = lock(&self.sampled);
                if !sampled.contains(&ix) {
                    sampled.push(ix);
                }
            }
            #[allow(
                clippy::disallowed_methods,
                reason = "the watchdog's thread, in wall time"
            )]
            std::thread::sleep(SAMPLE);
        }
        self.recording.store(false, Ordering::Relaxed);
        self.stopped.store(true, Ordering::Relaxed);
        self.stop.notify_one();
    }

    /// The run's virtual deadline, from the driver.
    pub(crate) fn set_deadline(&self, deadline: Instant) {
        *lock(&self.deadline) = Some(deadline);
    }

    /// tokio's unpark hook: after the clock jumped (to a timer of the code under test), wake
    /// the driver if it is past the deadline.
    #[cfg_attr(not(all(tokio_unstable, not(loom))), allow(dead_code))]
    pub(crate) fn unparked(&self) {
        let deadline = *lock(&self.deadline);
        if deadline.is_some_and(|d| Instant::now() >= d) {
            self.deadline_came.notify_one();
        }
    }

    /// From the watchdog: the runtime sat idle, with no timer pending, for the grace period.
    pub(crate) fn found_idle(&self) {
        if !self.idle.swap(true, Ordering::Relaxed) {
            self.deadline_came.notify_one();
        }
    }

    /// Completes when the deadline has come: the clock passed it (a timer of the code under
    /// test was later), or the runtime sat idle with nothing left that could wake it. The
    /// harness's deadline is not a timer of its own: the paused clock would jump to it
    /// whenever every task waits, also while a `std::thread` is still working for one.
    pub(crate) async fn deadline(&self) {
        self.deadline_came.notified().await;
    }

    /// Whether the watchdog asked the driver to stop.
    pub(crate) fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }

    /// Completes when the watchdog asks the driver to stop.
    pub(crate) async fn stopped(&self) {
        if !self.is_stopped() {
            self.stop.notified().await;
        }
    }

    /// The rows of the tasks seen spinning, in spawn order (alive ones only).
    pub(crate) fn spinners(&self, ledger: &Ledger) -> Vec<TaskIx> {
        let polled = lock(&self.polled);
        let by_id = (polled.iter())
            .filter_map(|id| (ledger.plain.get(*id)).or_else(|| ledger.task_of(*id)));
        let mut rows: Vec<TaskIx> = by_id.chain(lock(&self.sampled).iter().copied()).collect();
        rows.retain(|&ix| {
            (ix as usize) < ledger.tasks.len() && ledger.tasks[ix as usize].ended.is_none()
        });
        rows.sort_unstable();
        rows.dedup();
        rows
    }
}
