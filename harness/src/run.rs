//! The runner: a current-thread tokio runtime on a paused, seeded clock, and the driver
//! that runs the body, delivers timed events, settles, drains and shuts down.

// Run threads, kept between runs.
pub(crate) mod worker;
// What #[faultline_harness::test] runs.
pub(crate) mod testing;
// Verdicts that do not depend on the log level.
pub(crate) mod reading;
// The panic hook: quiet for panics inside a run, which the report shows.
pub(crate) mod panic_hook;
// Livelock detection: polls go on, the paused clock cannot move.
pub(crate) mod spin;
// The cores a parallel map's runs share: a run that sits idle gives its core back.
pub(crate) mod cores;

use std::collections::VecDeque;
use std::fmt::{Debug, Write as _};
use std::future::Future;
use std::ops::RangeInclusive;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinError;
use tokio::time::{Instant, sleep_until};

use crate::error::Error;
use crate::plan::{Event, Plan, TimedEvent};
use crate::record::clock;
use crate::record::ledger::{self, Ending, Ledger, Phase, Shared};
use crate::record::name::Name;
use crate::record::panics::PanicPayload;
use crate::record::task::{Judged, Task};
use crate::report::judge::TestCode;
use crate::report::{self, Report, RunFacts};
use crate::run::spin::Spin;

/// Virtual time a run may take before whatever is still pending is judged stalled.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(3600);

/// Scheduler ticks granted after the body returns so that aborts take effect
/// (a dropped `JoinSet` aborts its tasks on the next tick). The clock does not move.
/// None when nothing is alive then (see `drive`).
const SETTLE_TICKS: usize = 4;

/// Tasks a run judges individually by default; past this they are only counted.
pub const DEFAULT_MAX_TASKS: usize = 100_000;

/// Wall time a run may take before the watchdog gives up on it (see [`Builder::watchdog`]).
pub const DEFAULT_WATCHDOG: Duration = Duration::from_secs(10);

/// Wall time the runtime may sit idle — parked, no timer pending, no blocking job running,
/// nothing polled — before the run's deadline comes, by default (see
/// [`Builder::idle_grace`]). Only something outside the runtime (a `std::thread`, a
/// socket's peer) can wake a task then; a wait on one that ends within this time is not a
/// stall. Capped by the watchdog's period.
pub const DEFAULT_IDLE_GRACE: Duration = Duration::from_secs(1);

/// The watchdog's first wall-clock tick; each next one is twice as long, up to a quarter
/// of the idle grace.
const FIRST_TICK: Duration = Duration::from_millis(2);

/// Whether the deadline is read from tokio's hooks and the watchdog's ticks (see
/// [`Spin::deadline`]) rather than a timer of the harness's own: the hooks and the metrics
/// it reads need `--cfg tokio_unstable`.
const WALL_DEADLINE: bool = cfg!(all(tokio_unstable, not(loom)));

thread_local! {
    /// The virtual deadline of the run on this thread, while its driver runs.
    static RUN_DEADLINE: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
}

/// A hang the plan injected (`hang`): pending for ever. It holds a timer at the run's
/// deadline, so that once every task waits the clock jumps there at once, as it did when the
/// deadline was a timer of the harness's own: the plan's hang is the run's own doing, and no
/// real thread can end it, so it needs no second of wall time to be believed.
pub(crate) async fn hang<T>() -> T {
    if WALL_DEADLINE && let Some(deadline) = RUN_DEADLINE.with(std::cell::Cell::get) {
        sleep_until(deadline).await;
    }
    std::future::pending().await
}

/// Wall time granted to the runtime's shutdown (a never-ending `spawn_blocking` task
/// would otherwise hang it); the clock is virtual, so this only bounds a stuck thread.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// Runs `body` once with the default settings: seed 0, no faults, 1 h virtual deadline.
pub fn run<F, Fut, M>(scenario: &str, body: F) -> Result<Report, Error>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future + 'static,
    Fut::Output: Judged<M> + Debug + 'static,
    M: 'static,
{
    Builder::new(scenario, "default").run(body)
}

/// How to run a body: names, seed, plan, deadline. Reusable: `run` takes `&self`.
#[derive(Debug, Clone)]
pub struct Builder {
    scenario: String,
    variant: String,
    seed: u64,
    plan: Plan,
    plan_name: Option<String>,
    deadline: Duration,
    root: Name,
    replay: Option<String>,
    watchdog: Duration,
    idle_grace: Duration,
    max_tasks: usize,
    blocking: Option<Duration>,
    exit_on_return: bool,
    allowed: Vec<String>,
    test: Option<TestCode>,
}

