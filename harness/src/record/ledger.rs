//! The per-run ledger: what every tracked task, error and fault point did, in virtual time.
//!
//! One ledger per run, installed in a thread-local of the run's own thread for the run's
//! duration. The run's runtime is current-thread, so every task is polled (and dropped)
//! on that thread; nothing is shared between runs. Wrappers hold only indices into the
//! ledger, which keeps them `Send` and cheap. The ledger sits behind a mutex only so that
//! the watchdog (on the caller's thread) can read it when the run's thread is stuck.

use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::{Mutex, MutexGuard};
use tokio::sync::Notify;
use tokio::task::AbortHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::plan::injector::Injector;
use crate::plan::{Action, Plan};
use crate::record::chunked::Chunked;
use crate::record::name::Name;
use crate::report::{CancelCause, Outcome};
use crate::resource::ResourceRec;

/// Index of a task in its run's ledger.
pub(crate) type TaskIx = u32;
/// Index of a traced error in its run's ledger.
pub(crate) type ErrorIx = u32;

thread_local! {
    static LOCAL: Local = const {
        Local {
            shared: RefCell::new(None),
            current: Cell::new(None),
        }
    };
}

thread_local! {
    /// Task-record chunks of the thread's earlier runs (see [`Chunked`]).
    static SPARE_TASKS: RefCell<Vec<Vec<TaskRec>>> = const { RefCell::new(Vec::new()) };
}

/// What a thread knows of the run going on on it (one thread-local: a poll reads it twice).
struct Local {
    shared: RefCell<Option<Arc<Shared>>>,
    /// The tracked task being polled right now on this thread, if any.
    current: Cell<Option<TaskIx>>,
}

static NEXT_RUN: AtomicU64 = AtomicU64::new(1);

/// Which part of a run is going on; decides what a dropped task means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// The body (the root task) is running, or the run drains after it.
    Running,
    /// The deadline passed with the body still pending: whatever is alive is stalled.
    Stalled,
    /// The runtime is being dropped: whatever is dropped now was dropped at shutdown.
    Shutdown,
}

/// How a task ended, as the ledger saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ended {
    Completed,
    Failed,
    Panicked { message: String },
    Cancelled(CancelCause),
    DroppedAtShutdown,
    Stalled,
}

impl Ended {
    pub(crate) fn outcome(&self) -> Outcome {
        match self {
            Ended::Completed => Outcome::Completed,
            Ended::Failed => Outcome::Failed,
            Ended::Panicked { .. } => Outcome::Panicked,
            Ended::Cancelled(_) => Outcome::Cancelled,
            Ended::DroppedAtShutdown => Outcome::DroppedAtShutdown,
            Ended::Stalled => Outcome::Stalled,
        }
    }
}

/// Whether a panic's `JoinError` reached anyone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// Not yet known: the payload is still held somewhere.
    #[default]
    Pending,
    /// Taken out of the task by an awaiting task or the harness.
    Delivered,
    /// Dropped with the task's handle, its `JoinSet`, or the runtime: nobody saw it.
    Dropped,
}

/// One task in the ledger. A run may hold 100,000 of these, so the record is kept small
/// (about 100 bytes): what only some tasks have is boxed aside in [`Rare`].
#[derive(Debug)]
pub(crate) struct TaskRec {
    pub(crate) name: Name,
    pub(crate) parent: Option<TaskIx>,
    /// Instants on the run's clock, not durations: turning them into time since the start
    /// is left to the report (a subtraction per task saved on the way).
    pub(crate) start: Instant,
    pub(crate) end: Option<Instant>,
    /// How it ended, once it did (what cancelled it, or its panic, is in `rare`).
    pub(crate) ended: Option<Outcome>,
    /// Order in which tasks ended (a tie-break within one virtual instant); set when it ends.
    pub(crate) end_seq: u32,
    /// Kept only when the plan can cancel tasks (see [`Plan::can_cancel`]).
    pub(crate) abort: Option<AbortHandle>,
    pub(crate) rare: Option<Box<Rare>>,
}

