//! Web Push: the message encrypted for one browser (RFC 8291, `aes128gcm`)
//! and the request signed with the server's VAPID key (RFC 8292), posted to
//! the browser's push service.
//!
//! The VAPID key pair is made on the first start and kept in the database,
//! so that every instance signs with the same key the browsers subscribed
//! with (`Vapid::load`: insert if absent, then read what is there).

use crate::storage::{Result as StoreResult, StorageError, Store};
use aes_gcm::aead::Aead;
use aes_gcm::{Aes128Gcm, KeyInit, Nonce};
use hkdf::Hkdf;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::Sha256;
use shared::push::{MAX_PUSH_RECORD_BYTES, PUSH_TTL_SECONDS, decode_base64url, encode_base64url};
use std::time::Duration;

/// How long one push may take before the try counts as failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// A VAPID token's lifetime (RFC 8292 allows at most 24 hours).
const TOKEN_LIFETIME_SECS: i64 = 12 * 3600;
/// The record size announced in the header: the whole message is one record.
const RECORD_SIZE: u32 = MAX_PUSH_RECORD_BYTES as u32;

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("khoá của thiết bị không hợp lệ")]
    BadKey,
    #[error("nội dung quá dài cho một thông báo đẩy")]
    TooLarge,
    #[error("địa chỉ dịch vụ đẩy không hợp lệ: {0}")]
    Endpoint(String),
    #[error("không mã hoá được thông báo")]
    Encrypt,
    /// 404 or 410: the browser unsubscribed; the subscription is removed.
    #[error("thiết bị đã huỷ đăng ký nhận thông báo (HTTP {0})")]
    Gone(u16),
    #[error("dịch vụ đẩy từ chối (HTTP {0})")]
    Refused(u16),
    #[error("không gửi được tới dịch vụ đẩy: {0}")]
    Send(String),
}

/// The server's VAPID key pair.
#[derive(Clone)]
pub struct Vapid {
    key: SigningKey,
    /// The uncompressed public point, base64url: `k=` and the app's key.
    public: String,
}

impl std::fmt::Debug for Vapid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vapid")
            .field("public", &self.public)
            .finish()
    }
}

/// A fresh P-256 secret key from the system's random source.
fn random_secret() -> SecretKey {
    loop {
        // Out-of-range bytes (≥ the group order, or zero) are vanishingly rare.
        if let Ok(k) = SecretKey::from_slice(&rand::random::<[u8; 32]>()) {
            return k;
        }
    }
}

fn public_bytes(key: &PublicKey) -> Vec<u8> {
    key.to_encoded_point(false).as_bytes().to_vec()
}

impl Vapid {
    /// The key every instance uses: a candidate is inserted if none is
    /// stored, then the stored one is read (two first starts end with one).
    pub async fn load(store: &Store) -> StoreResult<Vapid> {
        let candidate = random_secret();
        let private = encode_base64url(&candidate.to_bytes());
        let public = encode_base64url(&public_bytes(&candidate.public_key()));
        let (private, _) = store.notices().vapid_key(&private, &public).await?;
        Vapid::from_private(&private)
            .ok_or_else(|| StorageError::Corrupt("khoá VAPID đã lưu không hợp lệ".into()))
    }

    /// From the base64url private scalar.
    pub fn from_private(private: &str) -> Option<Vapid> {
        let secret = SecretKey::from_slice(&decode_base64url(private)?).ok()?;
        Some(Vapid {
            public: encode_base64url(&public_bytes(&secret.public_key())),
            key: SigningKey::from(secret),
        })
    }

    pub fn public_key(&self) -> &str {
        &self.public
    }

    /// `Authorization: vapid t=…, k=…` for a push to `endpoint` (RFC 8292):
    /// an ES256 JWT for the endpoint's origin, valid until `now + 12 h`.
    pub fn authorization(
        &self,
        endpoint: &str,
        subject: &str,
        now_secs: i64,
    ) -> Result<String, PushError> {
        let url = reqwest::Url::parse(endpoint).map_err(|e| PushError::Endpoint(e.to_string()))?;
        let audience = url.origin().ascii_serialization();
        let header = encode_base64url(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": audience,
            "exp": now_secs + TOKEN_LIFETIME_SECS,
            "sub": subject,
        });
        let claims = encode_base64url(claims.to_string().as_bytes());
        let signed = format!("{header}.{claims}");
        let signature: Signature = self.key.sign(signed.as_bytes());
        Ok(format!(
            "vapid t={signed}.{}, k={}",
            encode_base64url(&signature.to_bytes()),
            self.public
        ))
    }
}

/// Encrypts `plaintext` for a browser (RFC 8291): the `aes128gcm` body,
/// header (salt, record size, the server's ephemeral public key) then the
/// single record. `ephemeral` and `salt` are fresh for every message; the
/// test of the RFC's example passes its own.
pub fn encrypt(
    plaintext: &[u8],
    ua_public: &[u8],
    auth_secret: &[u8],
    ephemeral: &SecretKey,
    salt: &[u8; 16],
) -> Result<Vec<u8>, PushError> {
    // One record: the text, its delimiter (0x02) and the tag must fit.
    if plaintext.len() + 86 + 1 + 16 > MAX_PUSH_RECORD_BYTES {
        return Err(PushError::TooLarge);
    }
    let ua = PublicKey::from_sec1_bytes(ua_public).map_err(|_| PushError::BadKey)?;
    let as_public = public_bytes(&ephemeral.public_key());
    let shared = p256::ecdh::diffie_hellman(ephemeral.to_nonzero_scalar(), ua.as_affine());

    // IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" 0x00 ua_public as_public)
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(ua_public);
    key_info.extend_from_slice(&as_public);
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth_secret), shared.raw_secret_bytes())
        .expand(&key_info, &mut ikm)
        .map_err(|_| PushError::Encrypt)?;

    let prk = Hkdf::<Sha256>::new(Some(&salt[..]), &ikm);
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .map_err(|_| PushError::Encrypt)?;
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .map_err(|_| PushError::Encrypt)?;

    let mut record = plaintext.to_vec();
    record.push(0x02);
    let sealed = Aes128Gcm::new_from_slice(&cek)
        .map_err(|_| PushError::Encrypt)?
        .encrypt(Nonce::from_slice(&nonce), record.as_slice())
        .map_err(|_| PushError::Encrypt)?;

    let mut body = Vec::with_capacity(86 + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(as_public.len() as u8);
    body.extend_from_slice(&as_public);
    body.extend_from_slice(&sealed);
    Ok(body)
}

