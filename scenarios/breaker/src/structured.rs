//! Every request asks the breaker first; an open breaker answers with the defaults at once.

use std::sync::Arc;
use std::time::Duration;

use faultline_harness::{Failure, Gauge, spawn};

use crate::circuit::Breaker;
use crate::{ARRIVAL, REQUESTS, Served, with_timeout};

/// Serves request `i`: recommendations if the breaker allows and they come in time, or the
/// defaults.
pub async fn handle(i: usize, lost: Arc<Gauge>, breaker: Arc<Breaker>) -> bool {
    // faultline:solution begin breaker-handle
    if !breaker.allow() {
        return false;
    }
    let answer = with_timeout(i, &lost).await;
    breaker.record(answer.as_ref().map(|_| ()));
    answer.is_ok()
    // faultline:solution end
}

/// Accepts a request every 100 ms and counts those served with real recommendations.
pub async fn frontend() -> Served {
    let lost = Arc::new(Gauge::new("ms lost to timeouts"));
    let breaker = Arc::new(Breaker::new(3, Duration::from_millis(500)));
    let mut handles = Vec::new();
    for i in 0..REQUESTS {
        handles.push(spawn(
            ("request", i),
            handle(i, lost.clone(), breaker.clone()),
        ));
        tokio::time::sleep(ARRIVAL).await;
    }
    let mut served = 0;
    for handle in handles {
        served += usize::from(handle.await.map_err(Failure::from)?);
    }
    Ok(served)
}
