//! A circuit breaker on tokio's clock: closed → open after `threshold` failures in a row →
//! half-open after `cool_down` (one probe) → closed on success, open again on failure.

use std::sync::Mutex;
use std::time::Duration;

use faultline_harness::{Failure, Gauge};
use tokio::time::Instant;

/// The breaker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen,
}

/// Decides whether a call may go through, and learns from how it went.
pub struct Breaker {
    threshold: u32,
    cool_down: Duration,
    state: Mutex<State>,
    opened: Gauge,
    short_circuited: Gauge,
    /// The kind of the last failure it learned from.
    last_failure: Mutex<Option<String>>,
}

impl Breaker {
    /// The kind of the last failure the breaker learned from.
    pub fn last_failure(&self) -> Option<String> {
        self.last_failure.lock().expect("never poisoned").clone()
    }

    /// A closed breaker (call inside the run: its gauges belong to the run).
    pub fn new(threshold: u32, cool_down: Duration) -> Self {
        Breaker {
            threshold,
            cool_down,
            state: Mutex::new(State::Closed { failures: 0 }),
            opened: Gauge::new("breaker opened"),
            short_circuited: Gauge::new("short-circuited"),
            last_failure: Mutex::new(None),
        }
    }

    /// Whether a call may go through now (an open breaker past its cool-down lets one probe).
    pub fn allow(&self) -> bool {
        let mut state = self.state.lock().expect("never poisoned");
        match *state {
            State::Closed { .. } => true,
            State::Open { until } if Instant::now() >= until => {
                *state = State::HalfOpen;
                true
            }
            State::Open { .. } | State::HalfOpen => {
                self.short_circuited.add(1);
                false
            }
        }
    }

    /// Records how an allowed call went. It reads the error (its kind is kept): a fallback
    /// that drops the error unread (`Err(_) =>`, `.is_ok()`) is what the report calls
    /// DISCARDED.
    pub fn record(&self, outcome: Result<(), &Failure>) {
        let ok = match outcome {
            Ok(()) => true,
            Err(err) => {
                *self.last_failure.lock().expect("never poisoned") = Some(err.kind().to_owned());
                false
            }
        };
        let mut state = self.state.lock().expect("never poisoned");
        *state = match (*state, ok) {
            (_, true) => State::Closed { failures: 0 },
            (State::Closed { failures }, false) if failures + 1 < self.threshold => State::Closed {
                failures: failures + 1,
            },
            // A call let through before the breaker opened, failing late: it stays open.
            (open @ State::Open { .. }, false) => open,
            (State::Closed { .. } | State::HalfOpen, false) => {
                self.opened.add(1);
                State::Open {
                    until: Instant::now() + self.cool_down,
                }
            }
        };
    }
}
