//! Web Push (thông báo đẩy): a browser's subscription and its checks, the
//! payload a notice becomes, and the limits of both.
//!
//! A member's browser subscribes with the server's VAPID public key and sends
//! the push service's endpoint with its two keys (`p256dh`, the browser's
//! P-256 public key, and `auth`, a 16-byte secret). The server encrypts each
//! notice for those keys (RFC 8291) and signs its request (RFC 8292); which
//! kinds go by push is in `notify::NoticePreferences::push_kinds`.

use crate::error::{FieldError, FieldErrors};
use crate::i18n::Localized;
use crate::notify::{Lang, Notice};
use serde::{Deserialize, Serialize};

/// Devices (browsers) one account may subscribe; the oldest is not dropped,
/// a new one is refused until one is removed.
pub const MAX_PUSH_SUBSCRIPTIONS: usize = 10;
/// The longest push service endpoint accepted.
pub const MAX_PUSH_ENDPOINT_CHARS: usize = 1024;
/// `p256dh`: an uncompressed P-256 point (0x04, x, y).
pub const PUSH_P256DH_BYTES: usize = 65;
/// `auth`: the subscription's authentication secret.
pub const PUSH_AUTH_BYTES: usize = 16;
/// The most a push service must accept in a message body (RFC 8030 §7.2).
pub const MAX_PUSH_RECORD_BYTES: usize = 4096;
/// The longest payload (JSON) before encryption: the record less the
/// aes128gcm header (86 bytes), the padding delimiter (1) and the tag (16).
pub const MAX_PUSH_PAYLOAD_BYTES: usize = MAX_PUSH_RECORD_BYTES - 86 - 1 - 16;
/// How long a push service keeps an undelivered message (seconds, `TTL`).
pub const PUSH_TTL_SECONDS: u32 = 24 * 3600;

/// The browsers' push services: the only hosts the server sends pushes to,
/// so that a subscription cannot make it POST to any other host (an internal
/// service, say). An endpoint's host must be one of these or end with `.`
/// and one of these (whole labels: `notfcm.googleapis.com` is not
/// `fcm.googleapis.com`), over https on the default port, with no user name
/// and no IP address.
pub const PUSH_SERVICE_HOSTS: &[&str] = &[
    // Chrome, Edge and Android (Firebase Cloud Messaging).
    "fcm.googleapis.com",
    // Firefox (Mozilla's autopush).
    "updates.push.services.mozilla.com",
    // Safari (`web.push.apple.com`).
    "push.apple.com",
    // Edge before Chromium (Windows Notification Service), e.g.
    // `wns2-by3p.notify.windows.com`.
    "notify.windows.com",
];

/// A browser's push subscription as the app sends it (`PushSubscription`'s
/// endpoint and keys, base64url as the browser gives them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushSubscription {
    /// The push service's URL for this browser.
    pub endpoint: String,
    /// The browser's P-256 public key, base64url (65 bytes decoded).
    pub p256dh: String,
    /// The authentication secret, base64url (16 bytes decoded).
    pub auth: String,
}

/// One endpoint, to remove its subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushEndpoint {
    pub endpoint: String,
}

/// The server's VAPID public key: base64url of the uncompressed P-256 point,
/// what `pushManager.subscribe` takes as `applicationServerKey`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PushKey {
    pub public_key: String,
}

/// How many devices receive my pushes (after subscribing one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PushDevices {
    pub devices: u32,
}

/// What the service worker shows: decrypted from the push message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushPayload {
    pub title: String,
    pub body: String,
    /// A path under the app's origin, opened on a click.
    pub link: String,
}

/// A checked subscription: the endpoint and the decoded keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedSubscription {
    pub endpoint: String,
    pub p256dh: Vec<u8>,
    pub auth: Vec<u8>,
}

impl PushSubscription {
    /// The subscription as stored, or what is wrong, field by field. The
    /// endpoint must be `https://` on a browser's push service
    /// ([`PUSH_SERVICE_HOSTS`]); with `allow_local_http` (a server set up for
    /// tests) also `http://127.0.0.1`.
    pub fn check(&self, allow_local_http: bool) -> Result<CheckedSubscription, FieldErrors> {
        let mut errors = Vec::new();
        let endpoint = self.endpoint.trim().to_string();
        if let Some(message) = endpoint_problem(&endpoint, allow_local_http) {
            errors.push(FieldError::of("endpoint", &message));
        }
        let p256dh = decode_base64url(self.p256dh.trim())
            .filter(|k| k.len() == PUSH_P256DH_BYTES && k[0] == 0x04);
        if p256dh.is_none() {
            errors.push(FieldError::both(
                "p256dh",
                "bad_p256dh",
                format!(
                    "Khoá p256dh phải là điểm P-256 dạng base64url ({PUSH_P256DH_BYTES} byte, bắt đầu bằng 0x04)."
                ),
                format!(
                    "The p256dh key must be a P-256 point in base64url ({PUSH_P256DH_BYTES} bytes, starting with 0x04)."
                ),
            ));
        }
        let auth = decode_base64url(self.auth.trim()).filter(|k| k.len() == PUSH_AUTH_BYTES);
        if auth.is_none() {
            errors.push(FieldError::both(
                "auth",
                "bad_auth",
                format!("Khoá auth phải là {PUSH_AUTH_BYTES} byte dạng base64url."),
                format!("The auth key must be {PUSH_AUTH_BYTES} bytes in base64url."),
            ));
        }
        match (p256dh, auth) {
            (Some(p256dh), Some(auth)) if errors.is_empty() => Ok(CheckedSubscription {
                endpoint,
                p256dh,
                auth,
            }),
            _ => Err(FieldErrors(errors)),
        }
    }
}

