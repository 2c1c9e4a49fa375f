//! Tracked spawning: real tokio tasks, handles and sets, with a name and a parent in the ledger.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::num::NonZeroU64;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::task::{AbortHandle, JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::record::failure::Failure;
use crate::record::ledger::{self, Ending, TaskIx};
use crate::record::name::Name;
use crate::record::panics::{self, PanicPayload, panic_message};
use crate::record::probe;

/// Spawns `future` with `tokio::spawn`, tracked under `name`. Returns tokio's own handle.
///
/// Outside a run this is plain `tokio::spawn`.
#[inline]
#[track_caller]
pub fn spawn<F, M>(name: impl Into<Name>, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Judged<M> + Send + 'static,
    M: 'static,
{
    Task::new(name).spawn(future)
}

/// Spawns `future` on `set` (`JoinSet::spawn`), tracked under `name`.
#[inline]
#[track_caller]
pub fn spawn_in<F, M>(set: &mut JoinSet<F::Output>, name: impl Into<Name>, future: F) -> AbortHandle
where
    F: Future + Send + 'static,
    F::Output: Judged<M> + Send + 'static,
    M: 'static,
{
    Task::new(name).spawn_in(set, future)
}

/// Spawns `future` on `tracker` (`TaskTracker::spawn`), tracked under `name`.
#[inline]
#[track_caller]
pub fn spawn_on<F, M>(
    tracker: &TaskTracker,
    name: impl Into<Name>,
    future: F,
) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Judged<M> + Send + 'static,
    M: 'static,
{
    Task::new(name).spawn_on(tracker, future)
}

/// Runs `f` on tokio's blocking pool (`tokio::task::spawn_blocking`), its row named `name`.
///
/// Every `spawn_blocking` job of a run has a row already, named by where it was spawned
/// (`src/hash.rs:12`); this gives it a name instead. Outside a run, or without
/// `--cfg tokio_unstable` (tokio's task names need it), it is plain `spawn_blocking`.
///
/// # Panics
///
/// As `spawn_blocking` does: when the OS cannot start a thread, or when called outside a
/// runtime.
#[track_caller]
pub fn spawn_blocking<F, R>(name: impl Into<Name>, f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    #[cfg(tokio_unstable)]
    {
        let name = name.into();
        match tokio::task::Builder::new()
            .name(name.as_str())
            .spawn_blocking(f)
        {
            Ok(handle) => handle,
            Err(e) => panic!("spawn_blocking({name}) could not start: {e}"),
        }
    }
    #[cfg(not(tokio_unstable))]
    {
        let _ = name;
        tokio::task::spawn_blocking(f)
    }
}

/// A tracked task's run and its index in that run's ledger; `None` outside a run (or past
/// the ledger's cap). 16 bytes (run ids start at 1): it is in every task's future, which
/// tokio copies a few times between spawn and end.
type Place = Option<(NonZeroU64, TaskIx)>;

/// A task about to be spawned: its name and, optionally, the token that stops it.
#[must_use = "a Task does nothing until one of its spawn methods is called"]
pub struct Task {
    name: Name,
    token: Option<CancellationToken>,
}

impl Task {
    /// A task named `name` (a `&'static str`, a `String`, or `("fetch", 3)` for `fetch[3]`).
    pub fn new(name: impl Into<Name>) -> Self {
        Task {
            name: name.into(),
            token: None,
        }
    }

    /// The `CancellationToken` that stops this task: the report says when it fired and how
    /// long after it the task stopped ("stopped 0 ms after its token", "ran 1000 ms after
    /// its token"). The task keeps the outcome of what it returned.
    pub fn token(mut self, token: &CancellationToken) -> Self {
        self.token = Some(token.clone());
        self
    }

    /// `tokio::spawn`.
    #[inline]
    #[track_caller]
    pub fn spawn<F, M>(self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Judged<M> + Send + 'static,
        M: 'static,
        M: 'static,
    {
        let (ix, keep) = self.record(None);
        let handle = ledger::tracked_spawn(|| spawn_tracked!(future, ix => tokio::spawn));
        register(keep, || handle.abort_handle());
        handle
    }

    /// `tokio::task::spawn_local`: a future that need not be `Send`, run on the current
    /// thread. Inside a run the body can always call it (the run's runtime is a local one);
    /// elsewhere it panics as `spawn_local` does outside a `LocalSet`.
    #[inline]
    #[track_caller]
    pub fn spawn_local<F, M>(self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: Judged<M> + 'static,
        M: 'static,
    {
        let (ix, keep) = self.record(None);
        let handle =
            ledger::tracked_spawn(|| spawn_tracked!(future, ix => tokio::task::spawn_local));
        register(keep, || handle.abort_handle());
        handle
    }

    /// `JoinSet::spawn`.
    #[inline]
    #[track_caller]
    pub fn spawn_in<F, M>(self, set: &mut JoinSet<F::Output>, future: F) -> AbortHandle
    where
        F: Future + Send + 'static,
        F::Output: Judged<M> + Send + 'static,
        M: 'static,
        M: 'static,
    {
        let (ix, keep) = self.record(None);
        let abort = ledger::tracked_spawn(|| spawn_tracked!(future, ix => set.spawn));
        register(keep, || abort.clone());
        abort
    }

    /// `TaskTracker::spawn`.
    #[inline]
    #[track_caller]
    pub fn spawn_on<F, M>(self, tracker: &TaskTracker, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Judged<M> + Send + 'static,
        M: 'static,
        M: 'static,
    {
        let (ix, keep) = self.record(Some(tracker));
        let handle = ledger::tracked_spawn(|| spawn_tracked!(future, ix => tracker.spawn));
        register(keep, || handle.abort_handle());
        handle
    }

    /// Records the spawn: the task's place in the ledger, and the same again if the ledger
    /// wants its abort handle (see [`register`]). Not generic, and the future is not moved
    /// through it: a large future is copied once less on its way into tokio.
    #[inline]
    fn record(self, tracker: Option<&TaskTracker>) -> (Place, Place) {
        let Task { name, token } = self;
        let spawned = ledger::with(|l| {
            let ix = l.spawned(name, token, tracker)?;
            Some(((NonZeroU64::new(l.run)?, ix), l.keeps_aborts()))
        })
        .flatten();
        let ix = spawned.map(|(ix, _)| ix);
        (ix, spawned.and_then(|(ix, keep)| keep.then_some(ix)))
    }
}

/// Calls tokio's spawn (`$($spawn)+`, say `tokio::spawn` or `set.spawn`) with `$future`
/// wrapped in [`Tracked`], boxed first when the wrapper is larger than [`BOX_ABOVE`] bytes.
/// Used inside [`Task`]'s spawn methods: it names their type parameters `F` and `M`.
/// tokio moves a task's future by value several times on its way in (and swaps its stage
/// for the output at the end), copying the whole future each time; a boxed one is a
/// pointer. The test is an inline `const`, evaluated for each future type before its code
/// is generated: only one branch is instantiated. (A plain `if` on `size_of` instantiated
/// tokio's spawn for both, half as much code again: `nm` of the `verdicts` test binary
/// counted 3,607 symbols of `Tracked` against 2,348 before the boxing and 2,374 now.)
macro_rules! spawn_tracked {
    ($future:ident, $ix:ident => $($spawn:tt)+) => {
        if const { size_of::<Tracked<F, M>>() > BOX_ABOVE } {
            $($spawn)+(Box::pin(Tracked::<F, M>::new($future, $ix)))
        } else {
            $($spawn)+(Tracked::<F, M>::new($future, $ix))
        }
    };
}
use spawn_tracked;

/// Above this size a task's future is boxed before tokio gets it (see [`spawn_tracked`]).
/// Measured with callgrind on 10,000 tasks each holding N bytes (BENCHMARKS.md, "Fast,
/// seventh round"): with a wrapper of 176 bytes or less, boxing cost up to 300
/// instructions a task more (the copies of a small future are a few moves, not a
/// `memcpy`); at 192 it was even; from 208 bytes it saved 240–310, and 430 at 416.
const BOX_ABOVE: usize = 192;

/// Hands the task's abort handle to the ledger, when its plan can cancel tasks (a second
/// trip through the ledger, so it is made only then).
fn register(ix: Place, abort: impl FnOnce() -> AbortHandle) {
    if let Some((run, ix)) = ix {
        let abort = abort();
        ledger::with_run(run.get(), |l| l.keep_abort(ix, abort));
    }
}

pin_project_lite::pin_project! {
    /// The future that tokio really runs: the task's own future plus a drop guard that
    /// tells the ledger how it ended (completed, failed, panicked, or dropped early).
    struct Tracked<F, M> {
        #[pin]
        inner: F,
        // Set while `inner` is dropped early, so that what its `Drop` does (a spawn, an
        // error made) is the task's; dropped after `inner` (fields drop in this order).
        dropping: Option<ledger::EnterGuard>,
        ix: Place,
        done: bool,
        // How its output is judged (see `Judged`).
        judged: PhantomData<fn() -> M>,
    }

    impl<F, M> PinnedDrop for Tracked<F, M> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let (Some((run, ix)), false) = (*this.ix, *this.done) {
                ledger::with_run(run.get(), |l| l.dropped_early(ix));
                *this.dropping = Some(ledger::enter(ix));
            }
        }
    }
}

impl<F, M> Tracked<F, M> {
    #[inline]
    fn new(inner: F, ix: Place) -> Self {
        Tracked {
            inner,
            dropping: None,
            ix,
            done: false,
            judged: PhantomData,
        }
    }
}

impl<F, M> Future for Tracked<F, M>
where
    F: Future,
    F::Output: Judged<M>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Some((run, ix)) = *this.ix else {
            return this.inner.poll(cx);
        };
        let run = run.get();
        let _polling = ledger::poll(ix);
        let probe = probe::start();
        let polled = catch_unwind(AssertUnwindSafe(|| this.inner.poll(cx)));
        if probe.is_some_and(probe::Probe::blocked) {
            ledger::with_run(run, |l| l.blocked(ix));
        }
        // Who closes a TaskTracker owns it: look only while some tracker is still open.
        if ledger::watching_trackers() {
            ledger::with_run(run, |l| l.note_closed(ix));
        }
        match polled {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => {
                *this.done = true;
                if !output.failed() {
                    // Most tasks: nothing carried, no text to keep.
                    ledger::with_run(run, |l| l.completed(ix));
                    return Poll::Ready(output);
                }
                let mut carried = Vec::new();
                output.traced(&mut |f: &Failure| carried.extend(f.traced_in(run)));
                // An error of a type the harness does not trace: its text, for the report.
                let untraced = (carried.is_empty())
                    .then(|| output.text())
                    .flatten()
                    .map(crate::record::error_text::without_backtrace);
                ledger::with_run(run, |l| {
                    if !carried.is_empty() {
                        l.carried(ix, carried);
                    }
                    if let Some(text) = untraced {
                        l.tasks[ix as usize].rare_mut().untraced = Some(text);
                    }
                    l.ended(ix, Ending::Failed);
                });
                Poll::Ready(output)
            }
            Err(payload) => {
                *this.done = true;
                // A child's panic re-raised (`resume_unwind(e.into_panic())`) goes on to
                // whoever reads this one: it was delivered, not dropped.
                let child = payload.downcast_ref::<PanicPayload>();
                if let Some(child) = child {
                    child.mark_read();
                }
                let (message, hooked) = panics::located(panic_message(payload.as_ref()), ix);
                ledger::with_run(run, |l| {
                    l.ended(
                        ix,
                        Ending::Panicked {
                            message: message.clone(),
                            // No panic hook saw it raised here: someone's, resumed.
                            reraised: child.is_some() || !hooked,
                        },
                    )
                });
                resume_unwind(Box::new(PanicPayload::new(message, run, ix)))
            }
        }
    }
}

