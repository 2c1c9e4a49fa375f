//! A pool of connections over a real `tokio::sync::Semaphore`, seen by the resource ledger.
//!
//! Two ways to take a connection, as in the course's lesson 02:
//! - [`Pool::lease`] returns a [`Lease`], an RAII guard: `Drop` gives the permit back,
//!   on every path out of the scope — `?`, a timeout, a cancelled task, a panic.
//! - [`Pool::checkout`] returns a [`Checkout`] that only [`Pool::checkin`] gives back
//!   (`await pool.acquire()` … `await pool.release(conn)` in Python). Dropping it without a
//!   check-in loses the permit for the rest of the run: the ledger reports it **leaked**,
//!   with the task that took it and when.
//!
//! Waiting is plain tokio: wrap either call in `tokio::time::timeout` to give up. A wait
//! that is dropped is recorded as given up.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::record::resources::{KindRec, LeaseFate, LeaseRec, PoolRec, WaitRec};
use crate::resource::{self, Handle, WaitOutcome};

/// A fixed number of connections; clone it to share (clones are the same pool).
#[derive(Debug, Clone)]
pub struct Pool {
    semaphore: Arc<Semaphore>,
    handle: Handle,
}

/// A connection taken with [`Pool::lease`]: returned to the pool when dropped.
#[must_use = "dropping a Lease returns the connection at once"]
#[derive(Debug)]
pub struct Lease {
    _permit: OwnedSemaphorePermit,
    handle: Handle,
    lease: u32,
}

/// A connection taken with [`Pool::checkout`]: only [`Pool::checkin`] returns it. Dropped
/// without a check-in, it is lost (**leaked**) for the rest of the run.
#[must_use = "a Checkout is returned only by Pool::checkin; dropping it leaks the connection"]
#[derive(Debug)]
pub struct Checkout {
    semaphore: Arc<Semaphore>,
    handle: Handle,
    lease: u32,
    checked_in: bool,
}

impl Pool {
    /// A pool named `name` with `capacity` connections (at most `Semaphore::MAX_PERMITS`;
    /// a larger capacity is clamped to it).
    pub fn new(name: impl Into<String>, capacity: usize) -> Self {
        let capacity = capacity.min(Semaphore::MAX_PERMITS);
        let rec = PoolRec {
            capacity,
            ..PoolRec::default()
        };
        Pool {
            semaphore: Arc::new(Semaphore::new(capacity)),
            handle: resource::register(name.into(), KindRec::Pool(rec)),
        }
    }

    /// Connections free right now.
    pub fn available(&self) -> usize {
        self.semaphore.available_permits()
    }

    /// Waits for a connection and returns it as a guard that gives it back when dropped.
    pub async fn lease(&self) -> Lease {
        let (permit, lease) = self.take(false).await;
        Lease {
            _permit: permit,
            handle: self.handle,
            lease,
        }
    }

    /// Waits for a connection that only [`Pool::checkin`] gives back.
    pub async fn checkout(&self) -> Checkout {
        let (permit, lease) = self.take(true).await;
        permit.forget();
        Checkout {
            semaphore: self.semaphore.clone(),
            handle: self.handle,
            lease,
            checked_in: false,
        }
    }

    /// Gives a checked-out connection back to the pool it came from (even when called on
    /// another pool: a connection cannot change pools).
    pub fn checkin(&self, mut conn: Checkout) {
        conn.checked_in = true;
        conn.semaphore.add_permits(1);
        returned(conn.handle, conn.lease);
    }

    async fn take(&self, manual: bool) -> (OwnedSemaphorePermit, u32) {
        let permit = match self.semaphore.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                let wait = resource::with(self.handle, |k, now, task| {
                    let KindRec::Pool(p) = k else { return 0 };
                    p.exhausted.get_or_insert(now);
                    p.waits.push(WaitRec {
                        task,
                        from: now,
                        until: None,
                    });
                    p.waits.len() as u32 - 1
                });
                let mut guard = WaitGuard {
                    handle: self.handle,
                    wait,
                    done: false,
                };
                let permit = self
                    .semaphore
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("faultline never closes a pool's semaphore");
                guard.done = true;
                guard.end(WaitOutcome::Acquired);
                permit
            }
        };
        let lease = resource::with(self.handle, |k, now, task| {
            let KindRec::Pool(p) = k else { return 0 };
            p.in_use += 1;
            p.peak = p.peak.max(p.in_use);
            p.leases.push(LeaseRec {
                task,
                acquired: now,
                manual,
                fate: LeaseFate::Held,
            });
            p.leases.len() as u32 - 1
        })
        .unwrap_or(0);
        (permit, lease)
    }
}

fn returned(handle: Handle, lease: u32) {
    resource::with(handle, |k, now, task| {
        if let KindRec::Pool(p) = k {
            p.in_use = p.in_use.saturating_sub(1);
            p.leases[lease as usize].fate = LeaseFate::Returned(now, task);
        }
    });
}

impl Drop for Lease {
    fn drop(&mut self) {
        returned(self.handle, self.lease);
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        if !self.checked_in {
            let lease = self.lease;
            let lost = resource::with(self.handle, |k, now, _| {
                let KindRec::Pool(p) = k else { return None };
                let rec = &mut p.leases[lease as usize];
                rec.fate = LeaseFate::Lost(now);
                Some((rec.task, rec.acquired, now))
            })
            .flatten();
            if let Some((owner, acquired, now)) = lost {
                tracing::warn!(
                    target: "faultline",
                    task = resource::task_name(self.handle, owner).as_str(),
                    acquired_ms = acquired.as_millis() as u64,
                    at_ms = now.as_millis() as u64,
                    "connection leaked: checked out and dropped without a check-in"
                );
            }
        }
    }
}

/// Records how a wait for the pool ended; a wait dropped before it got a permit gave up.
struct WaitGuard {
    handle: Handle,
    wait: Option<u32>,
    done: bool,
}

impl WaitGuard {
    fn end(&mut self, outcome: WaitOutcome) {
        if let Some(wait) = self.wait.take() {
            resource::with(self.handle, |k, now, _| {
                if let KindRec::Pool(p) = k {
                    p.waits[wait as usize].until = Some((now, outcome));
                }
            });
        }
    }
}

impl Drop for WaitGuard {
    fn drop(&mut self) {
        if !self.done {
            self.end(WaitOutcome::GaveUp);
        }
    }
}
