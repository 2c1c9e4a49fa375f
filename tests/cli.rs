//! The built binary: bad plans from every source exit non-zero with the parser's message
//! (never a panic); the determinism check passes on the catalogue and fails with a diff
//! when two runs differ; nothing progress-related reaches stdout.

use std::process::{Command, Output};

use faultline::harness::{Builder, Plan, check_determinism, compare_reports};

/// The binary with `args`, in an environment of its own: neither the caller's fault list
/// nor the caller's `RUST_LOG` (`RUST_LOG=debug cargo test` would put logs on stderr that
/// these tests read), then `env`.
fn faultline(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_faultline"));
    cmd.args(args)
        .env_remove("FAULTLINE_FAULTS")
        .env_remove("RUST_LOG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the faultline binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Exits 1 (not 101, a panic) with `message` on stderr and nothing on stdout.
fn assert_rejected(out: &Output, message: &[&str]) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "exit code; stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty(), "stdout: {}", text(&out.stdout));
    for m in message {
        assert!(stderr.contains(m), "stderr lacks {m:?}:\n{stderr}");
    }
}

const PARSER_SAYS: [&str; 4] = [
    "invalid fault plan at column 9: expected an action, found 'e'",
    "  fetch=2*eror(E)\n",
    "          ^\n",
    "hint: actions are error(Kind)",
];

#[test]
fn a_malformed_faults_flag_exits_non_zero_with_the_parsers_message() {
    let out = faultline(&["run", "gather", "--faults", "fetch=2*eror(E)"], &[]);
    assert_rejected(&out, &PARSER_SAYS);
    assert!(text(&out.stderr).starts_with("error: in --faults (or FAULTLINE_FAULTS): "));
}

#[test]
fn a_malformed_environment_variable_exits_non_zero_with_the_parsers_message() {
    let out = faultline(
        &["run", "gather"],
        &[("FAULTLINE_FAULTS", "fetch=2*eror(E)")],
    );
    assert_rejected(&out, &PARSER_SAYS);
}

#[test]
fn a_malformed_plan_file_exits_non_zero_with_the_parsers_message() {
    let dir = std::env::temp_dir().join(format!("faultline-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad_rule = dir.join("bad-rule.toml");
    std::fs::write(&bad_rule, "rules = [\"fetch=2*eror(E)\"]\n").unwrap();
    let out = faultline(
        &["run", "gather", "--plan-file", bad_rule.to_str().unwrap()],
        &[],
    );
    assert_rejected(&out, &PARSER_SAYS);
    assert_rejected(&out, &["in rules[0] of the plan file"]);

    let bad_toml = dir.join("bad.toml");
    std::fs::write(&bad_toml, "rules = [\n").unwrap();
    let out = faultline(
        &["run", "gather", "--plan-file", bad_toml.to_str().unwrap()],
        &[],
    );
    assert_rejected(&out, &["invalid plan file:", "hint: a plan file holds"]);

    let missing = dir.join("missing.toml");
    let out = faultline(
        &["run", "gather", "--plan-file", missing.to_str().unwrap()],
        &[],
    );
    assert_rejected(&out, &["could not read plan file"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_good_plan_file_runs() {
    let path = std::env::temp_dir().join(format!("faultline-good-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        "[[rule]]\npoint = \"fetch\"\nkey = \"3\"\ndo = \"error(ConnectionError)\"\n",
    )
    .unwrap();
    let out = faultline(
        &[
            "run",
            "gather",
            "--variant",
            "structured",
            "--plan-file",
            path.to_str().unwrap(),
        ],
        &[],
    );
    std::fs::remove_file(&path).unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("plan fetch[3]=error(ConnectionError)"),
        "{stdout}"
    );
}

#[test]
fn the_issue_command_works_and_passes_the_determinism_check() {
    let out = faultline(
        &[
            "run",
            "gather",
            "--faults",
            "fetch#3=error(ConnectionError)",
            "--check-determinism",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("gather · plan fetch#3=error(ConnectionError) · seed 0\n")
    );
    // It says, on stderr, that it checked and what.
    assert_eq!(
        text(&out.stderr),
        "determinism checked: 3 variant(s) of gather under plan fetch#3=error(ConnectionError), \
         seed 0, each run twice: the two reports were the same, byte for byte (text and JSON)\n"
    );
}

#[test]
fn a_sweep_prints_only_the_report_on_stdout_and_json_on_request() {
    let out = faultline(&["sweep", "gather", "--check-determinism"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("sweep gather · 25 single-fault plans × 1 seed(s) × 3 variants\n"),
        "{stdout}"
    );
    // Off a terminal: no bar, no escape codes on either stream; plain lines on stderr at
    // every tenth of the runs.
    let stderr = text(&out.stderr);
    for stream in [&stdout, &stderr] {
        assert!(
            !stream.contains("runs (") && !stream.contains('\x1b'),
            "{stream}"
        );
    }
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 11, "{stderr}");
    assert_eq!(lines[0], "sweep gather: 10% (8/75 runs)");
    assert_eq!(lines[9], "sweep gather: 100% (75/75 runs)");
    assert_eq!(
        lines[10],
        "determinism checked: all 75 runs of sweep gather (25 plans × 1 seed(s) × 3 variants), \
         each run twice: every pair of reports was the same, byte for byte (text and JSON)"
    );
    assert!(!stdout.contains("% ("), "progress stays off stdout");
    let out = faultline(&["sweep", "gather", "--pairs", "--format", "json"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is JSON alone");
    assert_eq!(json["singles"], 25);
    assert_eq!(
        json["plans"].as_array().unwrap().len(),
        25 + 250,
        "25 singles + 10 site pairs × 25"
    );
}

/// The check can fail: two runs that differ give an error with a line diff.
#[test]
fn the_determinism_check_fails_with_a_diff_when_runs_differ() {
    let mut seed = 0;
    let err = check_determinism("flaky", || {
        seed += 1;
        let mut b = Builder::new("flaky", "seeded");
        b.seed(seed).plan(Plan::none());
        b.run(|| async {})
    })
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "not deterministic: flaky rendered differently on its second run (text form)"
        ),
        "{msg}"
    );
    assert!(msg.contains("\n--- first run\n+++ second run\n"), "{msg}");
    assert!(
        msg.contains("\n-flaky · seeded · plan none · seed 1\n"),
        "{msg}"
    );
    assert!(
        msg.contains("\n+flaky · seeded · plan none · seed 2\n"),
        "{msg}"
    );

    let one = Builder::new("same", "x").run(|| async {}).unwrap();
    assert!(compare_reports("same", &one, &one.clone()).is_ok());
}

#[test]
fn a_misspelled_fault_point_is_warned_about_on_stderr() {
    let out = faultline(
        &[
            "run",
            "gather",
            "--variant",
            "structured",
            "--faults",
            "fecth[3]=error(X)",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "warning: rule `fecth[3]=error(X)` matched no fault point; points hit: fetch"
        ),
        "{stderr}"
    );
    assert!(text(&out.stdout).contains("WARNING: rule `fecth[3]=error(X)`"));
}

#[test]
fn two_plans_at_once_are_refused_not_one_silently_ignored() {
    let out = faultline(
        &["run", "gather", "--plan", "none"],
        &[("FAULTLINE_FAULTS", "fetch[3]=error(X)")],
    );
    assert_rejected(
        &out,
        &["--plan and --faults (or FAULTLINE_FAULTS) were all given: a run takes one plan"],
    );
}

/// `cargo run` at a glance: the puzzle's table on the first screen, no line wider than a
/// 100-column terminal, the legend after the tables, the next commands one a line.
#[test]
fn the_main_job_shows_its_first_table_on_the_first_screen_within_100_columns() {
    let out = faultline(&[], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        assert!(
            line.chars().count() <= 100,
            "line {} is {} columns wide:\n{line}",
            n + 1,
            line.chars().count()
        );
    }
    let at = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starts with {prefix:?}:\n{stdout}"))
    };
    // The puzzle's label, its plan line, its header and its first task rows by line 12.
    assert!(at("[1/") < 12, "{stdout}");
    assert!(at("fetch[4]") < 20, "{stdout}");
    assert!(at("caller ") < 12, "{stdout}");
    let legend = at("legend (");
    assert!(
        legend > at("overview"),
        "the legend follows the tables and overview"
    );
    let next = at("next:");
    assert_eq!(lines[next], "next:");
    let commands = &lines[next + 1..];
    assert!(commands.len() >= 3, "{stdout}");
    for line in commands {
        assert!(
            line.starts_with("  cargo run"),
            "one command a line: {line:?}"
        );
        assert_eq!(line.matches("cargo run").count(), 1, "{line:?}");
    }
}

/// A misspelled scenario, variant, plan or exercise gets the nearest name offered.
#[test]
fn a_misspelled_name_gets_a_did_you_mean() {
    for (args, says) in [
        (&["run", "gahter"][..], "unknown scenario \"gahter\""),
        (&["sweep", "gathr"][..], "unknown scenario \"gathr\""),
        (
            &["run", "gather", "--variant", "structred"][..],
            "no variant \"structred\"",
        ),
        (
            &["run", "gather", "--plan", "fetch3-fail"][..],
            "no plan \"fetch3-fail\"",
        ),
        (&["grade", "gatherr"][..], "unknown exercise \"gatherr\""),
    ] {
        let out = faultline(args, &[]);
        let meant = if args[0] == "run" && args.len() > 2 {
            if args[2] == "--variant" {
                "did you mean \"structured\"?"
            } else {
                "did you mean \"fetch3-fails\"?"
            }
        } else {
            "did you mean \"gather\"?"
        };
        assert_rejected(&out, &[says, meant]);
    }
    // Nothing near: no guess, the list alone.
    let out = faultline(&["run", "gather", "--variant", "xyzzy"], &[]);
    assert_rejected(&out, &["its variants are: unstructured"]);
    assert!(!text(&out.stderr).contains("did you mean"));
}

/// The wrong solutions (the galleries) are the author's: an unknown variant's error lists
/// the scenario's own variants, never them, so the message a learner sees is the same
/// with or without the author's files.
#[test]
fn an_unknown_variant_lists_no_author_only_names() {
    for rubric in faultline::rubrics() {
        if rubric.gallery.is_empty() {
            continue;
        }
        let out = faultline(&["run", rubric.scenario, "--variant", "xyzzy"], &[]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        for wrong in &rubric.gallery {
            assert!(
                !stderr.contains(wrong.name),
                "{}: the error names the author's {:?}:\n{stderr}",
                rubric.scenario,
                wrong.name
            );
        }
    }
}

/// `RUST_LOG` sends what faultline logs to stderr; stdout stays byte for byte the same.
#[test]
fn rust_log_writes_to_stderr_and_leaves_the_report_alone() {
    let args = [
        "run",
        "gather",
        "--variant",
        "unstructured",
        "--plan",
        "fetch3-and-4-fail",
    ];
    let quiet = faultline(&args, &[]);
    let logged = faultline(&args, &[("RUST_LOG", "faultline=info")]);
    assert!(quiet.status.success() && logged.status.success());
    assert_eq!(text(&quiet.stdout), text(&logged.stdout));
    assert!(quiet.stderr.is_empty(), "{}", text(&quiet.stderr));
    let stderr = text(&logged.stderr);
    assert!(
        stderr.contains("task outlived its owning scope") && stderr.contains("fetch[1]"),
        "{stderr}"
    );
    // A filter that names another target shows nothing of faultline's.
    let other = faultline(&args, &[("RUST_LOG", "hyper=info")]);
    assert!(other.stderr.is_empty(), "{}", text(&other.stderr));
}

/// The outside crate's lock file is current: `cargo build --locked` there would not have
/// to change it (CI builds it so; this checks the resolution alone, in a second).
#[test]
fn the_outside_crates_lock_file_is_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/outside");
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--locked", "--format-version", "1"])
        .current_dir(&dir)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "examples/outside/Cargo.lock is stale: run `cargo update --workspace` there\n{}",
        text(&out.stderr)
    );
}