/// What a task's output says about how it went: success, or failure carrying which errors.
///
/// Implemented for `Result<T, E>` (a failure when `Err`), `()` and common value types.
/// The errors the harness traces are [`Failure`]s found in `E` when `E` is a
/// `Failure`, a `Vec<Failure>`, or a `Box<dyn Error + Send + Sync>` with a `Failure`
/// in its source chain.
#[diagnostic::on_unimplemented(
    message = "faultline cannot tell whether a task returning `{Self}` succeeded",
    note = "return a `Result`, `()` or a plain value, or implement `faultline_harness::TaskOutput` for `{Self}`"
)]
pub trait TaskOutput {
    /// Whether this output is a failure.
    fn is_failure(&self) -> bool {
        false
    }

    /// Calls `found` with every traced error this output carries.
    fn failures(&self, found: &mut dyn FnMut(&Failure)) {
        let _ = found;
    }

    /// The error's text, for a failure that carries no traced error (`E`'s `Debug`).
    fn error_text(&self) -> Option<String> {
        None
    }
}

/// How a task's output is judged: through [`TaskOutput`] (`M` is [`ByTaskOutput`]), or, for
/// a body that never returns — whose output type is `!`: `async { panic!("…") }`,
/// `async { loop { … } }` — as nothing to judge (`M` is [`NeverReturns`]). Implemented for
/// you; `M` is inferred, never written.
///
/// Two routes because stable Rust has no specialization and names `!` only through a
/// projection, and an impl of `TaskOutput` for `!` would forbid every impl of `TaskOutput`
/// in your own crate (the compiler cannot tell your type from the projection).
#[diagnostic::on_unimplemented(
    message = "faultline cannot tell whether a task returning `{Self}` succeeded",
    note = "return a `Result`, `()` or a plain value, or implement `faultline_harness::TaskOutput` for `{Self}`; \
            for a type of another crate, write `faultline_harness::judge_as_completed!({Self});`"
)]
pub trait Judged<M> {
    /// Whether this output is a failure.
    fn failed(&self) -> bool;
    /// Calls `found` with every traced error this output carries.
    fn traced(&self, found: &mut dyn FnMut(&Failure));
    /// The error's text, for a failure that carries no traced error.
    fn text(&self) -> Option<String>;
}

