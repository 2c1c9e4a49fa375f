//! `Failure`: an error that knows whether anyone looked at it.

use std::fmt;
use std::sync::Arc;

use crate::record::ledger::{self, ErrorIx};
use crate::record::panics::PanicPayload;

/// An error traced by the run: it records the task it came from, and whether anybody
/// looked at it before it was dropped.
///
/// Fault points return one when the plan injects an error; scenario code can make its
/// own with [`Failure::new`]. Reading it in any way — [`Display`](fmt::Display),
/// [`Debug`], [`kind`](Failure::kind), [`message`](Failure::message) — counts as
/// looking (so does `.expect()`, which formats it). Dropping every clone of it without
/// a look is what the report calls a **swallowed** error: the Rust counterpart of
/// asyncio's "Task exception was never retrieved", logged the moment it happens.
///
/// Use it as your error type, inside a `Box<dyn Error + Send + Sync>`, or gather
/// several in a `Vec<Failure>` (the counterpart of an `ExceptionGroup`): the harness
/// finds it in a task's output in all three forms.
#[derive(Clone)]
pub struct Failure(Arc<Inner>);

struct Inner {
    kind: String,
    message: String,
    /// The run and the ledger index; `None` outside a run.
    traced: Option<(u64, ErrorIx)>,
}

impl Failure {
    /// A new error of `kind` (a short name such as `ConnectionError`) with a message.
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> Self {
        let kind = kind.into();
        let message = message.into();
        let label = if message.is_empty() {
            kind.clone()
        } else {
            format!("{kind}: {message}")
        };
        let traced = ledger::with(|l| (l.run, l.error_created(label)));
        Failure(Arc::new(Inner {
            kind,
            message,
            traced,
        }))
    }

    /// The kind of error, such as `ConnectionError`. Counts as a look.
    pub fn kind(&self) -> &str {
        self.look();
        &self.0.kind
    }

    /// The message. Counts as a look.
    pub fn message(&self) -> &str {
        self.look();
        &self.0.message
    }

    fn look(&self) {
        if let Some((run, ix)) = self.0.traced {
            ledger::with_run(run, |l| l.error_looked(ix));
        }
    }

    /// The ledger index, read without counting as a look.
    pub(crate) fn traced_in(&self, run: u64) -> Option<ErrorIx> {
        self.0.traced.filter(|(r, _)| *r == run).map(|(_, ix)| ix)
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some((run, ix)) = self.traced {
            let dropper = tokio::task::try_id();
            ledger::with_run(run, |l| l.error_dropped(ix, dropper));
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.look();
        if self.0.message.is_empty() {
            f.write_str(&self.0.kind)
        } else {
            write!(f, "{}: {}", self.0.kind, self.0.message)
        }
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Failure {}

impl From<tokio::task::JoinError> for Failure {
    /// A task's panic or cancellation, as seen by whoever awaited it: reading the panic
    /// (it counts as a look). The task is named by its faultline name, never by its tokio id.
    fn from(err: tokio::task::JoinError) -> Self {
        let id = err.id();
        let name = || ledger::with(|l| l.task_of(id).map(|t| l.task_name(t).to_owned())).flatten();
        match err.try_into_panic() {
            Err(_) => match name() {
                Some(task) => Failure::new("Cancelled", format!("task {task} was cancelled")),
                None => Failure::new("Cancelled", "the task was cancelled"),
            },
            Ok(payload) => match payload.downcast_ref::<PanicPayload>() {
                Some(p) => Failure::new("Panicked", p.describe()),
                None => {
                    // A plain task's or a blocking job's panic: turned into a `Failure`,
                    // it was delivered and read, as a tracked task's is.
                    ledger::with(|l| l.panic_read(id));
                    Failure::new(
                        "Panicked",
                        crate::record::panics::panic_message(payload.as_ref()),
                    )
                }
            },
        }
    }
}
