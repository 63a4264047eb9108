//! Faults: the server killed with SIGKILL mid-meeting, connections cut again and
//! again. Nothing acknowledged is lost; nothing is applied twice.

use crate::common;

use common::ws::Client;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The real server binary on a SQLite file; killed when dropped.
struct Process {
    child: Child,
    base: String,
}

impl Process {
    fn start(db: &std::path::Path) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chibo-server"))
            .args([
                "--addr",
                "127.0.0.1:0",
                "--demo-data",
                "--static-dir",
                "no-app-needed",
            ])
            .arg("--database-url")
            .arg(format!("sqlite:{}", db.display()))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server binary");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            let line = lines
                .next()
                .expect("the server prints its address")
                .expect("line");
            if let Some(i) = line.find("http://") {
                break line[i..].trim_end_matches('/').to_string();
            }
        };
        Process { child, base }
    }

    fn kill9(mut self) {
        // Child::kill sends SIGKILL on Unix: no shutdown code runs.
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn login(base: &str, username: &str) -> (reqwest::Client, String) {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"username": username, "password": "chibo2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    (http, cookie)
}

async fn connect(base: &str, cookie: &str, meeting: i64) -> Client {
    Client::open(base, cookie, meeting).await.expect("connect")
}

/// The opinions' texts on the first agenda item, from the minutes.
async fn opinions_on_first_item(base: &str, http: &reqwest::Client, meeting: i64) -> Vec<String> {
    let minutes: Value = http
        .get(format!("{base}/api/meetings/{meeting}/minutes"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    minutes["items"][0]["opinions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["text"].as_str().unwrap().to_string())
        .collect()
}

/// Registers a meeting in the chair's cell, chaired by them.
async fn new_meeting(base: &str, http: &reqwest::Client) -> i64 {
    let home: Value = http
        .get(format!("{base}/api/home"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cell = home["me"]["cell"]["id"].as_i64().unwrap();
    let members: Value = http
        .get(format!("{base}/api/organizations/{cell}/members"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let starts = (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y-%m-%dT%H:%M:00")
        .to_string();
    let res = http
        .post(format!("{base}/api/organizations/{cell}/meetings"))
        .json(&json!({
            "kind": "regular", "title": "Sinh hoạt thường kỳ", "starts_at": starts,
            "mode": "online", "place": "", "video_link": "https://hop.example.vn/x",
            "chair_id": home["me"]["member"]["id"], "secretary_id": members[1]["id"],
            "agenda": shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_event() {
    let dir = std::env::temp_dir().join(format!("chibo_crash_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("chibo.db");
    let server = Process::start(&db);
    let (http, cookie) = login(&server.base, "bithu.b").await;
    let meeting = new_meeting(&server.base, &http).await;
    let mut chair = connect(&server.base, &cookie, meeting).await;
    chair.hello(None).await;
    chair
        .send(json!({"type": "command", "key": "open", "command": {"type": "open", "confirm_early": true}}))
        .await;
    chair.answer("open").await;
    chair
        .send(json!({"type": "command", "key": "in", "command": {"type": "check_in"}}))
        .await;
    chair.answer("in").await;
    let mut acked = 2;
    for i in 0..30 {
        let key = format!("op-{i}");
        let answer = chair
            .command_resending(
                &key,
                json!({"type": "opine", "text": format!("Ý kiến số {i}"), "on_behalf_of": null}),
            )
            .await;
        assert_eq!(answer["type"], "accepted");
        acked = answer["seq"].as_u64().unwrap();
    }
    // Fire more without waiting, then kill the process mid-stream.
    for i in 30..60 {
        chair.send(json!({"type": "command", "key": format!("op-{i}"), "command": {"type": "opine", "text": format!("Ý kiến số {i}"), "on_behalf_of": null}})).await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    server.kill9();

    let server = Process::start(&db);
    let (http, cookie) = login(&server.base, "bithu.b").await;
    let mut chair = connect(&server.base, &cookie, meeting).await;
    let welcome = chair.hello(Some(acked)).await;
    // Resuming from the last acknowledged event: the server still has it and everything before.
    assert!(
        welcome["snapshot"].is_null(),
        "the acknowledged events are all there: {welcome}"
    );
    let report: Value = http
        .get(format!("{}/api/meetings/{meeting}/verify", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(report["events"].as_u64().unwrap() >= acked, "{report}");
    assert_eq!(
        report["broken_at"],
        Value::Null,
        "the chain survived the kill: {report}"
    );
    // Retrying every command after the restart applies each one exactly once.
    for i in 0..60 {
        let key = format!("op-{i}");
        let answer = chair
            .command_resending(
                &key,
                json!({"type": "opine", "text": format!("Ý kiến số {i}"), "on_behalf_of": null}),
            )
            .await;
        assert_eq!(answer["type"], "accepted");
    }
    let texts = opinions_on_first_item(&server.base, &http, meeting).await;
    for i in 0..60 {
        let t = format!("Ý kiến số {i}");
        assert_eq!(texts.iter().filter(|x| **x == t).count(), 1, "{t} once");
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_cut_again_and_again_loses_and_duplicates_nothing() {
    let dir = std::env::temp_dir().join(format!("chibo_cuts_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let server = Process::start(&dir.join("chibo.db"));
    let (http, cookie) = login(&server.base, "bithu.c").await;
    let meeting = new_meeting(&server.base, &http).await;
    let mut socket = connect(&server.base, &cookie, meeting).await;
    socket.hello(None).await;
    socket
        .send(json!({"type": "command", "key": "open", "command": {"type": "open", "confirm_early": true}}))
        .await;
    socket.answer("open").await;
    socket
        .send(json!({"type": "command", "key": "in", "command": {"type": "check_in"}}))
        .await;
    socket.answer("in").await;

    // An outbox as the app keeps it: commands stay until acknowledged, and are
    // sent again after every reconnection.
    let mut outbox: Vec<(String, Value)> = (0..40)
        .map(|i| {
            (
                format!("cut-{i}"),
                json!({"type": "opine", "text": format!("Góp ý {i}"), "on_behalf_of": null}),
            )
        })
        .collect();
    let mut last_seq = 1u64;
    let mut round = 0;
    while !outbox.is_empty() {
        round += 1;
        assert!(round < 100, "the outbox drains");
        let mut socket = connect(&server.base, &cookie, meeting).await;
        let welcome = socket.hello(Some(last_seq)).await;
        for e in welcome["events"].as_array().into_iter().flatten() {
            last_seq = last_seq.max(e["seq"].as_u64().unwrap());
        }
        for (key, command) in &outbox {
            socket
                .send(json!({"type": "command", "key": key, "command": command}))
                .await;
        }
        // Read a few answers, then cut the connection without a goodbye.
        let mut deferred = false;
        for _ in 0..(3 + round % 5) {
            let Some(v) = socket.next_quiet().await else {
                break;
            };
            if v["type"] == "accepted" {
                outbox.retain(|(k, _)| k != v["key"].as_str().unwrap());
            }
            deferred |= v["type"] == "deferred";
            for e in v["events"].as_array().into_iter().flatten() {
                last_seq = last_seq.max(e["seq"].as_u64().unwrap());
            }
        }
        drop(socket);
        // Deferred commands wait a moment before they are sent again.
        if deferred {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    let texts = opinions_on_first_item(&server.base, &http, meeting).await;
    assert_eq!(texts.len(), 40, "each command once: {texts:?}");
    for i in 0..40 {
        assert!(texts.contains(&format!("Góp ý {i}")));
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
