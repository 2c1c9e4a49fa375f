//! faultline:author-only — the scoreboard (`cargo run -- grade`) and its exercism JSON.

use faultline::grade::grade;

#[test]
fn the_reference_solutions_score_full_marks() {
    let board = grade(None, None).unwrap();
    assert!(board.passed(), "{board}");
    assert!(board.next().is_none());
    assert!(
        board.to_string().contains("every exercise passes"),
        "{board}"
    );
}

#[test]
fn json_has_exercisms_shape() {
    for (variant, status) in [(None, "pass"), (Some("unstructured"), "fail")] {
        let board = grade(Some("gather"), variant).unwrap();
        let json: serde_json::Value = serde_json::from_str(&board.to_json()).unwrap();
        assert_eq!(json["version"], 2);
        assert_eq!(json["status"], status, "{json}");
        let tests = json["tests"].as_array().unwrap();
        assert!(!tests.is_empty());
        for t in tests {
            let name = t["name"].as_str().unwrap();
            assert!(name.starts_with("gather: "), "{name}");
            match t["status"].as_str().unwrap() {
                "pass" => assert!(t.get("message").is_none(), "{t}"),
                "fail" => {
                    let msg = t["message"].as_str().unwrap();
                    for part in [
                        "under plan",
                        "- expected",
                        "+ found",
                        "hint:",
                        "next: cargo run",
                    ] {
                        assert!(msg.contains(part), "{part:?} missing from {msg}");
                    }
                }
                other => panic!("status {other}"),
            }
        }
    }
}

#[test]
fn a_failing_variant_is_explained_check_by_check() {
    let board = grade(Some("gather"), Some("unstructured")).unwrap();
    let text = board.to_string();
    assert!(!board.passed());
    for part in [
        "faultline exercises, graded on variant unstructured (not your solution)",
        "  ✗ 03 gather vs TaskGroup  11/16  variant unstructured",
        "0/1 lessons passed",
        "how unstructured fails lesson 03 gather vs TaskGroup:",
        "✗ no-orphans — under plan fetch3-fails",
        "task fetch[1]",
        "+ found     fetch[1]  completed 0→300  OUTLIVED caller by 150 ms",
        "+ found     fetch[1] ended last, at 300 ms: 150 ms over",
    ] {
        assert!(text.contains(part), "{part:?} missing from\n{text}");
    }
    assert!(!text.contains("well done"), "{text}");
}

/// The scoreboard of one exercise graded on `run` (as the learner's solution would be).
fn board_of(scenario: &str, run: faultline::harness::RunFn) -> faultline::grade::Scoreboard {
    let rubric = faultline::rubrics()
        .into_iter()
        .find(|r| r.scenario == scenario)
        .unwrap();
    let grade = rubric
        .grade_with(&faultline::find(scenario).unwrap(), "structured", run)
        .unwrap();
    faultline::grade::Scoreboard {
        lessons: vec![faultline::grade::Lesson {
            lesson: rubric.lesson,
            scenario: rubric.scenario,
            exercise: rubric.exercise,
            grade: Ok(grade),
        }],
        only: None,
        variant: None,
    }
}

/// What an unsolved exercise does: its `todo!()` panics.
fn todo_stub(
    b: &faultline::harness::Builder,
) -> Result<faultline::harness::Report, faultline::harness::Error> {
    b.run(|| async { todo!() as scenario_gather::Gathered })
}

#[test]
fn an_exercise_that_panics_at_its_todo_is_not_started_and_says_where() {
    let board = board_of("gather", todo_stub);
    let text = board.to_string();
    for part in [
        "  ✗ 03 gather vs TaskGroup  not started  scenarios/gather/src/structured.rs",
        "next: lesson 03 gather vs TaskGroup — not started: write the todo!() at \
         tests/scoreboard.rs:",
        "then run `cargo run -- grade gather`",
    ] {
        assert!(text.contains(part), "{part:?} missing from\n{text}");
    }
    // The place named is the todo!() itself.
    let at = text.split("tests/scoreboard.rs:").nth(1).unwrap();
    let line: usize = at.split(':').next().unwrap().parse().unwrap();
    let source = std::fs::read_to_string(file!()).unwrap();
    let named = source.lines().nth(line - 1).unwrap();
    assert!(named.contains("todo!()"), "line {line}: {named}");
    assert!(text.lines().count() < 10, "{text}");
}

#[test]
fn the_next_exercise_shows_its_failed_checks_first_then_the_fast_command() {
    let board = board_of("gather", |b| b.run(scenario_gather::unstructured::caller));
    let text = board.to_string();
    let failing = text
        .find("lesson 03 gather vs TaskGroup — scenarios/gather/src/structured.rs fails these checks:\n✗ ")
        .unwrap_or_else(|| panic!("no failing checks in\n{text}"));
    let check = text
        .find("✗ no-orphans — under plan fetch3-fails")
        .expect("the failing check");
    let next = text
        .find("next: edit scenarios/gather/src/structured.rs, then run `cargo run -- grade gather`")
        .unwrap_or_else(|| panic!("no next line in\n{text}"));
    assert!(
        failing < check && check < next,
        "the checks, then next:\n{text}"
    );
    assert_eq!(text.trim_end().lines().last(), text[next..].lines().next());
    assert!(!text.contains("cargo test --test graded"), "{text}");
}

