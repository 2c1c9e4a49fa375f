//! An append-only list kept in fixed-size chunks: growing it never moves what it holds,
//! and its chunks are kept for the next list.
//!
//! The ledger appends one record per task, up to 100,000 of them in a run. A `Vec` would
//! double and copy its whole contents about 17 times on the way (7% of a 100k-task run's
//! time, measured); chunks only allocate. Freeing 11 MB of chunks at the end of a run
//! then cost ~6 ms (glibc hands the memory back to the kernel, and the next run faults it
//! in again page by page), so dropped chunks go to a spare list that the next run takes
//! from. One list for the process, not one per thread: a run's records are dropped with
//! its report, on whichever thread reads it (the rows are made from them then, see
//! `report::tasks`), and the next run may be on any run thread. Written here rather
//! than taken from a crate because it is 100 lines and the ledger needs only push, index
//! and iterate.

use std::ops::{Index, IndexMut};

use parking_lot::Mutex;

/// Records per chunk: 1,024 ledger records are about 112 KiB.
const CHUNK: usize = 1024;

/// Spare chunks kept at most (enough for a run of 100,000 tasks).
const MAX_SPARE: usize = 100;

/// Spare chunks for lists of `T` (taken and given back a chunk at a time: a lock per 1,024
/// items).
pub(crate) type Spares<T> = Mutex<Vec<Vec<T>>>;

/// An append-only list in chunks of [`CHUNK`] items.
pub(crate) struct Chunked<T: 'static> {
    chunks: Vec<Vec<T>>,
    len: usize,
    spares: Option<&'static Spares<T>>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
            spares: None,
        }
    }
}

impl<T> std::fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chunked").field("len", &self.len).finish()
    }
}

impl<T> Drop for Chunked<T> {
    fn drop(&mut self) {
        let Some(spares) = self.spares else { return };
        for mut chunk in std::mem::take(&mut self.chunks) {
            // Emptied (the items dropped) outside the lock.
            chunk.clear();
            let mut spares = spares.lock();
            if spares.len() < MAX_SPARE {
                spares.push(chunk);
            }
        }
    }
}

impl<T> Chunked<T> {
    /// A list that takes its chunks from, and gives them back to, `spares`.
    pub(crate) fn recycling(spares: &'static Spares<T>) -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
            spares: Some(spares),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Inlined: the item is written straight into its chunk, not copied into a call first
    /// (a ledger record is 96 bytes, one per task).
    #[inline(always)]
    pub(crate) fn push(&mut self, item: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.new_chunk();
        }
        let last = self
            .chunks
            .last_mut()
            .expect("a chunk with room was just ensured");
        last.push(item);
        self.len += 1;
    }

    /// Adds an empty chunk: a spare one, or a new one.
    #[cold]
    #[inline(never)]
    fn new_chunk(&mut self) {
        let spare = (self.spares).and_then(|spares| spares.lock().pop());
        self.chunks
            .push(spare.unwrap_or_else(|| Vec::with_capacity(CHUNK)));
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.chunks.iter_mut().flatten()
    }
}

impl<T> Index<usize> for Chunked<T> {
    type Output = T;

    fn index(&self, ix: usize) -> &T {
        &self.chunks[ix / CHUNK][ix % CHUNK]
    }
}

impl<T> IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, ix: usize) -> &mut T {
        &mut self.chunks[ix / CHUNK][ix % CHUNK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_what_was_pushed_in_order_across_chunks() {
        let mut list = Chunked::default();
        let n = 3 * CHUNK + 5;
        for i in 0..n {
            list.push(i);
        }
        assert_eq!(list.len(), n);
        assert_eq!(list[0], 0);
        assert_eq!(list[CHUNK - 1], CHUNK - 1);
        assert_eq!(list[CHUNK], CHUNK);
        assert_eq!(list[n - 1], n - 1);
        assert!(list.iter().copied().eq(0..n));
        list.iter_mut().for_each(|i| *i *= 2);
        list[7] += 1;
        assert_eq!((list[6], list[7]), (12, 15));
    }

    static SPARES: Spares<String> = Mutex::new(Vec::new());

    #[test]
    fn a_dropped_list_leaves_its_chunks_empty_for_the_next() {
        let mut list = Chunked::recycling(&SPARES);
        for i in 0..CHUNK + 1 {
            list.push(i.to_string());
        }
        let used: Vec<*const String> = list.chunks.iter().map(|c| c.as_ptr()).collect();
        drop(list);
        assert_eq!(SPARES.lock().len(), 2, "both chunks kept");
        assert!(SPARES.lock().iter().all(Vec::is_empty), "and emptied");
        let mut next = Chunked::recycling(&SPARES);
        next.push("again".to_owned());
        assert_eq!((next.len(), next[0].as_str()), (1, "again"));
        assert_eq!(SPARES.lock().len(), 1, "one chunk taken");
        assert!(
            used.contains(&next.chunks[0].as_ptr()),
            "a kept chunk, not a new one"
        );
    }

    #[test]
    #[should_panic]
    fn indexing_past_the_end_panics_like_a_vec() {
        let mut list = Chunked::default();
        list.push(1);
        let _ = list[1];
    }
}
