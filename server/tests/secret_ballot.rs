//! A secret ballot leaves no link between a member and a choice: no table, no
//! log line, no answer. Its own test binary: it installs the process's log
//! subscriber at "trace", which in a shared binary would slow every other test
//! and capture their logs too.

#[path = "it/common/mod.rs"]
mod common;

use common::{Backend, TestServer, join, minutes, ok};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// Everything the test process logs, at every level the server allows.
static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Logs of this process from now on, with the server's own filter over "trace".
fn capture_logs() -> Arc<Mutex<Vec<u8>>> {
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(buf.clone());
        let filter = server::quiet_frames(tracing_subscriber::EnvFilter::new("trace"));
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(move || writer.clone())
            .init();
        buf
    })
    .clone()
}

/// Item 3: after a secret vote, no table, no log line and no answer links a
/// member to a choice; the ballot box holds counts only, and the count
/// closes the vote.
async fn a_secret_ballot_leaves_no_link(b: Backend) {
    let logs = capture_logs();
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Phiếu kín", 5).await;
    let mut chair = join(&s, &m[0], id).await;
    ok(&mut chair, "open", json!({"type": "open"})).await;
    let mut sockets = Vec::new();
    for (i, who) in m.iter().enumerate() {
        let mut c = join(&s, who, id).await;
        ok(&mut c, &format!("in-{i}"), json!({"type": "check_in"})).await;
        sockets.push(c);
    }
    ok(&mut chair, "vote", json!({"type": "open_vote", "kind": "resolution", "ballot": "secret", "question": "Bỏ phiếu kín"})).await;
    let choices = ["against", "abstain", "in_favour", "in_favour", "against"];
    for (i, (c, choice)) in sockets.iter_mut().zip(choices).enumerate() {
        ok(
            c,
            &format!("cast-{i}"),
            json!({"type": "cast", "vote": 0, "choice": choice}),
        )
        .await;
    }
    // What participants are sent says who voted, never how.
    let seen = sockets[4].until("events").await;
    assert!(!seen.to_string().contains("\"choice\":\""), "{seen}");
    ok(
        &mut chair,
        "close-vote",
        json!({"type": "close_vote", "vote": 0}),
    )
    .await;
    let record = minutes(&s, &m[0], id).await;
    let vote = &record["votes"][0];
    assert_eq!(
        (
            vote["in_favour"].as_u64(),
            vote["against"].as_u64(),
            vote["abstain"].as_u64()
        ),
        (Some(2), Some(2), Some(1))
    );

    let rows = s.every_row().await;
    let mut casts = 0;
    for (table, row) in &rows {
        if table == "meeting_events" && row.contains("\\\"type\\\":\\\"cast\\\"") {
            casts += 1;
            assert!(row.contains("\\\"choice\\\":null"), "{row}");
        }
        // A choice never appears as a value anywhere.
        for choice in ["\"in_favour\"", "\"against\"", "\"abstain\""] {
            let as_value = format!(":{choice}");
            let escaped = as_value.replace('"', "\\\"");
            assert!(
                !row.contains(&as_value) && !row.contains(&escaped),
                "{table}: {row}"
            );
        }
        if table == "ballot_box" {
            let columns: Value = serde_json::from_str(row).unwrap();
            let mut names: Vec<&str> = columns
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.as_str())
                .collect();
            names.sort();
            assert_eq!(
                names,
                ["abstain", "against", "in_favour", "meeting_id", "vote"],
                "counts only"
            );
        }
    }
    assert_eq!(casts, 5, "the log records each voter once");
    let logged = String::from_utf8_lossy(&logs.lock().unwrap()).to_string();
    assert!(logged.len() > 1000, "the logs were captured");
    // A choice as a value (JSON, escaped JSON) or as Rust's debug form.
    let mut forms = Vec::new();
    for c in ["in_favour", "against", "abstain"] {
        forms.push(format!(":\"{c}\""));
        forms.push(format!(":\\\"{c}\\\""));
    }
    forms.extend(["InFavour", "Against", "Abstain"].map(String::from));
    for form in forms {
        if let Some(at) = logged.find(&form) {
            let from = logged[..at].rfind('\n').unwrap_or(0);
            let to = logged[at..].find('\n').map_or(logged.len(), |n| at + n);
            panic!("the logs hold {form}: {}", &logged[from..to]);
        }
    }
    s.stop().await;
}

on_both_backends!(a_secret_ballot_leaves_no_link);
