//! Text renderings of reports: one report (`Display`), and several side by side.
//!
//! Everything here is a pure function of the report's data, which holds only virtual
//! times and names, so the same report renders to the same bytes everywhere.

use std::fmt::{self, Write as _};

use crate::record::name::Name;
use crate::report::verdict::VERDICTS;
use crate::report::{Fate, Outcome, PanicSource, Report, TaskReport};
use crate::resource::{ResourceReport, TxOutcome, WaitOutcome};

/// Columns of the timeline's bar.
const WIDTH: u64 = 64;

/// Task rows shown in the timeline and the verdict table; the rest are counted (the JSON
/// form has them all).
pub(crate) const MAX_ROWS: usize = 200;

fn more_rows(f: &mut fmt::Formatter<'_>, r: &Report) -> fmt::Result {
    match r.tasks.len().checked_sub(MAX_ROWS) {
        Some(more) if more > 0 => {
            writeln!(f, "… {more} more tasks (the JSON form lists every task)")
        }
        _ => Ok(()),
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        rows(f, self)?;
        match self.problems() {
            problems if problems.is_empty() => writeln!(f, "problems: none (clean)")?,
            problems => {
                writeln!(f, "problems:")?;
                for p in problems {
                    writeln!(f, "  {p}")?;
                }
            }
        }
        writeln!(f, "replay: {}", self.replay)
    }
}

/// The report's text up to its summary line: every row, without `problems()`.
pub(crate) struct Rows<'a>(pub(crate) &'a Report);

impl fmt::Display for Rows<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        rows(f, self.0)
    }
}

fn rows(f: &mut fmt::Formatter<'_>, r: &Report) -> fmt::Result {
    writeln!(f, "{}", header(r))?;
    writeln!(f, "result: {}", r.result)?;
    writeln!(f)?;
    timeline(f, r)?;
    writeln!(f)?;
    verdicts(f, r)?;
    if !r.errors.is_empty() {
        writeln!(f)?;
        errors(f, r)?;
    }
    if !r.hits.is_empty() {
        writeln!(f)?;
        hits(f, r)?;
    }
    if !r.resources.is_empty() {
        writeln!(f)?;
        resources(f, r)?;
    }
    if !r.rules.is_empty() || !r.events.is_empty() {
        writeln!(f)?;
        plan(f, r)?;
    }
    writeln!(f)?;
    writeln!(f, "summary: {}", summary(r))
}

fn header(r: &Report) -> String {
    let plan = match &r.plan_name {
        Some(name) if *name != r.plan => format!("{name} ({})", r.plan),
        _ => r.plan.clone(),
    };
    let seeded = if r.seeded_scheduler {
        ""
    } else {
        " (NOT DETERMINISTIC: scheduler unseeded, build with --cfg tokio_unstable)"
    };
    format!(
        "{} · {} · plan {} · seed {}{}",
        r.scenario, r.variant, plan, r.seed, seeded
    )
}

/// The last virtual ms anything ended at (at least 1, so the scale is never zero).
fn span(r: &Report) -> u64 {
    let ends = r.tasks.iter().filter_map(|t| t.end_ms);
    let starts = r.tasks.iter().map(|t| t.start_ms);
    ends.chain(starts)
        .chain(r.quiescent_ms)
        .max()
        .unwrap_or(0)
        .max(1)
}

/// Milliseconds per column: the smallest 1, 2 or 5 × 10^k that fits the span in `WIDTH`.
fn scale(span: u64) -> u64 {
    let mut unit = 1;
    loop {
        for step in [1, 2, 5] {
            if span <= step * unit * (WIDTH - 1) {
                return step * unit;
            }
        }
        unit *= 10;
    }
}

fn marker(t: &TaskReport) -> char {
    match t.outcome {
        Outcome::Ended => '.',
        Outcome::Completed => 'o',
        Outcome::Failed => 'x',
        Outcome::Panicked => '!',
        Outcome::Cancelled => '/',
        Outcome::DroppedAtShutdown => '~',
        Outcome::Stalled => '?',
    }
}

fn name_width(r: &Report) -> usize {
    r.tasks
        .iter()
        .map(|t| t.name.len())
        .max()
        .unwrap_or(4)
        .max(4)
}

