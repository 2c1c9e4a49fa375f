//! The main job (`cargo run`): every scenario's variants side by side under each of its
//! plans, as text or as one HTML page of pictures.
//!
//! It reads top to bottom: the course's opening puzzle first (`gather` when fetches 3 and
//! 4 fail), on the first screen; each table labelled with its place, lesson and what it
//! shows; then an overview (scenario × variant: how many plans came through clean, and
//! what went wrong under the others), the legend of every term the tables use, and the
//! next commands, one a line. No line is wider than [`WIDTH`] columns: a table wider than
//! that wraps its cells (see [`fit`]).

use std::fmt::Write as _;

mod fit;
pub use fit::{WIDTH, fit, wrap};

use faultline_harness::{
    HtmlPage, Plan, Report, Scenario, VERDICTS, default_jobs, side_by_side, try_map_ordered,
};

/// The scenario and plan the main job opens with: the course's opening puzzle.
pub const PUZZLE: (&str, &str) = ("gather", "fetch3-and-4-fail");

/// Where the main job's HTML report goes by default (the next-step line names it).
pub const HTML_PATH: &str = "target/faultline/report.html";

/// Every term the tables use, with what it means: the legend, as text and in the page.
pub const TERMS: [(&str, &str); 16] = [
    (
        "unstructured … structured",
        "the columns, one per variant: unstructured shows what breaks, structured the fix",
    ),
    (
        "result",
        "what the variant's body returned ({:?}), cut at 34 characters",
    ),
    (
        "fetch[1]  completed 300",
        "a task's row: how it ended and at which virtual ms (time since the run began, on a paused clock)",
    ),
    (
        "completed · failed · panicked",
        "the task returned Ok · returned Err · panicked",
    ),
    (
        "cancelled",
        "its future was dropped before it finished: abort(), a dropped JoinSet, the plan (a task that returns because its token fired keeps its outcome)",
    ),
    (
        "stalled · dropped at shutdown",
        "still pending at the deadline · still running when the runtime was dropped",
    ),
    (
        "observed · DISCARDED · SWALLOWED",
        "its error or panic was read · delivered, then dropped unread · never delivered to any code",
    ),
    (
        "OUTLIVED",
        "still running when its owning scope closed (its spawner, a JoinSet's owner, a TaskTracker's owner): an orphan",
    ),
    ("BLOCKED", "a poll held the executor's thread"),
    ("-", "no such task in this variant"),
    (
        "completed … untracked",
        "the count rows: how many tasks ended each way (untracked: spawns given no row, past the ledger's cap or plain tokio spawns without --cfg tokio_unstable)",
    ),
    (
        "leaked resources · partial writes",
        "connections never returned · transactions neither committed nor rolled back",
    ),
    (
        "pool db  peak 2/2, dry at 200, 1 LEAKED",
        "most connections in use / capacity · when an acquire first found none free (ms) · never returned",
    ),
    (
        "gauge …  peak 17 at 200 · in 20 · end 17",
        "its highest level and when (ms) · how many were added in all · its level at the end",
    ),
    (
        "store …  1 committed, 1 PARTIAL",
        "how its transactions ended; PARTIAL: neither committed nor rolled back",
    ),
    (
        "quiescent at",
        "when the last task ended (ms); never: something was still pending at the deadline",
    ),
];

/// What "clean" means in the overview, and why two scenarios are clean throughout.
const CLEAN: &str = "clean: Report::is_clean, nothing swallowed, orphaned, stalled, dropped at shutdown, untracked, \
blocking, leaked or half-written; limits and breaker go wrong in results and time, not in task lifecycles: \
read their tables, or `cargo run -- grade`";

/// One table of the main job: a scenario's variants under one of its plans.
#[derive(Debug, Clone)]
pub struct Table {
    /// The scenario.
    pub scenario: &'static str,
    /// Its lesson in the course (`03 gather vs TaskGroup`), if it has a rubric.
    pub lesson: Option<&'static str>,
    /// What it shows, in one line.
    pub about: &'static str,
    /// The plan's name.
    pub plan: &'static str,
    /// One report per variant, in the scenario's order.
    pub reports: Vec<Report>,
}

/// The main job's runs, in the order it shows them.
#[derive(Debug, Clone)]
pub struct MainJob {
    /// The seed every run used.
    pub seed: u64,
    /// The tables: the puzzle, the rest of its scenario, then every other scenario in
    /// course order, each under its plans in order.
    pub tables: Vec<Table>,
}

/// One row of the overview: a scenario's variant across all of the scenario's plans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverviewRow {
    /// The scenario.
    pub scenario: &'static str,
    /// The variant.
    pub variant: String,
    /// Plans under which the run was clean ([`Report::is_clean`]).
    pub clean: usize,
    /// Plans run.
    pub plans: usize,
    /// What went wrong, summed over the plans, worst kinds first (from
    /// [`Report::problems`]): `9 orphaned`, `1 swallowed`.
    pub wrong: Vec<String>,
}

