//! The harness's own errors: bad input and misuse, each with a hint.

use std::fmt;

/// An error from the harness: a plan that does not parse, or a run that cannot start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

/// What kind of [`Error`] this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The fault plan's text does not parse.
    Plan,
    /// A run was started where it cannot run (inside another runtime or run).
    Misuse,
    /// The runtime could not be built.
    Runtime,
    /// A case ran twice gave two different reports (`--check-determinism`).
    Nondeterministic,
}

impl Error {
    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub(crate) fn plan(text: &str, pos: usize, what: impl fmt::Display, hint: &str) -> Self {
        let column = text[..pos].chars().count() + 1;
        let message = format!(
            "invalid fault plan at column {column}: {what}\n  {text}\n  {caret:>column$}\n  hint: {hint}",
            caret = "^"
        );
        Error {
            kind: ErrorKind::Plan,
            message,
        }
    }

    pub(crate) fn plan_file(message: String) -> Self {
        Error {
            kind: ErrorKind::Plan,
            message,
        }
    }

    /// The same error, saying which part of a plan file it came from.
    pub(crate) fn within(self, place: &str) -> Self {
        Error {
            kind: self.kind,
            message: format!("in {place} of the plan file: {}", self.message),
        }
    }

    pub(crate) fn nondeterministic(message: String) -> Self {
        Error {
            kind: ErrorKind::Nondeterministic,
            message,
        }
    }

    pub(crate) fn misuse(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Misuse,
            message: message.into(),
        }
    }

    pub(crate) fn runtime(err: std::io::Error) -> Self {
        Error {
            kind: ErrorKind::Runtime,
            message: format!("could not build the tokio runtime: {err}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