fn endpoint_problem(endpoint: &str, allow_local_http: bool) -> Option<Localized> {
    let https_only = || {
        Localized::new(
            "endpoint_not_https",
            "Địa chỉ dịch vụ đẩy phải là một URL https://.",
            "The push service address must be an https:// URL.",
        )
    };
    if endpoint.chars().count() > MAX_PUSH_ENDPOINT_CHARS {
        return Some(Localized::new(
            "endpoint_too_long",
            format!("Địa chỉ dịch vụ đẩy dài quá {MAX_PUSH_ENDPOINT_CHARS} ký tự."),
            format!(
                "The push service address is longer than {MAX_PUSH_ENDPOINT_CHARS} characters."
            ),
        ));
    }
    if endpoint
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
    {
        return Some(Localized::new(
            "endpoint_bad_character",
            "Địa chỉ dịch vụ đẩy có ký tự không hợp lệ.",
            "The push service address has a character that is not allowed.",
        ));
    }
    if let Some(rest) = endpoint.strip_prefix("https://") {
        // What a URL parser takes for the authority: up to the path, the
        // query or the fragment (`\` counts as `/` for https).
        let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or("");
        if authority.is_empty() {
            return Some(https_only());
        }
        if authority.contains('@') {
            return Some(Localized::new(
                "endpoint_user",
                "Địa chỉ dịch vụ đẩy không được chứa tên người dùng (@).",
                "The push service address must not contain a user name (@).",
            ));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if port.is_some_and(|p| p != "443") {
            return Some(Localized::new(
                "endpoint_port",
                "Địa chỉ dịch vụ đẩy không được ghi cổng riêng.",
                "The push service address must not name a port.",
            ));
        }
        if !is_push_service_host(host) {
            return Some(Localized::new(
                "endpoint_host",
                "Địa chỉ dịch vụ đẩy phải thuộc dịch vụ thông báo đẩy của trình duyệt \
                 (Google FCM, Mozilla, Apple hoặc Microsoft WNS).",
                "The push service address must belong to a browser's push service \
                 (Google FCM, Mozilla, Apple or Microsoft WNS).",
            ));
        }
        return None;
    } else if allow_local_http
        && let Some(rest) = endpoint.strip_prefix("http://127.0.0.1")
        && (rest.is_empty() || rest.starts_with([':', '/']))
    {
        return None;
    }
    Some(https_only())
}

/// Whether `host` (a URL's host, without port) is one of
/// [`PUSH_SERVICE_HOSTS`] or a name under one, compared in lowercase. Only
/// names of letters, digits, `-` and non-empty labels: no IP address, no
/// percent-encoding or other character a URL parser would read otherwise.
pub fn is_push_service_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let label_ok = |label: &str| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    // An IPv4 address, in any of the forms URL parsers accept, ends with a
    // numeric label; every push service's name ends with a word.
    let numeric =
        |label: &str| label.bytes().all(|b| b.is_ascii_digit()) || label.starts_with("0x");
    let name_like = host.split('.').all(label_ok) && !host.rsplit('.').next().is_some_and(numeric);
    name_like
        && PUSH_SERVICE_HOSTS.iter().any(|service| {
            host == *service
                || host
                    .strip_suffix(service)
                    .is_some_and(|sub| sub.ends_with('.'))
        })
}

/// Base64url, with or without `=` padding; `None` when not.
pub fn decode_base64url(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Left-over bits must be zero and fewer than a byte (no 1-char tail).
    if bits >= 6 || acc != 0 {
        return None;
    }
    Some(out)
}

/// Base64url without padding.
pub fn encode_base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

