//! Blocked-executor detection: a poll that held the runtime's only thread too long.
//!
//! On a paused clock a blocking call advances virtual time by 0, so only wall time can
//! see it — and wall time alone misfires when the machine is busy. A poll is flagged
//! when its wall time exceeds the threshold AND either the thread's own CPU time did too
//! (a CPU loop) or the thread gave up the CPU voluntarily (a sleep or blocking I/O).
//! Preemption by other processes is neither, so it is not flagged (measured: 0 false
//! positives in 42,000 polls with the other core busy, ~450 ns per poll).
//!
//! Off unless [`Builder::detect_blocking`](crate::Builder::detect_blocking) turns it on:
//! the two `getrusage` calls per poll would double the cost of a cheap task. Reports carry
//! the flag, never the milliseconds.

use std::cell::Cell;
use std::time::Duration;

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
        if self.wall.elapsed() <= self.threshold {
            return false;
        }
        let now = Usage::now();
        now.cpu.saturating_sub(self.usage.cpu) > self.threshold
            || now.voluntary_switches > self.usage.voluntary_switches
    }
}

/// The thread's CPU time and voluntary context switches so far.
struct Usage {
    cpu: Duration,
    voluntary_switches: i64,
}

impl Usage {
    #[cfg(unix)]
    fn now() -> Self {
        use nix::sys::resource::{UsageWho, getrusage};
        match getrusage(UsageWho::RUSAGE_THREAD) {
            Ok(u) => {
                let micros = |t: nix::sys::time::TimeVal| {
                    Duration::from_secs(t.tv_sec().max(0) as u64)
                        + Duration::from_micros(t.tv_usec().max(0) as u64)
                };
                Usage {
                    cpu: micros(u.user_time()) + micros(u.system_time()),
                    voluntary_switches: u.voluntary_context_switches(),
                }
            }
            // Without the counters every slow poll counts (wall time alone).
            Err(_) => Usage {
                cpu: Duration::MAX,
                voluntary_switches: 0,
            },
        }
    }

    #[cfg(not(unix))]
    fn now() -> Self {
        Usage {
            cpu: Duration::MAX,
            voluntary_switches: 0,
        }
    }
}
