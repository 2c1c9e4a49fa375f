//! faultline:author-only — the learner edition and the scaffolding, end to end, in
//! temporary copies of the repository built with `cargo` (slow: `#[ignore]`d from the
//! default run; `.ci/run` runs them with `--ignored`).
//!
//! Both build in one shared target dir, `target/end-to-end`, so the dependencies compile
//! once; each build is of the graded test target (or the workspace's tests) only. They
//! take turns (`TURN`), and each writes its sources after the other's build: cargo
//! judges a workspace member fresh by comparing its sources' mtimes (paths relative to the
//! workspace root) with the shared artifact, so sources older than another copy's build
//! would be taken as already built. Before the first build, the dependencies' artifacts
//! already built in this repository's own target dir are copied in ([`seed_dependencies`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, Once};

static TURN: Mutex<()> = Mutex::new(());

/// Waits for the other test's builds to end; the first caller seeds the shared target dir.
fn my_turn() -> MutexGuard<'static, ()> {
    let turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    static SEEDED: Once = Once::new();
    SEEDED.call_once(seed_dependencies);
    turn
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    // Outside the repository: cargo merges every `.cargo/config.toml` from a build's
    // directory up, so a copy inside it would build with this repository's flags added to
    // its own (`--cfg tokio_unstable` twice: other file names for every dependency, and an
    // export that lost its own config would pass unnoticed).
    let dir = std::env::temp_dir()
        .join(format!("faultline-end-to-end-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Removes a copy whose checks passed (one that failed is kept, to look into), and the
/// process's folder of copies once it is empty.
fn remove_scratch(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    if let Some(copies) = dir.parent() {
        let _ = std::fs::remove_dir(copies); // fails while the other copy is there
    }
}

/// The shared target dir of these tests.
fn shared_target() -> PathBuf {
    repo().join("target").join("end-to-end")
}

/// Copies the crates.io dependencies' artifacts (libraries, build scripts' outputs and
/// their fingerprints: the target dir's fingerprint, build and deps folders) from the
/// target dir this test was built in into the shared one, so that the copies' builds
/// compile only the workspace's own crates: the same dependencies,
/// features and flags give the same file names, and cargo takes a dependency whose
/// fingerprint matches as built. This saves building every dependency again (minutes on
/// two cores). The workspace's own crates are never copied: each copy builds its own. A
/// dependency built with other features here, or missing, is simply built there; a file
/// already in the shared dir is left as it is. Copies, not hard links: a build there must
/// never write into this one's files.
fn seed_dependencies() {
    let Some(ours) = Path::new(env!("CARGO_TARGET_TMPDIR")).parent() else {
        return;
    };
    let (from, to) = (ours.join("debug"), shared_target().join("debug"));
    let (packages, crates) = registry_names();
    let mut copied = 0;
    for (dir, names) in [
        (".fingerprint", &packages),
        ("build", &packages),
        ("deps", &crates),
    ] {
        let Ok(entries) = std::fs::read_dir(from.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            // In deps, only libraries (`lib<crate>-<hash>.rlib`), not the workspace's tests.
            let unit = match file.strip_prefix("lib") {
                Some(unit) if dir == "deps" => unit,
                _ if dir == "deps" => continue,
                _ => &file,
            };
            let Some((name, _hash)) = unit.rsplit_once('-') else {
                continue;
            };
            let dest = to.join(dir).join(&file);
            // A copy that fails is a dependency built again there, no more.
            if names.contains(name) && !dest.exists() && copy_tree(&entry.path(), &dest).is_ok() {
                copied += 1;
            }
        }
    }
    eprintln!(
        "end_to_end: {copied} dependency artifacts copied from {}",
        from.display()
    );
}

/// The crates.io packages of the workspace's dependency graph (`cargo metadata`): their
/// package names (the fingerprint and build folders' entries are `<package>-<hash>`) and
/// their crates' names (the deps folder's libraries are `lib<crate>-<hash>.rlib`).
fn registry_names() -> (BTreeSet<String>, BTreeSet<String>) {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(repo())
        .output()
        .expect("cargo metadata runs");
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let (mut packages, mut crates) = (BTreeSet::new(), BTreeSet::new());
    let registry = metadata["packages"].as_array().into_iter().flatten();
    for package in registry.filter(|p| p["source"].is_string()) {
        packages.extend(package["name"].as_str().map(str::to_owned));
        for target in package["targets"].as_array().into_iter().flatten() {
            crates.extend(target["name"].as_str().map(|name| name.replace('-', "_")));
        }
    }
    (packages, crates)
}

/// Copies the file or directory `from` to `to`.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, to)?;
    }
    Ok(())
}

/// `cargo <args>` in `dir`, with the shared target dir; returns (success, stdout + stderr).
fn cargo(dir: &Path, args: &[&str]) -> (bool, String) {
    cargo_with(dir, args, &[])
}

