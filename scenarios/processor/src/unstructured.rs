//! (author: the pattern that breaks.)

use faultline_harness::{Failure, spawn};

use crate::{Output, work};

/// Spawns the workers, awaits the first and detaches the rest: they outlive the body and
/// their errors are never looked at.
pub async fn body() -> Output {
    let first = spawn(("work", 0), work(0));
    drop(spawn(("work", 1), work(1)));
    Ok(vec![first.await.map_err(Failure::from)??])
}
