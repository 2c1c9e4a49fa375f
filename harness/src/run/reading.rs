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
//! Written by hand rather than with `tracing-subscriber`'s layers: the wrapper must sit in
//! front of whatever subscriber the caller has, which a layer cannot do with a `Dispatch`.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Metadata, Subscriber, span};

/// The harness's own events: not the code under test's, so not read here.
const OWN_TARGET: &str = "faultline";

/// A subscriber that reads every event of the code under test, then hands it to `inner`.
pub(crate) struct Reading {
    inner: Dispatch,
}

impl Reading {
    /// `inner` wrapped: the dispatcher to install on a run's thread.
    pub(crate) fn around(inner: Dispatch) -> Dispatch {
        Dispatch::new(Reading { inner })
    }

    fn ours(meta: &Metadata<'_>) -> bool {
        meta.is_event() && meta.target() != OWN_TARGET
    }
}

impl Subscriber for Reading {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        let inner = self.inner.register_callsite(meta);
        if Self::ours(meta) {
            Interest::always()
        } else {
            inner
        }
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::TRACE)
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        Self::ours(meta) || self.inner.enabled(meta)
    }

    fn new_span(&self, attrs: &span::Attributes<'_>) -> span::Id {
        self.inner.new_span(attrs)
    }

    fn record(&self, span: &span::Id, values: &span::Record<'_>) {
        self.inner.record(span, values);
    }

    fn record_follows_from(&self, span: &span::Id, follows: &span::Id) {
        self.inner.record_follows_from(span, follows);
    }

    fn event(&self, event: &Event<'_>) {
        if Self::ours(event.metadata()) {
            event.record(&mut Read);
        }
        if self.inner.enabled(event.metadata()) {
            self.inner.event(event);
        }
    }

    fn enter(&self, span: &span::Id) {
        self.inner.enter(span);
    }

    fn exit(&self, span: &span::Id) {
        self.inner.exit(span);
    }

    fn clone_span(&self, id: &span::Id) -> span::Id {
        self.inner.clone_span(id)
    }

    fn try_close(&self, id: span::Id) -> bool {
        self.inner.try_close(id)
    }

    fn current_span(&self) -> tracing_core::span::Current {
        self.inner.current_span()
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
