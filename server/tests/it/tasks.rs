//! The follow-up of the tasks a meeting assigned, over HTTP on SQLite and
//! PostgreSQL: who reads and updates them, the checks, a member's own list,
//! and what the next meeting's minutes take from them (the previous tasks,
//! the resolution's number in the cell's year).

use crate::common;

use chrono::Duration;
use common::{Backend, Seeded, TestServer, meeting_log};
use serde_json::{Value, json};
use shared::MeetingId;
use shared::live::state::{Command, Speaker, Task};

/// Holds a meeting from opening to closing, its log written as the server
/// writes it: everyone present, the tasks assigned by the chair (member 0),
/// a resolution passed by all.
async fn hold(s: &TestServer, id: i64, m: &[Seeded], tasks: &[Task]) {
    let chair = Speaker::Member(m[0].member);
    let mut commands = meeting_log::opened_with_everyone(m);
    for t in tasks {
        commands.push((chair, Command::AssignTask { task: t.clone() }));
    }
    commands.extend(meeting_log::resolution_passed_by_all(
        m,
        "Thông qua nghị quyết",
    ));
    commands.push((chair, Command::Close));
    meeting_log::hold(s, id, m, &commands).await;
}

fn task(assignee: &Seeded, what: &str, due_in_days: i64) -> Task {
    Task {
        assignee: Some(assignee.member),
        assignee_name: "Đảng Viên Số 2".into(),
        what: what.into(),
        due: Some(server::clock::today() + Duration::days(due_in_days)),
    }
}

/// A second meeting of the cell, after the first.
async fn next_meeting(s: &TestServer, first: i64) -> i64 {
    let first = s.store.meeting(MeetingId(first)).await.unwrap().unwrap();
    let mut draft = first.draft.clone();
    draft.starts_at = first.draft.starts_at + Duration::hours(2);
    s.store
        .create_meeting(first.cell_id, &draft, first.registered_at)
        .await
        .unwrap()
        .id
        .0
}