impl PushPayload {
    /// The payload of a notice in `lang`; a body too long for one push
    /// message is cut (with "…"), the title and link are short by nature.
    pub fn of(notice: &Notice, lang: Lang) -> PushPayload {
        let mut payload = PushPayload {
            title: notice.title(lang),
            body: notice.body(lang),
            link: notice.link(),
        };
        let mut keep = payload.body.chars().count();
        while payload.json().len() > MAX_PUSH_PAYLOAD_BYTES && keep > 0 {
            let over = payload.json().len() - MAX_PUSH_PAYLOAD_BYTES;
            // A character is at most 6 bytes of JSON (`\uXXXX`), at least 1.
            keep = keep.saturating_sub(over.div_ceil(6).max(1));
            let full = notice.body(lang);
            payload.body = full.chars().take(keep).collect::<String>() + "…";
        }
        if payload.json().len() > MAX_PUSH_PAYLOAD_BYTES {
            payload.title = payload.title.chars().take(200).collect();
        }
        payload
    }

    /// The JSON sent (encrypted) to the service worker.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::MeetingId;
    use crate::notify::MeetingRef;

    fn subscription() -> PushSubscription {
        let mut point = vec![4u8];
        point.extend(1..=64u8);
        PushSubscription {
            endpoint: "https://fcm.googleapis.com/fcm/send/abc:XYZ".into(),
            p256dh: encode_base64url(&point),
            auth: encode_base64url(&[7u8; 16]),
        }
    }

