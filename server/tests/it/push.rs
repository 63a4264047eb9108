//! Web Push on SQLite and PostgreSQL, against a push service inside the
//! test (an axum server on 127.0.0.1) that does what a browser's push
//! service and the browser do: it checks the VAPID token's ES256 signature
//! against the key `/api/push/key` gives, its audience and expiry (RFC
//! 8292), and decrypts the `aes128gcm` body with the subscription's private
//! key and auth secret (RFC 8291), generated here as a browser would. Then:
//! the subscription endpoints and their checks, preferences per kind,
//! retries after a 500, a 410 ending the subscription, one key for two
//! instances, and queued pushes delivered once across a restart.

use crate::common;

use aes_gcm::aead::Aead;
use aes_gcm::{Aes128Gcm, KeyInit, Nonce};
use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use common::instances::{Db, Instance, Wait};
use common::{Backend, CELL_B};
use hkdf::Hkdf;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use serde_json::{Value, json};
use server::notify::NotifyConfig;
use sha2::Sha256;
use shared::MeetingId;
use shared::notify::{Lang, MeetingRef, Notice, NoticeKind};
use shared::push::{PushPayload, decode_base64url, encode_base64url};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn quick() -> NotifyConfig {
    NotifyConfig {
        scan_every: Duration::from_secs(3600),
        deliver_every: Duration::from_millis(100),
        retry_base_ms: 100,
        lease: Duration::from_secs(2),
        push_subject: "mailto:quantri@chibo.example.vn".into(),
        push_allow_local_http: true,
        ..NotifyConfig::default()
    }
}

const WAIT: Wait = Wait {
    within: Duration::from_secs(30),
    every: Duration::from_millis(50),
};

/// What the push service received: the headers and body of one POST.
#[derive(Debug, Clone)]
struct Received {
    device: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

#[derive(Default)]
struct ServiceState {
    received: Vec<Received>,
    /// Per device, the statuses to answer next (then 201).
    script: HashMap<String, VecDeque<u16>>,
    /// Answer 503 to everything (the service is down).
    down: bool,
}

/// A push service on 127.0.0.1: `POST /push/{device}`.
#[derive(Clone)]
struct PushService {
    origin: String,
    state: Arc<Mutex<ServiceState>>,
}

async fn accept(
    State(state): State<Arc<Mutex<ServiceState>>>,
    UrlPath(device): UrlPath<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let mut s = state.lock().unwrap();
    if s.down {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let status = s
        .script
        .get_mut(&device)
        .and_then(VecDeque::pop_front)
        .unwrap_or(201);
    if (200..300).contains(&status) {
        s.received.push(Received {
            device,
            headers,
            body: body.to_vec(),
        });
    }
    StatusCode::from_u16(status).unwrap()
}

impl PushService {
    async fn start() -> PushService {
        let state = Arc::new(Mutex::new(ServiceState::default()));
        let app = Router::new()
            .route("/push/{device}", post(accept))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        PushService {
            origin: format!("http://{addr}"),
            state,
        }
    }

    fn endpoint(&self, device: &str) -> String {
        format!("{}/push/{device}", self.origin)
    }

    fn answer(&self, device: &str, statuses: &[u16]) {
        self.state
            .lock()
            .unwrap()
            .script
            .insert(device.into(), statuses.iter().copied().collect());
    }

    fn set_down(&self, down: bool) {
        self.state.lock().unwrap().down = down;
    }

    fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }
}

/// A browser's side of a subscription: its P-256 key pair and auth secret.
struct Browser {
    secret: SecretKey,
    auth: [u8; 16],
}

impl Browser {
    fn new() -> Browser {
        let secret = loop {
            if let Ok(k) = SecretKey::from_slice(&rand::random::<[u8; 32]>()) {
                break k;
            }
        };
        Browser {
            secret,
            auth: rand::random(),
        }
    }

    fn public(&self) -> Vec<u8> {
        self.secret
            .public_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec()
    }

    fn subscription(&self, endpoint: &str) -> Value {
        json!({
            "endpoint": endpoint,
            "p256dh": encode_base64url(&self.public()),
            "auth": encode_base64url(&self.auth),
        })
    }

