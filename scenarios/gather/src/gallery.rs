//! faultline:author-only — wrong solutions of `structured::caller` that the rubric must
//! reject, each written as a learner might (see `faultline_harness::Wrong`).

use faultline_harness::{Failure, Wrong, spawn, spawn_in};
use tokio::task::JoinSet;

use crate::{Gathered, fetch};

/// The wrong solutions, each with the checks that reject it.
pub fn entries() -> Vec<Wrong> {
    const HINT: &str = "gather-joinset";
    vec![
        Wrong::new(
            "unwraps-cancelled-siblings",
            HINT,
            |b| b.run(unwraps_cancelled_siblings),
            &["no-panics"],
        ),
        Wrong::new(
            "awaits-one-by-one",
            HINT,
            |b| b.run(awaits_one_by_one),
            &["done-within-budget"],
        ),
        Wrong::new(
            "spawns-detached",
            HINT,
            |b| b.run(spawns_detached),
            &["done-within-budget", "no-orphans"],
        ),
        Wrong::new(
            "forgets-abort-all",
            HINT,
            |b| b.run(forgets_abort_all),
            &["done-within-budget"],
        ),
        Wrong::new(
            "keeps-only-the-pages",
            HINT,
            |b| b.run(keeps_only_the_pages),
            &["surfaces-the-error", "no-discarded-errors"],
        ),
        Wrong::new(
            "drops-join-errors",
            HINT,
            |b| b.run(drops_join_errors),
            &["surfaces-the-error", "no-discarded-errors"],
        ),
    ]
}

/// Mistake: skips every cancelled `JoinError`, then `unwrap()`s a page a cancelled fetch never gave.
async fn unwraps_cancelled_siblings() -> Gathered {
    let mut set = JoinSet::new();
    for i in 0..5 {
        spawn_in(&mut set, ("fetch", i), async move {
            fetch(i).await.map(|page| (i, page))
        });
    }
    let mut pages: Vec<Option<String>> = vec![None; 5];
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok((i, page))) => pages[i] = Some(page),
            Ok(Err(err)) => {
                errors.push(err);
                set.abort_all();
            }
            Err(join) if join.is_cancelled() => {}
            Err(join) => {
                errors.push(Failure::from(join));
                set.abort_all();
            }
        }
    }
    if errors.is_empty() {
        Ok(pages.into_iter().map(|page| page.unwrap()).collect())
    } else {
        Err(errors)
    }
}

/// Mistake: awaits each fetch in turn, so the five take the sum of their times, not the longest.
async fn awaits_one_by_one() -> Gathered {
    let mut pages = Vec::new();
    for i in 0..5 {
        pages.push(fetch(i).await.map_err(|err| vec![err])?);
    }
    Ok(pages)
}

/// Mistake: spawns detached tasks and awaits their handles in order: a cancelled caller leaves them running.
async fn spawns_detached() -> Gathered {
    let handles: Vec<_> = (0..5).map(|i| spawn(("fetch", i), fetch(i))).collect();
    let mut pages = Vec::new();
    let mut errors = Vec::new();
    for handle in handles {
        match handle.await.map_err(Failure::from).and_then(|r| r) {
            Ok(page) => pages.push(page),
            Err(err) => errors.push(err),
        }
    }
    if errors.is_empty() {
        Ok(pages)
    } else {
        Err(errors)
    }
}

/// Mistake: collects every error but never aborts the rest: the caller waits for fetches whose pages it will throw away.
async fn forgets_abort_all() -> Gathered {
    let mut set = JoinSet::new();
    for i in 0..5 {
        spawn_in(&mut set, ("fetch", i), async move {
            fetch(i).await.map(|page| (i, page))
        });
    }
    let mut pages = vec![String::new(); 5];
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined.map_err(Failure::from).and_then(|r| r) {
            Ok((i, page)) => pages[i] = page,
            Err(err) => errors.push(err),
        }
    }
    if errors.is_empty() {
        Ok(pages)
    } else {
        Err(errors)
    }
}

/// Mistake: keeps the pages that arrived with `.ok()` and drops the errors unread.
async fn keeps_only_the_pages() -> Gathered {
    let mut set = JoinSet::new();
    for i in 0..5 {
        spawn_in(&mut set, ("fetch", i), async move {
            fetch(i).await.map(|page| (i, page))
        });
    }
    let mut pages = vec![String::new(); 5];
    while let Some(joined) = set.join_next().await {
        if let Some((i, page)) = joined.ok().and_then(Result::ok) {
            pages[i] = page;
        }
    }
    Ok(pages)
}

/// Mistake: handles a fetch's `Err` but ignores a `JoinError` with `Err(_) => {}`: a fetch that panics is forgotten.
async fn drops_join_errors() -> Gathered {
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
            Err(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(pages)
    } else {
        Err(errors)
    }
}
