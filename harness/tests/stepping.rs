//! Fault points and errors stepped by hand with tokio-test: no runtime, no sleeping.

use std::future::IntoFuture;

use faultline_harness::{Failure, point};
use tokio_test::{assert_ready, task};

#[test]
fn a_fault_point_outside_a_run_is_a_no_op() {
    // As in fail-rs: production code reaches its points with no plan and goes on.
    let mut hit = task::spawn(point("fetch").key(3).into_future());
    assert!(assert_ready!(hit.poll()).is_ok());
}

#[test]
fn a_failure_outside_a_run_is_a_plain_error() {
    let err = Failure::new("ConnectionError", "refused");
    assert_eq!(err.to_string(), "ConnectionError: refused");
    assert_eq!((err.kind(), err.message()), ("ConnectionError", "refused"));
}
