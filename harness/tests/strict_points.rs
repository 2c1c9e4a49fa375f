//! Strict mode (its own test binary: the switch is process-wide): a fault point outside a
//! run is an error that names the fix.

use std::future::IntoFuture;

use faultline_harness::{point, strict_points};
use tokio_test::{assert_ready, task};

#[test]
fn in_strict_mode_a_fault_point_outside_a_run_is_an_error_naming_the_fix() {
    strict_points(true);
    let mut hit = task::spawn(point("fetch").key(3).into_future());
    let err = assert_ready!(hit.poll()).unwrap_err();
    assert_eq!(err.kind(), "NotInARun");
    assert!(
        err.message()
            .contains("fault point fetch[3] was hit outside a faultline run"),
        "{err}"
    );
    assert!(err.message().contains("Builder::run"), "{err}");
    strict_points(false);
    let mut hit = task::spawn(point("fetch").key(3).into_future());
    assert!(assert_ready!(hit.poll()).is_ok());
}