/// What only some tasks have: a token, a cancellation, a panic, traced errors, blocked polls.
#[derive(Debug, Default)]
pub(crate) struct Rare {
    pub(crate) token: Option<CancellationToken>,
    /// Set before the harness aborts the task, so its drop knows why.
    pub(crate) cancel_request: Option<CancelCause>,
    /// What cancelled it, when it ended cancelled.
    pub(crate) cancelled_by: Option<CancelCause>,
    /// Its panic message, when it panicked.
    pub(crate) panic: Option<String>,
    /// Traced errors the task's output carried when it failed.
    pub(crate) carried: Vec<ErrorIx>,
    pub(crate) panic_delivery: Delivery,
    /// Polls that blocked the executor thread (when detection is on).
    pub(crate) blocking_polls: u32,
}

impl TaskRec {
    /// The rare part, made on first use.
    pub(crate) fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_default()
    }

    pub(crate) fn token(&self) -> Option<&CancellationToken> {
        self.rare.as_ref()?.token.as_ref()
    }

    pub(crate) fn cancelled_by(&self) -> Option<&CancelCause> {
        self.rare.as_ref()?.cancelled_by.as_ref()
    }

    pub(crate) fn panic(&self) -> Option<&str> {
        self.rare.as_ref()?.panic.as_deref()
    }

    pub(crate) fn carried(&self) -> &[ErrorIx] {
        self.rare.as_ref().map_or(&[], |r| &r.carried)
    }

    pub(crate) fn panic_delivery(&self) -> Delivery {
        self.rare
            .as_ref()
            .map_or(Delivery::Pending, |r| r.panic_delivery)
    }

    pub(crate) fn blocking_polls(&self) -> u32 {
        self.rare.as_ref().map_or(0, |r| r.blocking_polls)
    }

    fn token_fired(&self) -> bool {
        self.token().is_some_and(CancellationToken::is_cancelled)
    }
}

#[derive(Debug)]
pub(crate) struct ErrorRec {
    pub(crate) label: String,
    pub(crate) origin: Option<TaskIx>,
    pub(crate) created: Duration,
    pub(crate) looked_by: Option<Looker>,
    pub(crate) dropped: Option<(Duration, Option<TaskIx>)>,
}

/// Who looked at an error: a task, or the run itself (the body's result is shown to the user).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Looker {
    Task(TaskIx),
    Run,
}

/// One hit of a fault point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HitRec {
    pub(crate) point: &'static str,
    pub(crate) key: Option<String>,
    pub(crate) hit: u32,
    pub(crate) at: Duration,
    pub(crate) task: Option<TaskIx>,
    pub(crate) action: Option<Action>,
}

pub(crate) struct Ledger {
    pub(crate) run: u64,
    /// Tasks judged individually at most; the rest are only counted (memory stays bounded).
    max_tasks: usize,
    /// Tasks spawned past `max_tasks`.
    pub(crate) overflow: usize,
    pub(crate) start: Instant,
    pub(crate) phase: Phase,
    pub(crate) plan: Plan,
    /// The plan's per-run state: used-up counts and the seeded rolls.
    injector: Injector,
    pub(crate) tasks: Chunked<TaskRec>,
    pub(crate) errors: Vec<ErrorRec>,
    pub(crate) hits: Vec<HitRec>,
    /// Every pool, gauge and store created in the run, in creation order.
    pub(crate) resources: Vec<ResourceRec>,
    /// Hits so far per point name, in first-hit order (a `Vec`: few names, fixed order).
    hit_counts: Vec<(&'static str, u32)>,
    pub(crate) alive: usize,
    seq: u32,
    /// Whether tasks' abort handles are kept: only when the plan can cancel one.
    keep_aborts: bool,
    /// Woken whenever a tracked task ends, so the driver can look for quiescence.
    pub(crate) quiet: Arc<Notify>,
    /// Fired by the plan's `shutdown` event.
    pub(crate) shutdown: CancellationToken,
}

impl Ledger {
    pub(crate) fn new(
        start: Instant,
        plan: Plan,
        seed: u64,
        quiet: Arc<Notify>,
        max_tasks: usize,
    ) -> Self {
        Ledger {
            injector: Injector::new(&plan, seed),
            keep_aborts: plan.can_cancel(),
            max_tasks,
            overflow: 0,
            run: NEXT_RUN.fetch_add(1, Ordering::Relaxed),
            start,
            phase: Phase::Running,
            plan,
            tasks: Chunked::recycling(&SPARE_TASKS),
            errors: Vec::new(),
            hits: Vec::new(),
            resources: Vec::new(),
            hit_counts: Vec::new(),
            alive: 0,
            seq: 0,
            quiet,
            shutdown: CancellationToken::new(),
        }
    }

