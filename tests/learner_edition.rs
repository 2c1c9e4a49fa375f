//! faultline:author-only — the learner edition as a checkout, without building it: a git
//! repository with one commit, nothing of the author's left in it (the galleries of wrong
//! solutions, author-only regions), and no doc pointing to a file that is not there — in the
//! export, and in this repository too.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Exports the learner edition the way `cargo run -- exercises export` does, into a fresh
/// directory under `target/`.
fn export(name: &str) -> PathBuf {
    let dir = repo()
        .join("target")
        .join("learner-edition-test")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["exercises", "export"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// Every file under `root`, relative to it, skipping `target` and `.git`.
fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![PathBuf::new()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(root.join(&dir)).unwrap() {
            let entry = entry.unwrap();
            let rel = dir.join(entry.file_name());
            if rel == Path::new("target") || rel == Path::new(".git") {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                dirs.push(rel);
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// The doc text of a file: a Markdown file, or the `//!` and `///` lines of a Rust one,
/// without its fenced code blocks (commands and examples name files that need not exist).
fn doc_text(rel: &Path, text: &str) -> Option<String> {
    let lines: Vec<&str> = match rel.extension().and_then(|e| e.to_str()) {
        Some("md") => text.lines().collect(),
        Some("rs") => text
            .lines()
            .map(str::trim_start)
            .filter_map(|l| l.strip_prefix("//!").or_else(|| l.strip_prefix("///")))
            .collect(),
        _ => return None,
    };
    let mut prose = Vec::new();
    let mut fenced = false;
    for line in lines {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            prose.push(line);
        }
    }
    Some(prose.join("\n"))
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')
}

/// The relative paths a doc mentions: Markdown link targets, code spans holding a path (a
/// `/` and a `.` or a final `/` in them, nothing but path characters), and any word of the
/// prose naming a `.md`, `.rs` or `.toml` file. Templates (`scenarios/<name>/…`), URLs and
/// code (`--plan-file plan.toml`) are not paths.
fn mentioned_paths(doc: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (ix, _) in doc.match_indices("](") {
        let rest = &doc[ix + 2..];
        let target = &rest[..rest.find(')').unwrap_or(rest.len())];
        let target = target.split('#').next().unwrap_or_default();
        let elsewhere = ["://", "mailto:", "::"].iter().any(|s| target.contains(s));
        if !target.is_empty() && !elsewhere && target.chars().all(is_path_char) {
            found.insert(target.to_owned());
        }
    }
    for (n, span) in doc.split('`').enumerate() {
        let pathlike = span.contains('.') || span.ends_with('/');
        if n % 2 == 1 && span.contains('/') && pathlike && span.chars().all(is_path_char) {
            found.insert(span.to_owned());
        }
    }
    // Words split at anything but path characters: `<name>/src/lib.rs` leaves `/src/lib.rs`,
    // a template's tail, which starts with `/` and is skipped.
    let prose: String = doc.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    for word in prose.split(|c: char| !is_path_char(c)) {
        let word = word.trim_end_matches('.');
        let named = [".md", ".rs", ".toml"].iter().any(|e| word.ends_with(e));
        if named && !word.starts_with(['.', '/']) && word.len() > 3 {
            found.insert(word.to_owned());
        }
    }
    found.retain(|p| !p.contains("//") && !p.starts_with('/') && !p.starts_with(".."));
    found
}

/// The nearest directory at or above `rel`'s that holds a `Cargo.toml` (its crate).
fn crate_of(root: &Path, rel: &Path) -> PathBuf {
    let mut dir = rel.parent().map(Path::to_path_buf).unwrap_or_default();
    loop {
        if root.join(&dir).join("Cargo.toml").is_file() || dir.as_os_str().is_empty() {
            return dir;
        }
        dir.pop();
    }
}

/// Every path a doc under `root` mentions that exists neither beside the doc (or in its
/// module's folder), nor in its crate (or the crate's `src/`), nor at the root; a bare file
/// name may be anywhere in the tree: `file: path`.
fn dangling(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let all = files(root);
    for rel in &all {
        let Ok(text) = std::fs::read_to_string(root.join(rel)) else {
            continue;
        };
        let Some(doc) = doc_text(rel, &text) else {
            continue;
        };
        let here = rel.parent().map(Path::to_path_buf).unwrap_or_default();
        let module = rel.with_extension("");
        let krate = crate_of(root, rel);
        let bases = [
            here,
            module,
            krate.clone(),
            krate.join("src"),
            PathBuf::new(),
        ];
        for path in mentioned_paths(&doc) {
            let found = bases
                .iter()
                .any(|base| root.join(base).join(&path).exists())
                || (!path.contains('/')
                    && all.iter().any(|f| f.file_name() == Some(path.as_ref())));
            if !found {
                out.push(format!("{}: {path}", rel.display()));
            }
        }
    }
    out
}

#[test]
fn the_path_finder_finds_links_spans_and_file_names_and_skips_templates() {
    let doc = "See [the guide](docs/GUIDE.md#top) and [rust](https://rust-lang.org), \
               `tests/loom.rs`, `snapshots/`, `cargo run -- grade`, `hash:1/4`, \
               `scenarios/<name>/src/lib.rs`, (measured, see ROADMAP.md) and lib.rs.";
    let found: Vec<String> = mentioned_paths(doc).into_iter().collect();
    assert_eq!(
        found,
        [
            "ROADMAP.md",
            "docs/GUIDE.md",
            "lib.rs",
            "snapshots/",
            "tests/loom.rs"
        ]
    );
}

#[test]
fn a_dangling_path_is_found() {
    let dir = repo()
        .join("target")
        .join("learner-edition-test")
        .join("dangling");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), "").unwrap();
    std::fs::write(dir.join("README.md"), "See `src/lib.rs` and ROADMAP.md.\n").unwrap();
    std::fs::write(dir.join("src/lib.rs"), "//! See README.md and NOPE.md.\n").unwrap();
    assert_eq!(
        dangling(&dir),
        ["README.md: ROADMAP.md", "src/lib.rs: NOPE.md"]
    );
}

#[test]
fn no_doc_in_this_repository_points_to_a_missing_file() {
    let missing = dangling(&repo());
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn no_doc_in_the_learner_edition_points_to_a_missing_file() {
    let dir = export("docs");
    let missing = dangling(&dir);
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn the_learner_edition_keeps_nothing_of_the_authors() {
    let dir = export("author");
    for rel in files(&dir) {
        assert!(
            rel.file_name() != Some("gallery.rs".as_ref())
                && rel.file_name() != Some("right.rs".as_ref()),
            "{} was exported: the wrong and right solutions give the answers away",
            rel.display()
        );
    }
    for rubric in faultline::rubrics() {
        for file in ["lib.rs", "rubric.rs"] {
            let path = dir
                .join("scenarios")
                .join(rubric.scenario)
                .join("src")
                .join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                !text.contains("gallery") && !text.contains("author-only"),
                "{} still holds the author's lines:\n{text}",
                path.display()
            );
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[test]
fn the_learner_edition_is_a_git_repository_with_one_clean_commit() {
    let dir = export("git");
    let Some(count) = git(&dir, &["rev-list", "--count", "HEAD"]) else {
        eprintln!("git is not on the PATH: nothing to check");
        return;
    };
    assert_eq!(count, "1");
    assert_eq!(
        git(&dir, &["log", "-1", "--format=%an <%ae> / %cn <%ce>"]).unwrap(),
        "faultline <faultline@localhost> / faultline <faultline@localhost>"
    );
    assert_eq!(git(&dir, &["status", "--porcelain"]).unwrap(), "");
    let tracked = git(&dir, &["ls-files"]).unwrap();
    assert!(
        tracked
            .lines()
            .any(|f| f == "scenarios/gather/src/structured.rs")
    );
}
