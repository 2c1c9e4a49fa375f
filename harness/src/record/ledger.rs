//! The per-run ledger: what every tracked task, error and fault point did, in virtual time.
//!
//! One ledger per run, installed in a thread-local of the run's own thread for the run's
//! duration. The run's runtime is current-thread, so every task is polled (and dropped)
//! on that thread; nothing is shared between runs. Wrappers hold only indices into the
//! ledger, which keeps them `Send` and cheap. The ledger sits behind a mutex only so that
//! the watchdog (on the caller's thread) can read it when the run's thread is stuck.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::task::{Context, Wake, Waker};
use std::time::Duration;

use parking_lot::{Mutex, MutexGuard};
use rustc_hash::FxHashMap;
use tokio::sync::Notify;
use tokio::task::AbortHandle;
use tokio::time::Instant;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tokio_util::task::TaskTracker;

use crate::plan::injector::Injector;
use crate::plan::{Action, Plan};
use crate::record::chunked::Chunked;
use crate::record::clock;
use crate::record::job_queue::{JobEvent, JobQueue};
use crate::record::name::Name;
use crate::record::outcome::{CancelCause, Fate, Outcome};
use crate::record::place;
use crate::record::plain_ids::PlainIds;
use crate::record::resources::ResourceRec;
use crate::record::window::{self, Seen};

pub(crate) use crate::record::TaskIx;
/// Index of a traced error in its run's ledger.
pub(crate) type ErrorIx = u32;

thread_local! {
    static LOCAL: Local = const {
        Local {
            shared: RefCell::new(None),
        }
    };
    static FLAGS: Flags = const {
        Flags {
            current: Cell::new(None),
            tracked_spawn: Cell::new(false),
            any_plain: Cell::new(false),
            open_trackers: Cell::new(false),
        }
    };
}

/// Task-record chunks of earlier runs (see [`Chunked`]).
static SPARE_TASKS: crate::record::chunked::Spares<TaskRec> = Mutex::new(Vec::new());

/// The map of plain tasks alive of an earlier run, emptied, with the room it grew to
/// (see [`Ledger::plain`]).
static SPARE_PLAIN: Mutex<Option<PlainIds>> = Mutex::new(None);

/// The run going on on this thread, if any.
struct Local {
    shared: RefCell<Option<Arc<Shared>>>,
}

/// What a thread knows of the task and spawn going on on it. Apart from [`Local`]: a
/// thread-local without a destructor is read without checking that it is still alive,
/// and these are read several times per task (each spawn, poll and end).
struct Flags {
    /// The tracked task being polled right now on this thread, if any.
    current: Cell<Option<TaskIx>>,
    /// Set while faultline's own spawn calls tokio's: the spawn hook then makes no row.
    tracked_spawn: Cell<bool>,
    /// Whether the run has plain tokio tasks (rows made by the spawn hook).
    any_plain: Cell<bool>,
    /// Whether some `TaskTracker` of the run is not known to be closed yet.
    open_trackers: Cell<bool>,
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
pub(crate) enum Ending {
    /// A plain tokio task ended; its output was not seen.
    Unseen,
    Completed,
    Failed,
    Panicked {
        message: String,
        /// Another task's panic carried on with `resume_unwind` (no panic hook saw it
        /// raised here).
        reraised: bool,
    },
    Cancelled(CancelCause),
    DroppedAtShutdown,
    Stalled,
}

impl Ending {
    pub(crate) fn outcome(&self) -> Outcome {
        match self {
            Ending::Unseen => Outcome::Ended,
            Ending::Completed => Outcome::Completed,
            Ending::Failed => Outcome::Failed,
            Ending::Panicked { .. } => Outcome::Panicked,
            Ending::Cancelled(_) => Outcome::Cancelled,
            Ending::DroppedAtShutdown => Outcome::DroppedAtShutdown,
            Ending::Stalled => Outcome::Stalled,
        }
    }
}

/// One task in the ledger. A run may hold 100,000 of these, so the record is kept small
/// (96 bytes): what only some tasks have is boxed aside in [`Rare`].
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
    /// What made the row (in the record's padding: a plain task needs no [`Rare`]).
    pub(crate) origin: Origin,
    /// Counted already, when it ended (see [`Ledger::counted`]): the run's counts skip it.
    pub(crate) counted: bool,
    pub(crate) rare: Option<Box<Rare>>,
}

/// What made a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// faultline's own spawn (`spawn`, `spawn_in`, `spawn_on`, `Task`): its output is judged.
    Tracked,
    /// Plain tokio (`tokio::spawn`, `JoinSet::spawn`, a library's spawn): a row made by
    /// tokio's spawn hook, named by its spawn location.
    Plain,
    /// A `spawn_blocking` job, not a task (see [`jobs`](crate::record::jobs)).
    BlockingJob,
}

/// What only some tasks have: a token, a cancellation, a panic, traced errors, blocked polls.
#[derive(Debug, Default)]
pub(crate) struct Rare {
    pub(crate) token: Option<CancellationToken>,
    /// When its token fired, seen the moment it fired (see [`Ledger::watch_token`]).
    pub(crate) token_fired: Option<Instant>,
    /// The wait on the token whose waker tells the ledger when it fires.
    token_watch: Option<Pin<Box<WaitForCancellationFutureOwned>>>,
    /// The `TaskTracker` it was spawned on (an index into the ledger's trackers).
    pub(crate) tracker: Option<u32>,
    /// Its tokio id, kept for failed, panicked and cancelled tasks: to know a drop inside
    /// its own context, and to name it where tokio would print the id.
    pub(crate) tokio_id: Option<u64>,
    /// Set before the harness aborts the task, so its drop knows why.
    pub(crate) cancel_request: Option<CancelCause>,
    /// What cancelled it, when it ended cancelled.
    pub(crate) cancelled_by: Option<CancelCause>,
    /// Its panic message, when it panicked.
    pub(crate) panic: Option<String>,
    /// Its panic was another task's, carried on with `resume_unwind`.
    pub(crate) panic_reraised: bool,
    /// The text of an error it returned that the harness does not trace (`E`'s `Debug`).
    pub(crate) untraced: Option<String>,
    /// Traced errors the task's output carried when it failed.
    pub(crate) carried: Vec<ErrorIx>,
    /// What became of its panic's `JoinError`, once known.
    pub(crate) panic_fate: Option<Fate>,
    /// Polls that blocked the executor thread (when detection is on).
    pub(crate) blocking_polls: u32,
    /// Traced errors a plain task made (its output is not seen).
    pub(crate) made: Vec<ErrorIx>,
}