/// [`Judged`] through [`TaskOutput`].
#[derive(Debug)]
pub struct ByTaskOutput;

/// [`Judged`] for a body that never returns (output type `!`).
#[derive(Debug)]
pub enum NeverReturns {}

impl<T: TaskOutput + ?Sized> Judged<ByTaskOutput> for T {
    fn failed(&self) -> bool {
        self.is_failure()
    }

    fn traced(&self, found: &mut dyn FnMut(&Failure)) {
        self.failures(found);
    }

    fn text(&self) -> Option<String> {
        self.error_text()
    }
}

/// Names a function type's return type: `<fn() -> ! as Returns>::Output` is `!` on stable.
#[doc(hidden)]
pub trait Returns {
    /// The return type.
    type Output;
}

impl<T> Returns for fn() -> T {
    type Output = T;
}

impl Judged<NeverReturns> for <fn() -> ! as Returns>::Output {
    // Never called: no value of type `!` exists.
    fn failed(&self) -> bool {
        false
    }

    fn traced(&self, _: &mut dyn FnMut(&Failure)) {}

    fn text(&self) -> Option<String> {
        None
    }
}

/// Lets faultline's spawns take tasks whose output is a type from another crate that is
/// not a `Result` (`http::Response<…>`, `bytes::Bytes`): such a task is judged completed when
/// it returns. Your crate cannot implement [`TaskOutput`] for a foreign type (the orphan
/// rule), but it can implement [`Judged`] with a marker of its own, which this writes:
///
/// ```
/// faultline_harness::judge_as_completed!(std::time::Duration, std::net::SocketAddr);
/// ```
///
/// A `Result<http::Response<…>, E>` needs nothing: every `Result` is judged by its `Err`.
#[macro_export]
macro_rules! judge_as_completed {
    ($($output:ty),+ $(,)?) => {
        const _: () = {
            /// The marker of these impls: local to the crate that wrote them.
            pub struct Completed;
            $(
                impl $crate::Judged<Completed> for $output {
                    fn failed(&self) -> bool {
                        false
                    }
                    fn traced(&self, _: &mut dyn FnMut(&$crate::Failure)) {}
                    fn text(&self) -> Option<String> {
                        None
                    }
                }
            )+
        };
    };
}

