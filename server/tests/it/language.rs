//! The server's messages follow the request's `Accept-Language`: English when
//! its first choice is English, Vietnamese otherwise (and when there is none).

use crate::common;

use common::{Backend, CELL_A, TestServer};
use serde_json::{Value, json};
use shared::i18n::has_vietnamese;

/// The answer's status and body, asking for `lang` (none when `None`).
async fn send(
    c: &reqwest::Client,
    s: &TestServer,
    path: &str,
    body: Value,
    lang: Option<&str>,
) -> (u16, Value) {
    let mut r = c
        .post(s.url(path))
        .header("origin", s.base.as_str())
        .json(&body);
    if let Some(lang) = lang {
        r = r.header("accept-language", lang);
    }
    let res = r.send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

fn field<'a>(body: &'a Value, name: &str) -> &'a Value {
    body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == name)
        .unwrap_or_else(|| panic!("no {name} in {body}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_follow_accept_language() {
    let s = TestServer::start(Backend::Sqlite).await;
    let anon = s.client();
    // A different account each time, so that no account's failures are delayed.
    for (who, lang, english) in [
        ("dv.a04", Some("en"), true),
        ("dv.a05", Some("en-GB,vi;q=0.5"), true),
        ("dv.a06", Some("vi"), false),
        ("dv.a07", Some("vi-VN,en;q=0.8"), false),
        ("dv.a08", None, false),
    ] {
        let wrong = json!({"username": who, "password": "sai-mat-khau1"});
        let (status, b) = send(&anon, &s, "/api/auth/login", wrong, lang).await;
        assert_eq!(status, 401, "{lang:?}");
        assert_eq!(b["error"]["code"], "bad_credentials");
        let message = b["error"]["message"].as_str().unwrap();
        let expected = if english {
            "The user name or password is wrong."
        } else {
            "Tên đăng nhập hoặc mật khẩu không đúng."
        };
        assert_eq!(message, expected, "{lang:?}");
    }

    // A member's record refused field by field, each field with its code.
    let sec = s.login("bithu.a").await;
    let cell = s.org_id(CELL_A).await;
    let path = format!("/api/organizations/{cell}/members");
    let bad = json!({
        "full_name": "", "gender": "female", "birth_date": "2010-01-01",
        "admitted_on": "2020-05-19", "full_member_on": "2021-05-19",
        "status": "full", "role": "member", "card_number": null
    });
    let (status, en) = send(&sec, &s, &path, bad.clone(), Some("en")).await;
    assert_eq!(status, 422);
    assert_eq!(en["error"]["code"], "validation");
    let name = field(&en, "full_name");
    assert_eq!(name["code"], "name_empty");
    assert_eq!(name["message"], "Full name must not be empty.");
    assert_eq!(field(&en, "admitted_on")["code"], "admitted_underage");
    for f in en["error"]["fields"].as_array().unwrap() {
        let m = f["message"].as_str().unwrap();
        assert!(!has_vietnamese(m), "{m}");
        assert!(
            f.get("english").is_none(),
            "the English copy is not sent: {f}"
        );
    }
    assert!(!has_vietnamese(en["error"]["message"].as_str().unwrap()));

    for lang in [Some("vi"), None] {
        let (status, vi) = send(&sec, &s, &path, bad.clone(), lang).await;
        assert_eq!(status, 422);
        let name = field(&vi, "full_name");
        assert_eq!(name["code"], "name_empty");
        assert_eq!(name["message"], "Họ và tên không được để trống.");
    }

    // A password refused by the rules of `shared`, with one field only.
    let (status, en) = send(
        &sec,
        &s,
        "/api/me/password",
        json!({"current_password": "chibo2026", "new_password": "short"}),
        Some("en"),
    )
    .await;
    assert_eq!(status, 422);
    let pw = field(&en, "new_password");
    assert_eq!(pw["code"], "password_too_short");
    assert_eq!(
        pw["message"],
        "The password must have at least 8 characters."
    );
    assert_eq!(en["error"]["message"], pw["message"]);

    // A request the server cannot read.
    let (status, en) = send(&sec, &s, &path, json!({"full_name": 1}), Some("en")).await;
    assert_eq!(status, 400);
    let m = en["error"]["message"].as_str().unwrap();
    assert!(!has_vietnamese(m), "{m}");
    s.stop().await;
}
