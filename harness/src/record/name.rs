//! Task names: what reports show instead of tokio's process-global task ids.

use std::fmt;
use std::ops::Deref;
use std::panic::Location;
use std::sync::Arc;

use once_cell::race::OnceBox;
use serde::{Serialize, Serializer};

/// A task's name, such as `caller` or `fetch[3]`: what [`spawn`](crate::spawn) takes and
/// what a [`TaskReport`](crate::TaskReport) shows.
///
/// Built from a `&'static str`, a `String`, or `(&'static str, index)`, which reads as
/// `base[index]`. Cheap to make and to copy into a report: a static name is a pointer, an
/// owned one is shared (`Arc<str>`), and `base[index]` is formatted only when somebody
/// reads it as text (then once). Compare it with a `&str`, read it as one (`Deref`), print
/// it; in JSON it is a plain string.
pub struct Name(Repr);

/// 32 bytes: a run keeps one per task in its ledger and three per row of its report, so
/// the text formatted on first read is kept behind one pointer (`OnceBox`, from
/// `once_cell`), not inline (`OnceLock<Box<str>>` made a name 48 bytes).
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
    /// `base[index]`.
    Indexed(&'static str, u32, OnceBox<String>),
    /// A plain task, by where it was spawned and how many were spawned there before it
    /// (`src/lib.rs:12`, `src/lib.rs:12#2`): formatted only when read, as `Indexed` is.
    Located(&'static Location<'static>, u32, OnceBox<String>),
}

/// A copy formats its own text when read: copying a report's parent names allocates nothing.
impl Clone for Name {
    fn clone(&self) -> Self {
        Name(match &self.0 {
            Repr::Static(text) => Repr::Static(text),
            Repr::Shared(text) => Repr::Shared(text.clone()),
            Repr::Indexed(base, index, _) => Repr::Indexed(base, *index, OnceBox::new()),
            Repr::Located(at, nth, _) => Repr::Located(at, *nth, OnceBox::new()),
        })
    }
}

impl Name {
    /// The name as text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(text) => text,
            Repr::Shared(text) => text,
            Repr::Indexed(base, index, text) => {
                text.get_or_init(|| Box::new(format!("{base}[{index}]")))
            }
            Repr::Located(at, nth, text) => {
                text.get_or_init(|| Box::new(numbered(location_name(at.file(), at.line()), *nth)))
            }
        }
    }

    /// The name of the `nth` plain task spawned at `at`.
    pub(crate) fn located(at: &'static Location<'static>, nth: u32) -> Name {
        Name(Repr::Located(at, nth, OnceBox::new()))
    }

    /// The name of the `nth` plain task spawned from `file:line` on the code under test's
    /// behalf (see [`place`](crate::record::place)).
    pub(crate) fn placed(file: &str, line: u32, nth: u32) -> Name {
        Name::from(numbered(location_name(file, line), nth))
    }

    /// Whether the name reads `text`, without formatting it.
    fn reads(&self, text: &str) -> bool {
        match &self.0 {
            Repr::Static(name) => *name == text,
            Repr::Shared(name) => **name == *text,
            Repr::Indexed(base, index, _) => text
                .strip_prefix(base)
                .and_then(|rest| rest.strip_prefix('['))
                .and_then(|rest| rest.strip_suffix(']'))
                .is_some_and(|digits| {
                    // `fetch[03]` is not `fetch[3]`: compare digits, not values.
                    digits.parse::<u32>() == Ok(*index)
                        && (digits == "0" || !digits.starts_with(['0', '+']))
                }),
            Repr::Located(..) => self.as_str() == text,
        }
    }
}