    pub(crate) fn now(&self) -> Duration {
        self.since_start(Instant::now())
    }

    /// Virtual time from the start of the run to `at`.
    pub(crate) fn since_start(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.start)
    }

    pub(crate) fn task_name(&self, ix: TaskIx) -> &str {
        self.tasks[ix as usize].name.as_str()
    }

    /// Whether a spawn should hand its abort handle to [`Ledger::keep_abort`].
    pub(crate) fn keeps_aborts(&self) -> bool {
        self.keep_aborts
    }

    /// Keeps a task's abort handle, for the plan's cancellations.
    pub(crate) fn keep_abort(&mut self, ix: TaskIx, abort: AbortHandle) {
        let rec = &mut self.tasks[ix as usize];
        if rec.ended.is_none() {
            rec.abort = Some(abort);
        }
    }

    /// Records a spawn; `None` past the cap on tasks judged individually.
    pub(crate) fn spawned(
        &mut self,
        name: Name,
        token: Option<CancellationToken>,
    ) -> Option<TaskIx> {
        if self.tasks.len() >= self.max_tasks {
            if self.overflow == 0 {
                tracing::warn!(target: "faultline", cap = self.max_tasks, "task ledger full: further tasks run, but are not judged individually");
            }
            self.overflow += 1;
            return None;
        }
        let ix = self.tasks.len() as TaskIx;
        self.tasks.push(TaskRec {
            name,
            parent: current_task(),
            start: Instant::now(),
            end: None,
            ended: None,
            end_seq: 0,
            abort: None,
            rare: token.map(|token| {
                Box::new(Rare {
                    token: Some(token),
                    ..Rare::default()
                })
            }),
        });
        self.alive += 1;
        Some(ix)
    }

    /// Records how a task ended (first word wins: a stalled task later dropped stays stalled).
    pub(crate) fn ended(&mut self, ix: TaskIx, ended: Ended) {
        let now = Instant::now();
        let rec = &mut self.tasks[ix as usize];
        if rec.ended.is_some() {
            return;
        }
        let ended = match ended {
            // A task that returns after its token fired was stopped by the token.
            Ended::Completed | Ended::Failed if rec.token_fired() => {
                Ended::Cancelled(CancelCause::Token)
            }
            other => other,
        };
        rec.ended = Some(ended.outcome());
        match ended {
            Ended::Panicked { message } => rec.rare_mut().panic = Some(message),
            Ended::Cancelled(cause) => rec.rare_mut().cancelled_by = Some(cause),
            _ => {}
        }
        rec.end = Some(now);
        rec.end_seq = self.seq;
        rec.abort = None;
        self.seq += 1;
        self.alive -= 1;
        // With tokio's task hooks the runtime wakes the driver at every task's end already.
        if !cfg!(all(tokio_unstable, not(loom))) {
            self.quiet.notify_one();
        }
        self.trace_end(ix);
    }

