//! faultline:author-only — runs the reference solution (a `todo!()` in the learner edition).
//!
//! A stopped crawl keeps its frontier, and a second run resumes where the first stopped:
//! between them every page the site can serve is stored exactly once.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use faultline_harness::{Builder, Plan, Report, ResourceReport, TxOutcome};
use scenario_scraper::{PageSpec, SavedFrontier, page_of, structured};

/// The pages the store `pages` committed in `report`, from the rows written.
fn stored(report: &Report) -> Vec<u32> {
    let Some(ResourceReport::Store(store)) = report.resource("pages") else {
        return Vec::new();
    };
    store
        .transactions
        .iter()
        .filter(|t| t.outcome == TxOutcome::Committed)
        .flat_map(|t| &t.writes)
        .filter_map(|row| page_of(row.split(' ').next()?))
        .collect()
}

fn builder(plan: &str) -> Builder {
    let mut b = Builder::new("scraper", "structured");
    b.root("scraper")
        .exit_on_return(true)
        .plan(Plan::parse(plan).expect("a valid plan"));
    b
}

#[test]
fn a_stopped_crawl_resumes_where_it_stopped() {
    let saved: Arc<Mutex<Option<SavedFrontier>>> = Arc::default();
    let keep = saved.clone();
    let first = builder("@20s shutdown")
        .run(move || async move {
            let crawl = structured::scraper().await;
            *keep.lock().unwrap() = Some(crawl.frontier.clone());
            crawl
        })
        .unwrap();
    assert!(first.is_clean(), "{first}");
    let frontier = saved
        .lock()
        .unwrap()
        .take()
        .expect("the first run kept its frontier");
    assert!(!frontier.queue.is_empty(), "{first}");
    assert!(first.result.contains(" lost: 0,"), "{}", first.result);

    let second = builder("none")
        .run(move || structured::resume(frontier))
        .unwrap();
    assert!(second.is_clean(), "{second}");
    assert!(second.result.contains(" lost: 0,"), "{}", second.result);
    assert!(second.result.contains(" left: 0,"), "{}", second.result);

    let (a, b) = (stored(&first), stored(&second));
    let (once_a, once_b): (BTreeSet<u32>, BTreeSet<u32>) =
        (a.iter().copied().collect(), b.iter().copied().collect());
    assert_eq!(once_a.len(), a.len(), "the first run stored a page twice");
    assert_eq!(once_b.len(), b.len(), "the second run stored a page twice");
    assert!(
        once_a.is_disjoint(&once_b),
        "the second run fetched again: {:?}",
        once_a.intersection(&once_b).collect::<Vec<_>>()
    );
    let all: BTreeSet<u32> = once_a.union(&once_b).copied().collect();
    let fetchable: BTreeSet<u32> = (0..scenario_scraper::PAGES)
        .filter(|&p| !PageSpec::new(p, scenario_scraper::PAGES).broken)
        .collect();
    assert_eq!(all, fetchable);
    assert!(!a.is_empty() && !b.is_empty());
}