impl Builder {
    /// A run of `variant` of `scenario` (names for the report).
    pub fn new(scenario: impl Into<String>, variant: impl Into<String>) -> Self {
        Builder {
            scenario: scenario.into(),
            variant: variant.into(),
            seed: 0,
            plan: Plan::none(),
            plan_name: None,
            deadline: DEFAULT_DEADLINE,
            root: Name::from("body"),
            replay: None,
            watchdog: DEFAULT_WATCHDOG,
            idle_grace: DEFAULT_IDLE_GRACE,
            max_tasks: DEFAULT_MAX_TASKS,
            blocking: None,
            exit_on_return: false,
            allowed: Vec::new(),
            test: None,
        }
    }

    /// The seed for tokio's scheduler RNG (`select!` branch order, watch wake order).
    pub fn seed(&mut self, seed: u64) -> &mut Self {
        self.seed = seed;
        self
    }

    /// The fault plan.
    pub fn plan(&mut self, plan: Plan) -> &mut Self {
        self.plan = plan;
        self
    }

    /// The fault plan, with the name the report shows for it.
    pub fn named_plan(&mut self, name: impl Into<String>, plan: Plan) -> &mut Self {
        self.plan_name = Some(name.into());
        self.plan(plan)
    }

    /// The virtual deadline (default 1 h).
    pub fn deadline(&mut self, deadline: Duration) -> &mut Self {
        self.deadline = deadline;
        self
    }

    /// The name of the task that runs the body (default `body`).
    pub fn root(&mut self, name: impl Into<Name>) -> &mut Self {
        self.root = name.into();
        self
    }

    /// The run is the `#[faultline_harness::test]` function at `lines` of `file` (as
    /// `file!()` writes it): a `panic!` written there, in a task, is the test's own fault,
    /// not PANICKED (`harness/DEFINITIONS.md`). Set by the attribute.
    #[doc(hidden)]
    pub fn test_code(&mut self, file: &'static str, lines: RangeInclusive<u32>) -> &mut Self {
        self.test = Some(TestCode { file, lines });
        self
    }

    /// The command the report prints for replaying this run.
    pub fn replay(&mut self, command: impl Into<String>) -> &mut Self {
        self.replay = Some(command.into());
        self
    }

    /// Wall time the run may take (default 10 s). A task that never yields — a loop with
    /// no `.await`, a blocking call — cannot be interrupted from inside; past this time
    /// the run's thread is abandoned and the report says which task did not yield.
    pub fn watchdog(&mut self, limit: Duration) -> &mut Self {
        self.watchdog = limit;
        self
    }

    /// Wall time the runtime may sit idle before the run's deadline comes (default 1 s):
    /// parked, with no timer pending, no blocking job running and nothing polled, so that
    /// only something outside the runtime (a `std::thread`, a socket's peer) could still
    /// wake a task. A wait on such a thing that ends within the grace is not a stall. A
    /// body that waits on nothing outside the runtime can never wake once idle, and its
    /// stalled runs need not wait a second each: give it a shorter grace. The report is
    /// the same either way (the clock stands at the deadline); only the wall time differs.
    /// Capped by the watchdog's period.
    pub fn idle_grace(&mut self, grace: Duration) -> &mut Self {
        self.idle_grace = grace;
        self
    }

    /// How many tasks the run judges individually (default 100,000, about 25 MB of
    /// ledger). Tasks spawned past it still run, and the report counts them.
    pub fn max_tasks(&mut self, max: usize) -> &mut Self {
        self.max_tasks = max;
        self
    }

    /// Drops the runtime as soon as the body returns, as `#[tokio::main]` does when `main`
    /// returns: every task still running is **dropped at shutdown** at that instant. By
    /// default the run instead waits for every task to end (up to the deadline), so late
    /// completions of orphans are seen.
    pub fn exit_on_return(&mut self, exit: bool) -> &mut Self {
        self.exit_on_return = exit;
        self
    }

    /// Flags tasks whose poll holds the runtime's thread longer than `threshold` of wall
    /// time with the thread busy or blocked (a `std::thread::sleep`, a CPU loop): the
    /// **blocked the executor** verdict. Off by default: it costs two `getrusage` calls per
    /// poll. 10 ms is a good threshold.
    pub fn detect_blocking(&mut self, threshold: Duration) -> &mut Self {
        self.blocking = Some(threshold);
        self
    }

