//! Blocking jobs (`spawn_blocking`): rows made from tokio's own instrumentation.
//!
//! tokio's task hooks pass the blocking pool by: no spawn hook, no poll hooks. With its
//! `tracing` feature (live under `--cfg tokio_unstable`), tokio wraps every blocking job in a
//! span `runtime.spawn` (target `tokio::task::blocking`) that carries the job's name and
//! spawn location. The span is created where `spawn_blocking` is called, entered on the
//! blocking thread while the job runs, exited when it returns or panics, and closed when
//! the job is dropped. The run's subscriber ([`Reading`](crate::run::reading::Reading))
//! keeps these spans for itself and tells this module:
//! created → a row, whose parent is the task being polled; exited → the job returned (or
//! panicked: the panic hook saw it first); closed without having run → dropped.
//!
//! A blocking thread never takes the ledger itself: the run's thread takes it without
//! waiting (a busy ledger there means re-entry) and would lose records to the contention.
//! So a blocking thread queues what happened, with the virtual time it happened at, and the
//! run's thread applies the queue before anything else it records (see [`ledger::with`]).
//! The job's exit is queued before tokio wakes whoever awaits the job, so a parent that
//! awaited its job always sees the job end first.

use std::cell::RefCell;
use std::panic::Location;
use std::sync::Arc;

use tokio::time::Instant;

pub(crate) use crate::record::job_queue::{JobEvent, JobNo};
use crate::record::ledger::{self, Ending, Ledger, Origin, Phase, Shared, TaskIx};
use crate::record::name::Name;
use crate::record::outcome::CancelCause;

thread_local! {
    /// The blocking job running on this thread, if any: for the panic hook.
    static RUNNING: RefCell<Option<(Arc<Shared>, JobNo)>> = const { RefCell::new(None) };
}

/// A job's span was created: `spawn_blocking` was just called on this thread.
pub(crate) fn spawned(
    shared: &Arc<Shared>,
    job: JobNo,
    name: Option<String>,
    file: String,
    line: u32,
    id: u64,
) {
    let at = Instant::now();
    // On the run's thread, the row is made now, with the task being polled as its parent.
    if ledger::with(|l| l.job_spawned(job, name.clone(), (&file, line, id), Parent::Polled, at))
        .is_some()
    {
        return;
    }
    let parent_job = RUNNING.with(|r| r.borrow().as_ref().map(|(_, job)| *job));
    shared.jobs.push(JobEvent::Spawned {
        job,
        name,
        file,
        line,
        id,
        at,
        parent_job,
    });
}

/// tokio's spawn hook, off the run's thread: a task spawned from inside a blocking job gets
/// its row when the run's thread next takes the ledger. Whether it was one.
#[cfg(all(tokio_unstable, not(loom)))]
pub(crate) fn task_spawned(id: tokio::task::Id, at: &'static Location<'static>) -> bool {
    RUNNING.with(|r| match r.borrow().as_ref() {
        Some((shared, job)) => {
            shared.jobs.push(JobEvent::TaskSpawned {
                id,
                at,
                start: Instant::now(),
                parent_job: *job,
            });
            true
        }
        None => false,
    })
}

/// A job starts running on this thread.
pub(crate) fn entered(shared: &Arc<Shared>, job: JobNo) {
    RUNNING.with(|r| *r.borrow_mut() = Some((shared.clone(), job)));
}

/// The job running on this thread returned or panicked.
pub(crate) fn exited(shared: &Shared, job: JobNo) {
    RUNNING.with(|r| r.borrow_mut().take());
    shared.jobs.push(JobEvent::Finished {
        job,
        at: Instant::now(),
        shutdown: shared.shutting_down(),
    });
}

/// The job's span closed: it was dropped, whether it ran or not.
pub(crate) fn closed(shared: &Shared, job: JobNo, ran: bool) {
    if !ran {
        shared.jobs.push(JobEvent::Dropped {
            job,
            at: Instant::now(),
            shutdown: shared.shutting_down(),
        });
    }
}

/// The panic hook's part: a panic in a blocking job of a run is one of the run's findings.
/// Whether the panic was one.
pub(crate) fn panicked(message: impl FnOnce() -> String) -> bool {
    RUNNING.with(|r| match r.borrow().as_ref() {
        Some((shared, job)) => {
            shared.jobs.push(JobEvent::Panicked {
                job: *job,
                message: message(),
            });
            true
        }
        None => false,
    })
}

/// Who spawned a blocking job.
pub(crate) enum Parent {
    /// The task being polled on the run's thread.
    Polled,
    /// Known from the queue: a blocking job's row, or none.
    Known(Option<TaskIx>),
}

