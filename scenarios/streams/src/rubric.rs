//! The rubric for lesson 01: what a correct `structured::pages` stream does under every plan.

use faultline_harness::{Aspect, Check, Family, Miss, Observation, Report, Rubric};

/// The rubric: the reference is `structured`; `unstructured` and a stub that returns at
/// once fail it.
pub fn rubric() -> Rubric {
    Rubric::new(
        "streams",
        "01 async generators vs a producer task",
        "scenarios/streams/src/structured.rs",
    )
    .stub(|b| b.run(|| async { crate::Outcome::Ok((Vec::new(), 0)) }))
    .hint(
        "streams-generator",
        "no task and no channel: futures::stream::unfold, whose state is the next page to \
         fetch (none after an error or past PAGES); each step awaits fetch_page(i), adds 1 \
         to a clone of `buffered`, and yields the Result; subtract each page read with \
         .inspect(..), then .boxed()",
    )
    .hint(
        "streams-process-as-it-arrives",
        "read the stream with while let Some(page) = pages.next().await, `?` each item, and \
         add page.number() to the total there and then: hold one page at a time, never a \
         Vec of them all, nor the previous page while you wait for the next",
    )
    .check(Check::returns(
        "returns-search-and-total",
        "with no fault: the search finds pages 0, 1 and 2, and the summary adds up all 20",
        &[("none", "Ok(([0, 1, 2], 190))")],
    ))
    .check(Check::returns(
        "surfaces-the-page-error",
        "a page that fails is the stream's next item: the consumer's `?` must return it, \
         not a total of the pages before it",
        &[("page-fails", "Err(HttpError: injected at page[5])")],
    ))
    .check(fetches_only_what_is_read())
    .check(Check::gauge_never_above(
        "holds-one-page-at-a-time",
        Aspect::Functional,
        "process each page as it arrives instead of collecting them all first, and let it go \
         before asking for the next: memory is the point of a stream",
        "pages held",
        1,
    ))
    .check(Check::within(
        "done-within-budget",
        "when the search is cancelled nothing may keep fetching for it: the stream lives \
         inside the consumer and goes with it",
        &[
            ("none", 1380),
            ("page-fails", 490),
            ("search-cancelled", 100),
        ],
    ))
    .checks(Check::lifecycle())
    // Every single-fault plan too, but a hang at a page stalls any consumer that waits for
    // it, a lazy stream's included: bounding that wait is lesson 06's.
    .sweep(&[
        "holds-one-page-at-a-time",
        "no-orphans",
        "no-swallowed-errors",
        "no-discarded-errors",
        "no-tasks-dropped-at-shutdown",
        "no-untracked-tasks",
        "no-panics",
    ])
    // A cancel of the search at every 20 ms, and pairs of faults: nothing outlives it.
    .family(
        Family::new(&[
            "holds-one-page-at-a-time",
            "no-orphans",
            "no-swallowed-errors",
            "no-discarded-errors",
            "no-tasks-dropped-at-shutdown",
            "no-untracked-tasks",
            "no-panics",
        ])
        .cancels("search", 20, 300)
        .faults(4, 2),
    )
    .expect_fail(
        "unstructured",
        &[
            "surfaces-the-page-error",
            "fetches-only-what-is-read",
            "holds-one-page-at-a-time",
            "done-within-budget",
            "no-orphans",
            "no-swallowed-errors",
            "matches-the-reference",
        ],
    )
    // What every correct solution shows as the reference does (recorded data).
    .differential(
        vec![
            Observation::result(),
            Observation::hits("pages read", "page"),
        ],
        include_str!("../reference.txt"),
    )
    // faultline:author-only begin
    .gallery(crate::gallery::entries())
    .right(crate::right::entries())
    // faultline:author-only end
}

/// The promise "a page is fetched only when it is read", counted at the scenario's fault
/// point `page` (never by the learner's gauges): under each named plan, the pages the
/// consumers read — 3 for the search and 20 for the summary with no fault; 3, then pages
/// 0–5 of which the sixth fails, under `page-fails`; pages 0 and 1 before the search is
/// cancelled at 100 ms (the body then fails and no summary runs).
fn fetches_only_what_is_read() -> Check {
    const READ: &[(&str, usize)] = &[("none", 23), ("page-fails", 9), ("search-cancelled", 2)];
    Check::new(
        "fetches-only-what-is-read",
        Aspect::Functional,
        "a lazy stream fetches a page only when the consumer asks for the next one: nothing \
         may be fetched ahead of the consumer, nor for a search that stopped after three",
        |r: &Report| {
            let plan = r.plan_name.as_deref().unwrap_or_default();
            let Some(&(_, read)) = READ.iter().find(|(p, _)| *p == plan) else {
                return Ok(());
            };
            let fetched = r.hits.iter().filter(|h| h.point == "page").count();
            if fetched <= read {
                return Ok(());
            }
            let last = r.hits.iter().rfind(|h| h.point == "page");
            Err(Miss::run(
                format!("at most {read} pages fetched (hits of page[i]): the pages read"),
                match last {
                    Some(h) => format!(
                        "{fetched} fetched, the last page[{}] at {} ms in {}",
                        h.key.as_deref().unwrap_or("?"),
                        h.at_ms,
                        h.task.as_deref().unwrap_or("an untracked task")
                    ),
                    None => format!("{fetched} fetched"),
                },
            ))
        },
    )
    .only(&["none", "page-fails", "search-cancelled"])
}