    /// Accepts background tasks spawned with plain tokio by a crate or at a place whose row
    /// name starts with `who` (`"hyper-util"`, `"src/server.rs"`), as goleak's
    /// `IgnoreTopFunction` does: they are shown, marked accepted, and none of their verdicts
    /// counts against a clean run. Nothing is accepted by default. A plan accepts them too
    /// (`allow hyper-util` in its text, `allow = ["hyper-util"]` in a plan file).
    pub fn allow_background(&mut self, who: impl Into<String>) -> &mut Self {
        self.allowed.push(who.into());
        self
    }

    /// The scenario's name.
    pub fn scenario_name(&self) -> &str {
        &self.scenario
    }

    /// The variant's name.
    pub fn variant_name(&self) -> &str {
        &self.variant
    }

    /// Runs `body` as the root task and reports what every task did.
    ///
    /// The body runs on a thread of its own (a run thread, reused by later runs unless this
    /// one gets stuck), on a fresh current-thread runtime whose clock is
    /// paused from the start (it jumps ahead whenever every task waits on a timer). `body` is
    /// called on that thread, so the future it returns need not be `Send`, and it may
    /// `spawn_local` (the runtime is a `LocalRuntime`). The run
    /// ends when the body has returned and every task has ended, or at the deadline; then
    /// the runtime is dropped and whatever was still running is recorded as dropped at
    /// shutdown. A run still going after the [watchdog](Builder::watchdog)'s wall time is
    /// reported as it stands.
    ///
    /// Fails only on misuse (called inside a runtime, or inside another run).
    pub fn run<F, Fut, M>(&self, body: F) -> Result<Report, Error>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future + 'static,
        Fut::Output: Judged<M> + Debug + 'static,
        M: 'static,
    {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::misuse(
                "faultline cannot run inside a tokio runtime: it builds its own paused, seeded one; \
                 call it from a plain #[test] fn (not #[tokio::test]) or from a std::thread",
            ));
        }
        if ledger::is_installed() {
            return Err(Error::misuse(
                "a faultline run is already going on on this thread: runs do not nest; \
                 start the second run after the first returns, or on another thread",
            ));
        }
        panic_hook::install();
        let shared = Arc::new(Shared::new());
        // One message ever goes through it (see `worker::Inbox`). Its send never blocks, and
        // fails once the receiver is gone.
        let (done, outcome) = oneshot::channel();
        let this = self.clone();
        let run_shared = shared.clone();
        let spin = Arc::new(Spin::default());
        let run_spin = spin.clone();
        // The harness's events belong to the caller's span (tracing-test attributes by span).
        let span = tracing::Span::current();
        // The caller's subscriber, wrapped so that every event of the code under test is
        // read whatever that subscriber filters (see `reading`).
        let dispatch = reading::Reading::around(
            tracing::dispatcher::get_default(Clone::clone),
            shared.clone(),
        );
        worker::execute(Box::new(move || {
            let _span = span.enter();
            let ran = catch_unwind(AssertUnwindSafe(|| {
                tracing::dispatcher::with_default(&dispatch, || {
                    this.run_here(body, &run_shared, &run_spin)
                })
            }));
            match ran {
                Ok(report) => {
                    let _ = done.send(Ok(report));
                }
                Err(payload) => {
                    let _ = done.send(Err(crate::record::panics::panic_message(payload.as_ref())));
                    resume_unwind(payload); // the thread is not reused
                }
            }
        }))
        .map_err(Error::runtime)?;
        // The watchdog, on the wall clock. Three rules, read from the runtime's pulse:
        // - idle (see `Builder::idle_grace`): parked, no timer, no job, nothing polled for the grace:
        //   the run's deadline comes (the driver moves the clock to it and ends the run);
        // - spinning (see `spin`): polls for a whole period with the runtime never idle and
        //   its clock never moving: the driver is asked to end the run, and if it does not
        //   within another period, the run is given up as stuck;
        // - stuck: no poll started for a whole period (one poll that never returns, a
        //   blocking job that never ends): the run's thread is abandoned. A long run that
        //   keeps polling is fine.
        #[allow(clippy::disallowed_methods, reason = "the watchdog works in wall time")]
        let wall = std::time::Instant::now;
        // Short ticks first, so that a run that goes idle at once soon gives its core to
        // another run (see `cores`); a run that ends first never waits for one.
        let grace = self.idle_grace.min(self.watchdog);
        let last_tick = (grace / 4).max(Duration::from_millis(1));
        let mut tick = FIRST_TICK.min(last_tick);
        let mut seen = (shared.progress(), wall());
        let mut pulse = (spin.pulse(seen.0), wall());
        let mut awake_at = wall();
        let mut stopped_at = None;
        loop {
            match worker::recv(&outcome, tick) {
                Ok(Ok(report)) => return report,
                Ok(Err(why)) => {
                    return Err(Error::misuse(format!(
                        "the run's thread panicked outside any task (a Drop that panics?): {why}"
                    )));
                }
                Err(RecvTimeoutError::Timeout) => {
                    tick = (tick * 2).min(last_tick);
                    let at = wall();
                    let progress = shared.progress();
                    let beat = spin.pulse(progress);
                    if progress != seen.0 {
                        seen = (progress, at);
                    }
                    if Spin::moved(pulse.0, beat) {
                        pulse = (beat, at);
                    }
                    if Spin::awake(beat) {
                        awake_at = at;
                    }
                    let still = at - pulse.1;
                    let running = shared.in_runtime() && !shared.shutting_down();
                    if let Some(since) = stopped_at
                        && at - since >= self.watchdog
                        && running
                    {
                        return Ok(self.abandoned(&shared));
                    }
                    if running
                        && stopped_at.is_none()
                        && still >= self.watchdog
                        && Spin::spinning(pulse.0, beat)
                    {
                        spin.name_and_stop(&shared);
                        stopped_at = Some(wall());
                        continue;
                    }
                    if running && Spin::idle(pulse.0, beat) && !Spin::awake(beat) {
                        cores::waiting();
                    }
                    if WALL_DEADLINE
                        && running
                        && still.min(at - awake_at) >= grace
                        && Spin::idle(pulse.0, beat)
                    {
                        spin.found_idle();
                    }
                    if at - seen.1 >= self.watchdog && shared.in_runtime() && stopped_at.is_none() {
                        return Ok(self.abandoned(&shared));
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Error::misuse(
                        "the run's thread ended without a report (it could not start the run)",
                    ));
                }
            }
        }
    }

    /// The report of a run whose thread is stuck in one poll: everything alive is stalled,
    /// and the task being polled is named.
    fn abandoned(&self, shared: &Shared) -> Report {
        let stuck = shared.polling();
        // Never wait on a lock that a stuck callback may hold for ever.
        let Some(mut guard) = shared.lock_within(self.watchdog) else {
            return self.empty_report(&format!(
                "no progress for {:?} of wall time inside the harness's bookkeeping (a tracing \
                 subscriber or a Drop that blocks?); its thread was abandoned and the ledger \
                 could not be read",
                self.watchdog
            ));
        };
        let Some(ledger) = guard.as_mut() else {
            return self.empty_report("did not start within the watchdog's time");
        };
        ledger.apply_jobs(shared.jobs.take());
        let running_jobs = ledger.running_jobs();
        let shutting_down = shared.shutting_down();
        let (phase, end) = if shutting_down {
            (Phase::Shutdown, Ending::DroppedAtShutdown)
        } else {
            (Phase::Stalled, Ending::Stalled)
        };
        ledger.phase = phase;
        let stuck_name = stuck.map(|ix| ledger.task_name(ix).to_owned());
        let alive: Vec<u32> = (0..ledger.tasks.len() as u32)
            .filter(|&ix| ledger.tasks[ix as usize].ended.is_none())
            .collect();
        for ix in alive {
            ledger.ended(ix, end.clone());
        }
        let result = match &stuck_name {
            _ if shutting_down => format!(
                "the runtime's shutdown did not finish within {:?} of wall time: dropping a task \
                 blocked (a Drop that waits on something?); its thread was abandoned",
                self.watchdog
            ),
            Some(task) => format!(
                "did not yield for {:?} of wall time: task {task} never returned to the executor \
                 (a loop without .await, or a blocking call); its thread was abandoned",
                self.watchdog
            ),
            None if !running_jobs.is_empty() => format!(
                "no progress for {:?} of wall time: blocking job {} never ended (a spawn_blocking \
                 call that does not return); its thread was abandoned",
                self.watchdog,
                running_jobs.join(", ")
            ),
            None => format!(
                "no progress for {:?} of wall time: the runtime waited on something that is not a task \
                 (a spawn_blocking call that never ends?); its thread was abandoned",
                self.watchdog
            ),
        };
        tracing::error!(target: "faultline", task = stuck_name.as_deref().unwrap_or("-"), "{result}");
        // The abandoned thread may still use the names (in its tracing events): keep a copy.
        let names: Vec<_> = ledger.tasks.iter().map(|t| t.name.clone()).collect();
        let mut report = report::build(ledger, self.facts(result, None, 0));
        for (task, name) in ledger.tasks.iter_mut().zip(names) {
            task.name = name;
        }
        if let Some(name) = stuck_name
            && let Some(task) = report.tasks.iter_mut().find(|t| t.name == name)
        {
            task.detail = Some("did not yield".to_owned());
        }
        for task in (report.tasks.iter_mut()).filter(|t| running_jobs.contains(&t.name.to_string()))
        {
            task.detail = Some("never ended".to_owned());
        }
        report
    }

    fn empty_report(&self, result: &str) -> Report {
        let mut ledger = Ledger::new(
            Instant::now(),
            self.plan.clone(),
            self.seed,
            Arc::new(Notify::new()),
            0,
        );
        report::build(&mut ledger, self.facts(result.to_owned(), None, 0))
    }

    fn facts(&self, result: String, quiescent: Option<Duration>, untracked: usize) -> RunFacts {
        self.clone().into_facts(result, quiescent, untracked)
    }

    /// [`Builder::facts`], taking the builder's strings rather than copying them (the end
    /// of every run: copies are allocations).
    fn into_facts(
        mut self,
        result: String,
        quiescent: Option<Duration>,
        untracked: usize,
    ) -> RunFacts {
        let plan = self.plan.to_string();
        let replay = self.replay.take().unwrap_or_else(|| {
            // The same bytes as `format!("Builder::new({:?}, …")`, built by pushes: that
            // format is a fifth of an empty run's own cost (`{:?}` looks at every char).
            let mut replay = String::with_capacity(80 + plan.len());
            replay.push_str("Builder::new(");
            push_quoted(&mut replay, &self.scenario);
            replay.push_str(", ");
            push_quoted(&mut replay, &self.variant);
            replay.push_str(").seed(");
            let _ = write!(replay, "{}", self.seed);
            replay.push_str(").plan(Plan::parse(");
            push_quoted(&mut replay, &plan);
            replay.push_str(").unwrap()).run(body)");
            replay
        });
        RunFacts {
            plan,
            scenario: self.scenario,
            variant: self.variant,
            seed: self.seed,
            plan_name: self.plan_name,
            result,
            quiescent,
            deadline: self.deadline,
            untracked,
            replay,
            allowed: (self.allowed.iter())
                .chain(self.plan.allowed())
                .cloned()
                .collect(),
            test: self.test,
        }
    }

    /// The run itself, on the run's own thread.
    fn run_here<F, Fut, M>(
        self,
        body: F,
        shared: &Arc<Shared>,
        spin: &Arc<Spin>,
    ) -> Result<Report, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future + 'static,
        Fut::Output: Judged<M> + Debug + 'static,
        M: 'static,
    {
        let runtime = self.runtime(shared, spin)?;
        let handle = runtime.handle().clone();
        if self.blocking.is_some() {
            crate::record::probe::ready_a_blocking_thread(&runtime);
        }
        spin.set_handle(handle.clone());
        let quiet = shared.jobs.quiet.clone();
        let start = {
            let _enter = runtime.enter();
            Instant::now()
        };
        let mut ledger = Ledger::new(
            start,
            self.plan.clone(),
            self.seed,
            quiet.clone(),
            self.max_tasks,
        );
        ledger.plain_final =
            self.allowed.is_empty() && self.plan.allowed().is_empty() && self.blocking.is_none();
        ledger::install(shared, ledger);
        crate::record::probe::set_threshold(self.blocking);
        crate::record::panics::forget();
        shared.set_in_runtime(true);
        // Boxed: the driver future is large, and `block_on` moves it three times.
        let driven = runtime.block_on(Box::pin(clock::forgetting(self.drive(body, quiet, spin))));
        RUN_DEADLINE.with(|d| d.set(None));
        ledger::with(|l| l.phase = Phase::Shutdown);
        // The watchdog still judges the shutdown: it drops every task left, and a `Drop`
        // of foreign code may block.
        shared.set_shutting_down();
        clock::forget();
        runtime.shutdown_timeout(SHUTDOWN_GRACE);
        spin.clear_handle();
        shared.set_in_runtime(false);
        let ledger = ledger::uninstall().expect("the run's ledger is installed until here");
        let untracked = if cfg!(all(tokio_unstable, not(loom))) {
            // Every spawn has a row but those past the ledger's cap (blocking jobs' rows are
            // not spawns the hook saw).
            spawned_tasks(&handle).saturating_sub(ledger.tasks.len() - ledger.jobs_total)
        } else {
            driven.untracked_seen
        };
        if untracked > 0 {
            tracing::warn!(target: "faultline", untracked, "tasks the harness could give no row (past the ledger's cap, or plain tokio spawns without task hooks)");
        }
        let mut report = report::build_later(
            ledger,
            self.into_facts(driven.result, driven.quiescent, untracked),
        );
        mark_spinners(&mut report, &driven.spinners);
        Ok(report)
    }

    #[cfg_attr(not(all(tokio_unstable, not(loom))), allow(unused_variables))]
    fn runtime(
        &self,
        shared: &Arc<Shared>,
        spin: &Arc<Spin>,
    ) -> Result<tokio::runtime::LocalRuntime, Error> {
        let mut builder = tokio::runtime::Builder::new_current_thread();
        builder.enable_all().start_paused(true);
        // The blocking pool's threads use the run's subscriber too: a job's own events are
        // read as the body's are, and a job or task spawned inside a job is seen. (tokio
        // under loom has no thread callbacks.)
        // The run's subscriber (this thread's default).
        #[cfg(not(loom))]
        let dispatch = tracing::dispatcher::get_default(Clone::clone);
        #[cfg(not(loom))]
        {
            let dispatch = dispatch.clone();
            builder
                .on_thread_start(move || reading::enter_blocking_thread(&dispatch))
                .on_thread_stop(reading::leave_blocking_thread);
        }
        #[cfg(all(tokio_unstable, not(loom)))]
        {
            builder.rng_seed(tokio::runtime::RngSeed::from_bytes(
                &self.seed.to_le_bytes(),
            ));
            // The run's subscriber, kept in front of one the code under test installs.
            let (reading, polled_reading) = (dispatch.clone(), dispatch);
            // Every task gets a row: faultline's own spawns make theirs; a plain tokio
            // spawn gets one here, named by where it was spawned.
            builder.on_task_spawn(move |meta| {
                crate::record::hooks::spawn_hook(meta.id(), meta.spawned_at());
                reading::keep_in_front(&reading);
            });
            // A task's end wakes the driver only once it waits for the run to go quiet
            // (a `Notify` costs an atomic read-modify-write a call, here once per task).
            let shared = shared.clone();
            // Before each poll (one hook, three readers): a poll window per task poll, how
            // a plain task ended (see record/window.rs); which tasks spin, once the watchdog
            // asks (one relaxed load a poll until then); and, with detection on, the timing
            // of a plain task's poll (a faultline task's wrapper times its own).
            let polled = spin.clone();
            let detect = self.blocking.is_some();
            builder.on_before_task_poll(move |meta| {
                clock::forget();
                reading::keep_in_front(&polled_reading);
                crate::record::window::poll_started(meta.id());
                polled.polling(meta.id());
                if detect {
                    crate::record::probe::plain_poll_started();
                }
            });
            if detect {
                builder.on_after_task_poll(|meta| {
                    if crate::record::probe::plain_poll_blocked() {
                        ledger::with(|l| l.plain_blocked(meta.id()));
                    }
                });
            }
            builder.on_task_terminate(move |meta| {
                crate::record::hooks::terminate_hook(meta.id());
                if shared.draining() {
                    shared.jobs.quiet.notify_one();
                }
            });
            // The clock may have jumped: read it anew (see record/clock.rs), and check the
            // deadline (see `Spin::deadline`).
            let spin = spin.clone();
            builder.on_thread_unpark(move || {
                clock::forget();
                spin.unparked();
            });
        }
        // A local runtime: the same current-thread scheduler, plus `spawn_local` anywhere on
        // the run's thread (with the task hooks, which a `LocalSet` does not call).
        builder
            .build_local(tokio::runtime::LocalOptions::default())
            .map_err(Error::runtime)
    }

    async fn drive<F, Fut, M>(&self, body: F, quiet: Arc<Notify>, spin: &Spin) -> Driven
    where
        F: FnOnce() -> Fut,
        Fut: Future + 'static,
        Fut::Output: Judged<M> + Debug + 'static,
        M: 'static,
    {
        let start = Instant::now();
        let deadline = start + self.deadline;
        spin.set_deadline(deadline);
        RUN_DEADLINE.with(|d| d.set(Some(deadline)));
        // When the deadline came without a timer: the clock stands where it was, short of it.
        let to_deadline = || async move {
            let now = Instant::now();
            if now < deadline {
                tokio::time::advance(deadline - now).await;
            }
        };
        let mut events: VecDeque<(usize, TimedEvent)> =
            self.plan.events().iter().cloned().enumerate().collect();
        let next_event = |events: &VecDeque<(usize, TimedEvent)>| {
            start + events.front().map_or(Duration::ZERO, |(_, e)| e.at)
        };
        // Built here, on the run's thread, and spawned as a local task: the body need not be
        // `Send` (as under `#[tokio::test]`'s current-thread runtime).
        let mut root = Task::new(self.root.clone()).spawn_local(body());

        let result = loop {
            tokio::select! {
                biased;
                joined = &mut root => {
                    let mut result = describe(joined);
                    ledger::with(|l| l.name_ids(&mut result));
                    break Some(result);
                }
                () = sleep_until(next_event(&events)), if !events.is_empty() => fire(events.pop_front()),
                () = sleep_until(deadline), if !WALL_DEADLINE => break None,
                () = spin.deadline(), if WALL_DEADLINE => {
                    to_deadline().await;
                    break None;
                }
                () = spin.stopped() => break None,
            }
        };
        let Some(result) = result else {
            let spinners = stall_all(spin);
            return Driven {
                result: if spin.is_stopped() {
                    self.spinning_result(&spinners)
                } else {
                    "stalled: the body was still pending at the deadline".to_owned()
                },
                quiescent: None,
                untracked_seen: 0,
                spinners,
            };
        };

        let metrics = tokio::runtime::Handle::current().metrics();
        // Rows alive: (tasks, blocking jobs). tokio counts tasks only.
        let rows_alive =
            || ledger::with(|l| (l.alive - l.jobs_alive, l.jobs_alive)).unwrap_or((0, 0));
        if self.exit_on_return {
            let (tasks, jobs) = rows_alive();
            let alive = metrics.num_alive_tasks();
            let quiescent = (alive + jobs == 0).then(|| Instant::now() - start);
            return Driven {
                result,
                quiescent,
                untracked_seen: alive.saturating_sub(tasks),
                spinners: Vec::new(),
            };
        }
        ledger::set_draining();
        // With no task and no blocking job alive there is nothing to settle (no abort can
        // be pending, and nothing could run in the ticks): the run is quiet now, and the
        // ticks (a turn of the I/O and time drivers each) are skipped.
        if metrics.num_alive_tasks() + rows_alive().1 > 0 {
            for _ in 0..SETTLE_TICKS {
                tokio::task::yield_now().await;
            }
        }
        let tracked_alive = || rows_alive().0;
        let mut untracked_seen = metrics.num_alive_tasks().saturating_sub(tracked_alive());
        let quiescent = loop {
            let alive = metrics.num_alive_tasks();
            // A blocking job still running holds the clock; its end wakes `quiet`.
            if alive + rows_alive().1 == 0 {
                break Some(Instant::now() - start);
            }
            untracked_seen = untracked_seen.max(alive.saturating_sub(tracked_alive()));
            // Without tokio's task hooks, untracked tasks do not wake the driver when they end.
            let poll_untracked = !cfg!(all(tokio_unstable, not(loom))) && alive > tracked_alive();
            tokio::select! {
                biased;
                () = quiet.notified() => {}
                () = sleep_until(next_event(&events)), if !events.is_empty() => fire(events.pop_front()),
                () = tokio::time::sleep(Duration::from_millis(10)), if poll_untracked => {}
                () = sleep_until(deadline), if !WALL_DEADLINE => break None,
                () = spin.deadline(), if WALL_DEADLINE => {
                    to_deadline().await;
                    break None;
                }
                () = spin.stopped() => break None,
            }
        };
        // Spinning after the body returned: the tasks left alive end stalled, as they would
        // at the deadline, and the result says why the run ended.
        let (result, spinners) = if spin.is_stopped() {
            let spinners = stall_all(spin);
            (self.spinning_result(&spinners), spinners)
        } else {
            (result, Vec::new())
        };
        Driven {
            result,
            quiescent,
            untracked_seen,
            spinners,
        }
    }

    /// The run's result when the watchdog found it spinning.
    fn spinning_result(&self, spinners: &[Name]) -> String {
        let who = if spinners.is_empty() {
            "no task could be named".to_owned()
        } else {
            spinners
                .iter()
                .map(Name::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "spinning: for {:?} of wall time tasks kept the runtime busy while the paused clock \
             could not move (it moves only when every task waits), so no timeout or deadline \
             could come: {who} (a loop that yields only through tokio's co-op budget, or polls \
             a flag with yield_now?); the run was stopped",
            self.watchdog
        )
    }
}

