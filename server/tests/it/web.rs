//! The server's defences on the web, against the real server on SQLite and on
//! PostgreSQL: the login limits, the same-origin rule for changes and live
//! sockets, and the security headers of every answer.

use crate::common;

use common::{Backend, CELL_B, TestServer};
use futures_util::future::join_all;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use server::config::Settings;
use server::ratelimit::Limits;
use std::net::IpAddr;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const WRONG: &str = "doan-sai-1";
const RIGHT: &str = server::demo::DEMO_PASSWORD;

/// A client whose connections leave from `local` (any 127.x.y.z reaches the
/// server on 127.0.0.1, so one machine can play several addresses).
fn client_from(local: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(local.parse::<IpAddr>().ok())
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

async fn login(
    s: &TestServer,
    client: &reqwest::Client,
    username: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let mut req = client
        .post(s.url("/api/auth/login"))
        .json(&json!({"username": username, "password": password}));
    if let Some(f) = forwarded_for {
        req = req.header("x-forwarded-for", f);
    }
    req.send().await.expect("login request")
}

/// Wrong passwords until the server says to wait; the number of 401s before.
async fn guess_until_refused(
    s: &TestServer,
    client: &reqwest::Client,
    username: &str,
    forwarded_for: Option<&str>,
) -> usize {
    for tried in 0..40 {
        let res = login(s, client, username, WRONG, forwarded_for).await;
        match res.status() {
            StatusCode::UNAUTHORIZED => continue,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_waits(res).await;
                return tried;
            }
            other => panic!("unexpected {other} while guessing"),
        }
    }
    panic!("40 wrong passwords for {username} and never told to wait");
}

/// A 429 with Retry-After and a Vietnamese message saying how long.
async fn assert_waits(res: reqwest::Response) {
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let secs: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds");
    assert!(secs >= 1);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("thử lại sau {secs} giây")),
        "{message}"
    );
}

async fn concurrent_wrong_passwords_meet_the_limit(b: Backend) {
    let s = TestServer::start(b).await;
    let c = s.client();
    let answers = join_all((0..40).map(|_| login(&s, &c, "dv.b05", WRONG, None))).await;
    let mut unauthorized = 0;
    let mut waits = Vec::new();
    for res in answers {
        match res.status() {
            StatusCode::UNAUTHORIZED => unauthorized += 1,
            _ => waits.push(res),
        }
    }
    assert_eq!(
        unauthorized,
        Limits::default().free_failures,
        "only the free attempts reach the password check"
    );
    for res in waits {
        assert_waits(res).await;
    }
    s.stop().await;
}

