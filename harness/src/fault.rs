//! Fault points: named places in scenario code where a plan can inject a failure.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use tokio_util::sync::CancellationToken;

use crate::failure::Failure;
use crate::ledger;
use crate::plan::Action;
use crate::report::CancelCause;

/// A named fault point; `.await` it where a failure could happen.
///
/// ```no_run
/// # async fn fetch(i: usize) -> Result<String, faultline_harness::Failure> {
/// faultline_harness::point("fetch").key(i).await?;
/// # Ok(String::new()) }
/// ```
///
/// Under a plan the point may return an error, wait on the virtual clock, hang, panic or
/// cancel its task; otherwise it returns `Ok(())` at once. Outside a run it returns a
/// `NotInARun` error that says how to run the code: a fault point only makes sense under
/// the harness (it is a dev-dependency, so production code never reaches one).
pub fn point(name: &'static str) -> Point {
    Point { name, key: None }
}

/// A fault point about to be hit; see [`point`].
#[must_use = "a fault point does nothing until it is awaited"]
#[derive(Debug, Clone)]
pub struct Point {
    name: &'static str,
    key: Option<String>,
}

impl Point {
    /// Distinguishes hits of one point, so a plan can select `fetch[3]`.
    pub fn key(mut self, key: impl fmt::Display) -> Self {
        self.key = Some(key.to_string());
        self
    }

    fn label(&self) -> String {
        match &self.key {
            Some(key) => format!("{}[{key}]", self.name),
            None => self.name.to_owned(),
        }
    }
}

impl IntoFuture for Point {
    type Output = Result<(), Failure>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let label = self.label();
            let Some(action) = ledger::with(|l| l.hit(self.name, self.key)) else {
                return Err(Failure::new(
                    "NotInARun",
                    format!(
                        "fault point {label} was hit outside a faultline run, so no plan applies; \
                         run this code through faultline_harness::Builder::run (not #[tokio::test] \
                         or a runtime of your own)"
                    ),
                ));
            };
            match action {
                None => Ok(()),
                Some(Action::Error(kind)) => {
                    Err(Failure::new(kind, format!("injected at {label}")))
                }
                Some(Action::Delay(d)) => {
                    tokio::time::sleep(d).await;
                    Ok(())
                }
                Some(Action::Hang) => std::future::pending().await,
                Some(Action::Panic(msg)) => {
                    injected_panic(format!("injected panic at {label}: {msg}"))
                }
                Some(Action::Cancel) => {
                    let cancelled = ledger::with(|l| match ledger::current_task() {
                        Some(ix) => l.cancel(ix, CancelCause::Fault(label.clone())),
                        None => false,
                    });
                    if cancelled != Some(true) {
                        tracing::warn!(target: "faultline", point = label.as_str(), "cancel at a fault point outside a tracked task: hanging instead");
                    }
                    std::future::pending().await
                }
            }
        })
    }
}

/// The run's shutdown signal: cancelled when the plan's `@… shutdown` event fires.
///
/// Scenarios that model graceful shutdown select on it. Outside a run it never fires.
pub fn shutdown_token() -> CancellationToken {
    ledger::with(|l| l.shutdown.clone()).unwrap_or_default()
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
