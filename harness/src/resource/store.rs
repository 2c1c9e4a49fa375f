//! A small simulated transactional store, seen by the resource ledger.
//!
//! Two ways to run a transaction, as in the course's lesson 02:
//! - [`Store::begin`] returns a [`Tx`]: `BEGIN` sent by hand. Only [`Tx::commit`] or
//!   [`Tx::rollback`] ends it; dropping it ends nothing (the server still holds it open), so
//!   a `?`, a timeout or a cancelled task between `begin` and `commit` leaves a **partial
//!   write**: a transaction neither committed nor rolled back when its task ended.
//! - [`Store::transaction`] returns a [`TxGuard`]: the same calls, and a `Drop` that rolls
//!   back whatever was not committed.
//!
//! ## Async cleanup without async `Drop`
//! Rust has no async `Drop`, so a guard cannot `.await` a `ROLLBACK`. This guard rolls back
//! **synchronously in `Drop`**: the store is in memory, so discarding the uncommitted writes
//! is a plain function call that cannot fail, block or be cancelled, and it happens at the
//! exact virtual instant the task is cancelled, also at runtime shutdown. The alternative —
//! `Drop` spawning a cleanup task that awaits the rollback — was rejected: that task is
//! itself detached and cancellable, it is dropped unrun when the runtime is shutting down,
//! and it races with the next user of the connection. Real drivers with network I/O do the
//! synchronous half of this (sqlx marks the connection "rollback pending" in `Drop` and
//! sends the `ROLLBACK` before the connection's next use); the rule is the same: `Drop`
//! only records or discards, never awaits.

use crate::record::resources::{KindRec, StoreRec, TxRec};
use crate::resource::{self, Handle, TxOutcome};

/// A transactional store; clones are the same store.
#[derive(Debug, Clone)]
pub struct Store {
    handle: Handle,
}

/// A transaction begun by hand ([`Store::begin`]): dropping it does **not** end it.
#[must_use = "a Tx stays open until commit() or rollback(): dropping it leaves a partial write"]
#[derive(Debug)]
pub struct Tx {
    handle: Handle,
    tx: u32,
    ended: bool,
}

/// A transaction guard ([`Store::transaction`]): rolled back on `Drop` unless committed.
#[must_use = "dropping a TxGuard rolls the transaction back at once"]
#[derive(Debug)]
pub struct TxGuard {
    tx: Tx,
}

impl Store {
    /// A store named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Store {
            handle: resource::register(name.into(), KindRec::Store(StoreRec::default())),
        }
    }

    /// `BEGIN`, by hand: end it with [`Tx::commit`] or [`Tx::rollback`] on every path.
    pub fn begin(&self) -> Tx {
        let tx = resource::with(self.handle, |k, now, task| {
            let KindRec::Store(s) = k else { return 0 };
            s.txs.push(TxRec {
                task,
                begun: now,
                writes: Vec::new(),
                fate: None,
            });
            s.txs.len() as u32 - 1
        })
        .unwrap_or(0);
        Tx {
            handle: self.handle,
            tx,
            ended: false,
        }
    }

    /// `BEGIN`, guarded: rolled back when dropped uncommitted.
    pub fn transaction(&self) -> TxGuard {
        TxGuard { tx: self.begin() }
    }
}

impl Tx {
    /// Writes `key` inside the transaction.
    pub fn write(&mut self, key: impl Into<String>) {
        let key = key.into();
        let tx = self.tx;
        resource::with(self.handle, |k, _, _| {
            if let KindRec::Store(s) = k {
                s.txs[tx as usize].writes.push(key);
            }
        });
    }

    /// `COMMIT`.
    pub fn commit(mut self) {
        self.end(TxOutcome::Committed);
    }

    /// `ROLLBACK`.
    pub fn rollback(mut self) {
        self.end(TxOutcome::RolledBack);
    }

    fn end(&mut self, outcome: TxOutcome) {
        self.ended = true;
        let tx = self.tx;
        let ended = resource::with(self.handle, |k, now, _| {
            let KindRec::Store(s) = k else { return None };
            let rec = &mut s.txs[tx as usize];
            if rec.fate.is_some() {
                return None;
            }
            rec.fate = Some((now, outcome));
            Some((rec.task, now))
        })
        .flatten();
        if let (Some((owner, now)), TxOutcome::Partial) = (ended, outcome) {
            tracing::warn!(
                target: "faultline",
                task = resource::task_name(self.handle, owner).as_str(),
                at_ms = now.as_millis() as u64,
                "partial write: a transaction was dropped neither committed nor rolled back"
            );
        }
    }
}

impl Drop for Tx {
    /// Ends nothing: records when the last handle on an open transaction went away.
    fn drop(&mut self) {
        if !self.ended {
            self.end(TxOutcome::Partial);
        }
    }
}

impl TxGuard {
    /// Writes `key` inside the transaction.
    pub fn write(&mut self, key: impl Into<String>) {
        self.tx.write(key);
    }

    /// `COMMIT`.
    pub fn commit(mut self) {
        self.tx.end(TxOutcome::Committed);
    }

    /// `ROLLBACK`.
    pub fn rollback(mut self) {
        self.tx.end(TxOutcome::RolledBack);
    }
}

impl Drop for TxGuard {
    /// Rolls back synchronously if the transaction is still open (see the module doc).
    fn drop(&mut self) {
        if !self.tx.ended {
            self.tx.end(TxOutcome::RolledBackOnDrop);
        }
    }
}