impl TaskRec {
    /// The rare part, made on first use.
    pub(crate) fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_default()
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

    /// Whether its panic was another task's, carried on with `resume_unwind`.
    pub(crate) fn panic_reraised(&self) -> bool {
        self.rare.as_ref().is_some_and(|r| r.panic_reraised)
    }

    pub(crate) fn panic_fate(&self) -> Option<Fate> {
        self.rare.as_ref()?.panic_fate
    }

    pub(crate) fn token_fired(&self) -> Option<Instant> {
        self.rare.as_ref()?.token_fired
    }

    /// Whether its output is unseen: spawned with plain tokio, or a blocking job.
    pub(crate) fn output_unseen(&self) -> bool {
        self.origin != Origin::Tracked
    }

    pub(crate) fn blocking_polls(&self) -> u32 {
        self.rare.as_ref().map_or(0, |r| r.blocking_polls)
    }

    /// Whether it is a `spawn_blocking` job.
    pub(crate) fn is_blocking_job(&self) -> bool {
        self.origin == Origin::BlockingJob
    }
}

#[derive(Debug)]
pub(crate) struct ErrorRec {
    pub(crate) label: String,
    pub(crate) origin: Option<TaskIx>,
    /// The tokio id (as a number) of its origin, when that is a plain task.
    origin_id: Option<u64>,
    pub(crate) created: Duration,
    pub(crate) looked_by: Option<Looker>,
    pub(crate) dropped: Option<(Duration, Option<TaskIx>)>,
    /// Tasks whose output carried it (returned it in their `Err`).
    pub(crate) carriers: Vec<TaskIx>,
    /// Set when its last copy was dropped unread: discarded or swallowed.
    pub(crate) lost: Option<Fate>,
}

