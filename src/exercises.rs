//! The learner edition: solution regions marked in the reference variants, and the export
//! that writes a workspace in which each region is a stub for the learner to fill in.
//!
//! A region is the lines between `// faultline:solution begin <hint-id>` and
//! `// faultline:solution end`; the hint's text comes from the scenario's rubric. It must
//! be a whole block's body (a function's, say), so that the stub that replaces it compiles.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use faultline_harness::Rubric;

const BEGIN: &str = "// faultline:solution begin";
const END: &str = "// faultline:solution end";

/// Files carrying this marker in their first lines test the reference solutions or the
/// authoring tools: the learner edition leaves them out. Inside any other file, the lines
/// from one holding `faultline:author-only begin` to one holding `faultline:author-only end`
/// are left out (a `mod gallery;` line, a README paragraph about the author's tests).
pub const AUTHOR_ONLY: &str = "faultline:author-only";

/// Top-level entries the learner edition leaves out: build output, git, the snapshots of
/// the reference solutions (whose test is author-only) and CI.
const SKIPPED: [&str; 4] = ["target", ".git", "snapshots", ".ci"];

/// One solution region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The hint's id.
    pub hint: String,
    /// The line of the `begin` marker (from 1).
    pub begin: usize,
    /// The line of the `end` marker (from 1).
    pub end: usize,
}

/// The solution regions in `text` (from `file`, for error messages).
pub fn regions(file: &str, text: &str) -> anyhow::Result<Vec<Region>> {
    let mut found = Vec::new();
    let mut open: Option<(String, usize)> = None;
    for (ix, line) in text.lines().enumerate() {
        let line_no = ix + 1;
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix(BEGIN) {
            if let Some((_, at)) = &open {
                bail!(
                    "{file}:{line_no}: a solution region begins inside the one begun at line {at}; close it first with `{END}`"
                );
            }
            let hint = rest.trim();
            if hint.is_empty() {
                bail!("{file}:{line_no}: `{BEGIN}` needs a hint id, e.g. `{BEGIN} gather-joinset`");
            }
            open = Some((hint.to_owned(), line_no));
        } else if trimmed.starts_with(END) {
            let Some((hint, begin)) = open.take() else {
                bail!("{file}:{line_no}: `{END}` without a `{BEGIN} <hint-id>` before it");
            };
            found.push(Region {
                hint,
                begin,
                end: line_no,
            });
        }
    }
    if let Some((_, at)) = open {
        bail!("{file}:{at}: solution region never ends: add `{END}`");
    }
    Ok(found)
}

/// Put at the top of a stubbed file (after its `//!` doc): until the exercise is written,
/// the imports, variables and fields only the solution used, and the code after `todo!()`,
/// would each warn.
const STUB_ALLOW: &str = "// Until the exercise is written, what only its solution uses would warn.\n\
                          #![allow(unused_imports, unused_variables, unreachable_code, dead_code)]\n";

