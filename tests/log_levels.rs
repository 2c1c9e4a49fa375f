//! The same run gives the same verdicts and bytes whatever the tracing subscriber enables:
//! formatting a `Failure` reads it, and `tracing::debug!(error = %e)` formats only for an
//! enabled event — so faultline reads every event of the code under test itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use faultline::harness::{Builder, Plan, Report, point};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Metadata, Subscriber, span};

/// A subscriber that enables events up to a level and counts what it is given.
struct UpTo {
    level: LevelFilter,
    events: Arc<AtomicUsize>,
}

impl Subscriber for UpTo {
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        *meta.level() <= self.level
    }
    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(self.level)
    }
    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }
    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, event: &Event<'_>) {
        if event.metadata().target() != "faultline" {
            self.events.fetch_add(1, Ordering::Relaxed);
        }
    }
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
}

/// A fallback that logs the error it falls back on, at debug level: a read at any level.
async fn logs_at_debug() -> &'static str {
    match point("recs").await {
        Ok(()) => "recommendations",
        Err(e) => {
            tracing::debug!(error = %e, "falling back to the defaults");
            "defaults"
        }
    }
}

fn run_under(level: LevelFilter) -> (Report, usize) {
    let events = Arc::new(AtomicUsize::new(0));
    let subscriber = UpTo {
        level,
        events: events.clone(),
    };
    let report = tracing::subscriber::with_default(subscriber, || {
        Builder::new("levels", "fallback")
            .plan(Plan::parse("recs=error(Down)").unwrap())
            .run(logs_at_debug)
            .unwrap()
    });
    (report, events.load(Ordering::Relaxed))
}

#[test]
fn verdicts_and_bytes_do_not_depend_on_the_log_level() {
    let (quiet, quiet_events) = run_under(LevelFilter::INFO);
    let (chatty, chatty_events) = run_under(LevelFilter::DEBUG);
    // The subscriber still decides what it is shown…
    assert_eq!((quiet_events, chatty_events), (0, 1));
    // …but not the verdicts: the error was read (logged) under both.
    assert_eq!(quiet.to_string(), chatty.to_string());
    assert!(quiet.is_clean(), "{quiet}");
    assert_eq!(quiet.summary.discarded, 0);
}

#[test]
fn a_scenario_gives_the_same_bytes_under_two_levels() {
    let run = |level| {
        tracing::subscriber::with_default(
            UpTo {
                level,
                events: Arc::default(),
            },
            || {
                let s = scenario_breaker::scenario();
                s.run("structured", "recs-flaps", 0).unwrap().to_string()
            },
        )
    };
    assert_eq!(run(LevelFilter::OFF), run(LevelFilter::TRACE));
}