fn timeline(f: &mut fmt::Formatter<'_>, r: &Report) -> fmt::Result {
    let ms_per_col = scale(span(r));
    let w = name_width(r);
    // Columns in use: up to the last end (tasks that never ended run to the edge).
    let used = if r.tasks.iter().any(|t| t.end_ms.is_none()) {
        WIDTH
    } else {
        span(r) / ms_per_col + 1
    };
    writeln!(f, "timeline (virtual ms, one column = {ms_per_col} ms)")?;
    let mut axis = String::new();
    for col in (0..used).step_by(10) {
        let label = (col * ms_per_col).to_string();
        let _ = write!(axis, "{label:<10}");
    }
    writeln!(f, "{:w$}  {}", "", axis.trim_end())?;
    for t in r.tasks.iter().take(MAX_ROWS) {
        let parent_end = t
            .parent
            .as_ref()
            .and_then(|p| r.task(p))
            .and_then(|p| p.end_ms);
        let first = t.start_ms / ms_per_col;
        let last = t
            .end_ms
            .map_or(used - 1, |e| (e / ms_per_col).min(used - 1));
        let mut bar = String::new();
        for col in 0..used {
            let c = if col < first || col > last {
                ' '
            } else if col == last {
                marker(t)
            } else if t.outlived_scope && parent_end.is_some_and(|p| col * ms_per_col >= p) {
                '-'
            } else {
                '='
            };
            bar.push(c);
        }
        writeln!(f, "{:w$}  {bar}  {}", t.name, span_text(t))?;
    }
    more_rows(f, r)?;
    writeln!(
        f,
        "{:w$}  = running  - running after its parent ended  o completed  x failed  ! panicked  / cancelled  ~ dropped at shutdown  ? stalled  . ended (output not seen: a plain tokio task or a blocking job)",
        ""
    )
}

fn span_text(t: &TaskReport) -> String {
    match t.end_ms {
        Some(end) => format!("{}→{}", t.start_ms, end),
        None => format!("{}→", t.start_ms),
    }
}

/// The verdict column: outcome details and lifecycle findings, worst first.
pub(crate) fn verdict(t: &TaskReport) -> String {
    if t.accepted {
        // Shown, not judged: no label of a bad verdict.
        return match t.outlived_by_ms {
            Some(by) => format!("accepted background task (ran {by} ms past its parent)"),
            None => "accepted background task".to_owned(),
        };
    }
    let mut parts = Vec::new();
    if t.blocking_job {
        parts.push("blocking job".to_owned());
    }
    match t.fate {
        // A plain task's or job's panic whose `JoinError` (tokio's own) was not seen read.
        Some(Fate::Untraced) if t.outcome == Outcome::Panicked => {
            parts.push("JoinError not seen".to_owned());
        }
        Some(fate) => parts.push(fate.to_string()),
        None => {}
    }
    if let Some(cause) = &t.cancelled_by {
        parts.push(cause.to_string());
    }
    match t.after_token_ms {
        Some(0) => parts.push("stopped 0 ms after its token".to_owned()),
        Some(ran) => parts.push(format!("ran {ran} ms after its token")),
        None if t.token_fired_ms.is_some() => parts.push("its token fired".to_owned()),
        None => {}
    }
    if t.blocking_polls > 0 {
        parts.push(format!("BLOCKED the executor ({} polls)", t.blocking_polls));
    }
    if t.detail.as_deref() == Some(crate::run::spin::SPINNING_DETAIL) {
        parts.push("SPINNING".to_owned());
    }
    match t.outcome {
        Outcome::Stalled => parts.push("STALLED".to_owned()),
        Outcome::DroppedAtShutdown => parts.push("DROPPED AT SHUTDOWN".to_owned()),
        _ if crate::report::judge::is_own_panic(t) => parts.push("PANICKED".to_owned()),
        _ => match t.panic {
            Some(PanicSource::Test) => parts.push("the test's own panic".to_owned()),
            Some(PanicSource::Reraised) => parts.push("re-raised".to_owned()),
            _ => {}
        },
    }
    if t.outlived_scope {
        let parent = (t.scope_owner.as_deref())
            .or(t.parent.as_deref())
            .unwrap_or("-");
        parts.push(match t.outlived_by_ms {
            Some(by) => format!("OUTLIVED {parent} by {by} ms"),
            None => format!("OUTLIVED {parent}"),
        });
    }
    parts.join(", ")
}