#[test]
fn a_filtered_board_speaks_of_its_exercise_only() {
    let text = grade(Some("gather"), None).unwrap().to_string();
    assert!(
        text.contains("1/1 lessons passed\ngather passes: well done"),
        "{text}"
    );
    assert!(!text.contains("every exercise"), "{text}");
}

#[test]
fn unknown_names_are_errors_that_list_the_known_ones() {
    let err = grade(Some("nope"), None).unwrap_err().to_string();
    assert!(
        err.contains("unknown exercise \"nope\"") && err.contains("gather"),
        "{err}"
    );
    let err = format!("{:#}", grade(None, Some("nope")).unwrap_err());
    assert!(err.contains("structured"), "{err}");
}

#[test]
fn the_scoreboard_is_byte_stable() {
    let once = || {
        let board = grade(None, Some("unstructured")).unwrap();
        (board.to_string(), board.to_json())
    };
    assert_eq!(once(), once());
}

/// The binary with `args`, without the caller's `RUST_LOG` (which puts the harness's logs
/// on stderr, which these tests read).
fn cli(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn the_cli_exits_non_zero_while_an_exercise_fails_except_with_json() {
    let (ok, out, err) = cli(&["grade", "gather", "--variant", "unstructured"]);
    assert!(
        !ok && out.contains("how unstructured fails") && err.is_empty(),
        "{out}{err}"
    );
    let (ok, out, _) = cli(&["grade", "gather", "--json", "--variant", "unstructured"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(ok, "exercism's runners exit 0 when they ran");
    assert_eq!(json["status"], "fail");
}

/// A wrong solution that panics in every sweep plan that cancels a fetch: the panic is in
/// the failed check, once, with where it happened; nothing on stderr, backtrace or not.
#[test]
fn panics_inside_runs_print_nothing_and_show_once_in_the_check() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["grade", "gather", "--variant", "unwraps-cancelled-siblings"])
        .env("RUST_BACKTRACE", "1")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(stderr.is_empty(), "{stderr}");
    let panic = "called `Option::unwrap()` on a `None` value (at scenarios/gather/src/gallery.rs:";
    // Once in each check that shows it (no-panics, and the differential's result).
    for check in stdout.split("\n✗ ").skip(1) {
        assert!(check.matches(panic).count() <= 1, "{check}");
    }
    assert!(stdout.contains(panic), "{stdout}");
    assert!(
        stdout.contains("✗ no-panics — under plan sweep: fetch[0]=cancel"),
        "{stdout}"
    );
}

#[test]
fn the_cli_grades_prints_json_and_names_the_known_exercises() {
    let (ok, out, _) = cli(&["grade", "--json"]);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["status"], "pass");
    let (ok, out, _) = cli(&["grade"]);
    assert!(ok && out.contains("every exercise passes"), "{out}");
    let (ok, _, err) = cli(&["grade", "nope"]);
    let known = faultline::rubrics()
        .iter()
        .map(|r| r.scenario)
        .collect::<Vec<_>>()
        .join(", ");
    assert!(
        !ok && err.contains(&format!("known exercises: {known}")),
        "{err}"
    );
}

#[test]
fn the_cli_exports_the_learner_edition_and_refuses_to_overwrite() {
    let dir = std::env::temp_dir().join(format!("faultline-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.to_str().unwrap();
    let (ok, out, err) = cli(&["exercises", "export", path]);
    assert!(ok, "{err}");
    assert!(
        out.contains("stubbed scenarios/gather/src/structured.rs"),
        "{out}"
    );
    let stubbed = std::fs::read_to_string(dir.join("scenarios/gather/src/structured.rs")).unwrap();
    assert!(
        stubbed.contains("    // TODO: write this (exercise gather)"),
        "{stubbed}"
    );
    assert!(stubbed.contains(concat!("to", "do!()")), "{stubbed}");
    assert!(
        !stubbed.contains("set.join_next().await"),
        "the solution leaked:\n{stubbed}"
    );
    for gone in [
        "tests/rubric_proof.rs",
        "tests/snapshots.rs",
        "snapshots",
        "target",
    ] {
        assert!(!dir.join(gone).exists(), "{gone} was exported");
    }
    assert!(dir.join("tests/graded.rs").is_file() && dir.join("EXERCISES.md").is_file());
    let (ok, _, err) = cli(&["exercises", "export", path]);
    assert!(!ok && err.contains("is not empty"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
