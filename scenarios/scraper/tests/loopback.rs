//! faultline:author-only — runs the reference solution (a `todo!()` in the learner edition).
//!
//! The same crawl over real HTTP: a hyper server on `127.0.0.1`, on the run's own paused
//! runtime, serves the simulated site; the crawlers fetch from it through sockets.
//!
//! The server's connection tasks are spawned with plain `tokio::spawn` (as hyper's
//! examples and `axum::serve` do): each is a row named by its spawn location, judged like
//! any task. The page handler's background work is the lesson: detached in the unstructured
//! server (orphaned when the server stops), on a drained `TaskTracker` in the structured one.

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
    // The server's connection tasks, spawned with plain tokio::spawn, are rows named by
    // where they were spawned; with the visits drained on the server's tracker, the run is
    // clean.
    let connections = (report.tasks.iter())
        .filter(|t| t.name.starts_with("scenarios/scraper/src/loopback.rs:"))
        .count();
    assert!(connections > 100, "{connections}\n{report}");
    assert_eq!(report.summary.untracked, 0);
    assert!(report.is_clean(), "{report}");
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
    assert!(report.summary.swallowed > 0, "{report}");
    assert!(report.summary.outlived > 0, "{report}");
    // The visit of the slow page 2 (served at 1320 ms, 500 ms of work) was still running
    // when the crawl returned at 1600 ms and the server with it: dropped with the runtime.
    let text = report.to_string();
    let dropped = text
        .lines()
        .any(|l| l.starts_with("visit[") && l.contains("dropped at shutdown"));
    assert!(dropped, "{report}");
}
