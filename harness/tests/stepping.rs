//! Fault points and errors stepped by hand with tokio-test: no runtime, no sleeping.

use std::future::IntoFuture;

use faultline_harness::{Failure, point};
use tokio_test::{assert_ready, task};

#[test]
fn a_fault_point_outside_a_run_is_ready_at_once_with_an_error_naming_the_fix() {
    let mut hit = task::spawn(point("fetch").key(3).into_future());
    let err = assert_ready!(hit.poll()).unwrap_err();
    assert_eq!(err.kind(), "NotInARun");
    assert!(
        err.message()
            .contains("fault point fetch[3] was hit outside a faultline run"),
        "{err}"
    );
    assert!(err.message().contains("Builder::run"), "{err}");
}

#[test]
fn a_failure_outside_a_run_is_a_plain_error() {
    let err = Failure::new("ConnectionError", "refused");
    assert_eq!(err.to_string(), "ConnectionError: refused");
    assert_eq!((err.kind(), err.message()), ("ConnectionError", "refused"));
}