/// `cargo <args>` in `dir` with the environment variables `env` set.
fn cargo_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", shared_target())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_MANIFEST_DIR")
        .envs(env.iter().copied())
        .output()
        .expect("cargo runs");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The most lines the unsolved edition's `grade` may print, stdout and stderr together:
/// the scoreboard and a few lines, not a panic message per run.
const UNSOLVED_GRADE_LINES: usize = 100;

/// Exports the learner edition; it builds without warnings, every exercise's graded test
/// fails there, as not started, and `grade` says so in a few lines (with a backtrace asked
/// for too) and exits non-zero; with the reference solutions put back, every one passes
/// and `grade` exits 0.
#[test]
#[ignore = "slow: builds an exported workspace; .ci/run runs it"]
fn every_exported_exercise_fails_until_its_solution_is_back() {
    let _turn = my_turn();
    let dir = scratch("learner");
    let stubbed = faultline::exercises::export(&repo(), &dir).unwrap();
    let rubrics = faultline::rubrics();
    for rubric in &rubrics {
        assert!(
            stubbed.iter().any(|f| f == Path::new(rubric.exercise)),
            "exercise {} ({}) has no solution region to stub",
            rubric.scenario,
            rubric.exercise
        );
    }
    let (ok, out) = cargo(&dir, &["test", "--offline", "--test", "graded"]);
    assert!(!ok, "the unsolved edition passes:\n{out}");
    assert!(
        !out.contains("warning:"),
        "the unsolved edition builds with warnings:\n{out}"
    );
    for rubric in &rubrics {
        let line = format!("test {} ... FAILED", rubric.scenario);
        assert!(out.contains(&line), "{line:?} missing:\n{out}");
        let todo = format!("not started: write the todo!() at {}:", rubric.exercise);
        assert!(out.contains(&todo), "{todo:?} missing:\n{out}");
    }
    let (ok, out) = cargo(&dir, &["build", "--offline"]);
    assert!(ok, "{out}");
    for backtrace in ["0", "1"] {
        let env = [("RUST_BACKTRACE", backtrace)];
        let (ok, out) = cargo_with(&dir, &["run", "-q", "--offline", "--", "grade"], &env);
        let lines = out.trim_end().lines().count();
        eprintln!("unsolved `grade`, RUST_BACKTRACE={backtrace}: {lines} lines");
        assert!(!ok, "grade exits 0 on the unsolved edition:\n{out}");
        assert!(
            lines < UNSOLVED_GRADE_LINES,
            "grade printed {lines} lines with RUST_BACKTRACE={backtrace}:\n{out}"
        );
        assert!(!out.contains("panicked at"), "{out}");
        let none = format!("0/{} lessons passed", rubrics.len());
        assert!(out.contains(&none), "{out}");
        assert_eq!(
            out.matches("not started").count(),
            rubrics.len() + 1,
            "{out}"
        );
    }
    for file in &stubbed {
        std::fs::copy(repo().join(file), dir.join(file)).unwrap();
    }
    let (ok, out) = cargo(&dir, &["test", "--offline", "--test", "graded"]);
    assert!(ok, "the reference solutions fail in the export:\n{out}");
    for rubric in &rubrics {
        let line = format!("test {} ... ok", rubric.scenario);
        assert!(out.contains(&line), "{line:?} missing:\n{out}");
    }
    let (ok, out) = cargo(&dir, &["run", "-q", "--offline", "--", "grade"]);
    assert!(
        ok && out.contains("every exercise passes"),
        "grade fails on the solved edition:\n{out}"
    );
    remove_scratch(&dir);
}

/// Copies the repository's sources (not `target/`, not `.git`) to `to`.
fn copy_repo(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let name = entry.unwrap().file_name();
        if name != "target" && name != ".git" {
            copy_tree(&from.join(&name), &to.join(&name)).unwrap();
        }
    }
}

/// In a copy of the repository, `cargo run -- new demo` then `cargo test` passes with no
/// other edit.
#[test]
#[ignore = "slow: builds a copy of the workspace; .ci/run runs it"]
fn a_new_scenario_passes_every_test_as_scaffolded() {
    let _turn = my_turn();
    let dir = scratch("new");
    copy_repo(&repo(), &dir);
    let (ok, out) = cargo(&dir, &["run", "-q", "--offline", "--", "new", "demo"]);
    assert!(ok, "cargo run -- new demo failed:\n{out}");
    for file in [
        "snapshots/demo@structured@none.snap",
        "scenarios/demo/src/rubric.rs",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing:\n{out}");
    }
    let (ok, out) = cargo(&dir, &["test", "-q", "--offline"]);
    assert!(ok, "cargo test fails after `new demo`:\n{out}");
    let (ok, out) = cargo(&dir, &["run", "-q", "--offline", "--", "new", "demo"]);
    assert!(!ok && out.contains("already exists"), "{out}");
    remove_scratch(&dir);
}
