//! Fault points: named places in scenario code where a plan can inject a failure.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};

use tokio_util::sync::CancellationToken;

use crate::plan::Action;
use crate::record::failure::Failure;
use crate::record::ledger;

/// A named fault point; `.await` it where a failure could happen.
///
/// ```no_run
/// # async fn fetch(i: usize) -> Result<String, faultline_harness::Failure> {
/// faultline_harness::point("fetch").key(i).await?;
/// # Ok(String::new()) }
/// ```
///
/// Under a plan the point may return an error, wait on the virtual clock, hang, panic or
/// cancel its task; otherwise it returns `Ok(())` at once. Outside a run it does nothing
/// and returns `Ok(())`, as fail-rs's points do, so production code needs no `cfg` around
/// it; in strict mode ([`strict_points`]) it returns a `NotInARun` error that says how to run
/// the code instead. An injected error is a [`Failure`]; [`Point::error_as`] turns it into
/// your own error type.
pub fn point(name: &'static str) -> Point {
    Point {
        name,
        key: None,
        error: PhantomData,
    }
}

/// A fault point about to be hit; see [`point`]. `E` is the error an injected
/// `error(Kind)` becomes: [`Failure`] unless [`error_as`](Point::error_as) says otherwise.
#[must_use = "a fault point does nothing until it is awaited"]
pub struct Point<E = Failure> {
    name: &'static str,
    key: Option<String>,
    error: PhantomData<fn() -> E>,
}

/// A scenario's own error type, built from an injected `error(Kind)`.
///
/// The harness passes the kind (read without counting as a look) and the traced
/// [`Failure`]; keep the `Failure` inside your error, so the report still knows whether
/// anybody looked at it (reading it through `Display`, `kind()`… is a look; dropping
/// every copy unread is a **swallowed** error).
///
/// ```
/// use faultline_harness::{Failure, FromFault, point};
///
/// #[derive(Debug)]
/// enum FetchError {
///     Connection(Failure),
///     Other(Failure),
/// }
///
/// impl FromFault for FetchError {
///     fn from_fault(kind: &str, failure: Failure) -> Self {
///         match kind {
///             "ConnectionError" => FetchError::Connection(failure),
///             _ => FetchError::Other(failure),
///         }
///     }
/// }
///
/// async fn fetch() -> Result<(), FetchError> {
///     point("fetch").error_as::<FetchError>().await?;
///     Ok(())
/// }
/// ```
pub trait FromFault: Sized {
    /// The error for an injected `error(kind)`.
    fn from_fault(kind: &str, failure: Failure) -> Self;
}

impl FromFault for Failure {
    fn from_fault(_kind: &str, failure: Failure) -> Self {
        failure
    }
}

impl<E> Point<E> {
    /// Distinguishes hits of one point, so a plan can select `fetch[3]`.
    pub fn key(mut self, key: impl fmt::Display) -> Self {
        self.key = Some(key.to_string());
        self
    }

    /// Makes an injected `error(Kind)` come out as `F` (see [`FromFault`]).
    pub fn error_as<F: FromFault>(self) -> Point<F> {
        Point {
            name: self.name,
            key: self.key,
            error: PhantomData,
        }
    }

    fn label(&self) -> String {
        match &self.key {
            Some(key) => format!("{}[{key}]", self.name),
            None => self.name.to_owned(),
        }
    }
}

impl<E> fmt::Debug for Point<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Point")
            .field("name", &self.name)
            .field("key", &self.key)
            .finish()
    }
}

impl<E> Clone for Point<E> {
    fn clone(&self) -> Self {
        Point {
            name: self.name,
            key: self.key.clone(),
            error: PhantomData,
        }
    }
}

impl<E: FromFault + 'static> IntoFuture for Point<E> {
    type Output = Result<(), E>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let label = self.label();
            let Some(action) = ledger::with(|l| l.hit(self.name, self.key.clone())) else {
                if !strict() {
                    return Ok(());
                }
                let failure = Failure::new(
                    "NotInARun",
                    format!(
                        "fault point {label} was hit outside a faultline run, so no plan applies; \
                         run this code through faultline_harness::Builder::run (not #[tokio::test] \
                         or a runtime of your own)"
                    ),
                );
                return Err(E::from_fault("NotInARun", failure));
            };
            match action {
                None | Some(Action::Off) => Ok(()),
                Some(Action::Error(kind)) => {
                    let failure = Failure::new(kind.clone(), format!("injected at {label}"));
                    Err(E::from_fault(&kind, failure))
                }
                Some(Action::Delay(d)) => {
                    tokio::time::sleep(d).await;
                    Ok(())
                }
                Some(Action::Hang) => crate::run::hang().await,
                Some(Action::Panic(msg)) => {
                    injected_panic(format!("injected panic at {label}: {msg}"))
                }
                Some(Action::Cancel) => {
                    // A task the plan cannot cancel passes the point (the report's plan
                    // warnings say why): a hang here would be a finding the harness made.
                    if ledger::with(|l| l.cancel_current(&label)) == Some(true) {
                        std::future::pending().await
                    }
                    Ok(())
                }
            }
        })
    }
}

/// The run's shutdown signal: cancelled when the plan's `@… shutdown` event fires.
///
/// Scenarios that model graceful shutdown select on it. Outside a run it never fires.
pub fn shutdown_token() -> CancellationToken {
    ledger::with(ledger::Ledger::shutdown_token).unwrap_or_default()
}

thread_local! {
    /// Set while an injected panic unwinds out of `panic!`, so the hook stays quiet.
    static INJECTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Panics with `message` without printing it: the plan asked for this panic, and the report
/// records it. Other panics still reach the previous hook. The hook is installed once per
/// process and only looks at a thread-local flag, so it changes nothing for other threads.
fn injected_panic(message: String) -> ! {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !INJECTING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    // The quiet hook keeps the run's own hook from seeing it: a plain task's row takes the
    // message here; a tracked task's wrapper catches the panic itself, and is told it was
    // raised here (not re-raised), with no location (the message names the point).
    let plain = ledger::with(|l| l.plain_panicked(message.clone())).unwrap_or(false);
    if !plain {
        crate::record::panics::keep_location(None);
    }
    INJECTING.with(|i| i.set(true));
    let _reset = ResetOnDrop;
    panic!("{message}")
}

struct ResetOnDrop;

impl Drop for ResetOnDrop {
    fn drop(&mut self) {
        INJECTING.with(|i| i.set(false));
    }
}

/// Strict mode, set by [`strict_points`] or the environment variable `FAULTLINE_STRICT`
/// (any value but `0`): 0 unknown yet, 1 off, 2 on.
static STRICT: AtomicU8 = AtomicU8::new(0);

/// Strict mode: a fault point hit outside a faultline run returns a `NotInARun` error
/// instead of `Ok(())` — for test suites that want to know when code meant to run under
/// the harness did not. Off by default; also on when the environment variable
/// `FAULTLINE_STRICT` is set to anything but `0`. Process-wide.
pub fn strict_points(on: bool) {
    STRICT.store(if on { 2 } else { 1 }, Ordering::Relaxed);
}

fn strict() -> bool {
    match STRICT.load(Ordering::Relaxed) {
        0 => {
            let on = std::env::var_os("FAULTLINE_STRICT").is_some_and(|v| v != "0");
            // A call to strict_points in between wins.
            let _ = STRICT.compare_exchange(
                0,
                if on { 2 } else { 1 },
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
            STRICT.load(Ordering::Relaxed) == 2
        }
        state => state == 2,
    }
}