    /// RFC 8291 from the receiving end: the payload of an `aes128gcm` body.
    fn decrypt(&self, body: &[u8]) -> Vec<u8> {
        self.try_decrypt(body)
            .expect("the body decrypts with the subscription's keys")
    }

    /// `None` when these keys do not open the body.
    fn try_decrypt(&self, body: &[u8]) -> Option<Vec<u8>> {
        assert!(body.len() > 86 + 16, "a body too short: {}", body.len());
        let salt = &body[..16];
        let record_size = u32::from_be_bytes(body[16..20].try_into().unwrap());
        assert_eq!(record_size, 4096);
        let id_len = usize::from(body[20]);
        assert_eq!(id_len, 65, "the key id is the sender's P-256 public key");
        let sender = &body[21..21 + id_len];
        let sealed = &body[21 + id_len..];
        assert!(sealed.len() <= record_size as usize, "one record");
        let sender_key = PublicKey::from_sec1_bytes(sender).expect("a P-256 point");
        let shared =
            p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), sender_key.as_affine());
        let mut info = b"WebPush: info\0".to_vec();
        info.extend_from_slice(&self.public());
        info.extend_from_slice(sender);
        let mut ikm = [0u8; 32];
        Hkdf::<Sha256>::new(Some(&self.auth[..]), shared.raw_secret_bytes())
            .expand(&info, &mut ikm)
            .unwrap();
        let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
        let mut cek = [0u8; 16];
        let mut nonce = [0u8; 12];
        prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
            .unwrap();
        prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
            .unwrap();
        let mut plain = Aes128Gcm::new_from_slice(&cek)
            .unwrap()
            .decrypt(Nonce::from_slice(&nonce), sealed)
            .ok()?;
        // Padding: zeros after the last record's delimiter, 0x02.
        while plain.last() == Some(&0) {
            plain.pop();
        }
        assert_eq!(plain.pop(), Some(2), "the last record's delimiter");
        Some(plain)
    }
}