async fn get(c: &reqwest::Client, s: &TestServer, path: &str) -> (u16, Value) {
    let r = c.get(s.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn put(c: &reqwest::Client, s: &TestServer, path: &str, body: Value) -> (u16, Value) {
    let r = c
        .put(s.url(path))
        .header("origin", s.base.as_str())
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn field(body: &Value) -> &str {
    body["error"]["fields"][0]["field"].as_str().unwrap_or("")
}

/// Owner, secretary, another member, another cell's member, an upper-level
/// committee member: who reads a meeting's tasks and who updates them.
async fn who_reads_and_updates_tasks(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Theo dõi", 4).await;
    let (_, other_cell) = s.seed_cell("Chi bộ Bên cạnh", 2).await;
    let owner = s.http_with(&m[2].cookie);
    let secretary = s.http_with(&m[0].cookie);
    let member = s.http_with(&m[3].cookie);
    let stranger = s.http_with(&other_cell[0].cookie);
    let upper = s.login(&server::demo::demo_username('a', 0)).await;
    let tasks = format!("/api/meetings/{id}/tasks");
    let first = format!("/api/meetings/{id}/tasks/0");
    let done = json!({"status": "done", "note": "Đã gửi báo cáo"});

    // Not closed yet: nothing to follow up.
    assert_eq!(get(&owner, &s, &tasks).await.0, 409);
    assert_eq!(put(&owner, &s, &first, done.clone()).await.0, 409);

    hold(
        &s,
        id,
        &m,
        &[
            task(&m[2], "Hoàn thành báo cáo quý", 10),
            task(&m[2], "Nộp đảng phí", -1),
        ],
    )
    .await;

    for (who, client) in [("member", &member), ("upper level", &upper)] {
        let (status, list) = get(client, &s, &tasks).await;
        assert_eq!(status, 200, "{who} reads");
        assert_eq!(list.as_array().unwrap().len(), 2);
        assert_eq!(list[0]["may_update"], false, "{who}");
    }
    let (_, list) = get(&owner, &s, &tasks).await;
    assert_eq!(list[0]["status"], "open");
    assert_eq!(list[1]["status"], "late", "past due and not done");
    assert_eq!(list[0]["may_update"], true);
    assert_eq!(get(&stranger, &s, &tasks).await.0, 404);

    // Updates.
    let (status, view) = put(&owner, &s, &first, done.clone()).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "done");
    assert_eq!(view["follow_up"]["note"], "Đã gửi báo cáo");
    assert_eq!(view["follow_up"]["updated_by"], "Đảng Viên Số 2");
    assert_eq!(put(&member, &s, &first, done.clone()).await.0, 403);
    assert_eq!(put(&upper, &s, &first, done.clone()).await.0, 403);
    assert_eq!(put(&stranger, &s, &first, done.clone()).await.0, 404);
    let reopen = json!({"status": "open", "note": ""});
    let (status, body) = put(&secretary, &s, &first, reopen).await;
    assert_eq!((status, field(&body)), (422, "note"), "{body}");
    let reopen = json!({"status": "open", "note": "Thiếu số liệu tháng 12"});
    let (status, view) = put(&secretary, &s, &first, reopen).await;
    assert_eq!((status, &view["status"]), (200, &json!("open")));
    let (status, body) = put(&owner, &s, &first, json!({"status": "late"})).await;
    assert_eq!((status, field(&body)), (422, "status"));
    let long = json!({"status": "done", "note": "x".repeat(shared::followup::MAX_NOTE_CHARS + 1)});
    let (status, body) = put(&owner, &s, &first, long).await;
    assert_eq!((status, field(&body)), (422, "note"));
    for missing in ["2", "-1"] {
        let path = format!("/api/meetings/{id}/tasks/{missing}");
        assert_eq!(put(&owner, &s, &path, done.clone()).await.0, 404);
    }
    s.stop().await;
}

/// "Việc của tôi": the tasks assigned to the member, with statuses.
async fn my_tasks_are_mine_only(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Việc", 4).await;
    let mut other = task(&m[3], "Chuẩn bị chuyên đề", 3);
    other.assignee_name = "Đảng Viên Số 3".into();
    hold(&s, id, &m, &[task(&m[2], "Nộp đảng phí", -2), other]).await;
    let (status, mine) = get(&s.http_with(&m[2].cookie), &s, "/api/me/tasks").await;
    assert_eq!(status, 200);
    let mine = mine.as_array().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["task"]["what"], "Nộp đảng phí");
    assert_eq!(mine[0]["status"], "late");
    assert_eq!(mine[0]["meeting_id"], id);
    assert_eq!(mine[0]["index"], 0);
    let (_, none) = get(&s.http_with(&m[1].cookie), &s, "/api/me/tasks").await;
    assert_eq!(none, json!([]));
    // An account without a member record has no tasks of its own.
    let upper = s.login("capuy.khoi").await;
    assert_eq!(get(&upper, &s, "/api/me/tasks").await, (200, json!([])));
    s.stop().await;
}

/// The next meeting's minutes list the previous meeting's tasks with their
/// statuses, and resolutions are numbered in the cell's year.
async fn the_next_minutes_follow_up_the_tasks(b: Backend) {
    let s = TestServer::start(b).await;
    let (first, m) = s.seed_cell("Chi bộ Nối tiếp", 3).await;
    let second = next_meeting(&s, first).await;
    hold(&s, first, &m, &[task(&m[2], "Hoàn thành báo cáo quý", 10)]).await;
    let owner = s.http_with(&m[2].cookie);
    let path = format!("/api/meetings/{first}/tasks/0");
    let done = json!({"status": "done", "note": "Đã gửi"});
    assert_eq!(put(&owner, &s, &path, done).await.0, 200);
    hold(&s, second, &m, &[]).await;
    let (_, one) = get(&owner, &s, &format!("/api/meetings/{first}/minutes")).await;
    assert_eq!(one["resolution_ordinal"], 1);
    assert_eq!(one["previous_tasks"], json!([]));
    let (_, two) = get(&owner, &s, &format!("/api/meetings/{second}/minutes")).await;
    assert_eq!(two["resolution_ordinal"], 2);
    assert_eq!(two["previous_tasks"][0]["status"], "done");
    assert_eq!(two["previous_tasks"][0]["follow_up"]["note"], "Đã gửi");
    let docx = owner
        .get(s.url(&format!("/api/meetings/{second}/resolution.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(docx.status(), 200);
    s.stop().await;
}

on_both_backends!(
    who_reads_and_updates_tasks,
    my_tasks_are_mine_only,
    the_next_minutes_follow_up_the_tasks,
);
