//! What blocking jobs did, queued by the threads that saw it for the run's thread (see
//! [`jobs`](crate::record::jobs), which applies the queue to the ledger).

use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::Mutex;
use tokio::sync::Notify;
use tokio::time::Instant;

/// A blocking job's number within its run (the subscriber's span ids carry it).
pub(crate) type JobNo = u64;

/// What a blocking job did, as queued by the thread that saw it.
#[derive(Debug)]
pub(crate) enum JobEvent {
    /// Spawned off the run's thread: from inside another blocking job, its parent.
    Spawned {
        job: JobNo,
        name: Option<String>,
        file: String,
        line: u32,
        /// Its tokio id, as a number.
        id: u64,
        at: Instant,
        parent_job: Option<JobNo>,
    },
    /// A tokio task spawned from inside a blocking job (`Handle::spawn`), whose spawn hook
    /// ran on the job's thread (only with tokio's task hooks).
    #[cfg_attr(not(all(tokio_unstable, not(loom))), allow(dead_code))]
    TaskSpawned {
        id: tokio::task::Id,
        at: &'static Location<'static>,
        start: Instant,
        parent_job: JobNo,
    },
    /// It panicked (the message, with where).
    Panicked { job: JobNo, message: String },
    /// It returned or panicked, at `at`; during the runtime's shutdown or not.
    Finished {
        job: JobNo,
        at: Instant,
        shutdown: bool,
    },
    /// It was dropped without having run to its end (aborted before it started, or never
    /// started before the runtime shut down).
    Dropped {
        job: JobNo,
        at: Instant,
        shutdown: bool,
    },
}

/// The queue of a run's blocking jobs' events, shared by the run's thread and the blocking
/// threads.
#[derive(Default)]
pub(crate) struct JobQueue {
    pending: AtomicBool,
    events: Mutex<Vec<JobEvent>>,
    /// Woken when a job ends, so the driver looks again for quiescence.
    pub(crate) quiet: Arc<Notify>,
}

impl JobQueue {
    pub(crate) fn push(&self, event: JobEvent) {
        let wake = matches!(event, JobEvent::Finished { .. } | JobEvent::Dropped { .. });
        self.events.lock().push(event);
        self.pending.store(true, Ordering::Release);
        if wake {
            self.quiet.notify_one();
        }
    }

    /// Whether events wait to be applied.
    #[inline]
    pub(crate) fn is_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// The events queued so far, in the order they were queued.
    pub(crate) fn take(&self) -> Vec<JobEvent> {
        let mut events = self.events.lock();
        self.pending.store(false, Ordering::Release);
        std::mem::take(&mut *events)
    }
}
