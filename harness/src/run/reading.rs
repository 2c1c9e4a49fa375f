//! Verdicts that do not depend on the log level.
//!
//! Formatting a [`Failure`](crate::Failure) counts as reading it, and a `tracing` event
//! formats its fields only when some subscriber enables it: `tracing::debug!(error = %e)`
//! would read `e` under `RUST_LOG=debug` and leave it DISCARDED under `info`. So inside a
//! run, the thread's subscriber is wrapped in [`Reading`]: every event of the code under
//! test has its fields formatted (into nothing), then goes on to the real subscriber only if
//! that one enables it. What the real subscriber prints is unchanged; the verdicts are the
//! same whatever it filters. The harness's own events (target `faultline`) pass straight
//! through, as does everything about spans.
//!
//! Two kinds of callsites are not passed on. tokio's own instrumentation (its `tracing`
//! feature, which the harness turns on to see blocking jobs) is dropped here: the caller's
//! subscriber sees what it saw without the feature. And tokio's span for a blocking job is
//! kept here: it is how the ledger sees `spawn_blocking` (see [`jobs`]).
//!
//! Written by hand rather than with `tracing-subscriber`'s layers: the wrapper must sit in
//! front of whatever subscriber the caller has, which a layer cannot do with a `Dispatch`.

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Metadata, Subscriber, span};

use crate::record::jobs::{self, JobNo};
use crate::record::ledger::Shared;
use crate::record::window;

/// The harness's own events: not the code under test's, so not read here.
const OWN_TARGET: &str = "faultline";

/// Span ids of blocking jobs' spans have this bit set (a subscriber's own ids are small).
const JOB_SPAN: u64 = 1 << 63;

/// Span ids of plain tasks' spans have this bit set; the rest is a number of the run's
/// subscriber (see [`window`]: the poll window tells whose span it is).
const TASK_SPAN: u64 = 1 << 62;

/// The id of a span of the code under test that the caller's subscriber does not enable:
/// its fields were read, and nothing else is done with it.
const UNSEEN_SPAN: u64 = JOB_SPAN | TASK_SPAN;

/// A subscriber that reads every event of the code under test, then hands it to `inner`.
pub(crate) struct Reading {
    inner: Dispatch,
    /// The run, for its blocking jobs.
    shared: Arc<Shared>,
    /// The run's blocking jobs' spans: one set, whichever wrapper made them (see
    /// [`keep_in_front`]).
    spans: Arc<JobSpans>,
}

/// A run's blocking jobs' spans.
#[derive(Default)]
struct JobSpans {
    next_job: AtomicU64,
    /// Spans still open (looked up, never iterated).
    open: Mutex<HashMap<JobNo, JobSpan>>,
}

/// A blocking job's span: references to it, and how often it was exited.
struct JobSpan {
    refs: usize,
    exits: u32,
}

/// What a callsite is to the wrapper.
enum Callsite {
    /// An event or a span of the code under test: its fields read here.
    Ours,
    /// tokio's span for a blocking job: kept here.
    Job,
    /// tokio's span around a task's future: kept here for plain tasks (see [`window`]).
    Task,
    /// tokio's other instrumentation: dropped.
    Tokio,
    /// Anything else: the caller's subscriber decides.
    Passed,
}

impl Reading {
    /// `inner` wrapped: the dispatcher to install on a run's thread.
    pub(crate) fn around(inner: Dispatch, shared: Arc<Shared>) -> Dispatch {
        Dispatch::new(Reading {
            inner,
            shared,
            spans: Arc::default(),
        })
    }

    /// What the callsite is. tokio's task span, asked about at every spawn, is told by its
    /// address (noted when it registered); others by their target and name.
    #[inline]
    fn kind(meta: &Metadata<'_>) -> Callsite {
        if std::ptr::eq(meta, TASK_CALLSITE.load(Ordering::Relaxed)) {
            return Callsite::Task;
        }
        Self::kind_by_name(meta)
    }

    fn kind_by_name(meta: &Metadata<'_>) -> Callsite {
        let target = meta.target();
        if meta.is_span() && target == "tokio::task::blocking" && meta.name() == "runtime.spawn" {
            Callsite::Job
        } else if meta.is_span() && target == "tokio::task" && meta.name() == "runtime.spawn" {
            Callsite::Task
        } else if target.starts_with("tokio::") || target.starts_with("runtime::") {
            Callsite::Tokio
        } else if target != OWN_TARGET {
            Callsite::Ours
        } else {
            Callsite::Passed
        }
    }

    /// The job whose span this is, if it is one's.
    fn job(span: &span::Id) -> Option<JobNo> {
        let id = span.into_u64();
        (id & (JOB_SPAN | TASK_SPAN) == JOB_SPAN).then(|| (id & !JOB_SPAN) - 1)
    }

    /// The number of a plain task's span, if it is one.
    fn task(span: &span::Id) -> Option<u64> {
        let id = span.into_u64();
        (id & (JOB_SPAN | TASK_SPAN) == TASK_SPAN).then_some(id & !TASK_SPAN)
    }

