//! Pictures of reports: one self-contained HTML page (inline CSS and SVG, no script,
//! nothing fetched, so it works offline) that draws each run.
//!
//! - A run is a timeline: a lane per task on an axis of virtual ms, coloured and shaped by
//!   how it ended ([`TaskReport::outcome`], with [`TaskReport::observed`] and
//!   [`TaskReport::outlived_scope`]); the part a task ran after its parent ended is drawn
//!   pale and dashed; fault-point hits are diamonds over the lane of the task that hit
//!   them (filled when the plan made them do something); the plan's timed events are
//!   dashed vertical lines; a pool gets a lane with its connections in use over time, a
//!   gauge its peak, a store its transactions. Under it: what is wrong with the run
//!   ([`Report::problems`], or "clean" from [`Report::is_clean`]), the verdict table, the
//!   errors and the replay command.
//! - A comparison stacks its runs' timelines on one shared time axis.
//! - A sweep is a heat map: a row per plan (and seed), a column per variant, each cell
//!   coloured and labelled by what went wrong, opening to its replay command.
//!
//! Written by hand as strings rather than with a template crate: it is one page with a
//! handful of element kinds, and writing it here keeps every byte under this file's
//! control. Everything is a pure function of the report data (virtual times, names, `Vec`
//! order), so the same run gives the same bytes. Every piece of text that comes from a
//! report goes through [`esc`]. Colour is never the only signal: each lane has a text label
//! and an end marker whose shape says the outcome, and each lane, marker and cell has a
//! `<title>` (shown on hover, read by screen readers).

use std::fmt::Write as _;

use crate::catalog::sweep::SweepReport;
use crate::plan::{Plan, TimedEvent};
use crate::report::render::{error_fate, side_by_side, tx_counts, verdict};
use crate::report::{Fate, Outcome, Report, TaskReport};
use crate::resource::{
    GaugeReport, PoolReport, ResourceReport, StoreReport, TxOutcome, WaitOutcome,
};

/// The SVG's width in px.
const WIDTH: u32 = 1040;
/// The column right of the plot, for each lane's verdict in words.
const RIGHT: u32 = 330;
/// One lane's height in px.
const LANE: u32 = 24;
/// Task lanes drawn per run; the rest are counted in one row (the verdict table has more).
const MAX_LANES: usize = 40;
/// Rows of the verdict table and hits list per run, as in the text report.
const MAX_ROWS: usize = 200;
/// Longest text in the verdict column; the whole text is in the lane's `<title>`.
const TEXT_CHARS: usize = 44;
/// Longest "clean / NOT CLEAN: …" line over a run's lanes (the whole is in its `<title>`).
const STATUS_CHARS: usize = 110;

/// Colours, each paired with a shape or a word wherever it is used.
const GREEN: &str = "#2e7d32";
const ORANGE: &str = "#e65100";
const RED: &str = "#c62828";
const PURPLE: &str = "#6a1b9a";
const SLATE: &str = "#546e7a";
const BROWN: &str = "#795548";
const MAGENTA: &str = "#ad1457";
const BLUE: &str = "#1565c0";
const GREY: &str = "#9e9e9e";
const TEAL: &str = "#00838f";

/// `text` with `& < > " '` escaped, safe in element content and in quoted attributes.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` in lines of at most `width` characters, broken at spaces (a word longer than a
/// line is broken at the width): SVG text does not wrap by itself.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        if !line.is_empty() && line.chars().count() + 1 + word.len() <= width {
            line.push(' ');
            line.extend(&word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        while word.len() > width {
            lines.push(word.drain(..width).collect());
        }
        line.extend(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A lane's words right of the plot, at `y` (the lane's top): one line of 12 px when it
/// fits in [`TEXT_CHARS`], else wrapped on two lines of 11 px (the lane holds two; the
/// whole text is in the lane's `<title>` besides).
fn lane_words(out: &mut String, x: f64, y: u32, text: &str, c: &str) {
    if text.chars().count() <= TEXT_CHARS {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"{c}\">{}</text>",
            px(x),
            y + 18,
            esc(text)
        );
        return;
    }
    let lines = wrap(text, TEXT_CHARS + 8);
    let _ = write!(out, "<text fill=\"{c}\" font-size=\"11\">");
    for (i, line) in lines.iter().enumerate() {
        // A third line (rare: over 100 characters) would overlap the next lane: it goes
        // on the second, which is then wider than the column.
        let (dy, text) = match i {
            0 if lines.len() == 1 => (18, line.clone()),
            0 => (11, line.clone()),
            1 => (22, lines[1..].join(" ")),
            _ => break,
        };
        let _ = write!(
            out,
            "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
            px(x),
            y + dy,
            esc(&text)
        );
    }
    out.push_str("</text>\n");
}

/// The header row's lines: `clean`, or `NOT CLEAN:` and what is wrong, wrapped at
/// [`STATUS_CHARS`].
fn status_lines(r: &Report) -> (Vec<String>, &'static str) {
    if r.is_clean() {
        (vec!["clean".to_owned()], GREEN)
    } else {
        let status = format!("NOT CLEAN: {}", r.problems().join("; "));
        (wrap(&status, STATUS_CHARS), RED)
    }
}

/// The header row's height: a lane, and 15 px per extra line of its status.
fn header_height(r: &Report) -> u32 {
    LANE + 15 * (status_lines(r).0.len() as u32 - 1)
}

/// A coordinate with one decimal: the same value always prints the same bytes.
fn px(v: f64) -> String {
    format!("{v:.1}")
}

/// One report as a whole page: its timeline, verdicts and errors.
pub fn report_html(report: &Report) -> String {
    // The title is the run's header: the page says it once.
    let mut page = HtmlPage::new(&header(report));
    page.legend().run(report);
    page.finish()
}

/// Several reports of one scenario under one plan as a page: their timelines stacked on
/// one time axis, then each one's verdicts and errors.
pub fn comparison_html(reports: &[Report]) -> String {
    // The title is the comparison's header: the page says it once.
    let title = reports
        .first()
        .map_or_else(|| "no runs".to_owned(), comparison_header);
    let mut page = HtmlPage::new(&title);
    page.legend().comparison(reports);
    page.finish()
}

/// A sweep as a page: its counts, then the heat map of every plan × variant.
pub fn sweep_html(sweep: &SweepReport) -> String {
    let mut page = HtmlPage::new(&format!("sweep {}", sweep.scenario));
    page.sweep(sweep);
    page.finish()
}

/// The timelines of `reports` as one SVG, stacked on one shared time axis (one report
/// gives one timeline). The same reports give the same bytes.
pub fn timeline_svg(reports: &[Report]) -> String {
    let mut out = String::new();
    svg(&mut out, reports);
    out
}

/// A page being built: sections are appended in order, and [`finish`](HtmlPage::finish)
/// wraps them in one self-contained HTML document (with a folded table of contents when
/// it has three headings or more).
#[derive(Debug, Clone, Default)]
pub struct HtmlPage {
    title: String,
    body: String,
    /// `(id, text)` of every heading, in order.
    headings: Vec<(String, String)>,
}

