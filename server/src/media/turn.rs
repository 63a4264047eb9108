//! TURN for the meeting's audio, for phones on networks that block UDP to the
//! media port: a TURN server beside this one (coturn, `use-auth-secret`)
//! relays their audio. Nothing is relayed here; the server only hands each
//! participant credentials made from the secret it shares with the TURN
//! server (coturn's "TURN REST API" scheme): the username is
//! `<expiry, Unix seconds>:<account id>`, the password
//! base64(HMAC-SHA1(secret, username)). The TURN server checks both without
//! asking us, and refuses them once the expiry is past.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use shared::AccountId;
use shared::live::audio::Turn;
use shared::live::limits::TURN_CREDENTIAL_SECS;
use std::fmt;
use thiserror::Error;

/// The TURN server browsers are told of, and the secret shared with it.
#[derive(Clone, PartialEq, Eq)]
pub struct TurnConfig {
    urls: Vec<String>,
    secret: String,
    relay_only: bool,
}

/// Why the TURN settings cannot be used; the server does not start.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TurnError {
    #[error(
        "--turn-url cần đi kèm --turn-secret (bí mật chung với máy chủ TURN, static-auth-secret của coturn)"
    )]
    NoSecret,
    #[error("--turn-secret cần đi kèm ít nhất một --turn-url")]
    NoUrl,
    #[error("--turn-secret không được để trống")]
    EmptySecret,
    #[error("--turn-only cần một máy chủ TURN (--turn-url và --turn-secret)")]
    OnlyWithoutTurn,
    #[error(
        "“{0}” không phải địa chỉ TURN (ví dụ turn:turn.example.vn:3478?transport=udp hoặc turns:turn.example.vn:5349?transport=tcp)"
    )]
    BadUrl(String),
}

impl TurnConfig {
    /// The settings from the flags: none at all, or URLs with a secret.
    /// `relay_only`: browsers are told to send through the TURN server only.
    pub fn from_flags(
        urls: &[String],
        secret: Option<&str>,
        relay_only: bool,
    ) -> Result<Option<TurnConfig>, TurnError> {
        let urls: Vec<String> = urls
            .iter()
            .map(|u| u.trim())
            .filter(|u| !u.is_empty())
            .map(|u| check_url(u).map(|()| u.to_string()))
            .collect::<Result<_, _>>()?;
        match (urls.is_empty(), secret) {
            (true, None) if relay_only => Err(TurnError::OnlyWithoutTurn),
            (true, None) => Ok(None),
            (true, Some(_)) => Err(TurnError::NoUrl),
            (false, None) => Err(TurnError::NoSecret),
            (false, Some(s)) if s.trim().is_empty() => Err(TurnError::EmptySecret),
            (false, Some(s)) => Ok(Some(TurnConfig {
                urls,
                secret: s.to_string(),
                relay_only,
            })),
        }
    }

    /// Credentials for one account, valid `TURN_CREDENTIAL_SECS` from `now`
    /// (Unix seconds).
    pub fn credentials(&self, account: AccountId, now: i64) -> Turn {
        let expiry = now.saturating_add(i64::from(TURN_CREDENTIAL_SECS));
        let username = format!("{expiry}:{account}");
        Turn {
            urls: self.urls.clone(),
            credential: credential(self.secret.as_bytes(), &username),
            username,
            relay_only: self.relay_only,
        }
    }

    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    pub fn relay_only(&self) -> bool {
        self.relay_only
    }
}

/// The secret never reaches a log.
impl fmt::Debug for TurnConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TurnConfig")
            .field("urls", &self.urls)
            .field("secret", &"***")
            .field("relay_only", &self.relay_only)
            .finish()
    }
}

/// The password coturn expects for `username` (`use-auth-secret`):
/// base64(HMAC-SHA1(secret, username)), standard alphabet, padded.
pub fn credential(secret: &[u8], username: &str) -> String {
    // HMAC takes a key of any length.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        unreachable!("HMAC accepts keys of every length")
    };
    mac.update(username.as_bytes());
    base64(&mac.finalize().into_bytes())
}