fn verdicts(f: &mut fmt::Formatter<'_>, r: &Report) -> fmt::Result {
    let rows: Vec<[String; 7]> = r
        .tasks
        .iter()
        .take(MAX_ROWS)
        .map(|t| {
            [
                t.name.to_string(),
                t.parent
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), Name::to_string),
                t.start_ms.to_string(),
                t.end_ms.map_or_else(|| "-".to_owned(), |e| e.to_string()),
                t.outcome.to_string(),
                verdict(t),
                t.detail.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let head = [
        "task",
        "parent",
        "start",
        "end",
        "outcome",
        "verdict",
        "error / panic",
    ];
    writeln!(f, "verdicts")?;
    table(f, &head, &rows)?;
    more_rows(f, r)
}

fn table<const N: usize>(
    f: &mut fmt::Formatter<'_>,
    head: &[&str; N],
    rows: &[[String; N]],
) -> fmt::Result {
    let mut widths = head.map(str::len);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            out.push_str(cell);
            if i + 1 < N {
                out.push_str(&" ".repeat(pad + 2));
            }
        }
        out.trim_end().to_owned()
    };
    writeln!(f, "{}", line(head.to_vec()))?;
    for row in rows {
        writeln!(f, "{}", line(row.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

/// What became of an error, in words (SWALLOWED and DISCARDED in capitals).
pub(crate) fn error_fate(e: &crate::ErrorReport) -> String {
    let at = match (e.dropped_ms, &e.dropped_by) {
        (Some(at), Some(by)) => format!(" at {at} ms in {by}"),
        (Some(at), None) => format!(" at {at} ms"),
        _ => String::new(),
    };
    match (e.fate, &e.looked_at_by) {
        (Fate::Swallowed, _) => {
            format!("SWALLOWED: never delivered (dropped with its task's output{at})")
        }
        (Fate::Discarded, _) => format!("DISCARDED: delivered, then dropped unread{at}"),
        (_, Some(by)) if by == "run" => "looked at by the run (it is the body's result)".to_owned(),
        (_, Some(by)) => format!("looked at by {by}"),
        _ => "unread at the end of the run".to_owned(),
    }
}

fn errors(f: &mut fmt::Formatter<'_>, r: &Report) -> fmt::Result {
    writeln!(f, "errors")?;
    for e in &r.errors {
        let origin = e.origin.as_deref().unwrap_or("the run");
        let fate = error_fate(e);
        writeln!(
            f,
            "  {} (from {origin} at {} ms): {fate}",
            e.error, e.created_ms
        )?;
    }
    Ok(())
}

/// The plan's rules and events, with how often each fired; a warning for each that never did.
fn plan(f: &mut fmt::Formatter<'_>, r: &Report) -> fmt::Result {
    writeln!(f, "plan")?;
    for rule in &r.rules {
        let hits = if rule.matched == 1 { "hit" } else { "hits" };
        writeln!(
            f,
            "  {}: matched {} {hits}, fired {}",
            rule.rule, rule.matched, rule.fired
        )?;
    }
    for e in &r.events {
        writeln!(f, "  {}: fired {}", e.event, e.fired)?;
    }
    for w in r.plan_warnings() {
        writeln!(f, "  WARNING: {w}")?;
    }
    Ok(())
}

fn hits(f: &mut fmt::Formatter<'_>, r: &Report) -> fmt::Result {
    writeln!(f, "fault points hit")?;
    for h in r.hits.iter().take(MAX_ROWS) {
        let key = h.key.as_ref().map(|k| format!("[{k}]")).unwrap_or_default();
        let action = h
            .action
            .as_ref()
            .map(|a| format!(" → {a}"))
            .unwrap_or_default();
        let task = h.task.as_deref().unwrap_or("-");
        writeln!(
            f,
            "  {}{key}#{} at {} ms in {task}{action}",
            h.point, h.hit, h.at_ms
        )?;
    }
    Ok(())
}

fn resources(f: &mut fmt::Formatter<'_>, r: &Report) -> fmt::Result {
    writeln!(f, "resources")?;
    let who = |t: &Option<String>| t.clone().unwrap_or_else(|| "the run".to_owned());
    for res in &r.resources {
        match res {
            ResourceReport::Pool(p) => {
                let leaked = res.leaked();
                let dry = p
                    .exhausted_ms
                    .map_or_else(String::new, |at| format!(" · ran dry at {at} ms"));
                let leaked_text = if leaked > 0 {
                    format!("{leaked} LEAKED")
                } else {
                    "0 leaked".to_owned()
                };
                writeln!(
                    f,
                    "  pool {} (capacity {}): peak {} in use · {} acquired · {leaked_text}{dry}",
                    p.name,
                    p.capacity,
                    p.peak_in_use,
                    p.leases.len()
                )?;
                for l in p.leases.iter().filter(|l| l.leaked).take(MAX_ROWS) {
                    let how = if l.manual { "checked out" } else { "leased" };
                    let fate = match l.lost_ms {
                        Some(at) => format!("dropped without a check-in at {at} ms"),
                        None => "still held at the end of the run".to_owned(),
                    };
                    writeln!(
                        f,
                        "    LEAKED: {how} by {} at {} ms, never returned: {fate}",
                        who(&l.task),
                        l.acquired_ms
                    )?;
                }
                for w in p.waits.iter().take(MAX_ROWS) {
                    let until = w.until_ms.map_or_else(String::new, |u| u.to_string());
                    let outcome = match w.outcome {
                        WaitOutcome::Acquired => "got one",
                        WaitOutcome::GaveUp => "GAVE UP",
                        WaitOutcome::StillWaiting => "still waiting at the end",
                    };
                    writeln!(
                        f,
                        "    waited: {} {}→{until} ms, {outcome}",
                        who(&w.task),
                        w.from_ms
                    )?;
                }
            }
            ResourceReport::Gauge(g) => writeln!(
                f,
                "  gauge {}: peak {} at {} ms · {} added · {} at the end",
                g.name, g.peak, g.peak_ms, g.added, g.final_value
            )?,
            ResourceReport::Store(s) => {
                let count = |o: TxOutcome| s.transactions.iter().filter(|t| t.outcome == o).count();
                let partial = res.partial_writes();
                let partial_text = if partial > 0 {
                    format!(
                        "{partial} PARTIAL WRITE{}",
                        if partial == 1 { "" } else { "S" }
                    )
                } else {
                    "0 partial writes".to_owned()
                };
                writeln!(
                    f,
                    "  store {}: {} committed · {} rolled back · {} rolled back on drop · {partial_text}",
                    s.name,
                    count(TxOutcome::Committed),
                    count(TxOutcome::RolledBack),
                    count(TxOutcome::RolledBackOnDrop),
                )?;
                for t in s
                    .transactions
                    .iter()
                    .filter(|t| t.outcome != TxOutcome::Committed)
                    .take(MAX_ROWS)
                {
                    let writes = if t.writes.is_empty() {
                        "nothing".to_owned()
                    } else {
                        t.writes.join(", ")
                    };
                    let at = t
                        .ended_ms
                        .map_or_else(String::new, |e| format!(" at {e} ms"));
                    let fate = match t.outcome {
                        TxOutcome::Partial => format!(
                            "PARTIAL WRITE: neither committed nor rolled back (handle dropped{at})"
                        ),
                        TxOutcome::RolledBack => format!("rolled back{at}"),
                        TxOutcome::RolledBackOnDrop => {
                            format!("rolled back by its guard's Drop{at}")
                        }
                        TxOutcome::Committed => format!("committed{at}"),
                    };
                    writeln!(
                        f,
                        "    tx by {} begun at {} ms, wrote {writes}: {fate}",
                        who(&t.task),
                        t.begun_ms
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// The summary line: how the tasks ended (outcomes, not verdicts: the bad verdicts are
/// `problems()`, from the one list), untracked tasks, resources and quiescence.
fn summary(r: &Report) -> String {
    let s = &r.summary;
    let mut out = format!(
        "{} completed · {} failed ({} observed) · {} panicked",
        s.completed, s.failed, s.failed_observed, s.panicked
    );
    let not_counted: Vec<String> = [
        (s.plan_panics, "by the plan"),
        (s.test_panics, "the test's own"),
        (s.reraised_panics, "re-raised"),
    ]
    .into_iter()
    .filter(|&(n, _)| n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if !not_counted.is_empty() {
        let _ = write!(out, " ({})", not_counted.join(", "));
    }
    let _ = write!(
        out,
        " · {} cancelled · {} stalled · {} dropped at shutdown",
        s.cancelled, s.stalled, s.dropped_at_shutdown
    );
    if s.ended > 0 {
        let _ = write!(out, " · {} ended (output not seen)", s.ended);
    }
    if s.accepted > 0 {
        let _ = write!(out, " · {} accepted background", s.accepted);
    }
    if s.untracked > 0 {
        let _ = write!(out, " · {} UNTRACKED", s.untracked);
    }
    if r.overflow > 0 {
        let _ = write!(
            out,
            " · {} more tasks past the ledger's cap, not judged",
            r.overflow
        );
    }
    if let (Some(leaked), Some(partial)) = (s.leaked_resources, s.partial_writes) {
        let _ = write!(
            out,
            " · {leaked} leaked resources · {partial} partial writes"
        );
    }
    match r.quiescent_ms {
        Some(at) => {
            let _ = write!(out, " · quiescent at {at} ms");
        }
        None => {
            let _ = write!(
                out,
                " · NOT quiescent by the deadline ({} ms)",
                r.deadline_ms
            );
        }
    }
    out
}

/// Task rows in a side-by-side comparison; past it the rest are counted in one row.
const SIDE_BY_SIDE_TASKS: usize = 24;

/// Longest cell in a side-by-side comparison; longer text is cut with `…`.
const CELL: usize = 34;

fn cell(text: &str) -> String {
    if text.chars().count() <= CELL {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(CELL - 1).collect();
        format!("{cut}…")
    }
}

fn compact(t: &TaskReport) -> String {
    let end = t.end_ms.map_or_else(String::new, |e| format!(" {e}"));
    let mut out = format!("{}{end}", t.outcome);
    if t.accepted {
        out.push_str(" accepted");
        return out;
    }
    match t.fate {
        Some(fate @ (Fate::Read | Fate::Swallowed | Fate::Discarded)) => {
            let _ = write!(out, " {fate}");
        }
        Some(Fate::Untraced) => out.push_str(" untraced"),
        Some(Fate::Unread) | None => {}
    }
    if t.outlived_scope {
        out.push_str(" OUTLIVED");
    }
    if t.blocking_polls > 0 {
        out.push_str(" BLOCKED");
    }
    out
}

/// A resource in one cell, for the comparison.
fn resource_cell(res: &ResourceReport) -> String {
    match res {
        ResourceReport::Pool(p) => {
            let mut out = format!("peak {}/{}", p.peak_in_use, p.capacity);
            if let Some(at) = p.exhausted_ms {
                let _ = write!(out, ", dry at {at}");
            }
            match res.leaked() {
                0 => {}
                n => {
                    let _ = write!(out, ", {n} LEAKED");
                }
            }
            out
        }
        ResourceReport::Gauge(g) => format!(
            "peak {} at {} · in {} · end {}",
            g.peak, g.peak_ms, g.added, g.final_value
        ),
        ResourceReport::Store(s) => {
            let parts = tx_counts(s);
            if parts.is_empty() {
                "no tx".to_owned()
            } else {
                parts.join(", ")
            }
        }
    }
}

/// How a store's transactions ended, one `N how` per kind that happened (PARTIAL in capitals).
pub(crate) fn tx_counts(s: &crate::StoreReport) -> Vec<String> {
    let count = |o: TxOutcome| s.transactions.iter().filter(|t| t.outcome == o).count();
    [
        (TxOutcome::Committed, "committed"),
        (TxOutcome::RolledBack, "rolled back"),
        (TxOutcome::RolledBackOnDrop, "rolled back on drop"),
        (TxOutcome::Partial, "PARTIAL"),
    ]
    .into_iter()
    .filter_map(|(o, label)| match count(o) {
        0 => None,
        n => Some(format!("{n} {label}")),
    })
    .collect()
}

fn resource_label(res: &ResourceReport) -> String {
    match res {
        ResourceReport::Pool(p) => format!("pool {}", p.name),
        ResourceReport::Gauge(g) => format!("gauge {}", g.name),
        ResourceReport::Store(s) => format!("store {}", s.name),
    }
}

/// Several reports of one scenario under one plan, side by side: a column per variant.
///
/// Rows: the result, each task's outcome (`end ms`, and SWALLOWED / OUTLIVED where so),
/// then the summary counts.
pub fn side_by_side(reports: &[Report]) -> String {
    let Some(first) = reports.first() else {
        return String::new();
    };
    let mut out = String::new();
    let plan = match &first.plan_name {
        Some(name) if *name != first.plan => format!("{name} ({})", first.plan),
        _ => first.plan.clone(),
    };
    let _ = writeln!(
        out,
        "{} · plan {} · seed {}",
        first.scenario, plan, first.seed
    );
    let mut names: Vec<&str> = Vec::new();
    for r in reports {
        for t in &r.tasks {
            if !names.contains(&t.name.as_str()) {
                names.push(&t.name);
            }
        }
    }
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let per = |f: &dyn Fn(&Report) -> String| reports.iter().map(f).collect::<Vec<_>>();
    rows.push(("".to_owned(), per(&|r| r.variant.clone())));
    rows.push(("result".to_owned(), per(&|r| cell(&r.result))));
    let shown = if names.len() > SIDE_BY_SIDE_TASKS {
        SIDE_BY_SIDE_TASKS - 1
    } else {
        names.len()
    };
    for name in &names[..shown] {
        rows.push((
            name.to_string(),
            per(&|r| r.task(name).map_or_else(|| "-".to_owned(), compact)),
        ));
    }
    if shown < names.len() {
        let more = names.len() - shown;
        rows.push((
            format!("… {more} more tasks"),
            per(&|_| "(see each report)".to_owned()),
        ));
    }
    let count =
        |label: &str, get: fn(&Report) -> usize| (label.to_owned(), per(&|r| get(r).to_string()));
    // How tasks ended, then every bad verdict of the one list, in its order.
    rows.push(count("completed", |r| r.summary.completed));
    rows.push(count("failed", |r| r.summary.failed));
    rows.push(count("failed, observed", |r| r.summary.failed_observed));
    rows.push(count("panicked", |r| r.summary.panicked));
    rows.push(count("cancelled", |r| r.summary.cancelled));
    if reports.iter().any(|r| r.summary.ended > 0) {
        rows.push(count("ended (output not seen)", |r| r.summary.ended));
    }
    for v in &VERDICTS {
        // Counts that are mostly zero only where some run has them (resources: some run
        // made one).
        let always = match v.key {
            "blocked" | "not_deterministic" => false,
            "leaked" | "partial_writes" => reports.iter().any(|r| !r.resources.is_empty()),
            _ => true,
        };
        if always || reports.iter().any(|r| (v.count)(&r.summary) > 0) {
            rows.push((
                v.noun.to_owned(),
                per(&|r| (v.count)(&r.summary).to_string()),
            ));
        }
    }
    if reports.iter().any(|r| !r.resources.is_empty()) {
        let mut seen: Vec<(&str, String)> = Vec::new();
        for r in reports {
            for res in &r.resources {
                if !seen.iter().any(|(n, _)| *n == res.name()) {
                    seen.push((res.name(), resource_label(res)));
                }
            }
        }
        for (name, label) in seen {
            rows.push((
                label,
                per(&|r| {
                    r.resource(name)
                        .map_or_else(|| "-".to_owned(), |res| cell(&resource_cell(res)))
                }),
            ));
        }
    }
    rows.push((
        "quiescent at".to_owned(),
        per(&|r| {
            r.quiescent_ms
                .map_or_else(|| "never".to_owned(), |q| format!("{q} ms"))
        }),
    ));
    let label_w = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let mut col_w = vec![0; reports.len()];
    for (_, cells) in &rows {
        for (w, c) in col_w.iter_mut().zip(cells) {
            *w = (*w).max(c.chars().count());
        }
    }
    for (label, cells) in &rows {
        let mut line = format!("{label:label_w$}");
        for (c, w) in cells.iter().zip(&col_w) {
            let pad = w - c.chars().count();
            let _ = write!(line, "  {c}{}", " ".repeat(pad));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}