    fn trace_end(&self, ix: TaskIx) {
        let rec = &self.tasks[ix as usize];
        let at_ms = || self.since_start(rec.end.unwrap_or(self.start)).as_millis() as u64;
        // Field values are evaluated only when an event is enabled: the name (which may
        // have to be formatted) and the time are not computed for every task that ends quietly.
        match rec.ended {
            Some(Outcome::DroppedAtShutdown) => {
                tracing::warn!(target: "faultline", task = rec.name.as_str(), at_ms = at_ms(), "task dropped at shutdown: it was still running when the runtime was dropped")
            }
            Some(Outcome::Stalled) => {
                tracing::warn!(target: "faultline", task = rec.name.as_str(), at_ms = at_ms(), "task stalled: still pending at the deadline")
            }
            Some(Outcome::Cancelled) => {
                let cause = rec.cancelled_by().unwrap_or(&CancelCause::Aborted);
                tracing::info!(target: "faultline", task = rec.name.as_str(), at_ms = at_ms(), cause = %cause, "task cancelled")
            }
            _ => {}
        }
        if let Some(parent) = rec.parent
            && tracing::enabled!(target: "faultline", tracing::Level::WARN)
            && self.outlived(ix)
        {
            let parent = &self.tasks[parent as usize];
            let (end, parent_end) = (
                rec.end.unwrap_or(self.start),
                parent.end.unwrap_or(self.start),
            );
            let by_ms = end.saturating_duration_since(parent_end).as_millis() as u64;
            tracing::warn!(target: "faultline", task = rec.name.as_str(), parent = parent.name.as_str(), by_ms, "task outlived its parent");
        }
    }

    /// A child alive when its parent ended outlived it, unless the parent's scope cancelled it
    /// on the way out (a dropped `JoinSet` aborts on the next tick, at the same virtual instant;
    /// so does a token's drop guard, which stops the task by its token).
    pub(crate) fn outlived(&self, ix: TaskIx) -> bool {
        let rec = &self.tasks[ix as usize];
        let Some(parent) = rec.parent else {
            return false;
        };
        let parent = &self.tasks[parent as usize];
        match parent.ended {
            None => return false,
            // A stalled parent never ended: its children stalled with it, they did not outlive it.
            Some(Outcome::Stalled) => return false,
            Some(_) => {}
        }
        if rec.ended.is_some() && rec.end_seq < parent.end_seq {
            return false;
        }
        let cleaned_up = matches!(
            rec.cancelled_by(),
            Some(CancelCause::Aborted | CancelCause::Token)
        ) && rec.end == parent.end;
        !cleaned_up
    }

    /// What a tracked future's drop before completion means now.
    pub(crate) fn dropped_early(&mut self, ix: TaskIx) {
        let ended = match self.phase {
            Phase::Shutdown => Ended::DroppedAtShutdown,
            Phase::Stalled => Ended::Stalled,
            Phase::Running => {
                let rec = &self.tasks[ix as usize];
                let request = rec.rare.as_ref().and_then(|r| r.cancel_request.clone());
                let cause = request.unwrap_or(if rec.token_fired() {
                    CancelCause::Token
                } else {
                    CancelCause::Aborted
                });
                Ended::Cancelled(cause)
            }
        };
        self.ended(ix, ended);
    }

    /// Records a poll of `ix` that blocked the executor thread.
    pub(crate) fn blocked(&mut self, ix: TaskIx) {
        let at_ms = self.now().as_millis() as u64;
        let rec = &mut self.tasks[ix as usize];
        rec.rare_mut().blocking_polls += 1;
        if rec.blocking_polls() == 1 {
            tracing::warn!(target: "faultline", task = rec.name.as_str(), at_ms, "task blocked the executor: one poll held the runtime's thread (a blocking call or a CPU loop in async code)");
        }
    }