/// Standard base64 with padding (RFC 4648 §4).
fn base64(bytes: &[u8]) -> String {
    let mut out = shared::push::encode_base64url(bytes)
        .replace('-', "+")
        .replace('_', "/");
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

/// A `turn:` or `turns:` URI (RFC 7065): a host, maybe a port, maybe
/// `?transport=udp|tcp`.
fn check_url(url: &str) -> Result<(), TurnError> {
    let bad = || TurnError::BadUrl(url.to_string());
    let rest = url
        .strip_prefix("turn:")
        .or_else(|| url.strip_prefix("turns:"))
        .ok_or_else(bad)?;
    let (address, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    if !matches!(query, None | Some("transport=udp" | "transport=tcp")) {
        return Err(bad());
    }
    // `[v6]:port`, `host:port`, or a host alone.
    let (host, port) = match address.strip_prefix('[') {
        Some(v6) => {
            let (ip, after) = v6.split_once(']').ok_or_else(bad)?;
            ip.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?;
            match after {
                "" => ("v6", None),
                p => ("v6", Some(p.strip_prefix(':').ok_or_else(bad)?)),
            }
        }
        None => match address.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (address, None),
        },
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p != 0));
    if host_ok && port_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(list: &[&str]) -> Vec<String> {
        list.iter().map(|u| u.to_string()).collect()
    }

    #[test]
    fn the_credential_is_coturn_s_rest_api_hmac() {
        // Computed apart, with Python's hmac and hashlib:
        // base64(hmac.new(secret, username, sha1).digest())
        assert_eq!(
            credential(b"chibo-turn-secret", "1796565600:4213"),
            "kHMZqBxNPguAmBrG2Aw7gNJXrkA="
        );
        assert_eq!(credential(b"S", "1:1"), "fK5dvArsXbfJ3APQSs5WhTZ71hA=");
    }

    #[test]
    fn credentials_name_the_account_and_expire() {
        let config = TurnConfig::from_flags(
            &urls(&["turn:turn.example.vn:3478?transport=udp"]),
            Some("chibo-turn-secret"),
            false,
        )
        .unwrap()
        .unwrap();
        let now = 1_796_565_600 - i64::from(TURN_CREDENTIAL_SECS);
        let turn = config.credentials(AccountId(4213), now);
        assert_eq!(turn.username, "1796565600:4213");
        assert_eq!(turn.credential, "kHMZqBxNPguAmBrG2Aw7gNJXrkA=");
        assert_eq!(
            turn.urls,
            urls(&["turn:turn.example.vn:3478?transport=udp"])
        );
        assert!(!turn.relay_only);
        // Another account, another credential.
        assert_ne!(
            config.credentials(AccountId(4214), now).credential,
            turn.credential
        );
    }

    #[test]
    fn urls_and_secret_come_together() {
        let one = urls(&["turn:turn.example.vn:3478?transport=udp"]);
        assert_eq!(TurnConfig::from_flags(&[], None, false), Ok(None));
        assert_eq!(
            TurnConfig::from_flags(&one, None, false),
            Err(TurnError::NoSecret)
        );
        assert_eq!(
            TurnConfig::from_flags(&[], Some("s"), false),
            Err(TurnError::NoUrl)
        );
        assert_eq!(
            TurnConfig::from_flags(&one, Some("  "), false),
            Err(TurnError::EmptySecret)
        );
        assert_eq!(
            TurnConfig::from_flags(&[], None, true),
            Err(TurnError::OnlyWithoutTurn)
        );
        let config = TurnConfig::from_flags(&one, Some("s"), true)
            .unwrap()
            .unwrap();
        assert!(config.relay_only());
        // Messages are for people.
        assert!(TurnError::NoSecret.to_string().contains("--turn-secret"));
    }

    #[test]
    fn only_turn_uris_are_taken() {
        for good in [
            "turn:turn.example.vn",
            "turn:turn.example.vn:3478",
            "turn:203.0.113.7:3478?transport=udp",
            "turns:turn.example.vn:5349?transport=tcp",
            "turn:[2001:db8::7]:3478?transport=udp",
            "turn:[2001:db8::7]",
        ] {
            assert_eq!(check_url(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "stun:stun.example.vn:3478",
            "https://turn.example.vn",
            "turn:",
            "turn::3478",
            "turn:turn.example.vn:0",
            "turn:turn.example.vn:99999",
            "turn:turn.example.vn:3478?transport=sctp",
            "turn:user@turn.example.vn",
            "turn:turn.example.vn/path",
            "turn:[2001:db8::7:3478",
            "turn:[not-v6]:3478",
        ] {
            assert_eq!(
                check_url(bad),
                Err(TurnError::BadUrl(bad.to_string())),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_secret_is_not_in_the_debug_output() {
        let config = TurnConfig::from_flags(
            &urls(&["turn:turn.example.vn"]),
            Some("very-secret-value"),
            false,
        )
        .unwrap()
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert!(shown.contains("turn.example.vn"), "{shown}");
    }
}
