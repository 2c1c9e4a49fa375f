//! faultline:author-only — right solutions of `structured::handle` written another way,
//! that the rubric must accept (see `faultline_harness::Right`).

use std::sync::Arc;

use faultline_harness::{Gauge, Right};

use crate::circuit::Breaker;
use crate::gallery::frontend;
use crate::with_timeout;

/// The right solutions.
pub fn entries() -> Vec<Right> {
    vec![
        Right::new("matches-the-answer", |b| {
            b.run(|| frontend(matches_the_answer))
        }),
        Right::new("guard-clause-then-record", |b| {
            b.run(|| frontend(guard_clause_then_record))
        }),
    ]
}

/// Each outcome matched by hand and recorded on its own arm.
async fn matches_the_answer(i: usize, lost: Arc<Gauge>, breaker: Arc<Breaker>) -> bool {
    if breaker.allow() {
        match with_timeout(i, &lost).await {
            Ok(_) => {
                breaker.record(Ok(()));
                true
            }
            Err(err) => {
                breaker.record(Err(&err));
                false
            }
        }
    } else {
        false
    }
}

/// The call in a block whose value is what the breaker is told, then the answer read.
async fn guard_clause_then_record(i: usize, lost: Arc<Gauge>, breaker: Arc<Breaker>) -> bool {
    let allowed = breaker.allow();
    if !allowed {
        return false;
    }
    let outcome = with_timeout(i, &lost).await.map(drop);
    let served = outcome.is_ok();
    breaker.record(outcome.as_ref().map(|&()| ()));
    served
}
