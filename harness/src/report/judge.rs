//! The one judge: the ledger's records in, every outcome, verdict and count out.
//!
//! The ledger records what happened (who spawned whom, when each task ended and how tokio
//! showed it, which errors were looked at and where they were dropped); it decides
//! nothing. Here, and only here, those records become verdicts, the same way whatever
//! made the row — faultline's own spawn, a plain tokio spawn or a blocking job:
//! - per task ([`Judge::task`]): its outcome, what became of its failure (its fate),
//!   whether it outlived its owning scope, whether it is an accepted background task;
//! - per run ([`summary`]): each count is the number of rows that show it, accepted rows
//!   left out, so a count and the labels in the rows cannot disagree.
//!
//! Everything that shows a verdict — the text report, the summary line, the comparison, the
//! JSON, the HTML page, `problems()`, `is_clean()`, the rubrics' lifecycle checks, sweep
//! columns and the test attribute — reads what this module decided (through the
//! [`Report`](crate::Report) and [`VERDICTS`](crate::VERDICTS)); none decides again.

use std::cell::Cell;

use crate::record::ledger::{Ledger, Origin, TaskIx, TaskRec};
use crate::record::outcome::{CancelCause, Fate, Outcome, PanicSource};
use crate::record::panics;
use crate::report::{ErrorReport, Summary, TaskReport};
use crate::resource::{ResourceReport, TxOutcome};

/// How a panic that the plan injected begins (see `plan::point`).
pub(crate) const INJECTED_PANIC: &str = "injected panic at ";

/// The verdicts on one task.
pub(crate) struct TaskJudgement {
    pub(crate) outcome: Outcome,
    /// For a failure (an `Err`, a panic): what became of it.
    pub(crate) fate: Option<Fate>,
    /// For a panic: whose it is.
    pub(crate) panic: Option<PanicSource>,
    pub(crate) cancelled_by: Option<CancelCause>,
    /// The task whose end closes its owning scope.
    pub(crate) owner: Option<TaskIx>,
    /// Still running when its owning scope closed (not stopped by the scope's clean-up).
    pub(crate) outlived: bool,
    /// A plain task or job of an accepted crate or place: shown, never counted.
    pub(crate) accepted: bool,
}

/// The source lines of the `#[faultline_harness::test]` function a run is: a `panic!`
/// written there is the test's own ([`PanicSource::Test`]).
#[derive(Debug, Clone)]
pub(crate) struct TestCode {
    /// As `file!()` and a panic's location write it.
    pub(crate) file: &'static str,
    pub(crate) lines: std::ops::RangeInclusive<u32>,
}

/// Judges the tasks of one ledger.
pub(crate) struct Judge<'a> {
    ledger: &'a Ledger,
    allowed: &'a [String],
    test: Option<&'a TestCode>,
    /// Whether a verdict with a warning logs it (once per run: not again when the rows are
    /// made from the same records later).
    warn: bool,
    /// The record looked up last (see [`Judge::record`]).
    last: Cell<Option<(TaskIx, &'a TaskRec)>>,
}

impl<'a> Judge<'a> {
    pub(crate) fn new(
        ledger: &'a Ledger,
        allowed: &'a [String],
        test: Option<&'a TestCode>,
    ) -> Self {
        Judge {
            ledger,
            allowed,
            test,
            warn: true,
            last: Cell::new(None),
        }
    }

    /// The same judge, logging no warning (they were logged when the counts were made).
    pub(crate) fn without_warnings(mut self) -> Self {
        self.warn = false;
        self
    }

