//! (author: the fix.)

use faultline_harness::{Failure, spawn_in};
use tokio::task::JoinSet;

use crate::{Output, WORKERS, work};

/// Spawns the workers into a `JoinSet` and waits for every one; the first error is
/// returned, and dropping the set aborts the others.
pub async fn body() -> Output {
    // faultline:solution begin processor-joinset
    let mut set = JoinSet::new();
    for i in 0..WORKERS {
        spawn_in(&mut set, ("work", i), async move {
            work(i).await.map(|r| (i, r))
        });
    }
    let mut results = vec![String::new(); WORKERS];
    while let Some(joined) = set.join_next().await {
        let (i, result) = joined.map_err(Failure::from)??;
        results[i] = result;
    }
    Ok(results)
    // faultline:solution end
}