/// Runs the main job: every scenario's variants under each of its plans, puzzle first.
pub fn main_job(seed: u64) -> anyhow::Result<MainJob> {
    main_job_on(seed, default_jobs())
}

/// [`main_job`], with up to `jobs` runs at once: the job is the same whatever the number.
pub fn main_job_on(seed: u64, jobs: usize) -> anyhow::Result<MainJob> {
    let mut scenarios: Vec<Scenario> = crate::scenarios();
    // The puzzle's scenario first; the others keep course order.
    if let Some(at) = scenarios.iter().position(|s| s.name == PUZZLE.0) {
        let puzzle = scenarios.remove(at);
        scenarios.insert(0, puzzle);
    }
    let rubrics = crate::rubrics();
    let mut tables = Vec::new();
    // Every run of every table, in the tables' order: (table, scenario, plan, variant).
    let mut runs = Vec::new();
    for scenario in &scenarios {
        let mut plans: Vec<_> = scenario.plans.clone();
        if scenario.name == PUZZLE.0
            && let Some(at) = plans.iter().position(|p| p.name == PUZZLE.1)
        {
            let puzzle = plans.remove(at);
            plans.insert(0, puzzle);
        }
        let lesson = rubrics
            .iter()
            .find(|r| r.scenario == scenario.name)
            .map(|r| r.lesson);
        for plan in plans {
            let parsed = Plan::parse(plan.text)?;
            for variant in &scenario.variants {
                runs.push((tables.len(), scenario, plan.name, parsed.clone(), variant));
            }
            tables.push(Table {
                scenario: scenario.name,
                lesson,
                about: scenario.about,
                plan: plan.name,
                reports: Vec::new(),
            });
        }
    }
    let reports = try_map_ordered(jobs, &runs, |(_, scenario, name, plan, variant)| {
        (variant.run)(&scenario.builder(variant.name, Some(name), plan.clone(), seed))
    })?;
    for ((table, ..), report) in runs.iter().zip(reports) {
        tables[*table].reports.push(report);
    }
    Ok(MainJob { seed, tables })
}

/// `n word`: a bad verdict's count and its key in words (`3 dropped at shutdown`).
fn counted(n: usize, word: &str) -> String {
    format!("{n} {}", word.replace('_', " "))
}

