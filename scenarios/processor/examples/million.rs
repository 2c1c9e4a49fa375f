//! The structured processor at scale: 1,000,000 events (or the count given) through the
//! readers, the windower and the sink on the paused clock, in one run of the harness.
//!
//! ```sh
//! cargo run --release -p scenario-processor --example million            # 1,000,000 events
//! cargo run --release -p scenario-processor --example million -- 200000  # another count
//! ```
//!
//! Prints the books, the gauges' peaks (the memory the pipeline held: bounded by the
//! channels' capacities), the virtual time, the wall time and the process's peak resident
//! memory, and fails if an event was lost or the report is not clean.

use faultline_harness::{Builder, ResourceReport};
use scenario_processor::{BACKLOG, BATCH_MAX, EVENT_CAPACITY, QUEUED, SINK_CAPACITY, structured};

fn main() {
    let events: u64 = std::env::args()
        .nth(1)
        .map(|n| n.replace('_', "").parse().expect("a number of events"))
        .unwrap_or(1_000_000);
    let mut b = Builder::new("processor", "structured");
    b.root("main").exit_on_return(true);
    #[allow(clippy::disallowed_methods)] // wall time is what this example measures
    let wall = std::time::Instant::now();
    let report = b.run(move || structured::process(events)).expect("the run");
    let wall = wall.elapsed();
    println!("events:     {events}");
    println!("result:     {}", report.result);
    for gauge in [QUEUED, BACKLOG] {
        if let Some(ResourceReport::Gauge(g)) = report.resource(gauge) {
            println!(
                "gauge:      {gauge}: peak {} at {} ms, {} added",
                g.peak, g.peak_ms, g.added
            );
        }
    }
    println!(
        "ceilings:   {QUEUED} ≤ {} ({EVENT_CAPACITY} batches of ≤ {BATCH_MAX}), {BACKLOG} ≤ {SINK_CAPACITY}",
        EVENT_CAPACITY * BATCH_MAX
    );
    println!("fault points hit: {}", report.hits.len());
    println!(
        "virtual:    {} ms",
        report
            .quiescent_ms
            .map_or("not quiescent".into(), |ms| ms.to_string())
    );
    println!("wall:       {:.2} s", wall.as_secs_f64());
    println!("peak RSS:   {}", peak_rss());
    println!("problems:   {:?}", report.problems());
    assert!(
        report.result.contains(" lost: 0,"),
        "events lost:\n{}",
        report.result
    );
    assert!(report.is_clean(), "{report}");
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
