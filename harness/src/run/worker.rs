//! Run threads, kept between runs.
//!
//! Every run goes on a thread of its own, so that the watchdog can give up on one that is
//! stuck. Starting a thread per run cost about 50 µs, and a fresh thread also starts with
//! cold memory (glibc gives it an arena of its own, which the run's allocations then grow
//! page by page): the same raw tokio workload measured 1.24× slower on a fresh thread than
//! on a warm one. So a thread that finished a run waits a while ([`IDLE`]) for the next.
//! A thread whose run was abandoned (stuck) or panicked outside any task is not reused.
//!
//! Written here rather than taken from a thread-pool crate: the pool must grow without
//! bound (a stuck run keeps its thread forever, and the next run must not wait for it),
//! and must never queue a run behind another; that is these 80 lines.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// A run, as handed to a thread.
pub(crate) type Job = Box<dyn FnOnce() + Send>;

/// How long an idle run thread waits for another run before it exits.
const IDLE: Duration = Duration::from_secs(2);

/// How many times a waiting thread gives up its core (`yield_now`) looking for a message
/// before it sleeps (see [`recv`]).
const YIELDS: usize = 50;

/// `rx.recv_timeout(timeout)`, but looking for the message a few times first, giving up
/// the core in between, before going to sleep. A run hands its job to a run thread and
/// the report back: two wake-ups of a sleeping thread per run, each some tens of µs on a
/// virtual machine, several times the whole cost of a short run. A run thread that has
/// just finished a run, and a caller whose run is short, usually find the next message
/// within these yields. A yield costs a system call, and gives the core to whoever wants
/// it, so a thread that finds nothing takes little from others.
pub(crate) fn recv<T>(rx: &impl Inbox<T>, timeout: Duration) -> Result<T, RecvTimeoutError> {
    for _ in 0..YIELDS {
        match rx.try_recv() {
            Ok(message) => return Ok(message),
            Err(TryRecvError::Empty) => std::thread::yield_now(),
            Err(TryRecvError::Disconnected) => return Err(RecvTimeoutError::Disconnected),
        }
    }
    rx.recv_timeout(timeout)
}

/// What [`recv`] waits on: std's channel (a run thread's jobs, many messages) or a oneshot
/// (a run's report, one message). A run's report came back through `mpsc::sync_channel(1)`
/// before: its allocation, send, receive and drop were about 2,400 instructions, 6% of an
/// empty run; the oneshot's are a few hundred.
pub(crate) trait Inbox<T> {
    fn try_recv(&self) -> Result<T, TryRecvError>;
    fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError>;
}

impl<T> Inbox<T> for Receiver<T> {
    fn try_recv(&self) -> Result<T, TryRecvError> {
        Receiver::try_recv(self)
    }

    fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
        Receiver::recv_timeout(self, timeout)
    }
}

impl<T> Inbox<T> for oneshot::Receiver<T> {
    fn try_recv(&self) -> Result<T, TryRecvError> {
        oneshot::Receiver::try_recv(self).map_err(|e| match e {
            oneshot::TryRecvError::Empty => TryRecvError::Empty,
            oneshot::TryRecvError::Disconnected => TryRecvError::Disconnected,
        })
    }

    fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
        oneshot::Receiver::recv_timeout(self, timeout).map_err(|e| match e {
            oneshot::RecvTimeoutError::Timeout => RecvTimeoutError::Timeout,
            oneshot::RecvTimeoutError::Disconnected => RecvTimeoutError::Disconnected,
        })
    }
}

/// An idle run thread: where to send it a job.
struct Worker {
    id: u64,
    jobs: Sender<Job>,
}

static POOL: Mutex<Vec<Worker>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn pool() -> MutexGuard<'static, Vec<Worker>> {
    POOL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `job` on an idle run thread, or on a new one. Never waits for a busy thread.