/// Tasks spawned on the run's runtime, by its own count (tokio's task hooks see the same
/// spawns; counting them there too cost an atomic read-modify-write a task).
#[cfg(all(tokio_unstable, not(loom)))]
fn spawned_tasks(handle: &tokio::runtime::Handle) -> usize {
    handle.metrics().spawned_tasks_count() as usize
}

/// Without task hooks untracked spawns are counted by the driver instead.
#[cfg(not(all(tokio_unstable, not(loom))))]
fn spawned_tasks(_: &tokio::runtime::Handle) -> usize {
    0
}

/// Ends the run where it stands: every task still alive is stalled. Returns the names of
/// those seen spinning, when the watchdog stopped the run.
fn stall_all(spin: &Spin) -> Vec<Name> {
    ledger::with(|l| {
        let spinners: Vec<Name> = if spin.is_stopped() {
            (spin.spinners(l).into_iter())
                .map(|ix| l.tasks[ix as usize].name.clone())
                .collect()
        } else {
            Vec::new()
        };
        l.phase = Phase::Stalled;
        let alive: Vec<u32> = (0..l.tasks.len() as u32)
            .filter(|&ix| l.tasks[ix as usize].ended.is_none())
            .collect();
        for ix in alive {
            l.ended(ix, Ending::Stalled);
        }
        spinners
    })
    .unwrap_or_default()
}