impl MainJob {
    /// The overview: per scenario and variant, the plans it came through clean and what
    /// went wrong under the others, in the tables' order.
    pub fn overview(&self) -> Vec<OverviewRow> {
        let mut rows: Vec<OverviewRow> = Vec::new();
        // (row, kind, count), in order of first appearance.
        let mut sums: Vec<(usize, String, usize)> = Vec::new();
        for table in &self.tables {
            for r in &table.reports {
                let at = match rows
                    .iter()
                    .position(|row| row.scenario == table.scenario && row.variant == r.variant)
                {
                    Some(at) => at,
                    None => {
                        rows.push(OverviewRow {
                            scenario: table.scenario,
                            variant: r.variant.clone(),
                            clean: 0,
                            plans: 0,
                            wrong: Vec::new(),
                        });
                        rows.len() - 1
                    }
                };
                rows[at].plans += 1;
                rows[at].clean += usize::from(r.is_clean());
                // The one list of bad verdicts, as problems() and is_clean() read it.
                for v in &VERDICTS {
                    let (n, word) = ((v.count)(&r.summary), v.key.to_owned());
                    if n == 0 {
                        continue;
                    }
                    match sums.iter_mut().find(|(row, w, _)| *row == at && *w == word) {
                        Some((_, _, sum)) => *sum += n,
                        None => sums.push((at, word, n)),
                    }
                }
            }
        }
        // Most first; ties in order of first appearance (the sort is stable).
        sums.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)));
        for (at, word, n) in sums {
            rows[at].wrong.push(counted(n, &word));
        }
        rows
    }

    /// The next commands to try, with what each does, one a line.
    pub fn next_commands(&self) -> Vec<(String, &'static str)> {
        let (scenario, plan) = PUZZLE;
        vec![
            (
                format!("cargo run -- run {scenario} --variant unstructured --plan {plan}"),
                "one run in full",
            ),
            ("cargo run -- grade".to_owned(), "the exercises"),
            (
                format!("cargo run -- --html {HTML_PATH}"),
                "these tables as pictures",
            ),
            (
                "cargo run -- list".to_owned(),
                "every scenario, variant and plan",
            ),
        ]
    }

    /// The closing lines: `next:`, then the next commands one a line, each with what it
    /// does.
    pub fn next_steps(&self) -> String {
        let mut out = "next:\n".to_owned();
        for (command, what) in self.next_commands() {
            let _ = writeln!(out, "  {command}  # {what}");
        }
        out
    }

    fn label(&self, i: usize, table: &Table) -> String {
        // `03 gather vs TaskGroup` → `lesson 03 · `: the scenario's own line says the rest.
        let lesson = table
            .lesson
            .and_then(|l| l.split_whitespace().next())
            .map_or_else(String::new, |n| format!("lesson {n} · "));
        let puzzle = if (table.scenario, table.plan) == PUZZLE {
            " — the course's opening puzzle"
        } else {
            ""
        };
        format!(
            "[{}/{}] {lesson}{}: {}{puzzle}",
            i + 1,
            self.tables.len(),
            table.scenario,
            table.about
        )
    }

    /// The legend: every term the tables use and what it means, the meanings wrapped to
    /// [`WIDTH`].
    pub fn legend() -> String {
        let mut out = "legend (times are virtual ms since the run began):\n".to_owned();
        let w = TERMS
            .iter()
            .map(|(t, _)| t.chars().count())
            .max()
            .unwrap_or(0);
        for (term, meaning) in TERMS {
            for (k, line) in wrap(meaning, WIDTH - w - 4).into_iter().enumerate() {
                let term = if k == 0 { term } else { "" };
                let pad = w - term.chars().count();
                let _ = writeln!(out, "  {term}{}  {line}", " ".repeat(pad));
            }
        }
        out
    }

    /// The whole text output: the puzzle's table on the first screen, the legend after
    /// the overview, every line at most [`WIDTH`] columns.
    pub fn text(&self) -> String {
        let mut out = String::new();
        out.push_str(&fit::paragraph(
            &format!(
                "faultline · seed {} · {} tables: every scenario's variants side by side under the \
                 same fault plans, the course's opening puzzle first; the legend follows the overview.",
                self.seed,
                self.tables.len(),
            ),
            WIDTH,
            2,
        ));
        let _ = writeln!(out);
        for (i, table) in self.tables.iter().enumerate() {
            out.push_str(&fit::paragraph(&self.label(i, table), WIDTH, 2));
            let variants: Vec<&str> = table.reports.iter().map(|r| r.variant.as_str()).collect();
            out.push_str(&fit(&side_by_side(&table.reports), &variants, WIDTH));
            out.push('\n');
        }
        let rows = self.overview();
        out.push_str(&fit::paragraph(
            "overview · per scenario and variant: the plans it came through clean, and what \
             went wrong under the others (summed over the plans)",
            WIDTH,
            2,
        ));
        let sw = rows
            .iter()
            .map(|r| r.scenario.len())
            .max()
            .unwrap_or(0)
            .max(8);
        let vw = rows
            .iter()
            .map(|r| r.variant.len())
            .max()
            .unwrap_or(0)
            .max(7);
        let _ = writeln!(
            out,
            "{:sw$}  {:vw$}  {:>5}  what went wrong",
            "scenario", "variant", "clean"
        );
        let indent = sw + vw + 5 + 6;
        let mut last = "";
        for r in &rows {
            let scenario = if r.scenario == last { "" } else { r.scenario };
            last = r.scenario;
            let wrong = if r.wrong.is_empty() {
                "-".to_owned()
            } else {
                r.wrong.join(" · ")
            };
            let clean = format!("{}/{}", r.clean, r.plans);
            for (k, part) in wrap(&wrong, WIDTH - indent).into_iter().enumerate() {
                let line = if k == 0 {
                    format!("{scenario:sw$}  {:vw$}  {clean:>5}  {part}", r.variant)
                } else {
                    format!("{}{part}", " ".repeat(indent))
                };
                let _ = writeln!(out, "{}", line.trim_end());
            }
        }
        out.push_str(&fit::paragraph(CLEAN, WIDTH, 2));
        let _ = writeln!(out);
        out.push_str(&Self::legend());
        let _ = writeln!(out);
        out.push_str(&self.next_steps());
        out
    }

    /// The whole job as one self-contained HTML page: the legend, a stacked timeline per
    /// table, the overview.
    pub fn html(&self) -> String {
        let mut page = HtmlPage::new(&format!(
            "faultline · every scenario's variants side by side · seed {}",
            self.seed
        ));
        page.text(&format!(
            "Each picture is one scenario under one fault plan: its variants' tasks as lanes on one axis of virtual ms, \
             unstructured (what breaks) above structured (the fix). It opens with the course's puzzle: {} when fetches 3 and 4 fail ({}).",
            PUZZLE.0, PUZZLE.1
        ));
        page.legend();
        page.terms("the words in the lanes and tables", &TERMS);
        for (i, table) in self.tables.iter().enumerate() {
            page.heading(&self.label(i, table));
            page.comparison(&table.reports);
        }
        page.heading("overview");
        let rows: Vec<(Vec<String>, bool)> = self
            .overview()
            .into_iter()
            .map(|r| {
                let ok = r.clean == r.plans;
                let wrong = if r.wrong.is_empty() {
                    "nothing".to_owned()
                } else {
                    r.wrong.join(" · ")
                };
                (
                    vec![
                        r.scenario.to_owned(),
                        r.variant,
                        format!("{}/{} clean", r.clean, r.plans),
                        wrong,
                    ],
                    ok,
                )
            })
            .collect();
        page.table(
            "per scenario and variant: the plans it came through clean, and what went wrong under the others (summed over the plans)",
            &["scenario", "variant", "plans clean", "what went wrong"],
            &rows,
        );
        page.text(CLEAN);
        page.pre(&self.next_steps());
        page.finish()
    }
}
