//! JSON requests with a logged-in client, as the browser sends them (with
//! its `origin`): the status and the body, `null` when there is none.

use super::TestServer;
use serde_json::Value;

pub async fn send(
    c: &reqwest::Client,
    s: &TestServer,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = c
        .request(method, s.url(path))
        .header("origin", s.base.as_str());
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub async fn get(c: &reqwest::Client, s: &TestServer, path: &str) -> (u16, Value) {
    send(c, s, reqwest::Method::GET, path, None).await
}

pub async fn post(c: &reqwest::Client, s: &TestServer, path: &str, body: Value) -> (u16, Value) {
    send(c, s, reqwest::Method::POST, path, Some(body)).await
}

pub async fn put(c: &reqwest::Client, s: &TestServer, path: &str, body: Value) -> (u16, Value) {
    send(c, s, reqwest::Method::PUT, path, Some(body)).await
}

pub async fn delete(c: &reqwest::Client, s: &TestServer, path: &str) -> u16 {
    send(c, s, reqwest::Method::DELETE, path, None).await.0
}