pub(crate) fn execute(mut job: Job) -> std::io::Result<()> {
    loop {
        let idle = pool().pop();
        match idle {
            Some(worker) => match worker.jobs.send(job) {
                Ok(()) => return Ok(()),
                // It is gone (it cannot be, while in the pool; but then try the next).
                Err(mpsc::SendError(back)) => job = back,
            },
            None => return spawn(job),
        }
    }
}

fn spawn(job: Job) -> std::io::Result<()> {
    let (jobs, inbox) = mpsc::channel::<Job>();
    jobs.send(job).expect("the receiver is right here");
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    std::thread::Builder::new()
        .name("faultline run".to_owned())
        .spawn(move || work(id, &jobs, &inbox))?;
    Ok(())
}

/// A run thread's life: run a job, offer itself for the next, exit when idle too long.
fn work(id: u64, jobs: &Sender<Job>, inbox: &Receiver<Job>) {
    loop {
        match recv(inbox, IDLE) {
            Ok(job) => {
                if catch_unwind(AssertUnwindSafe(job)).is_err() {
                    return; // its thread-locals may be left half set: not reused
                }
                pool().push(Worker {
                    id,
                    jobs: jobs.clone(),
                });
            }
            Err(RecvTimeoutError::Timeout) => {
                let mut pool = pool();
                if let Some(at) = pool.iter().position(|w| w.id == id) {
                    pool.swap_remove(at);
                    return;
                }
                // Not in the pool: a caller took it, and its job is on the way.
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `recv` hands over a message already sent (without sleeping until the timeout), says
    /// when the sender is gone, and times out when nothing comes.
    #[test]
    fn recv_finds_a_sent_message_a_gone_sender_and_nothing() {
        let (tx, rx) = mpsc::sync_channel(1);
        tx.send(7).unwrap();
        assert_eq!(recv(&rx, Duration::from_secs(3600)), Ok(7));
        assert_eq!(
            recv(&rx, Duration::from_millis(1)),
            Err(RecvTimeoutError::Timeout)
        );
        drop(tx);
        assert_eq!(
            recv(&rx, Duration::from_secs(3600)),
            Err(RecvTimeoutError::Disconnected)
        );
    }

    /// Two runs in a row reuse the thread; a panicking job's thread is not reused.
    #[test]
    fn recv_finds_a_oneshots_message_and_a_gone_sender() {
        let (tx, rx) = oneshot::channel();
        assert_eq!(
            recv(&rx, Duration::from_millis(1)),
            Err(RecvTimeoutError::Timeout)
        );
        tx.send(7).unwrap();
        assert_eq!(recv(&rx, Duration::from_secs(3600)), Ok(7));
        let (tx, rx) = oneshot::channel::<u8>();
        drop(tx);
        assert_eq!(
            recv(&rx, Duration::from_secs(3600)),
            Err(RecvTimeoutError::Disconnected)
        );
    }

    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "gives the thread time to offer itself again; no time is measured"
    )]
    fn a_thread_is_reused_unless_its_job_panicked() {
        let (tx, rx) = mpsc::channel();
        let job = |tx: Sender<std::thread::ThreadId>| -> Job {
            Box::new(move || tx.send(std::thread::current().id()).unwrap())
        };
        execute(job(tx.clone())).unwrap();
        let first = rx.recv().unwrap();
        // Other tests may take the idle thread first: look for reuse over a few runs.
        let reused = (0..50).any(|_| {
            std::thread::sleep(Duration::from_millis(1));
            execute(job(tx.clone())).unwrap();
            rx.recv().unwrap() == first
        });
        assert!(reused, "the first run's thread never ran another");

        let (ptx, prx) = mpsc::channel();
        execute(Box::new(move || {
            ptx.send(std::thread::current().id()).unwrap();
            std::panic::resume_unwind(Box::new("boom"));
        }))
        .unwrap();
        let panicked = prx.recv().unwrap();
        for _ in 0..20 {
            execute(job(tx.clone())).unwrap();
            assert_ne!(rx.recv().unwrap(), panicked, "a panicked thread was reused");
        }
    }
}
