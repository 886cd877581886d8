//! The serve layer's only source of time: timestamps in the store, the
//! session's date and the latencies in `/metrics` all come from a [`Clock`],
//! so tests can fix it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Microseconds since the Unix epoch.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time, in microseconds since 1970-01-01 UTC.
    fn now_micros(&self) -> i64;
}

/// The machine's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(
        clippy::disallowed_methods,
        reason = "the one place the serve layer reads the wall clock"
    )]
    fn now_micros(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_micros()).unwrap_or(i64::MAX)
            })
    }
}

/// A clock that only moves when told to (tests).
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock reading `micros`.
    pub fn new(micros: i64) -> Arc<ManualClock> {
        Arc::new(ManualClock(AtomicI64::new(micros)))
    }

    /// Moves the clock forward.
    pub fn advance(&self, micros: i64) {
        self.0.fetch_add(micros, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_micros(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The UTC calendar date of a timestamp.
pub fn date_of(micros: i64) -> keel_runtime::Date {
    let days = micros.div_euclid(86_400_000_000);
    keel_runtime::Date(i32::try_from(days).unwrap_or(0))
}
