//! An account that loses its right to take part (logged out, password
//! changed, disabled, moved out of the cell) stops acting in a live meeting
//! within a second, on every instance: its sockets are closed and what they
//! send after the change is not applied.

use crate::common;

use common::ws::{Client, Closed};
use common::{Backend, CELL_A, CELL_B, CELL_C, TestServer};
use serde_json::{Value, json};
use server::live::Denied;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
enum Cause {
    Logout,
    PasswordChanged,
    Disabled,
    MovedOut,
}

const MEMBER: &str = "dv.b05";

/// What revokes the member's session or seat, as the web app would do it.
async fn revoke(s: &TestServer, cause: Cause, cookie: &str) {
    let (account, member) = s.ids_of(MEMBER).await;
    let res = match cause {
        Cause::Logout => {
            s.http_with(cookie)
                .post(s.url("/api/auth/logout"))
                .send()
                .await
        }
        // From another device: every other session of the account ends.
        Cause::PasswordChanged => {
            s.login(MEMBER)
                .await
                .post(s.url("/api/me/password"))
                .json(&json!({"current_password": server::demo::DEMO_PASSWORD, "new_password": "Mật-khẩu-mới-2026"}))
                .send()
                .await
        }
        Cause::Disabled => {
            s.login("quantri")
                .await
                .put(s.url(&format!("/api/accounts/{}/disabled", account.0)))
                .json(&json!({"disabled": true}))
                .send()
                .await
        }
        Cause::MovedOut => {
            let secretary = s.login("bithu.b").await;
            let url = s.url(&format!("/api/members/{}", member.unwrap().0));
            let mut draft: Value = secretary
                .get(&url)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let draft = draft.as_object_mut().unwrap();
            draft.remove("id");
            draft.remove("cell_id");
            draft.insert("status".into(), json!("transferred_out"));
            secretary.put(&url).json(&draft).send().await
        }
    }
    .unwrap();
    assert!(
        res.status().is_success(),
        "{cause:?}: {} {}",
        res.status(),
        res.text().await.unwrap_or_default()
    );
}

/// The member's socket is on `at`; the change is made through `s`.
async fn revoked(s: &TestServer, at: &TestServer, cause: Cause) {
    let (id, mut chair) = s.opened_in_b().await;
    let cookie = s.session_cookie(MEMBER).await;
    let mut member = Client::open(&at.base, &cookie, id).await.unwrap();
    member.hello(None).await;
    let r = member.command("in", json!({"type": "check_in"})).await;
    assert_eq!(r["type"], "accepted", "{r}");

    revoke(s, cause, &cookie).await;
    let changed = Instant::now();
    // Across instances the change travels through PostgreSQL: "just after" is
    // a few milliseconds later there.
    if !std::ptr::eq(s, at) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A hand raised just after the change: sent, maybe, but never applied.
    use futures_util::SinkExt;
    let _ = member
        .socket
        .send(tokio_tungstenite::tungstenite::Message::Text(
            json!({"type": "command", "key": "after", "command": {"type": "raise_hand"}})
                .to_string()
                .into(),
        ))
        .await;
    let closed = member.closed(Duration::from_secs(1)).await;
    let elapsed = changed.elapsed();
    let expected = match cause {
        Cause::MovedOut => 4403,
        _ => 4401,
    };
    match closed {
        Closed::Frame(code, reason) => {
            assert_eq!(code, expected, "{cause:?}: {reason}");
            assert!(!reason.is_empty(), "a reason to show");
        }
        other => panic!(
            "{cause:?}: the socket is not closed with a frame 1 s after the change: {other:?}"
        ),
    }
    assert!(elapsed < Duration::from_secs(1), "{cause:?}: {elapsed:?}");
    // The chair's next command follows the member's check-in directly.
    let r = chair
        .command("move", json!({"type": "move_to", "item": 1}))
        .await;
    assert_eq!(r["type"], "accepted", "{r}");
    let stored = s
        .store
        .events_since(shared::MeetingId(id), 0, 1000)
        .await
        .unwrap();
    assert!(
        stored.iter().all(|e| e.command_key != "after"),
        "{cause:?}: a command sent after the change was applied"
    );
    assert!(
        stored.iter().all(|e| !e.payload.contains("hand_raised")),
        "{cause:?}: the hand is not raised"
    );
}

async fn one_instance(b: Backend, cause: Cause) {
    let s = TestServer::start(b).await;
    revoked(&s, &s, cause).await;
    s.stop().await;
}

async fn two_instances(cause: Cause) {
    let a = TestServer::start(Backend::Postgres).await;
    let b = a.second_instance().await;
    revoked(&a, &b, cause).await;
    b.stop().await;
    a.stop().await;
}

async fn logout_closes_the_sockets(b: Backend) {
    one_instance(b, Cause::Logout).await;
}

async fn a_password_change_closes_the_other_sessions_sockets(b: Backend) {
    one_instance(b, Cause::PasswordChanged).await;
}

async fn disabling_an_account_closes_its_sockets(b: Backend) {
    one_instance(b, Cause::Disabled).await;
}

