//! Authoring: `cargo run -- new <name>` scaffolds a scenario crate that compiles and passes
//! as it stands — both variants, the doc skeleton, plans, a rubric with a solution region —
//! registers it in the root `Cargo.toml` and `src/lib.rs`, and writes its snapshots.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// What `new` wrote and changed, relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaffolded {
    /// Files created.
    pub created: Vec<PathBuf>,
    /// Files edited to register the scenario.
    pub changed: Vec<PathBuf>,
}

/// Checks that `name` can name a scenario: lowercase ASCII letters, digits and `-`,
/// starting with a letter, and not taken.
pub fn check_name(root: &Path, name: &str) -> anyhow::Result<()> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-');
    if !valid {
        bail!(
            "invalid scenario name {name:?}: use lowercase letters, digits and '-', starting with a letter (e.g. `streams`)"
        );
    }
    let known: Vec<&str> = crate::scenarios().iter().map(|s| s.name).collect();
    if known.contains(&name) || root.join("scenarios").join(name).exists() {
        bail!(
            "scenario {name:?} already exists; the scenarios are: {}",
            known.join(", ")
        );
    }
    Ok(())
}

/// Writes the crate `scenarios/<name>/` and registers it; does not write snapshots (see
/// [`write_snapshots`]). Every edit is computed before anything is written.
pub fn scaffold(root: &Path, name: &str) -> anyhow::Result<Scaffolded> {
    check_name(root, name)?;
    let ident = name.replace('-', "_");
    let fill = |t: &str| {
        t.replace("__NAME__", name)
            .replace("__IDENT__", &ident)
            .replace("__BEGIN__", "// faultline:solution begin")
            .replace("__END__", "// faultline:solution end")
            .replace("__AUTHOR_BEGIN__", "// faultline:author-only begin")
            .replace("__AUTHOR_END__", "// faultline:author-only end")
    };
    let dir = PathBuf::from("scenarios").join(name);
    let files: Vec<(PathBuf, String)> = [
        ("Cargo.toml", CARGO_TOML),
        ("src/lib.rs", LIB_RS),
        ("src/unstructured.rs", UNSTRUCTURED_RS),
        ("src/structured.rs", STRUCTURED_RS),
        ("src/rubric.rs", RUBRIC_RS),
        ("src/gallery.rs", GALLERY_RS),
        ("src/right.rs", RIGHT_RS),
    ]
    .into_iter()
    .map(|(rel, t)| (dir.join(rel), fill(t)))
    .chain([(dir.join("reference.txt"), reference_txt())])
    .collect();

    let manifest = read(&root.join("Cargo.toml"))?;
    let manifest = insert_after_last(
        &manifest,
        "[workspace.dependencies]",
        "scenario-",
        &format!("scenario-{name} = {{ path = \"scenarios/{name}\" }}"),
    )?;
    let manifest = insert_after_last(
        &manifest,
        "[dependencies]",
        "scenario-",
        &format!("scenario-{name}.workspace = true"),
    )?;
    let lib = read(&root.join("src/lib.rs"))?;
    let lib = push_to_vec(
        &lib,
        "pub fn scenarios() -> Vec<Scenario>",
        &format!("scenario_{ident}::scenario()"),
    )?;
    let lib = push_to_vec(
        &lib,
        "pub fn rubrics() -> Vec<Rubric>",
        &format!("scenario_{ident}::rubric()"),
    )?;

    for (rel, text) in &files {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("files are in a directory"))?;
        write(&path, text)?;
    }
    write(&root.join("Cargo.toml"), &manifest)?;
    write(&root.join("src/lib.rs"), &lib)?;
    Ok(Scaffolded {
        created: files.into_iter().map(|(p, _)| p).collect(),
        changed: vec!["Cargo.toml".into(), "src/lib.rs".into()],
    })
}

/// Formats the workspace (best effort) and writes the snapshots the new scenario adds (and
/// `compare-all`, which now includes it) by running the snapshot tests with
/// `INSTA_UPDATE=always`.
pub fn write_snapshots(root: &Path) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let _ = Command::new(&cargo)
        .args(["fmt", "--all"])
        .current_dir(root)
        .status();
    let status = Command::new(&cargo)
        .args(["test", "-q", "--test", "snapshots"])
        .current_dir(root)
        .env("INSTA_UPDATE", "always")
        .env("INSTA_FORCE_PASS", "1")
        .env_remove("CI")
        .status()
        .with_context(|| format!("running {cargo} test --test snapshots"))?;
    if !status.success() {
        bail!(
            "writing the snapshots failed: run `INSTA_UPDATE=always cargo test --test snapshots` and read the error"
        );
    }
    Ok(())
}

