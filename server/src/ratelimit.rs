//! Slowing down password guessing, kept in memory: a restart forgets it, which
//! is acceptable for slowing down guessing.
//!
//! - Per account and client address: after [`Limits::free_failures`] wrong
//!   passwords, each further attempt waits a delay that doubles from
//!   [`Limits::first_delay`] up to [`Limits::max_delay`]. Only that address is
//!   slowed: the right password from anywhere else still works, so nobody can
//!   lock a chair out of a meeting by guessing at their account.
//! - Per client address: at most [`Limits::per_address`] wrong passwords in
//!   [`Limits::window`], whatever the accounts tried.
//! - Per account: the same growing delays on wrong current passwords when
//!   changing the password (only a holder of the session can try those).
//!
//! An attempt counts as a failure the moment it is let through (the check and
//! the record are one step under one lock) and is given back when the password
//! was right, so concurrent guesses cannot all slip in before the first is counted.
//! Failures are forgotten [`Limits::window`] after the last one.

use shared::AccountId;
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Every number of the limiter, in one place (README, "Login limits").
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wrong passwords allowed in a row before the delays start.
    pub free_failures: u32,
    /// The first delay; each further failure doubles it.
    pub first_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
    /// Wrong passwords one address may send in a window, over all accounts.
    pub per_address: u32,
    /// How long failures are remembered.
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            free_failures: 5,
            first_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(5 * 60),
            per_address: 30,
            window: Duration::from_secs(15 * 60),
        }
    }
}

impl Limits {
    /// The wait after `failures` failures in a row.
    fn delay(&self, failures: u32) -> Duration {
        if failures < self.free_failures {
            return Duration::ZERO;
        }
        let doublings = (failures - self.free_failures).min(31);
        self.first_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay)
    }
}

/// Refused for now: try again in this many seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

fn retry_after(wait: Duration) -> RetryAfter {
    // Rounded up: a client that waits exactly this long is let in.
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    RetryAfter(secs.max(1))
}

/// Bounded, so a flood of distinct keys cannot exhaust memory.
const MAX_KEYS: usize = 100_000;
/// Longer names are no account's (usernames have at most 32 characters).
const MAX_NAME_CHARS: usize = 64;

/// Failures in a row of one key.
#[derive(Debug, Clone, Copy)]
struct Streak {
    failures: u32,
    last: Instant,
}

#[derive(Debug, Default)]
struct Records {
    /// (account name, address) of logins.
    logins: HashMap<(String, IpAddr), Streak>,
    /// Times of recent failures per address.
    addresses: HashMap<IpAddr, VecDeque<Instant>>,
    /// Password changes per account.
    password_changes: HashMap<AccountId, Streak>,
}

/// A login let through; hand it back with [`LoginLimiter::login_succeeded`]
/// when the password was right. Dropped, it stays a failure.
#[derive(Debug)]
#[must_use]
pub struct LoginAttempt {
    name: String,
    addr: IpAddr,
    at: Instant,
}

/// A password change let through; see [`LoginAttempt`].
#[derive(Debug)]
#[must_use]
pub struct PasswordAttempt {
    account: AccountId,
}

#[derive(Debug, Default)]
pub struct LoginLimiter {
    limits: Limits,
    records: Mutex<Records>,
}

impl LoginLimiter {
    pub fn new(limits: Limits) -> LoginLimiter {
        LoginLimiter {
            limits,
            records: Mutex::default(),
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    fn records(&self) -> std::sync::MutexGuard<'_, Records> {
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Lets a login attempt for `username` from `addr` through, counted as a
    /// failure until [`LoginLimiter::login_succeeded`], or says how long to wait.
    pub fn try_login(
        &self,
        addr: IpAddr,
        username: &str,
        now: Instant,
    ) -> Result<LoginAttempt, RetryAfter> {
        let addr = address_key(addr);
        let name: String = username.chars().take(MAX_NAME_CHARS).collect();
        let limits = self.limits;
        let mut records = self.records();
        if records.logins.len() + records.addresses.len() >= MAX_KEYS {
            records.forget_old(now, limits.window);
        }
        let recent = records.addresses.entry(addr).or_default();
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= limits.window)
        {
            recent.pop_front();
        }
        let address_wait = (recent.len() as u32 >= limits.per_address)
            .then(|| {
                recent
                    .front()
                    .map(|t| limits.window - now.duration_since(*t))
            })
            .flatten();
        let key = (name, addr);
        let streak = records.logins.get(&key).copied();
        let pair_wait = streak.and_then(|s| s.wait(&limits, now));
        if let Some(wait) = [address_wait, pair_wait].into_iter().flatten().max() {
            return Err(retry_after(wait));
        }
        records.addresses.entry(addr).or_default().push_back(now);
        records
            .logins
            .insert(key.clone(), Streak::after(streak, &limits, now));
        Ok(LoginAttempt {
            name: key.0,
            addr,
            at: now,
        })
    }

    /// The password was right: the attempt was no failure, and the account's
    /// streak from this address ends.
    pub fn login_succeeded(&self, attempt: LoginAttempt) {
        let mut records = self.records();
        records.logins.remove(&(attempt.name, attempt.addr));
        if let Some(times) = records.addresses.get_mut(&attempt.addr)
            && let Some(i) = times.iter().rposition(|t| *t == attempt.at)
        {
            times.remove(i);
        }
    }

    /// Lets a password change of `account` through, or says how long to wait.
    pub fn try_password_change(
        &self,
        account: AccountId,
        now: Instant,
    ) -> Result<PasswordAttempt, RetryAfter> {
        let limits = self.limits;
        let mut records = self.records();
        if records.password_changes.len() >= MAX_KEYS {
            records.forget_old(now, limits.window);
        }
        let streak = records.password_changes.get(&account).copied();
        if let Some(wait) = streak.and_then(|s| s.wait(&limits, now)) {
            return Err(retry_after(wait));
        }
        records
            .password_changes
            .insert(account, Streak::after(streak, &limits, now));
        Ok(PasswordAttempt { account })
    }

    /// The current password was right.
    pub fn password_change_succeeded(&self, attempt: PasswordAttempt) {
        self.records().password_changes.remove(&attempt.account);
    }
}

impl Streak {
    /// How long the next attempt must still wait, if at all.
    fn wait(&self, limits: &Limits, now: Instant) -> Option<Duration> {
        if now.duration_since(self.last) >= limits.window {
            return None;
        }
        let ready = self.last + limits.delay(self.failures);
        (ready > now).then(|| ready - now)
    }

