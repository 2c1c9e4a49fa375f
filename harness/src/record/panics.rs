//! A task's panic as the harness keeps it: the payload a tracked task's `JoinError` carries
//! (so the harness sees whether anybody read it), the message of any payload, and where
//! the last panic on this thread happened (the panic hook keeps it; a task's end reads it).

use std::any::Any;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::record::ledger::{self, TaskIx};

/// A panic the hook saw: the tracked task being polled, and where (none for the plan's).
type Kept = (Option<TaskIx>, Option<String>);

thread_local! {
    /// The last panic on this thread inside a run that the panic hook saw, until a task
    /// picks it up.
    static LOCATION: RefCell<Option<Kept>> = const { RefCell::new(None) };
}

/// Keeps where a panic happened for the task's wrapper to pick up ([`located`]).
pub(crate) fn keep_location(location: Option<String>) {
    let kept = (ledger::current_task(), location);
    LOCATION.with(|slot| *slot.borrow_mut() = Some(kept));
}

/// `message (at scenarios/gather/src/structured.rs:14:5)`, or the message alone.
pub(crate) fn with_location(message: String, at: Option<&str>) -> String {
    match at {
        Some(at) => format!("{message} (at {at})"),
        None => message,
    }
}

/// `message` with the location of the panic that just unwound out of task `ix`, if the
/// hook kept one: `not yet implemented (at scenarios/gather/src/structured.rs:14:5)`; and
/// whether the hook saw it raised in `ix` at all (it sees none re-raised with
/// `resume_unwind`; one another task caught is not `ix`'s).
pub(crate) fn located(message: String, ix: TaskIx) -> (String, bool) {
    let kept = LOCATION.with(|slot| slot.borrow_mut().take());
    match kept {
        Some((Some(task), at)) if task == ix => (with_location(message, at.as_deref()), true),
        _ => (message, false),
    }
}

/// The file and line of a panic message's location, as [`with_location`] wrote it:
/// `("tests/pool.rs", 12)` for `boom (at tests/pool.rs:12:9)`.
pub(crate) fn location_of(message: &str) -> Option<(&str, u32)> {
    let (_, at) = message.strip_suffix(')')?.rsplit_once(" (at ")?;
    let (rest, _column) = at.rsplit_once(':')?;
    let (file, line) = rest.rsplit_once(':')?;
    Some((file, line.parse().ok()?))
}

/// Forgets a location left by a panic nobody picked up (one caught by the code under test
/// with `catch_unwind`): each run starts with none.
pub(crate) fn forget() {
    LOCATION.with(|slot| slot.borrow_mut().take());
}

/// The payload of a tracked task's panic, as found in its `JoinError` (`into_panic()`).
///
/// It replaces the original payload so the harness can tell whether the `JoinError`
/// reached anyone: dropped inside the task's own context (its handle or `JoinSet` was
/// dropped, or the runtime shut down), nobody saw the panic. The message is kept:
/// read it with [`PanicPayload::message`]. tokio's `JoinError` display then reads
/// "task N panicked" without the message, since it only prints `String` payloads.
#[derive(Debug)]
pub struct PanicPayload {
    message: String,
    run: u64,
    task: TaskIx,
    /// Whether anybody read it ([`PanicPayload::message`], or turning the `JoinError`
    /// into a [`Failure`]).
    read: AtomicBool,
}

impl PanicPayload {
    /// The payload for task `task` of run `run`, not read yet.
    pub(crate) fn new(message: String, run: u64, task: TaskIx) -> Self {
        PanicPayload {
            message,
            run,
            task,
            read: AtomicBool::new(false),
        }
    }

    /// Counts as a look: a child's panic re-raised goes on to whoever reads the new one.
    pub(crate) fn mark_read(&self) {
        self.read.store(true, Ordering::Relaxed);
    }
    /// The panic message. Reading it counts as looking at the panic.
    pub fn message(&self) -> &str {
        self.read.store(true, Ordering::Relaxed);
        &self.message
    }

    /// The panicking task's name in its run, and the message; counts as a look.
    pub(crate) fn describe(&self) -> String {
        let name = ledger::with_run(self.run, |l| l.task_name(self.task).to_owned());
        match name {
            Some(name) => format!("task {name} panicked: {}", self.message()),
            None => format!("a task panicked: {}", self.message()),
        }
    }
}

impl Drop for PanicPayload {
    fn drop(&mut self) {
        let dropper = tokio::task::try_id();
        let read = self.read.load(Ordering::Relaxed);
        ledger::with_run(self.run, |l| l.panic_dropped(self.task, dropper, read));
    }
}

pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(p) = payload.downcast_ref::<PanicPayload>() {
        p.message.clone()
    } else {
        "(non-string panic payload)".to_owned()
    }
}
