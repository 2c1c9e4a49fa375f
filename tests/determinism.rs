//! Same seed, same plan → the same bytes: every scenario × variant × plan, rerun.
//!
//! `FAULTLINE_RERUNS` sets the count (default 20; CI uses 100).

use faultline::harness::{Plan, line_diff};

fn reruns() -> usize {
    std::env::var("FAULTLINE_RERUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20)
}

/// Every case on every core (`default_jobs`): reruns of different cases run side by side,
/// which also shows that runs at once do not leak into each other's bytes.
#[test]
fn every_report_is_byte_identical_across_reruns() {
    let n = reruns();
    let scenarios = faultline::scenarios();
    let cases: Vec<_> = scenarios
        .iter()
        .flat_map(|scenario| {
            scenario.plans.iter().flat_map(move |plan| {
                (scenario.variants.iter()).map(move |variant| (scenario, plan.name, variant.name))
            })
        })
        .collect();
    let jobs = faultline::harness::default_jobs();
    let checked =
        faultline::harness::try_map_ordered(jobs, &cases, |&(scenario, plan, variant)| {
            let once = || {
                let r = scenario.run(variant, plan, 0).unwrap();
                (r.to_string(), r.to_json())
            };
            let first = once();
            for i in 1..n {
                let again = once();
                if again != first {
                    return Err(format!(
                        "{} / {variant} / {plan}: rerun {i} differs from the first run:\n{}{}",
                        scenario.name,
                        line_diff(&first.0, &again.0),
                        line_diff(&first.1, &again.1)
                    ));
                }
            }
            Ok(())
        })
        .unwrap_or_else(|differs| panic!("{differs}"))
        .len();
    assert!(
        checked >= 65,
        "expected every scenario's variant × plan runs (65 when this was written), checked {checked}"
    );
}

/// A body whose output is the order in which an unbiased `select!` picked its branches.
fn select_order(seed: u64) -> String {
    let mut b = faultline::harness::Builder::new("seed", "select");
    b.seed(seed).plan(Plan::none());
    b.run(|| async {
        let mut picks = String::new();
        for _ in 0..32 {
            tokio::select! {
                () = std::future::ready(()) => picks.push('a'),
                () = std::future::ready(()) => picks.push('b'),
            }
        }
        picks
    })
    .unwrap()
    .result
}

#[test]
fn the_seed_fixes_tokio_select_order() {
    const {
        assert!(
            cfg!(tokio_unstable),
            "build with --cfg tokio_unstable (.cargo/config.toml sets it)"
        )
    };
    for seed in [0, 7, 42] {
        assert_eq!(
            select_order(seed),
            select_order(seed),
            "seed {seed} gave two orders"
        );
    }
    let distinct: std::collections::BTreeSet<String> = (0..8).map(select_order).collect();
    assert!(
        distinct.len() > 1,
        "8 seeds gave one order: the seed does not reach tokio's RNG"
    );
}
