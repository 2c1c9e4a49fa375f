//! The rows of a run's plain tokio tasks alive, by tokio id.
//!
//! tokio numbers its tasks from one counter for the whole process, so the tasks a run
//! spawns have ids that grow, with gaps where other runs and runtimes took numbers in
//! between. The map is a vector with a slot per number from the first plain task's, which
//! makes an insert and a look-up an index (a hash map cost 68 instructions an insert and
//! about as much a removal, in `plain_spawn_10k`). Numbers the slots cannot take
//! (below the first one, or too far past the last) go to a hash map aside, so memory
//! stays bounded whatever else the process spawns. When no plain task is alive the slots
//! start again from the next one's number.
//!
//! Looked up, never iterated: no order of it reaches a report.

use rustc_hash::FxHashMap;
use tokio::task::Id;

use crate::record::TaskIx;
use crate::record::window::number;

/// A slot with no task alive.
const EMPTY: TaskIx = TaskIx::MAX;

/// Slots at most past the first number: 16 MiB of them. Past that, ids go aside.
const MAX_SLOTS: u64 = 1 << 22;

/// The rows of plain tasks alive, by tokio id.
#[derive(Debug, Default)]
pub(crate) struct PlainIds {
    /// The number of slot 0.
    base: u64,
    /// The row of task number `base + i`, or [`EMPTY`].
    slots: Vec<TaskIx>,
    /// Tasks alive in `slots`.
    in_slots: usize,
    /// Tasks alive whose numbers the slots do not cover.
    aside: FxHashMap<u64, TaskIx>,
}

impl PlainIds {
    /// Whether no plain task is alive.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.in_slots == 0 && self.aside.is_empty()
    }

    /// The row of task `id`, if it is alive.
    #[inline]
    pub(crate) fn get(&self, id: Id) -> Option<TaskIx> {
        self.get_number(number(id))
    }

    #[inline]
    fn get_number(&self, n: u64) -> Option<TaskIx> {
        match self.slot(n) {
            Some(i) => Some(self.slots[i]).filter(|&ix| ix != EMPTY),
            None => self.aside.get(&n).copied(),
        }
    }

    /// Records task `id`'s row.
    #[inline]
    pub(crate) fn insert(&mut self, id: Id, ix: TaskIx) {
        self.insert_number(number(id), ix);
    }

    #[inline]
    fn insert_number(&mut self, n: u64, ix: TaskIx) {
        if self.in_slots == 0 {
            self.slots.clear();
            self.base = n;
        }
        let Some(offset) = n.checked_sub(self.base).filter(|&o| o < MAX_SLOTS) else {
            self.aside.insert(n, ix);
            return;
        };
        let i = offset as usize;
        self.in_slots += 1;
        // Most often the next number: one push (a `resize` is a call and a loop).
        if i == self.slots.len() {
            return self.slots.push(ix);
        }
        if i > self.slots.len() {
            self.slots.resize(i + 1, EMPTY);
        }
        if std::mem::replace(&mut self.slots[i], ix) != EMPTY {
            // Inserted again (never, for a tokio id): still one task.
            self.in_slots -= 1;
        }
    }

    /// Takes task `id`'s row out (it ended), if it was alive.
    #[inline]
    pub(crate) fn remove(&mut self, id: Id) -> Option<TaskIx> {
        self.remove_number(number(id))
    }

    #[inline]
    fn remove_number(&mut self, n: u64) -> Option<TaskIx> {
        match self.slot(n) {
            Some(i) => {
                let ix = std::mem::replace(&mut self.slots[i], EMPTY);
                if ix == EMPTY {
                    return None;
                }
                self.in_slots -= 1;
                Some(ix)
            }
            None => self.aside.remove(&n),
        }
    }

    /// Forgets every task, keeping the room grown (for the next run).
    pub(crate) fn clear(&mut self) {
        self.slots.clear();
        self.in_slots = 0;
        self.aside.clear();
    }

    /// The slot of number `n`, if the slots cover it.
    #[inline]
    fn slot(&self, n: u64) -> Option<usize> {
        let i = n.checked_sub(self.base)? as usize;
        (i < self.slots.len()).then_some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `count` tokio ids, in the order tokio hands them out.
    fn ids(count: usize) -> Vec<Id> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let handles: Vec<_> = (0..count).map(|_| tokio::spawn(async {})).collect();
            let ids = handles.iter().map(|h| h.id()).collect();
            for h in handles {
                h.await.unwrap();
            }
            ids
        })
    }

    /// Every id inserted is found and taken out once, through the slots, aside (an id
    /// below the first one), and after the slots emptied and started again.
    #[test]
    fn an_id_is_found_until_it_is_removed() {
        let ids = ids(6);
        let mut map = PlainIds::default();
        // The slots start at ids[2]; ids[0] comes later, below them: aside.
        map.insert(ids[2], 20);
        map.insert(ids[4], 40);
        map.insert(ids[0], 0);
        assert!(
            !map.aside.is_empty(),
            "an id below the first one goes aside"
        );
        for (i, row) in [(2, 20), (4, 40), (0, 0)] {
            assert_eq!(map.get(ids[i]), Some(row));
        }
        assert_eq!(map.get(ids[3]), None, "a gap is no task");
        assert_eq!(map.get(ids[5]), None, "past the slots is no task");
        assert_eq!(map.remove(ids[2]), Some(20));
        assert_eq!(map.remove(ids[2]), None, "removed once");
        assert_eq!(map.remove(ids[0]), Some(0));
        assert_eq!(map.remove(ids[4]), Some(40));
        assert!(map.is_empty());
        // Empty, the slots start again from the next id: ids[1] is no longer below them.
        map.insert(ids[1], 10);
        assert!(map.aside.is_empty());
        assert_eq!(map.get(ids[1]), Some(10));
        assert_eq!(map.remove(ids[1]), Some(10));
        assert!(map.is_empty());
    }

    /// A number too far past the first one goes aside: the slots stay bounded.
    #[test]
    fn a_far_number_goes_aside() {
        let mut map = PlainIds::default();
        map.insert_number(7, 1);
        map.insert_number(7 + MAX_SLOTS, 2);
        map.insert_number(6 + MAX_SLOTS, 3);
        assert_eq!(
            map.slots.len() as u64,
            MAX_SLOTS,
            "the last slot is the last taken"
        );
        assert_eq!(map.aside.len(), 1);
        for (n, row) in [(7, 1), (7 + MAX_SLOTS, 2), (6 + MAX_SLOTS, 3)] {
            assert_eq!(map.get_number(n), Some(row));
            assert_eq!(map.remove_number(n), Some(row));
        }
        assert!(map.is_empty());
    }

    /// The numbers the ids carry are tokio's: the map is keyed as `number` reads them.
    #[test]
    fn ids_are_keyed_by_their_numbers() {
        let ids = ids(2);
        let mut map = PlainIds::default();
        map.insert(ids[1], 5);
        assert_eq!(map.get_number(number(ids[1])), Some(5));
        assert_eq!(map.get(ids[0]), None);
    }
}
