//! The cores that a parallel map's runs share (`catalog::parallel`), and a waiting run
//! giving its core back.
//!
//! A worker of the map holds one of its `jobs` cores while its run works. A run that sits
//! idle — its runtime parked with no timer and no blocking job, waiting in wall time for
//! something outside the runtime that may never come (the idle grace, see `run.rs`) —
//! uses no core, so the run's watchdog calls [`waiting`] and another run starts meanwhile.
//! A grade of 200 runs that each wait out the one-second grace (a wrong solution whose
//! `TaskTracker::wait` never ends) then takes seconds, not 200 of them one after another.
//! Only throughput depends on it: the map keeps its results in order whatever runs when.
//!
//! A `Mutex` and a `Condvar` rather than a semaphore crate: std has none, and a permit
//! here must be given back by whichever code on the thread finds the run idle, which a
//! guard tied to a scope cannot express.

use std::cell::RefCell;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// A fixed number of cores, taken and given back by threads.
pub(crate) struct Cores {
    free: Mutex<usize>,
    freed: Condvar,
}

thread_local! {
    /// The cores of which this thread holds one now, if any.
    static HELD: RefCell<Option<Arc<Cores>>> = const { RefCell::new(None) };
}

impl Cores {
    /// `n` free cores.
    pub(crate) fn new(n: usize) -> Arc<Self> {
        Arc::new(Self {
            free: Mutex::new(n),
            freed: Condvar::new(),
        })
    }

    /// Waits for a free core and holds it for this thread, until [`Cores::release`] (or
    /// [`waiting`]) on this thread gives it back, or the returned guard is dropped.
    pub(crate) fn hold(self: &Arc<Self>) -> Holding {
        Cores::release(); // a thread holds one core at most
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        drop(free);
        HELD.with(|held| *held.borrow_mut() = Some(Arc::clone(self)));
        Holding(())
    }

    /// Gives back the core this thread holds, if it holds one.
    pub(crate) fn release() {
        let Some(cores) = HELD.with(|held| held.borrow_mut().take()) else {
            return;
        };
        *cores.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        cores.freed.notify_one();
    }
}

/// Gives this thread's core back when dropped (if it still holds one), unwinding too.
#[must_use = "the core is given back when this is dropped"]
pub(crate) struct Holding(());

impl Drop for Holding {
    fn drop(&mut self) {
        Cores::release();
    }
}

/// The run on this thread sits idle: the core this thread holds, if any, goes to another
/// run. Called by a run's watchdog, on the thread that started the run.
pub(crate) fn waiting() {
    Cores::release();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// At most `n` threads hold a core at once; a thread that gives its core back early
    /// lets another start while it goes on.
    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "holds a core a while, and gives up a wait after 5 s"
    )]
    fn at_most_n_hold_a_core_and_a_waiting_one_lets_another_in() {
        let cores = Cores::new(2);
        let (holding, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    let _core = cores.hold();
                    let now = holding.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    holding.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 2);
        // Two threads that wait (give their core back) and still go on: all four are in at
        // once with two cores.
        let inside = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    let _core = cores.hold();
                    waiting();
                    inside.fetch_add(1, Ordering::SeqCst);
                    let start = std::time::Instant::now();
                    while inside.load(Ordering::SeqCst) < 4
                        && start.elapsed() < std::time::Duration::from_secs(5)
                    {
                        std::thread::yield_now();
                    }
                });
            }
        });
        assert_eq!(inside.load(Ordering::SeqCst), 4);
        assert_eq!(*cores.free.lock().unwrap(), 2, "every core came back");
    }
}
