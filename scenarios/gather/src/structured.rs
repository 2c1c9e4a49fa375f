//! `asyncio.TaskGroup`: a `JoinSet` that cancels the rest at the first error.

use faultline_harness::{Failure, spawn_in};
use tokio::task::JoinSet;

use crate::{Gathered, fetch};

/// Spawns the five fetches into a `JoinSet`; at the first error aborts the others, and
/// returns every error seen (the `ExceptionGroup` counterpart). Dropping the set — when
/// this future is cancelled — aborts whatever is still running.
pub async fn caller() -> Gathered {
    // faultline:solution begin gather-joinset
    let mut set = JoinSet::new();
    for i in 0..5 {
        spawn_in(&mut set, ("fetch", i), async move {
            fetch(i).await.map(|page| (i, page))
        });
    }
    let mut pages = vec![String::new(); 5];
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok((i, page))) => pages[i] = page,
            Ok(Err(err)) => {
                errors.push(err);
                set.abort_all();
            }
            // Cancelled by our own abort_all: expected. Any other cancellation is an error.
            Err(join) if join.is_cancelled() && !errors.is_empty() => {}
            Err(join) => {
                errors.push(Failure::from(join));
                set.abort_all();
            }
        }
    }
    if errors.is_empty() {
        Ok(pages)
    } else {
        Err(errors)
    }
    // faultline:solution end
}