    /// The verdicts on task `ix`, whose record is `t` (a walk over the records in order
    /// looks none up again).
    #[inline]
    pub(crate) fn task(&self, ix: TaskIx, t: &TaskRec) -> TaskJudgement {
        let l = self.ledger;
        let outcome = t.ended.unwrap_or(Outcome::DroppedAtShutdown);
        let owner = l.owner_of(t);
        let outlived = outlived(t, owner.map(|o| self.record(o)));
        let accepted = t.output_unseen()
            && (self.allowed.iter()).any(|who| t.name.as_str().starts_with(who.as_str()));
        // What tokio hides, the weaker verdict: an undelivered failure is certain only when
        // nobody was left to receive it (its owning scope had closed).
        let unseen = |fate: Option<Fate>| {
            fate.unwrap_or(if outlived {
                Fate::Swallowed
            } else {
                Fate::Untraced
            })
        };
        let fate = match outcome {
            // An error the harness does not trace (`String`, `io::Error`, …).
            Outcome::Failed if t.carried().is_empty() => Some(unseen(None)),
            Outcome::Failed => (t.carried().iter())
                .map(|&e| l.errors[e as usize].fate())
                .max(),
            // A plain task's or job's `JoinError` is tokio's own: seen only when turned into
            // a `Failure`.
            Outcome::Panicked if t.output_unseen() => Some(unseen(t.panic_fate())),
            Outcome::Panicked => Some(t.panic_fate().unwrap_or(Fate::Unread)),
            _ => None,
        };
        let panic = (outcome == Outcome::Panicked).then(|| self.panic_source(ix));
        let cancelled_by = (outcome == Outcome::Cancelled)
            .then(|| t.cancelled_by().cloned().unwrap_or(CancelCause::Aborted));
        if outlived && !accepted && self.warn {
            self.warn_outlived(ix, owner);
        }
        TaskJudgement {
            outcome,
            fate,
            panic,
            cancelled_by,
            owner,
            outlived,
            accepted,
        }
    }

    /// What the row of a task that ended with `outcome` says of it (`t` is its record): the
    /// errors it failed with, or its panic message. Apart from [`Judge::task`]: only rows
    /// show it, and the counts are made without them.
    pub(crate) fn detail(&self, t: &TaskRec, outcome: Outcome) -> Option<String> {
        match outcome {
            Outcome::Failed if t.carried().is_empty() => {
                let text = t.rare.as_ref().and_then(|r| r.untraced.as_deref());
                Some(text.map_or_else(|| "untraced error".to_owned(), str::to_owned))
            }
            Outcome::Failed => {
                let labels: Vec<&str> = (t.carried().iter())
                    .map(|&e| self.ledger.errors[e as usize].label.as_str())
                    .collect();
                Some(labels.join(", "))
            }
            Outcome::Panicked => t.panic().map(str::to_owned),
            _ => None,
        }
    }

    /// Task `ix`'s record. A run's tasks mostly come in runs spawned by one task, so the
    /// record looked up last (an owner, a parent) is kept (a look-up in the ledger's chunks
    /// is about 15 instructions).
    #[inline]
    pub(crate) fn record(&self, ix: TaskIx) -> &'a TaskRec {
        match self.last.get() {
            Some((seen, rec)) if seen == ix => rec,
            _ => {
                let rec = &self.ledger.tasks[ix as usize];
                self.last.set(Some((ix, rec)));
                rec
            }
        }
    }

    /// Whose panic task `ix`'s is: carried on from another task, the plan's, the test's own
    /// `panic!`, or raised by the code under test.
    fn panic_source(&self, ix: TaskIx) -> PanicSource {
        let t = &self.ledger.tasks[ix as usize];
        let message = t.panic().unwrap_or_default();
        if t.panic_reraised() {
            PanicSource::Reraised
        } else if message.starts_with(INJECTED_PANIC) {
            PanicSource::Plan
        } else if t.parent.is_some() && self.is_tests_own(message) {
            PanicSource::Test
        } else {
            PanicSource::Raised
        }
    }

    /// A panic raised at a line of the test function, other than a failing assertion or
    /// `unwrap()` there (a check of the test that failed, which `#[tokio::test]` would lose
    /// in a task nobody joins).
    fn is_tests_own(&self, message: &str) -> bool {
        let Some(test) = self.test else {
            return false;
        };
        let in_test = panics::location_of(message)
            .is_some_and(|(file, line)| file == test.file && test.lines.contains(&line));
        in_test && !FAILED_CHECKS.iter().any(|check| message.starts_with(check))
    }

    fn warn_outlived(&self, ix: TaskIx, owner: Option<TaskIx>) {
        if !tracing::enabled!(target: "faultline", tracing::Level::WARN) {
            return;
        }
        let l = self.ledger;
        let (rec, owner) = (&l.tasks[ix as usize], owner.map(|o| &l.tasks[o as usize]));
        let by_ms = match (rec.end, owner.and_then(|o| o.end)) {
            (Some(end), Some(closed)) => end.saturating_duration_since(closed).as_millis() as u64,
            _ => 0,
        };
        let owner = owner.map_or("-", |o| o.name.as_str());
        tracing::warn!(target: "faultline", task = rec.name.as_str(), parent = owner, by_ms, "task outlived its owning scope");
    }
}

