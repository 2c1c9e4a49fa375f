//! The CLI's commands, in the library so that tests (and the fuzzer) can call them in-process.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::harness::{
    Plan, Report, SweepOptions, check_determinism as twice, comparison_html, default_actions,
    default_jobs, report_html, side_by_side, sweep_html, sweep_with,
};
use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Concurrency fault injection for async Rust on tokio: see what your tasks really did.
#[derive(Parser)]
#[command(name = "faultline", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Seed for tokio's scheduler RNG (with no subcommand: the comparison's seed).
    #[arg(long, default_value_t = 0, global = true)]
    seed: u64,
    /// Write the HTML report (timelines, verdicts, a sweep's heat map) to PATH instead of
    /// printing the text, and print the path: the main job, `run` and `sweep`.
    #[arg(long, value_name = "PATH", global = true)]
    html: Option<PathBuf>,
    /// Runs at once (the main job, `sweep`, `grade`): default, the machine's available
    /// parallelism. The output is the same byte for byte whatever the number.
    #[arg(long, value_name = "N", global = true, value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

#[derive(Subcommand)]
enum Command {
    /// Print every scenario's variants side by side under each of its plans (the default).
    Compare {
        /// Output format (`html`: one self-contained page of pictures).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run one scenario (one variant, or all of them side by side) under one plan.
    Run {
        /// The scenario, e.g. `gather`.
        scenario: String,
        /// The variant; all of them, side by side, when omitted.
        #[arg(long)]
        variant: Option<String>,
        /// One of the scenario's named plans (see `list`); give one of --plan, --plan-file, --faults.
        #[arg(long)]
        plan: Option<String>,
        /// A TOML plan file (see the README).
        #[arg(long, value_name = "PATH")]
        plan_file: Option<PathBuf>,
        /// A plan in text form, e.g. 'fetch#3=error(ConnectionError)'; also read from FAULTLINE_FAULTS.
        #[arg(long, env = "FAULTLINE_FAULTS")]
        faults: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Run every variant twice; fail with a diff if the two reports differ.
        #[arg(long)]
        check_determinism: bool,
    },
    /// Run every variant under every single-fault plan a baseline run makes possible.
    Sweep {
        /// The scenario, e.g. `gather`.
        scenario: String,
        /// How many seeds to run each plan with (seeds 0..N).
        #[arg(long, default_value_t = 1)]
        seeds: u64,
        /// Also pairs of single faults at two different sites: all but those whose run is
        /// a single's (pruned), up to --max-pairs (a seeded sample beyond).
        #[arg(long)]
        pairs: bool,
        /// With --pairs: pairs run at most; more are sampled with --sample-seed.
        #[arg(long, value_name = "N", default_value_t = faultline_harness::DEFAULT_MAX_PAIRS)]
        max_pairs: usize,
        /// With --pairs: the seed of the sample of pairs.
        #[arg(long, value_name = "SEED", default_value_t = 0)]
        sample_seed: u64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Run every case twice; fail on the first difference, with a diff.
        #[arg(long)]
        check_determinism: bool,
    },
    /// List the scenarios, their variants and their plans.
    List,
    /// The learner edition: export it, or list the exercises.
    Exercises {
        #[command(subcommand)]
        action: ExercisesAction,
    },
    /// Scaffold a scenario crate that compiles and passes as it stands, register it, and
    /// write its snapshots.
    New {
        /// The scenario's name, e.g. `streams`.
        name: String,
        /// The repository to add it to (default: this one).
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Grade the exercises in-process: progress per lesson and what to do next.
    Grade {
        /// Grade only this exercise (a scenario's name, e.g. `gather`).
        exercise: Option<String>,
        /// Print exercism-shaped JSON (`status`, `tests`: name, status, message).
        #[arg(long)]
        json: bool,
        /// Grade this variant instead of the exercise (e.g. `unstructured`: see it fail).
        #[arg(long)]
        variant: Option<String>,
    },
}

#[derive(Subcommand)]
enum ExercisesAction {
    /// Write a learner workspace: the sources with every solution region stubbed.
    Export {
        /// Where to write it (a new or empty directory).
        dir: PathBuf,
        /// The repository to export (default: this one).
        #[arg(long)]
        from: Option<PathBuf>,
    },
    /// List the exercises: lesson, file, hints.
    List,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    /// One self-contained HTML page: SVG timelines, verdicts, errors (a sweep: a heat map).
    Html,
}

/// What a command prints on stdout, and whether it succeeded (the process's exit status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    /// The text for stdout.
    pub text: String,
    /// False when the command ran but its verdict is a failure: `grade` with an exercise
    /// failing, as `cargo test` exits non-zero with a test failing.
    pub success: bool,
}

impl From<String> for Printed {
    fn from(text: String) -> Self {
        Printed {
            text,
            success: true,
        }
    }
}

/// Runs one command and returns what it prints. With `--html PATH`, writes the command's
/// HTML form there and returns a line naming the path.
pub fn run(mut cli: Cli) -> anyhow::Result<Printed> {
    let command = cli.command.take().unwrap_or(Command::Compare {
        format: Format::Text,
    });
    let jobs = cli.jobs.map_or_else(default_jobs, usize::from);
    let Some(path) = cli.html.take() else {
        return command_output(command, cli.seed, jobs);
    };
    let command = match command {
        Command::Compare { format } => Command::Compare {
            format: html_format(format)?,
        },
        Command::Run {
            scenario,
            variant,
            plan,
            plan_file,
            faults,
            format,
            check_determinism,
        } => Command::Run {
            scenario,
            variant,
            plan,
            plan_file,
            faults,
            format: html_format(format)?,
            check_determinism,
        },
        Command::Sweep {
            scenario,
            seeds,
            pairs,
            max_pairs,
            sample_seed,
            format,
            check_determinism,
        } => Command::Sweep {
            scenario,
            seeds,
            pairs,
            max_pairs,
            sample_seed,
            format: html_format(format)?,
            check_determinism,
        },
        _ => bail!("--html works with the main job (no command, or `compare`), `run` and `sweep`"),
    };
    let page = command_output(command, cli.seed, jobs)?.text;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    std::fs::write(&path, &page).with_context(|| format!("could not write {}", path.display()))?;
    Ok(Printed::from(format!(
        "wrote {} ({} KB): open it in a browser\n",
        path.display(),
        page.len().div_ceil(1024)
    )))
}

/// `--html` writes HTML: a `--format` other than text (the default) or html is a mistake.
fn html_format(format: Format) -> anyhow::Result<Format> {
    match format {
        Format::Text | Format::Html => Ok(Format::Html),
        Format::Json => bail!("--html writes HTML; drop --format json (or drop --html)"),
    }
}

fn command_output(command: Command, seed: u64, jobs: usize) -> anyhow::Result<Printed> {
    let text = match command {
        Command::Compare { format } => {
            let job = crate::main_job::main_job_on(seed, jobs)?;
            match format {
                Format::Text => Ok(job.text()),
                Format::Html => Ok(job.html()),
                Format::Json => {
                    let all: Vec<&Report> = job.tables.iter().flat_map(|t| &t.reports).collect();
                    Ok(serde_json::to_string_pretty(&all)? + "\n")
                }
            }
        }
        Command::List => Ok(list()),
        Command::Exercises { action } => exercises(action),
        Command::New { name, root } => new(&root.unwrap_or_else(repo_root), &name),
        Command::Grade {
            exercise,
            json,
            variant,
        } => {
            let board = crate::grade::grade_on(exercise.as_deref(), variant.as_deref(), jobs)?;
            // exercism's test runners exit 0 whenever they ran: `status` says pass or fail.
            return Ok(if json {
                Printed::from(board.to_json())
            } else {
                Printed {
                    text: board.to_string(),
                    success: board.passed(),
                }
            });
        }
        Command::Sweep {
            scenario,
            seeds,
            pairs,
            max_pairs,
            sample_seed,
            format,
            check_determinism,
        } => {
            let scenario = crate::find(&scenario)?;
            let options = SweepOptions {
                actions: default_actions(),
                seeds: (0..seeds.max(1)).collect(),
                pairs,
                max_pairs,
                sample_seed,
                check_determinism,
                jobs,
            };
            // On stderr, so stdout (and every snapshot of it) holds the report alone: a bar
            // on a terminal; elsewhere (a CI log) a plain line at every tenth of the runs.
            let terminal = std::io::stderr().is_terminal();
            let bar = ProgressBar::hidden().with_style(
                ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} runs ({eta})")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            bar.set_prefix(format!("sweep {}", scenario.name));
            let report = sweep_with(&scenario, &options, |done, total| {
                // `done` counts across the workers; the total grows once the pairs are chosen.
                if !terminal {
                    if done * 10 / total > (done - 1) * 10 / total {
                        let name = scenario.name;
                        eprintln!(
                            "sweep {name}: {}% ({done}/{total} runs)",
                            done * 100 / total
                        );
                    }
                    return;
                }
                if done == 1 {
                    // The total is known from the first case on: draw from then.
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                }
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            });
            bar.finish_and_clear();
            let report = report?;
            if check_determinism {
                let runs: usize = report.variants.iter().map(|v| v.runs).sum();
                eprintln!(
                    "determinism checked: all {runs} runs of sweep {} ({} plans × {} seed(s) × {} \
                     variants), each run twice: every pair of reports was the same, byte for \
                     byte (text and JSON)",
                    report.scenario,
                    report.plans.len(),
                    report.seeds.len(),
                    report.variants.len()
                );
            }
            Ok(match format {
                Format::Json => serde_json::to_string_pretty(&report)? + "\n",
                Format::Text => report.to_string(),
                Format::Html => sweep_html(&report),
            })
        }
        Command::Run {
            scenario,
            variant,
            plan,
            plan_file,
            faults,
            format,
            check_determinism,
        } => {
            let scenario = crate::find(&scenario)?;
            let given = [
                plan.as_ref().map(|_| "--plan"),
                plan_file.as_ref().map(|_| "--plan-file"),
                faults.as_ref().map(|_| "--faults (or FAULTLINE_FAULTS)"),
            ];
            let given: Vec<&str> = given.into_iter().flatten().collect();
            if given.len() > 1 {
                bail!(
                    "{} were all given: a run takes one plan; keep one of them (unset \
                     FAULTLINE_FAULTS if it came from the environment)",
                    given.join(" and ")
                );
            }
            let (plan_name, plan) = match (plan, plan_file, faults) {
                (Some(name), _, _) => {
                    let plan = crate::find_plan(&scenario, &name)?;
                    (Some(name), plan)
                }
                (None, Some(path), _) => {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("could not read plan file {}", path.display()))?;
                    let plan =
                        Plan::from_toml(&text).with_context(|| path.display().to_string())?;
                    (None, plan)
                }
                (None, None, Some(text)) => (
                    None,
                    Plan::parse(&text).context("in --faults (or FAULTLINE_FAULTS)")?,
                ),
                (None, None, None) => {
                    let Some(first) = scenario.plans.first() else {
                        bail!("scenario {} has no plans", scenario.name)
                    };
                    (Some(first.name.to_owned()), Plan::parse(first.text)?)
                }
            };
            let variants = match variant {
                Some(v) => vec![crate::find_variant(&scenario, &v)?],
                None => scenario.variants.clone(),
            };
            let mut reports: Vec<Report> = Vec::new();
            let checked = variants.len();
            for v in variants {
                let builder = scenario.builder(v.name, plan_name.as_deref(), plan.clone(), seed);
                reports.push(if check_determinism {
                    let label = format!("{} / {} / {plan} / seed {}", scenario.name, v.name, seed);
                    twice(&label, || (v.run)(&builder))?
                } else {
                    (v.run)(&builder)?
                });
            }
            if check_determinism {
                // On stderr, so stdout holds the report alone: a sign the check ran.
                let plan = plan_name
                    .as_deref()
                    .map_or_else(|| plan.to_string(), str::to_owned);
                eprintln!(
                    "determinism checked: {checked} variant(s) of {} under plan {plan}, seed \
                     {seed}, each run twice: the two reports were the same, byte for byte (text \
                     and JSON)",
                    scenario.name
                );
            }
            // A plan that never fired tested nothing: say so where a person will see it.
            if let Some(first) = reports.first() {
                for warning in first.plan_warnings() {
                    eprintln!("warning: {warning}");
                }
            }
            Ok(match (format, reports.as_slice()) {
                (Format::Json, [one]) => one.to_json() + "\n",
                (Format::Json, many) => serde_json::to_string_pretty(many)? + "\n",
                (Format::Text, [one]) => one.to_string(),
                (Format::Text, many) => {
                    let variants: Vec<&str> = many.iter().map(|r| r.variant.as_str()).collect();
                    crate::main_job::fit(&side_by_side(many), &variants, crate::main_job::WIDTH)
                }
                (Format::Html, [one]) => report_html(one),
                (Format::Html, many) => comparison_html(many),
            })
        }
    };
    text.map(Printed::from)
}

