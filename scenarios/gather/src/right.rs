//! faultline:author-only — right solutions of `structured::caller` written another way,
//! that the rubric must accept (see `faultline_harness::Right`).

use faultline_harness::{Failure, Right, spawn_in};
use tokio::task::JoinSet;

use crate::{Gathered, fetch};

/// The right solutions.
pub fn entries() -> Vec<Right> {
    vec![
        // Plain tokio spawns, judged as faultline's are (the parity matrix, tests/parity.rs).
        Right::new("plain-set-spawn", |b| b.run(plain_set_spawn)),
        Right::new("drains-after-abort-all", |b| b.run(drains_after_abort_all)),
        Right::new("shutdown-at-the-first-error", |b| {
            b.run(shutdown_at_the_first_error)
        }),
    ]
}

/// Plain tokio: `set.spawn`, no names; otherwise the reference.
async fn plain_set_spawn() -> Gathered {
    let mut set = JoinSet::new();
    for i in 0..5 {
        set.spawn(async move { fetch(i).await.map(|page| (i, page)) });
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
}

/// Another order: at the first error, `shutdown()` the set (abort every other fetch and
/// wait for them to go) and return that error at once.
async fn shutdown_at_the_first_error() -> Gathered {
    let mut set = JoinSet::new();
    for i in 0..5 {
        spawn_in(&mut set, ("fetch", i), async move {
            fetch(i).await.map(|page| (i, page))
        });
    }
    let mut pages = vec![String::new(); 5];
    while let Some(joined) = set.join_next().await {
        match joined.map_err(Failure::from).and_then(|r| r) {
            Ok((i, page)) => pages[i] = page,
            Err(err) => {
                set.shutdown().await;
                return Err(vec![err]);
            }
        }
    }
    Ok(pages)
}

/// Another order: the first error breaks the loop; then `abort_all` and a drain of the
/// aborted fetches before returning it.
async fn drains_after_abort_all() -> Gathered {
    let mut set = JoinSet::new();
    for i in 0..5 {
        spawn_in(&mut set, ("fetch", i), async move {
            fetch(i).await.map(|page| (i, page))
        });
    }
    let mut pages = vec![String::new(); 5];
    let mut first = None;
    while let Some(joined) = set.join_next().await {
        match joined.map_err(Failure::from).and_then(|r| r) {
            Ok((i, page)) => pages[i] = page,
            Err(err) => {
                first = Some(err);
                break;
            }
        }
    }
    let Some(err) = first else { return Ok(pages) };
    set.abort_all();
    while set.join_next().await.is_some() {}
    Err(vec![err])
}
