//! Where the code under test spawned a task that tokio spawned on its behalf.
//!
//! tokio's spawn functions are `#[track_caller]`, so a plain task's spawn hook names the
//! user's line, but some of tokio's own functions that spawn are not: a `JoinSet` built
//! with `collect()` (`FromIterator`) spawns each task from inside tokio
//! (`tokio: src/task/join_set.rs:…`), a tokio-util `JoinMap` from inside tokio-util. For
//! such a spawn the user's line is read from a backtrace: the first frame outside the
//! standard library, the registry's crates and this harness. Rare (only these spawns) and
//! costly (a captured and resolved backtrace): it is never done for other spawns. Without
//! debug info (a release build) no frame has a line, and the task keeps tokio's place.

use std::sync::OnceLock;

use parking_lot::Mutex;

use crate::record::name::registry_crate;

/// Whether `file` is a source file of tokio or of one of its companion crates.
pub(crate) fn inside_tokio(file: &str) -> bool {
    registry_crate(file).is_some_and(|(name, _)| name == "tokio" || name.starts_with("tokio-"))
}

/// The file and line of the code under test that led to this spawn, if a backtrace tells.
/// The file is interned: one allocation per distinct file, for the process.
pub(crate) fn callers_place() -> Option<(&'static str, u32)> {
    let trace = std::backtrace::Backtrace::force_capture().to_string();
    trace.lines().find_map(|line| {
        let at = line.trim_start().strip_prefix("at ")?;
        let mut parts = at.rsplitn(3, ':');
        let (_column, line, file) = (parts.next()?, parts.next()?, parts.next()?);
        let file = file.strip_prefix("./").unwrap_or(file);
        let outside = !file.starts_with("/rustc/")
            && !file.contains("/registry/src/")
            && !file.contains("/rustlib/")
            && !file.starts_with(own_source());
        outside.then(|| Some((intern(file), line.parse().ok()?)))?
    })
}

/// This crate's `src/` directory, as its own file paths are written.
fn own_source() -> &'static str {
    let this = file!();
    &this[..this.len() - "record/place.rs".len()]
}

fn intern(file: &str) -> &'static str {
    static FILES: OnceLock<Mutex<Vec<&'static str>>> = OnceLock::new();
    let mut files = FILES.get_or_init(Mutex::default).lock();
    if let Some(known) = files.iter().find(|known| **known == file) {
        return known;
    }
    let leaked: &'static str = Box::leak(file.to_owned().into_boxed_str());
    files.push(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokio_and_its_companions_are_told_from_other_crates() {
        let registry = "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f";
        assert!(inside_tokio(&format!(
            "{registry}/tokio-1.54.1/src/task/join_set.rs"
        )));
        assert!(inside_tokio(&format!(
            "{registry}/tokio-util-0.7.20/src/task/join_map.rs"
        )));
        assert!(!inside_tokio(&format!(
            "{registry}/hyper-util-0.1.21/src/client.rs"
        )));
        assert!(!inside_tokio("src/tokio-1.54.1/lib.rs"));
    }
}
