//! faultline:author-only — steps the reference `signal` receiver, which the learner edition
//! leaves as the lesson 04 exercise (`todo!()`); not exported to learners.
//!
//! Each receiver stepped by hand with tokio-test: no runtime, no sleeping.

use scenario_awaitables::{forgetful, racy, signal};
use tokio_test::{assert_pending, assert_ready_eq, task};

#[test]
fn the_correct_receiver_is_woken_by_a_send() {
    let (tx, rx) = signal::channel();
    let mut rx = task::spawn(rx);
    assert_pending!(rx.poll());
    tx.send();
    assert!(rx.is_woken(), "a send must wake the registered waiter");
    assert_ready_eq!(rx.poll(), Ok(()));
}

#[test]
fn the_correct_receiver_is_woken_by_a_dropped_sender() {
    let (tx, rx) = signal::channel();
    let mut rx = task::spawn(rx);
    assert_pending!(rx.poll());
    drop(tx);
    assert!(rx.is_woken());
    assert_ready_eq!(rx.poll(), Err(signal::Closed));
}

#[test]
fn the_forgetful_receiver_is_never_woken() {
    let (tx, rx) = forgetful::channel();
    let mut rx = task::spawn(rx);
    assert_pending!(rx.poll());
    tx.send();
    assert!(
        !rx.is_woken(),
        "the bug: no waker was stored, so the send wakes nobody"
    );
    // Polled anyway (by luck or a spurious wake-up), it would see the value.
    assert_ready_eq!(rx.poll(), Ok(()));
}

#[test]
fn the_racy_receiver_looks_correct_on_one_thread() {
    let (tx, rx) = racy::channel();
    let mut rx = task::spawn(rx);
    assert_pending!(rx.poll());
    tx.send();
    assert!(
        rx.is_woken(),
        "stepping on one thread cannot interleave the send mid-poll"
    );
    assert_ready_eq!(rx.poll(), Ok(()));
}
