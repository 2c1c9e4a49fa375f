//! A gauge: a level that goes up and down (items buffered, items held in memory), whose
//! peak the report shows.

use crate::record::resources::{GaugeRec, KindRec};
use crate::resource::{self, Handle};

/// A level the report tracks: its peak (and when), the total added, the level at the end.
/// Clones are the same gauge.
#[derive(Debug, Clone)]
pub struct Gauge {
    handle: Handle,
}

impl Gauge {
    /// A gauge named `name`, at 0.
    pub fn new(name: impl Into<String>) -> Self {
        Gauge {
            handle: resource::register(name.into(), KindRec::Gauge(GaugeRec::default())),
        }
    }

    /// Raises the level by `n`.
    pub fn add(&self, n: u64) {
        resource::with(self.handle, |k, now, _| {
            if let KindRec::Gauge(g) = k {
                g.value += n;
                g.added += n;
                if g.value > g.peak {
                    g.peak = g.value;
                    g.peak_at = now;
                }
            }
        });
    }

    /// Lowers the level by `n` (not below 0).
    pub fn sub(&self, n: u64) {
        resource::with(self.handle, |k, _, _| {
            if let KindRec::Gauge(g) = k {
                g.value = g.value.saturating_sub(n);
            }
        });
    }
}