async fn moving_a_member_out_closes_their_sockets(b: Backend) {
    one_instance(b, Cause::MovedOut).await;
}

/// A change nobody signalled (a session deleted behind the server's back) is
/// caught by the periodic check.
async fn the_periodic_check_catches_what_no_signal_said(b: Backend) {
    let s = TestServer::start_live(
        b,
        server::live::LiveConfig {
            recheck: Duration::from_millis(300),
            ..Default::default()
        },
    )
    .await;
    let id = s.meeting_in(CELL_B).await;
    let cookie = s.session_cookie(MEMBER).await;
    let mut member = Client::open(&s.base, &cookie, id).await.unwrap();
    member.hello(None).await;
    let token = cookie.split_once('=').unwrap().1;
    s.store
        .delete_session(&server::auth::token_hash(token))
        .await
        .unwrap();
    match member.closed(Duration::from_secs(3)).await {
        Closed::Frame(code, _) => assert_eq!(code, 4401),
        other => panic!("the socket outlives its session: {other:?}"),
    }
    s.stop().await;
}

/// The periodic check reads many sessions at once: its answers are those
/// read one session at a time (as a socket's upgrade reads them), for a cell's
/// members, its secretary, another cell's members, the upper levels, the
/// administrator, a session ended, an account disabled, a member moved off
/// the roll with no signal, and a meeting that does not exist.
async fn the_periodic_check_answers_as_one_session_at_a_time(b: Backend) {
    use server::live::Gate;
    use shared::live::state::Speaker;
    let s = TestServer::start(b).await;
    let mut meetings = vec![
        s.meeting_in(CELL_A).await,
        s.meeting_in(CELL_B).await,
        s.meeting_in(CELL_C).await,
        i64::from(i32::MAX),
    ];
    meetings.push(meetings[1]);
    let users = [
        "dv.a05",
        "dv.b05",
        "bithu.b",
        "bithu.c",
        "capuy.khoi",
        "bithu.a",
        "quantri",
        "dv.b04",
        "dv.b03",
        "dv.b06",
    ];
    let mut sessions = Vec::new();
    for user in users {
        let cookie = s.session_cookie(user).await;
        sessions.push(server::auth::token_hash(cookie.split_once('=').unwrap().1));
    }
    sessions.push(server::auth::token_hash("never-issued"));
    s.store.delete_session(&sessions[7]).await.unwrap();
    let (disabled, _) = s.ids_of("dv.b03").await;
    assert!(s.store.set_disabled(disabled, true).await.unwrap());
    let (_, moved) = s.ids_of("dv.b06").await;
    let mut member = s.store.member(moved.unwrap()).await.unwrap().unwrap();
    member.draft.status = shared::member::PartyStatus::TransferredOut;
    s.store
        .update_member(member.id, &member.draft)
        .await
        .unwrap();

    let gate = server::routes::live::SessionGate::new(s.store.clone());
    let asks: Vec<(&str, shared::MeetingId)> = sessions
        .iter()
        .flat_map(|s| {
            meetings
                .iter()
                .map(move |m| (s.as_str(), shared::MeetingId(*m)))
        })
        .collect();
    let all = gate.admit_all(&asks).await;
    assert_eq!(all.len(), asks.len());
    for (ask, answer) in asks.iter().zip(&all) {
        assert_eq!(answer, &gate.admit(ask.0, ask.1).await, "{ask:?}");
    }
    let count = |f: &dyn Fn(&Result<Speaker, Denied>) -> bool| all.iter().filter(|a| f(a)).count();
    assert!(
        count(&|a| matches!(a, Ok(Speaker::Member(_)))) >= 3,
        "{all:?}"
    );
    assert!(
        count(&|a| matches!(a, Ok(Speaker::Visitor(_)))) >= 2,
        "{all:?}"
    );
    assert!(
        count(&|a| *a == Err(Denied::NotParticipant)) >= 10,
        "{all:?}"
    );
    assert_eq!(
        count(&|a| *a == Err(Denied::SessionEnded)),
        3 * meetings.len()
    );
    assert_eq!(count(&|a| matches!(a, Err(Denied::Unknown(_)))), 0);
    // Without the socket's session nothing is read.
    assert!(gate.admit_all(&[]).await.is_empty());
    s.stop().await;
}

on_both_backends!(
    the_periodic_check_answers_as_one_session_at_a_time,
    the_periodic_check_catches_what_no_signal_said,
    logout_closes_the_sockets,
    a_password_change_closes_the_other_sessions_sockets,
    disabling_an_account_closes_its_sockets,
    moving_a_member_out_closes_their_sockets
);

mod two_instances {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn logout_closes_the_sockets() {
        two_instances(Cause::Logout).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_password_change_closes_the_other_sessions_sockets() {
        two_instances(Cause::PasswordChanged).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn disabling_an_account_closes_its_sockets() {
        two_instances(Cause::Disabled).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn moving_a_member_out_closes_their_sockets() {
        two_instances(Cause::MovedOut).await;
    }
}