async fn the_right_password_from_another_address_still_works(b: Backend) {
    let s = TestServer::start(b).await;
    let here = client_from("127.0.0.1");
    let tried = guess_until_refused(&s, &here, "bithu.b", None).await;
    assert_eq!(tried as u32, Limits::default().free_failures);
    assert_waits(login(&s, &here, "bithu.b", RIGHT, None).await).await;
    let elsewhere = client_from("127.0.0.2");
    let res = login(&s, &elsewhere, "bithu.b", RIGHT, None).await;
    assert_eq!(res.status(), 200, "the chair logs in from another address");
    assert_eq!(
        elsewhere
            .get(s.url("/api/me"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // The address guessing may still log in to other accounts.
    assert_eq!(login(&s, &here, "dv.b06", RIGHT, None).await.status(), 200);
    s.stop().await;
}

async fn an_address_has_a_ceiling_over_all_accounts(b: Backend) {
    let limits = Limits {
        per_address: 4,
        ..Limits::default()
    };
    let s = TestServer::start_with(
        b,
        Settings {
            limits,
            ..Settings::default()
        },
    )
    .await;
    let here = client_from("127.0.0.1");
    for name in ["dv.b02", "dv.b03", "dv.b04", "dv.b05"] {
        assert_eq!(login(&s, &here, name, WRONG, None).await.status(), 401);
    }
    assert_waits(login(&s, &here, "dv.b06", WRONG, None).await).await;
    assert_waits(login(&s, &here, "dv.b06", RIGHT, None).await).await;
    let elsewhere = client_from("127.0.0.3");
    assert_eq!(
        login(&s, &elsewhere, "dv.b06", RIGHT, None).await.status(),
        200
    );
    s.stop().await;
}

async fn forwarded_for_counts_only_from_the_trusted_proxy(b: Backend) {
    // The test client is the proxy: its requests come from 127.0.0.1.
    let s = TestServer::start_with(
        b,
        Settings {
            trusted_proxy: Some("127.0.0.1".parse().unwrap()),
            ..Settings::default()
        },
    )
    .await;
    let c = s.client();
    let tried = guess_until_refused(&s, &c, "bithu.b", Some("203.0.113.7")).await;
    assert_eq!(tried as u32, Limits::default().free_failures);
    let res = login(&s, &c, "bithu.b", RIGHT, Some("203.0.113.8")).await;
    assert_eq!(res.status(), 200, "another client behind the same proxy");
    // The proxy appends the address it saw; what the client wrote before is not believed.
    assert_waits(login(&s, &c, "bithu.b", RIGHT, Some("203.0.113.8, 203.0.113.7")).await).await;
    s.stop().await;

    // Without a trusted proxy, or from another address than it, the header is a lie.
    for trusted_proxy in [None, Some("192.0.2.250".parse().unwrap())] {
        let s = TestServer::start_with(
            b,
            Settings {
                trusted_proxy,
                ..Settings::default()
            },
        )
        .await;
        let c = s.client();
        guess_until_refused(&s, &c, "bithu.b", Some("203.0.113.7")).await;
        assert_waits(login(&s, &c, "bithu.b", RIGHT, Some("203.0.113.8")).await).await;
        s.stop().await;
    }
}

async fn wrong_current_passwords_are_limited(b: Backend) {
    let limits = Limits {
        first_delay: Duration::from_secs(3),
        ..Limits::default()
    };
    let s = TestServer::start_with(
        b,
        Settings {
            limits,
            ..Settings::default()
        },
    )
    .await;
    let c = s.login("dv.a05").await;
    let change = |current: &'static str| {
        c.post(s.url("/api/me/password"))
            .json(&json!({"current_password": current, "new_password": "matkhau-moi-2026"}))
            .send()
    };
    for _ in 0..limits.free_failures {
        assert_eq!(change(WRONG).await.unwrap().status(), 422);
    }
    assert_waits(change(WRONG).await.unwrap()).await;
    let res = change(RIGHT).await.unwrap();
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_waits(res).await;
    // Logging in is not affected: the limit is on guessing through a session.
    s.login("dv.a05").await;
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(change(RIGHT).await.unwrap().status(), 204);
    s.stop().await;
}

/// A meeting of cell B registered through the API by its secretary.
async fn meeting_in_b(s: &TestServer) -> i64 {
    let cell = s.org_id(CELL_B).await;
    let roll = s.store.members_of(shared::OrgId(cell)).await.unwrap();
    let starts = (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%Y-%m-%dT08:00:00")
        .to_string();
    let res = s
        .login("bithu.b")
        .await
        .post(s.url(&format!("/api/organizations/{cell}/meetings")))
        .json(&json!({
            "kind": "regular",
            "title": "Sinh hoạt thường kỳ",
            "starts_at": starts,
            "mode": "online",
            "video_link": "https://hop.example.vn/b",
            "chair_id": roll[0].id.0,
            "secretary_id": roll[1].id.0,
            "agenda": shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Opens the live socket with these headers: the socket, or the refusal's
/// status and body.
async fn open_socket(
    s: &TestServer,
    meeting: i64,
    cookie: &str,
    headers: &[(&'static str, &str)],
) -> Result<Socket, (u16, Value)> {
    let url = s
        .url(&format!("/api/meetings/{meeting}/live"))
        .replace("http://", "ws://");
    let mut req = url.into_client_request().unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    for (k, v) in headers {
        req.headers_mut().insert(*k, v.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            let body = res
                .body()
                .as_deref()
                .and_then(|b| serde_json::from_slice(b).ok())
                .unwrap_or(Value::Null);
            Err((res.status().as_u16(), body))
        }
        Err(e) => panic!("connect: {e}"),
    }
}

async fn welcomed(mut socket: Socket) -> bool {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let hello = json!({"type": "hello", "version": 1, "last_seq": null});
    socket
        .send(Message::Text(hello.to_string().into()))
        .await
        .unwrap();
    while let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_secs(10), socket.next()).await
    {
        if let Message::Text(t) = msg {
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            return v["type"] == "welcome";
        }
    }
    false
}

async fn sockets_and_changes_only_from_our_own_pages(b: Backend) {
    let s = TestServer::start(b).await;
    let id = meeting_in_b(&s).await;
    let cookie = s.session_cookie("bithu.b").await;
    let own = s.base.clone();

    let (status, body) = open_socket(&s, id, &cookie, &[("origin", "http://evil.example")])
        .await
        .expect_err("a socket from another site is refused");
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "foreign_origin", "{body}");
    let refused = open_socket(&s, id, &cookie, &[("sec-fetch-site", "cross-site")]).await;
    assert_eq!(refused.err().map(|e| e.0), Some(403));
    let own_page = open_socket(&s, id, &cookie, &[("origin", own.as_str())]).await;
    assert!(welcomed(own_page.expect("our own page")).await);
    // No Origin and no Sec-Fetch-Site: not a browser (the load generator, curl).
    let tool = open_socket(&s, id, &cookie, &[]).await;
    assert!(welcomed(tool.expect("a tool")).await);

    let c = s.login("dv.b05").await;
    let post = |path: &str, headers: &[(&'static str, &str)]| {
        let mut req = c.post(s.url(path)).json(&json!({}));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send()
    };
    for headers in [
        vec![("origin", "http://evil.example")],
        vec![("origin", "null")],
        vec![("origin", "https://127.0.0.1")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
    ] {
        let res = post("/api/auth/logout", &headers).await.unwrap();
        assert_eq!(res.status(), 403, "{headers:?}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "foreign_origin");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    let res = post("/api/me/password", &[("origin", "http://evil.example")])
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        c.get(s.url("/api/me")).send().await.unwrap().status(),
        200,
        "still logged in: nothing was done"
    );
    let res = post(
        "/api/auth/logout",
        &[("origin", own.as_str()), ("sec-fetch-site", "same-origin")],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 204, "from our own page");
    s.stop().await;
}

async fn behind_https_the_origin_is_https(b: Backend) {
    let s = TestServer::start_with(
        b,
        Settings {
            trusted_proxy: Some("127.0.0.1".parse().unwrap()),
            ..Settings::default()
        },
    )
    .await;
    let host = s.base.trim_start_matches("http://").to_string();
    let try_login = |origin: String, proto: Option<&'static str>| {
        let mut req = s
            .client()
            .post(s.url("/api/auth/login"))
            .header("origin", origin)
            .json(&json!({"username": "dv.b05", "password": RIGHT}));
        if let Some(p) = proto {
            req = req.header("x-forwarded-proto", p);
        }
        req.send()
    };
    let status = |r: Result<reqwest::Response, reqwest::Error>| r.unwrap().status().as_u16();
    assert_eq!(
        status(try_login(format!("https://{host}"), Some("https")).await),
        200
    );
    assert_eq!(
        status(try_login(format!("http://{host}"), Some("https")).await),
        403
    );
    assert_eq!(status(try_login(format!("http://{host}"), None).await), 200);
    s.stop().await;

    let s = TestServer::start_with(
        b,
        Settings {
            secure_cookies: true,
            ..Settings::default()
        },
    )
    .await;
    let host = s.base.trim_start_matches("http://").to_string();
    let post = |origin: String, proto: &'static str| {
        s.client()
            .post(s.url("/api/auth/login"))
            .header("origin", origin)
            // From no trusted proxy: not believed.
            .header("x-forwarded-proto", proto)
            .json(&json!({"username": "dv.b05", "password": RIGHT}))
            .send()
    };
    assert_eq!(status(post(format!("https://{host}"), "http").await), 200);
    assert_eq!(status(post(format!("http://{host}"), "http").await), 403);
    s.stop().await;
}

fn assert_security_headers(what: &str, h: &HeaderMap, https: bool) {
    let csp = h["content-security-policy"].to_str().unwrap();
    for directive in [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{what}: {directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(h["x-frame-options"], "DENY", "{what}");
    assert_eq!(h["referrer-policy"], "same-origin", "{what}");
    assert_eq!(
        h.get("strict-transport-security").is_some(),
        https,
        "{what}: HSTS only with --secure-cookies"
    );
}

fn varies_on_encoding(h: &HeaderMap) -> bool {
    h.get_all("vary").iter().any(|v| {
        v.to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding")
    })
}

async fn security_headers_on_every_answer(b: Backend) {
    for https in [false, true] {
        let s = TestServer::start_with(
            b,
            Settings {
                secure_cookies: https,
                ..Settings::default()
            },
        )
        .await;
        std::fs::write(s.static_dir().join("app.js"), "export default 1;").unwrap();
        std::fs::write(s.static_dir().join("app.js.br"), "br-bytes").unwrap();
        let c = s.client();
        let res = c
            .post(s.url("/api/auth/login"))
            .json(&json!({"username": "dv.b05", "password": RIGHT}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        for path in ["/api/me", "/api/home", "/api/nothing-here"] {
            let res = c.get(s.url(path)).send().await.unwrap();
            assert_security_headers(path, res.headers(), https);
            assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
        }
        let anon = s.client().get(s.url("/api/home")).send().await.unwrap();
        assert_eq!(anon.status(), 401);
        assert_security_headers("an error", anon.headers(), https);
        assert_eq!(anon.headers()["cache-control"], "no-store");
        let spec = c.get(s.url("/api/openapi.json")).send().await.unwrap();
        assert_security_headers("openapi.json", spec.headers(), https);
        assert_ne!(spec.headers()["cache-control"], "no-store", "not personal");
        for (path, accept) in [
            ("/app.js", "br"),
            ("/app.js", "identity"),
            ("/", "gzip"),
            ("/meetings/42", "br"),
        ] {
            let res = c
                .get(s.url(path))
                .header("accept-encoding", accept)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{path}");
            assert_security_headers(path, res.headers(), https);
            assert!(varies_on_encoding(res.headers()), "{path}: Vary");
            assert_eq!(res.headers()["cache-control"], "no-cache", "{path}");
        }
        s.stop().await;
    }
}

/// What lets the API contract run as the administrator without ending its
/// own session: its own password is changed with the current one only, and it
/// cannot disable itself.
async fn an_administrator_cannot_lock_itself_out(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.login("quantri").await;
    let me: Value = admin
        .get(s.url("/api/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = me["account"]["id"].as_i64().unwrap();
    let res = admin
        .post(s.url(&format!("/api/accounts/{id}/password")))
        .json(&json!({"new_password": "matkhau-moi-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = admin
        .put(s.url(&format!("/api/accounts/{id}/disabled")))
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        admin.get(s.url("/api/me")).send().await.unwrap().status(),
        200
    );
    s.login("quantri").await;
    s.stop().await;
}

on_both_backends!(
    an_administrator_cannot_lock_itself_out,
    concurrent_wrong_passwords_meet_the_limit,
    the_right_password_from_another_address_still_works,
    an_address_has_a_ceiling_over_all_accounts,
    forwarded_for_counts_only_from_the_trusted_proxy,
    wrong_current_passwords_are_limited,
    sockets_and_changes_only_from_our_own_pages,
    behind_https_the_origin_is_https,
    security_headers_on_every_answer,
);