    #[test]
    fn base64url_round_trips_and_refuses_bad_text() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            let text = encode_base64url(&bytes);
            assert!(!text.contains('='));
            assert_eq!(decode_base64url(&text), Some(bytes.clone()));
            assert_eq!(decode_base64url(&format!("{text}==")), Some(bytes));
        }
        // RFC 4648's test vectors, in the URL alphabet.
        assert_eq!(encode_base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(encode_base64url(b"fo"), "Zm8");
        assert_eq!(encode_base64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(decode_base64url("a+b/"), None);
        assert_eq!(decode_base64url("Zm9vY"), None);
        assert_eq!(decode_base64url("Zm8"), Some(b"fo".to_vec()));
        // Left-over bits that are not zero: not what an encoder writes.
        assert_eq!(decode_base64url("Zm9"), None);
        assert_eq!(decode_base64url("Zm9=x"), None);
    }

    #[test]
    fn a_browser_subscription_passes() {
        let s = subscription().check(false).unwrap();
        assert_eq!(s.p256dh.len(), 65);
        assert_eq!(s.auth, vec![7u8; 16]);
    }

    #[test]
    fn only_https_unless_local_http_is_allowed() {
        let mut s = subscription();
        for bad in [
            "http://push.example.vn/x",
            "ftp://push.example.vn/x",
            "https://",
            "https:///x",
            "https://user@host/x",
            "https://push.example.vn/a b",
            "https://đẩy.vn/x",
            "http://127.0.0.1.evil.vn/x",
        ] {
            s.endpoint = bad.into();
            let e = s.check(true).unwrap_err();
            assert!(e.message_for("endpoint").is_some(), "{bad}");
        }
        s.endpoint = "http://127.0.0.1:4000/push/1".into();
        assert!(s.check(false).is_err());
        assert!(s.check(true).is_ok());
        s.endpoint = format!("https://p.vn/{}", "a".repeat(MAX_PUSH_ENDPOINT_CHARS));
        assert!(
            s.check(false)
                .unwrap_err()
                .message_for("endpoint")
                .is_some()
        );
    }

    #[test]
    fn only_a_browsers_push_service_is_an_endpoint() {
        let mut s = subscription();
        for good in [
            "https://fcm.googleapis.com/fcm/send/abc",
            "https://updates.push.services.mozilla.com/wpush/v2/x",
            "https://web.push.apple.com/Q",
            "https://wns2-by3p.notify.windows.com/w/?token=x",
            "https://FCM.GoogleAPIs.com/fcm/send/abc",
            "https://fcm.googleapis.com:443/fcm/send/abc",
        ] {
            s.endpoint = good.into();
            assert!(s.check(false).is_ok(), "{good}");
            assert!(s.check(true).is_ok(), "{good}");
        }
        for bad in [
            "https://evil.example/x",
            "https://fcm.googleapis.com.evil.example/x",
            "https://notfcm.googleapis.com/x",
            "https://10.0.0.1/x",
            "https://user@fcm.googleapis.com/x",
            "https://fcm.googleapis.com:8443/x",
            "https://fcm.googleapis.com:/x",
            "https://[::1]/x",
            "https://0x7f000001/x",
            "https://googleapis.com/x",
            "https://apple.com/x",
            "https://.fcm.googleapis.com/x",
            "https://a..fcm.googleapis.com/x",
            "https://evil.example\\.fcm.googleapis.com/x",
            "https://evil.example%2efcm.googleapis.com/x",
            "https://evil.example#.fcm.googleapis.com",
            "https://evil.example?.fcm.googleapis.com",
            "https://fcm.googleapis.com@evil.example/x",
        ] {
            s.endpoint = bad.into();
            for local in [false, true] {
                let e = s.check(local).unwrap_err();
                assert!(e.message_for("endpoint").is_some(), "{bad}");
            }
        }
        s.endpoint = "https://evil.example/x".into();
        let message = s.check(false).unwrap_err();
        assert!(
            message
                .message_for("endpoint")
                .unwrap()
                .contains("dịch vụ thông báo đẩy của trình duyệt")
        );
        for service in PUSH_SERVICE_HOSTS {
            assert!(is_push_service_host(service));
            assert!(is_push_service_host(&format!("a-1.{service}")));
            assert!(!is_push_service_host(&format!("x{service}")));
            assert!(!is_push_service_host(&format!("{service}.vn")));
        }
    }

    #[test]
    fn keys_must_have_their_lengths() {
        let mut s = subscription();
        s.p256dh = encode_base64url(&[4u8; 64]);
        s.auth = encode_base64url(&[1u8; 15]);
        let e = s.check(false).unwrap_err();
        assert!(e.message_for("p256dh").is_some());
        assert!(e.message_for("auth").is_some());
        assert!(e.message_for("endpoint").is_none());
        let mut s = subscription();
        s.p256dh = encode_base64url(&[2u8; 65]);
        assert!(s.check(false).unwrap_err().message_for("p256dh").is_some());
    }

    #[test]
    fn a_long_notice_is_cut_to_fit_one_push() {
        let notice = Notice::MeetingCancelled {
            meeting: MeetingRef {
                id: MeetingId(12),
                cell: "Chi bộ Văn phòng".into(),
                title: "Sinh hoạt thường kỳ tháng 12/2026".into(),
                starts_at: "2026-12-20T14:00:00".parse().unwrap(),
                place: "Phòng họp tầng 3".into(),
                video_link: String::new(),
            },
            reason: "Đồng chí Bí thư đi công tác đột xuất; ".repeat(200),
        };
        let p = PushPayload::of(&notice, Lang::Vi);
        assert!(
            p.json().len() <= MAX_PUSH_PAYLOAD_BYTES,
            "{}",
            p.json().len()
        );
        assert!(p.json().len() > MAX_PUSH_PAYLOAD_BYTES - 100);
        assert!(p.body.ends_with('…'));
        assert_eq!(p.link, "/meetings/12");
        assert_eq!(p.title, notice.title(Lang::Vi));
        let back: PushPayload = serde_json::from_str(&p.json()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn a_short_notice_is_whole() {
        let notice = Notice::MeetingOpened {
            meeting: MeetingRef {
                id: MeetingId(3),
                cell: "Chi bộ Nghiệp vụ – Thanh tra".into(),
                title: "Họp chuyên đề".into(),
                starts_at: "2026-12-01T08:00:00".parse().unwrap(),
                place: String::new(),
                video_link: "https://meet.example.vn/abc".into(),
            },
        };
        let p = PushPayload::of(&notice, Lang::Vi);
        assert_eq!(p.body, notice.body(Lang::Vi));
        assert_eq!(p.link, "/meetings/3");
    }

    #[test]
    fn what_the_app_reads_round_trips_through_json() {
        let key = PushKey {
            public_key: "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8".into(),
        };
        let text = serde_json::to_string(&key).unwrap();
        assert_eq!(serde_json::from_str::<PushKey>(&text).unwrap(), key);
        let devices = PushDevices { devices: 3 };
        let text = serde_json::to_string(&devices).unwrap();
        assert_eq!(text, r#"{"devices":3}"#);
        assert_eq!(serde_json::from_str::<PushDevices>(&text).unwrap(), devices);
        let payload = PushPayload {
            title: "Đang họp: “Sinh hoạt chi bộ tháng 12”".into(),
            body: "Chi bộ Nghiệp vụ – Thanh tra đang họp. Họp trực tuyến: https://hop.example.vn/b"
                .into(),
            link: "/meetings/42".into(),
        };
        assert_eq!(
            serde_json::from_str::<PushPayload>(&payload.json()).unwrap(),
            payload
        );
        let gone = PushEndpoint {
            endpoint: "https://updates.push.services.mozilla.com/wpush/v2/gAAAA".into(),
        };
        let text = serde_json::to_string(&gone).unwrap();
        assert_eq!(serde_json::from_str::<PushEndpoint>(&text).unwrap(), gone);
    }

    #[test]
    fn the_subscription_round_trips_through_json() {
        let s = subscription();
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<PushSubscription>(&text).unwrap(), s);
        assert!(
            serde_json::from_str::<PushSubscription>(
                r#"{"endpoint":"https://x.vn","p256dh":"","auth":"","extra":1}"#
            )
            .is_err()
        );
    }
}