/// A task still running when its owning scope closed outlived it: the spawner for `spawn`
/// and for a `JoinSet` (whose owner's end drops it), the tracker's owner for a
/// `TaskTracker`. Not when the scope's own clean-up stopped it at that instant: a dropped
/// `JoinSet` aborts on the next tick, a drop guard fires its token, at the same virtual time.
/// `rec` is the task's record; `owner`, its owner's ([`Ledger::owner_of`]).
#[inline]
pub(crate) fn outlived(rec: &TaskRec, owner: Option<&TaskRec>) -> bool {
    let Some(owner) = owner else {
        return false;
    };
    match owner.ended {
        None => return false,
        // A stalled owner never ended: its children stalled with it, they did not outlive it.
        Some(Outcome::Stalled) => return false,
        Some(_) => {}
    }
    if rec.ended.is_some() && rec.end_seq < owner.end_seq {
        return false;
    }
    // A plain task's token is not seen (what a plain task cannot show): one that ends at the
    // very instant its scope closes is taken as stopped by the scope's clean-up. (Not a
    // blocking job: the paused clock stands still while one runs, so its instant says
    // nothing; the order of the ends does.)
    let stopped_by_scope = rec.cancelled_by() == Some(&CancelCause::Aborted)
        || (rec.token_fired().is_some() && rec.token_fired() == owner.end)
        || rec.origin == Origin::Plain;
    let cleaned_up = stopped_by_scope && rec.end == owner.end;
    !cleaned_up
}

/// How std's failing checks begin: `assert!`, `assert_eq!` and `assert_ne!` (with their
/// default message), `Option::unwrap`, `Result::unwrap` and `unwrap_err`.
const FAILED_CHECKS: [&str; 4] = [
    "assertion failed: ",
    "assertion `left ",
    "called `Option::unwrap",
    "called `Result::unwrap",
];

/// Whether a task's panic counts as a panic of the run (PANICKED): any panic of the body,
/// and any task's panic that the code under test raised ([`PanicSource::Raised`]).
pub(crate) fn is_own_panic(t: &TaskReport) -> bool {
    own_panic(t.outcome, t.parent.is_none(), t.panic)
}

fn own_panic(outcome: Outcome, root: bool, panic: Option<PanicSource>) -> bool {
    outcome == Outcome::Panicked && (root || panic == Some(PanicSource::Raised))
}

/// What the counts read of one task: the verdicts its row shows. Made from the judgement
/// when the run ends ([`Counted::of`]), or from a row ([`Counted::of_row`]): the counts
/// and the rows come from one judgement either way.
pub(crate) struct Counted<'a> {
    /// Its name, when it is an accepted background task (which counts nowhere).
    pub(crate) accepted: Option<&'a str>,
    pub(crate) outcome: Outcome,
    pub(crate) fate: Option<Fate>,
    pub(crate) panic: Option<PanicSource>,
    /// The body (no parent).
    pub(crate) root: bool,
    /// Its `Err` carried traced errors.
    pub(crate) traced: bool,
    pub(crate) outlived: bool,
    pub(crate) blocking: bool,
}

impl<'a> Counted<'a> {
    /// The judgement `j` of the task whose record is `t`, as counted.
    #[inline]
    pub(crate) fn of(t: &'a TaskRec, j: &TaskJudgement) -> Self {
        Counted {
            accepted: j.accepted.then(|| t.name.as_str()),
            outcome: j.outcome,
            fate: j.fate,
            panic: j.panic,
            root: t.parent.is_none(),
            traced: !t.carried().is_empty(),
            outlived: j.outlived,
            blocking: t.blocking_polls() > 0,
        }
    }