/// `text` with every solution region replaced by a `todo!()` stub, a `// TODO:` line and
/// the hint (looked up in `rubrics`), and the file's warnings about what only the solution
/// used turned off.
pub fn stub(file: &str, text: &str, rubrics: &[Rubric]) -> anyhow::Result<String> {
    let regions = regions(file, text)?;
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    // After the module's doc: what only the solution used would warn until it is written.
    let mut next = lines.iter().take_while(|l| l.starts_with("//!")).count();
    for line in &lines[..next] {
        out.push_str(line);
        out.push('\n');
    }
    if !regions.is_empty() {
        out.push_str(STUB_ALLOW);
    }
    for region in &regions {
        let hint = rubrics
            .iter()
            .find_map(|r| Some((r.scenario, r.find_hint(&region.hint)?)))
            .with_context(|| {
                format!(
                    "{file}:{}: no rubric has a hint {:?}: add .hint({:?}, \"…\") to the scenario's rubric()",
                    region.begin, region.hint, region.hint
                )
            })?;
        for line in &lines[next..region.begin - 1] {
            out.push_str(line);
            out.push('\n');
        }
        let marker = lines[region.begin - 1];
        let indent = &marker[..marker.len() - marker.trim_start().len()];
        out.push_str(&format!(
            "{indent}// TODO: write this (exercise {}); `cargo test --test graded {}` grades it.\n",
            hint.0, hint.0
        ));
        out.push_str(&format!("{indent}// hint: {}\n", hint.1));
        out.push_str(&format!("{indent}todo!()\n"));
        next = region.end;
    }
    for line in &lines[next..] {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// Every file under `root` holding a solution region, relative to `root`, sorted.
pub fn exercise_files(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for rel in walk(root)? {
        if rel.extension().is_some_and(|e| e == "rs") {
            let text = read(&root.join(&rel))?;
            if !regions(&rel.display().to_string(), &text)?.is_empty() {
                files.push(rel);
            }
        }
    }
    Ok(files)
}

/// Writes the learner edition of the repository at `from` into `to` (which must not exist
/// or be empty): every source file but build output, git, CI, snapshots and author-only
/// tests, with each solution region stubbed. Returns the files stubbed.
pub fn export(from: &Path, to: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !from.join("Cargo.toml").is_file() {
        bail!(
            "{} is not the faultline repository (no Cargo.toml); pass the repository with --from",
            from.display()
        );
    }
    let occupied = to.exists()
        && fs::read_dir(to)
            .with_context(|| format!("{} is not a directory we can write into", to.display()))?
            .next()
            .is_some();
    if occupied {
        bail!(
            "{} exists and is not empty: export into a new or empty directory",
            to.display()
        );
    }
    let rubrics = crate::rubrics();
    let mut stubbed = Vec::new();
    for rel in walk(from)? {
        let src = from.join(&rel);
        let dest = to.join(&rel);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        let name = rel.display().to_string();
        let text = fs::read_to_string(&src).ok();
        let text = match text {
            Some(text) if is_author_only(&text) => continue,
            Some(text) => Some(without_author_only(&name, &text)?),
            None => None,
        };
        match text {
            Some(text) if rel.extension().is_some_and(|e| e == "rs") => {
                if regions(&name, &text)?.is_empty() {
                    write(&dest, &text)?;
                } else {
                    write(&dest, &stub(&name, &text, &rubrics)?)?;
                    stubbed.push(rel);
                }
            }
            Some(text) => write(&dest, &text)?,
            None => {
                fs::copy(&src, &dest)
                    .with_context(|| format!("copying {} to {}", src.display(), dest.display()))?;
            }
        }
    }
    write(&to.join("EXERCISES.md"), &guide(&rubrics))?;
    Ok(stubbed)
}

/// Whether the whole file is the author's (the marker in its first lines, not a region's).
fn is_author_only(text: &str) -> bool {
    text.lines()
        .take(5)
        .any(|l| l.contains(AUTHOR_ONLY) && !is_marker(l, "begin") && !is_marker(l, "end"))
}

/// Whether `line` is a comment that only says `faultline:author-only begin` (or `end`):
/// `// …` in Rust, `<!-- … -->` in Markdown (also inside a `//!` doc).
fn is_marker(line: &str, which: &str) -> bool {
    let line = line.trim();
    let line = line.strip_suffix("-->").unwrap_or(line).trim_end();
    let comment = ["//", "<!--", "#"].iter().any(|c| line.starts_with(c));
    comment && line.ends_with(&format!("{AUTHOR_ONLY} {which}"))
}

/// `text` without its author-only regions (the marker lines included).
pub fn without_author_only(file: &str, text: &str) -> anyhow::Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut open = None;
    for (ix, line) in text.split_inclusive('\n').enumerate() {
        match (open, is_marker(line, "begin"), is_marker(line, "end")) {
            (None, true, _) => open = Some(ix + 1),
            (Some(at), true, _) => bail!(
                "{file}:{}: an author-only region begins inside the one begun at line {at}",
                ix + 1
            ),
            (Some(_), _, true) => open = None,
            (None, _, true) => bail!(
                "{file}:{}: `{AUTHOR_ONLY} end` without a `{AUTHOR_ONLY} begin` before it",
                ix + 1
            ),
            (Some(_), _, _) => {}
            (None, _, _) => out.push_str(line),
        }
    }
    if let Some(at) = open {
        bail!("{file}:{at}: author-only region never ends: add `{AUTHOR_ONLY} end`");
    }
    Ok(out)
}

/// Makes the learner edition at `dir` a git repository with one commit of everything, by a
/// fixed author, so that `git diff` shows the learner's own work. Without `git` on the
/// PATH, says so and leaves it a plain directory.
pub fn commit(dir: &Path) -> anyhow::Result<Option<String>> {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args([
                "-c",
                "user.name=faultline",
                "-c",
                "user.email=faultline@localhost",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(dir)
            .output()
    };
    match git(&["init", "-q"]) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some(
                "git is not on the PATH: the learner edition is not a git repository (run `git \
                 init` there to see your own work with `git diff`)"
                    .to_owned(),
            ));
        }
        Err(err) => return Err(err).context("running git init"),
        Ok(_) => {}
    }
    for args in [
        &["add", "-A"][..],
        &["commit", "-q", "-m", "The faultline exercises, unsolved"][..],
    ] {
        let out = git(args).with_context(|| format!("running git {}", args.join(" ")))?;
        if !out.status.success() {
            bail!(
                "git {} failed in {}: {}",
                args.join(" "),
                dir.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
    }
    Ok(None)
}

/// The learner's guide written at the export's root.
fn guide(rubrics: &[Rubric]) -> String {
    let mut out = String::from(
        "# faultline exercises\n\nEach lesson's structured variant has `todo!()` where the fix goes, with a \
         `// TODO:` line and a hint. Fill it in, then grade it:\n\n```sh\ncargo run -- grade          # progress per lesson, and what to do next\ncargo test --test graded     # the graded tests (all of `cargo test` grades too)\n```\n\n| lesson | file | command |\n|---|---|---|\n",
    );
    for r in rubrics {
        out.push_str(&format!(
            "| {} | `{}` | `cargo run -- grade {}` |\n",
            r.lesson, r.exercise, r.scenario
        ));
    }
    out
}

/// Every file under `root`, relative to it, sorted, skipping the top-level [`SKIPPED`].
fn walk(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut dirs = vec![PathBuf::new()];
    while let Some(dir) = dirs.pop() {
        let entries = fs::read_dir(root.join(&dir))
            .with_context(|| format!("reading {}", root.join(&dir).display()))?;
        for entry in entries {
            let entry = entry?;
            let rel = dir.join(entry.file_name());
            if dir.as_os_str().is_empty()
                && SKIPPED
                    .iter()
                    .any(|s| entry.file_name() == std::ffi::OsStr::new(s))
            {
                continue;
            }
            if entry.file_type()?.is_dir() {
                dirs.push(rel);
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn read(path: &Path) -> anyhow::Result<String> {
    fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_becomes_a_stub_with_its_hint() {
        let text = "fn f() -> u8 {\n    // faultline:solution begin gather-joinset\n    1\n    // faultline:solution end\n}\n";
        let out = stub("f.rs", text, &crate::rubrics()).unwrap();
        let out = out.strip_prefix(STUB_ALLOW).expect("the allow comes first");
        assert!(out.starts_with("fn f() -> u8 {\n    // TODO: write this (exercise gather)"));
        assert!(out.contains("    // hint: spawn the five fetches"));
        assert!(out.ends_with("    todo!()\n}\n"), "{out}");
        assert!(!out.contains("    1\n"));
    }

    #[test]
    fn the_allow_goes_after_the_module_doc_and_only_into_stubbed_files() {
        let text = "//! The fix.\n//! More.\nuse std::fmt;\nfn f() {\n    // faultline:solution begin gather-joinset\n    let _ = fmt::Error;\n    // faultline:solution end\n}\n";
        let out = stub("f.rs", text, &crate::rubrics()).unwrap();
        let expected_start = format!("//! The fix.\n//! More.\n{STUB_ALLOW}use std::fmt;\n");
        assert!(out.starts_with(&expected_start), "{out}");
        let untouched = "//! No exercise here.\nfn g() {}\n";
        assert_eq!(
            stub("g.rs", untouched, &crate::rubrics()).unwrap(),
            untouched
        );
    }

    #[test]
    fn author_only_regions_are_left_out_whatever_the_comment() {
        let rust = "mod a;\n// faultline:author-only begin\npub mod gallery;\n// faultline:author-only end\nmod b;\n";
        assert_eq!(
            without_author_only("lib.rs", rust).unwrap(),
            "mod a;\nmod b;\n"
        );
        let md = "Intro.\n<!-- faultline:author-only begin -->\nSee `tests/x.rs`.\n<!-- faultline:author-only end -->\nEnd.\n";
        assert_eq!(
            without_author_only("README.md", md).unwrap(),
            "Intro.\nEnd.\n"
        );
        let doc = "//! A.\n//! <!-- faultline:author-only begin -->\n//! B.\n//! <!-- faultline:author-only end -->\n";
        assert_eq!(without_author_only("lib.rs", doc).unwrap(), "//! A.\n");
        // Naming the marker in prose or code is not a region.
        let prose = "/// from a `faultline:author-only begin` line to an `end` one\nlet m = \"// faultline:author-only begin\";\n";
        assert_eq!(without_author_only("x.rs", prose).unwrap(), prose);
        assert!(is_author_only(
            "//! faultline:author-only — a test of the tools\n"
        ));
        assert!(!is_author_only(
            "// faultline:author-only begin\n// faultline:author-only end\n"
        ));
    }

    #[test]
    fn bad_author_only_regions_are_errors_that_say_where() {
        let open = "a\n// faultline:author-only begin\n";
        let err = without_author_only("f.rs", open).unwrap_err().to_string();
        assert!(
            err.contains("f.rs:2: author-only region never ends"),
            "{err}"
        );
        let stray = "// faultline:author-only end\n";
        assert!(without_author_only("f.rs", stray).is_err());
        let nested = "// faultline:author-only begin\n// faultline:author-only begin\n";
        assert!(without_author_only("f.rs", nested).is_err());
    }

    #[test]
    fn bad_regions_are_errors_that_say_where() {
        let unknown = "// faultline:solution begin nope\n// faultline:solution end\n";
        let err = stub("f.rs", unknown, &crate::rubrics()).unwrap_err();
        assert!(
            err.to_string()
                .contains("f.rs:1: no rubric has a hint \"nope\"")
        );
        let unterminated = "// faultline:solution begin x\n";
        let err = regions("f.rs", unterminated).unwrap_err();
        assert!(
            err.to_string()
                .contains("f.rs:1: solution region never ends")
        );
        let stray = "// faultline:solution end\n";
        assert!(regions("f.rs", stray).is_err());
        let nested = "// faultline:solution begin a\n// faultline:solution begin b\n";
        assert!(regions("f.rs", nested).is_err());
        assert!(regions("f.rs", "// faultline:solution begin\n").is_err());
    }
}
