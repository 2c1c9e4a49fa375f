//! faultline:author-only — runs the reference solution (a `todo!()` in the learner edition).
//!
//! The same crawl over real HTTP: a hyper server on `127.0.0.1`, on the run's own paused
//! runtime, serves the simulated site; the crawlers fetch from it through sockets.
//!
//! The server's connection tasks are spawned with plain `tokio::spawn` (as hyper's
//! examples and `axum::serve` do), so today's report counts them as UNTRACKED: asserted
//! here, not hidden. The page handler's background work is the lesson: detached in the
//! unstructured server (orphaned when the server stops), on a drained `TaskTracker` in the
//! structured one.

use faultline_harness::{Builder, Plan, Report};
use scenario_scraper::loopback::{structured_over_http, unstructured_over_http};

fn run(variant: &str, plan: &str) -> Report {
    let mut b = Builder::new("scraper-loopback", variant);
    b.root("scraper")
        .exit_on_return(true)
        .plan(Plan::parse(plan).expect("a valid plan"));
    match variant {
        "structured" => b.run(structured_over_http),
        _ => b.run(unstructured_over_http),
    }
    .expect("the run")
}

#[test]
fn structured_over_loopback_fetches_every_page_and_drains_its_background_work() {
    let report = run("structured", "page=10%error(ServerError)");
    assert!(report.result.contains(" lost: 0,"), "{}", report.result);
    assert!(
        report.result.contains(" fetched: 197,"),
        "{}",
        report.result
    );
    assert!(report.result.contains(" left: 0,"), "{}", report.result);
    // The server's connection tasks, spawned with plain tokio::spawn: untracked, and the
    // only problem of the run.
    assert!(report.summary.untracked > 0, "{report}");
    let problems: Vec<String> = report.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("UNTRACKED"), "{problems:?}");
    // Every visit recorded in the background ran to its end on the tracker.
    let visits: Vec<_> = report
        .tasks
        .iter()
        .filter(|t| t.name.starts_with("visit["))
        .collect();
    assert!(visits.len() >= 197, "{}", visits.len());
}

#[test]
fn unstructured_over_loopback_is_banned_and_orphans_its_background_work() {
    let report = run("unstructured", "page=10%error(ServerError)");
    assert!(report.result.contains(" fetched: 4,"), "{}", report.result);
    assert!(report.summary.untracked > 0, "{report}");
    assert!(report.summary.swallowed > 0, "{report}");
    // The visit of the slow page 2 (served at 1320 ms, 500 ms of work) was still running
    // when the crawl returned at 1600 ms and the server with it: dropped with the runtime.
    // (It was spawned from an untracked connection task, so it has no owning scope to
    // outlive: only its end shows.)
    let text = report.to_string();
    let dropped = text
        .lines()
        .any(|l| l.starts_with("visit[") && l.contains("dropped at shutdown"));
    assert!(dropped, "{report}");
}