impl HtmlPage {
    /// An empty page called `title`.
    pub fn new(title: &str) -> Self {
        HtmlPage {
            title: title.to_owned(),
            ..HtmlPage::default()
        }
    }

    /// A section heading (`<h2>`), listed in the table of contents.
    pub fn heading(&mut self, text: &str) -> &mut Self {
        let mut id = slug(text);
        let base = id.clone();
        let mut n = 1;
        while self.headings.iter().any(|(h, _)| *h == id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        let _ = writeln!(self.body, "<h2 id=\"{id}\">{}</h2>", esc(text));
        self.headings.push((id, text.to_owned()));
        self
    }

    /// A paragraph of plain text.
    pub fn text(&mut self, text: &str) -> &mut Self {
        let _ = writeln!(self.body, "<p>{}</p>", esc(text));
        self
    }

    /// Lines of preformatted text (a command, a text table).
    pub fn pre(&mut self, text: &str) -> &mut Self {
        let _ = writeln!(self.body, "<pre>{}</pre>", esc(text.trim_end()));
        self
    }

    /// A list of terms and what they mean, folded under `summary`.
    pub fn terms(&mut self, summary: &str, terms: &[(&str, &str)]) -> &mut Self {
        let _ = writeln!(
            self.body,
            "<details class=\"terms\"><summary>{}</summary>",
            esc(summary)
        );
        self.body.push_str("<dl class=\"terms\">\n");
        for (term, meaning) in terms {
            let _ = writeln!(self.body, "<dt>{}</dt><dd>{}</dd>", esc(term), esc(meaning));
        }
        self.body.push_str("</dl>\n</details>\n");
        self
    }

    /// A table; each row is its cells and whether it is fine (drawn green, else red, with
    /// the row's own words saying why).
    pub fn table(
        &mut self,
        caption: &str,
        head: &[&str],
        rows: &[(Vec<String>, bool)],
    ) -> &mut Self {
        let _ = writeln!(
            self.body,
            "<table class=\"matrix\">\n<caption>{}</caption>",
            esc(caption)
        );
        self.body.push_str("<thead><tr>");
        for h in head {
            let _ = write!(self.body, "<th scope=\"col\">{}</th>", esc(h));
        }
        self.body.push_str("</tr></thead>\n<tbody>\n");
        for (cells, ok) in rows {
            let class = if *ok { "ok" } else { "bad" };
            let _ = write!(self.body, "<tr class=\"{class}\">");
            for c in cells {
                let _ = write!(self.body, "<td>{}</td>", esc(c));
            }
            self.body.push_str("</tr>\n");
        }
        self.body.push_str("</tbody>\n</table>\n");
        self
    }

    /// The key to the pictures: each outcome's colour and shape, and the other marks.
    pub fn legend(&mut self) -> &mut Self {
        legend(&mut self.body);
        self
    }

    /// One run: its timeline, then what is wrong, the verdict table, the errors and the
    /// replay command.
    pub fn run(&mut self, report: &Report) -> &mut Self {
        self.body.push_str("<section class=\"run\">\n");
        let header = header(report);
        if header != self.title {
            let _ = writeln!(self.body, "<p class=\"header\">{}</p>", esc(&header));
        }
        let _ = writeln!(
            self.body,
            "<p>result: <code>{}</code></p>",
            esc(&report.result)
        );
        self.body.push_str("<figure>\n");
        svg(&mut self.body, std::slice::from_ref(report));
        self.body.push_str("</figure>\n");
        details(&mut self.body, report, true, MAX_ROWS);
        self.body.push_str("</section>\n");
        self
    }

    /// Several runs of one scenario under one plan: stacked timelines on one time axis,
    /// each run's details, and the text table.
    pub fn comparison(&mut self, reports: &[Report]) -> &mut Self {
        let Some(first) = reports.first() else {
            return self;
        };
        self.body.push_str("<section class=\"comparison\">\n");
        let header = comparison_header(first);
        if header != self.title {
            let _ = writeln!(self.body, "<p class=\"header\">{}</p>", esc(&header));
        }
        self.body.push_str("<figure>\n");
        svg(&mut self.body, reports);
        self.body.push_str("</figure>\n");
        for r in reports {
            details(&mut self.body, r, false, MAX_LANES);
        }
        let _ = writeln!(
            self.body,
            "<details><summary>side by side, as text</summary>\n<pre>{}</pre>\n</details>",
            esc(side_by_side(reports).trim_end())
        );
        self.body.push_str("</section>\n");
        self
    }

    /// A sweep: the counts per variant, then the heat map (plan × variant).
    pub fn sweep(&mut self, sweep: &SweepReport) -> &mut Self {
        heat_map(&mut self.body, sweep);
        self
    }

    /// The whole document.
    pub fn finish(&self) -> String {
        let mut out = String::new();
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(out, "<title>{}</title>", esc(&self.title));
        let _ = writeln!(out, "<style>\n{CSS}</style>\n</head>\n<body>\n<main>");
        let _ = writeln!(out, "<h1>{}</h1>", esc(&self.title));
        if self.headings.len() >= 3 {
            let _ = writeln!(
                out,
                "<details class=\"contents\"><summary>contents: {} sections</summary>\n<nav><ol>",
                self.headings.len()
            );
            for (id, text) in &self.headings {
                let _ = writeln!(out, "<li><a href=\"#{id}\">{}</a></li>", esc(text));
            }
            out.push_str("</ol></nav>\n</details>\n");
        }
        out.push_str(&self.body);
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }
}

const CSS: &str = "\
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #212121; background: #fff; margin: 0; }
main { max-width: 1080px; margin: 0 auto; padding: 12px 20px 40px; }
h1 { font-size: 22px; margin: 8px 0 12px; }
h2 { font-size: 18px; margin: 28px 0 6px; border-top: 1px solid #ddd; padding-top: 14px; }
.header { font-weight: 600; margin: 6px 0; }
figure { margin: 8px 0; overflow-x: auto; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: system-ui, sans-serif; }
code, pre { font: 12.5px/1.4 ui-monospace, 'DejaVu Sans Mono', monospace; }
pre { background: #f6f6f6; padding: 8px; overflow-x: auto; }
details { margin: 4px 0; }
summary { cursor: pointer; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
.clean { color: #2e7d32; font-weight: 600; }
.problems { color: #c62828; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
tr.ok td { background: #e8f5e9; }
tr.bad td { background: #ffebee; }
dl.terms { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; }
dl.terms dt { font-weight: 600; }
dl.terms dd { margin: 0; }
nav ol { columns: 2; }
table.heat td { font-size: 12px; padding: 1px 4px; }
.k-clean { background: #c8e6c9; }
.k-cancelled { background: #dcedc8; }
.k-outlived { background: #ffcc80; }
.k-swallowed { background: #ef9a9a; }
.k-discarded { background: #ffab91; }
.k-stalled { background: #ce93d8; }
.k-dropped_at_shutdown { background: #bcaaa4; }
.k-untracked { background: #b0bec5; }
.k-blocked { background: #fff59d; }
.k-leaked { background: #f48fb1; }
.k-partial_writes { background: #9fa8da; }
.k-panicked { background: #e57373; }
.k-other { background: #e0e0e0; }
table.heat code { display: block; white-space: pre-wrap; }
";

/// An `id` from heading text: lowercase letters, digits and dashes.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "section".to_owned()
    } else {
        out
    }
}

/// The plan as the text report names it: `name (text)`, or the text alone.
fn plan_label(r: &Report) -> String {
    match &r.plan_name {
        Some(name) if *name != r.plan => format!("{name} ({})", r.plan),
        _ => r.plan.clone(),
    }
}

fn header(r: &Report) -> String {
    format!(
        "{} · {} · plan {} · seed {}",
        r.scenario,
        r.variant,
        plan_label(r),
        r.seed
    )
}

/// A comparison's header: scenario, plan and seed (the variants are its rows).
fn comparison_header(r: &Report) -> String {
    format!("{} · plan {} · seed {}", r.scenario, plan_label(r), r.seed)
}

/// What names a run in the page's DOM (`data-run`): scenario/variant/plan.
fn run_id(r: &Report) -> String {
    let plan = r.plan_name.as_deref().unwrap_or(&r.plan);
    format!("{}/{}/{plan}", r.scenario, r.variant)
}

/// The plan's timed events (`@150ms cancel(req[1])`), read back from its text form.
fn events(r: &Report) -> Vec<TimedEvent> {
    Plan::parse(&r.plan)
        .map(|p| p.events().to_vec())
        .unwrap_or_default()
}

fn ms_of(d: std::time::Duration) -> u64 {
    d.as_millis() as u64
}

/// The last virtual ms anything in the run happened at.
fn last_ms(r: &Report) -> u64 {
    let mut last = r.quiescent_ms.unwrap_or(0);
    for t in &r.tasks {
        last = last.max(t.start_ms).max(t.end_ms.unwrap_or(0));
    }
    for h in &r.hits {
        last = last.max(h.at_ms);
    }
    for e in events(r) {
        last = last.max(ms_of(e.at));
    }
    for res in &r.resources {
        match res {
            ResourceReport::Pool(p) => {
                for l in &p.leases {
                    last = last
                        .max(l.acquired_ms)
                        .max(l.returned_ms.unwrap_or(0))
                        .max(l.lost_ms.unwrap_or(0));
                }
                for w in &p.waits {
                    last = last.max(w.from_ms).max(w.until_ms.unwrap_or(0));
                }
            }
            ResourceReport::Gauge(g) => last = last.max(g.peak_ms),
            ResourceReport::Store(s) => {
                for t in &s.transactions {
                    last = last.max(t.begun_ms).max(t.ended_ms.unwrap_or(0));
                }
            }
        }
    }
    last
}

/// The time axis: virtual ms `0..=max_ms` drawn from `x0` to `x1`, a tick every `step`.
struct Axis {
    x0: f64,
    x1: f64,
    max_ms: u64,
    step: u64,
}

impl Axis {
    fn new(reports: &[Report], x0: u32) -> Self {
        let span = reports.iter().map(last_ms).max().unwrap_or(0).max(1);
        // The smallest 1, 2 or 5 × 10^k that needs at most 10 ticks.
        let mut unit = 1;
        let step = 'found: loop {
            for s in [1, 2, 5] {
                if span <= s * unit * 10 {
                    break 'found s * unit;
                }
            }
            unit *= 10;
        };
        Axis {
            x0: f64::from(x0),
            x1: f64::from(WIDTH - RIGHT),
            max_ms: span.div_ceil(step) * step,
            step,
        }
    }

    fn x(&self, ms: u64) -> f64 {
        self.x0 + (self.x1 - self.x0) * ms.min(self.max_ms) as f64 / self.max_ms as f64
    }
}

/// The colour of a task's lane: red when its error or panic was swallowed or discarded, else
/// by outcome.
fn colour(t: &TaskReport) -> &'static str {
    if t.fate.is_some_and(Fate::is_bad) {
        return RED;
    }
    match t.outcome {
        Outcome::Ended => TEAL,
        Outcome::Completed => GREEN,
        Outcome::Failed => ORANGE,
        Outcome::Panicked => PURPLE,
        Outcome::Cancelled => SLATE,
        Outcome::DroppedAtShutdown => BROWN,
        Outcome::Stalled => MAGENTA,
    }
}

/// The outcome as a class/attribute word.
fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Ended => "ended",
        Outcome::Completed => "completed",
        Outcome::Failed => "failed",
        Outcome::Panicked => "panicked",
        Outcome::Cancelled => "cancelled",
        Outcome::DroppedAtShutdown => "dropped-at-shutdown",
        Outcome::Stalled => "stalled",
    }
}

/// The end marker: its shape says the outcome (circle, cross, triangle, slash, chevron,
/// question mark); a ring around it says the error or panic was swallowed.
fn marker(out: &mut String, outcome: Outcome, swallowed: bool, x: f64, cy: f64, c: &str) {
    let (l, r, t, b) = (px(x - 4.0), px(x + 4.0), px(cy - 4.0), px(cy + 4.0));
    let _ = match outcome {
        Outcome::Completed => writeln!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{c}\"/>",
            px(x),
            px(cy)
        ),
        // Ending, how is not seen: a hollow circle.
        Outcome::Ended => writeln!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"white\" stroke=\"{c}\" stroke-width=\"2\"/>",
            px(x),
            px(cy)
        ),
        Outcome::Failed => writeln!(
            out,
            "<path d=\"M{l} {t}L{r} {b}M{l} {b}L{r} {t}\" stroke=\"{c}\" stroke-width=\"2.5\"/>"
        ),
        Outcome::Panicked => writeln!(
            out,
            "<path d=\"M{} {}L{} {}L{} {}Z\" fill=\"{c}\"/>",
            px(x),
            px(cy - 6.0),
            px(x + 5.5),
            px(cy + 4.5),
            px(x - 5.5),
            px(cy + 4.5)
        ),
        Outcome::Cancelled => writeln!(
            out,
            "<path d=\"M{} {}L{} {}\" stroke=\"{c}\" stroke-width=\"3\"/>",
            px(x - 3.0),
            px(cy + 6.0),
            px(x + 3.0),
            px(cy - 6.0)
        ),
        Outcome::DroppedAtShutdown => writeln!(
            out,
            "<path d=\"M{} {}L{} {}L{} {}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2\"/>",
            px(x - 5.0),
            px(cy - 5.0),
            px(x + 1.0),
            px(cy),
            px(x - 5.0),
            px(cy + 5.0)
        ),
        Outcome::Stalled => writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"14\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"{c}\">?</text>",
            px(x + 5.0),
            px(cy + 5.0)
        ),
    };
    if swallowed {
        let _ = writeln!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"7.5\" fill=\"none\" stroke=\"{c}\" stroke-width=\"1.5\"/>",
            px(x),
            px(cy)
        );
    }
}

/// The lane's words: outcome and end ms, then the verdict (`SWALLOWED`, `OUTLIVED caller by
/// 150 ms`, …) as the text report words it.
fn lane_text(t: &TaskReport) -> String {
    let end = t.end_ms.map_or_else(String::new, |e| format!(" {e}"));
    let v = verdict(t);
    if v.is_empty() {
        format!("{}{end}", t.outcome)
    } else {
        format!("{}{end} · {v}", t.outcome)
    }
}

/// A run's height in px: its header row, its task lanes (and a "more" row), its resources.
fn block_height(r: &Report) -> u32 {
    let lanes = r.tasks.len().min(MAX_LANES) as u32 + u32::from(r.tasks.len() > MAX_LANES);
    let resources: u32 = r.resources.iter().map(resource_height).sum();
    let events = if events(r).is_empty() { 0 } else { LANE };
    header_height(r) + events + lanes * LANE + resources
}

fn resource_height(res: &ResourceReport) -> u32 {
    match res {
        ResourceReport::Pool(_) => 2 * LANE,
        ResourceReport::Gauge(_) => LANE,
        ResourceReport::Store(s) => LANE.max(6 * s.transactions.len().min(3) as u32 + 12),
    }
}

/// The label column's width: room for the longest task or resource name.
fn name_width(reports: &[Report]) -> u32 {
    let longest = reports
        .iter()
        .flat_map(|r| {
            let tasks = r
                .tasks
                .iter()
                .take(MAX_LANES)
                .map(|t| t.name.chars().count());
            let res = r.resources.iter().map(|res| res.name().chars().count() + 6);
            // Variant names are bold: a little wider per character.
            let variant = r.variant.chars().count() * 8 / 7 + 1;
            tasks.chain(res).chain(std::iter::once(variant))
        })
        .max()
        .unwrap_or(8);
    (longest as u32 * 7 + 16).clamp(80, 240)
}

fn svg(out: &mut String, reports: &[Report]) {
    let name_w = name_width(reports);
    let axis = Axis::new(reports, name_w);
    let top = 24;
    let body_h: u32 = reports.iter().map(|r| block_height(r) + 8).sum();
    let height = top + body_h + 20;
    let what = match reports {
        [one] => format!("timeline of {}", header(one)),
        many => format!(
            "timelines of {} under plan {}: {}",
            many.first().map_or("", |r| r.scenario.as_str()),
            many.first().map_or_else(String::new, plan_label),
            many.iter()
                .map(|r| r.variant.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" font-size=\"12\">"
    );
    let _ = writeln!(out, "<title>{} (virtual ms)</title>", esc(&what));
    // The axis: a gridline and a label per tick, top and bottom.
    out.push_str("<g class=\"axis\" fill=\"#616161\" font-size=\"11\">\n");
    let mut ms = 0;
    while ms <= axis.max_ms {
        let x = px(axis.x(ms));
        let _ = writeln!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#e0e0e0\"/><text x=\"{x}\" y=\"16\" text-anchor=\"middle\">{ms}</text>",
            top - 4,
            top + body_h
        );
        ms += axis.step;
    }
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">virtual ms</text>\n</g>",
        px(axis.x1),
        top + body_h + 14
    );
    let mut y = top;
    for r in reports {
        run_block(out, r, &axis, name_w, y);
        y += block_height(r) + 8;
    }
    out.push_str("</svg>\n");
}

fn run_block(out: &mut String, r: &Report, axis: &Axis, name_w: u32, y0: u32) {
    let run = esc(&run_id(r));
    let _ = writeln!(out, "<g class=\"run\" data-run=\"{run}\">");
    // The header row: the variant, and clean or what is wrong.
    let (status, status_colour) = status_lines(r);
    let head = header_height(r);
    let _ = writeln!(
        out,
        "<rect x=\"0\" y=\"{y0}\" width=\"{WIDTH}\" height=\"{head}\" fill=\"#f5f5f5\"/><text x=\"4\" y=\"{}\" font-weight=\"bold\">{}</text>",
        y0 + 16,
        esc(&r.variant)
    );
    if let [one] = status.as_slice() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"{status_colour}\" font-weight=\"bold\">{}</text>",
            px(axis.x0),
            y0 + 16,
            esc(one)
        );
    } else {
        let _ = write!(out, "<text fill=\"{status_colour}\" font-weight=\"bold\">");
        for (i, line) in status.iter().enumerate() {
            let _ = write!(
                out,
                "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
                px(axis.x0),
                y0 + 16 + 15 * i as u32,
                esc(line)
            );
        }
        out.push_str("</text>\n");
    }
    let events = events(r);
    let lanes_top = y0 + head + if events.is_empty() { 0 } else { LANE };
    let bottom = y0 + block_height(r);
    // Timed events: a dashed line down the run's lanes, labelled in a row of their own.
    for e in &events {
        let x = axis.x(ms_of(e.at));
        let anchor = if x > (axis.x0 + axis.x1) / 2.0 {
            "end"
        } else {
            "start"
        };
        let dx = if anchor == "end" { -3.0 } else { 3.0 };
        let label = esc(&e.to_string());
        let _ = writeln!(
            out,
            "<g class=\"event\"><title>timed event {label}</title><line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"{RED}\" stroke-dasharray=\"5 3\"/><text x=\"{}\" y=\"{}\" fill=\"{RED}\" font-size=\"11\" text-anchor=\"{anchor}\">{label}</text></g>",
            y0 + head + 4,
            px(x + dx),
            y0 + head + 16,
            x = px(x)
        );
    }
    let mut y = lanes_top;
    for t in r.tasks.iter().take(MAX_LANES) {
        task_lane(out, r, t, axis, name_w, y);
        y += LANE;
    }
    if r.tasks.len() > MAX_LANES {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"#616161\">… {} more tasks (the verdict table lists up to {MAX_ROWS}; the JSON form every one)</text>",
            name_w,
            y + 16,
            r.tasks.len() - MAX_LANES
        );
        y += LANE;
    }
    hits(out, r, axis, lanes_top);
    for res in &r.resources {
        match res {
            ResourceReport::Pool(p) => pool_lane(out, r, p, axis, name_w, y),
            ResourceReport::Gauge(g) => gauge_lane(out, r, g, axis, name_w, y),
            ResourceReport::Store(s) => store_lane(out, r, s, axis, name_w, y),
        }
        y += resource_height(res);
    }
    out.push_str("</g>\n");
}

fn task_lane(out: &mut String, r: &Report, t: &TaskReport, axis: &Axis, name_w: u32, y: u32) {
    let c = colour(t);
    let cy = f64::from(y) + 14.0;
    let x_start = axis.x(t.start_ms);
    let x_end = t.end_ms.map_or(axis.x1, |e| axis.x(e)).max(x_start + 1.5);
    let parent_end = if t.outlived_scope {
        t.parent
            .as_ref()
            .and_then(|p| r.task(p))
            .and_then(|p| p.end_ms)
    } else {
        None
    };
    let text = lane_text(t);
    let mut title = format!(
        "{}: {}→{} ms, {text}",
        t.name,
        t.start_ms,
        t.end_ms
            .map_or_else(|| "never ended".to_owned(), |e| e.to_string())
    );
    if let Some(p) = &t.parent {
        let _ = write!(title, "; spawned by {p}");
    }
    if let Some(d) = &t.detail {
        let _ = write!(title, "; {d}");
    }
    let _ = writeln!(
        out,
        "<g class=\"lane task\" data-run=\"{}\" data-task=\"{}\" data-outcome=\"{}\"><title>{}</title>",
        esc(&run_id(r)),
        esc(&t.name),
        outcome_word(t.outcome),
        esc(&title)
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
        name_w - 8,
        y + 18,
        esc(&t.name)
    );
    let bar_y = px(cy - 5.0);
    // The part run after the parent ended: pale and dashed.
    let x_parent = parent_end.map(|p| axis.x(p).clamp(x_start, x_end));
    let solid_end = x_parent.unwrap_or(x_end);
    let never_ended = t.end_ms.is_none();
    if solid_end > x_start {
        let dash = if never_ended && x_parent.is_none() {
            " stroke-dasharray=\"2 2\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{bar_y}\" width=\"{}\" height=\"10\" fill=\"{c}\" fill-opacity=\"0.85\" stroke=\"{c}\"{dash}/>",
            px(x_start),
            px(solid_end - x_start)
        );
    }
    if let Some(xp) = x_parent {
        let _ = writeln!(
            out,
            "<rect class=\"outlived\" x=\"{}\" y=\"{bar_y}\" width=\"{}\" height=\"10\" fill=\"{c}\" fill-opacity=\"0.25\" stroke=\"{c}\" stroke-dasharray=\"4 2\"><title>ran {} ms after its parent ended</title></rect>",
            px(xp),
            px((x_end - xp).max(1.5)),
            t.outlived_by_ms
                .map_or_else(|| "on".to_owned(), |by| by.to_string())
        );
    }
    marker(
        out,
        t.outcome,
        t.fate.is_some_and(Fate::is_bad),
        x_end,
        cy,
        c,
    );
    lane_words(out, axis.x1 + 14.0, y, &text, c);
    out.push_str("</g>\n");
}

/// Fault-point hits: a diamond over the lane of the task that hit the point, filled when
/// the plan made it do something.
///
/// A hit names its task; when several tasks share that name (a feed restarted under the
/// same name), it goes on the lane of the one running at the hit's time (the latest
/// started, if more than one), never on another one's lane after that one ended.
fn hits(out: &mut String, r: &Report, axis: &Axis, lanes_top: u32) {
    let drawn = &r.tasks[..r.tasks.len().min(MAX_LANES)];
    for h in r.hits.iter().take(MAX_ROWS) {
        let Some(task) = &h.task else { continue };
        let Some(lane) = lane_of(drawn, task, h.at_ms) else {
            continue;
        };
        let (x, cy) = (
            axis.x(h.at_ms),
            f64::from(lanes_top + lane as u32 * LANE) + 4.5,
        );
        let key = h.key.as_ref().map(|k| format!("[{k}]")).unwrap_or_default();
        let action = h
            .action
            .as_ref()
            .map(|a| format!(" → {a}"))
            .unwrap_or_default();
        let title = format!(
            "fault point {}{key}#{} at {} ms in {task}{action}",
            h.point, h.hit, h.at_ms
        );
        let fill = if h.action.is_some() { RED } else { "#fff" };
        let _ = writeln!(
            out,
            "<path class=\"hit\" d=\"M{x} {}L{} {cy}L{x} {}L{} {cy}Z\" fill=\"{fill}\" stroke=\"{RED}\"><title>{}</title></path>",
            px(cy - 4.0),
            px(axis.x(h.at_ms) + 3.5),
            px(cy + 4.0),
            px(axis.x(h.at_ms) - 3.5),
            esc(&title),
            x = px(x),
            cy = px(cy)
        );
    }
}

/// The lane of the task called `name` that was running at `at_ms`: of those with that
/// name, the latest started that had started by then and not yet ended (ending at `at_ms`
/// counts as running); with none such, the first of that name.
fn lane_of(drawn: &[TaskReport], name: &str, at_ms: u64) -> Option<usize> {
    let named = || {
        drawn
            .iter()
            .enumerate()
            .filter(move |(_, t)| t.name == *name)
    };
    named()
        .filter(|(_, t)| t.start_ms <= at_ms && t.end_ms.is_none_or(|e| at_ms <= e))
        .max_by_key(|(i, t)| (t.start_ms, *i))
        .or_else(|| named().next())
        .map(|(i, _)| i)
}

fn resource_lane_start(
    out: &mut String,
    r: &Report,
    kind: &str,
    name: &str,
    title: &str,
    name_w: u32,
    y: u32,
) {
    let _ = writeln!(
        out,
        "<g class=\"lane {kind}\" data-run=\"{}\" data-resource=\"{}\"><title>{}</title>\n<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-style=\"italic\">{kind} {}</text>",
        esc(&run_id(r)),
        esc(name),
        esc(title),
        name_w - 8,
        y + 18,
        esc(name)
    );
}

fn resource_lane_end(out: &mut String, axis: &Axis, y: u32, text: &str, c: &str) {
    lane_words(out, axis.x1 + 14.0, y, text, c);
    out.push_str("</g>\n");
}

/// A pool: connections in use over time (a step area, capacity at the top), where it ran
/// dry, each leaked connection and each wait that gave up.
fn pool_lane(out: &mut String, r: &Report, p: &PoolReport, axis: &Axis, name_w: u32, y: u32) {
    let leaked = p.leases.iter().filter(|l| l.leaked).count();
    let gave_up = p
        .waits
        .iter()
        .filter(|w| w.outcome == WaitOutcome::GaveUp)
        .count();
    let mut summary = format!("peak {}/{} in use", p.peak_in_use, p.capacity);
    if let Some(at) = p.exhausted_ms {
        let _ = write!(summary, " · dry at {at}");
    }
    if leaked > 0 {
        let _ = write!(summary, " · {leaked} LEAKED");
    }
    if gave_up > 0 {
        let _ = write!(summary, " · {gave_up} GAVE UP");
    }
    let title = format!(
        "pool {} (capacity {}): connections in use over time; {} acquired; {summary}",
        p.name,
        p.capacity,
        p.leases.len()
    );
    resource_lane_start(out, r, "pool", &p.name, &title, name_w, y);
    let (top, base) = (f64::from(y) + 6.0, f64::from(y + 2 * LANE) - 4.0);
    let full = p.capacity.max(p.peak_in_use).max(1) as f64;
    let level_y = |level: i64| base - (base - top) * level.max(0) as f64 / full;
    // Every change of level, returns before acquisitions at the same instant.
    let mut changes: Vec<(u64, i64)> = Vec::new();
    for l in &p.leases {
        changes.push((l.acquired_ms, 1));
        if let Some(back) = l.returned_ms {
            changes.push((back, -1));
        }
    }
    changes.sort();
    let mut d = format!("M{} {}", px(axis.x0), px(base));
    let mut level = 0;
    for (at, delta) in changes {
        level += delta;
        let x = px(axis.x(at));
        let _ = write!(d, "H{x}V{}", px(level_y(level)));
    }
    let _ = write!(d, "H{}V{}Z", px(axis.x(last_ms(r))), px(base));
    let _ = writeln!(
        out,
        "<line x1=\"{x0}\" y1=\"{t}\" x2=\"{x1}\" y2=\"{t}\" stroke=\"{GREY}\" stroke-dasharray=\"2 3\"/><line x1=\"{x0}\" y1=\"{b}\" x2=\"{x1}\" y2=\"{b}\" stroke=\"{GREY}\"/>",
        x0 = px(axis.x0),
        x1 = px(axis.x1),
        t = px(top),
        b = px(base)
    );
    let _ = writeln!(
        out,
        "<path class=\"level\" d=\"{d}\" fill=\"{BLUE}\" fill-opacity=\"0.3\" stroke=\"{BLUE}\"/>"
    );
    let who = |t: &Option<String>| t.clone().unwrap_or_else(|| "the run".to_owned());
    if let Some(at) = p.exhausted_ms {
        let x = axis.x(at);
        let _ = writeln!(
            out,
            "<g class=\"dry\"><title>ran dry at {at} ms: an acquire found no free connection</title><path d=\"M{} {}L{} {}L{} {}Z\" fill=\"{RED}\"/><text x=\"{}\" y=\"{}\" fill=\"{RED}\" font-size=\"11\">dry</text></g>",
            px(x - 4.0),
            px(top - 5.0),
            px(x + 4.0),
            px(top - 5.0),
            px(x),
            px(top + 2.0),
            px(x + 6.0),
            px(top + 4.0)
        );
    }
    for l in p.leases.iter().filter(|l| l.leaked) {
        let at = l.lost_ms.unwrap_or(l.acquired_ms);
        let how = if l.manual { "checked out" } else { "leased" };
        let fate = match l.lost_ms {
            Some(lost) => format!("dropped without a check-in at {lost} ms"),
            None => "still held at the end of the run".to_owned(),
        };
        let x = axis.x(at);
        let _ = writeln!(
            out,
            "<g class=\"leak\"><title>LEAKED: {how} by {} at {} ms, never returned: {fate}</title><path d=\"M{} {}L{} {}M{} {}L{} {}\" stroke=\"{RED}\" stroke-width=\"2.5\"/></g>",
            esc(&who(&l.task)),
            l.acquired_ms,
            px(x - 4.0),
            px(base - 12.0),
            px(x + 4.0),
            px(base - 4.0),
            px(x - 4.0),
            px(base - 4.0),
            px(x + 4.0),
            px(base - 12.0)
        );
    }
    for w in p.waits.iter().take(MAX_ROWS) {
        let (from, until) = (axis.x(w.from_ms), w.until_ms.map_or(axis.x1, |u| axis.x(u)));
        let (word, c) = match w.outcome {
            WaitOutcome::Acquired => ("got one", GREY),
            WaitOutcome::GaveUp => ("GAVE UP", ORANGE),
            WaitOutcome::StillWaiting => ("still waiting at the end", MAGENTA),
        };
        let until_text = w.until_ms.map_or_else(String::new, |u| u.to_string());
        let _ = writeln!(
            out,
            "<line class=\"wait\" x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"{c}\" stroke-width=\"3\"><title>waited: {} {}→{until_text} ms, {word}</title></line>",
            px(from),
            px(until.max(from + 1.5)),
            esc(&who(&w.task)),
            w.from_ms,
            b = px(base + 2.0)
        );
    }
    let c = if leaked > 0 { RED } else { BLUE };
    resource_lane_end(out, axis, y + LANE / 2, &summary, c);
}

/// A gauge: the report holds its peak and its level at the end, not every change; the
/// peak is a mark at the time it was reached.
fn gauge_lane(out: &mut String, r: &Report, g: &GaugeReport, axis: &Axis, name_w: u32, y: u32) {
    let summary = format!(
        "peak {} at {} · {} added · {} at the end",
        g.peak, g.peak_ms, g.added, g.final_value
    );
    let title = format!(
        "gauge {}: {summary} (the report holds the peak and the end level, not every change)",
        g.name
    );
    resource_lane_start(out, r, "gauge", &g.name, &title, name_w, y);
    let x = axis.x(g.peak_ms);
    let _ = writeln!(
        out,
        "<line class=\"peak\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{BLUE}\" stroke-width=\"3\"/><text x=\"{}\" y=\"{}\" fill=\"{BLUE}\" font-size=\"11\">peak {}</text>",
        px(x),
        y + 4,
        px(x),
        y + LANE - 2,
        px(x + 4.0),
        y + 14,
        g.peak
    );
    let c = if g.final_value > 0 { ORANGE } else { BLUE };
    resource_lane_end(out, axis, y, &summary, c);
}

/// A store: each transaction as a thin bar from begin to end, coloured by how it ended;
/// a partial write in red, to the edge when it never ended.
fn store_lane(out: &mut String, r: &Report, s: &StoreReport, axis: &Axis, name_w: u32, y: u32) {
    let parts = tx_counts(s);
    let summary = if parts.is_empty() {
        "no transactions".to_owned()
    } else {
        parts.join(" · ")
    };
    let title = format!("store {}: {summary}", s.name);
    resource_lane_start(out, r, "store", &s.name, &title, name_w, y);
    let who = |t: &Option<String>| t.clone().unwrap_or_else(|| "the run".to_owned());
    for (i, t) in s.transactions.iter().take(MAX_ROWS).enumerate() {
        let (word, c) = match t.outcome {
            TxOutcome::Committed => ("committed", GREEN),
            TxOutcome::RolledBack => ("rolled back", SLATE),
            TxOutcome::RolledBackOnDrop => ("rolled back by its guard's Drop", SLATE),
            TxOutcome::Partial => ("PARTIAL WRITE: neither committed nor rolled back", RED),
        };
        let x0 = axis.x(t.begun_ms);
        let x1 = t.ended_ms.map_or(axis.x1, |e| axis.x(e)).max(x0 + 1.5);
        let writes = if t.writes.is_empty() {
            "nothing".to_owned()
        } else {
            t.writes.join(", ")
        };
        let at = t
            .ended_ms
            .map_or_else(String::new, |e| format!(" at {e} ms"));
        let dash = if t.outcome == TxOutcome::Partial {
            " stroke-dasharray=\"3 2\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<rect class=\"tx\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"5\" fill=\"{c}\" stroke=\"{c}\"{dash}><title>tx by {} begun at {} ms, wrote {}: {word}{at}</title></rect>",
            px(x0),
            y + 5 + 6 * (i as u32 % 3),
            px(x1 - x0),
            esc(&who(&t.task)),
            t.begun_ms,
            esc(&writes)
        );
    }
    let c = if s
        .transactions
        .iter()
        .any(|t| t.outcome == TxOutcome::Partial)
    {
        RED
    } else {
        GREEN
    };
    resource_lane_end(out, axis, y, &summary, c);
}

/// Under a run's timeline: what is wrong, the verdict table, the errors, the hits and the
/// replay command, in a `<details>` (open for a page of one run). Tables and lists stop
/// at `rows` rows; the replay command gives the full report.
fn details(out: &mut String, r: &Report, open: bool, rows: usize) {
    let problems = r.problems();
    let status = if r.is_clean() {
        "clean".to_owned()
    } else {
        match problems.len() {
            1 => "1 problem".to_owned(),
            n => format!("{n} problems"),
        }
    };
    let _ = writeln!(
        out,
        "<details class=\"run-details\" data-run=\"{}\"{}><summary><strong>{}</strong>: {status} · verdicts, errors, replay</summary>",
        esc(&run_id(r)),
        if open { " open" } else { "" },
        esc(&r.variant)
    );
    if r.is_clean() {
        out.push_str("<p class=\"clean\">clean: no bad verdict (nothing swallowed, discarded, outlived, stalled, leaked or left half-written)</p>\n");
    } else {
        out.push_str("<ul class=\"problems\">\n");
        for p in &problems {
            let _ = writeln!(out, "<li>{}</li>", esc(p));
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(out, "<p>result: <code>{}</code></p>", esc(&r.result));
    out.push_str("<table class=\"verdicts\">\n<caption>verdicts</caption>\n<thead><tr><th scope=\"col\">task</th><th scope=\"col\">parent</th><th scope=\"col\">start</th><th scope=\"col\">end</th><th scope=\"col\">outcome</th><th scope=\"col\">verdict</th><th scope=\"col\">error / panic</th></tr></thead>\n<tbody>\n");
    for t in r.tasks.iter().take(rows) {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&t.name),
            esc(t.parent.as_deref().unwrap_or("-")),
            t.start_ms,
            t.end_ms.map_or_else(|| "-".to_owned(), |e| e.to_string()),
            colour(t),
            t.outcome,
            esc(&verdict(t)),
            esc(t.detail.as_deref().unwrap_or(""))
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if r.tasks.len() > rows {
        let _ = writeln!(
            out,
            "<p>… {} more tasks (the replay command prints up to {MAX_ROWS}; its JSON form every one)</p>",
            r.tasks.len() - rows
        );
    }
    if !r.errors.is_empty() {
        out.push_str("<p>errors</p>\n<ul class=\"errors\">\n");
        for e in &r.errors {
            let origin = e.origin.as_deref().unwrap_or("the run");
            let fate = error_fate(e);
            let class = if e.fate.is_bad() {
                " class=\"problems\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "<li{class}><code>{}</code> (from {} at {} ms): {}</li>",
                esc(&e.error),
                esc(origin),
                e.created_ms,
                esc(&fate)
            );
        }
        out.push_str("</ul>\n");
    }
    if !r.hits.is_empty() {
        out.push_str("<p>fault points hit</p>\n<ul class=\"hits\">\n");
        for h in r.hits.iter().take(rows) {
            let key = h.key.as_ref().map(|k| format!("[{k}]")).unwrap_or_default();
            let action = h
                .action
                .as_ref()
                .map(|a| format!(" → {a}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<li>{}{}#{} at {} ms in {}{}</li>",
                esc(&h.point),
                esc(&key),
                h.hit,
                h.at_ms,
                esc(h.task.as_deref().unwrap_or("-")),
                esc(&action)
            );
        }
        if r.hits.len() > rows {
            let _ = writeln!(out, "<li>… {} more hits</li>", r.hits.len() - rows);
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(
        out,
        "<p>replay: <code>{}</code></p>\n</details>",
        esc(&r.replay)
    );
}

/// The key to the pictures, as a small SVG and words: every outcome's colour and end
/// shape, and every other mark a timeline draws (each item's `data-kind` is the outcome
/// word or the mark's class, so a test can check none is missing).
fn legend(out: &mut String) {
    let items: [(&str, &str); 21] = [
        ("completed", "completed (returned Ok)"),
        ("failed", "failed, its error observed"),
        (
            "swallowed",
            "SWALLOWED or DISCARDED error or panic (red, ringed)",
        ),
        ("panicked", "panicked"),
        ("cancelled", "cancelled"),
        ("dropped-at-shutdown", "dropped at shutdown"),
        ("stalled", "stalled (pending at the deadline)"),
        ("ended", "ended: a plain task or blocking job, how not seen"),
        ("outlived", "ran on after its parent ended (OUTLIVED)"),
        ("hit", "fault point hit (filled: the plan acted)"),
        ("event", "timed event of the plan"),
        ("level", "pool: connections in use (capacity dotted)"),
        ("dry", "pool ran dry: an acquire found none free"),
        ("leak", "connection LEAKED: never returned"),
        ("wait", "a wait for a connection: got one"),
        ("wait-gave-up", "a wait that GAVE UP"),
        ("wait-still", "a wait still waiting at the end"),
        ("peak", "gauge: its peak, and when"),
        ("tx", "store: a transaction, committed"),
        (
            "tx-rolled-back",
            "a transaction rolled back (by hand or its guard)",
        ),
        (
            "tx-partial",
            "a PARTIAL write: neither committed nor rolled back",
        ),
    ];
    let (cols, col_w, row_h) = (2u32, 520u32, 22u32);
    let height = row_h * (items.len() as u32).div_ceil(cols) + 6;
    let _ = writeln!(
        out,
        "<figure class=\"legend\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" font-size=\"12\">\n<title>legend: each outcome's colour and end shape, and the other marks</title>"
    );
    for (i, (kind, label)) in items.iter().enumerate() {
        let (col, row) = (i as u32 % cols, i as u32 / cols);
        let (x, cy) = (f64::from(col * col_w + 10), f64::from(row * row_h + 14));
        let bar = |out: &mut String, c: &str, extra: &str| {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"40\" height=\"10\" fill=\"{c}\" stroke=\"{c}\"{extra}/>",
                px(x),
                px(cy - 5.0)
            );
        };
        let tx = |out: &mut String, c: &str, dash: &str| {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"40\" height=\"5\" fill=\"{c}\" stroke=\"{c}\"{dash}/>",
                px(x),
                px(cy - 2.5)
            );
        };
        let wait = |out: &mut String, c: &str| {
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{c}\" stroke-width=\"3\"/>",
                px(x),
                px(x + 40.0),
                y = px(cy)
            );
        };
        let _ = writeln!(
            out,
            "<g class=\"legend-item\" data-kind=\"{kind}\"><title>{}</title>",
            esc(label)
        );
        match *kind {
            "completed"
            | "failed"
            | "swallowed"
            | "panicked"
            | "cancelled"
            | "dropped-at-shutdown"
            | "stalled"
            | "ended" => {
                let (outcome, swallowed, c) = match *kind {
                    "completed" => (Outcome::Completed, false, GREEN),
                    "failed" => (Outcome::Failed, false, ORANGE),
                    "swallowed" => (Outcome::Failed, true, RED),
                    "panicked" => (Outcome::Panicked, false, PURPLE),
                    "cancelled" => (Outcome::Cancelled, false, SLATE),
                    "dropped-at-shutdown" => (Outcome::DroppedAtShutdown, false, BROWN),
                    "ended" => (Outcome::Ended, false, TEAL),
                    _ => (Outcome::Stalled, false, MAGENTA),
                };
                bar(out, c, " fill-opacity=\"0.85\"");
                marker(out, outcome, swallowed, x + 40.0, cy, c);
            }
            "outlived" => {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"20\" height=\"10\" fill=\"{GREEN}\" fill-opacity=\"0.85\" stroke=\"{GREEN}\"/><rect x=\"{}\" y=\"{}\" width=\"20\" height=\"10\" fill=\"{GREEN}\" fill-opacity=\"0.25\" stroke=\"{GREEN}\" stroke-dasharray=\"4 2\"/>",
                    px(x),
                    px(cy - 5.0),
                    px(x + 20.0),
                    px(cy - 5.0)
                );
                marker(out, Outcome::Completed, false, x + 40.0, cy, GREEN);
            }
            "hit" => {
                let _ = writeln!(
                    out,
                    "<path d=\"M{a} {t}L{r} {cy}L{a} {b}L{l} {cy}Z\" fill=\"{RED}\" stroke=\"{RED}\"/><path d=\"M{a2} {t}L{r2} {cy}L{a2} {b}L{l2} {cy}Z\" fill=\"#fff\" stroke=\"{RED}\"/>",
                    a = px(x + 10.0),
                    r = px(x + 13.5),
                    l = px(x + 6.5),
                    a2 = px(x + 30.0),
                    r2 = px(x + 33.5),
                    l2 = px(x + 26.5),
                    t = px(cy - 4.0),
                    b = px(cy + 4.0),
                    cy = px(cy)
                );
            }
            "event" => {
                let _ = writeln!(
                    out,
                    "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{RED}\" stroke-dasharray=\"5 3\"/>",
                    px(cy - 9.0),
                    px(cy + 9.0),
                    x = px(x + 20.0)
                );
            }
            "level" => {
                let (top, base) = (cy - 7.0, cy + 7.0);
                let _ = writeln!(
                    out,
                    "<line x1=\"{x0}\" y1=\"{t}\" x2=\"{x1}\" y2=\"{t}\" stroke=\"{GREY}\" stroke-dasharray=\"2 3\"/><path d=\"M{x0} {b}H{}V{}H{}V{t}H{}V{b}Z\" fill=\"{BLUE}\" fill-opacity=\"0.3\" stroke=\"{BLUE}\"/>",
                    px(x + 8.0),
                    px(cy),
                    px(x + 22.0),
                    px(x + 34.0),
                    x0 = px(x),
                    x1 = px(x + 40.0),
                    t = px(top),
                    b = px(base)
                );
            }
            "dry" => {
                let _ = writeln!(
                    out,
                    "<path d=\"M{} {}L{} {}L{} {}Z\" fill=\"{RED}\"/>",
                    px(x + 16.0),
                    px(cy - 5.0),
                    px(x + 24.0),
                    px(cy - 5.0),
                    px(x + 20.0),
                    px(cy + 2.0)
                );
            }
            "leak" => {
                let _ = writeln!(
                    out,
                    "<path d=\"M{l} {t}L{r} {b}M{l} {b}L{r} {t}\" stroke=\"{RED}\" stroke-width=\"2.5\"/>",
                    l = px(x + 16.0),
                    r = px(x + 24.0),
                    t = px(cy - 4.0),
                    b = px(cy + 4.0)
                );
            }
            "wait" => wait(out, GREY),
            "wait-gave-up" => wait(out, ORANGE),
            "wait-still" => wait(out, MAGENTA),
            "peak" => {
                let _ = writeln!(
                    out,
                    "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{BLUE}\" stroke-width=\"3\"/>",
                    px(cy - 9.0),
                    px(cy + 9.0),
                    x = px(x + 20.0)
                );
            }
            "tx" => tx(out, GREEN, ""),
            "tx-rolled-back" => tx(out, SLATE, ""),
            _ => tx(out, RED, " stroke-dasharray=\"3 2\""),
        }
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\">{}</text>\n</g>",
            px(x + 58.0),
            px(cy + 4.0),
            esc(label)
        );
    }
    out.push_str("</svg>\n</figure>\n");
}

/// The class for the heat map's colour of a kind of finding: `k-` and the key of its bad
/// verdict in the one list (`k-outlived`, `k-discarded`, …) or `k-cancelled`.
fn kind_class(kind: &str) -> String {
    format!("k-{kind}")
}

fn heat_map(out: &mut String, s: &SweepReport) {
    let pairs = s.plans.len() - s.singles;
    let _ = writeln!(
        out,
        "<section class=\"sweep\">\n<p class=\"header\">sweep {} · {} single-fault plans{} × {} seed(s) × {} variants</p>",
        esc(&s.scenario),
        s.singles,
        if pairs > 0 {
            format!(" + {pairs} pairs")
        } else {
            String::new()
        },
        s.seeds.len(),
        s.variants.len()
    );
    // The counts per variant, as the text form prints them.
    out.push_str("<table class=\"counts\">\n<caption>runs with each finding, per variant (cancelled is not a defect)</caption>\n<thead><tr><th scope=\"col\">variant</th><th scope=\"col\">runs</th><th scope=\"col\">clean</th>");
    let kinds: Vec<&str> = s
        .variants
        .first()
        .map(|v| v.findings.iter().map(|f| f.kind).collect())
        .unwrap_or_default();
    for k in &kinds {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(k));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for v in &s.variants {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td>",
            esc(&v.variant),
            v.runs,
            v.clean
        );
        for f in &v.findings {
            let _ = write!(out, "<td>{}</td>", f.runs);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    // The key: each kind's colour, with its word (the cells carry the word too).
    out.push_str("<p class=\"heat-key\">");
    for k in std::iter::once("clean").chain(kinds.iter().copied()) {
        let class = kind_class(k);
        let _ = write!(
            out,
            "<span class=\"{class}\" style=\"padding:0 6px\">{}</span> ",
            esc(k)
        );
    }
    out.push_str("</p>\n");
    let _ = writeln!(
        out,
        "<table class=\"heat\">\n<caption>every plan × variant, coloured by its first finding; open a cell for its replay command</caption>\n<thead><tr><th scope=\"col\">plan</th>"
    );
    for v in &s.variants {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(&v.variant));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let seeds = s.seeds.len().max(1);
    let rows = s.plans.len() * seeds;
    for row in 0..rows {
        let (plan_ix, seed_ix) = (row / seeds, row % seeds);
        let seed = s.seeds.get(seed_ix).copied().unwrap_or(0);
        let plan = &s.plans[plan_ix];
        let label = if s.seeds.len() > 1 {
            format!("{plan} · seed {seed}")
        } else {
            plan.clone()
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><code>{}</code></th>",
            esc(&label)
        );
        for v in &s.variants {
            let Some(case) = v.cases.iter().find(|c| c.plan == plan_ix && c.seed == seed) else {
                out.push_str("<td>-</td>");
                continue;
            };
            let defects: Vec<&str> = case
                .findings
                .iter()
                .copied()
                .filter(|k| *k != "cancelled")
                .collect();
            let (class, word) = match (defects.first(), case.problems.is_empty()) {
                (Some(first), _) => (kind_class(first), defects.join(" + ")),
                (None, false) => (kind_class("other"), "not clean".to_owned()),
                (None, true) if case.findings.is_empty() => {
                    (kind_class("clean"), "clean".to_owned())
                }
                (None, true) => (kind_class("cancelled"), "clean, cancelled".to_owned()),
            };
            let what = if case.problems.is_empty() {
                "clean".to_owned()
            } else {
                case.problems.join("; ")
            };
            let title = format!(
                "{} under {label}: {what} · replay: {}",
                v.variant, case.replay
            );
            let _ = write!(
                out,
                "<td class=\"{class}\" title=\"{}\"><details><summary>{}</summary><code>{}</code></details></td>",
                esc(&title),
                esc(&word),
                esc(&case.replay)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}
