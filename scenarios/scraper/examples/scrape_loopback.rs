//! The crawl over real HTTP: a hyper server bound to `127.0.0.1` on an ephemeral port, on
//! the run's own paused runtime, serving the simulated site; each variant's crawler
//! fetching from it through real sockets. Prints both reports side by side, then each in
//! full.
//!
//! ```sh
//! cargo run -p scenario-scraper --example scrape-loopback
//! cargo run -p scenario-scraper --example scrape-loopback -- 'page=10%error(ServerError)'
//! ```

use faultline_harness::{Builder, Plan, side_by_side};
use scenario_scraper::loopback::{structured_over_http, unstructured_over_http};

fn main() {
    let plan = std::env::args().nth(1).unwrap_or_else(|| "none".to_owned());
    let plan = Plan::parse(&plan).expect("a valid plan");
    let builder = |variant: &str| {
        let mut b = Builder::new("scraper-loopback", variant);
        b.root("scraper").exit_on_return(true).plan(plan.clone());
        b
    };
    let unstructured = builder("unstructured")
        .run(unstructured_over_http)
        .expect("the run");
    let structured = builder("structured")
        .run(structured_over_http)
        .expect("the run");
    println!(
        "{}",
        side_by_side(&[unstructured.clone(), structured.clone()])
    );
    println!("{unstructured}\n{structured}");
}