/// RFC 8292: checks the request's VAPID token against the server's key.
fn check_vapid(r: &Received, server_key: &str, audience: &str) {
    let auth = r.headers["authorization"].to_str().unwrap();
    let rest = auth.strip_prefix("vapid t=").expect("vapid scheme");
    let (token, k) = rest.split_once(", k=").expect("t and k");
    assert_eq!(k, server_key, "k is the key browsers subscribed with");
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value = serde_json::from_slice(&decode_base64url(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "ES256");
    let claims: Value = serde_json::from_slice(&decode_base64url(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["aud"], audience);
    let exp = claims["exp"].as_i64().unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(exp > now && exp <= now + 24 * 3600, "exp {exp}, now {now}");
    assert_eq!(claims["sub"], "mailto:quantri@chibo.example.vn");
    let key = VerifyingKey::from_sec1_bytes(&decode_base64url(k).unwrap()).unwrap();
    let signature = Signature::from_slice(&decode_base64url(parts[2]).unwrap()).unwrap();
    key.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .expect("the token is signed with the server's key");
    assert_eq!(r.headers["content-encoding"], "aes128gcm");
    let ttl: u32 = r.headers["ttl"].to_str().unwrap().parse().unwrap();
    assert!(ttl > 0);
}

async fn server_key(s: &Instance, c: &reqwest::Client) -> String {
    let res = c.get(s.url("/api/push/key")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let key = res.json::<Value>().await.unwrap()["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    let bytes = decode_base64url(&key).unwrap();
    assert_eq!(bytes.len(), 65);
    assert_eq!(bytes[0], 4, "an uncompressed point");
    key
}

async fn subscribe(s: &Instance, c: &reqwest::Client, body: &Value) -> (u16, Value) {
    let res = c
        .put(s.url("/api/me/push-subscriptions"))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn set_push_kinds(s: &Instance, c: &reqwest::Client, kinds: Value) {
    let res = c
        .put(s.url("/api/me/notification-preferences"))
        .json(&json!({"push_kinds": kinds}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["push_kinds"], kinds);
}

fn cancelled(id: i64, reason: &str) -> Notice {
    Notice::MeetingCancelled {
        meeting: MeetingRef {
            id: MeetingId(id),
            cell: CELL_B.into(),
            title: "Sinh hoạt thường kỳ tháng 12".into(),
            starts_at: "2026-12-20T14:00:00".parse().unwrap(),
            place: "Phòng họp tầng 2".into(),
            video_link: String::new(),
        },
        reason: reason.into(),
    }
}

fn payload_of(browser: &Browser, r: &Received) -> PushPayload {
    serde_json::from_slice(&browser.decrypt(&r.body)).expect("the payload is JSON")
}

async fn a_registered_meeting_is_pushed_signed_and_encrypted(b: Backend) {
    let db = Db::new(b, "chibo_push", "p").await;
    let service = PushService::start().await;
    let s = Instance::start(&db, quick()).await;
    let member = s.login("dv.b05").await;
    let key = server_key(&s, &member).await;
    let browser = Browser::new();
    let (status, devices) =
        subscribe(&s, &member, &browser.subscription(&service.endpoint("b05"))).await;
    assert_eq!(status, 200, "{devices}");
    assert_eq!(devices["devices"], 1);
    set_push_kinds(&s, &member, json!(["meeting_registered"])).await;

    // The secretary registers a meeting: the member's device gets it.
    let store = s.store();
    let cell = store
        .organizations()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name == CELL_B)
        .unwrap()
        .id;
    let members = store.members_of(cell).await.unwrap();
    let starts = (chrono::Utc::now() + chrono::Duration::days(10))
        .format("%Y-%m-%dT08:00:00")
        .to_string();
    let res = s
        .login("bithu.b")
        .await
        .post(s.url(&format!("/api/organizations/{}/meetings", cell.0)))
        .json(&json!({
            "kind": "regular",
            "title": "Sinh hoạt thường kỳ tháng",
            "starts_at": starts,
            "mode": "in_person",
            "place": "Phòng họp tầng 2",
            "video_link": "",
            "chair_id": members[0].id.0,
            "secretary_id": members[1].id.0,
            "agenda": shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let meeting = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    WAIT.until("the push", || async { !service.received().is_empty() })
        .await;
    let got = service.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].device, "b05");
    check_vapid(&got[0], &key, &service.origin);
    let payload = payload_of(&browser, &got[0]);
    assert_eq!(
        payload.title,
        format!("{CELL_B}: đăng ký buổi sinh hoạt “Sinh hoạt thường kỳ tháng”")
    );
    assert!(
        payload.body.starts_with(&format!(
            "{CELL_B} đã đăng ký buổi sinh hoạt “Sinh hoạt thường kỳ tháng” lúc 08:00 ngày "
        )),
        "{}",
        payload.body
    );
    assert_eq!(payload.link, format!("/meetings/{meeting}"));
    // Another browser's keys cannot read it.
    let stranger = Browser {
        secret: Browser::new().secret,
        auth: browser.auth,
    };
    assert!(
        stranger.try_decrypt(&got[0].body).is_none(),
        "only the subscription's keys decrypt"
    );
    // The server records the push as sent once the service has answered.
    let sent = vec![(service.endpoint("b05"), 0, true)];
    WAIT.until("the push recorded as sent", || async {
        s.store().notices().push_outbox().await.unwrap() == sent
    })
    .await;

    s.stop().await;
    db.remove().await;
}

async fn subscriptions_are_checked_and_ones_own(b: Backend) {
    let db = Db::new(b, "chibo_push", "p").await;
    let service = PushService::start().await;
    // Without the test switch, only https endpoints.
    let strict = Instance::start(
        &db,
        NotifyConfig {
            push_allow_local_http: false,
            ..quick()
        },
    )
    .await;
    let anonymous = reqwest::Client::new();
    let res = anonymous
        .get(strict.url("/api/push/key"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let member = strict.login("dv.b05").await;
    let browser = Browser::new();
    let (status, body) = subscribe(
        &strict,
        &member,
        &browser.subscription(&service.endpoint("x")),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"][0]["field"] == "endpoint", "{body}");
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("https://"),
        "{body}"
    );
    let (status, _) = subscribe(
        &strict,
        &member,
        &browser.subscription("https://fcm.googleapis.com/fcm/send/abc"),
    )
    .await;
    assert_eq!(status, 200);
    strict.stop().await;

    let s = Instance::start(&db, quick()).await;
    let member = s.login("dv.b05").await;
    let mut bad = browser.subscription(&service.endpoint("x"));
    bad["p256dh"] = json!(encode_base64url(&[4u8; 64]));
    bad["auth"] = json!("không phải base64");
    let (status, body) = subscribe(&s, &member, &bad).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["p256dh", "auth"]);
    let mut extra = browser.subscription(&service.endpoint("x"));
    extra["expirationTime"] = Value::Null;
    assert_eq!(subscribe(&s, &member, &extra).await.0, 400);

    // Up to the limit of devices; the same endpoint again is no new device.
    for i in 1..shared::push::MAX_PUSH_SUBSCRIPTIONS {
        let (status, body) = subscribe(
            &s,
            &member,
            &Browser::new().subscription(&service.endpoint(&format!("d{i}"))),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["devices"], i + 1);
    }
    let again = subscribe(
        &s,
        &member,
        &Browser::new().subscription(&service.endpoint("d1")),
    )
    .await;
    assert_eq!(again, (200, json!({"devices": 10})));
    let (status, body) = subscribe(
        &s,
        &member,
        &Browser::new().subscription(&service.endpoint("one-too-many")),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("10 thiết bị")
    );

    // Removing: one's own only; another account's endpoint is not found.
    let other = s.login("dv.a12").await;
    let delete = |c: &reqwest::Client, endpoint: String| {
        let req = c
            .delete(s.url("/api/me/push-subscriptions"))
            .json(&json!({"endpoint": endpoint}));
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(delete(&other, service.endpoint("d1")).await, 404);
    assert_eq!(delete(&member, service.endpoint("d1")).await, 204);
    assert_eq!(delete(&member, service.endpoint("d1")).await, 404);
    let b05 = s.account("dv.b05").await;
    assert_eq!(
        s.store().notices().push_endpoints(b05).await.unwrap().len(),
        9
    );

    // A device used by another account next moves to that account.
    let shared_device = Browser::new().subscription(&service.endpoint("d2"));
    assert_eq!(
        subscribe(&s, &other, &shared_device).await,
        (200, json!({"devices": 1}))
    );
    let endpoints = s.store().notices().push_endpoints(b05).await.unwrap();
    assert_eq!(endpoints.len(), 8);
    assert!(!endpoints.contains(&service.endpoint("d2")));

    s.stop().await;
    db.remove().await;
}

/// Without the test switch, an https endpoint on any host but a browser's
/// push service is refused: the server would otherwise POST wherever a
/// member says (an internal service, say).
async fn an_endpoint_off_the_push_services_is_refused(b: Backend) {
    let db = Db::new(b, "chibo_push", "p").await;
    let strict = Instance::start(
        &db,
        NotifyConfig {
            push_allow_local_http: false,
            ..quick()
        },
    )
    .await;
    let member = strict.login("dv.b05").await;
    for endpoint in [
        "https://intranet.chibo.example.vn/admin/reset",
        "https://fcm.googleapis.com.evil.example/fcm/send/abc",
        "https://169.254.169.254/latest/meta-data",
    ] {
        let (status, body) =
            subscribe(&strict, &member, &Browser::new().subscription(endpoint)).await;
        assert_eq!(status, 422, "{endpoint}: {body}");
        let fields = body["error"]["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 1, "{body}");
        assert_eq!(fields[0]["field"], "endpoint", "{body}");
        assert!(
            fields[0]["message"]
                .as_str()
                .unwrap()
                .contains("dịch vụ thông báo đẩy của trình duyệt"),
            "{body}"
        );
    }
    let b05 = strict.account("dv.b05").await;
    assert!(
        strict
            .store()
            .notices()
            .push_endpoints(b05)
            .await
            .unwrap()
            .is_empty(),
        "nothing stored"
    );
    strict.stop().await;
    db.remove().await;
}

async fn only_the_chosen_kinds_are_pushed(b: Backend) {
    let db = Db::new(b, "chibo_push", "p").await;
    let service = PushService::start().await;
    let s = Instance::start(&db, quick()).await;
    let member = s.login("dv.b05").await;
    let (phone, laptop) = (Browser::new(), Browser::new());
    for (browser, device) in [(&phone, "phone"), (&laptop, "laptop")] {
        assert_eq!(
            subscribe(
                &s,
                &member,
                &browser.subscription(&service.endpoint(device))
            )
            .await
            .0,
            200
        );
    }
    set_push_kinds(&s, &member, json!(["meeting_cancelled"])).await;
    // The preferences as read back keep email and push apart.
    let prefs: Value = member
        .get(s.url("/api/me/notification-preferences"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        prefs,
        json!({"email": "", "email_kinds": [], "push_kinds": ["meeting_cancelled"]})
    );

    let account = s.account("dv.b05").await;
    let opened = Notice::MeetingOpened {
        meeting: MeetingRef {
            id: MeetingId(1),
            cell: CELL_B.into(),
            title: "Họp chuyên đề".into(),
            starts_at: "2026-12-01T08:00:00".parse().unwrap(),
            place: String::new(),
            video_link: String::new(),
        },
    };
    let notify = &s.state().notify;
    notify
        .publish("test:opened", &opened, &[account])
        .await
        .unwrap();
    let notice = cancelled(5, "Đồng chí Bí thư đi công tác đột xuất.");
    notify
        .publish("test:cancelled", &notice, &[account])
        .await
        .unwrap();
    // Publishing the same event again adds nothing; to more people, only them.
    let key = "test:cancelled";
    assert_eq!(notify.publish(key, &notice, &[account]).await.unwrap(), 0);
    let other = s.account("dv.b04").await;
    let wider = [other, account, other];
    let added = notify.publish(key, &notice, &wider).await.unwrap();
    assert_eq!(added, 1, "dv.b04 only, once");
    WAIT.until("two pushes", || async { service.received().len() >= 2 })
        .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let mut got = service.received();
    assert_eq!(got.len(), 2, "one per device, only the chosen kind");
    got.sort_by_key(|r| r.device.clone());
    assert_eq!(got[0].device, "laptop");
    assert_eq!(got[1].device, "phone");
    for (r, browser) in [(&got[0], &laptop), (&got[1], &phone)] {
        let p = payload_of(browser, r);
        assert_eq!(p, PushPayload::of(&notice, Lang::Vi));
        assert!(
            p.body.contains("Đồng chí Bí thư đi công tác đột xuất."),
            "{}",
            p.body
        );
    }
    assert_eq!(NoticeKind::MeetingCancelled, notice.kind());

    s.stop().await;
    db.remove().await;
}

async fn a_failed_push_is_retried_and_a_gone_device_removed(b: Backend) {
    let db = Db::new(b, "chibo_push", "p").await;
    let service = PushService::start().await;
    let s = Instance::start(&db, quick()).await;
    let member = s.login("dv.b05").await;
    let (flaky, gone) = (Browser::new(), Browser::new());
    subscribe(&s, &member, &flaky.subscription(&service.endpoint("flaky"))).await;
    subscribe(&s, &member, &gone.subscription(&service.endpoint("gone"))).await;
    set_push_kinds(&s, &member, json!(["meeting_cancelled"])).await;
    service.answer("flaky", &[500, 503]);
    service.answer("gone", &[410]);
    let account = s.account("dv.b05").await;
    let notice = cancelled(6, "Trùng lịch họp của Đảng uỷ.");
    s.state()
        .notify
        .publish("test:retry", &notice, &[account])
        .await
        .unwrap();

    WAIT.until("the retried push", || async {
        !service.received().is_empty()
    })
    .await;
    let got = service.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].device, "flaky");
    assert_eq!(payload_of(&flaky, &got[0]).title, notice.title(Lang::Vi));
    // The service has the push before the server has read its answer and
    // marked the row sent.
    WAIT.until("the outbox row marked sent", || async {
        s.store()
            .notices()
            .push_outbox()
            .await
            .unwrap()
            .iter()
            .all(|row| row.2)
    })
    .await;
    let rows = s.store().notices().push_outbox().await.unwrap();
    assert_eq!(
        rows,
        vec![(service.endpoint("flaky"), 2, true)],
        "two failures, then sent"
    );
    // 410: the subscription and its push are gone; the in-app notice stays.
    assert_eq!(
        s.store().notices().push_endpoints(account).await.unwrap(),
        vec![service.endpoint("flaky")]
    );
    let page: Value = member
        .get(s.url("/api/me/notifications"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["notice"]["kind"], "meeting_cancelled");

    s.stop().await;
    db.remove().await;
}

async fn pushes_queued_before_a_restart_go_once(b: Backend) {
    let db = Db::new(b, "chibo_push", "p").await;
    let service = PushService::start().await;
    service.set_down(true);
    let first = Instance::start(&db, quick()).await;
    let mut browsers = Vec::new();
    let mut accounts = Vec::new();
    for who in ["dv.b05", "dv.b03", "bithu.b"] {
        let c = first.login(who).await;
        let browser = Browser::new();
        subscribe(&first, &c, &browser.subscription(&service.endpoint(who))).await;
        set_push_kinds(&first, &c, json!(["meeting_cancelled"])).await;
        browsers.push((who, browser));
        accounts.push(first.account(who).await);
    }
    let notice = cancelled(7, "Hoãn vì mưa bão.");
    first
        .state()
        .notify
        .publish("test:restart", &notice, &accounts)
        .await
        .unwrap();
    WAIT.until("failed tries", || async {
        let rows = first.store().notices().push_outbox().await.unwrap();
        rows.len() == 3 && rows.iter().all(|r| r.1 >= 1 && !r.2)
    })
    .await;
    let key = first.login("dv.b05").await;
    let key = server_key(&first, &key).await;
    first.stop().await;

    // The service is back; two instances start on the database.
    service.set_down(false);
    let second = Instance::start(&db, quick()).await;
    let third = Instance::start(&db, quick()).await;
    WAIT.until("three pushes", || async { service.received().len() >= 3 })
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = service.received();
    assert_eq!(got.len(), 3, "each once");
    for (who, browser) in &browsers {
        let r = got.iter().find(|r| r.device == *who).unwrap();
        check_vapid(r, &key, &service.origin);
        assert_eq!(payload_of(browser, r).body, notice.body(Lang::Vi));
    }
    let c = second.login("dv.b05").await;
    assert_eq!(
        server_key(&second, &c).await,
        key,
        "the key survives a restart"
    );
    let c = third.login("dv.b03").await;
    assert_eq!(server_key(&third, &c).await, key, "and is every instance's");

    third.stop().await;
    second.stop().await;
    db.remove().await;
}

async fn instances_starting_together_keep_one_key(b: Backend) {
    let db = Db::new(b, "chibo_push", "p").await;
    let (one, two) = (db.open().await, db.open().await);
    let (a, c) = tokio::join!(
        server::notify::push::Vapid::load(&one),
        server::notify::push::Vapid::load(&two)
    );
    let (a, c) = (a.unwrap(), c.unwrap());
    assert_eq!(a.public_key(), c.public_key());
    let again = server::notify::push::Vapid::load(&db.open().await)
        .await
        .unwrap();
    assert_eq!(again.public_key(), a.public_key());
    db.remove().await;
}

on_both_backends!(
    a_registered_meeting_is_pushed_signed_and_encrypted,
    subscriptions_are_checked_and_ones_own,
    an_endpoint_off_the_push_services_is_refused,
    only_the_chosen_kinds_are_pushed,
    a_failed_push_is_retried_and_a_gone_device_removed,
    pushes_queued_before_a_restart_go_once,
    instances_starting_together_keep_one_key,
);

/// The service worker is served at the root (its scope), as JavaScript, and
/// the policy lets the app register only its own worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_worker_is_served_at_the_root() {
    let s = common::TestServer::start(Backend::Sqlite).await;
    let res = reqwest::get(s.url("/sw.js")).await.unwrap();
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(headers["cache-control"], "no-cache");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("worker-src 'self'"), "{csp}");
    let text = res.text().await.unwrap();
    assert!(text.contains("addEventListener(\"push\""));
    assert!(text.contains("addEventListener(\"notificationclick\""));
    assert!(text.contains("showNotification"));
    s.stop().await;
}
