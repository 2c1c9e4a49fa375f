//! An append-only list kept in fixed-size chunks: growing it never moves what it holds.
//!
//! The ledger appends one record per task, up to 100,000 of them in a run. A `Vec` would
//! double and copy its whole contents about 17 times on the way (7% of a 100k-task run's
//! time, measured); chunks only allocate. Written here rather than taken from a crate
//! because it is 60 lines and the ledger needs only push, index and iterate.

use std::ops::{Index, IndexMut};

/// Records per chunk: 1,024 ledger records are about 112 KiB.
const CHUNK: usize = 1024;

/// An append-only list in chunks of [`CHUNK`] items.
#[derive(Debug)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn push(&mut self, item: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        let last = self
            .chunks
            .last_mut()
            .expect("a chunk with room was just ensured");
        last.push(item);
        self.len += 1;
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

    #[test]
    #[should_panic]
    fn indexing_past_the_end_panics_like_a_vec() {
        let mut list = Chunked::default();
        list.push(1);
        let _ = list[1];
    }
}
