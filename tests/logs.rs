//! The harness logs each bad verdict with `tracing` the moment it happens — the Rust
//! counterpart of asyncio's "Task exception was never retrieved".

use std::time::Duration;

use faultline::harness::{Builder, Failure, spawn};
use tracing_test::traced_test;

#[test]
#[traced_test]
fn a_swallowed_error_is_logged_when_it_is_dropped() {
    let report = Builder::new("tracing", "swallow")
        .run(|| async {
            drop(spawn("child", async {
                tokio::time::sleep(Duration::from_millis(40)).await;
                Err::<(), _>(Failure::new("Boom", "nobody reads me"))
            }));
        })
        .unwrap();
    assert_eq!(report.summary.swallowed, 1);
    assert!(logs_contain("error was never looked at"));
    assert!(logs_contain("task=\"child\""));
    assert!(logs_contain("at_ms=40"));
    assert!(logs_contain("task outlived its parent"));
}

#[test]
#[traced_test]
fn an_observed_error_is_not_logged() {
    let report = Builder::new("tracing", "observe")
        .run(|| async {
            let err = spawn("child", async {
                Err::<(), _>(Failure::new("Boom", "read"))
            })
            .await
            .unwrap();
            err.unwrap_err().to_string()
        })
        .unwrap();
    assert_eq!(report.summary.swallowed, 0);
    assert!(!logs_contain("never looked at"));
    assert!(!logs_contain("outlived"));
}

#[test]
#[traced_test]
fn swallowed_panics_shutdown_drops_and_stalls_are_logged() {
    let mut b = Builder::new("tracing", "all");
    b.deadline(Duration::from_secs(1));
    b.run(|| async {
        drop(spawn("panics", boom()));
        drop(spawn("forever", std::future::pending::<()>()));
    })
    .unwrap();
    assert!(logs_contain("panic was never looked at"));
    assert!(logs_contain("task dropped at shutdown"));
    b.run(std::future::pending::<()>).unwrap();
    assert!(logs_contain("task stalled"));
}

async fn boom() {
    panic!("boom")
}
