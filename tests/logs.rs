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
    assert!(logs_contain("error was swallowed: it was never delivered"));
    assert!(logs_contain("task=\"child\""));
    assert!(logs_contain("at_ms=40"));
    assert!(logs_contain("task outlived its owning scope"));
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
    assert!(!logs_contain("swallowed"));
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
    assert!(logs_contain(
        "panic was swallowed: its JoinError was never delivered"
    ));
    assert!(logs_contain("task dropped at shutdown"));
    b.run(std::future::pending::<()>).unwrap();
    assert!(logs_contain("task stalled"));
}

async fn boom() {
    panic!("boom")
}

#[test]
#[traced_test]
fn a_leaked_connection_and_a_partial_write_are_logged() {
    let report = Builder::new("tracing", "resources")
        .run(|| async {
            let pool = faultline::harness::Pool::new("db", 1);
            let store = faultline::harness::Store::new("accounts");
            spawn("leaker", async move {
                let conn = pool.checkout().await;
                let mut tx = store.begin();
                tx.write("alice");
                tokio::time::sleep(Duration::from_millis(30)).await;
                drop((conn, tx));
            })
            .await
            .unwrap();
        })
        .unwrap();
    assert_eq!(report.summary.leaked_resources, Some(1));
    assert_eq!(report.summary.partial_writes, Some(1));
    assert!(logs_contain("connection leaked"));
    assert!(logs_contain("partial write"));
    assert!(logs_contain("task=\"leaker\""));
    assert!(logs_contain("at_ms=30"));
}

#[test]
#[traced_test]
fn a_returned_connection_and_a_committed_transaction_are_not_logged() {
    Builder::new("tracing", "clean resources")
        .run(|| async {
            let pool = faultline::harness::Pool::new("db", 1);
            let store = faultline::harness::Store::new("accounts");
            let conn = pool.checkout().await;
            let mut tx = store.begin();
            tx.write("alice");
            tx.commit();
            pool.checkin(conn);
        })
        .unwrap();
    assert!(!logs_contain("connection leaked"));
    assert!(!logs_contain("partial write"));
}