/// Marks the rows of the tasks seen spinning (the SPINNING verdict).
fn mark_spinners(report: &mut Report, spinners: &[Name]) {
    if spinners.is_empty() {
        return; // the usual case: no walk over every row
    }
    for task in (report.tasks.iter_mut()).filter(|t| spinners.contains(&t.name)) {
        task.detail = Some(spin::SPINNING_DETAIL.to_owned());
        report.summary.spinning += 1;
    }
}

struct Driven {
    result: String,
    quiescent: Option<Duration>,
    untracked_seen: usize,
    /// Tasks seen spinning, when the watchdog stopped the run.
    spinners: Vec<Name>,
}

/// Pushes `text` as `{:?}` writes it. Text with nothing to escape (printable ASCII but `"`
/// and `\`: every name and most plans) is copied as it is; anything else goes through
/// `Debug`.
fn push_quoted(to: &mut String, text: &str) {
    if (text.bytes()).all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') {
        to.push('"');
        to.push_str(text);
        to.push('"');
    } else {
        let _ = write!(to, "{text:?}");
    }
}

/// The body's result as the run shows it. Formatting a `Failure` counts as looking at it:
/// the body's result is what the caller of the run sees.
fn describe<T: Debug>(joined: Result<T, JoinError>) -> String {
    match joined {
        Ok(output) => crate::record::error_text::without_backtrace(format!("{output:?}")),
        Err(err) if err.is_cancelled() => "cancelled".to_owned(),
        Err(err) => {
            let payload = err.into_panic();
            match payload.downcast_ref::<PanicPayload>() {
                Some(p) => format!("panicked: {}", p.message()),
                None => "panicked".to_owned(),
            }
        }
    }
}