/// Inserts `line` after the last line starting with `prefix` in the TOML section `section`.
fn insert_after_last(
    text: &str,
    section: &str,
    prefix: &str,
    line: &str,
) -> anyhow::Result<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == section)
        .with_context(|| format!("Cargo.toml has no {section} section"))?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.starts_with('['))
        .map_or(lines.len(), |p| start + 1 + p);
    let at = (start + 1..end)
        .rev()
        .find(|&i| lines[i].starts_with(prefix))
        .with_context(|| format!("Cargo.toml's {section} lists no `{prefix}…` line to follow"))?;
    let mut out: Vec<&str> = lines[..=at].to_vec();
    out.push(line);
    out.extend(&lines[at + 1..]);
    Ok(out.join("\n") + "\n")
}

/// Appends `item` to the `vec![..]` in the function whose signature starts with `sig`.
fn push_to_vec(text: &str, sig: &str, item: &str) -> anyhow::Result<String> {
    let missing = || format!("src/lib.rs has no `{sig} {{ vec![..] }}` to register in");
    let at = text.find(sig).with_context(missing)?;
    let open = at + text[at..].find("vec![").with_context(missing)? + "vec![".len();
    let close = open + text[open..].find(']').with_context(missing)?;
    let items = text[open..close].trim().trim_end_matches(',');
    let list = if items.is_empty() {
        item.to_owned()
    } else {
        format!("{items}, {item}")
    };
    Ok(format!("{}{list}{}", &text[..open], &text[close..]))
}

