//! Ground truth for the resource ledger: pools (leaks, exhaustion, waits), stores (partial
//! writes, rollback on drop) and gauges, each checked against a body whose answer is known.

use std::time::Duration;

use faultline::harness::{
    Builder, Failure, Gauge, Plan, Pool, Report, ResourceReport, Store, TxOutcome, WaitOutcome,
    spawn,
};
use tokio::time::{sleep, timeout};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn pool(report: &Report, name: &str) -> faultline::harness::PoolReport {
    match report.resource(name) {
        Some(ResourceReport::Pool(p)) => p.clone(),
        other => panic!("no pool {name} in the report: {other:?}\n{report}"),
    }
}

fn store(report: &Report, name: &str) -> faultline::harness::StoreReport {
    match report.resource(name) {
        Some(ResourceReport::Store(s)) => s.clone(),
        other => panic!("no store {name} in the report: {other:?}\n{report}"),
    }
}

#[test]
fn a_leak_is_named_with_its_owner_and_virtual_time() {
    let report = Builder::new("resources", "leak")
        .run(|| async {
            let pool = Pool::new("db", 2);
            let p = pool.clone();
            let worker = spawn("worker", async move {
                sleep(ms(100)).await;
                let conn = p.checkout().await;
                sleep(ms(150)).await;
                Err::<(), _>(Failure::new("DbError", "boom"))?;
                p.checkin(conn);
                Ok::<(), Failure>(())
            });
            let _ = worker.await.map(|r| r.map_err(|e| e.to_string()));
        })
        .unwrap();
    let db = pool(&report, "db");
    assert_eq!(db.leases.len(), 1, "{report}");
    let lease = &db.leases[0];
    assert_eq!(lease.task.as_deref(), Some("worker"));
    assert_eq!(lease.acquired_ms, 100);
    assert!(lease.manual && lease.leaked);
    assert_eq!(lease.lost_ms, Some(250));
    assert_eq!(lease.returned_ms, None);
    assert_eq!(report.summary.leaked_resources, Some(1));
    assert!(!report.is_clean());
    let text = report.to_string();
    assert!(
        text.contains("LEAKED: checked out by worker at 100 ms, never returned: dropped without a check-in at 250 ms"),
        "{text}"
    );
    assert!(report.to_json().contains("\"leaked_resources\": 1"));
}

#[test]
fn a_returned_connection_is_not_reported() {
    let report = Builder::new("resources", "returned")
        .run(|| async {
            let pool = Pool::new("db", 1);
            let conn = pool.checkout().await;
            sleep(ms(10)).await;
            pool.checkin(conn);
            let lease = pool.lease().await;
            sleep(ms(10)).await;
            drop(lease);
            pool.available()
        })
        .unwrap();
    assert_eq!(report.result, "1", "both came back: the pool is whole");
    let db = pool(&report, "db");
    let returned: Vec<Option<u64>> = db.leases.iter().map(|l| l.returned_ms).collect();
    assert_eq!(returned, [Some(10), Some(20)]);
    assert!(db.leases.iter().all(|l| !l.leaked));
    assert_eq!(db.exhausted_ms, None);
    assert_eq!(report.summary.leaked_resources, Some(0));
    assert!(report.is_clean(), "{report}");
    assert!(!report.to_string().contains("LEAKED"));
}

#[test]
fn who_gave_a_connection_back_is_recorded_even_when_another_task_took_it() {
    let report = Builder::new("resources", "handover")
        .run(|| async {
            let pool = Pool::new("db", 1);
            let lease = pool.lease().await; // taken by the body
            spawn("consumer", async move {
                sleep(ms(5)).await;
                drop(lease); // given back by the consumer
            })
            .await
            .unwrap();
            let p = pool.clone();
            spawn("worker", async move {
                let conn = p.checkout().await;
                p.checkin(conn);
            })
            .await
            .unwrap();
        })
        .unwrap();
    let db = pool(&report, "db");
    let who: Vec<(Option<&str>, Option<&str>)> = (db.leases.iter())
        .map(|l| (l.task.as_deref(), l.returned_by.as_deref()))
        .collect();
    assert_eq!(
        who,
        [
            (Some("body"), Some("consumer")),
            (Some("worker"), Some("worker"))
        ]
    );
    assert!(report.to_json().contains("\"returned_by\": \"consumer\""));
}