fn fire(event: Option<(usize, TimedEvent)>) {
    let Some((index, event)) = event else { return };
    let fired = match event.event {
        Event::Shutdown => {
            // Cancelled outside the ledger's lock: the token's waiters may record in it.
            if let Some(token) = ledger::with(Ledger::shutdown_token) {
                token.cancel();
            }
            true
        }
        Event::Cancel(name) => {
            let done = ledger::with(|l| l.cancel_named(&name)) == Some(true);
            if !done {
                tracing::warn!(target: "faultline", task = name.as_str(), "the plan's cancel found no alive task of that name it could cancel");
            }
            done
        }
    };
    if fired {
        ledger::with(|l| l.events_fired[index] += 1);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::push_quoted;

    fn quoted(text: &str) -> String {
        let mut to = String::new();
        push_quoted(&mut to, text);
        to
    }

    #[test]
    fn quoting_is_debugs_on_names_plans_and_text_to_escape() {
        for text in [
            "",
            "gather",
            "fetch[3]=error(timeout)->50%delay(10ms); @100ms cancel(t)",
            "say \"hi\"",
            r"C:\path",
            "tab\there",
            "line\nbreak",
            "naïve",
            "\u{7f}",
            "e\u{301}",
        ] {
            assert_eq!(quoted(text), format!("{text:?}"), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn quoting_is_debugs_on_any_text(text in any::<String>()) {
            prop_assert_eq!(quoted(&text), format!("{text:?}"));
        }

        #[test]
        fn quoting_is_debugs_on_ascii(text in "[ -~\t\n]{0,40}") {
            prop_assert_eq!(quoted(&text), format!("{text:?}"));
        }
    }
}
