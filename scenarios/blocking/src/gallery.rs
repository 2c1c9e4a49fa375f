//! faultline:author-only — wrong solutions of `structured::handle` that the rubric must
//! reject, each written as a learner might (see `faultline_harness::Wrong`).

use faultline_harness::{Failure, Wrong, spawn};

use crate::{Hashed, hash, heartbeat, read_row};

/// The wrong solutions, each with the checks that reject it.
pub fn entries() -> Vec<Wrong> {
    const HINT: &str = "blocking-spawn-blocking";
    vec![
        Wrong::new(
            "block-in-place",
            HINT,
            |b| b.run(|| caller(block_in_place)),
            &["returns-every-hash", "no-panics"],
        ),
        Wrong::new(
            "hashes-in-a-task-of-its-own",
            HINT,
            |b| b.run(|| caller(hashes_in_a_task_of_its_own)),
            &["no-blocked-executor"],
        ),
        Wrong::new(
            "joins-a-thread",
            HINT,
            |b| b.run(|| caller(joins_a_thread)),
            &["no-blocked-executor"],
        ),
        Wrong::new(
            "hashes-an-empty-password-on-error",
            HINT,
            |b| b.run(|| caller(hashes_an_empty_password_on_error)),
            &["surfaces-the-error", "no-discarded-errors"],
        ),
        Wrong::new(
            "detaches-the-hash",
            HINT,
            |b| b.run(|| caller(detaches_the_hash)),
            &["returns-every-hash"],
        ),
    ]
}

/// The reference's `caller`, with `handle` in place of `structured::handle`.
pub(crate) async fn caller<H, F>(handle: H) -> Hashed
where
    H: Fn(usize) -> F,
    F: Future<Output = Result<String, Failure>> + Send + 'static,
{
    let beat = spawn("heartbeat", heartbeat());
    let requests: Vec<_> = (0..3).map(|i| spawn(("request", i), handle(i))).collect();
    let mut results = Vec::new();
    for request in requests {
        results.push(request.await.map_err(Failure::from)?);
    }
    beat.await.map_err(Failure::from)?;
    results.into_iter().collect()
}

/// Mistake: `block_in_place`, which panics on a current-thread runtime (`#[tokio::test]`'s kind, and this one).
async fn block_in_place(i: usize) -> Result<String, Failure> {
    let password = read_row(i).await?;
    Ok(tokio::task::block_in_place(|| hash(&password)))
}

/// Mistake: moves the hash into a task of its own, which still runs on the executor's thread.
async fn hashes_in_a_task_of_its_own(i: usize) -> Result<String, Failure> {
    let password = read_row(i).await?;
    Ok(spawn(("hash", i), async move { hash(&password) }).await?)
}

/// Mistake: hashes on a thread of its own but `join()`s it from async code, blocking until it ends.
async fn joins_a_thread(i: usize) -> Result<String, Failure> {
    let password = read_row(i).await?;
    let thread = std::thread::spawn(move || hash(&password));
    thread
        .join()
        .map_err(|_| Failure::new("Panicked", "the hash thread panicked"))
}

/// Mistake: reads the row with `unwrap_or_default()`: a failed read hashes an empty password.
async fn hashes_an_empty_password_on_error(i: usize) -> Result<String, Failure> {
    let password = read_row(i).await.unwrap_or_default();
    Ok(tokio::task::spawn_blocking(move || hash(&password)).await?)
}

/// Mistake: starts the hash with `spawn_blocking` and returns without awaiting it.
async fn detaches_the_hash(i: usize) -> Result<String, Failure> {
    let password = read_row(i).await?;
    drop(tokio::task::spawn_blocking(move || hash(&password)));
    Ok(String::new())
}
