//! Task names: what reports show instead of tokio's process-global task ids.

use std::borrow::Cow;
use std::fmt;

/// A task's name in the report, such as `caller` or `fetch[3]`.
///
/// Built from a `&'static str` or a `String`; `(&'static str, index)` renders as
/// `base[index]` without allocating at spawn time.
#[derive(Debug, Clone)]
pub struct Name(Repr);

#[derive(Debug, Clone)]
enum Repr {
    Text(Cow<'static, str>),
    Indexed(&'static str, usize, std::sync::OnceLock<String>),
}

impl Name {
    /// The name as text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Text(text) => text,
            Repr::Indexed(base, index, text) => text.get_or_init(|| format!("{base}[{index}]")),
        }
    }
}

impl Name {
    /// The name as an owned string, formatted straight into it (no cache, no copy).
    pub(crate) fn to_text(&self) -> String {
        match &self.0 {
            Repr::Text(text) => text.to_string(),
            Repr::Indexed(base, index, text) => match text.get() {
                Some(cached) => cached.clone(),
                None => format!("{base}[{index}]"),
            },
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&'static str> for Name {
    fn from(name: &'static str) -> Self {
        Name(Repr::Text(Cow::Borrowed(name)))
    }
}

impl From<String> for Name {
    fn from(name: String) -> Self {
        Name(Repr::Text(Cow::Owned(name)))
    }
}

impl From<(&'static str, usize)> for Name {
    fn from((base, index): (&'static str, usize)) -> Self {
        Name(Repr::Indexed(base, index, std::sync::OnceLock::new()))
    }
}