impl<T, E: std::fmt::Debug + 'static> TaskOutput for Result<T, E> {
    fn is_failure(&self) -> bool {
        self.is_err()
    }

    fn error_text(&self) -> Option<String> {
        self.as_ref().err().map(|err| format!("{err:?}"))
    }

    fn failures(&self, found: &mut dyn FnMut(&Failure)) {
        if let Err(err) = self {
            find_failures(err, found);
        }
    }
}

fn find_failures(err: &dyn Any, found: &mut dyn FnMut(&Failure)) {
    if let Some(f) = err.downcast_ref::<Failure>() {
        found(f);
    } else if let Some(all) = err.downcast_ref::<Vec<Failure>>() {
        all.iter().for_each(found);
    } else if let Some(boxed) = err.downcast_ref::<Box<dyn std::error::Error + Send + Sync>>() {
        let mut next: Option<&(dyn std::error::Error + 'static)> = Some(boxed.as_ref());
        while let Some(e) = next {
            if let Some(f) = e.downcast_ref::<Failure>() {
                found(f);
                break;
            }
            next = e.source();
        }
    }
}

macro_rules! plain_outputs {
    ($($t:ty),*) => { $(impl TaskOutput for $t {})* };
}
plain_outputs!(
    (),
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    String,
    &'static str
);

impl<T> TaskOutput for Vec<T> {}
impl<T> TaskOutput for Option<T> {}
impl<A, B> TaskOutput for (A, B) {}
impl<A, B, C> TaskOutput for (A, B, C) {}
impl<A, B, C, D> TaskOutput for (A, B, C, D) {}