fn read(path: &Path) -> anyhow::Result<String> {
    fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

const CARGO_TOML: &str = r#"[package]
name = "scenario-__NAME__"
version = "0.1.0"
description = "(author: the lesson, in one line)"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
publish = false

[lints]
workspace = true

[dependencies]
faultline-harness.workspace = true
tokio.workspace = true
"#;

const LIB_RS: &str = r#"//! # __NAME__: (author: the pattern, in a few words)
//!
//! (author: the pattern; what goes wrong under which fault; the fix; the Python counterpart
//! from the course; where the course's prose does not carry over to Rust. Say what the
//! snapshots in `snapshots/__NAME__@*.snap` show.)
//!
//! As scaffolded: two workers take 100 and 200 ms, then pass the fault point `work[i]`.
//! `unstructured` awaits the first and detaches the second; `structured` keeps both in a
//! `JoinSet`, returns every result, or the first error (dropping the set aborts the rest).

use std::time::Duration;

use faultline_harness::{Failure, Scenario, point};

pub use rubric::rubric;

__AUTHOR_BEGIN__
pub mod gallery;
pub mod right;
__AUTHOR_END__
mod rubric;
pub mod structured;
pub mod unstructured;

/// What the body returns: every worker's result in order, or the error it surfaces.
pub type Output = Result<Vec<String>, Failure>;

/// How many workers run.
pub const WORKERS: usize = 2;

/// One worker: waits `100 * (i + 1)` ms, then passes the fault point `work[i]`.
pub async fn work(i: usize) -> Result<String, Failure> {
    tokio::time::sleep(Duration::from_millis(100 * (i as u64 + 1))).await;
    point("work").key(i).await?;
    Ok(format!("result {i}"))
}

/// The scenario: its variants and the plans they are compared under.
pub fn scenario() -> Scenario {
    Scenario::new("__NAME__", "(author: what it shows, in one line)")
        .variant("unstructured", |b| b.run(unstructured::body))
        .variant("structured", |b| b.run(structured::body))
        .plan("none", "none")
        .plan("work1-fails", "work[1]=error(WorkError)")
        .plan("body-cancelled", "@50ms cancel(body)")
}
"#;

const UNSTRUCTURED_RS: &str = r#"//! (author: the pattern that breaks.)

use faultline_harness::{Failure, spawn};

use crate::{Output, work};

/// Spawns the workers, awaits the first and detaches the rest: they outlive the body and
/// their errors are never looked at.
pub async fn body() -> Output {
    let first = spawn(("work", 0), work(0));
    drop(spawn(("work", 1), work(1)));
    Ok(vec![first.await.map_err(Failure::from)??])
}
"#;

const STRUCTURED_RS: &str = r#"//! (author: the fix.)

use faultline_harness::{Failure, spawn_in};
use tokio::task::JoinSet;

use crate::{Output, WORKERS, work};

/// Spawns the workers into a `JoinSet` and waits for every one; the first error is
/// returned, and dropping the set aborts the others.
pub async fn body() -> Output {
    __BEGIN__ __NAME__-joinset
    let mut set = JoinSet::new();
    for i in 0..WORKERS {
        spawn_in(&mut set, ("work", i), async move { work(i).await.map(|r| (i, r)) });
    }
    let mut results = vec![String::new(); WORKERS];
    while let Some(joined) = set.join_next().await {
        let (i, result) = joined.map_err(Failure::from)??;
        results[i] = result;
    }
    Ok(results)
    __END__
}
"#;

/// The reference's observations under the rubric's plans (`reference.txt`), as
/// `FAULTLINE_UPDATE_REFERENCE=1 cargo test --test rubric_proof recorded_observations`
/// records them for the scaffolded reference (the harness's own rendering, header and
/// all); the scaffolding's end-to-end test proves them current.
fn reference_txt() -> String {
    let mut observed = faultline_harness::Observed::default();
    for (plan, result) in [
        ("body-cancelled", "cancelled"),
        ("none", "Ok([\"result 0\", \"result 1\"])"),
        ("work1-fails", "Err(WorkError: injected at work[1])"),
    ] {
        observed.insert(plan, "result", result.to_owned());
    }
    observed.render()
}

const RUBRIC_RS: &str = r#"//! The rubric: what a correct `structured::body` does under every plan.

use faultline_harness::{Aspect, Check, Miss, Observation, Rubric};

use crate::{Output, WORKERS};

/// The rubric: the reference is `structured`; `unstructured` and a stub fail it.
pub fn rubric() -> Rubric {
    Rubric::new(
        "__NAME__",
        "NN __NAME__ (author: the lesson)",
        "scenarios/__NAME__/src/structured.rs",
    )
    .stub(|b| b.run(|| async { Output::Ok(Vec::new()) }))
    .hint(
        "__NAME__-joinset",
        "spawn every worker into a JoinSet with spawn_in; join_next() each, keep its result \
         at its index, and return the first error (dropping the set aborts the rest)",
    )
    .check(
        Check::new(
            "returns-every-result",
            Aspect::Functional,
            "with no fault every worker succeeds: return every result, in order",
            |r| {
                let all: Vec<String> = (0..WORKERS).map(|i| format!("result {i}")).collect();
                let want = format!("{:?}", Output::Ok(all));
                if r.result == want {
                    Ok(())
                } else {
                    Err(Miss::run(want, r.result.clone()))
                }
            },
        )
        .only(&["none"]),
    )
    .check(
        Check::new(
            "surfaces-the-error",
            Aspect::Functional,
            "a failed worker is the body's failure: return its error",
            |r| {
                if r.result.starts_with("Err(") && r.result.contains("WorkError") {
                    Ok(())
                } else {
                    Err(Miss::run("Err(WorkError: injected at work[1])", r.result.clone()))
                }
            },
        )
        .only(&["work1-fails"]),
    )
    .check(Check::within(
        "done-within-budget",
        "when the body is cancelled its workers must stop too",
        &[("none", 200), ("work1-fails", 200), ("body-cancelled", 50)],
    ))
    .checks(Check::lifecycle())
    // What every correct solution shares with the reference, under every plan: its result.
    // The reference's are recorded in reference.txt; refresh them after changing the
    // reference (GRADING.md, "The differential against the reference").
    .differential(
        vec![Observation::result()],
        include_str!("../reference.txt"),
    )
    .expect_fail(
        "unstructured",
        &[
            "returns-every-result",
            "surfaces-the-error",
            "done-within-budget",
            "no-orphans",
            "no-swallowed-errors",
            "matches-the-reference",
        ],
    )
    __AUTHOR_BEGIN__
    .gallery(crate::gallery::entries())
    .right(crate::right::entries())
    __AUTHOR_END__
}
"#;

const RIGHT_RS: &str = r#"//! faultline:author-only — right solutions of `structured::body` written another way,
//! that the rubric must accept (author: replace them with other correct designs of the
//! lesson: another order of operations, plain tokio spawns, another primitive).

use faultline_harness::{Failure, Right, spawn_in};
use tokio::task::JoinSet;

use crate::{Output, WORKERS, work};

/// The right solutions.
pub fn entries() -> Vec<Right> {
    vec![
        Right::new("matches-each-join", |b| b.run(matches_each_join)),
        Right::new("loop-with-let-else", |b| b.run(loop_with_let_else)),
    ]
}

/// Each join matched by hand.
async fn matches_each_join() -> Output {
    let mut set = JoinSet::new();
    for i in 0..WORKERS {
        spawn_in(&mut set, ("work", i), async move { work(i).await.map(|r| (i, r)) });
    }
    let mut results = vec![String::new(); WORKERS];
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok((i, result))) => results[i] = result,
            Ok(Err(err)) => return Err(err),
            Err(join) => return Err(Failure::from(join)),
        }
    }
    Ok(results)
}

/// A `loop` with `let else`.
async fn loop_with_let_else() -> Output {
    let mut set = JoinSet::new();
    for i in 0..WORKERS {
        spawn_in(&mut set, ("work", i), async move { work(i).await.map(|r| (i, r)) });
    }
    let mut results = vec![String::new(); WORKERS];
    loop {
        let Some(joined) = set.join_next().await else {
            return Ok(results);
        };
        let (i, result) = joined.map_err(Failure::from)??;
        results[i] = result;
    }
}
"#;