#[test]
fn exhaustion_is_dated_and_names_who_waited_and_who_gave_up() {
    let report = Builder::new("resources", "exhausted")
        .run(|| async {
            let pool = Pool::new("db", 1);
            let p = pool.clone();
            let holder = spawn("holder", async move {
                let _lease = p.lease().await;
                sleep(ms(300)).await;
            });
            sleep(ms(100)).await;
            let p = pool.clone();
            let impatient = spawn("impatient", async move {
                timeout(ms(50), p.lease()).await.is_ok()
            });
            sleep(ms(100)).await;
            let p = pool.clone();
            let patient = spawn("patient", async move {
                let _lease = p.lease().await;
            });
            let _ = (holder.await, impatient.await, patient.await);
        })
        .unwrap();
    let db = pool(&report, "db");
    assert_eq!(db.exhausted_ms, Some(100), "{report}");
    assert_eq!(db.peak_in_use, 1);
    let waits: Vec<(Option<&str>, u64, Option<u64>, WaitOutcome)> = db
        .waits
        .iter()
        .map(|w| (w.task.as_deref(), w.from_ms, w.until_ms, w.outcome))
        .collect();
    assert_eq!(
        waits,
        [
            (Some("impatient"), 100, Some(150), WaitOutcome::GaveUp),
            (Some("patient"), 200, Some(300), WaitOutcome::Acquired),
        ]
    );
    assert_eq!(report.summary.leaked_resources, Some(0));
}

#[test]
fn a_cancelled_transaction_is_a_partial_write_unless_its_guard_rolls_back() {
    let run = |guarded: bool| {
        let mut b = Builder::new("resources", if guarded { "guard" } else { "manual" });
        b.plan(Plan::parse("@50ms cancel(writer)").unwrap());
        b.run(move || async move {
            let store = Store::new("accounts");
            let writer = spawn("writer", async move {
                if guarded {
                    let mut tx = store.transaction();
                    tx.write("alice");
                    sleep(ms(100)).await;
                    tx.write("bob");
                    tx.commit();
                } else {
                    let mut tx = store.begin();
                    tx.write("alice");
                    sleep(ms(100)).await;
                    tx.write("bob");
                    tx.commit();
                }
            });
            writer.await.is_err()
        })
        .unwrap()
    };
    let manual = run(false);
    let tx = &store(&manual, "accounts").transactions[0];
    assert_eq!(tx.task.as_deref(), Some("writer"));
    assert_eq!(tx.outcome, TxOutcome::Partial, "{manual}");
    assert_eq!(tx.writes, ["alice"]);
    assert_eq!(tx.ended_ms, Some(50));
    assert_eq!(manual.summary.partial_writes, Some(1));
    assert!(
        manual
            .to_string()
            .contains("PARTIAL WRITE: neither committed nor rolled back")
    );

    let guarded = run(true);
    let tx = &store(&guarded, "accounts").transactions[0];
    assert_eq!(tx.outcome, TxOutcome::RolledBackOnDrop, "{guarded}");
    assert_eq!(tx.ended_ms, Some(50));
    assert_eq!(guarded.summary.partial_writes, Some(0));
}

#[test]
fn a_committed_or_rolled_back_transaction_is_not_partial() {
    let report = Builder::new("resources", "tx")
        .run(|| async {
            let store = Store::new("accounts");
            let mut a = store.begin();
            a.write("alice");
            a.commit();
            let mut b = store.begin();
            b.write("bob");
            b.rollback();
        })
        .unwrap();
    let outcomes: Vec<TxOutcome> = store(&report, "accounts")
        .transactions
        .iter()
        .map(|t| t.outcome)
        .collect();
    assert_eq!(outcomes, [TxOutcome::Committed, TxOutcome::RolledBack]);
    assert_eq!(report.summary.partial_writes, Some(0));
}

#[test]
fn a_gauge_reports_its_peak_and_when() {
    let report = Builder::new("resources", "gauge")
        .run(|| async {
            let held = Gauge::new("held");
            for _ in 0..3 {
                held.add(1);
                sleep(ms(10)).await;
            }
            held.sub(2);
            held.add(1);
        })
        .unwrap();
    match report.resource("held") {
        Some(ResourceReport::Gauge(g)) => {
            assert_eq!((g.peak, g.peak_ms, g.added, g.final_value), (3, 20, 4, 2));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_run_without_resources_reports_none() {
    let report = Builder::new("resources", "none").run(|| async {}).unwrap();
    assert_eq!(report.summary.leaked_resources, None);
    assert_eq!(report.summary.partial_writes, None);
    let json = report.to_json();
    assert!(!json.contains("\"resources\":"), "{json}");
    assert!(!json.contains("leaked_resources"), "{json}");
    assert!(!report.to_string().contains("\nresources\n"));
}

#[test]
fn resources_work_outside_a_run() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool = Pool::new("db", 1);
        let conn = pool.checkout().await;
        assert_eq!(pool.available(), 0);
        pool.checkin(conn);
        drop(pool.lease().await);
        assert_eq!(pool.available(), 1);
        let store = Store::new("s");
        let mut tx = store.transaction();
        tx.write("k");
        Gauge::new("g").add(1);
    });
}

#[test]
fn a_checkout_goes_back_to_its_own_pool_and_a_huge_capacity_is_clamped() {
    let report = Builder::new("resources", "misuse")
        .run(|| async {
            let a = Pool::new("a", 1);
            let b = Pool::new("b", usize::MAX);
            let conn = a.checkout().await;
            b.checkin(conn);
            (a.available(), b.available() > 0)
        })
        .unwrap();
    assert_eq!(report.result, "(1, true)");
    assert_eq!(report.summary.leaked_resources, Some(0), "{report}");
}
