//! The same run gives the same bytes whatever the environment: `RUST_BACKTRACE` unset, `1`
//! or `full`, `RUST_LOG` unset or `trace`, with or without a subscriber of the caller's
//! that enables everything. Each case re-runs this test binary with the environment changed
//! and compares the report it prints with the one printed under a bare environment.

use std::process::Command;
use std::time::Duration;

use faultline::harness::{Builder, Failure, Report, spawn};
use tokio::time::sleep;

/// A program with every kind of text an environment could change: an `anyhow::Error`
/// (which captures a backtrace under `RUST_BACKTRACE`), a `Failure` logged at debug level
/// and in a span's field, a plain task's panic, an untraced `String` error, and a body
/// that returns an `anyhow::Error`.
fn program() -> Report {
    Builder::new("environment", "mixed")
        .run(|| async {
            let a = spawn("anyhow", async {
                sleep(Duration::from_millis(5)).await;
                Err::<(), _>(anyhow::anyhow!("the disk is full"))
            });
            let b = spawn("logged", async {
                let e = Failure::new("Timeout", "slow");
                tracing::debug!(error = %e, "retrying");
                let _span = tracing::trace_span!("attempt", error = %e).entered();
                Ok::<(), Failure>(())
            });
            let c = tokio::spawn(async { panic!("plain") });
            let d = spawn("string", async { Err::<(), String>("no".into()) });
            let _ = (a.await, b.await, c.await, d.await);
            Err::<(), _>(anyhow::anyhow!("the body failed"))
        })
        .unwrap()
}

/// A subscriber that enables everything and keeps nothing.
struct Everything;

impl tracing::Subscriber for Everything {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Prints the program's report (with a subscriber of its own when asked): run by
/// `the_same_run_gives_the_same_bytes_in_every_environment` in a child process.
#[test]
fn print_the_report_when_asked() {
    if std::env::var_os("FAULTLINE_ENV_CHILD").is_none() {
        return;
    }
    let report = if std::env::var_os("FAULTLINE_ENV_SUBSCRIBER").is_some() {
        tracing::subscriber::with_default(Everything, program)
    } else {
        program()
    };
    println!("<<<{}{}>>>", report, report.to_json());
}

fn child(env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "print_the_report_when_asked",
        "--nocapture",
        "--test-threads=1",
    ]);
    for var in ["RUST_BACKTRACE", "RUST_LIB_BACKTRACE", "RUST_LOG"] {
        cmd.env_remove(var);
    }
    cmd.env("FAULTLINE_ENV_CHILD", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (Some(a), Some(b)) = (text.find("<<<"), text.rfind(">>>")) else {
        panic!(
            "the child printed no report ({env:?}):\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    text[a + 3..b].to_owned()
}

#[test]
fn the_same_run_gives_the_same_bytes_in_every_environment() {
    let bare = child(&[]);
    assert!(
        bare.contains("the disk is full") && bare.contains("PANICKED"),
        "{bare}"
    );
    assert!(!bare.to_lowercase().contains("backtrace"), "{bare}");
    for env in [
        &[("RUST_BACKTRACE", "1")][..],
        &[("RUST_BACKTRACE", "full")],
        &[("RUST_LIB_BACKTRACE", "1")],
        &[("RUST_LOG", "trace")],
        &[("FAULTLINE_ENV_SUBSCRIBER", "1")],
        &[
            ("RUST_BACKTRACE", "1"),
            ("RUST_LOG", "trace"),
            ("FAULTLINE_ENV_SUBSCRIBER", "1"),
        ],
    ] {
        let other = child(env);
        assert!(
            other == bare,
            "the report differs under {env:?}:\n{}",
            faultline::harness::line_diff(&bare, &other)
        );
    }
}
