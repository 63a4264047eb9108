//! Failed-login limits per client address and per account, kept in memory:
//! a restart forgets them, which is acceptable for slowing down guessing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_ip: u32,
    pub per_account: u32,
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            per_ip: 30,
            per_account: 8,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Bounded, so a flood of distinct keys cannot exhaust memory.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Default)]
pub struct LoginLimiter {
    limits: Limits,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    pub fn new(limits: Limits) -> LoginLimiter {
        LoginLimiter {
            limits,
            failures: Mutex::default(),
        }
    }

    fn keys(ip: &str, username: &str) -> [(String, u32); 2] {
        [(format!("ip:{ip}"), 0), (format!("user:{username}"), 1)]
    }

    /// Seconds to wait before another attempt is allowed, if any.
    pub fn check(&self, ip: &str, username: &str, now: Instant) -> Option<u64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        Self::keys(ip, username)
            .into_iter()
            .filter_map(|(key, kind)| {
                let limit = if kind == 0 {
                    self.limits.per_ip
                } else {
                    self.limits.per_account
                };
                let recent: Vec<_> = map
                    .get(&key)?
                    .iter()
                    .filter(|t| now.duration_since(**t) < self.limits.window)
                    .collect();
                (recent.len() as u32 >= limit).then(|| {
                    let oldest = recent.iter().min().copied().copied().unwrap_or(now);
                    self.limits
                        .window
                        .saturating_sub(now.duration_since(oldest))
                        .as_secs()
                        .max(1)
                })
            })
            .max()
    }

    pub fn record_failure(&self, ip: &str, username: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_KEYS {
            let window = self.limits.window;
            map.retain(|_, times| times.iter().any(|t| now.duration_since(*t) < window));
        }
        for (key, _) in Self::keys(ip, username) {
            let times = map.entry(key).or_default();
            times.retain(|t| now.duration_since(*t) < self.limits.window);
            times.push(now);
        }
    }

    /// A successful login clears the account's count (not the address's).
    pub fn record_success(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("user:{username}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_an_account_after_its_limit_and_an_address_after_its_own() {
        let l = LoginLimiter::new(Limits {
            per_ip: 5,
            per_account: 3,
            window: Duration::from_secs(60),
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.check("1.1.1.1", "an", t0), None);
            l.record_failure("1.1.1.1", "an", t0);
        }
        assert!(l.check("1.1.1.1", "an", t0).is_some(), "account limit");
        assert!(
            l.check("2.2.2.2", "an", t0).is_some(),
            "the account is limited from anywhere"
        );
        assert_eq!(l.check("1.1.1.1", "binh", t0), None);
        l.record_failure("1.1.1.1", "binh", t0);
        l.record_failure("1.1.1.1", "cuong", t0);
        assert!(l.check("1.1.1.1", "dung", t0).is_some(), "address limit");
        assert_eq!(
            l.check("1.1.1.1", "an", t0 + Duration::from_secs(61)),
            None,
            "window passes"
        );
    }
}