    /// Aborts a tracked task for the given reason. Returns false if it is not alive.
    pub(crate) fn cancel(&mut self, ix: TaskIx, cause: CancelCause) -> bool {
        let rec = &mut self.tasks[ix as usize];
        match (&rec.ended, rec.abort.clone()) {
            (None, Some(abort)) => {
                rec.rare_mut().cancel_request = Some(cause);
                abort.abort();
                true
            }
            _ => false,
        }
    }

    pub(crate) fn find_alive(&self, name: &str) -> Option<TaskIx> {
        self.tasks
            .iter()
            .position(|t| t.ended.is_none() && t.name == name)
            .map(|ix| ix as TaskIx)
    }

    pub(crate) fn error_created(&mut self, label: String) -> ErrorIx {
        let ix = self.errors.len() as ErrorIx;
        let created = self.now();
        self.errors.push(ErrorRec {
            label,
            origin: current_task(),
            created,
            looked_by: None,
            dropped: None,
        });
        ix
    }

    pub(crate) fn error_looked(&mut self, ix: ErrorIx) {
        let rec = &mut self.errors[ix as usize];
        if rec.looked_by.is_none() {
            rec.looked_by = Some(current_task().map_or(Looker::Run, Looker::Task));
        }
    }

    pub(crate) fn error_dropped(&mut self, ix: ErrorIx) {
        let now = self.now();
        let by = current_task();
        let rec = &mut self.errors[ix as usize];
        rec.dropped = Some((now, by));
        if rec.looked_by.is_none() {
            let origin = rec.origin.map(|t| self.tasks[t as usize].name.as_str());
            tracing::warn!(
                target: "faultline",
                error = rec.label.as_str(),
                task = origin.unwrap_or("-"),
                at_ms = now.as_millis() as u64,
                "error was never looked at: it was dropped unread"
            );
        }
    }

    pub(crate) fn panic_dropped(&mut self, ix: TaskIx, delivered: bool) {
        let at_ms = self.now().as_millis() as u64;
        let rec = &mut self.tasks[ix as usize];
        if rec.panic_delivery() != Delivery::Pending {
            return;
        }
        rec.rare_mut().panic_delivery = if delivered {
            Delivery::Delivered
        } else {
            tracing::warn!(
                target: "faultline",
                task = rec.name.as_str(),
                at_ms,
                "panic was never looked at: its JoinError was dropped unread"
            );
            Delivery::Dropped
        };
    }

    /// Counts a hit of a fault point and returns what the plan says to do there.
    pub(crate) fn hit(&mut self, point: &'static str, key: Option<String>) -> Option<Action> {
        let count = match self.hit_counts.iter_mut().find(|(p, _)| *p == point) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.hit_counts.push((point, 1));
                1
            }
        };
        let action = self
            .injector
            .decide(&self.plan, point, key.as_deref(), count);
        let at = self.now();
        self.hits.push(HitRec {
            point,
            key,
            hit: count,
            at,
            task: current_task(),
            action: action.clone(),
        });
        action
    }
}

/// A run's ledger as shared with its watchdog, plus the task being polled right now.
pub(crate) struct Shared {
    ledger: Mutex<Option<Ledger>>,
    polling: AtomicU32,
    /// Polls started so far: the watchdog's measure of progress.
    progress: AtomicU64,
    /// Whether the runtime is running the body (the watchdog only judges then).
    in_runtime: AtomicBool,
}

const NOT_POLLING: u32 = u32::MAX;

impl Shared {
    pub(crate) fn new() -> Self {
        Shared {
            ledger: Mutex::new(None),
            polling: AtomicU32::new(NOT_POLLING),
            progress: AtomicU64::new(0),
            in_runtime: AtomicBool::new(false),
        }
    }