const GALLERY_RS: &str = r#"//! faultline:author-only — wrong solutions of `structured::body` that the rubric must
//! reject, each written as a learner might (author: replace them with the lesson's own
//! mistakes, as the contributing guide's "Adding a scenario" says).

use faultline_harness::{Failure, Wrong, spawn, spawn_in};
use tokio::task::JoinSet;

use crate::{Output, WORKERS, work};

/// The wrong solutions, each with the checks that reject it.
pub fn entries() -> Vec<Wrong> {
    const HINT: &str = "__NAME__-joinset";
    vec![
        Wrong::new("awaits-one-by-one", HINT, |b| b.run(awaits_one_by_one), &["done-within-budget"]),
        Wrong::new("spawns-detached", HINT, |b| b.run(spawns_detached), &["no-orphans"]),
        Wrong::new("unwraps-the-result", HINT, |b| b.run(unwraps_the_result), &["no-panics"]),
        Wrong::new(
            "ignores-the-error",
            HINT,
            |b| b.run(ignores_the_error),
            &["surfaces-the-error", "no-discarded-errors"],
        ),
    ]
}

/// Mistake: runs the workers one after the other instead of at once.
async fn awaits_one_by_one() -> Output {
    let mut results = Vec::new();
    for i in 0..WORKERS {
        results.push(work(i).await?);
    }
    Ok(results)
}

/// Mistake: spawns detached tasks: a cancelled body leaves them running.
async fn spawns_detached() -> Output {
    let handles: Vec<_> = (0..WORKERS).map(|i| spawn(("work", i), work(i))).collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.map_err(Failure::from)??);
    }
    Ok(results)
}

/// Mistake: `unwrap()`s each worker's result, so a failed worker panics the body.
async fn unwraps_the_result() -> Output {
    let mut set = JoinSet::new();
    for i in 0..WORKERS {
        spawn_in(&mut set, ("work", i), async move { work(i).await.map(|r| (i, r)) });
    }
    let mut results = vec![String::new(); WORKERS];
    while let Some(joined) = set.join_next().await {
        let (i, result) = joined.map_err(Failure::from)?.unwrap();
        results[i] = result;
    }
    Ok(results)
}

/// Mistake: keeps what succeeded with `if let Ok(Ok(..))` and drops the errors unread.
async fn ignores_the_error() -> Output {
    let mut set = JoinSet::new();
    for i in 0..WORKERS {
        spawn_in(&mut set, ("work", i), async move { work(i).await.map(|r| (i, r)) });
    }
    let mut results = vec![String::new(); WORKERS];
    while let Some(joined) = set.join_next().await {
        if let Ok(Ok((i, result))) = joined {
            results[i] = result;
        }
    }
    Ok(results)
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_or_taken_names_are_errors_naming_the_rule_or_the_scenarios() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for bad in ["", "Demo", "1demo", "de mo", "demo-", "dé"] {
            let err = check_name(root, bad).unwrap_err().to_string();
            assert!(err.contains("invalid scenario name"), "{bad:?}: {err}");
        }
        let err = check_name(root, "gather").unwrap_err().to_string();
        assert!(
            err.contains("already exists") && err.contains("gather"),
            "{err}"
        );
        check_name(root, "demo-2").unwrap();
    }

    #[test]
    fn registration_edits_the_lists_in_place() {
        let toml = "[a]\nx = 1\n\n[workspace.dependencies]\nscenario-gather = { path = \"scenarios/gather\" }\ntokio = \"1\"\n\n[dependencies]\nscenario-gather.workspace = true\n";
        let out = insert_after_last(
            toml,
            "[dependencies]",
            "scenario-",
            "scenario-demo.workspace = true",
        )
        .unwrap();
        assert!(
            out.ends_with("scenario-gather.workspace = true\nscenario-demo.workspace = true\n"),
            "{out}"
        );
        let out = insert_after_last(
            toml,
            "[workspace.dependencies]",
            "scenario-",
            "scenario-demo = 1",
        )
        .unwrap();
        assert!(
            out.contains("\"scenarios/gather\" }\nscenario-demo = 1\ntokio"),
            "{out}"
        );
        assert!(insert_after_last(toml, "[dev-dependencies]", "scenario-", "x").is_err());

        let lib = "pub fn scenarios() -> Vec<Scenario> {\n    vec![\n        a::scenario(),\n        b::scenario(),\n    ]\n}\n";
        let out = push_to_vec(lib, "pub fn scenarios() -> Vec<Scenario>", "c::scenario()").unwrap();
        assert!(out.contains("b::scenario(), c::scenario()]"), "{out}");
        assert!(push_to_vec(lib, "pub fn rubrics() -> Vec<Rubric>", "c::rubric()").is_err());
    }
}
