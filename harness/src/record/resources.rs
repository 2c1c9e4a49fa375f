//! What every pool, gauge and store of a run did, as the ledger records it (the wrappers
//! that feed it are in `resource`; the report is built there too).

use std::time::Duration;

use crate::record::TaskIx;
use crate::record::outcome::{TxOutcome, WaitOutcome};

#[derive(Debug)]
pub(crate) struct ResourceRec {
    pub(crate) name: String,
    pub(crate) kind: KindRec,
}

#[derive(Debug)]
pub(crate) enum KindRec {
    Pool(PoolRec),
    Gauge(GaugeRec),
    Store(StoreRec),
}

#[derive(Debug, Default)]
pub(crate) struct PoolRec {
    pub(crate) capacity: usize,
    pub(crate) in_use: usize,
    pub(crate) peak: usize,
    pub(crate) exhausted: Option<Duration>,
    pub(crate) leases: Vec<LeaseRec>,
    pub(crate) waits: Vec<WaitRec>,
}

#[derive(Debug)]
pub(crate) struct LeaseRec {
    pub(crate) task: Option<TaskIx>,
    pub(crate) acquired: Duration,
    pub(crate) manual: bool,
    pub(crate) fate: LeaseFate,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum LeaseFate {
    Held,
    /// Back in the pool at this time, given back by this task (the one that dropped the
    /// guard or checked it in).
    Returned(Duration, Option<TaskIx>),
    /// The manual handle was dropped without a check-in: the permit is gone for good.
    Lost(Duration),
}

#[derive(Debug)]
pub(crate) struct WaitRec {
    pub(crate) task: Option<TaskIx>,
    pub(crate) from: Duration,
    pub(crate) until: Option<(Duration, WaitOutcome)>,
}

#[derive(Debug, Default)]
pub(crate) struct GaugeRec {
    pub(crate) value: u64,
    pub(crate) peak: u64,
    pub(crate) peak_at: Duration,
    pub(crate) added: u64,
}

#[derive(Debug, Default)]
pub(crate) struct StoreRec {
    pub(crate) txs: Vec<TxRec>,
}

#[derive(Debug)]
pub(crate) struct TxRec {
    pub(crate) task: Option<TaskIx>,
    pub(crate) begun: Duration,
    pub(crate) writes: Vec<String>,
    pub(crate) fate: Option<(Duration, TxOutcome)>,
}