impl ErrorRec {
    /// What became of it.
    pub(crate) fn fate(&self) -> Fate {
        // Dropped with its task's output, it was never delivered, whoever read it before.
        match (self.looked_by, self.lost) {
            (_, Some(Fate::Swallowed)) => Fate::Swallowed,
            (Some(_), _) => Fate::Read,
            (None, Some(lost)) => lost,
            (None, None) => Fate::Unread,
        }
    }
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
    /// Tasks counted as they ended (see `ended_at`): (completed, ended), and nothing else
    /// to count of them.
    pub(crate) counted: (usize, usize),
    /// Whether a plain task's verdicts are final when it ends: no name is accepted as
    /// background work (the judge would match names), and no poll is timed (a plain task's
    /// last poll is timed after its end).
    pub(crate) plain_final: bool,
    seq: u32,
    /// Whether tasks' abort handles are kept: only when the plan can cancel one.
    keep_aborts: bool,
    /// Woken whenever a tracked task ends, so the driver can look for quiescence.
    pub(crate) quiet: Arc<Notify>,
    /// Fired by the plan's `shutdown` event; made when first asked for (most runs never
    /// ask: a token is an allocation).
    shutdown: Option<CancellationToken>,
    /// Each `TaskTracker` tasks were spawned on, with who owns it (see [`Ledger::spawned`]).
    trackers: Vec<Tracker>,
    /// Tokio ids (as numbers) of failed, panicked and cancelled tasks and jobs.
    ids: Vec<(u64, TaskIx)>,
    /// Plain tokio tasks alive, by tokio id (see [`PlainIds`]). Used only while the run
    /// goes on: when it ends the map is emptied and kept for the next run, which then
    /// need not grow it again.
    pub(crate) plain: PlainIds,
    /// Plain tasks spawned so far per spawn location: the second one there is `file:line#2`
    /// (the place spawned from last keeps its count in `last_at`, until another place does).
    spawned_at: FxHashMap<(&'static str, u32), u32>,
    /// The last spawn location looked up, and its count: a loop spawns from one place, and
    /// comparing the pointer costs less than hashing the path (one place may have several
    /// `Location`s, one per monomorphized caller: the map merges those).
    last_at: Option<(&'static std::panic::Location<'static>, u32)>,
    /// The same for blocking jobs (whose location comes as text, from tokio's span).
    pub(crate) jobs_at: FxHashMap<(String, u32), u32>,
    /// Blocking jobs' rows by job number (`None` past the cap).
    pub(crate) jobs: Vec<Option<TaskIx>>,
    /// Blocking jobs still running (tokio's task count leaves them out).
    pub(crate) jobs_alive: usize,
    /// Blocking jobs given a row.
    pub(crate) jobs_total: usize,
    /// Times each of the plan's timed events fired (a `cancel` that found its task).
    pub(crate) events_fired: Vec<u32>,
    /// What the plan could not do, and why (a `cancel` of a plain task).
    pub(crate) plan_notes: Vec<String>,
    /// The plain task that ended last: its last poll's after-poll hook comes after its end.
    last_plain_ended: Option<(tokio::task::Id, TaskIx)>,
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
            events_fired: vec![0; plan.events().len()],
            plan_notes: Vec::new(),
            last_plain_ended: None,
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
            counted: (0, 0),
            plain_final: false,
            seq: 0,
            quiet,
            shutdown: None,
            trackers: Vec::new(),
            ids: Vec::new(),
            plain: SPARE_PLAIN.lock().take().unwrap_or_default(),
            spawned_at: FxHashMap::default(),
            last_at: None,
            jobs_at: FxHashMap::default(),
            jobs: Vec::new(),
            jobs_alive: 0,
            jobs_total: 0,
        }
    }

    pub(crate) fn now(&self) -> Duration {
        self.since_start(clock::now())
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
    /// A task spawned on a `TaskTracker` is owned by the tracker (see [`Ledger::owner_of`]):
    /// faultline cannot see `wait()`, so the tracker's scope closes when its owner ends.
    #[inline]
    pub(crate) fn spawned(
        &mut self,
        name: Name,
        token: Option<CancellationToken>,
        tracker: Option<&TaskTracker>,
    ) -> Option<TaskIx> {
        if self.tasks.len() >= self.max_tasks {
            if self.overflow == 0 {
                tracing::warn!(target: "faultline", cap = self.max_tasks, "task ledger full: further tasks run, but are not judged individually");
            }
            self.overflow += 1;
            return None;
        }
        let ix = self.tasks.len() as TaskIx;
        // The tracked task being polled, or else the plain one tokio is polling.
        let parent = self.current();
        let tracker = tracker.map(|tracker| self.tracker_spawned(tracker, parent));
        self.push_task(ix, name, parent, clock::now(), token, tracker);
        Some(ix)
    }

    /// Records a spawn with a known parent and time (a blocking job's, queued).
    pub(crate) fn spawned_at_time(
        &mut self,
        name: Name,
        parent: Option<TaskIx>,
        at: Instant,
    ) -> Option<TaskIx> {
        if self.tasks.len() >= self.max_tasks {
            self.overflow += 1;
            return None;
        }
        let ix = self.tasks.len() as TaskIx;
        self.push_task(ix, name, parent, at, None, None);
        Some(ix)
    }

    #[inline(always)]
    fn push_task(
        &mut self,
        ix: TaskIx,
        name: Name,
        parent: Option<TaskIx>,
        start: Instant,
        token: Option<CancellationToken>,
        tracker: Option<u32>,
    ) {
        self.tasks.push(TaskRec {
            name,
            parent,
            start,
            end: None,
            ended: None,
            end_seq: 0,
            abort: None,
            origin: Origin::Tracked,
            counted: false,
            rare: (token.is_some() || tracker.is_some()).then(|| {
                Box::new(Rare {
                    tracker,
                    ..Rare::default()
                })
            }),
        });
        self.alive += 1;
        if let Some(token) = token {
            self.watch_token(ix, token);
        }
    }

    /// The task being polled now: a tracked one, or else a plain one.
    #[inline]
    pub(crate) fn current(&self) -> Option<TaskIx> {
        current_task().or_else(|| self.polled_plain())
    }

    /// The plain tokio task being polled now, if any.
    fn polled_plain(&self) -> Option<TaskIx> {
        if self.plain.is_empty() {
            return None;
        }
        tokio::task::try_id().and_then(|id| self.plain.get(id))
    }

    /// A row for a task spawned with plain tokio, named by where it was spawned.
    #[cfg(all(tokio_unstable, not(loom)))]
    pub(crate) fn plain_spawned(
        &mut self,
        id: tokio::task::Id,
        at: &'static std::panic::Location<'static>,
    ) {
        let name = self.located(at);
        let Some(ix) = self.spawned(name, None, None) else {
            return;
        };
        self.plain_row(id, ix);
    }

    /// A row for a plain task spawned with a known parent and time (from a blocking job).
    pub(crate) fn plain_spawned_by(
        &mut self,
        id: tokio::task::Id,
        at: &'static std::panic::Location<'static>,
        parent: Option<TaskIx>,
        start: Instant,
    ) {
        let name = self.located(at);
        if let Some(ix) = self.spawned_at_time(name, parent, start) {
            self.plain_row(id, ix);
        }
    }

    /// Tells the terminate hook to look at plain tasks (and at blocking jobs' queue).
    pub(crate) fn note_plain() {
        FLAGS.with(|flags| flags.any_plain.set(true));
    }

    /// The name of the next plain task spawned at `at` (`file:line`, `…#2` from the second).
    fn located(&mut self, at: &'static std::panic::Location<'static>) -> Name {
        let nth = match self.last_at {
            Some((last, nth)) if std::ptr::eq(last, at) => nth + 1,
            last => {
                // The count of the place left behind goes back to the map first.
                if let Some((last, nth)) = last {
                    self.spawned_at.insert((last.file(), last.line()), nth);
                }
                self.last_at = None;
                // A place inside tokio (never kept in `last_at`, but when no backtrace
                // tells the caller's): named by the code under test's line.
                if place::inside_tokio(at.file())
                    && let Some((file, line)) = place::callers_place()
                {
                    let nth = self.spawned_at.get(&(file, line)).map_or(1, |n| n + 1);
                    self.spawned_at.insert((file, line), nth);
                    return Name::placed(file, line, nth);
                }
                self.spawned_at
                    .get(&(at.file(), at.line()))
                    .map_or(1, |n| n + 1)
            }
        };
        self.last_at = Some((at, nth));
        Name::located(at, nth)
    }

    fn plain_row(&mut self, id: tokio::task::Id, ix: TaskIx) {
        self.tasks[ix as usize].origin = Origin::Plain;
        self.plain.insert(id, ix);
        Ledger::note_plain();
    }

    /// A plain tokio task ended: how, as far as tokio's hooks tell.
    #[cfg(all(tokio_unstable, not(loom)))]
    pub(crate) fn plain_terminated(&mut self, id: tokio::task::Id) {
        // Ending, it is never polled again: the map holds only plain tasks alive.
        let Some(ix) = self.plain.remove(id) else {
            return;
        };
        self.last_plain_ended = Some((id, ix));
        let rec = &self.tasks[ix as usize];
        if rec.ended.is_some() {
            return;
        }
        let seen = window::ended(id);
        // Most plain tasks: returned (or not seen) while the run goes on, with nothing rare
        // (no panic kept, no error made, no cancel asked): what the match below ends in,
        // without building an `Ending` for `ended_at` to take apart again.
        if rec.rare.is_none()
            && self.phase == Phase::Running
            && matches!(seen, Seen::Returned | Seen::Unknown)
        {
            self.tasks[ix as usize].ended = Some(Outcome::Ended);
            return self.finish(ix, Outcome::Ended, clock::now());
        }
        let rare = self.tasks[ix as usize].rare.as_mut();
        let panic = rare.and_then(|r| r.panic.take());
        let ended = match self.phase {
            Phase::Shutdown => Ending::DroppedAtShutdown,
            Phase::Stalled => Ending::Stalled,
            Phase::Running => match (seen, panic) {
                (Seen::Unwound, message) => Ending::Panicked {
                    reraised: message.is_none(),
                    message: message.unwrap_or_else(|| Self::RESUMED.to_owned()),
                },
                (Seen::Dropped, _) => {
                    let rare = self.tasks[ix as usize].rare.as_ref();
                    let request = rare.and_then(|r| r.cancel_request.clone());
                    Ending::Cancelled(request.unwrap_or(CancelCause::Aborted))
                }
                // A panic caught inside the task (`catch_unwind`) did not end it.
                (Seen::Returned, _) => {
                    self.plain_returned(ix);
                    Ending::Unseen
                }
                // Its span was not ours to see: the panic hook's word is all there is.
                (Seen::Unknown, Some(message)) => Ending::Panicked {
                    message,
                    reraised: false,
                },
                (Seen::Unknown, None) => Ending::Unseen,
            },
        };
        let keep_id = matches!(ended, Ending::Panicked { .. } | Ending::Cancelled(_));
        self.ended_at(ix, ended, clock::now(), keep_id.then(|| window::number(id)));
    }

    /// The message of a plain task's panic that no panic hook saw: one re-raised with
    /// `resume_unwind` (a child's `JoinError::into_panic`, say).
    const RESUMED: &str = "a panic resumed with resume_unwind (its message is not seen)";

    /// A panic in the plain tokio task being polled now: kept for when it ends.
    /// Whether the panic was one of a plain task's.
    pub(crate) fn plain_panicked(&mut self, message: String) -> bool {
        if current_task().is_some() {
            return false;
        }
        let Some(ix) = self.polled_plain() else {
            return false;
        };
        self.tasks[ix as usize].rare_mut().panic = Some(message);
        true
    }

    /// Records a spawn onto `tracker` by `spawner`; the tracker's index.
    fn tracker_spawned(&mut self, tracker: &TaskTracker, spawner: Option<TaskIx>) -> u32 {
        let known = (self.trackers.iter()).position(|t| TaskTracker::ptr_eq(&t.tracker, tracker));
        let Some(at) = known else {
            self.trackers.push(Tracker {
                tracker: tracker.clone(),
                spawners: spawner,
                closer: None,
            });
            FLAGS.with(|flags| flags.open_trackers.set(true));
            return (self.trackers.len() - 1) as u32;
        };
        let spawners = self.trackers[at].spawners;
        self.trackers[at].spawners = match (spawners, spawner) {
            (Some(a), Some(b)) => self.common_ancestor(a, b),
            _ => None,
        };
        at as u32
    }

    /// The nearest task that is `a` or an ancestor of it and also `b` or an ancestor of it.
    fn common_ancestor(&self, a: TaskIx, b: TaskIx) -> Option<TaskIx> {
        let mut ours = Vec::new();
        let mut at = Some(a);
        while let Some(t) = at {
            ours.push(t);
            at = self.tasks[t as usize].parent;
        }
        let mut at = Some(b);
        while let Some(t) = at {
            if ours.contains(&t) {
                return Some(t);
            }
            at = self.tasks[t as usize].parent;
        }
        None
    }

    /// After a poll of `ix`: a tracker that is closed now was closed by `ix`.
    pub(crate) fn note_closed(&mut self, ix: TaskIx) {
        let mut open = false;
        for t in &mut self.trackers {
            if t.closer.is_none() {
                if t.tracker.is_closed() {
                    t.closer = Some(ix);
                } else {
                    open = true;
                }
            }
        }
        FLAGS.with(|flags| flags.open_trackers.set(open));
    }

    /// The task whose end closes the owning scope of the task whose record is `rec`: its
    /// spawner, or for a task on a `TaskTracker` the tracker's owner — the task that closed
    /// it (and so, by convention, waits on it), else the nearest common ancestor of the
    /// tasks that spawned onto it.
    #[inline]
    pub(crate) fn owner_of(&self, rec: &TaskRec) -> Option<TaskIx> {
        match rec.rare.as_ref().and_then(|r| r.tracker) {
            Some(t) => {
                let t = &self.trackers[t as usize];
                t.closer.or(t.spawners)
            }
            None => rec.parent,
        }
    }

    /// Keeps a wait on the task's token whose waker tells the ledger the moment it fires
    /// (the task itself may not look at its token for a long time, or ever).
    fn watch_token(&mut self, ix: TaskIx, token: CancellationToken) {
        let fired = token.is_cancelled().then(Instant::now);
        let mut watch = Box::pin(token.clone().cancelled_owned());
        let waker = Waker::from(Arc::new(TokenFired { run: self.run, ix }));
        let ready = watch
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_ready();
        let rare = self.tasks[ix as usize].rare_mut();
        rare.token = Some(token);
        rare.token_fired = fired.or(ready.then(Instant::now));
        rare.token_watch = (!ready).then_some(watch);
    }

    /// Records that the token of `ix` fired now.
    fn token_fired(&mut self, ix: TaskIx) {
        let rare = self.tasks[ix as usize].rare_mut();
        rare.token_fired.get_or_insert_with(Instant::now);
        rare.token_watch = None;
    }

    /// Records how a task ended (first word wins: a stalled task later dropped stays stalled).
    #[inline]
    pub(crate) fn ended(&mut self, ix: TaskIx, ended: Ending) {
        let id = matches!(
            ended,
            Ending::Failed | Ending::Panicked { .. } | Ending::Cancelled(_)
        )
        .then(tokio::task::try_id)
        .flatten()
        .map(window::number);
        self.ended_at(ix, ended, clock::now(), id);
    }

    /// Records how a task ended, at `now`; `id` is its tokio id (as a number), when known
    /// and worth keeping (failed, panicked and cancelled tasks).
    ///
    /// The record is looked up here and in [`finish`](Self::finish) (a look-up in the
    /// chunks is about 15 instructions; this used to make four). A tracked task that
    /// completed, most tasks, comes through [`completed`](Self::completed) instead.
    #[inline]
    pub(crate) fn ended_at(&mut self, ix: TaskIx, ended: Ending, now: Instant, id: Option<u64>) {
        let rec = &mut self.tasks[ix as usize];
        if rec.ended.is_some() {
            return;
        }
        // A task that returns after its token fired keeps what it returned: the report says
        // how long after its token it stopped.
        let outcome = ended.outcome();
        rec.ended = Some(outcome);
        if let Some(rare) = rec.rare.as_deref_mut()
            && rare.token_fired.is_none()
            && rare
                .token
                .as_ref()
                .is_some_and(CancellationToken::is_cancelled)
        {
            // Its watch could not tell (the token fired while the ledger was busy).
            rare.token_fired = Some(now);
        }
        // A blocking job's id came with its span.
        let known = rec.rare.as_ref().and_then(|r| r.tokio_id);
        let keep = matches!(
            ended,
            Ending::Failed | Ending::Panicked { .. } | Ending::Cancelled(_)
        );
        if let Some(id) = id.or(known.filter(|_| keep)) {
            rec.rare_mut().tokio_id = Some(id);
            self.ids.push((id, ix));
        }
        match ended {
            Ending::Panicked { message, reraised } => {
                let rare = rec.rare_mut();
                rare.panic = Some(message);
                rare.panic_reraised = reraised;
            }
            Ending::Cancelled(cause) => rec.rare_mut().cancelled_by = Some(cause),
            _ => {}
        }
        self.finish(ix, outcome, now);
    }

    /// A tracked task returned without failing: [`ended`](Self::ended) for the common
    /// case, a task with nothing rare (no token, tracker or blocked poll) that no word has
    /// ended yet: no id to keep, no panic, no cause.
    #[inline]
    pub(crate) fn completed(&mut self, ix: TaskIx) {
        let now = clock::now();
        let rec = &self.tasks[ix as usize];
        if rec.rare.is_some() || rec.ended.is_some() {
            return self.ended_at(ix, Ending::Completed, now, None);
        }
        self.tasks[ix as usize].ended = Some(Outcome::Completed);
        self.finish(ix, Outcome::Completed, now);
    }

    /// What every end records once its outcome is set: the time and order of the end, and
    /// the early count.
    #[inline(always)]
    fn finish(&mut self, ix: TaskIx, outcome: Outcome, now: Instant) {
        let rec = &mut self.tasks[ix as usize];
        rec.end = Some(now);
        rec.end_seq = self.seq;
        rec.abort = None;
        let job = rec.is_blocking_job();
        // Most tasks: faultline's own that completed, or plain ones that ended (when
        // `plain_final`), with nothing rare (no token, tracker, blocked poll, panic or
        // error), before their parent ended. Every verdict on such a task is final now (no
        // fate, no panic; not accepted; it cannot outlive a parent that ends after it), so
        // it is counted now rather than judged again in a pass over every record when the
        // run ends.
        let parent = rec.parent;
        let simple = rec.rare.is_none()
            && match (outcome, rec.origin) {
                (Outcome::Completed, Origin::Tracked) => true,
                (Outcome::Ended, Origin::Plain) => self.plain_final,
                _ => false,
            };
        if simple && parent.is_none_or(|p| self.tasks[p as usize].ended.is_none()) {
            self.tasks[ix as usize].counted = true;
            match outcome {
                Outcome::Completed => self.counted.0 += 1,
                _ => self.counted.1 += 1,
            }
        }
        self.seq += 1;
        self.alive -= 1;
        self.jobs_alive -= usize::from(job);
        // With tokio's task hooks the runtime wakes the driver at every task's end already
        // (once it waits for the run to go quiet).
        if !cfg!(all(tokio_unstable, not(loom))) {
            self.quiet.notify_one();
        }
        if matches!(
            outcome,
            Outcome::DroppedAtShutdown | Outcome::Stalled | Outcome::Cancelled
        ) {
            self.trace_end(ix);
        }
    }

    /// The warning or note for a task that ended dropped at shutdown, stalled or cancelled.
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
        // Whether it outlived its owning scope is the judge's to say (report/judge.rs).
    }

    /// What a tracked future's drop before completion means now.
    pub(crate) fn dropped_early(&mut self, ix: TaskIx) {
        let ended = match self.phase {
            Phase::Shutdown => Ending::DroppedAtShutdown,
            Phase::Stalled => Ending::Stalled,
            Phase::Running => {
                let rec = &self.tasks[ix as usize];
                let request = rec.rare.as_ref().and_then(|r| r.cancel_request.clone());
                Ending::Cancelled(request.unwrap_or(CancelCause::Aborted))
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

    /// A poll of the plain task `id` blocked the executor thread (a tracked task's wrapper
    /// tells its own; it is not in the map of plain tasks).
    pub(crate) fn plain_blocked(&mut self, id: tokio::task::Id) {
        // Its last poll ends after its end (tokio's terminate hook runs inside it).
        let ended = self.last_plain_ended.filter(|(i, _)| *i == id);
        if let Some(ix) = self.plain.get(id).or(ended.map(|(_, ix)| ix)) {
            self.blocked(ix);
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

    /// Cancels the task being polled, for a `cancel` fault at `point`. Whether it will be
    /// cancelled; if not, the plan gets a warning saying why (and the point passes).
    pub(crate) fn cancel_current(&mut self, point: &str) -> bool {
        let Some(ix) = self.current() else {
            self.plan_note(format!(
                "cancel at {point} was hit outside any task of the run: nothing to cancel"
            ));
            return false;
        };
        if self.cancel(ix, CancelCause::Fault(point.to_owned())) {
            return true;
        }
        let why = self.cannot_cancel(ix);
        self.plan_note(format!("cancel at {point} {why}"));
        false
    }

    /// Cancels the alive task named `name`, for the plan's `@t cancel(name)`. Whether it
    /// will be cancelled; if not, the plan gets a warning saying why.
    pub(crate) fn cancel_named(&mut self, name: &str) -> bool {
        let Some(ix) = self.find_alive(name) else {
            return false;
        };
        if self.cancel(ix, CancelCause::Plan) {
            return true;
        }
        let why = self.cannot_cancel(ix);
        self.plan_note(format!("cancel({name}) {why}"));
        false
    }

    /// Why the plan cannot cancel `ix`, and the fix.
    fn cannot_cancel(&self, ix: TaskIx) -> String {
        let rec = &self.tasks[ix as usize];
        let name = rec.name.as_str();
        match rec.origin {
            Origin::BlockingJob => format!(
                "could not act on blocking job {name}: a job on tokio's blocking pool cannot be \
                 cancelled once it runs; put the point in async code"
            ),
            Origin::Plain => format!(
                "could not act on plain task {name}: tokio gives the harness no abort handle \
                 for it; spawn it with faultline_harness::spawn (or spawn_in / spawn_on) to let \
                 the plan cancel it"
            ),
            Origin::Tracked => format!("could not act on {name}: it was not alive"),
        }
    }

    /// A warning about the plan rather than the program (once per text).
    pub(crate) fn plan_note(&mut self, note: String) {
        if !self.plan_notes.contains(&note) {
            tracing::warn!(target: "faultline", note = note.as_str(), "the plan could not act");
            self.plan_notes.push(note);
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
        let origin = self.current();
        // Made in a plain task: its output is not seen, so its id and its errors are kept to
        // tell an undelivered output (dropped in its context after it ended) from a read.
        let plain = origin.filter(|&t| self.tasks[t as usize].origin == Origin::Plain);
        let origin_id = plain.and_then(|_| tokio::task::try_id().map(window::number));
        if let Some(t) = plain {
            self.tasks[t as usize].rare_mut().made.push(ix);
        }
        self.errors.push(ErrorRec {
            label,
            origin,
            origin_id,
            created,
            looked_by: None,
            dropped: None,
            carriers: Vec::new(),
            lost: None,
        });
        ix
    }

    /// A plain task returned: its own look at an error it made and still holds (likely in
    /// its output, which is not seen) is not its receiver's read.
    fn plain_returned(&mut self, ix: TaskIx) {
        let Some(made) = self.tasks[ix as usize]
            .rare
            .as_ref()
            .map(|r| r.made.clone())
        else {
            return;
        };
        for e in made {
            let rec = &mut self.errors[e as usize];
            if rec.dropped.is_none() && rec.looked_by == Some(Looker::Task(ix)) {
                rec.looked_by = None;
            }
        }
    }

    /// Records that task `ix` returned these errors in its `Err`.
    /// A look before this delivery does not count: the error is observed only if the code
    /// it is delivered to reads it (a task that logs its own error, then returns it to a
    /// caller that drops it, has its error discarded).
    pub(crate) fn carried(&mut self, ix: TaskIx, errors: Vec<ErrorIx>) {
        for &e in &errors {
            let rec = &mut self.errors[e as usize];
            rec.carriers.push(ix);
            rec.looked_by = None;
        }
        self.tasks[ix as usize].rare_mut().carried = errors;
    }

    /// The token the plan's `shutdown` event cancels.
    pub(crate) fn shutdown_token(&mut self) -> CancellationToken {
        self.shutdown
            .get_or_insert_with(CancellationToken::new)
            .clone()
    }

    /// `text`, with every tokio task id of this run's tasks replaced by the task's name, in
    /// the two forms tokio prints them (`JoinError`'s `Debug`: `Id(7)`; its `Display`:
    /// `task 7 …`). Tokio ids are process-global: they must never reach a report.
    pub(crate) fn name_ids(&self, text: &mut String) {
        for &(id, ix) in &self.ids {
            let name = self.task_name(ix);
            *text = text
                .replace(&format!("Id({id})"), &format!("Id({name})"))
                .replace(&format!("task {id} "), &format!("task {name} "));
        }
    }

    /// The task whose tokio id is `id`, among failed, panicked and cancelled ones.
    pub(crate) fn task_of(&self, id: tokio::task::Id) -> Option<TaskIx> {
        let id = window::number(id);
        self.ids.iter().find(|(i, _)| *i == id).map(|&(_, ix)| ix)
    }

    /// Whether `id` is the tokio id of one of `tasks`: a drop in that task's own context
    /// after it ended is its output dropped undelivered (tokio drops a task's output with
    /// the task's id set, when its handle or `JoinSet` goes without reading it).
    fn is_one_of(&self, id: Option<tokio::task::Id>, tasks: &[TaskIx]) -> bool {
        id.map(window::number).is_some_and(|id| {
            (tasks.iter()).any(|&t| {
                let rec = &self.tasks[t as usize];
                rec.ended.is_some() && rec.rare.as_ref().and_then(|r| r.tokio_id) == Some(id)
            })
        })
    }

    pub(crate) fn error_looked(&mut self, ix: ErrorIx) {
        let current = self.current();
        let rec = &mut self.errors[ix as usize];
        if rec.looked_by.is_none() {
            rec.looked_by = Some(current.map_or(Looker::Run, Looker::Task));
        }
    }

    /// The last copy of error `ix` was dropped, in the context of tokio task `dropper`.
    pub(crate) fn error_dropped(&mut self, ix: ErrorIx, dropper: Option<tokio::task::Id>) {
        let now = self.now();
        let by = self.current();
        let rec = &self.errors[ix as usize];
        // Dropped in the context of the plain task that made it, after it ended: with its
        // output, undelivered (tokio drops an output nobody takes in its task's context).
        let with_plain_output = rec.origin.zip(rec.origin_id).is_some_and(|(t, id)| {
            dropper.map(window::number) == Some(id)
                && (self.tasks[t as usize].ended.is_some() || window::returned(id))
        });
        let undelivered = with_plain_output || self.is_one_of(dropper, &rec.carriers);
        let rec = &mut self.errors[ix as usize];
        rec.dropped = Some((now, by));
        if rec.looked_by.is_some() && !undelivered {
            return;
        }
        let origin = rec.origin.map(|t| self.tasks[t as usize].name.as_str());
        let at_ms = now.as_millis() as u64;
        if undelivered {
            rec.lost = Some(Fate::Swallowed);
            tracing::warn!(target: "faultline", error = rec.label.as_str(), task = origin.unwrap_or("-"), at_ms, "error was swallowed: it was never delivered (dropped with its task's output)");
        } else {
            rec.lost = Some(Fate::Discarded);
            tracing::warn!(target: "faultline", error = rec.label.as_str(), task = origin.unwrap_or("-"), at_ms, "error was discarded: it was delivered, then dropped unread");
        }
    }

    /// The `JoinError` of the panic of `ix` was dropped in the context of tokio task
    /// `dropper`, after being read or not.
    pub(crate) fn panic_dropped(
        &mut self,
        ix: TaskIx,
        dropper: Option<tokio::task::Id>,
        read: bool,
    ) {
        let at_ms = self.now().as_millis() as u64;
        let fate = if self.is_one_of(dropper, &[ix]) {
            Fate::Swallowed
        } else if read {
            Fate::Read
        } else {
            Fate::Discarded
        };
        let rec = &mut self.tasks[ix as usize];
        if rec.panic_fate().is_some() {
            return;
        }
        rec.rare_mut().panic_fate = Some(fate);
        match fate {
            Fate::Swallowed => {
                tracing::warn!(target: "faultline", task = rec.name.as_str(), at_ms, "panic was swallowed: its JoinError was never delivered")
            }
            Fate::Discarded => {
                tracing::warn!(target: "faultline", task = rec.name.as_str(), at_ms, "panic was discarded: its JoinError was delivered, then dropped unread")
            }
            _ => {}
        }
    }

    /// The panic of the task whose tokio id is `id` was read (its `JoinError` turned into a
    /// `Failure`): for a plain task or a blocking job, whose `JoinError` is tokio's own.
    pub(crate) fn panic_read(&mut self, id: tokio::task::Id) {
        if let Some(ix) = self.task_of(id) {
            let rare = self.tasks[ix as usize].rare_mut();
            rare.panic_fate.get_or_insert(Fate::Read);
        }
    }

    /// Per rule of the plan: hits its selector matched, and times it applied.
    pub(crate) fn rule_counts(&self) -> Vec<(u32, u32)> {
        self.injector.counts().collect()
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
            task: self.current(),
            action: action.clone(),
        });
        action
    }
}

/// A `TaskTracker` tasks were spawned on, and who owns it.
#[derive(Debug)]
struct Tracker {
    /// A clone, to see when it is closed (a clone changes nothing: it neither closes nor
    /// waits).
    tracker: TaskTracker,
    /// The nearest common ancestor of the tasks that spawned onto it.
    spawners: Option<TaskIx>,
    /// The task being polled when it was first seen closed.
    closer: Option<TaskIx>,
}

/// Whether a poll should look for trackers closed during it.
#[inline]
pub(crate) fn watching_trackers() -> bool {
    FLAGS.with(|flags| flags.open_trackers.get())
}

/// The waker of a task's token watch: records when the token fired.
struct TokenFired {
    run: u64,
    ix: TaskIx,
}

impl Wake for TokenFired {
    fn wake(self: Arc<Self>) {
        with_run(self.run, |l| l.token_fired(self.ix));
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
    /// Whether the runtime is being shut down (its tasks dropped).
    shutting_down: AtomicBool,
    /// Whether the driver waits for the run to go quiet (the body returned): from then on
    /// every task's end wakes it.
    draining: AtomicBool,
    /// What blocking jobs did, queued by their threads for the run's thread.
    pub(crate) jobs: JobQueue,
}

const NOT_POLLING: u32 = u32::MAX;

impl Shared {
    pub(crate) fn new() -> Self {
        Shared {
            ledger: Mutex::new(None),
            polling: AtomicU32::new(NOT_POLLING),
            progress: AtomicU64::new(0),
            in_runtime: AtomicBool::new(false),
            shutting_down: AtomicBool::new(false),
            draining: AtomicBool::new(false),
            jobs: JobQueue::default(),
        }
    }

    /// The ledger, unless it is locked already (a re-entrant call, or the watchdog).
    /// A `parking_lot` mutex: no poisoning to check, twice per task (a run whose thread
    /// panicked is reported from what the ledger holds, as it is).
    #[inline]
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

    pub(crate) fn set_shutting_down(&self) {
        self.shutting_down.store(true, Ordering::Relaxed);
    }

    pub(crate) fn shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::Relaxed)
    }

    /// Whether the driver waits for the run to go quiet (see [`set_draining`]).
    #[cfg(all(tokio_unstable, not(loom)))]
    pub(crate) fn draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    /// The ledger within `wait`, or `None` if something holds it that long (a tracing
    /// subscriber or a `Drop` that blocks inside the harness's bookkeeping).
    pub(crate) fn lock_within(&self, wait: Duration) -> Option<MutexGuard<'_, Option<Ledger>>> {
        self.ledger.try_lock_for(wait)
    }

    /// Task `ix`'s poll starts (on the run's thread).
    #[inline]
    fn polled(&self, ix: TaskIx) {
        self.polling.store(ix, Ordering::Relaxed);
        // Only this thread writes it: no read-modify-write needed.
        let polls = self.progress.load(Ordering::Relaxed);
        self.progress.store(polls + 1, Ordering::Relaxed);
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

/// Runs `spawn` (a call of tokio's spawn) as faultline's own: the spawn hook makes no row.
#[inline]
pub(crate) fn tracked_spawn<R>(spawn: impl FnOnce() -> R) -> R {
    FLAGS.with(|flags| flags.tracked_spawn.set(true));
    let spawned = spawn();
    FLAGS.with(|flags| flags.tracked_spawn.set(false));
    spawned
}

/// Whether faultline's own spawn is calling tokio's now (its task needs no span: see
/// [`window`](crate::record::window)).
#[inline]
pub(crate) fn in_tracked_spawn() -> bool {
    FLAGS.with(|flags| flags.tracked_spawn.get())
}

/// Whether faultline's own spawn is calling tokio's now; cleared (the spawn hook makes no
/// row for that task).
#[cfg(all(tokio_unstable, not(loom)))]
pub(crate) fn take_tracked_spawn() -> bool {
    FLAGS.with(|flags| flags.tracked_spawn.replace(false))
}

/// Whether the run has plain tokio tasks or blocking jobs (the terminate hook must look).
#[cfg(all(tokio_unstable, not(loom)))]
pub(crate) fn any_plain() -> bool {
    FLAGS.with(|flags| flags.any_plain.get())
}

/// Runs `f` on this thread's ledger, if a run is going on here.
/// What blocking jobs queued is applied first, so the ledger is up to date.
#[inline]
pub(crate) fn with<R>(f: impl FnOnce(&mut Ledger) -> R) -> Option<R> {
    with_queued(|ledger, queued| {
        if let Some(events) = queued {
            ledger.apply_jobs(events);
        }
        f(ledger)
    })
}

/// [`with`], handing `f` what blocking jobs queued (if anything) to apply itself.
#[inline]
pub(crate) fn with_queued<R>(f: impl FnOnce(&mut Ledger, Option<Vec<JobEvent>>) -> R) -> Option<R> {
    LOCAL.with(|local| {
        let shared = local.shared.try_borrow().ok()?;
        let shared = shared.as_ref()?;
        let mut guard = shared.try_lock()?;
        let ledger = guard.as_mut()?;
        let queued = shared.jobs.is_pending().then(|| shared.jobs.take());
        Some(f(ledger, queued))
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
    clock::start();
    LOCAL.with(|local| *local.shared.borrow_mut() = Some(shared.clone()));
    FLAGS.with(|flags| {
        flags.any_plain.set(false);
        flags.tracked_spawn.set(false);
        flags.open_trackers.set(false);
    });
}

/// Ends this thread's run and hands back its ledger.
pub(crate) fn uninstall() -> Option<Ledger> {
    clock::stop();
    let shared = LOCAL.with(|local| local.shared.borrow_mut().take())?;
    let mut ledger = shared.lock().take()?;
    ledger.apply_jobs(shared.jobs.take());
    let mut plain = std::mem::take(&mut ledger.plain);
    plain.clear();
    *SPARE_PLAIN.lock() = Some(plain);
    Some(ledger)
}

/// The body returned: from now on the driver waits for the run to go quiet, and every
/// task's end must wake it (tokio's terminate hook does, once this is set).
pub(crate) fn set_draining() {
    LOCAL.with(|local| {
        if let Ok(shared) = local.shared.try_borrow()
            && let Some(shared) = shared.as_ref()
        {
            shared.draining.store(true, Ordering::Relaxed);
        }
    });
}

#[inline]
pub(crate) fn current_task() -> Option<TaskIx> {
    FLAGS.with(|flags| flags.current.get())
}

/// Marks `ix` as the task being polled until the returned guard drops: for a tracked
/// future's drop (the guard lives in every task's future: 8 bytes), and within [`poll`].
#[inline]
pub(crate) fn enter(ix: TaskIx) -> EnterGuard {
    let previous = FLAGS.with(|flags| flags.current.replace(Some(ix)));
    LOCAL.with(|local| {
        if let Ok(shared) = local.shared.try_borrow()
            && let Some(shared) = shared.as_ref()
        {
            shared.polled(ix);
        }
        EnterGuard(previous)
    })
}

pub(crate) struct EnterGuard(Option<TaskIx>);

impl Drop for EnterGuard {
    #[inline]
    fn drop(&mut self) {
        FLAGS.with(|flags| flags.current.set(self.0));
        LOCAL.with(|local| {
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

/// Marks `ix` as the task being polled until the returned guard drops (a tracked task's
/// poll; [`enter`] alone is the drop of its future's). The guard keeps nothing of the run:
/// the poll's end and a task's end look the thread's run up again. Keeping an `Arc` of it
/// instead took fewer instructions (63 a task in `spawn_await_all`, 74 in
/// `semaphore_10k`) but two atomic read-modify-writes a poll, which weigh more in wall time
/// (BENCHMARKS.md, "Fast, fifth round": measured, within the machine's noise, and reckoned).
#[inline]
pub(crate) fn poll(ix: TaskIx) -> EnterGuard {
    clock::forget();
    enter(ix)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run may hold 100,000 records: growing them costs every run (see BENCHMARKS.md).
    #[test]
    fn a_task_record_stays_small() {
        let rec = size_of::<TaskRec>();
        assert!(rec <= 96, "TaskRec is {rec} bytes");
    }
}
