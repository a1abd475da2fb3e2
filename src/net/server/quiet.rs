//! Lines the server logs for each connection (opened, closed, turned away, joined, refused) are
//! rate-limited, so that a flood of connections cannot fill the host's disk through its log: at
//! most [`LINES`] such lines, refilled evenly over its period; the lines dropped meanwhile are
//! counted, and the count is logged with the next line that passes (and when the server stops).
//! Everything else the server logs (rooms opening, failing, closing) is rare and goes as it is.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::bucket::{Bucket, Rate};

/// Per-connection lines: 100 at once, 10 a second on average (≈ 6 MB an hour at most).
pub const LINES: Rate = Rate { burst: 100, per: Duration::from_secs(10) };

static BUCKET: Mutex<Option<Bucket>> = Mutex::new(None);
static DROPPED: AtomicU64 = AtomicU64::new(0);

/// Logs what `line` logs if the budget allows; otherwise counts it as dropped.
pub fn log(line: impl FnOnce()) {
    let allowed = {
        let mut bucket = BUCKET.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        bucket.get_or_insert_with(|| Bucket::new(LINES, now)).take(now)
    };
    if !allowed {
        DROPPED.fetch_add(1, Ordering::Relaxed);
        return;
    }
    flush();
    line();
}

/// Logs how many lines were dropped since the last count, if any were.
pub fn flush() {
    let dropped = DROPPED.swap(0, Ordering::Relaxed);
    if dropped > 0 {
        tracing::warn!(
            "{dropped} more connection lines were not logged (at most {} every {:?} are)",
            LINES.burst,
            LINES.per
        );
    }
}
