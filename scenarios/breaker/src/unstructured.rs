//! Every request waits for the dependency, dead or alive.

use std::sync::Arc;

use faultline_harness::{Failure, Gauge, spawn};

use crate::{ARRIVAL, REQUESTS, Served, with_timeout};

/// Serves request `i`: recommendations within the timeout, or the defaults.
pub async fn handle(i: usize, lost: Arc<Gauge>) -> bool {
    with_timeout(i, &lost).await.is_ok()
}

/// Accepts a request every 100 ms and counts those served with real recommendations.
pub async fn frontend() -> Served {
    let lost = Arc::new(Gauge::new("ms lost to timeouts"));
    let mut handles = Vec::new();
    for i in 0..REQUESTS {
        handles.push(spawn(("request", i), handle(i, lost.clone())));
        tokio::time::sleep(ARRIVAL).await;
    }
    let mut served = 0;
    for handle in handles {
        served += usize::from(handle.await.map_err(Failure::from)?);
    }
    Ok(served)
}