impl Default for Name {
    fn default() -> Self {
        Name(Repr::Static(""))
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, as `str` does: `{:w$}` lines names up in the timeline.
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        match (&self.0, &other.0) {
            (Repr::Indexed(a, i, _), Repr::Indexed(b, j, _)) => a == b && i == j,
            (Repr::Located(a, i, _), Repr::Located(b, j, _)) if a == b => i == j,
            (Repr::Indexed(..), _) => self.reads(other.as_str()),
            _ => other.reads(self.as_str()),
        }
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.reads(other)
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.reads(other)
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.reads(other)
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        other.reads(self)
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        other.reads(self)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl From<&'static str> for Name {
    fn from(name: &'static str) -> Self {
        Name(Repr::Static(name))
    }
}

impl From<String> for Name {
    fn from(name: String) -> Self {
        Name(Repr::Shared(name.into()))
    }
}

impl From<(&'static str, usize)> for Name {
    #[inline]
    fn from((base, index): (&'static str, usize)) -> Self {
        match u32::try_from(index) {
            Ok(index) => Name(Repr::Indexed(base, index, OnceBox::new())),
            Err(_) => Name::from(format!("{base}[{index}]")),
        }
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.to_string()
    }
}

/// A plain task's name: its spawn location, `file.rs:line`; under cargo's registry,
/// `crate-name: path/in/crate.rs:line`. (The second task spawned there is `…#2`.)
pub(crate) fn location_name(file: &str, line: u32) -> String {
    match registry_crate(file) {
        Some((name, path)) => format!("{name}: {path}:{line}"),
        None => format!("{file}:{line}"),
    }
}

/// For a source file under cargo's registry, its crate's name (the crate's folder
/// `hyper-util-0.1.10` → `hyper-util`) and the file's path inside that folder.
pub(crate) fn registry_crate(file: &str) -> Option<(&str, &str)> {
    let (_, in_registry) = file.split_once("/registry/src/")?;
    let (_index, rest) = in_registry.split_once('/')?;
    let (krate, path) = rest.split_once('/')?;
    let name = match krate.rsplit_once('-') {
        Some((name, version)) if version.starts_with(|c: char| c.is_ascii_digit()) => name,
        _ => krate,
    };
    Some((name, path))
}

/// `base`, then `base#2`, `base#3`… for the later tasks spawned at one place.
fn numbered(base: String, nth: u32) -> String {
    match nth {
        1 => base,
        n => format!("{base}#{n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_as_its_text() {
        let names = [
            Name::from("caller"),
            Name::from("fetch[3]".to_owned()),
            Name::from(("fetch", 3)),
        ];
        assert_eq!(names[0], "caller");
        assert_eq!(names[1].as_str(), "fetch[3]");
        assert_eq!(names[2].to_string(), "fetch[3]");
        assert_eq!(&*names[2], "fetch[3]");
        assert_eq!(names[1], names[2]);
        assert_eq!(names[2], names[1]);
        assert_eq!(format!("{:?}", names[2]), "\"fetch[3]\"");
        assert_eq!(
            format!("[{:9}]", names[2]),
            "[fetch[3] ]",
            "padded like a str"
        );
        assert_eq!(serde_json::to_string(&names[2]).unwrap(), "\"fetch[3]\"");
    }

    /// A run keeps a name per task and three per report row (see [`Repr`]).
    #[test]
    fn a_name_stays_small() {
        assert_eq!(size_of::<Name>(), 32);
        assert_eq!(size_of::<Option<Name>>(), 32);
    }

    #[test]
    fn a_copy_reads_as_the_original_whether_or_not_it_was_read() {
        let unread = Name::from(("fetch", 3));
        let read = Name::from(("fetch", 3));
        assert_eq!(read.as_str(), "fetch[3]");
        for copy in [unread.clone(), read.clone()] {
            assert_eq!(copy.as_str(), "fetch[3]");
        }
        let at = Location::caller();
        let located = Name::located(at, 2);
        assert_eq!(located.clone().as_str(), located.as_str());
        assert!(located.as_str().ends_with("#2"), "{located}");
    }

    #[test]
    fn an_indexed_name_matches_only_its_own_text() {
        let name = Name::from(("fetch", 3));
        for other in [
            "fetch[03]",
            "fetch[+3]",
            "fetch[3",
            "fetch3]",
            "fetc[3]",
            "fetch[4]",
            "",
        ] {
            assert_ne!(name, other, "{other}");
        }
        assert_eq!(Name::from(("t", 0)), "t[0]");
        assert_ne!(Name::from(("t", 0)), "t[00]");
        assert_ne!(Name::from(("fetch", 3)), Name::from(("fetch", 4)));
        assert_ne!(Name::from(("a", 1)), Name::from(("b", 1)));
        let huge = usize::MAX;
        assert_eq!(Name::from(("t", huge)), format!("t[{huge}]"));
    }
}
