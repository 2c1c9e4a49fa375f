//! A report's task rows, made from the run's records the first time they are read.
//!
//! A run of 100,000 tasks has 100,000 rows of about 230 bytes, three names each: building
//! and dropping them was a fifth of what tracking such a run costs, paid even when nobody
//! looks at a row (a test reads `is_clean()`, a sweep its counts). The counts are decided
//! when the run ends, by the same judge the rows come from (`report::judge`); the rows
//! wait until something reads them.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

use parking_lot::Mutex;
use serde::{Serialize, Serializer};

use crate::report::TaskReport;

/// Makes the rows, at most once (it owns the run's records).
pub(crate) type Derive = Box<dyn FnOnce() -> Vec<TaskReport> + Send>;

/// Every task's row, in spawn order: reads as a `Vec<TaskReport>` (it derefs to one), made
/// on the first read. [`Tasks::len`] is known without making them.
#[derive(Default)]
pub struct Tasks {
    rows: OnceLock<Vec<TaskReport>>,
    derive: Mutex<Option<Derive>>,
    /// The number of rows, before they are made.
    len: usize,
}

impl Tasks {
    /// `len` rows, made by `derive` when first read.
    pub(crate) fn later(len: usize, derive: Derive) -> Self {
        Tasks {
            rows: OnceLock::new(),
            derive: Mutex::new(Some(derive)),
            len,
        }
    }

    /// The number of rows (without making them).
    pub fn len(&self) -> usize {
        self.rows.get().map_or(self.len, Vec::len)
    }

    /// Whether there is no row (without making them).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn rows(&self) -> &Vec<TaskReport> {
        self.rows.get_or_init(|| {
            self.derive
                .lock()
                .take()
                .map_or_else(Vec::new, |derive| derive())
        })
    }
}

impl Deref for Tasks {
    type Target = Vec<TaskReport>;

    fn deref(&self) -> &Vec<TaskReport> {
        self.rows()
    }
}

impl DerefMut for Tasks {
    fn deref_mut(&mut self) -> &mut Vec<TaskReport> {
        self.rows();
        self.rows.get_mut().expect("made by the line above")
    }
}

impl From<Vec<TaskReport>> for Tasks {
    fn from(rows: Vec<TaskReport>) -> Self {
        Tasks {
            len: rows.len(),
            rows: OnceLock::from(rows),
            derive: Mutex::new(None),
        }
    }
}

impl From<Tasks> for Vec<TaskReport> {
    fn from(mut tasks: Tasks) -> Self {
        std::mem::take(&mut *tasks)
    }
}

impl<'a> IntoIterator for &'a Tasks {
    type Item = &'a TaskReport;
    type IntoIter = std::slice::Iter<'a, TaskReport>;

    fn into_iter(self) -> Self::IntoIter {
        self.rows().iter()
    }
}

impl<'a> IntoIterator for &'a mut Tasks {
    type Item = &'a mut TaskReport;
    type IntoIter = std::slice::IterMut<'a, TaskReport>;

    fn into_iter(self) -> Self::IntoIter {
        self.deref_mut().iter_mut()
    }
}

impl IntoIterator for Tasks {
    type Item = TaskReport;
    type IntoIter = std::vec::IntoIter<TaskReport>;

    fn into_iter(self) -> Self::IntoIter {
        Vec::from(self).into_iter()
    }
}

impl Clone for Tasks {
    fn clone(&self) -> Self {
        Tasks::from(self.rows().clone())
    }
}

impl PartialEq for Tasks {
    fn eq(&self, other: &Self) -> bool {
        self.rows() == other.rows()
    }
}

impl Eq for Tasks {}

impl fmt::Debug for Tasks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.rows(), f)
    }
}

impl Serialize for Tasks {
    fn serialize<S: Serializer>(&self, to: S) -> Result<S::Ok, S::Error> {
        self.rows().serialize(to)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn counted(made: &Arc<AtomicUsize>) -> Tasks {
        let made = made.clone();
        Tasks::later(
            0,
            Box::new(move || {
                made.fetch_add(1, Ordering::Relaxed);
                Vec::new()
            }),
        )
    }

    #[test]
    fn rows_are_made_once_on_first_read_and_not_for_their_number() {
        let made = Arc::new(AtomicUsize::new(0));
        let tasks = counted(&made);
        assert_eq!((tasks.len(), tasks.is_empty()), (0, true));
        assert_eq!(made.load(Ordering::Relaxed), 0, "len() makes no row");
        assert!(tasks.iter().next().is_none());
        assert_eq!(tasks.clone(), tasks);
        assert_eq!(format!("{tasks:?}"), "[]");
        assert_eq!(
            made.load(Ordering::Relaxed),
            1,
            "made once, on the first read"
        );
        drop(counted(&made));
        assert_eq!(
            made.load(Ordering::Relaxed),
            1,
            "never made when never read"
        );
    }
}
