//! faultline:author-only — the README's samples are the real output of the reference
//! solutions (the learner edition's differs until its exercises are done).
//!
//! Every sample of output in the README sits between two markers that name the command
//! that prints it (and, optionally, which of its lines):
//!
//! ```text
//! <!-- faultline:sample cargo run -- run gather lines 1-20 -->
//! ```text
//! …the output…
//! ```
//! <!-- faultline:sample end -->
//! ```
//!
//! This test runs each command with the built binary and fails, with a diff, when a
//! sample differs from what the command prints now. `FAULTLINE_UPDATE_README=1 cargo test
//! --test readme` writes the current output into the README instead (read the diff).
//! `lines A-B` keeps lines A to B (from 1); `lines A-` keeps from line A to the first
//! blank line after it.
//!
//! It also checks what the README says about the main job's page (its size) and the
//! example plan file it uses.

use std::path::PathBuf;
use std::process::Command;

use faultline::harness::{Plan, line_diff};

const BEGIN: &str = "<!-- faultline:sample ";
const END: &str = "<!-- faultline:sample end -->";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One sample: the marker's command and line range, and the text between the markers.
#[derive(Debug)]
struct Sample {
    /// The command as the README shows it (`cargo run -- run gather`).
    command: String,
    /// The arguments after `cargo run --`.
    args: Vec<String>,
    /// Lines `from` (1-based) to `to` (inclusive); `None`: to the first blank line.
    lines: Option<(usize, Option<usize>)>,
    /// Byte range of the text between the markers.
    body: std::ops::Range<usize>,
}

fn samples(readme: &str) -> Vec<Sample> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(start) = readme[at..].find(BEGIN).map(|i| i + at) {
        let line_end = start + readme[start..].find('\n').expect("a marker line ends");
        let spec = readme[start + BEGIN.len()..line_end]
            .trim()
            .strip_suffix("-->")
            .unwrap_or_else(|| {
                panic!(
                    "a sample marker ends with -->: {}",
                    &readme[start..line_end]
                )
            })
            .trim();
        let end = line_end
            + readme[line_end..]
                .find(END)
                .unwrap_or_else(|| panic!("the sample `{spec}` has no `{END}`"));
        let (command, lines) = match spec.split_once(" lines ") {
            Some((command, range)) => {
                let (from, to) = range.split_once('-').expect("lines A-B or A-");
                let to = (!to.is_empty()).then(|| to.parse().expect("a line number"));
                (command, Some((from.parse().expect("a line number"), to)))
            }
            None => (spec, None),
        };
        let args = command
            .strip_prefix("cargo run")
            .unwrap_or_else(|| panic!("a sample's command is a `cargo run`: {command}"))
            .trim()
            .trim_start_matches("--")
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        found.push(Sample {
            command: command.to_owned(),
            args,
            lines,
            body: line_end + 1..end,
        });
        at = end + END.len();
    }
    found
}

/// What the sample's command prints now, cut to its lines, as the README block holds it.
fn current(sample: &Sample) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(&sample.args)
        .current_dir(root())
        .env_remove("FAULTLINE_FAULTS")
        .env_remove("RUST_LOG")
        .output()
        .expect("the faultline binary runs");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    assert!(
        out.status.success() || sample.args.first().is_some_and(|a| a == "grade"),
        "`{}` failed:\n{}",
        sample.command,
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    let kept: Vec<&str> = match sample.lines {
        None => lines,
        Some((from, to)) => {
            let from = from.max(1) - 1;
            let to = to.unwrap_or_else(|| {
                lines[from..]
                    .iter()
                    .position(|l| l.trim().is_empty())
                    .map_or(lines.len(), |n| from + n)
            });
            lines[from.min(lines.len())..to.min(lines.len())].to_vec()
        }
    };
    format!("```text\n{}\n```\n", kept.join("\n"))
}

/// The samples of `readme` that differ from their command's output now, each with a
/// diff, and the README with every sample current.
fn check(readme: &str) -> (Vec<String>, String) {
    let samples = samples(readme);
    assert!(samples.len() >= 2, "the README's samples carry markers");
    let mut updated = readme.to_owned();
    let mut stale = Vec::new();
    // Back to front, so that the ranges still apply while the text is rewritten.
    for sample in samples.iter().rev() {
        let now = current(sample);
        let shown = &readme[sample.body.clone()];
        if shown != now {
            stale.push(format!(
                "`{}`: the README shows\n{}",
                sample.command,
                line_diff(shown, &now)
            ));
            updated.replace_range(sample.body.clone(), &now);
        }
    }
    stale.reverse();
    (stale, updated)
}

#[test]
fn every_sample_in_the_readme_is_what_its_command_prints() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (stale, updated) = check(&readme);
    if std::env::var_os("FAULTLINE_UPDATE_README").is_some() {
        if updated != readme {
            std::fs::write(&path, updated).unwrap();
        }
        return;
    }
    assert!(
        stale.is_empty(),
        "README samples are stale (run `FAULTLINE_UPDATE_README=1 cargo test --test readme` \
         and read the diff):\n{}",
        stale.join("\n")
    );
}

/// The check can fail: a sample with one word changed is caught, with a diff, and the
/// update puts the real output back.
#[test]
fn a_changed_sample_is_caught() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let first = &samples(&readme)[0];
    let at = first.body.start + readme[first.body.clone()].find("completed").unwrap();
    let mut tampered = readme.clone();
    tampered.replace_range(at..at + "completed".len(), "compleeted");
    let (stale, updated) = check(&tampered);
    assert_eq!(stale.len(), 1, "{stale:#?}");
    assert!(stale[0].contains("compleeted"), "{}", stale[0]);
    assert_eq!(check(&updated).0, Vec::<String>::new());
}

/// The example plan file the README uses parses, and gives the verdicts of the named plan
/// it says it equals.
#[test]
fn the_example_plan_file_parses_and_runs() {
    let text = std::fs::read_to_string(root().join("plans/example.toml")).unwrap();
    let plan = Plan::from_toml(&text).expect("plans/example.toml parses");
    let scenario = faultline::find("gather").unwrap();
    let named = scenario.find_plan("fetch3-and-4-fail").unwrap();
    assert_eq!(plan.to_string(), named.to_string());
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("--plan-file plans/example.toml"));
    let from_file = scenario.run_all(None, &plan, 0).unwrap();
    let from_name = scenario.run_all(None, &named, 0).unwrap();
    assert_eq!(from_file, from_name);
    assert!(!from_file[0].is_clean(), "the puzzle's plan finds orphans");
}

/// What the README says of the main job's page: its size, to the nearest MB above.
#[test]
fn the_readme_states_the_main_jobs_page_size() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let page = faultline::main_job::main_job(0).unwrap().html();
    let mb = page.len().div_ceil(1 << 20);
    let claim = format!("under {mb} MB");
    assert!(
        readme.contains(&claim),
        "the main job's page is {} KB: the README should say {claim:?}",
        page.len() / 1024
    );
}