    /// A row, as counted.
    pub(crate) fn of_row(t: &'a TaskReport) -> Self {
        Counted {
            accepted: t.accepted.then(|| t.name.as_str()),
            outcome: t.outcome,
            fate: t.fate,
            panic: t.panic,
            root: t.parent.is_none(),
            traced: t.traced,
            outlived: t.outlived_scope,
            blocking: t.blocking_polls > 0,
        }
    }
}

/// The run's counts, each the number of rows that show it. Accepted background tasks, and
/// the errors, leases and transactions that are theirs, count nowhere (but `accepted`).
/// `counted` tasks were counted as they ended (the ledger's `counted`: so many completed,
/// so many ended, and nothing else to count of them); `tasks` are the others.
pub(crate) fn summary<'a>(
    tasks: impl IntoIterator<Item = Counted<'a>>,
    (completed, ended): (usize, usize),
    errors: &[ErrorReport],
    resources: &[ResourceReport],
    untracked: usize,
    seeded: bool,
) -> Summary {
    let mut accepted_names: Vec<&str> = Vec::new();
    let mut s = Summary {
        untracked,
        completed,
        ended,
        not_deterministic: usize::from(!seeded),
        ..Summary::default()
    };
    for t in tasks {
        if let Some(name) = t.accepted {
            s.accepted += 1;
            accepted_names.push(name);
            continue;
        }
        match t.outcome {
            Outcome::Ended => s.ended += 1,
            Outcome::Completed => s.completed += 1,
            Outcome::Failed => {
                s.failed += 1;
                s.failed_observed += usize::from(t.fate == Some(Fate::Read));
                s.failed_untraced += usize::from(t.fate == Some(Fate::Untraced));
            }
            Outcome::Panicked => s.panicked += 1,
            Outcome::Cancelled => s.cancelled += 1,
            Outcome::Stalled => s.stalled += 1,
            Outcome::DroppedAtShutdown => s.dropped_at_shutdown += 1,
        }
        if own_panic(t.outcome, t.root, t.panic) {
            s.panics += 1;
        } else {
            match t.panic {
                Some(PanicSource::Plan) => s.plan_panics += 1,
                Some(PanicSource::Test) => s.test_panics += 1,
                Some(PanicSource::Reraised) => s.reraised_panics += 1,
                Some(PanicSource::Raised) | None => {}
            }
        }
        // A traced error counts once, as an error (below); a task's own fate counts for a
        // panic and for an untraced error.
        let traced = t.outcome == Outcome::Failed && t.traced;
        if !traced {
            match t.fate {
                Some(Fate::Swallowed) => s.swallowed += 1,
                Some(Fate::Discarded) => s.discarded += 1,
                _ => {}
            }
        }
        s.outlived += usize::from(t.outlived);
        s.blocking += usize::from(t.blocking);
    }
    let accepted = |name: Option<&str>| name.is_some_and(|n| accepted_names.contains(&n));
    for e in errors.iter().filter(|e| !accepted(e.origin.as_deref())) {
        match e.fate {
            Fate::Swallowed => s.swallowed += 1,
            Fate::Discarded => s.discarded += 1,
            _ => {}
        }
    }
    if !resources.is_empty() {
        let (mut leaked, mut partial) = (0, 0);
        for r in resources {
            match r {
                ResourceReport::Pool(p) => {
                    leaked += (p.leases.iter())
                        .filter(|l| l.leaked && !accepted(l.task.as_deref()))
                        .count();
                }
                ResourceReport::Store(st) => {
                    partial += (st.transactions.iter())
                        .filter(|t| t.outcome == TxOutcome::Partial && !accepted(t.task.as_deref()))
                        .count();
                }
                ResourceReport::Gauge(_) => {}
            }
        }
        s.leaked_resources = Some(leaked);
        s.partial_writes = Some(partial);
    }
    s
}