    /// The streak once one more attempt is let through at `now`.
    fn after(previous: Option<Streak>, limits: &Limits, now: Instant) -> Streak {
        let failures = match previous {
            Some(s) if now.duration_since(s.last) < limits.window => s.failures.saturating_add(1),
            _ => 1,
        };
        Streak {
            failures,
            last: now,
        }
    }
}

impl Records {
    fn forget_old(&mut self, now: Instant, window: Duration) {
        let live = |s: &Streak| now.duration_since(s.last) < window;
        self.logins.retain(|_, s| live(s));
        self.password_changes.retain(|_, s| live(s));
        self.addresses.retain(|_, times| {
            times
                .back()
                .is_some_and(|t| now.duration_since(*t) < window)
        });
    }
}

/// One key per IPv4 address and per IPv6 /64 network, the smallest block one
/// subscriber usually gets: rotating addresses inside it does not reset a count.
pub fn address_key(addr: IpAddr) -> IpAddr {
    match addr.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            free_failures: 3,
            first_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(60),
            per_address: 6,
            window: Duration::from_secs(600),
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn delays_grow_after_the_free_failures_and_stop_at_the_longest() {
        let l = limits();
        let waits: Vec<u64> = (0..8).map(|f| l.delay(f).as_secs()).collect();
        assert_eq!(waits, [0, 0, 0, 10, 20, 40, 60, 60]);
        assert_eq!(l.delay(u32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn a_streak_slows_one_address_for_one_account_only() {
        let l = LoginLimiter::new(limits());
        let t0 = Instant::now();
        let (a, b) = (ip("192.0.2.1"), ip("192.0.2.2"));
        for _ in 0..3 {
            let _failed = l.try_login(a, "an", t0).expect("free failures");
        }
        assert_eq!(l.try_login(a, "an", t0).unwrap_err(), RetryAfter(10));
        let from_elsewhere = l.try_login(b, "an", t0).expect("another address");
        l.login_succeeded(from_elsewhere);
        let _other_account = l.try_login(a, "binh", t0).expect("another account");
        let t1 = t0 + Duration::from_secs(10);
        let _fourth = l.try_login(a, "an", t1).expect("after the delay");
        assert_eq!(
            l.try_login(a, "an", t1).unwrap_err(),
            RetryAfter(20),
            "doubled"
        );
        let later = t1 + Duration::from_secs(600);
        let right = l.try_login(a, "an", later).expect("the window passed");
        l.login_succeeded(right);
        for _ in 0..3 {
            let _ = l
                .try_login(a, "an", later)
                .expect("a success ends the streak");
        }
    }

    #[test]
    fn an_address_has_a_ceiling_over_all_accounts() {
        let l = LoginLimiter::new(limits());
        let t0 = Instant::now();
        let a = ip("192.0.2.1");
        for name in ["an", "binh", "cuong", "dung", "em", "giang"] {
            let _ = l.try_login(a, name, t0).expect("under the ceiling");
        }
        assert_eq!(l.try_login(a, "hoa", t0).unwrap_err(), RetryAfter(600));
        let t1 = t0 + Duration::from_secs(600);
        let ok = l.try_login(a, "hoa", t1).expect("the window passed");
        l.login_succeeded(ok);
        let _ = l
            .try_login(ip("192.0.2.9"), "hoa", t0)
            .expect("another address");
    }

    #[test]
    fn right_passwords_are_given_back_to_the_address() {
        let l = LoginLimiter::new(limits());
        let t0 = Instant::now();
        let a = ip("192.0.2.1");
        // An office behind one address logs in all morning.
        for i in 0..50 {
            let ok = l
                .try_login(a, &format!("dv{i}"), t0)
                .expect("right passwords");
            l.login_succeeded(ok);
        }
    }

    #[test]
    fn ipv6_addresses_of_one_network_share_a_count() {
        assert_eq!(
            address_key(ip("2001:db8:1:2:aaaa::1")),
            address_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            address_key(ip("2001:db8:1:2::1")),
            address_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(address_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }

    #[test]
    fn password_changes_slow_down_per_account() {
        let l = LoginLimiter::new(limits());
        let t0 = Instant::now();
        for _ in 0..3 {
            let _ = l.try_password_change(AccountId(7), t0).expect("free");
        }
        assert_eq!(
            l.try_password_change(AccountId(7), t0).unwrap_err(),
            RetryAfter(10)
        );
        let other = l
            .try_password_change(AccountId(8), t0)
            .expect("another account");
        l.password_change_succeeded(other);
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        assert_eq!(retry_after(Duration::from_millis(1500)), RetryAfter(2));
        assert_eq!(retry_after(Duration::from_millis(1)), RetryAfter(1));
        assert_eq!(retry_after(Duration::from_secs(3)), RetryAfter(3));
    }
}
