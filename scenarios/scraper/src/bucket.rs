//! A token bucket on tokio's clock: `rate` tokens a second, at most `burst` saved up.
//! Written here because the rate-limiter crates read the wall clock (see the crate doc).

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Hands out `rate` tokens per second; callers wait their turn in order.
pub struct TokenBucket {
    every: Duration,
    burst: u32,
    state: Mutex<(u32, Instant)>,
}

impl TokenBucket {
    /// A full bucket of `burst` tokens, refilled at `rate` per second.
    pub fn new(rate: u32, burst: u32) -> Self {
        TokenBucket {
            every: Duration::from_secs(1) / rate.max(1),
            burst: burst.max(1),
            state: Mutex::new((burst.max(1), Instant::now())),
        }
    }

    /// Waits for a token. `tokio::sync::Mutex` is fair, so waiters are served in order.
    pub async fn take(&self) {
        let mut state = self.state.lock().await;
        let (tokens, refilled) = &mut *state;
        let earned =
            (Instant::now().duration_since(*refilled).as_nanos() / self.every.as_nanos()) as u32;
        if earned > 0 {
            *tokens = (*tokens + earned).min(self.burst);
            *refilled += self.every * earned;
        }
        if *tokens == 0 {
            let next = *refilled + self.every;
            tokio::time::sleep_until(next).await;
            *refilled = next;
            *tokens = 1;
        }
        *tokens -= 1;
    }
}
