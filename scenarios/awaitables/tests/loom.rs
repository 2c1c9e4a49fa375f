//! The signals under loom, which runs every interleaving of the sender's thread with the
//! receiver's poll. Only built with `--cfg loom`:
//! `RUSTFLAGS="--cfg loom --cfg tokio_unstable" cargo test -p scenario-awaitables --test loom --release`.
#![cfg(loom)]

use loom::future::block_on;
use loom::thread;

/// Sends from another thread while this one awaits the receiver.
fn send_while_awaiting<Tx, Rx>(channel: fn() -> (Tx, Rx), send: fn(Tx))
where
    Tx: Send + 'static,
    Rx: 'static,
    Rx: Future<Output = Result<(), scenario_awaitables::signal::Closed>>,
{
    loom::model(move || {
        let (tx, rx) = channel();
        let sender = thread::spawn(move || send(tx));
        assert_eq!(block_on(rx), Ok(()));
        sender.join().unwrap();
    });
}

#[test]
fn the_correct_signal_never_loses_a_wake_up() {
    use scenario_awaitables::signal;
    send_while_awaiting(signal::channel, signal::Sender::send);
}

/// loom finds the lost wake-up as a deadlock, then aborts the process while cleaning up
/// (loom#291), so `#[should_panic]` cannot catch it: the case runs in a child process and
/// this test asserts that the child failed with loom's deadlock report.
#[test]
fn loom_finds_the_racy_signals_lost_wake_up() {
    if std::env::var_os("FAULTLINE_LOOM_CHILD").is_some() {
        use scenario_awaitables::racy;
        send_while_awaiting(racy::channel, racy::Sender::send);
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "loom_finds_the_racy_signals_lost_wake_up",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("FAULTLINE_LOOM_CHILD", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "loom did not find the race:\n{stderr}"
    );
    assert!(
        stderr.contains("deadlock"),
        "expected loom's deadlock report, got:\n{stderr}"
    );
}