/// This repository's root (where `cargo run` was built from).
fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn exercises(action: ExercisesAction) -> anyhow::Result<String> {
    match action {
        ExercisesAction::Export { dir, from } => {
            let from = from.unwrap_or_else(repo_root);
            let stubbed = crate::exercises::export(&from, &dir)?;
            let mut out = format!("wrote the learner edition to {}\n", dir.display());
            for file in &stubbed {
                out.push_str(&format!("  stubbed {}\n", file.display()));
            }
            match crate::exercises::commit(&dir)? {
                Some(note) => out.push_str(&format!("note: {note}\n")),
                None => {
                    out.push_str("  a git repository with one commit: `git diff` shows your work\n")
                }
            }
            out.push_str(&format!(
                "next: cd {} && cargo run -- grade\n",
                dir.display()
            ));
            Ok(out)
        }
        ExercisesAction::List => {
            let mut out = String::new();
            for r in crate::rubrics() {
                out.push_str(&format!(
                    "{} — lesson {}: {} (variant {})\n",
                    r.scenario, r.lesson, r.exercise, r.reference
                ));
                for (id, hint) in &r.hints {
                    out.push_str(&format!("  hint {id}: {hint}\n"));
                }
            }
            Ok(out)
        }
    }
}

fn new(root: &std::path::Path, name: &str) -> anyhow::Result<String> {
    let done = crate::scaffold::scaffold(root, name)?;
    let mut out = String::new();
    for file in &done.created {
        out.push_str(&format!("  created {}\n", file.display()));
    }
    for file in &done.changed {
        out.push_str(&format!("  changed {}\n", file.display()));
    }
    eprintln!("{out}writing its snapshots (cargo test --test snapshots)…");
    crate::scaffold::write_snapshots(root)?;
    Ok(format!(
        "{out}  wrote snapshots/{name}@*.snap (and compare-all.snap)\n\
         next: fill in the doc in scenarios/{name}/src/lib.rs, write the real variants, plans \
         and rubric, then `INSTA_UPDATE=always cargo test --test snapshots` and read every \
         snapshot (see CONTRIBUTING.md, \"Adding a scenario\")\n"
    ))
}

fn list() -> String {
    let mut out = String::new();
    for s in crate::scenarios() {
        out.push_str(&format!("{} — {}\n  variants:", s.name, s.about));
        for v in &s.variants {
            out.push_str(&format!(" {}", v.name));
        }
        out.push_str("\n  plans:\n");
        for p in &s.plans {
            out.push_str(&format!("    {:<20} {}\n", p.name, p.text));
        }
    }
    out
}
