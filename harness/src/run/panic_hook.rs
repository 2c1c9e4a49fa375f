//! The process's panic hook, quiet inside runs.
//!
//! A panic inside a run is one of the run's findings: the ledger records the task and the
//! message, and the report shows them. Printing it too, as std's hook does (with a
//! backtrace under `RUST_BACKTRACE=1`), floods whoever grades a hundred runs of an
//! unfinished exercise. So the hook installed here stays silent for a panic on a thread
//! while a run is installed there (or in one of its blocking jobs), and keeps the panic's
//! location for the report (the message the ledger records reads `not yet implemented (at
//! scenarios/gather/src/structured.rs:14:5)`); any other panic goes to the hook that was
//! there before. (Proven from outside, since a run here
//! would take the run threads that `worker`'s test counts on: the location by
//! `tests/verdicts.rs` and `tests/misbehaviour.rs`, the silence by the scoreboard's tests,
//! which read the CLI's stderr.)

use std::panic::PanicHookInfo;
use std::sync::Once;

use crate::record::{jobs, ledger, panics};

/// Installs the hook, once per process: silent for panics inside a run on this thread,
/// the previous hook for every other panic.
pub(crate) fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if ledger::is_installed() {
                remember(info);
            } else if !jobs::panicked(|| located_here(info)) {
                previous(info);
            }
        }));
    });
}

/// Keeps the panic's location for the task's wrapper to pick up; a plain tokio task, which
/// has no wrapper, gets its message and location on its row now.
fn remember(info: &PanicHookInfo<'_>) {
    let (message, location) = message_and_location(info);
    let plain =
        ledger::with(|l| l.plain_panicked(panics::with_location(message, location.as_deref())))
            .unwrap_or(false);
    // The location must not wait for a wrapper that will never come.
    if !plain {
        panics::keep_location(location);
    }
}

/// The panic's message with where it happened: for a blocking job's row.
fn located_here(info: &PanicHookInfo<'_>) -> String {
    let (message, location) = message_and_location(info);
    panics::with_location(message, location.as_deref())
}

/// The panic's message, and its location (`file:line:column`) unless the plan injected it
/// (its message names the fault point already, and the location would be the harness's own).
fn message_and_location(info: &PanicHookInfo<'_>) -> (String, Option<String>) {
    let message = panics::panic_message(info.payload());
    let injected = message.starts_with("injected panic at ");
    let location = (info.location())
        .filter(|_| !injected)
        .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
    (message, location)
}