    /// Whether the span is one this wrapper keeps (a job's or a plain task's).
    fn kept(span: &span::Id) -> bool {
        span.into_u64() & (JOB_SPAN | TASK_SPAN) != 0
    }
}

impl Subscriber for Reading {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        // Called for every callsite when a dispatcher is made: maybe the code under test's
        // own, about to be installed (see `keep_in_front`).
        DISPATCH_EPOCH.fetch_add(1, Ordering::Relaxed);
        let kind = Self::kind_by_name(meta);
        if matches!(kind, Callsite::Task) {
            TASK_CALLSITE.store(std::ptr::from_ref(meta).cast_mut(), Ordering::Relaxed);
        }
        match kind {
            Callsite::Ours | Callsite::Job => Interest::always(),
            // Asked per span: faultline's own spawns need none (see `enabled`).
            Callsite::Task => Interest::sometimes(),
            Callsite::Tokio => Interest::never(),
            Callsite::Passed => self.inner.register_callsite(meta),
        }
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::TRACE)
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        match Self::kind(meta) {
            Callsite::Ours | Callsite::Job => true,
            Callsite::Task => !crate::record::ledger::in_tracked_spawn(),
            Callsite::Tokio => false,
            Callsite::Passed => self.inner.enabled(meta),
        }
    }

    fn new_span(&self, attrs: &span::Attributes<'_>) -> span::Id {
        match Self::kind(attrs.metadata()) {
            Callsite::Job => {}
            Callsite::Ours => {
                // Read whatever the caller's subscriber enables (as an event's fields are).
                attrs.record(&mut Read);
                if !self.inner.enabled(attrs.metadata()) {
                    return span::Id::from_u64(UNSEEN_SPAN);
                }
                return self.inner.new_span(attrs);
            }
            Callsite::Task => {
                // Not the task's id from the span's fields: visiting them costs more than
                // the rest of the span (see `window`).
                let n = NEXT_TASK_SPAN.fetch_add(1, Ordering::Relaxed);
                return span::Id::from_u64(TASK_SPAN | (n & !(JOB_SPAN | TASK_SPAN)).max(1));
            }
            _ => return self.inner.new_span(attrs),
        }
        let mut fields = JobFields::default();
        attrs.record(&mut fields);
        let job = self.spans.next_job.fetch_add(1, Ordering::Relaxed);
        self.spans
            .open
            .lock()
            .insert(job, JobSpan { refs: 1, exits: 0 });
        jobs::spawned(
            &self.shared,
            job,
            jobs::given_name(fields.name),
            fields.file,
            fields.line,
            fields.id,
        );
        span::Id::from_u64(JOB_SPAN | (job + 1))
    }

    fn record(&self, span: &span::Id, values: &span::Record<'_>) {
        if Self::job(span).is_none() && Self::task(span).is_none() {
            values.record(&mut Read);
        }
        if !Self::kept(span) {
            self.inner.record(span, values);
        }
    }

    fn record_follows_from(&self, span: &span::Id, follows: &span::Id) {
        if !Self::kept(span) && !Self::kept(follows) {
            self.inner.record_follows_from(span, follows);
        }
    }

    fn event(&self, event: &Event<'_>) {
        if matches!(Self::kind(event.metadata()), Callsite::Ours) {
            event.record(&mut Read);
        }
        if self.inner.enabled(event.metadata()) {
            self.inner.event(event);
        }
    }

    fn enter(&self, span: &span::Id) {
        if let Some(task) = Self::task(span) {
            return window::entered(task);
        }
        if span.into_u64() == UNSEEN_SPAN {
            return;
        }
        match Self::job(span) {
            // Entered to run it (and again to drop it, after it ran).
            Some(job) => {
                let first = (self.spans.open.lock().get(&job)).is_some_and(|j| j.exits == 0);
                if first {
                    jobs::entered(&self.shared, job);
                }
            }
            None => self.inner.enter(span),
        }
    }

    fn exit(&self, span: &span::Id) {
        if let Some(task) = Self::task(span) {
            return window::exited(task);
        }
        if span.into_u64() == UNSEEN_SPAN {
            return;
        }
        match Self::job(span) {
            Some(job) => {
                let first = match self.spans.open.lock().get_mut(&job) {
                    Some(j) => {
                        j.exits += 1;
                        j.exits == 1
                    }
                    None => false,
                };
                if first {
                    jobs::exited(&self.shared, job);
                }
            }
            None => self.inner.exit(span),
        }
    }

    fn clone_span(&self, id: &span::Id) -> span::Id {
        if Self::task(id).is_some() || id.into_u64() == UNSEEN_SPAN {
            return id.clone();
        }
        match Self::job(id) {
            Some(job) => {
                if let Some(j) = self.spans.open.lock().get_mut(&job) {
                    j.refs += 1;
                }
                id.clone()
            }
            None => self.inner.clone_span(id),
        }
    }

    fn try_close(&self, id: span::Id) -> bool {
        if Self::task(&id).is_some() || id.into_u64() == UNSEEN_SPAN {
            return false;
        }
        let Some(job) = Self::job(&id) else {
            return self.inner.try_close(id);
        };
        let closed = {
            let mut open = self.spans.open.lock();
            match open.get_mut(&job) {
                Some(j) if j.refs > 1 => {
                    j.refs -= 1;
                    None
                }
                Some(_) => open.remove(&job),
                None => None,
            }
        };
        match closed {
            Some(j) => {
                jobs::closed(&self.shared, job, j.exits > 0);
                true
            }
            None => false,
        }
    }

    fn current_span(&self) -> tracing_core::span::Current {
        self.inner.current_span()
    }
}