impl Ledger {
    /// A row for a blocking job: its faultline name if it was given one, else where it was
    /// spawned (`src/lib.rs:96`, `…#2` for the second job spawned there).
    pub(crate) fn job_spawned(
        &mut self,
        job: JobNo,
        name: Option<String>,
        (file, line, id): (&str, u32, u64),
        parent: Parent,
        at: Instant,
    ) {
        let name = name.unwrap_or_else(|| {
            let nth = self.jobs_at.entry((file.to_owned(), line)).or_insert(0);
            *nth += 1;
            match *nth {
                1 => crate::record::name::location_name(file, line),
                n => format!("{}#{n}", crate::record::name::location_name(file, line)),
            }
        });
        let parent = match parent {
            Parent::Polled => {
                // A task spawned from inside this job is queued: the terminate hook must look.
                Ledger::note_plain();
                self.current()
            }
            Parent::Known(parent) => parent,
        };
        let Some(ix) = self.spawned_at_time(Name::from(name), parent, at) else {
            return;
        };
        self.tasks[ix as usize].origin = Origin::BlockingJob;
        self.tasks[ix as usize].rare_mut().tokio_id = Some(id);
        self.jobs_alive += 1;
        self.jobs_total += 1;
        let slot = job as usize;
        if self.jobs.len() <= slot {
            self.jobs.resize(slot + 1, None);
        }
        self.jobs[slot] = Some(ix);
    }

    /// Applies what blocking threads queued.
    pub(crate) fn apply_jobs(&mut self, events: Vec<JobEvent>) {
        for event in events {
            self.apply_job(event);
        }
    }

    /// Applies the queue taken as the plain task `id` ended, that task's end included.
    /// tokio wakes whoever awaits a task before it calls the terminate hook: a blocking job
    /// that spawned it and awaits it on its own thread may have ended, and queued that,
    /// already, at this same virtual instant. Such a job's end is applied after the task's,
    /// as it happened. (One that ended earlier, and was not applied yet because nothing took
    /// the ledger since, did end first.)
    #[cfg(all(tokio_unstable, not(loom)))]
    pub(crate) fn apply_jobs_as_ended(&mut self, id: tokio::task::Id, events: Vec<JobEvent>) {
        if events.is_empty() {
            // The common case: no job did anything since the ledger was last taken (and no
            // clock read, which costs as much as the rest of a plain task's end).
            return self.plain_terminated(id);
        }
        let now = Instant::now();
        let mut after = Vec::new();
        for event in events {
            let spawner = || (self.plain.get(id)).and_then(|ix| self.tasks[ix as usize].parent);
            match event {
                JobEvent::Finished { job, at, .. } | JobEvent::Dropped { job, at, .. }
                    if at == now && self.job_row(job).is_some_and(|row| Some(row) == spawner()) =>
                {
                    after.push(event);
                }
                event => self.apply_job(event),
            }
        }
        self.plain_terminated(id);
        self.apply_jobs(after);
    }

    fn apply_job(&mut self, event: JobEvent) {
        match event {
            JobEvent::Spawned {
                job,
                name,
                file,
                line,
                id,
                at,
                parent_job,
            } => {
                let parent = parent_job.and_then(|job| self.job_row(job));
                self.job_spawned(job, name, (&file, line, id), Parent::Known(parent), at);
            }
            JobEvent::TaskSpawned {
                id,
                at,
                start,
                parent_job,
            } => {
                let parent = self.job_row(parent_job);
                self.plain_spawned_by(id, at, parent, start);
            }
            JobEvent::Panicked { job, message } => {
                if let Some(ix) = self.job_row(job) {
                    self.tasks[ix as usize].rare_mut().panic = Some(message);
                }
            }
            JobEvent::Finished { job, at, shutdown } => {
                let Some(ix) = self.job_row(job) else {
                    return;
                };
                let ended = match self.tasks[ix as usize].rare_mut().panic.take() {
                    _ if shutdown => Ending::DroppedAtShutdown,
                    Some(message) => Ending::Panicked {
                        message,
                        reraised: false,
                    },
                    None => Ending::Unseen,
                };
                self.job_ended(ix, ended, at);
            }
            JobEvent::Dropped { job, at, shutdown } => {
                let Some(ix) = self.job_row(job) else {
                    return;
                };
                let ended = if shutdown || self.phase == Phase::Shutdown {
                    Ending::DroppedAtShutdown
                } else {
                    Ending::Cancelled(CancelCause::Aborted)
                };
                self.job_ended(ix, ended, at);
            }
        }
    }

    fn job_row(&self, job: JobNo) -> Option<TaskIx> {
        self.jobs.get(job as usize).copied().flatten()
    }

    fn job_ended(&mut self, ix: TaskIx, ended: Ending, at: Instant) {
        if self.tasks[ix as usize].ended.is_some() {
            return; // stalled at the deadline, or judged by the watchdog already
        }
        self.ended_at(ix, ended, at, None);
    }

    /// The blocking jobs still running, by name: for a run the watchdog gave up on.
    pub(crate) fn running_jobs(&self) -> Vec<String> {
        (self.jobs.iter().flatten())
            .filter(|&&ix| self.tasks[ix as usize].ended.is_none())
            .map(|&ix| self.task_name(ix).to_owned())
            .collect()
    }
}

/// The faultline name a blocking job was given ([`spawn_blocking`](crate::spawn_blocking)),
/// as tokio's span carries it: empty when it has none.
pub(crate) fn given_name(name: String) -> Option<String> {
    (!name.is_empty()).then_some(name)
}