/// A subscription to push to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushTarget {
    pub subscription: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

/// Sends pushes with the server's key.
pub struct Pusher {
    client: reqwest::Client,
    vapid: Vapid,
    subject: String,
}

impl Pusher {
    pub fn new(vapid: Vapid, subject: String) -> Result<Pusher, PushError> {
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            // A push service answers; it does not send us elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| PushError::Send(e.to_string()))?;
        Ok(Pusher {
            client,
            vapid,
            subject,
        })
    }

    pub fn public_key(&self) -> &str {
        self.vapid.public_key()
    }

    /// Encrypts `payload` for `target` and posts it.
    pub async fn send(&self, target: &PushTarget, payload: &[u8]) -> Result<(), PushError> {
        let ua_public = decode_base64url(&target.p256dh).ok_or(PushError::BadKey)?;
        let auth = decode_base64url(&target.auth).ok_or(PushError::BadKey)?;
        let body = encrypt(
            payload,
            &ua_public,
            &auth,
            &random_secret(),
            &rand::random::<[u8; 16]>(),
        )?;
        let authorization = self.vapid.authorization(
            &target.endpoint,
            &self.subject,
            chrono::Utc::now().timestamp(),
        )?;
        let response = self
            .client
            .post(&target.endpoint)
            .header("Authorization", authorization)
            .header("Content-Encoding", "aes128gcm")
            .header("Content-Type", "application/octet-stream")
            .header("TTL", PUSH_TTL_SECONDS.to_string())
            .header("Urgency", "normal")
            .body(body)
            .send()
            .await
            .map_err(|e| PushError::Send(e.without_url().to_string()))?;
        let status = response.status().as_u16();
        match status {
            200..=299 => Ok(()),
            404 | 410 => Err(PushError::Gone(status)),
            _ => Err(PushError::Refused(status)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Vec<u8> {
        decode_base64url(s).unwrap()
    }

    /// RFC 8291, Appendix A: known keys and salt give the published message.
    #[test]
    fn the_rfc_8291_example_is_reproduced() {
        let as_private =
            SecretKey::from_slice(&b("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw")).unwrap();
        assert_eq!(
            encode_base64url(&public_bytes(&as_private.public_key())),
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
        );
        let salt: [u8; 16] = b("DGv6ra1nlYgDCS1FRnbzlw").try_into().unwrap();
        let body = encrypt(
            b"When I grow up, I want to be a watermelon",
            &b("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
            &b("BTBZMqHH6r4Tts7J_aSIgg"),
            &as_private,
            &salt,
        )
        .unwrap();
        assert_eq!(
            encode_base64url(&body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        );
    }

    #[test]
    fn too_long_a_text_or_a_bad_key_is_refused() {
        let ua = random_secret();
        let ua_public = public_bytes(&ua.public_key());
        let e = encrypt(
            &[b'a'; 3994],
            &ua_public,
            &[1; 16],
            &random_secret(),
            &[0; 16],
        );
        assert!(matches!(e, Err(PushError::TooLarge)));
        let ok = encrypt(
            &[b'a'; 3993],
            &ua_public,
            &[1; 16],
            &random_secret(),
            &[0; 16],
        )
        .unwrap();
        assert_eq!(ok.len(), MAX_PUSH_RECORD_BYTES);
        let e = encrypt(b"x", &[4; 65], &[1; 16], &random_secret(), &[0; 16]);
        assert!(matches!(e, Err(PushError::BadKey)));
    }

    #[test]
    fn the_token_is_for_the_endpoints_origin_and_verifies() {
        use p256::ecdsa::VerifyingKey;
        use p256::ecdsa::signature::Verifier;
        let vapid = Vapid::from_private(&encode_base64url(&random_secret().to_bytes())).unwrap();
        let header = vapid
            .authorization(
                "https://push.example.vn:8443/p/abc?x=1",
                "mailto:bt@example.vn",
                1_000,
            )
            .unwrap();
        let rest = header.strip_prefix("vapid t=").unwrap();
        let (token, k) = rest.split_once(", k=").unwrap();
        assert_eq!(k, vapid.public_key());
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let claims = signed.split('.').nth(1).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&b(claims)).unwrap();
        assert_eq!(claims["aud"], "https://push.example.vn:8443");
        assert_eq!(claims["exp"], 1_000 + TOKEN_LIFETIME_SECS);
        assert_eq!(claims["sub"], "mailto:bt@example.vn");
        let key = VerifyingKey::from_sec1_bytes(&b(k)).unwrap();
        let signature = Signature::from_slice(&b(signature)).unwrap();
        key.verify(signed.as_bytes(), &signature).unwrap();
        assert!(key.verify(b"other", &signature).is_err());
    }
}