    /// The ledger, unless it is locked already (a re-entrant call, or the watchdog).
    /// A `parking_lot` mutex: no poisoning to check, twice per task (a run whose thread
    /// panicked is reported from what the ledger holds, as it is).
    fn try_lock(&self) -> Option<MutexGuard<'_, Option<Ledger>>> {
        self.ledger.try_lock()
    }

    /// Blocks until the ledger is free: for the watchdog and the end of the run.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Option<Ledger>> {
        self.ledger.lock()
    }

    pub(crate) fn set_in_runtime(&self, running: bool) {
        self.in_runtime.store(running, Ordering::Relaxed);
    }

    pub(crate) fn in_runtime(&self) -> bool {
        self.in_runtime.load(Ordering::Relaxed)
    }

    /// How many polls have started.
    pub(crate) fn progress(&self) -> u64 {
        self.progress.load(Ordering::Relaxed)
    }

    /// The task that was being polled when asked, if any.
    pub(crate) fn polling(&self) -> Option<TaskIx> {
        Some(self.polling.load(Ordering::Relaxed)).filter(|&ix| ix != NOT_POLLING)
    }
}

/// Runs `f` on this thread's ledger, if a run is going on here.
pub(crate) fn with<R>(f: impl FnOnce(&mut Ledger) -> R) -> Option<R> {
    LOCAL.with(|local| {
        let shared = local.shared.try_borrow().ok()?;
        let mut guard = shared.as_ref()?.try_lock()?;
        guard.as_mut().map(f)
    })
}

/// Runs `f` on the ledger only if it belongs to `run` (values can outlive their run).
pub(crate) fn with_run<R>(run: u64, f: impl FnOnce(&mut Ledger) -> R) -> Option<R> {
    with(|l| (l.run == run).then(|| f(l))).flatten()
}

pub(crate) fn is_installed() -> bool {
    LOCAL.with(|local| {
        (local.shared.try_borrow())
            .map(|g| g.is_some())
            .unwrap_or(true)
    })
}

/// Installs `ledger` as this thread's run.
pub(crate) fn install(shared: &Arc<Shared>, ledger: Ledger) {
    *shared.lock() = Some(ledger);
    LOCAL.with(|local| *local.shared.borrow_mut() = Some(shared.clone()));
}

/// Ends this thread's run and hands back its ledger.
pub(crate) fn uninstall() -> Option<Ledger> {
    let shared = LOCAL.with(|local| local.shared.borrow_mut().take())?;
    shared.lock().take()
}

#[inline]
pub(crate) fn current_task() -> Option<TaskIx> {
    LOCAL.with(|local| local.current.get())
}

/// Marks `ix` as the task being polled until the returned guard drops.
#[inline]
pub(crate) fn enter(ix: TaskIx) -> EnterGuard {
    LOCAL.with(|local| {
        let previous = local.current.replace(Some(ix));
        if let Ok(shared) = local.shared.try_borrow()
            && let Some(shared) = shared.as_ref()
        {
            shared.polling.store(ix, Ordering::Relaxed);
            // Only this thread writes it: no read-modify-write needed.
            let polls = shared.progress.load(Ordering::Relaxed);
            shared.progress.store(polls + 1, Ordering::Relaxed);
        }
        EnterGuard(previous)
    })
}

pub(crate) struct EnterGuard(Option<TaskIx>);

impl Drop for EnterGuard {
    #[inline]
    fn drop(&mut self) {
        LOCAL.with(|local| {
            local.current.set(self.0);
            if let Ok(shared) = local.shared.try_borrow()
                && let Some(shared) = shared.as_ref()
            {
                shared
                    .polling
                    .store(self.0.unwrap_or(NOT_POLLING), Ordering::Relaxed);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run may hold 100,000 records: growing them costs every run (see BENCHMARKS.md).
    #[test]
    fn a_task_record_stays_small() {
        let rec = size_of::<TaskRec>();
        assert!(rec <= 112, "TaskRec is {rec} bytes");
    }
}
