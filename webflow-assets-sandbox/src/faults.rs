//! The sandbox's knobs for tests and benchmarks: rate limiting, latency,
//! injected failures.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Failures injected into one side of the sandbox.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Faults {
    /// Share of requests (0.0 to 1.0) answered with a 500.
    pub error_rate: f64,
    /// Share of requests (0.0 to 1.0) whose connection is dropped unanswered.
    pub drop_rate: f64,
    /// Share of requests (0.0 to 1.0) that are carried out, then answered
    /// with a 500: the answer is lost, so a create whose client sees the
    /// 500 did create (API only).
    pub lost_answer_rate: f64,
    /// Delay added before every answer.
    pub latency: Duration,
    /// Drop the connection of the first this many requests (deterministic,
    /// for tests).
    pub drop_first: u32,
    /// Answer the first this many requests (after dropped ones) with a 500.
    pub fail_first: u32,
}

/// What to do with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fate {
    Serve,
    Fail,
    Drop,
    /// Carried out, then answered with a 500.
    Lose,
}

/// A seeded dice, so that a run with failures can be replayed.
pub(crate) struct Dice(Mutex<StdRng>);

/// Counts requests per side, for `drop_first` and `fail_first`.
#[derive(Default)]
pub(crate) struct Counter(std::sync::atomic::AtomicU32);

impl Counter {
    /// The fate of the next request by the deterministic knobs, if they decide it.
    pub fn scripted(&self, faults: &Faults) -> Option<Fate> {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if n < faults.drop_first {
            Some(Fate::Drop)
        } else if n < faults.drop_first.saturating_add(faults.fail_first) {
            Some(Fate::Fail)
        } else {
            None
        }
    }
}

impl Dice {
    pub fn new(seed: Option<u64>) -> Self {
        Self(Mutex::new(match seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_os_rng(),
        }))
    }

    pub fn fate(&self, faults: &Faults) -> Fate {
        if faults.error_rate <= 0.0 && faults.drop_rate <= 0.0 && faults.lost_answer_rate <= 0.0 {
            return Fate::Serve;
        }
        let roll: f64 = self.0.lock().unwrap_or_else(|p| p.into_inner()).random();
        if roll < faults.drop_rate {
            Fate::Drop
        } else if roll < faults.drop_rate + faults.error_rate {
            Fate::Fail
        } else if roll < faults.drop_rate + faults.error_rate + faults.lost_answer_rate {
            Fate::Lose
        } else {
            Fate::Serve
        }
    }

    pub fn hex(&self, bytes: usize) -> String {
        let mut rng = self.0.lock().unwrap_or_else(|p| p.into_inner());
        (0..bytes)
            .map(|_| format!("{:02x}", rng.random::<u8>()))
            .collect()
    }
}

/// A sliding one-minute window of request times, shared by every caller of
/// the sandbox (Webflow limits per token; the sandbox has one token).
pub(crate) struct RateLimiter {
    per_window: Option<u32>,
    length: Duration,
    window: Mutex<VecDeque<Instant>>,
}

/// The rate-limit answer for one request.
pub(crate) struct RateDecision {
    pub allowed: bool,
    pub limit: Option<u32>,
    pub remaining: u32,
    pub retry_after: Duration,
}

impl RateLimiter {
    pub fn new(per_window: Option<u32>, length: Duration) -> Self {
        Self {
            per_window,
            length,
            window: Mutex::new(VecDeque::new()),
        }
    }

    pub fn check(&self) -> RateDecision {
        let Some(limit) = self.per_window else {
            return RateDecision {
                allowed: true,
                limit: None,
                remaining: u32::MAX,
                retry_after: Duration::ZERO,
            };
        };
        let now = Instant::now();
        let minute = self.length;
        let mut window = self.window.lock().unwrap_or_else(|p| p.into_inner());
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= minute)
        {
            window.pop_front();
        }
        if (window.len() as u32) < limit {
            window.push_back(now);
            return RateDecision {
                allowed: true,
                limit: Some(limit),
                remaining: limit - window.len() as u32,
                retry_after: Duration::ZERO,
            };
        }
        let oldest = window.front().copied().unwrap_or(now);
        RateDecision {
            allowed: false,
            limit: Some(limit),
            remaining: 0,
            retry_after: minute.saturating_sub(now.duration_since(oldest)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_counts_down_then_refuses() {
        let l = RateLimiter::new(Some(2), Duration::from_secs(60));
        let a = l.check();
        assert!(a.allowed && a.remaining == 1);
        assert!(l.check().allowed);
        let c = l.check();
        assert!(!c.allowed && c.remaining == 0);
        assert!(
            c.retry_after > Duration::from_secs(58) && c.retry_after <= Duration::from_secs(60)
        );
        assert!(
            RateLimiter::new(None, Duration::from_secs(60))
                .check()
                .allowed
        );
    }

    #[test]
    fn seeded_dice_replays() {
        let faults = Faults {
            error_rate: 0.3,
            drop_rate: 0.2,
            ..Faults::default()
        };
        let a: Vec<Fate> = {
            let d = Dice::new(Some(7));
            (0..50).map(|_| d.fate(&faults)).collect()
        };
        let b: Vec<Fate> = {
            let d = Dice::new(Some(7));
            (0..50).map(|_| d.fate(&faults)).collect()
        };
        assert_eq!(a, b);
        assert!(a.contains(&Fate::Fail) && a.contains(&Fate::Drop) && a.contains(&Fate::Serve));
        assert!((0..20).all(|_| Dice::new(None).fate(&Faults::default()) == Fate::Serve));
    }

    #[test]
    fn scripted_faults_come_first() {
        let faults = Faults {
            drop_first: 1,
            fail_first: 2,
            ..Faults::default()
        };
        let c = Counter::default();
        let fates: Vec<Option<Fate>> = (0..4).map(|_| c.scripted(&faults)).collect();
        assert_eq!(
            fates,
            [Some(Fate::Drop), Some(Fate::Fail), Some(Fate::Fail), None]
        );
    }
}