/// The number of the next plain task's span.
static NEXT_TASK_SPAN: AtomicU64 = AtomicU64::new(1);

/// tokio's span around a task's future (one callsite for every spawn), once registered.
static TASK_CALLSITE: std::sync::atomic::AtomicPtr<Metadata<'static>> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

/// Counts the calls of `register_callsite`: it changes when a dispatcher is made.
static DISPATCH_EPOCH: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// The epoch at which [`keep_in_front`] last looked at this thread's subscriber.
    static SEEN_EPOCH: std::cell::Cell<u64> = const { std::cell::Cell::new(u64::MAX) };
}

/// Keeps the run's reading in front of a subscriber the code under test installs on the
/// run's thread (`tracing::subscriber::set_default`, a `trace_init()` helper): called at
/// each spawn and poll, it wraps the new default in a [`Reading`] of the same run. Without
/// it, tokio's spans for later spawns and blocking jobs, and the events to read, would go
/// to that subscriber alone, and tokio's own instrumentation would reach it.
///
/// The wrapper is installed with its guard forgotten: when the code under test drops its
/// own guard, `tracing` puts back what was there before it (the run's reading), and the
/// wrapper, which only its place as the default kept, is dropped. (The forgotten guard
/// holds a reference to that subscriber: it is kept alive until the process ends.)
///
/// What the code under test spawns in the same poll, after installing its subscriber and
/// before its next spawn, is seen as without spans: a plain task's end is read as
/// returned, and a blocking job gets no row.
#[inline]
pub(crate) fn keep_in_front(run: &Dispatch) {
    let epoch = DISPATCH_EPOCH.load(Ordering::Relaxed);
    if SEEN_EPOCH.with(|seen| seen.replace(epoch)) != epoch {
        wrap_default(run);
    }
}

/// [`keep_in_front`] once a dispatcher was made since it last looked (out of line: the
/// hooks at every spawn and poll inline only the check).
#[cold]
#[inline(never)]
fn wrap_default(run: &Dispatch) {
    let Some(reading) = run.downcast_ref::<Reading>() else {
        return;
    };
    let displaced =
        tracing::dispatcher::get_default(|now| (!now.is::<Reading>()).then(|| now.clone()));
    if let Some(theirs) = displaced {
        let wrapper = Dispatch::new(Reading {
            inner: theirs,
            shared: reading.shared.clone(),
            spans: reading.spans.clone(),
        });
        std::mem::forget(tracing::dispatcher::set_default(&wrapper));
    }
}

thread_local! {
    /// On a blocking thread of a run's runtime: the run's subscriber, as the thread's default.
    static BLOCKING_DEFAULT: std::cell::RefCell<Option<tracing::subscriber::DefaultGuard>> =
        const { std::cell::RefCell::new(None) };
}

/// A blocking thread of a run starts: the run's subscriber becomes its default.
#[cfg_attr(loom, allow(dead_code))]
pub(crate) fn enter_blocking_thread(dispatch: &Dispatch) {
    let guard = tracing::dispatcher::set_default(dispatch);
    BLOCKING_DEFAULT.with(|slot| *slot.borrow_mut() = Some(guard));
}

/// A blocking thread of a run stops.
#[cfg_attr(loom, allow(dead_code))]
pub(crate) fn leave_blocking_thread() {
    BLOCKING_DEFAULT.with(|slot| slot.borrow_mut().take());
}

/// The fields of tokio's span for a blocking job that make its row.
#[derive(Default)]
struct JobFields {
    name: String,
    file: String,
    line: u32,
    /// Its tokio id (a `JoinError` names the job by it).
    id: u64,
}

impl Visit for JobFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "loc.file" {
            value.clone_into(&mut self.file);
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "loc.line" => self.line = u32::try_from(value).unwrap_or(u32::MAX),
            "task.id" => self.id = value,
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "task.name" {
            self.name = format!("{value:?}");
        }
    }
}

/// Formats every field into nothing: `%e` and `?e` call `Display` and `Debug`.
struct Read;

impl Visit for Read {
    fn record_debug(&mut self, _field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(Nowhere, "{value:?}");
    }
}

/// A `fmt::Write` that keeps nothing.
struct Nowhere;

impl fmt::Write for Nowhere {
    fn write_str(&mut self, _: &str) -> fmt::Result {
        Ok(())
    }
}
