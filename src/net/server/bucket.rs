//! Rate limits as token buckets: a player may send `burst` messages at once, and the budget
//! refills evenly over `per`. Time is passed in, so tests drive it without a clock.

use std::time::Duration;

use tokio::time::Instant;

/// At most `burst` at once, refilled at `burst` per `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub per: Duration,
}

#[derive(Clone, Debug)]
pub struct Bucket {
    rate: Rate,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// A full bucket.
    pub fn new(rate: Rate, now: Instant) -> Bucket {
        Bucket { rate, tokens: f64::from(rate.burst), last: now }
    }

    /// Spends one token if there is one.
    pub fn take(&mut self, now: Instant) -> bool {
        let burst = f64::from(self.rate.burst);
        if self.rate.per.is_zero() {
            return true;
        }
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * burst / self.rate.per.as_secs_f64()).min(burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_an_even_refill() {
        let t0 = Instant::now();
        let mut chat = Bucket::new(Rate { burst: 5, per: Duration::from_secs(10) }, t0);
        assert!((0..5).all(|_| chat.take(t0)));
        assert!(!chat.take(t0));
        assert!(!chat.take(t0 + Duration::from_millis(1900)));
        assert!(chat.take(t0 + Duration::from_secs(2)), "one token every 2 s");
        assert!(!chat.take(t0 + Duration::from_secs(2)));
        // A long pause refills no more than the burst.
        let later = t0 + Duration::from_secs(3600);
        assert_eq!((0..10).filter(|_| chat.take(later)).count(), 5);
        let mut free = Bucket::new(Rate { burst: 0, per: Duration::ZERO }, t0);
        assert!(free.take(t0));
    }
}
