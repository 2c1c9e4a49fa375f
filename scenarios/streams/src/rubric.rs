//! The rubric for lesson 01: what a correct `structured::pages` stream does under every plan.

use faultline_harness::{Aspect, Check, Family, Rubric};

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
         add it to the total there and then: hold one page at a time (count it on `held`), \
         never a Vec of them all",
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
    .check(Check::gauge_at_most(
        "fetches-only-what-is-read",
        Aspect::Functional,
        "a lazy stream fetches a page only when the consumer asks for the next one: nothing \
         may be produced ahead of the search, which stops after three",
        "search backlog",
        &[("none", 1), ("page-fails", 1), ("search-cancelled", 1)],
    ))
    .check(Check::gauge_at_most(
        "holds-one-page-at-a-time",
        Aspect::Functional,
        "process each page as it arrives instead of collecting them all first: memory is the \
         point of a stream",
        "summary held",
        &[("none", 1), ("page-fails", 1)],
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
        ],
    )
    // faultline:author-only begin
    .gallery(crate::gallery::entries())
    .right(crate::right::entries())
    // faultline:author-only end
}
