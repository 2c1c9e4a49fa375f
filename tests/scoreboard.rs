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
fn a_failing_exercise_is_the_next_one_with_its_failures_explained() {
    let board = grade(Some("gather"), Some("unstructured")).unwrap();
    let text = board.to_string();
    assert!(!board.passed());
    for part in [
        "0/1 lessons passed",
        "next: lesson 03 gather vs TaskGroup — edit scenarios/gather/src/structured.rs",
        "cargo test --test graded gather",
        "✗ no-orphans — under plan fetch3-fails",
        "task fetch[1]",
        "+ found     fetch[1]  completed 0→300  OUTLIVED caller by 150 ms",
    ] {
        assert!(text.contains(part), "{part:?} missing from\n{text}");
    }
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

fn cli(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
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
        ".git",
        "target",
    ] {
        assert!(!dir.join(gone).exists(), "{gone} was exported");
    }
    assert!(dir.join("tests/graded.rs").is_file() && dir.join("EXERCISES.md").is_file());
    let (ok, _, err) = cli(&["exercises", "export", path]);
    assert!(!ok && err.contains("is not empty"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
