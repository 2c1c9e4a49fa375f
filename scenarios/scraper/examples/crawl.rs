//! The structured crawler at scale: a site of 10,000 pages (or the count given) crawled on
//! the paused clock, in one run of the harness: about an hour of virtual time.
//!
//! ```sh
//! cargo run --release -p scenario-scraper --example crawl            # 10,000 pages
//! cargo run --release -p scenario-scraper --example crawl -- 2000    # another count
//! ```
//!
//! Prints the books, the gauges' peaks (requests a second against the site's limit, in
//! flight, queued: bounded whatever the site's size), the virtual time, the wall time and
//! the process's peak resident memory, and fails if a URL was lost, the client was banned
//! or the report is not clean.

use std::time::Duration;

use faultline_harness::{Builder, ResourceReport, shutdown_token};
use scenario_scraper::{
    BANNED, IN_FLIGHT, PAGES_QUEUED, PARSED_QUEUED, REJECTED, SavedFrontier, Site, WINDOW,
    structured,
};

fn main() {
    let pages: u32 = std::env::args()
        .nth(1)
        .map(|n| {
            n.replace(['_', ','], "")
                .parse()
                .expect("a number of pages")
        })
        .unwrap_or(10_000);
    let mut b = Builder::new("scraper", "structured");
    b.root("scraper")
        .exit_on_return(true)
        .deadline(Duration::from_secs(6 * 3600));
    #[allow(clippy::disallowed_methods)] // wall time is what this example measures
    let wall = std::time::Instant::now();
    let report = b
        .run(move || structured::crawl(Site::new(pages), SavedFrontier::seed(), shutdown_token()))
        .expect("the run");
    let wall = wall.elapsed();
    println!("pages:      {pages}");
    println!("result:     {}", summary(&report.result));
    for gauge in [
        WINDOW,
        REJECTED,
        BANNED,
        IN_FLIGHT,
        PAGES_QUEUED,
        PARSED_QUEUED,
    ] {
        if let Some(ResourceReport::Gauge(g)) = report.resource(gauge) {
            println!(
                "gauge:      {gauge}: peak {} at {} ms, {} added",
                g.peak, g.peak_ms, g.added
            );
        }
    }
    println!("tasks:      {}", report.tasks.len());
    println!("fault points hit: {}", report.hits.len());
    let virtual_ms = report.quiescent_ms;
    println!(
        "virtual:    {}",
        virtual_ms.map_or("not quiescent".into(), |ms| format!(
            "{ms} ms ({:.1} min)",
            ms as f64 / 60_000.0
        ))
    );
    println!("wall:       {:.2} s", wall.as_secs_f64());
    println!("peak RSS:   {}", peak_rss());
    println!("problems:   {:?}", report.problems());
    assert!(report.result.contains(" lost: 0,"), "URLs lost");
    assert!(report.is_clean(), "{report}");
}

/// The result without its list of failed pages.
fn summary(result: &str) -> &str {
    result.split(", last_errors").next().unwrap_or(result)
}

/// The process's peak resident set (`VmHWM` in `/proc/self/status`, Linux).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l[6..].trim().to_owned())
        })
        .unwrap_or_else(|| "n/a (no /proc/self/status)".to_owned())
}
